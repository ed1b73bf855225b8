"""Coordinators' URLs for paper ballots, the voter list and turnout (mounted at the site root)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from editions.staff_links import register_edition_link

from . import paper_views as views

# The coordinators' dashboard lists these screens (registered when the URLconf loads, before any page renders).
register_edition_link("voting_paper:enter", _("Paper ballots"))
register_edition_link("voting_paper:voter_list", _("Voter list"))
register_edition_link("voting_paper:turnout", _("Turnout"))

app_name = "voting_paper"

urlpatterns = [
    path("staff/editions/<int:edition_id>/paper/", views.enter, name="enter"),
    path("staff/editions/<int:edition_id>/paper/mismatches/", views.mismatches, name="mismatches"),
    path("staff/editions/<int:edition_id>/paper/print/", views.printable, name="print"),
    path("staff/editions/<int:edition_id>/paper/<int:sheet_id>/resolve", views.resolve, name="resolve"),
    path("staff/editions/<int:edition_id>/paper/rule", views.when_both, name="when_both"),
    path("staff/editions/<int:edition_id>/voter-list/", views.voter_list, name="voter_list"),
    path("staff/editions/<int:edition_id>/voter-list/who-may-vote", views.restriction, name="restriction"),
    path("staff/editions/<int:edition_id>/turnout/", views.turnout_page, name="turnout"),
    path("staff/editions/<int:edition_id>/turnout/voters/", views.voters, name="voters"),
]
