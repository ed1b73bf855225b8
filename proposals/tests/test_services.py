"""Proposal services: drafts, submission, limits, supports, comments, moderation, merging."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from accounts.testing import make_user
from audit.models import AuditEntry
from editions.models import Phase
from notifications.models import Message
from proposals import services
from proposals.models import Proposal, ProposalFollow, ProposalSupport

from .factories import cast, make_edition, make_proposal, proposal_data, set_phase

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return make_edition(phase=Phase.PROPOSALS)


@pytest.fixture
def people(edition):
    return cast(edition)


def test_a_draft_is_private_and_submitting_makes_it_public_with_history(edition, people):
    proposal = services.save_draft(edition=edition, author=people["resident"], data=proposal_data(edition))
    assert proposal.status == "draft" and proposal not in Proposal.objects.public()
    services.submit(proposal=proposal, actor=people["resident"])
    proposal.refresh_from_db()
    assert proposal in Proposal.objects.public()
    assert [(s.status_from, s.status_to) for s in proposal.status_changes.all()] == [
        ("", "draft"),
        ("draft", "submitted"),
    ]
    assert list(services.followers_of(proposal)) == [people["resident"]]


def test_a_draft_may_be_incomplete_but_cannot_be_submitted_so(edition, people):
    proposal = services.save_draft(edition=edition, author=people["resident"], data={"title": "Only a title"})
    with pytest.raises(ValidationError) as error:
        services.submit(proposal=proposal, actor=people["resident"])
    assert {"summary", "description", "problem", "address", "estimated_cost"} <= set(error.value.message_dict)


def test_the_cost_cap_is_enforced(edition, people):
    with pytest.raises(ValidationError) as error:
        services.save_draft(
            edition=edition, author=people["resident"], data=proposal_data(edition, estimated_cost=20_000_001)
        )
    assert "estimated_cost" in error.value.message_dict
    services.save_draft(
        edition=edition, author=people["resident"], data=proposal_data(edition, estimated_cost=20_000_000)
    )


def test_a_category_of_another_edition_is_refused(edition, people):
    other = make_edition()
    with pytest.raises(ValidationError):
        services.save_draft(
            edition=edition, author=people["resident"], data=proposal_data(edition, category=other.categories.first())
        )


@override_settings(PROPOSALS_PER_RESIDENT=2)
def test_the_per_edition_limit_counts_drafts_but_not_withdrawn_ones(edition, people):
    first = services.save_draft(edition=edition, author=people["resident"], data=proposal_data(edition))
    services.save_draft(edition=edition, author=people["resident"], data=proposal_data(edition))
    with pytest.raises(ValidationError):
        services.save_draft(edition=edition, author=people["resident"], data=proposal_data(edition))
    services.withdraw(proposal=first, actor=people["resident"])
    services.save_draft(edition=edition, author=people["resident"], data=proposal_data(edition))
    assert services.proposals_left(user=people["resident"], edition=make_edition()) == 2


@pytest.mark.parametrize("phase", [Phase.ANNOUNCEMENT, Phase.REVIEW, Phase.VOTING])
def test_nothing_is_submitted_or_changed_outside_the_proposals_phase(edition, people, phase):
    draft = services.save_draft(edition=edition, author=people["resident"], data=proposal_data(edition))
    set_phase(edition, phase)
    draft.refresh_from_db()
    with pytest.raises(ValidationError):
        services.save_draft(edition=edition, author=people["resident"], data=proposal_data(edition))
    with pytest.raises(ValidationError):
        services.submit(proposal=draft, actor=people["resident"])
    with pytest.raises(ValidationError):
        services.save_draft(edition=edition, author=people["resident"], data={"title": "x"}, proposal=draft)


def test_only_the_author_edits_and_decided_proposals_are_locked(edition, people):
    proposal = make_proposal(edition, author=people["resident"])
    with pytest.raises(PermissionDenied):
        services.save_draft(edition=edition, author=people["neighbour"], data={"title": "Mine now"}, proposal=proposal)
    in_review = make_proposal(edition, author=people["resident"], status="in_review")
    with pytest.raises(ValidationError):
        services.save_draft(edition=edition, author=people["resident"], data={"title": "x"}, proposal=in_review)


def test_one_support_per_resident_removable_while_the_phase_is_open(edition, people):
    proposal = make_proposal(edition)
    assert services.support(proposal=proposal, user=people["resident"]) is True
    assert services.support(proposal=proposal, user=people["resident"]) is False
    services.support(proposal=proposal, user=people["neighbour"])
    proposal.refresh_from_db()
    assert proposal.supports_count == 2
    assert services.unsupport(proposal=proposal, user=people["resident"]) is True
    proposal.refresh_from_db()
    assert proposal.supports_count == 1
    assert ProposalFollow.objects.filter(proposal=proposal, user=people["neighbour"]).exists()
    set_phase(edition, Phase.REVIEW)
    with pytest.raises(ValidationError):
        services.unsupport(proposal=proposal, user=people["neighbour"])
    with pytest.raises(ValidationError):
        services.support(proposal=proposal, user=people["resident"])


def test_drafts_cannot_be_supported(edition, people):
    with pytest.raises(ValidationError):
        services.support(proposal=make_proposal(edition, status="draft"), user=people["resident"])


def test_replies_are_one_level_deep_and_edits_close_after_fifteen_minutes(edition, people):
    proposal = make_proposal(edition)
    top = services.add_comment(proposal=proposal, author=people["resident"], body="Хорошо")
    reply = services.add_comment(proposal=proposal, author=people["neighbour"], body="Да", parent=top)
    deeper = services.add_comment(proposal=proposal, author=people["resident"], body="Ещё", parent=reply)
    assert reply.parent == top and deeper.parent == top
    services.edit_comment(comment=top, actor=people["resident"], body="Очень хорошо")
    with pytest.raises(PermissionDenied):
        services.edit_comment(comment=top, actor=people["neighbour"], body="Hacked")
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        with pytest.raises(ValidationError):
            services.edit_comment(comment=top, actor=people["resident"], body="Too late")
    top.refresh_from_db()
    assert top.body == "Очень хорошо" and top.edited_at is not None


def test_hide_with_a_reason_then_restore(edition, people):
    people["resident"].email = "aigerim@example.kz"
    people["resident"].save()
    proposal = make_proposal(edition, author=people["resident"], status="in_review")
    services.report(proposal=proposal, reporter=people["neighbour"], reason="Реклама")
    with pytest.raises(PermissionDenied):
        services.hide_proposal(proposal=proposal, actor=people["other_coordinator"], reason="x")
    with pytest.raises(ValidationError):
        services.hide_proposal(proposal=proposal, actor=people["coordinator"], reason=" ")
    services.hide_proposal(proposal=proposal, actor=people["coordinator"], reason="Advertising")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.moderation_reason) == ("hidden", "Advertising")
    assert proposal not in Proposal.objects.public()
    assert proposal.reports.get().resolved_by == people["coordinator"]
    assert Message.objects.filter(template="proposals/notifications/hidden", user=people["resident"]).exists()
    services.restore_proposal(proposal=proposal, actor=people["coordinator"])
    proposal.refresh_from_db()
    assert (proposal.status, proposal.moderation_reason) == ("in_review", "")
    actions = list(
        AuditEntry.objects.filter(target_id=str(proposal.pk)).order_by("seq").values_list("action", flat=True)
    )
    assert actions == ["proposals.hidden", "proposals.restored"]


def test_a_blocked_person_cannot_propose_comment_or_support_in_that_city(edition, people):
    proposal = make_proposal(edition)
    services.block_user(user=people["resident"], city=edition.city, actor=people["coordinator"], reason="Insults")
    for act in (
        lambda: services.save_draft(edition=edition, author=people["resident"], data=proposal_data(edition)),
        lambda: services.support(proposal=proposal, user=people["resident"]),
        lambda: services.add_comment(proposal=proposal, author=people["resident"], body="hi"),
    ):
        with pytest.raises(PermissionDenied):
            act()
    services.save_draft(edition=make_edition(), author=people["resident"], data={"title": "Elsewhere"})
    services.unblock_user(user=people["resident"], city=edition.city, actor=people["coordinator"])
    services.support(proposal=proposal, user=people["resident"])


def test_merge_moves_supports_and_followers_once(edition, people):
    target = make_proposal(edition, title="Площадка", author=make_user(name="A", email="a@example.kz"))
    duplicate = make_proposal(edition, title="Детская площадка", author=make_user(name="B", email="b@example.kz"))
    both, only_dup = people["resident"], people["neighbour"]
    for user in (both,):
        services.support(proposal=target, user=user)
    for user in (both, only_dup):
        services.support(proposal=duplicate, user=user)
    result = services.merge(duplicate=duplicate, target=target, actor=people["coordinator"], reason="Same place")
    duplicate.refresh_from_db()
    target.refresh_from_db()
    assert result == target
    assert (duplicate.status, duplicate.merged_into, duplicate.supports_count) == ("merged", target, 0)
    assert target.supports_count == 2
    assert set(ProposalSupport.objects.filter(proposal=target).values_list("user_id", flat=True)) == {
        both.pk,
        only_dup.pk,
    }
    assert {duplicate.author, both, only_dup} <= set(services.followers_of(target))
    assert duplicate not in Proposal.objects.public() and duplicate in Proposal.objects.visible()
    assert AuditEntry.objects.filter(action="proposals.merged").count() == 1
    told = Message.objects.filter(template="proposals/notifications/merged").values_list("user_id", flat=True)
    assert {duplicate.author_id, target.author_id} <= set(told)


def test_merge_refuses_other_editions_itself_and_decided_ones(edition, people):
    proposal = make_proposal(edition)
    with pytest.raises(ValidationError):
        services.merge(duplicate=proposal, target=proposal, actor=people["coordinator"])
    with pytest.raises(ValidationError):
        services.merge(
            duplicate=proposal, target=make_proposal(make_edition(city=edition.city)), actor=people["coordinator"]
        )
    with pytest.raises(ValidationError):
        services.merge(
            duplicate=proposal, target=make_proposal(edition, status="feasible"), actor=people["coordinator"]
        )
    with pytest.raises(PermissionDenied):
        services.merge(duplicate=proposal, target=make_proposal(edition), actor=people["other_coordinator"])


@override_settings(PROPOSAL_COMMENTS_PER_10_MIN=2)
def test_comment_floods_are_slowed_down(edition, people):
    proposal = make_proposal(edition)
    for _ in range(2):
        services.add_comment(proposal=proposal, author=people["resident"], body="Спам")
    with pytest.raises(ValidationError):
        services.add_comment(proposal=proposal, author=people["resident"], body="Спам")
    services.add_comment(proposal=proposal, author=people["neighbour"], body="Нормальный комментарий")
