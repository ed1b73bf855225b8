"""The review's services: permissions by role and phase, conflicts, agreement, disagreement, the shortlist."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.testing import make_staff, make_user
from audit.models import AuditEntry
from editions.models import Phase
from review import services
from review.models import Assessment, CouncilDecision, Shortlist
from review.selectors import ballot_cost_from_estimates, ballot_proposals

from .factories import assessment_data, cast, make_city, make_edition, make_proposal, set_phase

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return make_edition(phase=Phase.REVIEW)


@pytest.fixture
def people(edition):
    return cast(edition.city)


def _assess(proposal, expert, **kwargs):
    return services.submit_assessment(proposal=proposal, actor=expert, **assessment_data(**kwargs))


def _refresh(proposal):
    proposal.refresh_from_db()
    return proposal


def test_a_coordinator_assigns_experts_and_the_proposal_goes_under_review(edition, people):
    proposal = make_proposal(edition)
    created = services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["anna"], people["bolat"]])
    assert [a.expert for a in created] == [people["anna"], people["bolat"]]
    assert _refresh(proposal).status == "in_review"
    assert AuditEntry.objects.filter(action="review.assigned", target_id=str(proposal.pk)).exists()


def test_assigning_again_keeps_one_assignment_per_expert(edition, people):
    proposal = make_proposal(edition)
    services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["anna"]])
    assert services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["anna"]]) == []
    assert proposal.review_assignments.count() == 1


def test_a_group_assigns_all_its_members(edition, people):
    group = services.save_expert_group(
        city=edition.city, name="Roads", members=[people["anna"], people["chingiz"]], actor=people["coordinator"]
    )
    proposal = make_proposal(edition)
    services.assign(proposal=proposal, actor=people["coordinator"], group=group)
    assert {(a.expert, a.group) for a in proposal.review_assignments.all()} == {
        (people["anna"], group),
        (people["chingiz"], group),
    }


@pytest.mark.parametrize("who", ["anna", "resident", "other_coordinator"])
def test_only_the_citys_coordinators_assign(edition, people, who):
    people["other_coordinator"] = make_staff("coordinator", city=make_city())
    proposal = make_proposal(edition)
    with pytest.raises(PermissionDenied):
        services.assign(proposal=proposal, actor=people[who], experts=[people["anna"]])


def test_only_the_citys_experts_can_be_assigned(edition, people):
    outsider = make_staff("expert", city=make_city())
    with pytest.raises(ValidationError):
        services.assign(proposal=make_proposal(edition), actor=people["coordinator"], experts=[outsider])
    with pytest.raises(ValidationError):
        services.assign(proposal=make_proposal(edition), actor=people["coordinator"], experts=[people["resident"]])


def test_assignment_is_refused_once_voting_has_started(edition, people):
    proposal = make_proposal(edition)
    set_phase(edition, Phase.VOTING)
    with pytest.raises(ValidationError):
        services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["anna"]])


def test_an_unassigned_expert_cannot_assess(edition, people):
    proposal = make_proposal(edition)
    services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["anna"]])
    with pytest.raises(PermissionDenied):
        _assess(proposal, people["bolat"])
    with pytest.raises(PermissionDenied):
        _assess(proposal, people["coordinator"])


def test_a_declared_conflict_blocks_the_assessment(edition, people):
    proposal = make_proposal(edition)
    services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["anna"], people["bolat"]])
    services.declare_conflict(proposal=proposal, actor=people["anna"], reason="My brother is the author")
    with pytest.raises(PermissionDenied):
        _assess(proposal, people["anna"])
    assert AuditEntry.objects.filter(action="review.conflict_declared").exists()


def test_assigning_while_proposals_are_collected_leaves_the_author_free_to_edit(people):
    edition = make_edition(phase=Phase.PROPOSALS, city=people["anna"].staff_roles.get().city)
    proposal = make_proposal(edition)
    services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["anna"], people["bolat"]])
    assert _refresh(proposal).status == "submitted"
    set_phase(edition, Phase.REVIEW)
    _assess(_refresh(proposal), people["anna"])
    assert _refresh(proposal).status == "in_review"


def test_assessments_are_refused_outside_the_review_phase(people):
    edition = make_edition(phase=Phase.PROPOSALS, city=people["anna"].staff_roles.get().city)
    proposal = make_proposal(edition)
    services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["anna"]])
    with pytest.raises(ValidationError):
        _assess(proposal, people["anna"])


def test_when_all_experts_agree_the_decision_is_taken_at_the_mean_cost_rounded_up(edition, people):
    proposal = make_proposal(edition)
    services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["anna"], people["bolat"]])
    _assess(proposal, people["anna"], cost=4_000_000)
    assert not CouncilDecision.objects.filter(proposal=proposal).exists()
    _assess(proposal, people["bolat"], cost=4_000_001)
    decision = CouncilDecision.objects.get(proposal=proposal)
    assert (decision.feasible, decision.ballot_cost, decision.unanimous, decision.decided_by) == (
        True,
        4_000_001,
        True,
        None,
    )
    proposal = _refresh(proposal)
    assert (proposal.status, proposal.ballot_cost) == ("feasible", 4_000_001)
    assert "Feasible on town land." in proposal.decision_reason
    entry = AuditEntry.objects.get(action="review.decided")
    assert entry.public and "SECRET-NOTE" not in str(entry.after)


def test_a_unanimous_not_feasible_decision_has_no_cost(edition, people):
    proposal = make_proposal(edition)
    services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["anna"], people["bolat"]])
    _assess(proposal, people["anna"], recommendation="not_feasible")
    _assess(proposal, people["bolat"], recommendation="not_feasible")
    proposal = _refresh(proposal)
    assert (proposal.status, proposal.ballot_cost) == ("not_feasible", None)
    assert proposal.decision_reason == "Private land."


def test_a_feasible_assessment_needs_a_cost(edition, people):
    proposal = make_proposal(edition)
    services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["anna"]])
    with pytest.raises(ValidationError):
        _assess(proposal, people["anna"], cost=None)


def test_disagreement_waits_for_the_coordinator(edition, people):
    proposal = make_proposal(edition)
    services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["anna"], people["bolat"]])
    _assess(proposal, people["anna"])
    with pytest.raises(ValidationError):  # not everyone has assessed yet
        services.record_decision(
            proposal=proposal, actor=people["coordinator"], feasible=True, ballot_cost=1, reason="x"
        )
    _assess(proposal, people["bolat"], recommendation="not_feasible")
    assert not CouncilDecision.objects.filter(proposal=proposal).exists()
    assert _refresh(proposal).status == "in_review"
    with pytest.raises(PermissionDenied):
        services.record_decision(proposal=proposal, actor=people["anna"], feasible=True, ballot_cost=1, reason="x")
    services.record_decision(
        proposal=proposal, actor=people["coordinator"], feasible=True, ballot_cost=4_500_000, reason="The council: yes"
    )
    decision = CouncilDecision.objects.get(proposal=proposal)
    assert (decision.unanimous, decision.decided_by) == (False, people["coordinator"])
    proposal = _refresh(proposal)
    assert (proposal.status, proposal.ballot_cost, proposal.decision_reason) == (
        "feasible",
        4_500_000,
        "The council: yes",
    )


def test_the_coordinator_cannot_overrule_agreeing_experts(edition, people):
    proposal = make_proposal(edition)
    services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["anna"]])
    _assess(proposal, people["anna"], recommendation="not_feasible")
    with pytest.raises(ValidationError):
        services.record_decision(
            proposal=proposal, actor=people["coordinator"], feasible=True, ballot_cost=1, reason="x"
        )


def test_a_decided_proposal_cannot_be_reassessed_or_reassigned(edition, people):
    proposal = make_proposal(edition)
    services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["anna"]])
    _assess(proposal, people["anna"])
    with pytest.raises(ValidationError):
        _assess(_refresh(proposal), people["anna"], recommendation="not_feasible")
    with pytest.raises(ValidationError):
        services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["bolat"]])


def test_a_conflict_after_assessing_withdraws_it_and_the_others_may_then_agree(edition, people):
    proposal = make_proposal(edition)
    services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["anna"], people["bolat"]])
    _assess(proposal, people["anna"], recommendation="not_feasible")
    _assess(proposal, people["bolat"])  # disagreement
    services.declare_conflict(proposal=proposal, actor=people["anna"], reason="I own the neighbouring plot")
    assert not Assessment.objects.filter(proposal=proposal, expert=people["anna"]).exists()
    assert _refresh(proposal).status == "feasible"


def test_unassigning_withdraws_the_assessment(edition, people):
    proposal = make_proposal(edition)
    services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["anna"], people["bolat"]])
    _assess(proposal, people["anna"], recommendation="not_feasible")
    services.unassign(assignment=proposal.review_assignments.get(expert=people["anna"]), actor=people["coordinator"])
    assert not Assessment.objects.filter(proposal=proposal).exists()
    _assess(proposal, people["bolat"])
    assert _refresh(proposal).status == "feasible"


def test_the_shortlist_is_refused_while_proposals_wait_and_then_published(edition, people):
    feasible, rejected, waiting = make_proposal(edition), make_proposal(edition), make_proposal(edition)
    make_proposal(edition, status="withdrawn")
    for proposal in (feasible, rejected, waiting):
        services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["anna"]])
    _assess(feasible, people["anna"], cost=3_000_000)
    _assess(rejected, people["anna"], recommendation="not_feasible")
    with pytest.raises(ValidationError, match=f"#{waiting.pk}"):
        services.close_review_and_publish_shortlist(edition=edition, actor=people["coordinator"])
    assert list(ballot_proposals(edition)) == []

    _assess(waiting, people["anna"], recommendation="not_feasible")
    with pytest.raises(PermissionDenied):
        services.close_review_and_publish_shortlist(edition=edition, actor=people["anna"])
    shortlist = services.close_review_and_publish_shortlist(edition=edition, actor=people["coordinator"])
    assert shortlist.published_by == people["coordinator"]
    assert [(p.pk, p.ballot_cost) for p in ballot_proposals(edition)] == [(feasible.pk, 3_000_000)]
    entry = AuditEntry.objects.get(action="review.shortlist_published")
    assert entry.public and entry.after["ballot"] == [{"proposal": feasible.pk, "ballot_cost": 3_000_000}]
    with pytest.raises(ValidationError):
        services.close_review_and_publish_shortlist(edition=edition, actor=people["coordinator"])


def test_the_shortlist_is_published_only_during_the_review(people):
    edition = make_edition(phase=Phase.PROPOSALS, city=people["anna"].staff_roles.get().city)
    with pytest.raises(ValidationError):
        services.close_review_and_publish_shortlist(edition=edition, actor=people["coordinator"])
    assert not Shortlist.objects.exists()


def test_nothing_changes_after_the_shortlist_is_published(edition, people):
    proposal = make_proposal(edition)
    services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["anna"]])
    _assess(proposal, people["anna"])
    services.close_review_and_publish_shortlist(edition=edition, actor=people["coordinator"])
    with pytest.raises(ValidationError):
        services.declare_conflict(proposal=proposal, actor=people["anna"], reason="late")


def test_ballot_cost_rule():
    assert ballot_cost_from_estimates([100, 100]) == 100
    assert ballot_cost_from_estimates([100, 101]) == 101
    assert ballot_cost_from_estimates([1, 1, 2]) == 2


def test_decisions_are_queued_for_the_author_and_followers(edition, people):
    from notifications.models import Message

    follower = make_user(name="Follower", email="follower@example.kz")
    people["resident"].email = "author@example.kz"
    people["resident"].save()
    proposal = make_proposal(edition, author=people["resident"])
    proposal.followers.add(follower)
    services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["anna"]])
    _assess(proposal, people["anna"])
    messages = Message.objects.filter(template="review/notifications/decision")
    assert {m.user for m in messages} == {people["resident"], follower}
    assert messages.first().context["feasible"] is True
    assert "SECRET-NOTE" not in str(messages.first().context)


def test_the_audit_log_records_assessments_without_internal_notes(edition, people):
    proposal = make_proposal(edition)
    services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["anna"], people["bolat"]])
    _assess(proposal, people["anna"])
    _assess(proposal, people["anna"], cost=4_100_000)  # revised before the decision
    actions = list(
        AuditEntry.objects.filter(target_id=str(proposal.pk), action__startswith="review.").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["review.assessed", "review.assessment_revised", "review.assigned"]
    assert not any("SECRET-NOTE" in str(e.after) + e.summary for e in AuditEntry.objects.all())


def test_the_coordinator_records_decisions_only_during_the_review(edition, people):
    proposal = make_proposal(edition)
    services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["anna"], people["bolat"]])
    _assess(proposal, people["anna"])
    _assess(proposal, people["bolat"], recommendation="not_feasible")
    set_phase(edition, Phase.VOTING)
    with pytest.raises(ValidationError):
        services.record_decision(
            proposal=proposal, actor=people["coordinator"], feasible=False, ballot_cost=None, reason="Late"
        )
