from django.contrib import admin

from .models import Comment, Proposal, ProposalBan, ProposalStatusChange, Report


class StatusChangeInline(admin.TabularInline):
    model = ProposalStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["status_from", "status_to", "at", "actor", "reason"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    """Read-mostly: statuses change only through proposals.services (the moderation screens)."""

    list_display = ["pk", "title", "edition", "status", "supports_count", "submitted_at"]
    list_filter = ["status", "edition"]
    search_fields = ["title", "summary"]
    readonly_fields = ["status", "ballot_cost", "decision_reason", "merged_into", "supports_count"]
    inlines = [StatusChangeInline]


admin.site.register(Comment)
admin.site.register(Report)
admin.site.register(ProposalBan)
