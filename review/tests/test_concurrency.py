"""Two experts finishing at the same moment make exactly one council decision (row lock on the proposal)."""

import threading

import pytest
from django.db import close_old_connections

from editions.models import Phase
from review import services
from review.models import CouncilDecision

from .factories import assessment_data, cast, make_edition, make_proposal

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_last_assessments_take_one_decision():
    edition = make_edition(phase=Phase.REVIEW)
    people = cast(edition.city)
    proposals = [make_proposal(edition) for _ in range(5)]
    for proposal in proposals:
        services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["anna"], people["bolat"]])
    errors: list[Exception] = []
    barrier = threading.Barrier(2)

    def assess(expert, cost):
        try:
            for proposal in proposals:
                barrier.wait()
                services.submit_assessment(proposal=proposal, actor=expert, **assessment_data(cost=cost))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=assess, args=(people["anna"], 1_000_000)),
        threading.Thread(target=assess, args=(people["bolat"], 1_000_001)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert CouncilDecision.objects.count() == 5
    assert set(CouncilDecision.objects.values_list("ballot_cost", flat=True)) == {1_000_001}
