"""Sequential Phragmén, exactly as pabutools `sequential_phragmen` (approval ballots, resolute).

Voters earn virtual money continuously; a project is bought as soon as its supporters can pay for it,
spreading the load so that the new load of every supporter is (their current loads + cost) / supporters.
The rule stops at the first round whose best project (or any project tied with it) does not fit.

Speed: a ballot's load only ever equals the load set by the last bought project it approves, so each distinct
ballot keeps the index of that "level". Each project's supporters' total load is kept in floats and updated
with one product over the ballots that move to the new level; every round the near-minimal projects' loads
are recomputed exactly with Fractions (their supporters counted per level): the decision (which project,
ties, stop) is exact.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from pbcount.election import Election, Outcome, ProjectResult, Reason, build_outcome
from pbcount.tiebreak import PABUTOOLS, TieBreak

# Relative slack for the float pre-selection; float error here is below 1e-11, so nothing is missed.
_SLACK = 1e-9


def phragmen(election: Election, *, tie_break: TieBreak = PABUTOOLS) -> Outcome:
    """Sequential Phragmén on approval ballots (pabutools refuses other ballots, and so do we)."""
    if election.vote_type != "approval":
        raise ValueError(f"phragmen needs approval ballots, not {election.vote_type}")
    projects = election.projects
    ballots = _Ballots(election)
    votes = ballots.votes
    ranks = tie_break.ranks(election)
    costs_f = np.array([float(p.cost) for p in projects])
    votes_f = np.array(votes, dtype=np.float64)

    levels = [Fraction(0)]  # load of each level; level 0 = nobody paid yet
    ballot_level = np.zeros(len(ballots.weights), dtype=np.int64)
    ballot_load_f = np.zeros(len(ballots.weights))  # levels[ballot_level] as floats
    paid_f = np.zeros(len(projects))  # total load of each project's supporters, as floats

    results: dict[int, ProjectResult] = {}
    contending = np.zeros(len(projects), dtype=bool)  # active and supported (else the load is infinite)
    active: list[int] = []
    for i, p in enumerate(projects):
        if p.cost <= election.budget:
            active.append(i)
            contending[i] = votes[i] > 0
        else:
            results[i] = _result(election, i, votes, Reason.DID_NOT_FIT, available=election.budget, needed=p.cost)
    chosen: list[int] = []
    spent = Fraction(0)
    rnd = 0

    def exact_load(i: int) -> Fraction:
        # Summed over a common denominator: one gcd instead of one per level, as Fraction addition would do.
        used = [(int(c), levels[k]) for k, c in enumerate(ballots.per_level(i, ballot_level, len(levels))) if c]
        den = math.lcm(*(level.denominator for _, level in used))
        paid = sum(c * level.numerator * (den // level.denominator) for c, level in used)
        cost = projects[i].cost
        return Fraction(paid * cost.denominator + cost.numerator * den, den * cost.denominator * votes[i])

    while active:
        rnd += 1
        load_f = np.divide(paid_f + costs_f, votes_f, out=np.full(len(projects), np.inf), where=contending)
        best_f = load_f.min()
        if best_f == np.inf:
            # Only unsupported projects remain: pabutools gives them infinite load, all tied.
            best, tied = None, active
        else:
            near = np.flatnonzero(load_f <= best_f * (1 + _SLACK) + _SLACK).tolist()
            exact = {i: exact_load(i) for i in near}
            best = min(exact.values())
            tied = [i for i, v in exact.items() if v == best]
        if any(spent + projects[i].cost > election.budget for i in tied):
            left = election.budget - spent
            for i in active:
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
        active.remove(pick)
        contending[pick] = False
        if best is not None:
            rows = ballots.supporters(pick)
            new_f = float(best)
            paid_f += (new_f - ballot_load_f[rows]) @ ballots.weighted[rows]
            ballot_load_f[rows] = new_f
            ballot_level[rows] = len(levels)
            levels.append(best)
    return build_outcome(election, "phragmen", chosen, results, {"tie_break": tie_break.describe()})


class _Ballots:
    """The distinct ballots as a (ballots x projects) matrix of multiplicities, and each project's supporters.

    Floats so that products run on BLAS; the multiplicities are integers far below 2**53, so sums are exact.
    """

    def __init__(self, election: Election) -> None:
        prof = election.profile
        rows, idx, _ = prof.entries
        n = len(election.projects)
        self.weights = prof.weights.astype(np.float64)
        self.weighted = np.zeros((len(self.weights), n))
        self.weighted[rows, idx] = self.weights[rows]
        self.votes: list[int] = np.bincount(idx, weights=self.weights[rows], minlength=n).astype(np.int64).tolist()
        # Entries grouped by project (a stable radix sort on small integers): supporters are then slices.
        by_project = np.argsort(idx.astype(np.int16 if n < 2**15 else np.int64), kind="stable")
        self._rows = rows[by_project]
        self._bounds = np.concatenate(([0], np.cumsum(np.bincount(idx, minlength=n)))).tolist()

    def supporters(self, i: int) -> np.ndarray:
        """Rows of the ballots approving project i, ascending."""
        return self._rows[self._bounds[i] : self._bounds[i + 1]]

    def per_level(self, i: int, ballot_level: np.ndarray, num_levels: int) -> list[float]:
        """Supporters of project i at each level (whole numbers)."""
        rows = self.supporters(i)
        return np.bincount(ballot_level[rows], weights=self.weights[rows], minlength=num_levels).tolist()


def _result(election: Election, i: int, votes: list[int], reason: Reason, **numbers: object) -> ProjectResult:
    p = election.projects[i]
    return ProjectResult(p.id, p.cost, votes[i], Fraction(votes[i]), reason is Reason.SELECTED, reason, **numbers)  # type: ignore[arg-type]
