"""The data every rule takes (Election) and gives back (Outcome), in exact arithmetic.

Costs and the budget are `Fraction`s so that `308151.26` is exact; ballots are tuples of small integers so
that identical ballots can be merged into a profile (Wrocław 2015: 131,778 ballots, 197 distinct ones).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from functools import cached_property
from itertools import chain
from typing import overload

import numpy as np

VOTE_TYPES = ("approval", "cumulative", "ordinal", "scoring")

# A ballot: (project index, value) pairs. Approval: value 1. Cumulative / scoring: points.
# Ordinal: value = rank position (0 = best), entries best first.
Ballot = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Project:
    """A project on the ballot; `extra` keeps the other PROJECTS columns verbatim (incl. `selected`)."""

    id: str
    cost: Fraction
    name: str = ""
    extra: Mapping[str, str] = field(default_factory=dict, hash=False)


class Ballots(Sequence[Ballot]):
    """Ballots made by `build` on first use. The parser knows how many there are, and the rules mostly need
    just that (they read `Profile.entries`), so the tuples are not made unless someone reads them."""

    def __init__(self, length: int, build: Callable[[], Sequence[Ballot]]) -> None:
        self._length = length
        self._build = build

    @cached_property
    def _ballots(self) -> tuple[Ballot, ...]:
        return tuple(self._build())

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, i: int) -> Ballot: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Ballot]: ...
    def __getitem__(self, i: int | slice) -> Ballot | Sequence[Ballot]:
        return self._ballots[i]

    def __iter__(self) -> Iterator[Ballot]:
        return iter(self._ballots)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return self._ballots == tuple(other)

    def __hash__(self) -> int:
        return hash(self._ballots)

    def __reduce__(self) -> tuple[type, tuple[tuple[Ballot, ...]]]:
        return tuple, (self._ballots,)  # `build` may be a closure, which pickle cannot store

    def __repr__(self) -> str:
        return repr(self._ballots)


@dataclass(frozen=True)
class Voter:
    """One ballot as cast; `extra` keeps the other VOTES columns verbatim (age, sex, ...)."""

    id: str
    ballot: Ballot
    extra: Mapping[str, str] = field(default_factory=dict, hash=False)


class Voters(Sequence[Voter]):
    """Voters stored column-wise; `Voter` objects are built on access.

    A 130,000-voter file then parses without 130,000 objects and dicts, and rules read `ballots` directly.
    """

    def __init__(
        self,
        ids: Sequence[str],
        ballots: Sequence[Ballot],
        extra_names: Sequence[str] = (),
        extra_rows: Sequence[Sequence[str]] = (),
        extra_positions: Sequence[int] | None = None,
        profile: Profile | None = None,
    ) -> None:
        """`extra_rows[i][extra_positions[j]]` is voter i's value for column `extra_names[j]`.

        The parser passes its raw rows and the positions of the extra columns, which avoids copying them,
        and the merged `profile` of these ballots, which it gets cheaply from the distinct vote strings.
        """
        if len(ballots) != len(ids) or (extra_names and len(extra_rows) != len(ids)):
            raise ValueError("all voter columns must have the same length")
        self.ids = tuple(ids) if isinstance(ids, list) else ids  # (the parser's are decoded on first use)
        self.ballots = ballots if isinstance(ballots, Ballots) else tuple(ballots)
        self.extra_names = tuple(extra_names)
        self._extra_rows = extra_rows if extra_names else ()
        self._positions = tuple(range(len(extra_names)) if extra_positions is None else extra_positions)
        self.profile = profile

    def __len__(self) -> int:
        return len(self.ids)

    def _voter(self, i: int) -> Voter:
        row = self._extra_rows[i] if self.extra_names else ()
        extra = {name: row[pos] for name, pos in zip(self.extra_names, self._positions, strict=True)}
        return Voter(self.ids[i], self.ballots[i], extra)

    @overload
    def __getitem__(self, i: int) -> Voter: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Voter]: ...
    def __getitem__(self, i: int | slice) -> Voter | Sequence[Voter]:
        if isinstance(i, slice):
            return tuple(self._voter(k) for k in range(len(self))[i])
        return self._voter(range(len(self))[i])

    def __iter__(self) -> Iterator[Voter]:
        return (self._voter(k) for k in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<Voters: {len(self)}>"


@dataclass(frozen=True)
class Profile:
    """Distinct ballots with multiplicities, in order of first appearance (deterministic).

    `flat` optionally carries `entries` already computed (the parser has them as arrays anyway).
    """

    ballots: Sequence[Ballot]  # a tuple, or `Ballots` made on first use
    counts: tuple[int, ...]
    num_projects: int
    flat: tuple[np.ndarray, np.ndarray, np.ndarray] | None = field(default=None, compare=False, repr=False)

    @cached_property
    def weights(self) -> np.ndarray:
        """Multiplicities as an int64 array, aligned with `ballots`."""
        return np.fromiter(self.counts, dtype=np.int64, count=len(self.counts))  # (faster than np.asarray)

    @cached_property
    def votes(self) -> tuple[int, ...]:
        """Ballots mentioning each project: one float `bincount`, exact as its sums stay far below 2**53."""
        rows, idx, _ = self.entries
        sums = np.bincount(idx, weights=self.weights[rows], minlength=self.num_projects)
        return tuple(sums.astype(np.int64).tolist())

    @cached_property
    def entries(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All ballot entries flattened: (row in `ballots`, project index, value) as int64 arrays.

        Per-project sums then become one `np.add.at` instead of a Python loop over every ballot.
        """
        if self.flat is not None:
            return self.flat
        lengths = np.fromiter(map(len, self.ballots), dtype=np.int64, count=len(self.ballots))
        flat = np.fromiter(chain.from_iterable(chain.from_iterable(self.ballots)), dtype=np.int64)
        pairs = flat.reshape(-1, 2)
        rows = np.repeat(np.arange(len(self.ballots), dtype=np.int64), lengths)
        return rows, pairs[:, 0].copy(), pairs[:, 1].copy()

    @cached_property
    def lengths(self) -> np.ndarray:
        """Number of entries of each ballot, from `entries`: the ballot tuples need not be made."""
        return np.bincount(self.entries[0], minlength=len(self.ballots))

    def project_sums(self, values: np.ndarray) -> list[int]:
        """Exact per-project sums of `values` (one per entry) times the ballot multiplicities."""
        rows, idx, _ = self.entries
        totals = np.zeros(self.num_projects, dtype=np.int64)
        np.add.at(totals, idx, values * self.weights[rows])
        return totals.tolist()

    def matrix(self, absent: int = 0) -> np.ndarray:
        """Ballot values as an int64 (distinct ballots x projects) array; `absent` fills unmentioned projects.

        For ordinal ballots the value is the rank position, so pass e.g. `absent=-1`.
        """
        rows, idx, values = self.entries
        m = np.full((len(self.ballots), self.num_projects), absent, dtype=np.int64)
        m[rows, idx] = values
        return m

    @cached_property
    def approvals(self) -> np.ndarray:
        """Boolean (distinct ballots x projects) array: does the ballot mention the project."""
        rows, idx, _ = self.entries
        m = np.zeros((len(self.ballots), self.num_projects), dtype=bool)
        m[rows, idx] = True
        return m


def _meta_int(meta: Mapping[str, str], key: str) -> int | None:
    value = meta.get(key, "").strip()
    if not value or value.lower() == "none":
        return None
    return int(Fraction(value))


@dataclass(frozen=True)
class Election:
    """A PB election: META (verbatim strings), projects and voters in file order, budget and vote type.

    `vote_type` is one of VOTE_TYPES; choose-1 files are read as approval (META keeps `choose-1`).
    """

    meta: Mapping[str, str]
    projects: tuple[Project, ...]
    voters: Sequence[Voter]
    budget: Fraction
    vote_type: str

    def __post_init__(self) -> None:
        if self.vote_type not in VOTE_TYPES:
            raise ValueError(f"vote_type must be one of {VOTE_TYPES}, not {self.vote_type!r}")

    @property
    def num_voters(self) -> int:
        return len(self.voters)

    @cached_property
    def index(self) -> dict[str, int]:
        """Project id -> position in `projects`."""
        return {p.id: i for i, p in enumerate(self.projects)}

    @cached_property
    def profile(self) -> Profile:
        """Identical ballots merged, computed once (the main speed trick: rules loop over distinct ballots)."""
        if isinstance(self.voters, Voters) and self.voters.profile is not None:
            return self.voters.profile
        if isinstance(self.voters, Voters):
            counts = Counter(self.voters.ballots)
        else:
            counts = Counter(v.ballot for v in self.voters)
        return Profile(tuple(counts), tuple(counts.values()), len(self.projects))

    @cached_property
    def scale(self) -> int:
        """Smallest integer that makes every cost and the budget whole (1 for whole-currency files)."""
        s = self.budget.denominator
        for p in self.projects:
            s = math.lcm(s, p.cost.denominator)
        return s

    @cached_property
    def int_costs(self) -> tuple[int, ...]:
        """Costs times `scale`: exact integers for fast knapsack-style arithmetic."""
        return tuple(int(p.cost * self.scale) for p in self.projects)

    @cached_property
    def int_budget(self) -> int:
        return int(self.budget * self.scale)

    # Ballot constraints from META (None when the file does not state them).
    @property
    def min_length(self) -> int | None:
        return _meta_int(self.meta, "min_length")

    @property
    def max_length(self) -> int | None:
        return _meta_int(self.meta, "max_length")

    @property
    def min_sum_points(self) -> int | None:
        return _meta_int(self.meta, "min_sum_points")

    @property
    def max_sum_points(self) -> int | None:
        return _meta_int(self.meta, "max_sum_points")

    @property
    def min_points(self) -> int | None:
        return _meta_int(self.meta, "min_points")

    @property
    def max_points(self) -> int | None:
        return _meta_int(self.meta, "max_points")

    @property
    def min_project_score_threshold(self) -> int | None:
        """Minimum score a project needs to be eligible (pabulib META for `greedy-threshold` cities)."""
        return _meta_int(self.meta, "min_project_score_threshold")

    @property
    def rule(self) -> str:
        """The rule the city recorded in META (`greedy`, `equalshares/add1`, `unknown`, ...)."""
        return self.meta.get("rule", "unknown")


class Reason(StrEnum):
    """Why a project won or lost. Codes only: the platform translates them into words."""

    SELECTED = "selected"
    # Greedy: it was its turn but did not fit; `available` left of `needed` (its cost).
    DID_NOT_FIT = "did_not_fit"
    # Greedy with per-category budgets: its category had only `available` left of the `needed`.
    GROUP_FULL = "group_full"
    # Score below the minimum-support threshold (`score` < `threshold`).
    BELOW_THRESHOLD = "below_threshold"
    # The rule stopped before reaching it (greedy-no-skip, Phragmén stop, budget exhausted).
    NOT_REACHED = "not_reached"
    # Nobody voted for it.
    NO_SUPPORT = "no_support"
    # MES: its supporters had `available` of the `needed` money; `effective_support` as a fraction of 1.
    INSUFFICIENT_SUPPORT = "insufficient_support"
    # Max-welfare: not in the welfare-maximising set.
    NOT_OPTIMAL = "not_optimal"


@dataclass(frozen=True)
class ProjectResult:
    """The explanation of one project's outcome: codes and exact numbers only.

    - `votes`: ballots mentioning the project; `score`: the number the rule ranked by (approvals, points,
      ordinal points, satisfaction per cost, ...), as used by the rule.
    - `reason`: a `Reason` code; `round`: the round (1-based) in which it was decided, None if never considered.
    - `available` / `needed`: money at that moment — greedy: budget left vs cost; MES: supporters' money vs cost.
    - `threshold`: the minimum score when `reason` is below_threshold.
    - `effective_support`: MES only, the share (0..1) of the needed support it had.
    - `stage`: "main" or "completion" (for rules with a completion phase).
    """

    id: str
    cost: Fraction
    votes: int
    score: Fraction
    selected: bool
    reason: Reason
    round: int | None = None
    available: Fraction | None = None
    needed: Fraction | None = None
    threshold: Fraction | None = None
    effective_support: Fraction | None = None
    stage: str = "main"

    def to_dict(self) -> dict[str, object]:
        """JSON-friendly view: exact numbers as strings (see `format_number`)."""
        out: dict[str, object] = {}
        for key, value in self.__dict__.items():
            if isinstance(value, Fraction):
                out[key] = format_number(value)
            elif isinstance(value, Reason):
                out[key] = value.value
            else:
                out[key] = value
        return out


@dataclass(frozen=True)
class Outcome:
    """What every rule returns.

    - `winners`: selected project ids in file order; `order`: the same ids in the order the rule chose them.
    - `spent`: exact total cost of the winners; `budget`: the election's budget.
    - `projects`: one `ProjectResult` per project, in file order.
    - `voters_with_winner`: ballots with at least one selected project.
    - `params`: the rule name and parameters, for display and reproduction.
    """

    rule: str
    winners: tuple[str, ...]
    order: tuple[str, ...]
    spent: Fraction
    budget: Fraction
    projects: tuple[ProjectResult, ...]
    voters_with_winner: int
    params: Mapping[str, str] = field(default_factory=dict, hash=False)

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "params": dict(self.params),
            "winners": list(self.winners),
            "order": list(self.order),
            "spent": format_number(self.spent),
            "budget": format_number(self.budget),
            "voters_with_winner": self.voters_with_winner,
            "projects": [p.to_dict() for p in self.projects],
        }


def format_number(x: Fraction) -> str:
    """Exact decimal when the fraction terminates ("308151.26", "12"), otherwise "p/q"."""
    den = x.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return f"{x.numerator}/{x.denominator}"
    digits = max(twos, fives)
    if digits == 0:
        return str(x.numerator)
    scaled = x * 10**digits
    sign = "-" if scaled < 0 else ""
    text = str(abs(scaled.numerator)).rjust(digits + 1, "0")
    return f"{sign}{text[:-digits]}.{text[-digits:]}"


def votes_per_project(election: Election) -> list[int]:
    """Number of ballots mentioning each project (computed on the merged profile)."""
    return list(election.profile.votes)


def build_outcome(
    election: Election,
    rule: str,
    order: Iterable[int],
    results: Mapping[int, ProjectResult],
    params: Mapping[str, str] | None = None,
) -> Outcome:
    """Assemble an Outcome from the chosen project indices (in choice order) and one result per project."""
    order = list(order)
    chosen = set(order)
    prof = election.profile
    rows, idx, _ = prof.entries
    is_chosen = np.zeros(prof.num_projects, dtype=bool)
    is_chosen[order] = True  # a lookup table: faster than np.isin, which sorts
    covered = np.zeros(len(prof.ballots), dtype=bool)
    covered[rows[is_chosen[idx]]] = True
    return Outcome(
        rule=rule,
        winners=tuple(p.id for i, p in enumerate(election.projects) if i in chosen),
        order=tuple(election.projects[i].id for i in order),
        spent=sum((election.projects[i].cost for i in order), Fraction(0)),
        budget=election.budget,
        projects=tuple(results[i] for i in range(len(election.projects))),
        voters_with_winner=int(prof.weights[covered].sum()),
        params=dict(params or {}),
    )
