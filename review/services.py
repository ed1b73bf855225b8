"""State changes of the expert review. One function per action: keyword-only, atomic, permission-checked, audited.

The council's rule (shown to coordinators on the progress page):
- Only assessments by experts who are assigned and have declared no conflict count ("active experts").
- When every active expert has assessed and all recommend the same, the decision is taken automatically:
  `feasible` with a ballot cost equal to the mean of their cost estimates rounded UP to the whole tenge
  (equal estimates give that estimate; rounding up never puts a project on the ballot for less than the
  experts think it costs), or `not feasible`. The public reason joins the experts' public reasons.
- When they disagree, or agree on a ballot cost above the budget the proposal is voted on
  (`editions.models.voting_budget`: its district's own budget, the shared budget, or the edition's), a coordinator
  records the council's decision (`record_decision`), which never puts a cost above that budget on the ballot.
A proposal's status is changed only through proposals.services (start_review, record_council_decision).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.services import record_action
from editions.models import City, Edition, Phase
from editions.permissions import is_coordinator, is_expert
from editions.templatetags.bastama import format_tenge

from .models import Assessment, Assignment, ConflictDeclaration, CouncilDecision, ExpertGroup, Recommendation, Shortlist
from .selectors import UNDER_REVIEW_STATUSES, progress_for


def _locked(proposal):
    """Re-read the proposal under a row lock, so two experts finishing at once make one decision."""
    from proposals.models import Proposal

    return Proposal.objects.select_for_update().select_related("edition", "edition__city").get(pk=proposal.pk)


def _require_coordinator(actor, city: City) -> None:
    if not is_coordinator(actor, city):
        raise PermissionDenied


def _require_open(proposal) -> None:
    """Refuse changes once the proposal is decided or the shortlist is published."""
    if Shortlist.objects.filter(edition_id=proposal.edition_id).exists():
        raise ValidationError(_("The review of this edition is closed: the shortlist is published."))
    if proposal.status not in UNDER_REVIEW_STATUSES or CouncilDecision.objects.filter(proposal=proposal).exists():
        raise ValidationError(_("This proposal has already been decided and can no longer be changed."))


def _require_review_phase(edition: Edition) -> None:
    if edition.phase != Phase.REVIEW:
        raise ValidationError(_("This can be done only during the expert review phase."))


def check_ballot_cost(*, proposal, ballot_cost: int | None, budget: int | None = None) -> None:
    """Refuse a ballot cost above the budget the proposal is voted on: it could never be funded, and on a knapsack
    ballot no resident could even choose it. `budget` spares the query when the caller has read it."""
    if ballot_cost is None:
        return
    if budget is None:
        budget = proposal.edition.budget_for(proposal.district_id)
    if ballot_cost > budget:
        raise ValidationError(
            _(
                "The cost on the ballot (%(cost)s) is more than the budget this proposal is voted on (%(budget)s): "
                "it could never be funded. Lower the cost or mark the proposal not feasible."
            )
            % {"cost": format_tenge(ballot_cost), "budget": format_tenge(budget)},
            code="over_budget",
        )


def notify_decision(*, proposal, decision: CouncilDecision) -> int:
    """Queue a message about the council's decision to the proposal's author and followers (sent by the worker)."""
    from django.urls import NoReverseMatch

    from notifications.services import notify
    from proposals.services import followers_of

    try:
        path = proposal.get_absolute_url()
    except (AttributeError, NoReverseMatch):
        path = ""
    return notify(
        users=[proposal.author, *followers_of(proposal)],
        template="review/notifications/decision",
        context={
            "title": proposal.title,
            "feasible": decision.feasible,
            "ballot_cost": decision.ballot_cost,
            "reason": decision.reason,
            "path": path,
        },
        dedupe_key=f"review.decision:{proposal.pk}",
    )


def _decide(*, proposal, feasible: bool, ballot_cost: int | None, reason: str, actor, decided_by, unanimous: bool):
    from proposals import services as proposal_services

    decision = CouncilDecision.objects.create(
        proposal=proposal,
        feasible=feasible,
        ballot_cost=ballot_cost if feasible else None,
        reason=reason,
        decided_by=decided_by,
        unanimous=unanimous,
    )
    proposal_services.record_council_decision(
        proposal=proposal, feasible=feasible, ballot_cost=decision.ballot_cost, reason=reason, actor=actor
    )
    record_action(
        actor=actor,
        action="review.decided",
        target=proposal,
        edition_id=proposal.edition_id,
        summary=f"{'feasible' if feasible else 'not feasible'}"
        + (f", {decision.ballot_cost} KZT" if feasible else "")
        + (" (experts agreed)" if unanimous else " (coordinator)"),
        after={"feasible": feasible, "ballot_cost": decision.ballot_cost, "reason": reason, "unanimous": unanimous},
        public=True,
    )
    notify_decision(proposal=proposal, decision=decision)
    return decision


def _decide_if_agreed(*, proposal, actor) -> CouncilDecision | None:
    """Take the council's decision when every active expert has assessed and all recommend the same."""
    progress = progress_for(proposal)
    # Agreeing on a cost above the budget is handled like a disagreement: the coordinator decides (lowering the
    # cost or marking the proposal not feasible), since no automatic choice between the two would be right.
    if progress.decision is not None or not progress.agreed or progress.over_budget:
        return None
    assessments = progress.counted_assessments
    feasible = assessments[0].recommendation == Recommendation.FEASIBLE
    cost = progress.agreed_cost
    reasons: list[str] = []
    for a in assessments:
        if a.public_reason.strip() and a.public_reason.strip() not in reasons:
            reasons.append(a.public_reason.strip())
    return _decide(
        proposal=proposal,
        feasible=feasible,
        ballot_cost=cost,
        reason="\n\n".join(reasons),
        actor=actor,
        decided_by=None,
        unanimous=True,
    )


@transaction.atomic
def save_expert_group(*, city: City, name: str, members, actor, group: ExpertGroup | None = None) -> ExpertGroup:
    """Create (or rename and re-staff) a group of the city's experts."""
    _require_coordinator(actor, city)
    members = list(members)
    not_experts = [m for m in members if not is_expert(m, city)]
    if not_experts:
        raise ValidationError(_("Only the city's experts can be members of an expert group."))
    if group is None:
        group = ExpertGroup.objects.create(city=city, name=name)
    else:
        if group.city_id != city.pk:
            raise PermissionDenied
        group.name = name
        group.save(update_fields=["name"])
    group.members.set(members)
    record_action(
        actor=actor, action="review.group_saved", target=group, summary=name, after={"members": [m.pk for m in members]}
    )
    return group


@transaction.atomic
def assign(*, proposal, actor, experts=(), group: ExpertGroup | None = None) -> list[Assignment]:
    """Assign one or several experts, or a group's members, to a proposal; returns the new assignments.

    Allowed while proposals are collected and during the review, until the proposal is decided. During the
    review phase the proposal goes "in review" (proposals.services.start_review).
    """
    from proposals import services as proposal_services

    proposal = _locked(proposal)
    city = proposal.edition.city
    _require_coordinator(actor, city)
    if proposal.edition.phase not in (Phase.PROPOSALS, Phase.REVIEW):
        raise ValidationError(_("Experts can be assigned only while proposals are collected or under review."))
    _require_open(proposal)
    chosen = list(experts)
    if group is not None:
        if group.city_id != city.pk:
            raise PermissionDenied
        chosen += [m for m in group.members.all() if m not in chosen]
    if not chosen:
        raise ValidationError(_("Choose at least one expert or an expert group."))
    if any(not is_expert(e, city) for e in chosen):
        raise ValidationError(_("Only the city's experts can be assigned."))
    existing = set(Assignment.objects.filter(proposal=proposal).values_list("expert_id", flat=True))
    created = [
        Assignment.objects.create(
            proposal=proposal,
            expert=e,
            group=group if group is not None and e in group.members.all() else None,
            assigned_by=actor,
        )
        for e in chosen
        if e.pk not in existing
    ]
    if created:
        record_action(
            actor=actor,
            action="review.assigned",
            target=proposal,
            edition_id=proposal.edition_id,
            summary=", ".join(str(a.expert) for a in created),
            after={"experts": [a.expert_id for a in created], "group": group.pk if group else None},
        )
    # Only once the review phase has begun: an "in review" proposal can no longer be edited by its author, who
    # may edit until the proposals phase ends. Proposals assigned earlier go under review with their first
    # assessment.
    if proposal.status == "submitted" and proposal.edition.phase == Phase.REVIEW:
        proposal_services.start_review(proposal=proposal, actor=actor)
    return created


@transaction.atomic
def unassign(*, assignment: Assignment, actor) -> CouncilDecision | None:
    """Take an expert off a proposal; their assessment of it, if any, is withdrawn with them.

    The remaining experts may now all agree, which takes the decision (returned).
    """
    proposal = _locked(assignment.proposal)
    _require_coordinator(actor, proposal.edition.city)
    _require_open(proposal)
    withdrawn = Assessment.objects.filter(proposal=proposal, expert_id=assignment.expert_id).first()
    record_action(
        actor=actor,
        action="review.unassigned",
        target=proposal,
        edition_id=proposal.edition_id,
        summary=str(assignment.expert),
        before={
            "expert": assignment.expert_id,
            "assessment": withdrawn.recommendation if withdrawn else None,
        },
    )
    if withdrawn is not None:
        withdrawn.delete()
    assignment.delete()
    if proposal.edition.phase != Phase.REVIEW:
        return None
    return _decide_if_agreed(proposal=proposal, actor=actor)


@transaction.atomic
def declare_conflict(*, proposal, actor, reason: str) -> ConflictDeclaration:
    """An assigned expert declares a conflict of interest: they can no longer assess this proposal.

    An assessment they already gave is withdrawn; the other experts may then all agree (decision taken).
    """
    proposal = _locked(proposal)
    if (
        not is_expert(actor, proposal.edition.city)
        or not Assignment.objects.filter(proposal=proposal, expert=actor).exists()
    ):
        raise PermissionDenied
    _require_open(proposal)
    if not reason.strip():
        raise ValidationError(_("Say what the conflict of interest is."))
    conflict, created = ConflictDeclaration.objects.get_or_create(
        proposal=proposal, expert=actor, defaults={"reason": reason.strip()}
    )
    if not created:
        raise ValidationError(_("You have already declared a conflict of interest for this proposal."))
    Assessment.objects.filter(proposal=proposal, expert=actor).delete()
    record_action(
        actor=actor,
        action="review.conflict_declared",
        target=proposal,
        edition_id=proposal.edition_id,
        summary=reason.strip(),
        after={"expert": actor.pk},
    )
    if proposal.edition.phase == Phase.REVIEW:
        _decide_if_agreed(proposal=proposal, actor=actor)
    return conflict


@transaction.atomic
def submit_assessment(
    *,
    proposal,
    actor,
    legal_check: str,
    technical_feasibility: str,
    maintenance: str,
    recommendation: str,
    public_reason: str,
    cost_estimate: int | None = None,
    cost_explanation: str = "",
    duration_days: int | None = None,
    internal_notes: str = "",
) -> Assessment:
    """An assigned expert without a conflict gives (or revises, until the decision) their assessment.

    Only during the review phase. When it completes a unanimous set, the council's decision is taken.
    """
    proposal = _locked(proposal)
    if not is_expert(actor, proposal.edition.city):
        raise PermissionDenied
    if not Assignment.objects.filter(proposal=proposal, expert=actor).exists():
        raise PermissionDenied
    if ConflictDeclaration.objects.filter(proposal=proposal, expert=actor).exists():
        raise PermissionDenied(_("You declared a conflict of interest for this proposal."))
    _require_review_phase(proposal.edition)
    _require_open(proposal)
    if recommendation not in Recommendation.values:
        raise ValidationError(_("Choose a recommendation."))
    if recommendation == Recommendation.FEASIBLE and not cost_estimate:
        raise ValidationError(_("A feasible proposal needs a cost estimate."))
    if not public_reason.strip():
        raise ValidationError(_("Give a public reason for your recommendation."))
    fields = {
        "legal_check": legal_check,
        "technical_feasibility": technical_feasibility,
        "maintenance": maintenance,
        "cost_estimate": cost_estimate,
        "cost_explanation": cost_explanation,
        "duration_days": duration_days,
        "recommendation": recommendation,
        "public_reason": public_reason.strip(),
        "internal_notes": internal_notes,
    }
    if proposal.status == "submitted":
        from proposals import services as proposal_services

        proposal = proposal_services.start_review(proposal=proposal, actor=actor)
    assessment, created = Assessment.objects.update_or_create(proposal=proposal, expert=actor, defaults=fields)
    # Internal notes stay out of the audit log's before/after: the log is read more widely than this screen.
    record_action(
        actor=actor,
        action="review.assessed" if created else "review.assessment_revised",
        target=proposal,
        edition_id=proposal.edition_id,
        summary=f"{recommendation}" + (f", {cost_estimate} KZT" if cost_estimate else ""),
        after={"recommendation": recommendation, "cost_estimate": cost_estimate, "duration_days": duration_days},
    )
    _decide_if_agreed(proposal=proposal, actor=actor)
    return assessment


@transaction.atomic
def record_decision(*, proposal, actor, feasible: bool, ballot_cost: int | None, reason: str) -> CouncilDecision:
    """A coordinator records the council's decision where the experts disagree or agree on a cost over budget."""
    proposal = _locked(proposal)
    _require_coordinator(actor, proposal.edition.city)
    _require_review_phase(proposal.edition)
    _require_open(proposal)
    progress = progress_for(proposal)
    if not progress.needs_coordinator:
        raise ValidationError(
            _(
                "The council's decision is recorded here only when every assigned expert has assessed and they "
                "disagree, or agree on a cost more than the budget."
            )
        )
    if feasible and not ballot_cost:
        raise ValidationError(_("A feasible proposal needs the cost that goes on the ballot."))
    if feasible:
        check_ballot_cost(proposal=proposal, ballot_cost=ballot_cost, budget=progress.budget)
    if not reason.strip():
        raise ValidationError(_("Give the public reason for the decision."))
    return _decide(
        proposal=proposal,
        feasible=feasible,
        ballot_cost=ballot_cost if feasible else None,
        reason=reason.strip(),
        actor=actor,
        decided_by=actor,
        unanimous=False,
    )


@transaction.atomic
def close_review_and_publish_shortlist(*, edition: Edition, actor) -> Shortlist:
    """Close the review and publish the shortlist: refused while any proposal still waits for a decision."""
    from proposals.models import Proposal

    edition = Edition.objects.select_for_update().select_related("city").get(pk=edition.pk)
    _require_coordinator(actor, edition.city)
    _require_review_phase(edition)
    if Shortlist.objects.filter(edition=edition).exists():
        raise ValidationError(_("The shortlist is already published."))
    waiting = list(
        Proposal.objects.filter(edition=edition, status__in=UNDER_REVIEW_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if waiting:
        raise ValidationError(
            ngettext(
                "%(count)d proposal still waits for a decision: %(ids)s.",
                "%(count)d proposals still wait for a decision: %(ids)s.",
                len(waiting),
            )
            % {"count": len(waiting), "ids": ", ".join(f"#{pk}" for pk in waiting)}
        )
    shortlist = Shortlist.objects.create(edition=edition, published_at=timezone.now(), published_by=actor)
    on_ballot = list(
        Proposal.objects.filter(edition=edition, status="feasible").order_by("pk").values_list("pk", "ballot_cost")
    )
    not_feasible = list(
        Proposal.objects.filter(edition=edition, status="not_feasible").order_by("pk").values_list("pk", flat=True)
    )
    record_action(
        actor=actor,
        action="review.shortlist_published",
        target=shortlist,
        edition_id=edition.pk,
        summary=f"{len(on_ballot)} proposals on the ballot, {len(not_feasible)} not feasible",
        after={
            "ballot": [{"proposal": pk, "ballot_cost": cost} for pk, cost in on_ballot],
            "not_feasible": not_feasible,
        },
        public=True,
    )
    return shortlist
