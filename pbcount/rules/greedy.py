"""Greedy rules: fund projects in order of score, skipping (or stopping at) those that no longer fit.

`greedy` (sat "cost") is the cities' standard count by votes: approvals, cumulative points, or ordinal points
(`max_length - position`, Kraków's published scoring: 3/2/1 for a 3-project ranking). It equals pabutools
`greedy_utilitarian_welfare` with `Cost_Sat` on approval ballots and with a points x cost additive
satisfaction otherwise. `greedy-per-cost` (sat "cardinality") ranks by satisfaction per unit of cost:
pabutools `Cardinality_Sat` (approval), `Additive_Cardinal_Sat` (points) and `Additive_Borda_Sat` with
`is_sat_additive=True` (ordinal: `len(ballot) - position - 1`, the last rank scores 0).

As in pabutools, a project nobody supports still ranks (with density 0) and is funded if money is left.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from pbcount.election import Election, Outcome, ProjectResult, Reason, build_outcome, votes_per_project
from pbcount.tiebreak import PABUTOOLS, TieBreak

SATS = ("cost", "cardinality")


def satisfaction_totals(election: Election, sat: str = "cost") -> list[int]:
    """Each project's total score over all ballots, exact integers.

    sat "cost": approvals, points, or ordinal points `max_length - position` (the cities' scores; the
    satisfaction is this times the cost). sat "cardinality": approvals, points, or Borda `len - position - 1`.
    """
    if sat not in SATS:
        raise ValueError(f"sat must be one of {', '.join(SATS)}, not {sat!r}")
    prof = election.profile
    if election.vote_type == "approval":
        return list(prof.votes)
    rows, _, values = prof.entries
    if election.vote_type == "ordinal":
        # values are rank positions; the score is top - position per entry.
        if sat == "cost":
            top = np.full(len(prof.ballots), election.max_length or len(election.projects), dtype=np.int64)
        else:
            top = prof.lengths - 1
        values = top[rows] - values
    return prof.project_sums(values)


def _order(election: Election, totals: list[int], per_cost: bool, tie_break: TieBreak) -> list[int]:
    """Project indices best first, with pabutools' density semantics (an unsupported project has density 0).

    Densities are compared as exact integers, scaled by the lcm of the costs' numerators: cheaper than Fractions.
    """
    ranks = tie_break.ranks(election)
    costs = [p.cost for p in election.projects]
    scale = math.lcm(*(c.numerator for c in costs if c)) if per_cost else 1

    def key(i: int) -> tuple[int, int, int]:
        cost = costs[i]
        if totals[i] <= 0:
            return (1, 0, ranks[i])
        if not per_cost:
            # Cost_Sat: satisfaction totals[i] * cost, so a free project gives no satisfaction at all.
            return (1, -totals[i] if cost else 0, ranks[i])
        if not cost:
            return (0, 0, ranks[i])  # infinite density: first
        return (1, -totals[i] * cost.denominator * (scale // cost.numerator), ranks[i])

    return sorted(range(len(election.projects)), key=key)


def group_budgets(election: Election) -> tuple[str, dict[str, Fraction]] | None:
    """Per-category or per-neighbourhood spending caps recorded in META (Amsterdam), as (project column, caps).

    pabulib documents them as "an upper bound on the sum cost of projects within a category selected by the
    voting rule": META `categories` + `budget_per_category` (PROJECTS column `category`) or `neighborhoods` +
    `budget_per_neighborhood` (column `neighborhood`), comma-separated in the same order.
    """
    for names, caps, column in (
        ("categories", "budget_per_category", "category"),
        ("neighborhoods", "budget_per_neighborhood", "neighborhood"),
    ):
        if caps in election.meta and names in election.meta:
            keys = [k.strip() for k in election.meta[names].split(",")]
            values = [Fraction(v.strip()) for v in election.meta[caps].split(",")]
            if len(keys) != len(values):
                raise ValueError(f"META {names} and {caps} have different lengths")
            return column, dict(zip(keys, values, strict=True))
    return None


def greedy(
    election: Election,
    *,
    tie_break: TieBreak = PABUTOOLS,
    sat: str = "cost",
    skip: bool = True,
    threshold: Fraction | int | None = None,
    caps: tuple[str, dict[str, Fraction]] | None = None,
    leftover: bool = False,
) -> Outcome:
    """Greedy by score (sat "cost") or by score per cost (sat "cardinality").

    `skip=False` stops at the first project that does not fit (META rule `greedy-no-skip`). `threshold`
    excludes projects whose score (approvals, points or ordinal points) is below it (`greedy-threshold`).
    `caps` = (project column, {group: budget}) limits spending per category (see `group_budgets`); with
    `leftover`, projects refused only by their group's cap are then funded in score order while money is
    left (Amsterdam's "fund additional projects that fit within leftover budget ordered by score").
    """
    totals = satisfaction_totals(election, sat)
    votes = votes_per_project(election)
    order = _order(election, totals, sat == "cardinality", tie_break)
    remaining = election.budget
    column, group_left = caps if caps is not None else ("", {})
    group_left = dict(group_left)
    chosen: list[int] = []
    capped: list[int] = []
    results: dict[int, ProjectResult] = {}
    stopped = False
    rnd = 0

    def result(i: int, reason: Reason, **numbers: object) -> ProjectResult:
        p = election.projects[i]
        selected = reason is Reason.SELECTED
        return ProjectResult(p.id, p.cost, votes[i], Fraction(totals[i]), selected, reason, **numbers)  # type: ignore[arg-type]

    for i in order:
        p = election.projects[i]
        group = p.extra.get(column, "").strip()
        if threshold is not None and totals[i] < threshold:
            results[i] = result(i, Reason.BELOW_THRESHOLD, threshold=Fraction(threshold))
            continue
        if stopped:
            results[i] = result(i, Reason.NOT_REACHED)
            continue
        rnd += 1
        if p.cost > remaining:
            results[i] = result(i, Reason.DID_NOT_FIT, round=rnd, available=remaining, needed=p.cost)
            stopped = not skip
        elif group in group_left and p.cost > group_left[group]:
            results[i] = result(i, Reason.GROUP_FULL, round=rnd, available=group_left[group], needed=p.cost)
            capped.append(i)
        else:
            results[i] = result(i, Reason.SELECTED, round=rnd, available=remaining, needed=p.cost)
            chosen.append(i)
            remaining -= p.cost
            if group in group_left:
                group_left[group] -= p.cost
    for i in capped if leftover else ():
        p = election.projects[i]
        rnd += 1
        if p.cost <= remaining:
            results[i] = result(i, Reason.SELECTED, round=rnd, available=remaining, needed=p.cost, stage="completion")
            chosen.append(i)
            remaining -= p.cost
    name = "greedy" if sat == "cost" else "greedy-per-cost"
    params = {"sat": sat, "skip": str(skip).lower(), "tie_break": tie_break.describe()}
    if threshold is not None:
        params["threshold"] = str(threshold)
    if caps is not None:
        params["caps"] = f"per {column}" + (", leftover by score" if leftover else "")
    return build_outcome(election, name, chosen, results, params)


def greedy_per_cost(election: Election, *, tie_break: TieBreak = PABUTOOLS) -> Outcome:
    """Greedy by satisfaction per unit of cost (pabutools Cardinality_Sat / Additive_Cardinal_Sat / Borda)."""
    return greedy(election, tie_break=tie_break, sat="cardinality")
