"""Admin: the voting rules of an edition only. Ballots and participations are never edited by hand."""

from django.contrib import admin

from .models import VotingRules


@admin.register(VotingRules)
class VotingRulesAdmin(admin.ModelAdmin):
    list_display = ["edition", "restriction"]
    list_filter = ["restriction"]
