"""The API the review app calls: start_review and record_council_decision (status, history, audit)."""

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from editions.models import Phase
from proposals import services
from proposals.models import Proposal

from .factories import cast, make_edition, make_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return make_edition(phase=Phase.REVIEW)


def test_start_review_moves_a_submitted_proposal_and_writes_history_and_audit(edition):
    people = cast(edition)
    proposal = make_proposal(edition)
    services.start_review(proposal=proposal, actor=people["coordinator"])
    proposal.refresh_from_db()
    assert proposal.status == "in_review"
    step = proposal.status_changes.get()
    assert (step.status_from, step.status_to, step.actor) == ("submitted", "in_review", people["coordinator"])
    assert AuditEntry.objects.filter(action="proposals.review_started", target_id=str(proposal.pk)).exists()


def test_start_review_twice_is_harmless_and_a_draft_is_refused(edition):
    people = cast(edition)
    proposal = make_proposal(edition, status="in_review")
    services.start_review(proposal=proposal, actor=people["coordinator"])
    assert proposal.status_changes.count() == 0
    with pytest.raises(ValidationError):
        services.start_review(proposal=make_proposal(edition, status="draft"), actor=people["coordinator"])


def test_a_feasible_decision_fixes_the_ballot_cost_and_the_public_reason(edition):
    people = cast(edition)
    proposal = make_proposal(edition, status="in_review")
    services.record_council_decision(
        proposal=proposal, feasible=True, ballot_cost=4_200_000, reason="Land is municipal.", actor=None
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.ballot_cost, proposal.decision_reason) == (
        "feasible",
        4_200_000,
        "Land is municipal.",
    )
    assert list(Proposal.objects.feasible()) == [proposal]
    assert proposal.status_changes.last().reason == "Land is municipal."
    assert people  # the council may decide with no actor (automatic agreement)


def test_a_not_feasible_decision_clears_the_ballot_cost(edition):
    proposal = make_proposal(edition)
    services.record_council_decision(
        proposal=proposal, feasible=False, ballot_cost=99, reason="Private land", actor=None
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.ballot_cost) == ("not_feasible", None)
    assert proposal in Proposal.objects.public()


def test_a_decided_proposal_cannot_be_decided_again_and_feasible_needs_a_cost(edition):
    proposal = make_proposal(edition, status="in_review")
    with pytest.raises(ValidationError):
        services.record_council_decision(proposal=proposal, feasible=True, ballot_cost=None, reason="", actor=None)
    services.record_council_decision(proposal=proposal, feasible=False, ballot_cost=None, reason="No", actor=None)
    with pytest.raises(ValidationError):
        services.record_council_decision(proposal=proposal, feasible=True, ballot_cost=5, reason="", actor=None)


def test_public_lists_only_listed_statuses(edition):
    shown = {make_proposal(edition, status=s).pk for s in ("submitted", "in_review", "feasible", "not_feasible")}
    for status in ("draft", "hidden", "withdrawn"):
        make_proposal(edition, status=status)
    assert set(Proposal.objects.public().of_edition(edition).values_list("pk", flat=True)) == shown
