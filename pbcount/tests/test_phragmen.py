"""Phragmén decides on floats when the best load is alone: elections built so that loads differ by less than
float precision must still come out as exact arithmetic (and pabutools) has them."""

from __future__ import annotations

import sys
from fractions import Fraction
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pbcount.election import Election
from pbcount.rules.phragmen import phragmen
from pbcount.tests.helpers import make_election
from pbcount.tiebreak import PABUTOOLS

phragmen_module = sys.modules[phragmen.__module__]  # `pbcount.rules.phragmen` is also the function's name


@st.composite
def near_tie_elections(draw: st.DrawFn) -> Election:
    """Costs of one huge scale, a few units apart: loads equal or within 1e-9 relative of each other."""
    ids = draw(st.lists(st.sampled_from(["1", "2", "9", "10", "a", "b"]), min_size=2, max_size=6, unique=True))
    scale = 10 ** draw(st.integers(12, 18))
    costs = {pid: scale * draw(st.integers(1, 3)) + draw(st.integers(-2, 2)) for pid in ids}
    ballots = [
        draw(st.lists(st.sampled_from(ids), unique=True, min_size=1, max_size=len(ids)))
        for _ in range(draw(st.integers(1, 30)))
    ]
    budget = sum(draw(st.lists(st.sampled_from(list(costs.values())), max_size=len(ids)))) + draw(st.integers(0, 3))
    return make_election(costs, ballots, budget)


def reference_order(e: Election) -> tuple[str, ...]:
    """Sequential Phragmén written plainly: one exact load per voter, every round from scratch."""
    ranks = PABUTOOLS.ranks(e)
    ballots = [{i for i, _ in v.ballot} for v in e.voters]
    loads = [Fraction(0)] * len(ballots)
    left = [i for i, p in enumerate(e.projects) if p.cost <= e.budget]
    order: list[int] = []
    spent = Fraction(0)
    while left:
        new_load = {}
        for i in left:
            supporters = [v for v, b in enumerate(ballots) if i in b]
            if supporters:
                new_load[i] = (sum(loads[v] for v in supporters) + e.projects[i].cost) / len(supporters)
        best = min(new_load.values()) if new_load else None
        tied = [i for i in left if new_load.get(i) == best]
        if any(spent + e.projects[i].cost > e.budget for i in tied):
            break
        pick = min(tied, key=ranks.__getitem__)
        order.append(pick)
        spent += e.projects[pick].cost
        left.remove(pick)
        for v, b in enumerate(ballots):
            if pick in b:
                loads[v] = best
    return tuple(e.projects[i].id for i in order)


# Found by a random search: on floats alone (no slack) the fourth pick is "b"; exactly, it is "9".
FLOATS_MISORDER = make_election(
    {"9": 1999999999999999998, "b": 3 * 10**18, "1": 999999999999999999, "2": 10**18 + 1, "10": 1999999999999999999},
    [["10", "b", "9", "1"], ["1", "10", "b"], ["10", "b", "9"], ["1", "2"]],
    8999999999999999993,
)


@settings(max_examples=300, deadline=None)
@given(near_tie_elections(), st.booleans())
@example(FLOATS_MISORDER, True)
@example(FLOATS_MISORDER, False)
def test_near_ties_are_decided_exactly(e: Election, dense: bool):
    # Both ways `_Ballots.per_project` sums: the dense product (small profiles) and the entries (big ones).
    with patch.object(phragmen_module, "_SMALL", 2**17 if dense else 0):
        assert phragmen(e).order == reference_order(e)


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(near_tie_elections())
def test_near_ties_agree_with_pabutools(e: Election):
    pytest.importorskip("pabutools")
    from pbcount.tests.pabutools_bridge import pabutools_winners

    assert set(phragmen(e).winners) == pabutools_winners(e, "phragmen")
