"""Reads of the review that other areas use: the published ballot shortlist, and the coordinators' progress table.

`ballot_proposals(edition)` is the API the voting area reads: the proposals on the ballot, i.e. the published
shortlist. It is empty until the coordinator has closed the review and published the shortlist.
"""

import math
from dataclasses import dataclass, field

from django.db.models import QuerySet

from editions.models import Edition, voting_budget

from .models import Assessment, Assignment, ConflictDeclaration, CouncilDecision, Recommendation, Shortlist

# Statuses of a proposal that the review must decide (the others are drafts, hidden, withdrawn or merged).
UNDER_REVIEW_STATUSES = ("submitted", "in_review")
DECIDED_STATUSES = ("feasible", "not_feasible")


def ballot_proposals(edition: Edition) -> QuerySet:
    """The published shortlist: the edition's `feasible` proposals with their ballot cost, in a stable order.

    Empty (`Proposal.objects.none()`) until the shortlist is published. Each proposal has `ballot_cost` (the
    council's cost in tenge, which replaces the resident's estimate) and `district_id` for split budgets.
    """
    from proposals.models import Proposal

    if not Shortlist.objects.filter(edition=edition).exists():
        return Proposal.objects.none()
    return (
        Proposal.objects.filter(edition=edition, status="feasible", ballot_cost__isnull=False)
        .select_related("district", "category")
        .order_by("pk")
    )


def reviewable_proposals(edition: Edition) -> QuerySet:
    """The proposals the review covers: everything submitted, under review or already decided."""
    from proposals.models import Proposal

    return (
        Proposal.objects.filter(edition=edition, status__in=UNDER_REVIEW_STATUSES + DECIDED_STATUSES)
        .select_related("district", "category")
        .order_by("pk")
    )


def ballot_cost_from_estimates(estimates: list[int]) -> int:
    """The agreed ballot cost: the mean of the experts' estimates, rounded up to the whole tenge."""
    return math.ceil(sum(estimates) / len(estimates)) if estimates else 0


@dataclass
class ProposalProgress:
    """One row of the coordinators' progress table."""

    proposal: object
    assignments: list = field(default_factory=list)
    conflicts: list = field(default_factory=list)
    assessments: list = field(default_factory=list)
    decision: CouncilDecision | None = None
    # The budget the proposal is voted on (editions.models.voting_budget); None: not read.
    budget: int | None = None

    @property
    def active_experts(self) -> list:
        conflicted = {c.expert_id for c in self.conflicts}
        return [a.expert for a in self.assignments if a.expert_id not in conflicted]

    @property
    def counted_assessments(self) -> list[Assessment]:
        """Assessments by experts who are assigned and have no conflict: the ones the council counts."""
        active = {e.pk for e in self.active_experts}
        return [a for a in self.assessments if a.expert_id in active]

    @property
    def complete(self) -> bool:
        return bool(self.active_experts) and len(self.counted_assessments) == len(self.active_experts)

    @property
    def disagreement(self) -> bool:
        return len({a.recommendation for a in self.counted_assessments}) > 1

    @property
    def agreed(self) -> bool:
        return self.complete and not self.disagreement

    @property
    def agreed_cost(self) -> int | None:
        """The ballot cost the agreeing experts give a feasible proposal; None unless they agree it is feasible."""
        if not self.agreed or self.counted_assessments[0].recommendation != Recommendation.FEASIBLE:
            return None
        return ballot_cost_from_estimates([a.cost_estimate for a in self.counted_assessments])

    @property
    def over_budget(self) -> bool:
        """The experts agree the proposal is feasible, at a cost more than the budget it is voted on."""
        cost = self.agreed_cost
        return cost is not None and self.budget is not None and cost > self.budget

    @property
    def needs_coordinator(self) -> bool:
        """Every expert has assessed, and no decision can be taken automatically: a coordinator records it."""
        return self.complete and (self.disagreement or self.over_budget)


def review_progress(edition: Edition) -> list[ProposalProgress]:
    """Per reviewable proposal: its experts, conflicts, assessments and decision, in a fixed number of queries."""
    proposals = list(reviewable_proposals(edition))
    own_budgets = edition.own_budgets()
    rows = {
        p.pk: ProposalProgress(proposal=p, budget=voting_budget(edition.budget, own_budgets, p.district_id))
        for p in proposals
    }
    ids = list(rows)
    for a in Assignment.objects.filter(proposal_id__in=ids).select_related("expert", "group"):
        rows[a.proposal_id].assignments.append(a)
    for c in ConflictDeclaration.objects.filter(proposal_id__in=ids).select_related("expert"):
        rows[c.proposal_id].conflicts.append(c)
    for s in Assessment.objects.filter(proposal_id__in=ids).select_related("expert"):
        rows[s.proposal_id].assessments.append(s)
    for d in CouncilDecision.objects.filter(proposal_id__in=ids).select_related("decided_by"):
        rows[d.proposal_id].decision = d
    return list(rows.values())


def progress_for(proposal) -> ProposalProgress:
    """The same row for one proposal (used by services to decide whether the experts agree)."""
    return ProposalProgress(
        proposal=proposal,
        assignments=list(Assignment.objects.filter(proposal=proposal).select_related("expert")),
        conflicts=list(ConflictDeclaration.objects.filter(proposal=proposal)),
        assessments=list(Assessment.objects.filter(proposal=proposal).select_related("expert")),
        decision=CouncilDecision.objects.filter(proposal=proposal).first(),
        budget=proposal.edition.budget_for(proposal.district_id),
    )


def expert_queue(expert) -> list[Assignment]:
    """An expert's own assignments, newest edition first, with their assessment/conflict state attached."""
    assignments = list(
        Assignment.objects.filter(expert=expert)
        .select_related("proposal", "proposal__edition", "proposal__edition__city", "group")
        .order_by("-proposal__edition__year", "proposal_id")
    )
    ids = [a.proposal_id for a in assignments]
    assessed = set(Assessment.objects.filter(expert=expert, proposal_id__in=ids).values_list("proposal_id", flat=True))
    conflicted = set(
        ConflictDeclaration.objects.filter(expert=expert, proposal_id__in=ids).values_list("proposal_id", flat=True)
    )
    decided = set(CouncilDecision.objects.filter(proposal_id__in=ids).values_list("proposal_id", flat=True))
    for a in assignments:
        a.assessed = a.proposal_id in assessed
        a.conflicted = a.proposal_id in conflicted
        a.decided = a.proposal_id in decided
    return assignments
