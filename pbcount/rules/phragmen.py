"""Sequential Phragmén, exactly as pabutools `sequential_phragmen` (approval ballots, resolute).

Voters earn virtual money continuously; a project is bought as soon as its supporters can pay for it,
spreading the load so that the new load of every supporter is (their current loads + cost) / supporters.
The rule stops at the first round whose best project (or any project tied with it) does not fit.

Speed: a ballot's load only ever equals the load set by the last bought project it approves, so each distinct
ballot keeps the index of that "level". Each project's supporters' total load is kept in floats, updated with
one product over the ballots that move to the new level. A round whose float minimum is alone by more than
the float error needs no exact work; when other projects come near it, their loads are recomputed exactly
with Fractions (the levels' exact loads are worked out then, from the supporters' levels saved when each
was bought): the decision (which project, ties, stop) is exact.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from pbcount.election import Election, Outcome, ProjectResult, Reason, build_outcome
from pbcount.tiebreak import PABUTOOLS, TieBreak

# Relative slack for the float pre-selection. Loads are sums of non-negative terms, so their float error is
# at most rounds x distinct ballots x 2**-53 relative (worst case, under 1e-8 for 200 rounds of 100,000
# ballots; in practice far less): nothing within it is missed.
_SLACK = 1e-6
# Profiles with at most this many ballots x projects get the dense product in `_Ballots.per_project`.
_SMALL = 2**17


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

    ballot_level = np.zeros(len(ballots.weights), dtype=np.int64)  # level 0: nobody paid yet
    ballot_load_f = np.zeros(len(ballots.weights))  # the load of the ballot's level, as a float
    paid_f = np.zeros(len(projects))  # total load of each project's supporters, as floats
    level_sources: list[tuple[int, np.ndarray]] = []  # level k + 1: (project bought, its supporters' levels)
    exact_levels = [Fraction(0)]  # exact loads of the first levels, worked out when a near-tie needs them

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
    left = election.budget
    rnd = 0

    def exact_load(i: int, supporter_levels: np.ndarray) -> Fraction:
        """Project i's new load when its supporters are at these levels."""
        per_level = np.bincount(supporter_levels, weights=ballots.weights[ballots.supporters(i)]).tolist()
        while len(exact_levels) < len(per_level):
            exact_levels.append(exact_load(*level_sources[len(exact_levels) - 1]))
        # Summed over a common denominator: one gcd instead of one per level, as Fraction addition would do.
        used = [(int(c), exact_levels[k]) for k, c in enumerate(per_level) if c]
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
            tied = active
        else:
            tied = np.flatnonzero(load_f <= best_f * (1 + _SLACK)).tolist()
            if len(tied) > 1:
                exact = {i: exact_load(i, ballot_level[ballots.supporters(i)]) for i in tied}
                best = min(exact.values())
                tied = [i for i, v in exact.items() if v == best]
        if any(projects[i].cost > left for i in tied):
            for i in active:
                if i in tied and projects[i].cost > left:
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
            available=left,
            needed=projects[pick].cost,
        )
        chosen.append(pick)
        left -= projects[pick].cost
        active.remove(pick)
        if contending[pick]:
            contending[pick] = False
            rows = ballots.supporters(pick)
            level_sources.append((pick, ballot_level[rows]))
            new_f = load_f[pick]
            paid_f += ballots.per_project(rows, (new_f - ballot_load_f[rows]) * ballots.weights[rows])
            ballot_load_f[rows] = new_f
            ballot_level[rows] = len(level_sources)
    return build_outcome(election, "phragmen", chosen, results, {"tie_break": tie_break.describe()})


class _Ballots:
    """The distinct ballots: multiplicities, approved projects of each ballot, supporters of each project."""

    def __init__(self, election: Election) -> None:
        prof = election.profile
        rows, idx, _ = prof.entries  # entries ordered by ballot
        num_ballots, n = len(prof.weights), len(election.projects)
        self.weights = prof.weights.astype(np.float64)  # integers far below 2**53: float sums of them are exact
        self.votes = list(prof.votes)
        self._by_project = np.zeros((n, num_ballots), dtype=bool)  # a project's supporters in one contiguous row
        self._by_project.ravel()[idx * num_ballots + rows] = True
        if num_ballots * n <= _SMALL:
            self._by_ballot = np.zeros((num_ballots, n), dtype=bool)
            self._by_ballot.ravel()[rows * n + idx] = True
        else:
            self._by_ballot = None
            self._projects = idx
            self._lengths = prof.lengths
            self._starts = np.cumsum(self._lengths) - self._lengths

    def supporters(self, i: int) -> np.ndarray:
        """Rows of the ballots approving project i, ascending."""
        return np.flatnonzero(self._by_project[i])

    def per_project(self, ballot_rows: np.ndarray, values: np.ndarray) -> np.ndarray:
        """For each project, the sum of `values` over those of `ballot_rows` that approve it.

        A product with the ballots' rows on small profiles (fewest NumPy calls); on big ones, sums over the
        ballots' entries, a few times less work (ballots approve few of the projects) and single-threaded.
        """
        if self._by_ballot is not None:
            return values @ np.take(self._by_ballot, ballot_rows, axis=0).astype(np.float64)
        lengths = self._lengths[ballot_rows]
        ends = np.cumsum(lengths)
        entries = np.arange(ends[-1]) + np.repeat(self._starts[ballot_rows] - ends + lengths, lengths)
        return np.bincount(self._projects[entries], weights=np.repeat(values, lengths), minlength=len(self.votes))


def _result(election: Election, i: int, votes: list[int], reason: Reason, **numbers: object) -> ProjectResult:
    p = election.projects[i]
    return ProjectResult(p.id, p.cost, votes[i], Fraction(votes[i]), reason is Reason.SELECTED, reason, **numbers)  # type: ignore[arg-type]
