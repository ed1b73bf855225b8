"""The budget a proposal is voted on, by district: the one rule the review and the ballot share."""

import pytest

from editions.models import voting_budget


@pytest.mark.parametrize(
    ("own_budgets", "district_id", "expected"),
    [
        ({}, None, 100),  # one budget
        ({}, 1, 100),
        ({1: None, 2: None}, 1, 100),  # districts, none with a budget of its own: still one budget
        ({1: 30, 2: None}, 1, 30),  # the district's own budget
        ({1: 30, 2: None}, 2, 70),  # the shared budget: what the own budgets leave
        ({1: 30, 2: None}, None, 70),  # a proposal of no district
        ({1: 30, 3: 50}, 2, 20),
        ({1: 60, 3: 50}, 2, 0),  # nothing left to share
    ],
)
def test_voting_budget(own_budgets, district_id, expected):
    assert voting_budget(100, own_budgets, district_id) == expected
