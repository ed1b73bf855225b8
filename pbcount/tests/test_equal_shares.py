"""Method of Equal Shares: hand-worked elections, explanations, and live agreement with pabutools (slow)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pbcount.election import Reason
from pbcount.rules import count
from pbcount.rules.equal_shares import equal_shares
from pbcount.tests.helpers import make_election
from pbcount.tests.test_rules import elections

# Budget 12, 4 voters: 3 each.
# a (6): voters 1, 2, 3 -> 9 available, each pays 2 (rho 1/3 with Cost_Sat).
# b (4): voter 4 alone has 3 -> never affordable.
# c (3): voters 1 and 4 -> after a, 1 has 1 and 4 has 3: voter 1 pays 1, voter 4 pays 2.
HAND = make_election({"a": 6, "b": 4, "c": 3}, [["a", "c"], ["a"], ["a"], ["b", "c"]], 12)


def test_mes_buys_what_supporters_can_pay_for():
    outcome = equal_shares(HAND)
    assert outcome.winners == ("a", "c")
    assert outcome.order == ("a", "c")
    assert outcome.spent == 9


def test_mes_explains_a_loser_with_its_supporters_money():
    b = equal_shares(HAND).projects[1]
    assert b.reason is Reason.INSUFFICIENT_SUPPORT
    # After c, voter 4 has 3 - 2 = 1 left of the 4 needed.
    assert (b.available, b.needed, b.effective_support, b.stage) == (Fraction(1), Fraction(4), Fraction(1, 4), "main")
    assert b.round is not None


def test_add1_raises_the_voters_budget_until_the_outcome_is_exhaustive():
    # Plain MES leaves 3 unspent and b (4) does not fit anyway; with 3 left nothing else fits: same outcome.
    assert equal_shares(HAND, completion="add1").winners == ("a", "c")
    # x (4) by 2 of 4 voters, y (4) by the other 2; budget 10: 2.5 each, x and y each have 5 -> both bought.
    # z (2) by voter 1: after x voter 1 has 0.5 -> plain MES stops; add1 gives voter 1 more money.
    e = make_election({"x": 4, "y": 4, "z": 2}, [["x", "z"], ["x"], ["y"], ["y"]], 10)
    assert equal_shares(e).winners == ("x", "y")
    assert equal_shares(e, completion="add1").winners == ("x", "y", "z")


def test_greedy_completion_fills_what_mes_leaves():
    e = make_election({"x": 4, "y": 4, "z": 2}, [["x", "z"], ["x"], ["y"], ["y"]], 10)
    outcome = equal_shares(e, completion="greedy")
    assert outcome.winners == ("x", "y", "z")
    assert outcome.projects[2].stage == "completion"


def test_ties_go_to_the_smaller_id_compared_as_strings():
    e = make_election({"9": 2, "10": 2}, [["9", "10"], ["9", "10"]], 2)
    assert equal_shares(e).winners == ("10",)


def test_cardinality_and_points_satisfactions():
    # 2.5 each. Cardinality: a (cost 4, 2 voters) rho 2, b (cost 1, 1 voter) rho 1 -> b, then a (2.5 + 1.5).
    e = make_election({"a": 4, "b": 1}, [["a"], ["a", "b"]], 5)
    assert count(e, "mes", sat="cardinality").order == ("b", "a")
    # Cost: a rho 4/8, b rho 1/1 -> a (2 each), then voter 2 has 0.5 of the 1 b needs.
    assert count(e, "mes").order == ("a",)
    pts = make_election({"p": 4, "q": 4}, [{"p": 3}, {"q": 1}, {"p": 1, "q": 1}], 8, "cumulative")
    assert equal_shares(pts).params["sat"] == "Additive_Cardinal_Sat"


def test_ordinal_last_rank_is_no_support():
    # Borda len - position - 1: the last-ranked project scores 0, so y has no supporter at all.
    e = make_election({"x": 2, "y": 2}, [["x", "y"], ["x", "y"]], 4, "ordinal")
    outcome = equal_shares(e)
    assert outcome.winners == ("x",)
    assert outcome.projects[1].reason is Reason.NO_SUPPORT


def test_unknown_completion_and_sat_are_refused():
    with pytest.raises(ValueError, match="unknown completion"):
        count(HAND, "mes", completion="add2")
    with pytest.raises(ValueError, match="sat must be"):
        equal_shares(HAND, sat="borda")


@settings(max_examples=150, deadline=None)
@given(elections(), st.sampled_from([None, "add1", "greedy", "add1-greedy"]))
def test_mes_outcomes_fit_the_budget_and_completions_are_exhaustive(e, completion):
    outcome = equal_shares(e, completion=completion)
    assert outcome.spent <= e.budget
    assert {r.id for r in outcome.projects if r.selected} == set(outcome.winners)
    if completion in ("greedy", "add1-greedy"):
        left = e.budget - outcome.spent
        assert all(p.cost > left for p in e.projects if p.id not in outcome.winners)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections(), st.sampled_from(["cost", "cardinality"]), st.sampled_from([None, "add1", "greedy", "add1-greedy"]))
def test_generated_elections_agree_with_pabutools_mes(e, sat: str, completion):
    pytest.importorskip("pabutools")
    from pbcount.tests.pabutools_bridge import pabutools_mes_winners

    assert set(equal_shares(e, sat=sat, completion=completion).winners) == pabutools_mes_winners(e, sat, completion)
