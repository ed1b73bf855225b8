"""Demo data for `manage.py load_demo`: expert assignments, assessments, council decisions and the shortlist.

Runs after the proposals demo (INSTALLED_APPS order) and reads the proposals it made. Idempotent: rows are found
by natural keys (proposal, expert), and a proposal already decided is left as it is. Statuses change only through
proposals.services. What it shows depends on the Aksu edition's phase:
- proposals phase: the demo experts are assigned, nothing is assessed yet;
- review phase: most proposals are decided, one has the experts disagreeing (for the coordinator to record) and
  one still waits for its second assessment; the shortlist is not published;
- voting and later: every proposal is decided and the shortlist is published (the ballot reads it).
Khromtau's 2020 pilot (archived) had no online review: its coordinator's decisions and shortlist are recorded.
"""

from django.utils import timezone

from editions.demo import DemoContext
from editions.models import PHASE_START_FIELDS, Edition, Phase

from .models import Assessment, Assignment, CouncilDecision, Recommendation, Shortlist
from .selectors import ballot_cost_from_estimates

EXPERT_PHONES = ("+77000000004", "+77000000005")
COORDINATOR_PHONES = {"aksu": "+77000000002", "khromtau": "+77000000006"}

_PHASES = list(PHASE_START_FIELDS)

_FEASIBLE = {
    "legal_check": "Участок в коммунальной собственности города; согласование с акиматом не требует изменений "
    "в генплане.",
    "technical_feasibility": "Типовое решение, подрядчики в области есть; сети не затрагиваются.",
    "maintenance": "Содержание берёт на себя ГКП «Ақсу су құбыры» / отдел ЖКХ акимата в рамках текущего бюджета.",
    "cost_explanation": "Смета по текущим ценам поставщиков Павлодарской области, включая монтаж и НДС.",
    "public_reason": "Проект реализуем на городской земле; стоимость уточнена экспертами по смете.",
}
_NOT_FEASIBLE = {
    "legal_check": "Участок находится в частной собственности; согласия собственника нет.",
    "technical_feasibility": "Технически возможно, но только на другом участке.",
    "maintenance": "Балансодержатель не определён.",
    "cost_explanation": "",
    "public_reason": "Нереализуемо: земля под проектом в частной собственности, город не может вести на ней работы.",
}


def _phase_index(edition: Edition, now) -> int:
    phase = edition.phase_at(now)
    return _PHASES.index(phase) if phase in _PHASES else -1


def _estimate(proposal, bump: int) -> int:
    base = proposal.estimated_cost or 3_000_000
    return max(100_000, round(base * (100 + bump) / 100, -4))


def _assess(proposal, expert, *, feasible: bool, bump: int) -> Assessment:
    texts = _FEASIBLE if feasible else _NOT_FEASIBLE
    return Assessment.objects.update_or_create(
        proposal=proposal,
        expert=expert,
        defaults={
            **texts,
            "recommendation": Recommendation.FEASIBLE if feasible else Recommendation.NOT_FEASIBLE,
            "cost_estimate": _estimate(proposal, bump) if feasible else None,
            "duration_days": 45 + bump if feasible else None,
            "internal_notes": "Демо: внутренняя заметка эксперта, публично не показывается.",
        },
    )[0]


def _decide(proposal, *, feasible: bool, cost: int | None, reason: str, actor, decided_by, unanimous: bool) -> None:
    from proposals import services as proposal_services

    CouncilDecision.objects.update_or_create(
        proposal=proposal,
        defaults={
            "feasible": feasible,
            "ballot_cost": cost if feasible else None,
            "reason": reason,
            "decided_by": decided_by,
            "unanimous": unanimous,
        },
    )
    if proposal.status in ("submitted", "in_review"):
        proposal_services.record_council_decision(
            proposal=proposal, feasible=feasible, ballot_cost=cost if feasible else None, reason=reason, actor=actor
        )


def _aksu(context: DemoContext, edition: Edition) -> None:
    from proposals import services as proposal_services
    from proposals.models import Proposal

    index = _phase_index(edition, context.now)
    experts = [context.staff[p] for p in EXPERT_PHONES if p in context.staff]
    coordinator = context.staff.get(COORDINATOR_PHONES["aksu"])
    if index < _PHASES.index(Phase.PROPOSALS) or len(experts) < 2:
        return
    in_review = index == _PHASES.index(Phase.REVIEW)
    proposals = Proposal.objects.filter(
        edition=edition, status__in=("submitted", "in_review", "feasible", "not_feasible")
    ).order_by("pk")
    for i, proposal in enumerate(proposals):
        for expert in experts:
            Assignment.objects.update_or_create(proposal=proposal, expert=expert, defaults={"assigned_by": coordinator})
        if index < _PHASES.index(Phase.REVIEW):
            continue
        if proposal.status == "submitted":
            proposal = proposal_services.start_review(proposal=proposal, actor=coordinator)
        if proposal.status != "in_review" and CouncilDecision.objects.filter(proposal=proposal).exists():
            continue
        feasible = i % 5 != 4
        first = _assess(proposal, experts[0], feasible=feasible, bump=0)
        if in_review and i == 2:
            continue  # waits for the second expert
        disagree = i == 3
        second = _assess(proposal, experts[1], feasible=not feasible if disagree else feasible, bump=4)
        if disagree:
            if in_review:
                continue  # the coordinator records the council's decision
            _decide(
                proposal, feasible=True, cost=second.cost_estimate or first.cost_estimate,
                reason="Экспертный совет на заседании признал проект реализуемым по уточнённой смете.",
                actor=coordinator, decided_by=coordinator, unanimous=False,
            )  # fmt: skip
            continue
        cost = ballot_cost_from_estimates([first.cost_estimate, second.cost_estimate]) if feasible else None
        _decide(
            proposal, feasible=feasible, cost=cost, reason=first.public_reason,
            actor=coordinator, decided_by=None, unanimous=True,
        )  # fmt: skip
    if index > _PHASES.index(Phase.REVIEW) and coordinator is not None:
        Shortlist.objects.get_or_create(
            edition=edition, defaults={"published_at": edition.voting_starts, "published_by": coordinator}
        )


def _khromtau(context: DemoContext, edition: Edition) -> None:
    from proposals.models import Proposal

    coordinator = context.staff.get(COORDINATOR_PHONES["khromtau"])
    if coordinator is None or _phase_index(edition, context.now) <= _PHASES.index(Phase.REVIEW):
        return
    for proposal in Proposal.objects.filter(edition=edition, status__in=("submitted", "in_review")).order_by("pk"):
        _decide(
            proposal, feasible=True, cost=_estimate(proposal, 0),
            reason="Пилот 2020 года: решение экспертного совета внесено координатором.",
            actor=coordinator, decided_by=coordinator, unanimous=False,
        )  # fmt: skip
    Shortlist.objects.get_or_create(
        edition=edition, defaults={"published_at": edition.voting_starts, "published_by": coordinator}
    )


def load(context: DemoContext) -> None:
    """Assignments, assessments and decisions for the demo proposals; the shortlist once voting has opened."""
    if "aksu" in context.editions:
        _aksu(context, context.editions["aksu"])
    if "khromtau" in context.editions:
        _khromtau(context, context.editions["khromtau"])
    decided = CouncilDecision.objects.filter(proposal__edition__in=context.editions.values()).count()
    context.notes.append(
        f"Expert review: {decided} council decisions; experts {', '.join(EXPERT_PHONES)} see their queue at "
        f"/staff/review/ (at {timezone.localtime(context.now):%Y-%m-%d})."
    )
