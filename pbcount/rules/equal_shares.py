"""The Method of Equal Shares (MES), exactly as pabutools `method_of_equal_shares`, with its completions.

Every voter gets an equal share `b` of the budget. In each round the project that its supporters can buy at
the lowest price per unit of satisfaction `rho` is bought: a supporter with satisfaction `s` pays
`min(budget, rho * s)`. The rule stops when no project's supporters can pay for it. Satisfaction: `Cost_Sat`
(approval, sat "cost": the standard), `Cardinality_Sat` (approval, sat "cardinality"), `Additive_Cardinal_Sat`
(cumulative / scoring: the points) and `Additive_Borda_Sat` (ordinal: `len - position - 1`, the last rank
scores 0 and does not count as support). Ties go to the first project in the tie-break order.

Completions (pabutools semantics, see docs/counting.md):

- `add1`: `voter_budget_increment=1`: rerun with `b + 1`, `b + 2`, ... (currency units) until the outcome is
  exhaustive (no supported project still fits) or over budget (then the previous outcome is kept).
- `greedy` / `add1-greedy`: `completion_by_rule_combination` with `greedy_utilitarian_welfare`: the (add1)
  outcome, if not exhaustive, is completed greedily with the same satisfaction.
- `add1-comparison`: Wieliczka 2023's procedure (see `_comparison`).

Speed and exactness. Money is scaled to integers (`Election.scale`). Voters with identical ballots are merged.
A run keeps one float budget per distinct ballot; a round touches only the bought project's supporters. Prices
are computed with NumPy floats; a decision (which project wins a round, whether a project is affordable) whose
float margin is below `_EPS` (relative; float error is below 1e-12 here) is re-decided exactly: with integers
when every paying supporter is surely rich (the common exact tie), else with `Fraction`s from the class tree
(`_Tree`), built only then. The add1 loop skips stretches of budgets at which the outcome cannot change (see
`_certify`), hands each run the previous one as a hint (see `_run_mes`), and is run once per election for
`add1` and `add1-greedy` (see `_add1_once`).
"""

from __future__ import annotations

import heapq
import math
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from pbcount.election import Election, Outcome, ProjectResult, Reason, build_outcome, votes_per_project
from pbcount.rules.greedy import _order, satisfaction_totals
from pbcount.tiebreak import PABUTOOLS, TieBreak

SATS = ("cost", "cardinality")
COMPLETIONS = ("add1", "add1-greedy", "greedy", "add1-comparison")
_EPS = 1e-9
_less = np.less  # `a < x` without the operator's dispatch: MES prices make many small NumPy calls
_ONE_THREAD = 8192  # OpenBLAS computes a dot product of up to 10,000 numbers in the calling thread


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """a @ b (a sum over a boolean mask when b is one), a slice at a time: OpenBLAS shares longer dot products
    among threads that then spin, spending more CPU than the count gains."""
    if len(a) <= _ONE_THREAD:
        return float(np.dot(a, b))
    return sum(float(np.dot(a[i : i + _ONE_THREAD], b[i : i + _ONE_THREAD])) for i in range(0, len(a), _ONE_THREAD))


@dataclass
class _Data:
    """Per election and satisfaction: each project's supporters (distinct-ballot rows) and satisfactions.

    A supporter's satisfaction is `mult[p] * units` with small integer units (1 for approval, points, Borda),
    `mult[p]` = the scaled cost for Cost_Sat, else 1.
    """

    costs: list[int]
    ranks: tuple[int, ...]
    rows: list[np.ndarray]
    units: list[np.ndarray]
    weights: list[np.ndarray]
    wsat_f: list[np.ndarray]  # weight * satisfaction, float
    sat_f: list[np.ndarray]  # satisfaction, float
    # The satisfaction all of a project's supporters share (approval ballots), else None: prices then compare
    # budgets with rho * sat, without dividing every budget by its satisfaction.
    sat_one: list[float | None]
    weights_f: list[np.ndarray]
    mult: list[int]
    total_sat: list[int]
    total_units: list[int]  # approvals, points or Borda points: the score shown
    total_weight: list[int]  # supporters
    num_rows: int
    num_voters: int
    max_unit: int
    sat_name: str
    _by_row: tuple[np.ndarray, np.ndarray] | None = None  # each row's projects, and where each row starts
    _shared: dict[int, np.ndarray] = field(default_factory=dict)

    def shared(self, p: int) -> np.ndarray:
        """shared(p)[q]: the (weighted) satisfaction with p of the voters who support both p and q; cached."""
        if p not in self._shared:
            if self._by_row is None:
                rows = np.concatenate(self.rows)
                projects = np.repeat(np.arange(len(self.rows)), [len(r) for r in self.rows])
                order = np.argsort(rows, kind="stable")
                self._by_row = projects[order], np.searchsorted(rows[order], np.arange(self.num_rows + 1))
            projects, starts = self._by_row
            rows = self.rows[p]
            lengths = starts[rows + 1] - starts[rows]
            offsets = np.cumsum(lengths) - lengths
            entries = np.repeat(starts[rows] - offsets, lengths) + np.arange(int(lengths.sum()))
            weights = np.repeat(self.wsat_f[p], lengths)
            self._shared[p] = np.bincount(projects[entries], weights=weights, minlength=len(self.rows))
        return self._shared[p]


def _prepare(election: Election, sat: str, tie_break: TieBreak) -> _Data:
    prof = election.profile
    rows, idx, values = prof.entries
    if election.vote_type == "ordinal":
        units = prof.lengths[rows] - 1 - values
        sat_name = "Additive_Borda_Sat"
    elif election.vote_type in ("cumulative", "scoring"):
        units = values
        sat_name = "Additive_Cardinal_Sat"
    else:
        units = np.ones_like(values)
        sat_name = "Cost_Sat" if sat == "cost" else "Cardinality_Sat"
    keep = units > 0
    rows, idx, units = rows[keep], idx[keep], units[keep]
    order = np.argsort(idx, kind="stable")
    rows, idx, units = rows[order], idx[order], units[order]
    bounds = np.searchsorted(idx, np.arange(len(election.projects) + 1))
    costs = list(election.int_costs)
    mult = [c if sat_name == "Cost_Sat" else 1 for c in costs]
    w_all = prof.weights
    d = _Data(
        costs=costs,
        ranks=tie_break.ranks(election),
        rows=[],
        units=[],
        weights=[],
        wsat_f=[],
        sat_f=[],
        sat_one=[],
        weights_f=[],
        mult=mult,
        total_sat=[],
        total_units=[],
        total_weight=[],
        num_rows=len(prof.ballots),
        num_voters=int(w_all.sum()),
        max_unit=int(units.max()) if len(units) else 1,
        sat_name=sat_name,
    )
    for p in range(len(costs)):
        r = rows[bounds[p] : bounds[p + 1]]
        u = units[bounds[p] : bounds[p + 1]]
        w = w_all[r]
        d.rows.append(r)
        d.units.append(u)
        d.weights.append(w)
        d.wsat_f.append((w * u).astype(np.float64) * mult[p])
        d.sat_f.append(u.astype(np.float64) * mult[p])
        d.sat_one.append(float(u[0] * mult[p]) if len(u) and (u == u[0]).all() else None)
        d.weights_f.append(w.astype(np.float64))
        d.total_units.append(int((w * u).sum()))
        d.total_weight.append(int(w.sum()))
        d.total_sat.append(d.total_units[-1] * mult[p])
    return d


def _exact_rho(cost: int, groups: Sequence[tuple[Fraction, int, int]]) -> Fraction | None:
    """The exact price: the least rho with sum(weight * min(budget, rho * sat)) == cost, or None if unaffordable.

    `groups` are (budget, sat, weight) triples. Same loop as pabutools (poorest per unit of satisfaction first).
    """
    if sum((b * w for b, _, w in groups), Fraction(0)) < cost:
        return None
    paid = Fraction(0)
    denominator = sum(s * w for _, s, w in groups)
    for budget, s, w in sorted(groups, key=lambda g: g[0] / g[1]):
        rho = (cost - paid) / denominator
        if rho * s <= budget:
            return rho
        paid += budget * w
        denominator -= s * w
    raise AssertionError("affordable project without a price")  # pragma: no cover


@dataclass
class _Tree:
    """The class tree of a run's budgets, for exact arithmetic: a class is its parent minus one payment.

    Voters who support the same bought projects with the same satisfactions have the same budget. Class 0
    is everyone at the start; per round, the bought project's supporters move to one new class per (class,
    satisfaction) group of them.
    """

    row_class: np.ndarray
    parent: list[int] = field(default_factory=lambda: [-1])
    cround: list[int] = field(default_factory=lambda: [-1])
    csat: list[int] = field(default_factory=lambda: [0])
    # Per round: (class before, sat, weight) arrays of the bought project's supporters.
    groups: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)

    def groups_of(self, d: _Data, p: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Project p's supporters now, merged by (class, satisfaction): classes, sats, weights, row -> group.

        Approval ballots (one satisfaction per project) group by class with a lookup table instead of a sort.
        """
        classes = self.row_class[d.rows[p]]
        if d.max_unit == 1:
            lookup = np.empty(len(self.parent), dtype=np.int64)
            positions = np.arange(len(classes))
            lookup[classes] = positions  # one position per class wins
            winner = lookup[classes]
            first = winner == positions
            inv = (np.cumsum(first) - 1)[winner]
            uniq, units = classes[first], np.ones(int(first.sum()), dtype=np.int64)
        else:
            keys = classes * (d.max_unit + 1) + d.units[p]
            merged, inv = np.unique(keys, return_inverse=True)
            uniq, units = merged // (d.max_unit + 1), merged % (d.max_unit + 1)
        weights = np.bincount(inv, weights=d.weights[p], minlength=len(uniq)).astype(np.int64)
        return uniq, units * d.mult[p], weights, inv

    def add_round(self, d: _Data, p: int) -> None:
        classes, sats, weights, inv = self.groups_of(d, p)
        self.row_class[d.rows[p]] = len(self.parent) + inv
        self.parent.extend(classes.tolist())
        self.cround.extend([len(self.groups)] * len(classes))
        self.csat.extend(sats.tolist())
        self.groups.append((classes, sats, weights))


@dataclass
class _Run:
    """One MES run at per-voter budget `b` (scaled money): chosen projects, prices and float row budgets.

    Exact values come from the class tree, built only when a close decision needs them.
    """

    d: _Data
    b: Fraction
    chosen: list[int] = field(default_factory=list)
    rho_f: list[float] = field(default_factory=list)
    free: list[int] = field(default_factory=list)
    dropped: dict[int, int] = field(default_factory=dict)  # project -> round in which it became unaffordable
    row_bud: np.ndarray = field(default_factory=lambda: np.zeros(0))  # float budget of each distinct ballot
    # Rows whose exact budget is surely 0 (they paid all they had): they never change a later price.
    row_zero: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    # A certified run's checked sums (see `_certify`), bounds for the next certificate's.
    sums: dict[tuple[int, int, int], float] = field(default_factory=dict)
    # For a run at a higher budget (`_run_mes`'s hint): per project, (round, price, rich satisfaction): from
    # that round on its money at a price rho below `price` is at most cost - (price - rho) * satisfaction; and
    # (round, money) for projects found unaffordable.
    price_marks: dict[int, list[tuple[int, float, float]]] = field(default_factory=dict)
    money_marks: dict[int, tuple[int, float]] = field(default_factory=dict)
    b_f: float = 0.0  # float(b), kept: converting the Fraction costs more than a round's arithmetic on it
    _tree: _Tree | None = None
    _exact_bud: dict[int, Fraction] = field(default_factory=dict)
    _exact_rho: dict[int, Fraction] = field(default_factory=dict)

    @classmethod
    def start(cls, d: _Data, b: Fraction) -> _Run:
        """Every voter with budget b."""
        b_f = float(b)
        return cls(d, b, row_bud=np.full(d.num_rows, b_f), row_zero=np.zeros(d.num_rows, dtype=bool), b_f=b_f)

    def tree(self) -> _Tree:
        """The class tree up to the current round (extended from where it was last built)."""
        if self._tree is None:
            self._tree = _Tree(np.zeros(self.d.num_rows, dtype=np.int64))
        for p in self.chosen[len(self._tree.groups) :]:
            self._tree.add_round(self.d, p)
        return self._tree

    def class_budget(self, c: int) -> Fraction:
        """Exact budget of class `c`, computed on demand from the tree."""
        tree = self.tree()
        known = self._exact_bud
        path = []
        while c not in known and c != 0:
            path.append(c)
            c = tree.parent[c]
        if c == 0 and 0 not in known:
            known[0] = self.b
        value = known[c]
        for c in reversed(path):
            value = max(Fraction(0), value - self.round_rho(tree.cround[c]) * tree.csat[c])
            known[c] = value
        return value

    def round_rho(self, r: int) -> Fraction:
        """Exact price of the project bought in round `r` (0-based)."""
        if r not in self._exact_rho:
            classes, sats, weights = self.tree().groups[r]
            triples = [
                (self.class_budget(int(c)), int(s), int(w)) for c, s, w in zip(classes, sats, weights, strict=True)
            ]
            rho = _exact_rho(self.d.costs[self.chosen[r]], triples)
            assert rho is not None
            self._exact_rho[r] = rho
        return self._exact_rho[r]

    def exact_triples(self, p: int) -> list[tuple[Fraction, int, int]]:
        classes, sats, weights, _ = self.tree().groups_of(self.d, p)
        return [(self.class_budget(int(c)), int(s), int(w)) for c, s, w in zip(classes, sats, weights, strict=True)]

    def exact_price(self, p: int) -> Fraction | None:
        """Exact price of p now, without the class tree when that is sure.

        When every supporter is either surely exhausted (budget exactly 0) or surely rich at the price the
        others give, that price is cost / (the others' satisfaction): integers only. This is the common exact
        tie (two projects whose paying supporters have the same total satisfaction).
        """
        d = self.d
        paying = ~self.row_zero[d.rows[p]]
        rich_sat = int((d.weights[p][paying] * d.units[p][paying]).sum()) * d.mult[p]
        if rich_sat > 0:
            rho = d.costs[p] / rich_sat
            margin = self.row_bud[d.rows[p][paying]] - rho * d.sat_f[p][paying]
            if margin.min() > _EPS * self.b_f:
                return Fraction(d.costs[p], rich_sat)
        return _exact_rho(d.costs[p], self.exact_triples(p))

    def exact_available(self, p: int) -> Fraction:
        return sum((b * w for b, _, w in self.exact_triples(p)), Fraction(0))


def _price_f(run: _Run, p: int) -> tuple[float, float, float]:
    """Float (price rho, money available, satisfaction of the supporters who are rich at rho) of project p;
    rho is inf when unaffordable.

    pabutools' "poor/rich" fixed point: price with the rich paying rho * sat and the poor paying all they have,
    then move the supporters who cannot pay to the poor; a handful of vectorised passes, no sorting. Most
    pricings take 1-4 passes over a few dozen to a few thousand supporters, where each NumPy call's own cost
    counts: sums over a mask are dot products with it (no masked copy), and `rich ^= new_poor` (new_poor is
    within rich) takes one pass.
    """
    d = run.d
    bud = run.row_bud[d.rows[p]]
    weights = d.weights_f[p]
    available = _dot(bud, weights)
    cost = d.costs[p]
    if available < cost:
        return math.inf, available, 0.0
    one = d.sat_one[p]
    ratio, unit = (bud, one) if one is not None else (bud / d.sat_f[p], 1.0)  # poor: ratio < rho * unit
    rich_sat = float(d.total_sat[p])
    rho = cost / rich_sat
    new_poor = _less(ratio, rho * unit)
    if not np.count_nonzero(new_poor):
        return rho, available, rich_sat
    wbud = bud * weights
    wsat = d.wsat_f[p]
    rich = ~new_poor
    poor_money = 0.0
    while True:
        poor_money += _dot(wbud, new_poor)
        rich_sat -= _dot(wsat, new_poor)
        if rich_sat <= 0:  # float round-off at the boundary: everyone pays all, the last one just so
            return float(ratio.max()) / unit, available, 0.0
        rho = (cost - poor_money) / rich_sat
        new_poor = _less(ratio, rho * unit)
        new_poor &= rich
        if not np.count_nonzero(new_poor):
            return rho, available, rich_sat
        rich ^= new_poor


def _run_mes(d: _Data, b: Fraction, skip: frozenset[int] = frozenset(), hint: _Run | None = None) -> _Run:
    """MES at per-voter budget `b` (scaled money), with the projects in `skip` already bought (not by MES).

    `hint`: a run at a lower budget (add1's previous step), so that far fewer projects are priced. While this
    run has made the hint's first k picks, every budget at round k is at least the hint's: all of them
    together higher by exactly voters * (b - hint.b), and a supporter's by at most b - hint.b plus what it
    saved on each pick so far (its satisfaction times the fall of the pick's price). So project q's supporters
    have at most `extra[q]` more money at round k, the lesser of the two sums. A project's money is concave
    in the price, so where the hint priced q at round k at `price` with rich satisfaction S (the slope there),
    its price from round k on is now at least `price - extra[q] / S`; where the hint found q unaffordable
    with money m, it still is when m + extra[q] < cost. These marks carry on to the next run with the extra
    money taken off. Projects are then priced in another order, so a hinted run's rounds of `dropped` can
    differ from a plain run's (its winners cannot).
    """
    run = _Run.start(d, b)
    n = len(d.costs)
    active: list[int] = []
    for p in range(n):
        if p in skip or d.total_sat[p] <= 0:
            continue
        if d.costs[p] == 0:
            run.free.append(p)
        else:
            active.append(p)
    # Lazy, as pabutools: prices only rise during a run, so a price found earlier is a lower bound; a round
    # prices projects in order of their bound until the bound exceeds the best price found.
    heap = [(d.costs[p] / d.total_sat[p], d.ranks[p], p) for p in active]
    heapq.heapify(heap)
    matched = 0  # leading picks equal to the hint's
    if hint is not None:
        raised = float(b - hint.b)
        everyone = d.num_voters * raised
        gained = np.asarray(d.total_weight, dtype=np.float64) * raised  # supporters' rise + savings so far
        gained_by_project = gained.tolist()  # read once per priced project: Python floats are quicker to index

    def extra(p: int) -> float:
        return min(everyone, gained_by_project[p]) * (1 + _EPS)

    rnd = 0
    while heap:
        best = math.inf
        near: dict[int, float] = {}
        while heap and heap[0][0] <= best * (1 + _EPS):
            key, rank, p = heapq.heappop(heap)
            cost = d.costs[p]
            if hint is not None:
                more = extra(p)
                k, money = hint.money_marks.get(p, (math.inf, 0.0))
                if k <= matched and money + more < cost * (1 - _EPS):
                    run.dropped[p] = rnd + 1
                    run.money_marks[p] = (k, money + more)
                    continue
                marks = hint.price_marks.get(p)
                if marks:
                    bound = _price_floor(marks, matched, more)
                    if bound > key:
                        heapq.heappush(heap, (bound, rank, p))
                        continue
            rho, available, rich_sat = _price_f(run, p)
            if abs(available - cost) <= _EPS * cost:
                # Nearly everyone pays all they have: the float price is unreliable, take the exact one.
                rho = float(run.exact_price(p) or math.inf) if run.exact_available(p) >= cost else math.inf
            elif rich_sat > 0:
                run.price_marks.setdefault(p, []).append((rnd, rho, rich_sat))
            if rho == math.inf:
                run.dropped[p] = rnd + 1
                run.money_marks[p] = (rnd, available)
                continue
            best = min(best, rho)
            near[p] = rho
        if not near:
            break
        tied = [p for p, rho in near.items() if rho <= best * (1 + _EPS)]
        if len(tied) > 1:
            exact = {p: run.exact_price(p) for p in tied}
            low = min(v for v in exact.values() if v is not None)
            tied = [p for p, v in exact.items() if v == low]
            pick = min(tied, key=d.ranks.__getitem__)
            run._exact_rho[rnd] = low
            near[pick] = float(low)
        else:
            pick = tied[0]
        _charge(run, pick, near.pop(pick))
        for p, rho in near.items():
            heapq.heappush(heap, (rho, d.ranks[p], p))
        if hint is not None and matched == rnd and hint.chosen[rnd : rnd + 1] == [pick]:
            matched += 1
            saved = hint.rho_f[rnd] - run.rho_f[rnd]
            if saved > 0:
                gained += d.shared(pick) * saved
                gained_by_project = gained.tolist()
        rnd += 1
    if hint is not None:
        _carry_marks(run, hint, matched, extra)
    return run


def _price_floor(marks: list[tuple[int, float, float]], matched: int, more: float) -> float:
    """A lower bound of a project's price now from the hint's marks that hold (`_run_mes`), with `more` its
    supporters' extra money."""
    bound = 0.0
    for k, price, sat in marks:
        if k <= matched and price - more / sat > bound:
            bound = price - more / sat
    return bound * (1 - 2 * _EPS)


def _carry_marks(run: _Run, hint: _Run, matched: int, extra: Callable[[int], float]) -> None:
    """Add the hint's marks that hold for `run` (rounds it shares with the hint) to its own, for the next run.

    Per project, keep only marks that a mark of an earlier or the same round does not beat.
    """
    for p, (k, money) in hint.money_marks.items():
        if k <= matched and p not in run.money_marks:
            run.money_marks[p] = (k, money + extra(p))
    for p, marks in hint.price_marks.items():
        more = extra(p)
        carried = [(k, price - more / sat, sat) for k, price, sat in marks if k <= matched]
        own = run.price_marks.get(p)
        if own:
            kept: list[tuple[int, float, float]] = []
            for mark in sorted(carried + own, key=lambda m: (m[0], -m[1])):
                if not kept or mark[1] > kept[-1][1]:
                    kept.append(mark)
            carried = kept
        run.price_marks[p] = carried


def _charge(run: _Run, p: int, rho: float, decides: bool = True) -> None:
    """Buy p at price rho: its supporters pay min(budget, rho * sat).

    `decides`: keep `row_zero` for exact decisions (a certificate's forced run makes none).
    """
    d = run.d
    rows = d.rows[p]
    run.chosen.append(p)
    run.rho_f.append(rho)
    one = d.sat_one[p]
    left = run.row_bud[rows] - rho * (one if one is not None else d.sat_f[p])
    if decides:
        # Surely poor (paid all it had) with a margin well above float error: exactly 0 from now on.
        run.row_zero[rows] |= left < -_EPS * run.b_f
    run.row_bud[rows] = np.maximum(0.0, left, out=left)


def _spent(d: _Data, projects: Sequence[int]) -> int:
    return sum(d.costs[p] for p in projects)


def _exhaustive(d: _Data, chosen: set[int], budget: int, among: Sequence[int]) -> bool:
    left = budget - _spent(d, list(chosen))
    return all(p in chosen or d.costs[p] > left for p in among)


def _certify(d: _Data, low: _Run, high_b: Fraction, skip: frozenset[int], suspects: set[int]) -> _Run | None:
    """The run at `high_b` if MES gives `low`'s outcome at every per-voter budget in [low.b, high_b], else None.

    Force `low`'s picks at `high_b`. With the picks fixed, more money never raises a budget's value less
    (voters pay `min(budget, rho * sat)` and prices fall as budgets rise), so for b' in between, budgets lie
    below those at `high_b` and the round-r price below `rho_r(low.b)`. Project q is then never cheaper than
    the pick at b' when sum_i w_i min(budget_i(high_b), rho_r(low.b) * sat_i) < cost_q (money at prices
    rho_r(low.b) cannot buy it), and the run stops at the same point when each remaining project is
    unaffordable at `high_b`. Budgets only fall and prices only rise over the rounds, so one sum with the
    budgets of round r0 and the highest price up to round r1 covers every round between: each project is
    checked on a whole stretch of rounds first, split only where that fails. Float sums with a relative margin
    `_EPS`; any doubt means "no". `suspects` (projects that broke earlier certificates, checked first) gains
    the project that breaks this one.

    When `low` is itself certified, its sums bound these without a look-up: from `low.b` to `high_b` every
    budget rises (or stays) and all of them together by exactly `voters * (high_b - low.b)` (each round
    spends the same cost), and this certificate's prices are `low`'s or lower. So a sum of `low`'s plus that
    added money, if below the limit, settles the check.
    """
    run = _Run.start(d, high_b)
    run.free = list(low.free)
    start = float(high_b)
    added = d.num_voters * float(high_b - low.b) * (1 + _EPS)
    budgets = []  # row budgets at the start of each round, then at the end
    for pick in low.chosen:
        budgets.append(run.row_bud.copy())
        rho, _, _ = _price_f(run, pick)
        if rho == math.inf:  # pragma: no cover - more money keeps the pick affordable
            return None
        _charge(run, pick, rho, decides=False)
    budgets.append(run.row_bud.copy())
    rounds = len(low.chosen)
    top_price = np.maximum.accumulate(np.asarray([0.0, *low.rho_f]))  # highest price before round r
    pick_ranks = np.asarray([d.ranks[p] for p in low.chosen], dtype=np.int64)
    # later_picks[q, r]: picks before round r that come after q in the tie-break order.
    later = pick_ranks[None, :] > np.asarray(d.ranks)[:, None]
    later_picks = np.concatenate([np.zeros((len(d.costs), 1), dtype=np.int64), np.cumsum(later, axis=1)], axis=1)
    picked_in = {p: r for r, p in enumerate(low.chosen)}

    def money(q: int, r0: int, r1: int, limit: float) -> float:
        """Upper bound (exact up to float error unless it is below `limit`) of the sum over q's supporters of
        min(budget at the start of round r0 at `high_b`, price up to round r1 * sat); r1 = None: no price.

        Every budget is `high_b` before the first round, so no supporter's budget need be looked up there.
        """
        key = (q, r0, r1)
        bound = low.sums.get(key, math.inf) + added
        if bound >= limit:
            price = top_price[r1] if r1 is not None else math.inf
            if r0 == 0:
                bound = _dot(np.minimum(d.sat_f[q] * price, start), d.weights_f[q])
            else:
                bound = _dot(np.minimum(budgets[r0][d.rows[q]], d.sat_f[q] * price), d.weights_f[q])
        run.sums[key] = bound
        return bound

    def safe(q: int) -> bool:
        cost = d.costs[q]
        last = picked_in.get(q, rounds)
        if last == rounds and money(q, rounds, None, cost * (1 - _EPS)) >= cost * (1 - _EPS):
            return False
        stretches = [(0, last)] if last else []
        while stretches:
            r0, r1 = stretches.pop()
            price = top_price[r1]
            # A project after every pick in the tie-break order may cost exactly as much (e.g. the same
            # number of supporters, all able to pay: the price is then cost / satisfaction at every budget).
            # Only when no budget caps what its supporters pay: if one does, money enough at the picks' price
            # can mean a lower price of its own (three supporters with exactly a third of the cost each).
            after = later_picks[q, r1] == later_picks[q, r0]
            tie = cost * (1 + 1e-12) if after else cost * (1 - _EPS)
            limit = cost * (1 - _EPS)
            if price * d.total_sat[q] < tie or money(q, r0, r1, limit) < limit:
                continue
            if r1 - r0 == 1:
                return False
            middle = (r0 + r1) // 2
            stretches += [(r0, middle), (middle, r1)]
        return True

    # Projects that broke an earlier certificate first: a doomed certificate then fails at once.
    others = [q for q in range(len(d.costs)) if q not in suspects]
    for q in [*suspects, *others]:
        if q in skip or d.total_sat[q] <= 0 or d.costs[q] == 0:
            continue
        if not safe(q):
            suspects.add(q)
            return None
    return run


def _add1(d: _Data, election: Election, skip: frozenset[int] = frozenset(), until_over: bool = False) -> _Run:
    """pabutools' iterated MES with `voter_budget_increment=1` (one currency unit per voter per step).

    pabutools tries b, b + 1, b + 2, ... and stops at the first outcome that is exhaustive (then returns it) or
    over budget (then returns the one before). Forint budgets make that tens of thousands of runs, so stretches
    of steps with the same outcome are skipped, galloping, when `_certify` proves the outcome constant there.

    `until_over`: equalshares.net's add1 (Wieliczka): ignore exhaustiveness, keep adding while the outcome stays
    within budget (or until every supported project is bought).
    """
    budget = election.int_budget
    b = Fraction(budget, d.num_voters)
    step = election.scale
    supported = [p for p in range(len(d.costs)) if d.total_sat[p] > 0 and d.costs[p] > 0 and p not in skip]

    def stops(run: _Run) -> bool:
        bought = set(run.chosen) | set(run.free) | skip
        if until_over:
            return _spent(d, list(bought)) > budget or bought.issuperset(supported)
        return _spent(d, list(bought)) > budget or _exhaustive(d, bought, budget, supported)

    run = plain = _run_mes(d, b, skip)
    previous: _Run | None = None
    jump = 2
    # After a failed certificate, plain steps for a while (doubling), so that elections whose every step
    # changes the course of the run do not pay for a certificate at each step. Where certificates mostly
    # succeed, a change of course seen in a plain step ends the pause: the next stretch is likely certifiable.
    wait = 0
    pause = 1
    certified = failed = 0
    suspects: set[int] = set()
    # Certified stretches shrink as a change nears: after a failure, keep the jump that worked instead of
    # doubling it straight into the next failure.
    grow = True
    while not stops(run):
        while jump > 1 and wait == 0:
            high = _certify(d, run, b + jump * step, skip, suspects)
            if high is None:
                failed += 1
                jump //= 2
                grow = False
                if jump == 1:
                    wait, pause = pause, 2 * pause
                continue
            certified += 1
            b += jump * step
            run = high
            if grow:
                jump *= 2
            grow = True
            pause = 1
        previous = run
        b += step
        run = plain = _run_mes(d, b, skip, hint=plain)
        wait = max(0, wait - 1)
        if run.chosen != previous.chosen and certified > failed:
            wait, pause = 0, 1
        jump = max(jump, 2)
    if _spent(d, list(set(run.chosen) | set(run.free) | skip)) > budget:
        if previous is None:
            return run
        # `previous` may be a forced run: recompute the real one at that budget for the explanation.
        return _run_mes(d, b - step, skip)
    # A hinted run's explanation (the rounds projects were dropped in) is not a plain run's: recompute it.
    return run if previous is None else _run_mes(d, b, skip)


# add1 outcomes by (id of the election, satisfaction, tie-break), each dropped with its election: `add1` and
# `add1-greedy` of one election share the add1 run, the slow part (Budapest 2024: seconds).
_ADD1_RUNS: dict[tuple[int, str, TieBreak], _Run] = {}


def _add1_once(d: _Data, election: Election, tie_break: TieBreak) -> _Run:
    """`_add1`, computed once per election (elections are immutable), satisfaction and tie-break."""
    key = (id(election), d.sat_name, tie_break)
    if key not in _ADD1_RUNS:
        _ADD1_RUNS[key] = _add1(d, election)
        weakref.finalize(election, _ADD1_RUNS.pop, key, None)
    return _ADD1_RUNS[key]


def equal_shares(
    election: Election,
    *,
    tie_break: TieBreak = PABUTOOLS,
    sat: str = "cost",
    completion: str | None = None,
) -> Outcome:
    """MES with an optional completion; see the module docstring."""
    if sat not in SATS:
        raise ValueError(f"sat must be one of {', '.join(SATS)}, not {sat!r}")
    if completion is not None and completion not in COMPLETIONS:
        raise ValueError(f"unknown completion {completion!r}; completions: {', '.join(COMPLETIONS)}")
    d = _prepare(election, sat, tie_break)
    if completion == "add1-comparison":
        return _comparison(election, d, tie_break, sat)
    if d.num_voters == 0:
        run = _Run.start(d, Fraction(0))
    elif completion in ("add1", "add1-greedy"):
        run = _add1_once(d, election, tie_break)
    else:
        run = _run_mes(d, Fraction(election.int_budget, d.num_voters))
    greedy_sat = "cost" if d.sat_name == "Cost_Sat" else "cardinality"
    extra = []
    if completion in ("greedy", "add1-greedy"):
        extra = _greedy_completion(election, d, run, tie_break, greedy_sat)
    return _outcome(election, d, run, extra, tie_break, sat, completion)


def _greedy_completion(election: Election, d: _Data, run: _Run, tie_break: TieBreak, sat: str) -> list[int]:
    """pabutools' greedy_utilitarian_welfare from the MES outcome, if that is not exhaustive (all projects)."""
    bought = set(run.free) | set(run.chosen)
    if _exhaustive(d, bought, election.int_budget, range(len(d.costs))):
        return []
    totals = satisfaction_totals(election, sat)
    left = election.int_budget - _spent(d, list(bought))
    extra = []
    for p in _order(election, totals, sat == "cardinality", tie_break):
        if p not in bought and d.costs[p] <= left:
            extra.append(p)
            left -= d.costs[p]
    return extra


def _comparison(election: Election, d: _Data, tie_break: TieBreak, sat: str) -> Outcome:
    """Wieliczka 2023 (`equalshares/add1-comparison`), as equalshares.net describes and the official result
    confirms (docs/counting.md): add1 that ignores exhaustiveness (raise every voter's budget by 1 while the
    outcome stays within budget), then a comparison with the greedy count by votes: if more voters prefer the
    greedy outcome (more satisfaction, the MES measure) than prefer MES's, the greedy outcome is used.
    """
    run = _add1(d, election, until_over=True)
    mes = list(run.free) + list(run.chosen)
    greedy_sat = "cost" if d.sat_name == "Cost_Sat" else "cardinality"
    totals = satisfaction_totals(election, greedy_sat)
    left = election.int_budget
    plain: list[int] = []
    for p in _order(election, totals, greedy_sat == "cardinality", tie_break):
        if d.costs[p] <= left:
            plain.append(p)
            left -= d.costs[p]
    prefer_mes, prefer_greedy = _preferences(d, set(mes), set(plain))
    params = {"comparison": f"{prefer_mes} voters prefer MES, {prefer_greedy} the greedy outcome"}
    if prefer_greedy > prefer_mes:
        from pbcount.rules.greedy import greedy

        outcome = greedy(election, tie_break=tie_break, sat=greedy_sat)
        return Outcome(**{**outcome.__dict__, "params": {**outcome.params, **params, "completion": "add1-comparison"}})
    outcome = _outcome(election, d, run, [], tie_break, sat, "add1-comparison")
    return Outcome(**{**outcome.__dict__, "params": {**outcome.params, **params}})


def _preferences(d: _Data, first: set[int], second: set[int]) -> tuple[int, int]:
    """Voters (with multiplicity) whose satisfaction is higher under `first`, and under `second`."""
    sat_first = np.zeros(d.num_rows)
    sat_second = np.zeros(d.num_rows)
    for p in first - second:
        np.add.at(sat_first, d.rows[p], d.sat_f[p])
    for p in second - first:
        np.add.at(sat_second, d.rows[p], d.sat_f[p])
    w = np.zeros(d.num_rows)
    for p in range(len(d.costs)):
        w[d.rows[p]] = d.weights_f[p]
    return int(w[sat_first > sat_second].sum()), int(w[sat_second > sat_first].sum())


def _cents(x: float) -> Fraction:
    """An explanation amount rounded to 0.01 (decisions are exact; the amounts shown need not be)."""
    return Fraction(round(x * 100), 100)


def _outcome(
    election: Election,
    d: _Data,
    run: _Run,
    extra: list[int],
    tie_break: TieBreak,
    sat: str,
    completion: str | None,
) -> Outcome:
    votes = votes_per_project(election)
    scale = election.scale
    projects = election.projects
    results: dict[int, ProjectResult] = {}
    order = list(run.free) + list(run.chosen) + list(extra)
    rnd_of = {p: r + 1 for r, p in enumerate(run.chosen)}
    final = len(run.chosen) + 1

    def result(p: int, reason: Reason, **numbers: object) -> ProjectResult:
        pr = projects[p]
        score = Fraction(d.total_units[p])
        return ProjectResult(pr.id, pr.cost, votes[p], score, reason is Reason.SELECTED, reason, **numbers)  # type: ignore[arg-type]

    for p in run.free:
        results[p] = result(p, Reason.SELECTED, round=1, needed=projects[p].cost)
    for p in run.chosen:
        results[p] = result(p, Reason.SELECTED, round=rnd_of[p], needed=projects[p].cost)
    left = election.budget - sum((projects[p].cost for p in run.free + run.chosen), Fraction(0))
    extra_set = set(extra)
    for k, p in enumerate(extra):
        results[p] = result(
            p, Reason.SELECTED, round=final + k, available=left, needed=projects[p].cost, stage="completion"
        )
        left -= projects[p].cost
    for p in range(len(projects)):
        if p in results or p in extra_set:
            continue
        if d.total_sat[p] <= 0:
            results[p] = result(p, Reason.NO_SUPPORT)
            continue
        money = _cents(_dot(run.row_bud[d.rows[p]], d.weights_f[p]) / scale)
        cost = projects[p].cost
        results[p] = result(
            p,
            Reason.INSUFFICIENT_SUPPORT,
            round=run.dropped.get(p, final),
            available=money,
            needed=cost,
            effective_support=min(Fraction(1), money / cost) if cost else Fraction(1),
        )
    params = {"sat": d.sat_name, "tie_break": tie_break.describe()}
    if completion:
        params["completion"] = completion
    if run.b and d.num_voters:
        params["voter_budget"] = str(run.b / scale)
    return build_outcome(election, "mes", order, results, params)
