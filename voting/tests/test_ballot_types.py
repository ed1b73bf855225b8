"""Each ballot type's validation, the rule shared by the form and the services (voting/ballots.py)."""

import pytest
from django.utils import translation

from editions.models import BallotType
from voting.ballots import BallotInvalid, BallotProject, BallotSpec, validate

PROJECTS = (BallotProject(1, "Playground", 60), BallotProject(2, "Benches", 30), BallotProject(3, "Lights", 50))


def spec(ballot_type, *, budget=100, max_choices=None, points=None):
    return BallotSpec(None, None, ballot_type, budget, max_choices, points, PROJECTS)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def refused(s, choices) -> str:
    with pytest.raises(BallotInvalid) as error:
        validate(s, choices)
    return error.value.code


def test_knapsack_takes_what_fits_and_refuses_what_does_not():
    assert validate(spec(BallotType.KNAPSACK), {1: 1, 2: 1}) == {1: 1, 2: 1}
    assert validate(spec(BallotType.KNAPSACK, budget=90), {1: 1, 2: 1}) == {1: 1, 2: 1}  # exactly the budget
    assert refused(spec(BallotType.KNAPSACK), {1: 1, 3: 1}) == "over_budget"


def test_single_choice_takes_exactly_one():
    assert validate(spec(BallotType.SINGLE), {2: 1}) == {2: 1}
    assert refused(spec(BallotType.SINGLE), {1: 1, 2: 1}) == "one_only"
    assert refused(spec(BallotType.SINGLE), {}) == "empty"


def test_approval_takes_up_to_k():
    assert validate(spec(BallotType.APPROVAL, max_choices=2), {1: 1, 3: 1}) == {1: 1, 3: 1}
    assert refused(spec(BallotType.APPROVAL, max_choices=2), {1: 1, 2: 1, 3: 1}) == "too_many"
    assert validate(spec(BallotType.APPROVAL), {1: 1, 2: 1, 3: 1}) == {1: 1, 2: 1, 3: 1}  # no limit set


def test_cumulative_spreads_at_most_the_points():
    assert validate(spec(BallotType.CUMULATIVE, points=10), {1: 6, 2: 4, 3: 0}) == {1: 6, 2: 4}
    assert refused(spec(BallotType.CUMULATIVE, points=10), {1: 6, 2: 5}) == "too_many_points"


def test_ranked_orders_up_to_k_and_closes_gaps():
    assert validate(spec(BallotType.RANKED, max_choices=3), {3: 1, 1: 4, 2: 2}) == {3: 1, 2: 2, 1: 3}
    assert refused(spec(BallotType.RANKED, max_choices=3), {1: 1, 2: 1}) == "duplicate_rank"
    assert refused(spec(BallotType.RANKED, max_choices=2), {1: 1, 2: 2, 3: 3}) == "too_many"


def test_every_type_refuses_a_project_not_on_the_ballot():
    for kind in BallotType.values:
        assert refused(spec(kind, points=10), {99: 1}) == "not_on_ballot"


def test_the_refusals_are_translated():
    with translation.override("ru"), pytest.raises(BallotInvalid) as error:
        validate(spec(BallotType.KNAPSACK), {1: 1, 3: 1})
    assert "бюджет" in error.value.message


def test_the_form_reads_check_boxes_as_django_does_and_keeps_what_was_ticked():
    from voting.forms import BallotForm, hidden_data, initial_from

    s = spec(BallotType.APPROVAL)
    form = BallotForm({"p1": "on", "p2": "false", "p3": "0", "p99": "on"}, spec=s)
    assert form.is_valid() and form.cleaned_data["choices"] == {1: 1}  # p99 is not on this ballot: not read
    assert [(project.id, tick.value()) for project, tick in form.rows()] == [(1, True), (2, False), (3, False)]
    assert [tick.html_name for _, tick in form.rows()] == ["p1", "p2", "p3"]
    assert BallotForm(dict(hidden_data(s, {1: 1, 3: 1})), spec=s).is_valid()  # the review step's hidden inputs
    unbound = BallotForm(initial=initial_from(s, {2: 1}), spec=s)  # a voter changing their ballot starts from it
    assert [tick.value() for _, tick in unbound.rows()] == [False, True, False] and unbound.chosen_cost() == 30


def test_the_form_keeps_an_over_budget_ballot_ticked_and_says_why():
    from voting.forms import BallotForm

    form = BallotForm({"p1": "on", "p3": "on"}, spec=spec(BallotType.KNAPSACK))
    assert not form.is_valid() and form.chosen_cost() == 110
    assert form.non_field_errors() and [tick.value() for _, tick in form.rows()] == [True, False, True]
