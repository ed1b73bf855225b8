"""Method of Equal Shares: hand-worked elections, explanations, and live agreement with pabutools (slow)."""

from __future__ import annotations

import gc
from fractions import Fraction
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pbcount import pabulib
from pbcount.election import Ballot, Election, Reason
from pbcount.rules import count
from pbcount.rules import equal_shares as equal_shares_module
from pbcount.rules.equal_shares import _prepare, _run_mes, equal_shares
from pbcount.tests.conftest import FIXTURES
from pbcount.tests.helpers import make_election
from pbcount.tests.test_rules import elections
from pbcount.tiebreak import PABUTOOLS

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


def test_a_project_its_supporters_can_just_afford_gets_its_exact_price():
    # Budget 2, 6 voters: 1/3 each. Borda satisfactions: "b" has v4 1, v5 2, v6 2 and exactly 1 of money, so
    # everyone pays all: price 1/3 (v4's budget / satisfaction). "1" costs 1 at price 2/9 and wins the round
    # (found by hypothesis against pabutools: the float fallback once priced "b" at 1/6).
    e = make_election(
        {"1": 1, "2": 0, "9": 0, "10": 0, "a": 0, "b": 1},
        [[], [], ["1", "2"], ["1", "2", "b", "9"], ["b", "1", "2"], ["2", "9", "b", "1", "10"]],
        2,
        "ordinal",
    )
    assert equal_shares(e).order == ("2", "9", "1")


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


def _satisfactions(e: Election, sat: str) -> list[list[int]]:
    """Each voter's satisfaction with each project, as pabutools' satisfaction classes define it."""

    def satisfaction(ballot: Ballot, p: int) -> int:
        value = dict(ballot).get(p)
        if value is None:
            return 0
        if e.vote_type == "ordinal":
            return len(ballot) - value - 1
        if e.vote_type == "approval":
            return int(e.projects[p].cost * e.scale) if sat == "cost" else 1
        return value

    return [[satisfaction(v.ballot, p) for p in range(len(e.projects))] for v in e.voters]


def _reference_mes(e: Election, per_voter: Fraction, sat: str) -> set[int]:
    """Plain exact MES, voter by voter in Fractions, as pabutools computes it (ids compared as strings)."""
    costs = [p.cost for p in e.projects]
    sats = _satisfactions(e, sat)
    budgets = [per_voter] * len(e.voters)
    left = {p for p in range(len(costs)) if sum(s[p] for s in sats) > 0}
    chosen = {p for p in left if costs[p] == 0}
    left -= chosen
    while True:
        best: tuple[Fraction, str, int] | None = None
        for p in left:
            fans = sorted((i for i in range(len(sats)) if sats[i][p]), key=lambda i: budgets[i] / sats[i][p])
            if sum(budgets[i] for i in fans) < costs[p]:
                continue
            paid, denominator = Fraction(0), sum(sats[i][p] for i in fans)
            for i in fans:
                rho = (costs[p] - paid) / denominator
                if rho * sats[i][p] <= budgets[i]:
                    break
                paid += budgets[i]
                denominator -= sats[i][p]
            if best is None or (rho, e.projects[p].id) < best[:2]:
                best = (rho, e.projects[p].id, p)
        if best is None:
            return chosen
        rho, _, p = best
        for i in range(len(sats)):
            budgets[i] -= min(budgets[i], rho * sats[i][p])
        chosen.add(p)
        left.remove(p)


def _reference_add1(e: Election, sat: str) -> set[str]:
    """pabutools' voter_budget_increment=1, one currency unit at a time, with the reference MES."""
    sats = _satisfactions(e, sat)
    supported = [p for p in range(len(e.projects)) if any(s[p] for s in sats)]
    per_voter = e.budget / len(e.voters)
    previous: set[int] | None = None
    while True:
        chosen = _reference_mes(e, per_voter, sat)
        spent = sum(e.projects[p].cost for p in chosen)
        if spent > e.budget:
            chosen = previous if previous is not None else chosen
            return {e.projects[p].id for p in chosen}
        if all(p in chosen or e.projects[p].cost > e.budget - spent for p in supported):
            return {e.projects[p].id for p in chosen}
        previous = chosen
        per_voter += 1


@st.composite
def costly_elections(draw: st.DrawFn):
    """Budgets far below the costs, so add1 takes hundreds of one-unit steps (the skipped stretches);
    equal costs and identical ballots give exact ties."""
    vote_type = draw(st.sampled_from(["approval", "cumulative", "ordinal"]))
    ids = draw(st.lists(st.sampled_from(["1", "2", "9", "10", "a", "b"]), min_size=2, max_size=5, unique=True))
    costs = {pid: draw(st.sampled_from([120, 300, 300, 450, 999, 1800, "250.5"])) for pid in ids}
    budget = draw(st.integers(300, 2000))
    ballots: list = []
    for _ in range(draw(st.integers(2, 10))):
        chosen = draw(st.lists(st.sampled_from(ids), unique=True, min_size=1, max_size=len(ids)))
        ballots.append({pid: draw(st.integers(1, 3)) for pid in chosen} if vote_type == "cumulative" else chosen)
    return make_election(costs, ballots, budget, vote_type)


def test_add1_does_not_skip_past_a_project_whose_supporters_have_exactly_its_cost():
    """Found by the property test below: at 600 per voter, project 9's three supporters have exactly its 1800
    and buy it before project 2 (a lower price), which overspends; at 599 they cannot. A certificate that
    took "money enough at project 2's price" for a tie skipped past 600 and returned the overspent outcome."""
    e = make_election({"1": 999, "2": 300, "9": 1800}, [["2"], ["9"], ["9"], ["1", "2", "9"]], 2000)
    assert _reference_add1(e, "cost") == {"2"}
    assert equal_shares(e, sat="cost", completion="add1").winners == ("2",)


@settings(max_examples=60, deadline=None)
@given(costly_elections(), st.sampled_from(["cost", "cardinality"]))
def test_add1_skipping_gives_the_step_by_step_outcome(e, sat: str):
    assert set(equal_shares(e, sat=sat, completion="add1").winners) == _reference_add1(e, sat)


@settings(max_examples=150, deadline=None)
@given(
    costly_elections(),
    st.sampled_from(["cost", "cardinality"]),
    st.lists(st.integers(1, 60), min_size=1, max_size=8),
)
def test_a_hinted_run_picks_what_a_plain_run_picks(e, sat: str, rises: list[int]):
    # add1 hands each run the previous one as a hint (price floors and unaffordable projects); chained over
    # several rises, the hinted runs must pick exactly what plain runs pick, and they must price fewer.
    d = _prepare(e, sat, PABUTOOLS)
    b = Fraction(e.int_budget, d.num_voters)
    hint = _run_mes(d, b)
    for rise in rises:
        b += rise * e.scale
        with patch.object(equal_shares_module, "_price_f", wraps=equal_shares_module._price_f) as plain_prices:
            plain = _run_mes(d, b)
        with patch.object(equal_shares_module, "_price_f", wraps=equal_shares_module._price_f) as hinted_prices:
            hint = _run_mes(d, b, hint=hint)
        assert hint.chosen == plain.chosen
        assert hint.rho_f == plain.rho_f
        assert hinted_prices.call_count <= plain_prices.call_count


def test_hints_skip_most_pricing_on_a_real_election():
    # Czestochowa 2020 Grabowka: add1 steps of 1 PLN; the hint settles many projects without pricing them.
    e = pabulib.read(FIXTURES / "Poland_Czestochowa_2020_Grabowka.pb")
    d = _prepare(e, "cost", PABUTOOLS)
    b = Fraction(e.int_budget, d.num_voters)
    hint = _run_mes(d, b)
    plain_calls = hinted_calls = 0
    for step in range(1, 30):
        with patch.object(equal_shares_module, "_price_f", wraps=equal_shares_module._price_f) as prices:
            plain = _run_mes(d, b + step)
        plain_calls += prices.call_count
        with patch.object(equal_shares_module, "_price_f", wraps=equal_shares_module._price_f) as prices:
            hint = _run_mes(d, b + step, hint=hint)
        hinted_calls += prices.call_count
        assert hint.chosen == plain.chosen
    assert hinted_calls < plain_calls * 0.6


def test_add1_greedy_reuses_the_add1_run_of_the_same_election():
    e = make_election({"x": 4, "y": 4, "z": 2, "w": 3}, [["x", "z"], ["x"], ["y"], ["y", "w"]], 11)
    with patch.object(equal_shares_module, "_add1", wraps=equal_shares_module._add1) as add1:
        plain = equal_shares(e, completion="add1")
        completed = equal_shares(e, completion="add1-greedy")
        equal_shares(e, completion="add1", sat="cardinality")
    assert add1.call_count == 2  # once per satisfaction
    assert set(plain.winners) <= set(completed.winners)
    assert plain.params["voter_budget"] == completed.params["voter_budget"]
    runs = len(equal_shares_module._ADD1_RUNS)
    del e, add1  # the mock keeps its calls' arguments
    gc.collect()
    assert len(equal_shares_module._ADD1_RUNS) == runs - 2
