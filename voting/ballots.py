"""What a ballot offers and what makes a filled ballot valid, for each ballot type of editions.BallotType.

`ballot_for(edition, district)` reads the published shortlist (review.selectors.ballot_proposals) and the budget
(the district's own when the edition's budget is split). `validate(spec, choices)` returns the normalised choices
or raises BallotInvalid with a code and a translated message; forms and services call the same function, so
what the page accepts is exactly what the service stores.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from editions.models import BallotType, District, Edition, voting_budget

from .eligibility import memo, split_districts

EMPTY = "empty"
NOT_ON_BALLOT = "not_on_ballot"
OVER_BUDGET = "over_budget"
TOO_MANY = "too_many"
ONE_ONLY = "one_only"
TOO_MANY_POINTS = "too_many_points"
BAD_VALUE = "bad_value"
DUPLICATE_RANK = "duplicate_rank"


class BallotInvalid(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class BallotProject:
    id: int
    title: str
    cost: int


@dataclass(frozen=True)
class BallotSpec:
    edition: Edition
    district: District | None
    ballot_type: str
    budget: int
    max_choices: int | None
    points: int | None
    projects: tuple[BallotProject, ...]

    @property
    def by_id(self) -> dict[int, BallotProject]:
        return {p.id: p for p in self.projects}

    def cost_of(self, choices: Mapping[int, int]) -> int:
        by_id = self.by_id
        return sum(by_id[pid].cost for pid in choices if pid in by_id)


def tenge(amount: int) -> str:
    return _("%(amount)s ₸") % {"amount": number_format(amount, force_grouping=True)}


def _shortlist(edition: Edition):
    # Imported here: review is built beside this app, and voting must load while review evolves.
    from review.selectors import ballot_proposals

    return ballot_proposals(edition)


def ballot_for(edition: Edition, district: District | None) -> BallotSpec:
    """The projects on the ballot and the budget they share (when the budget is split: the district's, or for
    `district=None` the shared budget).

    Kept with the edition instance, as its shortlist is: the confirm view and the service ask for the same ballot.
    """
    key = f"ballot:{district.pk if district is not None else ''}"
    return memo(edition, key, lambda: _build_spec(edition, district))


def _build_spec(edition: Edition, district: District | None) -> BallotSpec:
    proposals = memo(edition, "shortlist", lambda: tuple(_shortlist(edition)), shared=True)
    split = split_districts(edition)
    # The same rule as the review's check of a ballot cost (editions.models.voting_budget), on the memoised rows.
    budget = voting_budget(
        edition.budget, {pk: row.budget for pk, row in split.items()}, district.pk if district is not None else None
    )
    if split and district is not None:
        proposals = [p for p in proposals if p.district_id == district.pk]
    elif split:  # the shared ballot: the projects of the districts without a budget of their own
        proposals = [p for p in proposals if p.district_id not in split]
    projects = tuple(BallotProject(id=p.pk, title=str(p.title), cost=int(p.ballot_cost)) for p in proposals)
    return BallotSpec(
        edition=edition,
        district=district,
        ballot_type=edition.ballot_type,
        budget=budget,
        max_choices=edition.max_choices,
        points=edition.points,
        projects=projects,
    )


def validate(spec: BallotSpec, choices: Mapping[int, int]) -> dict[int, int]:
    """The choices as {proposal id: value}, checked against the ballot type; raises BallotInvalid."""
    chosen = {int(pid): int(value) for pid, value in choices.items() if value}
    if not chosen:
        return _raise(EMPTY, _("Your ballot is empty: choose at least one project."))
    unknown = set(chosen) - set(spec.by_id)
    if unknown:
        return _raise(NOT_ON_BALLOT, _("A chosen project is not on this ballot. Reload the page and choose again."))
    if any(value < 0 for value in chosen.values()):
        return _raise(BAD_VALUE, _("A value on your ballot is not a whole positive number."))
    kind = spec.ballot_type
    if kind == BallotType.KNAPSACK:
        chosen = dict.fromkeys(chosen, 1)
        cost = spec.cost_of(chosen)
        if cost > spec.budget:
            return _raise(
                OVER_BUDGET,
                _("Your projects cost %(cost)s, which is %(over)s over the budget of %(budget)s. Remove a project.")
                % {"cost": tenge(cost), "over": tenge(cost - spec.budget), "budget": tenge(spec.budget)},
            )
    elif kind == BallotType.SINGLE:
        if len(chosen) > 1:
            return _raise(ONE_ONLY, _("Choose only one project."))
        chosen = dict.fromkeys(chosen, 1)
    elif kind == BallotType.APPROVAL:
        chosen = dict.fromkeys(chosen, 1)
        _check_count(spec, chosen)
    elif kind == BallotType.CUMULATIVE:
        total = sum(chosen.values())
        if spec.points is not None and total > spec.points:
            return _raise(
                TOO_MANY_POINTS,
                _("You gave %(given)s points; you have %(points)s to spread.")
                % {"given": total, "points": spec.points},
            )
    elif kind == BallotType.RANKED:
        _check_count(spec, chosen)
        ranks = list(chosen.values())
        if len(set(ranks)) != len(ranks):
            return _raise(DUPLICATE_RANK, _("Two projects have the same place. Give each project its own place."))
        # Places 1, 3, 4 mean the same order as 1, 2, 3: store the order without gaps.
        chosen = {pid: n for n, pid in enumerate(sorted(chosen, key=chosen.__getitem__), start=1)}
    return chosen


def _check_count(spec: BallotSpec, chosen: Mapping[int, int]) -> None:
    if spec.max_choices is not None and len(chosen) > spec.max_choices:
        _raise(
            TOO_MANY,
            ngettext(
                "You chose %(chosen)s projects; choose at most %(max)s project.",
                "You chose %(chosen)s projects; choose at most %(max)s projects.",
                spec.max_choices,
            )
            % {"chosen": len(chosen), "max": spec.max_choices},
        )


def _raise(code: str, message: str):
    raise BallotInvalid(code, message)
