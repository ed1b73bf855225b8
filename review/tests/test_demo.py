"""review.demo.load: decisions for the demo proposals, the shortlist once voting opens, idempotent."""

import itertools

import pytest
from django.utils import timezone

from accounts.testing import make_user
from editions import demo as editions_demo
from editions.demo import DemoContext
from editions.models import Phase
from review import demo
from review.models import Assessment, CouncilDecision, Shortlist
from review.selectors import ballot_proposals

from .factories import make_proposal as _make_proposal

pytestmark = pytest.mark.django_db


_author_phones = itertools.count(77019990001)


def make_proposal(edition, **fields):
    # accounts.testing.next_phone starts at +77000000001, a number the demo staff use: authors get others.
    return _make_proposal(edition, author=make_user(phone=f"+{next(_author_phones)}"), **fields)


def _context(phase: Phase) -> DemoContext:
    context = DemoContext(now=timezone.now(), phase=phase, write=lambda line: None)
    editions_demo.load(context)
    return context


@pytest.mark.parametrize("phase", [Phase.VOTING, Phase.RESULTS])
def test_after_the_review_every_proposal_is_decided_and_the_shortlist_published(phase):
    context = _context(phase)
    edition = context.editions["aksu"]
    proposals = [make_proposal(edition, title=f"Demo {i}", estimated_cost=1_000_000 * (i + 1)) for i in range(6)]
    demo.load(context)
    demo.load(context)  # idempotent
    assert CouncilDecision.objects.filter(proposal__edition=edition).count() == 6
    assert Shortlist.objects.filter(edition=edition).count() == 1
    on_ballot = list(ballot_proposals(edition))
    assert 0 < len(on_ballot) < 6
    assert all(p.ballot_cost for p in on_ballot)
    assert {p.status for p in proposals for p in [p.__class__.objects.get(pk=p.pk)]} == {"feasible", "not_feasible"}


def test_during_the_review_one_disagreement_and_one_waiting_proposal_are_left():
    context = _context(Phase.REVIEW)
    edition = context.editions["aksu"]
    for i in range(6):
        make_proposal(edition, title=f"Demo {i}")
    demo.load(context)
    demo.load(context)
    assert CouncilDecision.objects.filter(proposal__edition=edition).count() == 4
    assert not Shortlist.objects.filter(edition=edition).exists()
    assert Assessment.objects.filter(proposal__edition=edition).count() == 11


def test_while_proposals_are_collected_experts_are_only_assigned():
    context = _context(Phase.PROPOSALS)
    edition = context.editions["aksu"]
    proposal = make_proposal(edition)
    demo.load(context)
    assert proposal.review_assignments.count() == 2
    assert not Assessment.objects.exists()
