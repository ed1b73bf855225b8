"""Sequential Phragmén, exactly as pabutools `sequential_phragmen` (approval ballots, resolute).

Voters earn virtual money continuously; a project is bought as soon as its supporters can pay for it,
spreading the load so that the new load of every supporter is (their current loads + cost) / supporters.
The rule stops at the first round whose best project (or any project tied with it) does not fit.

Speed: a ballot's load only ever equals the load set by the last bought project it approves, so loads are
kept as "levels": `counts[p, k]` = supporters of project p currently at level k (integers, NumPy). Each
round computes every project's new load in floats, then recomputes the near-minimal ones exactly with
Fractions: the decision (which project, ties, stop) is exact.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from pbcount.election import Election, Outcome, ProjectResult, Reason, build_outcome, votes_per_project
from pbcount.tiebreak import PABUTOOLS, TieBreak

# Relative slack for the float pre-selection; float error here is below 1e-12, so nothing is missed.
_SLACK = 1e-9


def phragmen(election: Election, *, tie_break: TieBreak = PABUTOOLS) -> Outcome:
    """Sequential Phragmén on approval ballots (pabutools refuses other ballots, and so do we)."""
    if election.vote_type != "approval":
        raise ValueError(f"phragmen needs approval ballots, not {election.vote_type}")
    projects = election.projects
    n = len(projects)
    prof = election.profile
    approvals = prof.approvals
    # Supporters per ballot row as floats so products run on BLAS; they are integers far below 2**53.
    weighted = approvals * prof.weights[:, None].astype(np.float64)
    votes = votes_per_project(election)
    ranks = tie_break.ranks(election)
    costs_f = np.array([float(p.cost) for p in projects])
    votes_f = np.array(votes, dtype=np.float64)

    levels = [Fraction(0)]  # load of each level; level 0 = nobody paid yet
    levels_f = np.zeros(n + 1)  # the same as floats; at most one new level per bought project
    ballot_level = np.zeros(len(prof.ballots), dtype=np.int64)
    counts = np.zeros((n, n + 1))  # counts[p, k]: supporters of p whose load is level k
    counts[:, 0] = votes

    results: dict[int, ProjectResult] = {}
    active = np.zeros(n, dtype=bool)
    for i, p in enumerate(projects):
        if p.cost <= election.budget:
            active[i] = True
        else:
            results[i] = _result(election, i, votes, Reason.DID_NOT_FIT, available=election.budget, needed=p.cost)
    chosen: list[int] = []
    spent = Fraction(0)
    rnd = 0

    def exact_load(i: int) -> Fraction:
        # Summed over a common denominator: one gcd instead of one per level, as Fraction addition would do.
        row = counts[i, : len(levels)]
        used = [(int(row[k]), levels[k]) for k in np.flatnonzero(row)]
        den = math.lcm(*(level.denominator for _, level in used)) if used else 1
        paid = sum(c * level.numerator * (den // level.denominator) for c, level in used)
        cost = projects[i].cost
        return Fraction(paid * cost.denominator + cost.numerator * den, den * cost.denominator * votes[i])

    while active.any():
        rnd += 1
        cand = np.flatnonzero(active)
        with np.errstate(divide="ignore", invalid="ignore"):
            load_f = (counts[cand, : len(levels)] @ levels_f[: len(levels)] + costs_f[cand]) / votes_f[cand]
        load_f[votes_f[cand] == 0] = np.inf
        best_f = load_f.min()
        if np.isinf(best_f):
            # Only unsupported projects remain: pabutools gives them infinite load, all tied.
            best, tied = None, [int(i) for i in cand]
        else:
            near = cand[load_f <= best_f * (1 + _SLACK) + _SLACK]
            exact = {int(i): exact_load(int(i)) for i in near}
            best = min(exact.values())
            tied = [i for i, v in exact.items() if v == best]
        if any(spent + projects[i].cost > election.budget for i in tied):
            left = election.budget - spent
            for i in map(int, cand):
                if i in tied and spent + projects[i].cost > election.budget:
                    results[i] = _result(
                        election, i, votes, Reason.DID_NOT_FIT, round=rnd, available=left, needed=projects[i].cost
                    )
                else:
                    results[i] = _result(election, i, votes, Reason.NOT_REACHED)
            break
        pick = min(tied, key=ranks.__getitem__)
        results[pick] = _result(
            election,
            pick,
            votes,
            Reason.SELECTED,
            round=rnd,
            available=election.budget - spent,
            needed=projects[pick].cost,
        )
        chosen.append(pick)
        spent += projects[pick].cost
        active[pick] = False
        if best is not None:
            _raise_level(approvals, weighted, ballot_level, counts, pick, len(levels))
            levels_f[len(levels)] = float(best)
            levels.append(best)
    return build_outcome(election, "phragmen", chosen, results, {"tie_break": tie_break.describe()})


def _raise_level(
    approvals: np.ndarray, weighted: np.ndarray, ballot_level: np.ndarray, counts: np.ndarray, pick: int, new: int
) -> None:
    """Move every ballot approving `pick` to level `new`, updating the per-project level counts."""
    rows = np.flatnonzero(approvals[:, pick])
    order = np.argsort(ballot_level[rows], kind="stable")
    rows = rows[order]
    old = ballot_level[rows]
    starts = np.flatnonzero(np.concatenate(([True], old[1:] != old[:-1])))
    moving = weighted[rows]
    counts[:, old[starts]] -= np.add.reduceat(moving, starts, axis=0).T
    counts[:, new] += moving.sum(axis=0)
    ballot_level[rows] = new


def _result(election: Election, i: int, votes: list[int], reason: Reason, **numbers: object) -> ProjectResult:
    p = election.projects[i]
    return ProjectResult(p.id, p.cost, votes[i], Fraction(votes[i]), reason is Reason.SELECTED, reason, **numbers)  # type: ignore[arg-type]
