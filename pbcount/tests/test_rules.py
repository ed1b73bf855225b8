"""Tiny elections with answers worked out by hand, and properties every outcome must have."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pbcount.election import Reason
from pbcount.rules import count
from pbcount.rules.greedy import greedy
from pbcount.rules.max_welfare import max_welfare, welfare_values
from pbcount.tests.helpers import make_election
from pbcount.tiebreak import TieBreak, lottery_key

# a: 3 votes, b: 2 votes, c: 2 votes, d: 1 vote. Budget 10.
SMALL = make_election(
    {"a": 6, "b": 5, "c": 3, "d": 1},
    [["a", "b"], ["a", "c"], ["a"], ["b", "c", "d"]],
    10,
)


@pytest.mark.parametrize(
    ("rule", "params", "winners"),
    [
        # By votes: a (6), then b does not fit (4 left), c (3) fits, d (1) fits.
        ("greedy", {}, ("a", "c", "d")),
        # Stop at b, the first that does not fit.
        ("greedy-no-skip", {}, ("a",)),
        # Threshold 2 excludes d.
        ("greedy-threshold", {"threshold": 2}, ("a", "c")),
        # Per cost: d 1/1, c 2/3, a 3/6, b 2/5 -> d, c, a (total 10), b does not fit.
        ("greedy-per-cost", {}, ("a", "c", "d")),
        # Welfare (votes x cost): {a,c,d} = 18+6+1 = 25; {b,c,d}... = 10+6+1 = 17; {a,c,d} is best.
        ("max-welfare", {}, ("a", "c", "d")),
        # Phragmén: d (load 1); a and c tie at 2, "a" < "c"; then c (3) before b (4); b no longer fits.
        ("phragmen", {}, ("a", "c", "d")),
    ],
)
def test_small_election_known_answers(rule: str, params: dict, winners: tuple[str, ...]):
    outcome = count(SMALL, rule, **params)
    assert outcome.winners == winners
    assert outcome.spent == sum(SMALL.projects[SMALL.index[w]].cost for w in winners)


def test_greedy_explains_each_project():
    outcome = greedy(SMALL)
    by_id = {r.id: r for r in outcome.projects}
    assert by_id["a"].reason is Reason.SELECTED and by_id["a"].round == 1 and by_id["a"].votes == 3
    b = by_id["b"]
    assert (b.reason, b.round, b.available, b.needed) == (Reason.DID_NOT_FIT, 2, Fraction(4), Fraction(5))
    assert outcome.order == ("a", "c", "d")
    assert outcome.voters_with_winner == 4
    below = greedy(SMALL, threshold=2).projects[3]
    assert (below.reason, below.threshold, below.round) == (Reason.BELOW_THRESHOLD, Fraction(2), None)
    not_reached = count(SMALL, "greedy-no-skip").projects[2]
    assert not_reached.reason is Reason.NOT_REACHED


def test_cumulative_greedy_ranks_by_points():
    e = make_election({"x": 5, "y": 5}, [{"x": 1, "y": 2}, {"x": 2}, {"y": 3}], 5, "cumulative")
    assert greedy(e).winners == ("y",)  # y 5 points, x 3
    assert greedy(e).projects[1].score == 5


def test_ordinal_greedy_uses_max_length_minus_position():
    # max_length 2: first place 2 points, second 1. x: 2+1+1, y: 1+2+2, z: 2.
    e = make_election(
        {"x": 5, "y": 5, "z": 5}, [["x", "y"], ["y", "x"], ["y"], ["z", "x"]], 5, "ordinal", {"max_length": "2"}
    )
    outcome = greedy(e)
    assert [r.score for r in outcome.projects] == [4, 5, 2]
    assert outcome.winners == ("y",)
    # Borda for per-cost: len - position - 1; a single-project ballot scores 0.
    assert [r.score for r in count(e, "greedy-per-cost").projects] == [1, 1, 1]


def test_decimal_costs_are_exact():
    e = make_election({"p": "0.1", "q": "0.2", "r": "0.7"}, [["p", "q", "r"]], "1.0")
    assert greedy(e).winners == ("p", "q", "r")
    assert greedy(e).spent == 1


def test_pabutools_tie_break_compares_ids_as_strings():
    e = make_election({"9": 1, "10": 1}, [["9", "10"]], 1)
    assert greedy(e).winners == ("10",)  # "10" < "9"


def test_published_tie_break_prefers_lower_cost_then_more_votes_then_the_lottery():
    e = make_election({"p": 2, "q": 1, "r": 1, "s": 1}, [["p", "q", "r", "s"], ["r"]], 5)
    ranks = TieBreak("published", "seed-2026").ranks(e)
    assert ranks[2] == 0  # r: cheapest with the most votes
    assert ranks[0] == 3  # p: most expensive
    q_first = lottery_key("seed-2026", "q") < lottery_key("seed-2026", "s")
    assert (ranks[1] < ranks[3]) == q_first


def test_published_tie_break_is_deterministic_for_a_seed():
    e = make_election({str(i): 1 for i in range(20)}, [[str(i) for i in range(20)]], 5)
    first = count(e, "greedy", tie_break="published", seed="abc")
    assert first == count(e, "greedy", tie_break="published", seed="abc")
    assert count(e, "greedy", tie_break="published", seed="xyz").winners != first.winners


def test_count_refuses_parameters_a_rule_does_not_take():
    with pytest.raises(ValueError, match="does not take completion"):
        count(SMALL, "greedy", completion="add1")
    with pytest.raises(ValueError, match="unknown rule"):
        count(SMALL, "borda")
    with pytest.raises(ValueError, match="needs a seed"):
        count(SMALL, "greedy", tie_break="published")
    with pytest.raises(ValueError, match="needs a threshold"):
        count(SMALL, "greedy-threshold")


def test_category_budgets_cap_spending_and_leftover_funds_by_score():
    e = make_election({"a": 5, "b": 4, "c": 3}, [["a", "b", "c"], ["a", "b"], ["a"]], 12)
    for p, cat in zip(e.projects, ("x", "x", "y"), strict=True):
        p.extra["category"] = cat  # type: ignore[index]
    caps = ("category", {"x": Fraction(6), "y": Fraction(6)})
    capped = greedy(e, caps=caps)
    assert capped.winners == ("a", "c")
    b = capped.projects[1]
    assert (b.reason, b.available, b.needed) == (Reason.GROUP_FULL, Fraction(1), Fraction(4))
    assert greedy(e, caps=caps, leftover=True).winners == ("a", "b", "c")
    assert greedy(e, caps=caps, leftover=True).projects[1].stage == "completion"


def test_city_rule_reads_amsterdam_category_budgets():
    meta = {"rule": "greedy", "categories": "x,y", "budget_per_category": "6,6", "leftover_budget": "by score"}
    e = make_election({"a": 5, "b": 4}, [["a", "b"], ["a"]], 12, meta=meta)
    for p in e.projects:
        p.extra["category"] = "x"  # type: ignore[index]
    outcome = count(e, "city")
    assert outcome.winners == ("a", "b") and outcome.projects[1].stage == "completion"


def test_city_rule_follows_meta():
    e = make_election({"a": 6, "b": 5}, [["a"], ["a"], ["b"]], 10, meta={"rule": "greedy-no-skip"})
    assert count(e, "city").params["skip"] == "false"


# Properties over generated elections.
VOTE_TYPES = ("approval", "cumulative", "ordinal")


@st.composite
def elections(draw: st.DrawFn, vote_type: str | None = None):
    vote_type = vote_type or draw(st.sampled_from(VOTE_TYPES))
    n = draw(st.integers(1, 7))
    ids = draw(
        st.lists(st.sampled_from(["1", "2", "9", "10", "a", "b", "c", "11"]), min_size=n, max_size=n, unique=True)
    )
    costs = {pid: draw(st.sampled_from([0, 1, 2, 3, 5, 8, "2.5"])) for pid in ids}
    budget = draw(st.integers(0, 20))
    ballots: list = []
    for _ in range(draw(st.integers(1, 8))):
        # pabutools cannot read an empty cumulative ballot, so those always name a project.
        chosen = draw(
            st.lists(st.sampled_from(ids), unique=True, min_size=vote_type == "cumulative", max_size=len(ids))
        )
        if vote_type == "cumulative":
            ballots.append({pid: draw(st.integers(1, 4)) for pid in chosen})
        else:
            ballots.append(chosen)
    return make_election(costs, ballots, budget, vote_type)


RULE_NAMES = ["greedy", "greedy-no-skip", "greedy-per-cost", "max-welfare", "phragmen"]


@settings(max_examples=150, deadline=None)
@given(elections(), st.sampled_from(RULE_NAMES), st.sampled_from(["pabutools", "published"]))
def test_no_outcome_exceeds_the_budget(e, rule: str, tie_break: str):
    if rule == "phragmen" and e.vote_type != "approval":
        return
    outcome = count(e, rule, tie_break=tie_break, seed="s")
    assert outcome.spent <= e.budget
    assert len(outcome.projects) == len(e.projects)
    assert {r.id for r in outcome.projects if r.selected} == set(outcome.winners)
    assert list(outcome.winners) == [p.id for p in e.projects if p.id in outcome.winners]


@settings(max_examples=150, deadline=None)
@given(elections(), st.sampled_from(["cost", "cardinality"]))
def test_greedy_with_skipping_is_exhaustive(e, sat: str):
    outcome = greedy(e, sat=sat)
    left = e.budget - outcome.spent
    assert all(p.cost > left for p in e.projects if p.id not in outcome.winners)


@settings(max_examples=100, deadline=None)
@given(elections())
def test_max_welfare_beats_every_other_feasible_set(e):
    values = welfare_values(e)
    best = sum(values[e.index[w]] for w in max_welfare(e).winners)
    n = len(e.projects)
    costs = [p.cost for p in e.projects]
    for mask in range(1 << n):
        chosen = [i for i in range(n) if mask >> i & 1]
        if sum((costs[i] for i in chosen), Fraction(0)) <= e.budget:
            assert sum(values[i] for i in chosen) <= best
