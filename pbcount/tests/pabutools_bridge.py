"""Run pabutools (GPL, a dev-only test oracle) on our elections. Imported by tests only, never by pbcount."""

from __future__ import annotations

from pabutools.election import (
    AbstractCardinalBallot,
    AbstractOrdinalBallot,
    Additive_Borda_Sat,
    Additive_Cardinal_Sat,
    AdditiveSatisfaction,
    Cardinality_Sat,
    Cost_Sat,
)
from pabutools.election.pabulib import parse_pabulib_from_string
from pabutools.rules import greedy_utilitarian_welfare, max_additive_utilitarian_welfare, sequential_phragmen

from pbcount import pabulib
from pbcount.election import Election


def city_points_sat(top: int) -> type:
    """Points x cost satisfaction: pabutools' greedy (which divides by cost) then ranks by the cities' points.

    `top` is passed in because pabutools hands satisfaction classes the profile's (empty) instance.
    """

    def points_cost(instance, profile, ballot, project, precomputed) -> object:
        if project not in ballot:
            return 0
        if isinstance(ballot, AbstractOrdinalBallot):
            return (top - ballot.position(project)) * project.cost
        if isinstance(ballot, AbstractCardinalBallot):
            return ballot[project] * project.cost
        return project.cost

    class City_Points_Sat(AdditiveSatisfaction):  # noqa: N801 - pabutools' naming
        def __init__(self, instance, profile, ballot) -> None:
            super().__init__(instance, profile, ballot, points_cost)

    return City_Points_Sat


def _per_cost_sat(vote_type: str) -> type:
    return {
        "approval": Cardinality_Sat,
        "cumulative": Additive_Cardinal_Sat,
        "scoring": Additive_Cardinal_Sat,
        "ordinal": Additive_Borda_Sat,
    }[vote_type]


def pabutools_winners(election: Election, rule: str) -> set[str]:
    """Winning project ids from pabutools for one of our rule names (default tie-breaking)."""
    instance, profile = parse_pabulib_from_string(pabulib.dumps(election))
    if rule == "greedy":
        top = election.max_length or len(election.projects)
        sat = Cost_Sat if election.vote_type == "approval" else city_points_sat(top)
        result = greedy_utilitarian_welfare(instance, profile, sat_class=sat)
    elif rule == "greedy-per-cost":
        result = greedy_utilitarian_welfare(
            instance, profile, sat_class=_per_cost_sat(election.vote_type), is_sat_additive=True
        )
    elif rule == "phragmen":
        result = sequential_phragmen(instance, profile)
    elif rule == "max-welfare":
        result = max_additive_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    else:
        raise ValueError(rule)
    return {p.name for p in result}


def mes_sat_class(vote_type: str, sat: str) -> type:
    """pabutools' satisfaction class for our MES `sat` on this ballot type."""
    if vote_type == "approval":
        return Cost_Sat if sat == "cost" else Cardinality_Sat
    return Additive_Borda_Sat if vote_type == "ordinal" else Additive_Cardinal_Sat


def pabutools_mes_winners(election: Election, sat: str = "cost", completion: str | None = None) -> set[str]:
    """Winning ids of pabutools' `method_of_equal_shares` on the merged profile, with our completion names."""
    from pabutools.rules import completion_by_rule_combination, method_of_equal_shares

    instance, profile = parse_pabulib_from_string(pabulib.dumps(election))
    merged = profile.as_multiprofile()
    cls = mes_sat_class(election.vote_type, sat)
    mes_params: dict[str, object] = {"sat_class": cls}
    if completion in ("add1", "add1-greedy"):
        mes_params["voter_budget_increment"] = 1
    if completion in ("greedy", "add1-greedy"):
        result = completion_by_rule_combination(
            instance,
            merged,
            [method_of_equal_shares, greedy_utilitarian_welfare],
            [mes_params, {"sat_class": cls, "is_sat_additive": True}],
        )
    else:
        result = method_of_equal_shares(instance, merged, **mes_params)
    return {p.name for p in result}
