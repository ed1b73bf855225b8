"""Maximum utilitarian welfare: the affordable set of projects with the largest total satisfaction, exactly.

pabutools solves this with an ILP solver (`max_additive_utilitarian_welfare`); here it is a 0/1 knapsack
solved by depth-first branch and bound on exact integers (costs scaled by `Election.scale`), pruned with the
fractional (Dantzig) bound. No solver, no floats.

Satisfaction as in `greedy.satisfaction_totals`: sat "cost" gives project i the welfare `total_i x cost_i`
(pabutools `Cost_Sat` on approval ballots), sat "cardinality" gives `total_i` (`Cardinality_Sat`,
`Additive_Cardinal_Sat`, `Additive_Borda_Sat`). When several sets reach the optimum, the first one met in the
search wins: items are explored best density first, ties in density by the tie-break order, "take" before
"leave" — deterministic, but compare welfare, not winners, with other solvers.
"""

from __future__ import annotations

import bisect
import sys
from fractions import Fraction

from pbcount.election import Election, Outcome, ProjectResult, Reason, build_outcome, votes_per_project
from pbcount.rules.greedy import satisfaction_totals
from pbcount.tiebreak import PABUTOOLS, TieBreak


def welfare_values(election: Election, sat: str = "cost") -> list[int]:
    """Each project's welfare if funded, as an integer (costs scaled by `election.scale`)."""
    totals = satisfaction_totals(election, sat)
    if sat == "cardinality":
        return totals
    return [t * c for t, c in zip(totals, election.int_costs, strict=True)]


def _knapsack(values: list[int], costs: list[int], capacity: int) -> list[int]:
    """Indices (into the given lists, already sorted best density first) of one optimal subset."""
    n = len(values)
    prefix_cost = [0]
    prefix_value = [0]
    for v, c in zip(values, costs, strict=True):
        prefix_cost.append(prefix_cost[-1] + c)
        prefix_value.append(prefix_value[-1] + v)

    def bound(k: int, room: int) -> int:
        """Upper bound on the value obtainable from items k.. with `room` left (fractional relaxation)."""
        j = bisect.bisect_right(prefix_cost, prefix_cost[k] + room, lo=k) - 1
        value = prefix_value[j] - prefix_value[k]
        if j < n:
            value += (room - (prefix_cost[j] - prefix_cost[k])) * values[j] // costs[j]
        return value

    best_value = -1
    best: list[int] = []
    taken: list[int] = []

    def search(k: int, room: int, value: int) -> None:
        nonlocal best_value, best
        if value > best_value:
            best_value, best = value, list(taken)
        if k == n or value + bound(k, room) <= best_value:
            return
        if costs[k] <= room:
            taken.append(k)
            search(k + 1, room - costs[k], value + values[k])
            taken.pop()
        search(k + 1, room, value)

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 2 * n + 100))
    try:
        search(0, capacity, 0)
    finally:
        sys.setrecursionlimit(limit)
    return best


def max_welfare(election: Election, *, tie_break: TieBreak = PABUTOOLS, sat: str = "cost") -> Outcome:
    """A budget-feasible set of projects of maximum total satisfaction (exact)."""
    values = welfare_values(election, sat)
    costs = election.int_costs
    ranks = tie_break.ranks(election)
    votes = votes_per_project(election)
    # Free projects with positive value are always worth taking; worthless ones never help the welfare.
    free = [i for i in range(len(values)) if costs[i] == 0 and values[i] > 0]
    items = [i for i in range(len(values)) if costs[i] > 0 and values[i] > 0]
    items.sort(key=lambda i: (-Fraction(values[i], costs[i]), ranks[i]))
    picked = _knapsack([values[i] for i in items], [costs[i] for i in items], election.int_budget)
    chosen = sorted(free + [items[k] for k in picked], key=ranks.__getitem__)
    chosen_set = set(chosen)
    scale = election.scale
    results = {}
    for i, p in enumerate(election.projects):
        reason = Reason.SELECTED if i in chosen_set else Reason.NO_SUPPORT if values[i] <= 0 else Reason.NOT_OPTIMAL
        results[i] = ProjectResult(
            p.id, p.cost, votes[i], Fraction(values[i], 1 if sat == "cardinality" else scale), i in chosen_set, reason
        )
    return build_outcome(election, "max-welfare", chosen, results, {"sat": sat, "tie_break": tie_break.describe()})
