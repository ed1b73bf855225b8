"""Races that only mean something on PostgreSQL: supports counted once, merges locked in a fixed order."""

import threading

import pytest
from django.db import connection

from editions.models import Phase
from proposals import services

from .factories import cast, make_edition, make_proposal

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_together(*actions) -> list:
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(i, action):
        try:
            barrier.wait()
            results[i] = action()
        except Exception as error:  # noqa: BLE001 - reported to the test below
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_two_supports_by_the_same_resident_at_once_count_once():
    edition = make_edition(phase=Phase.PROPOSALS)
    people = cast(edition)
    proposal = make_proposal(edition)
    results = _run_together(
        lambda: services.support(proposal=proposal, user=people["resident"]),
        lambda: services.support(proposal=proposal, user=people["resident"]),
    )
    proposal.refresh_from_db()
    assert sorted(results) == [False, True]
    assert proposal.supports_count == proposal.supports.count() == 1


def test_supports_by_many_residents_at_once_are_all_counted():
    edition = make_edition(phase=Phase.PROPOSALS)
    people = cast(edition)
    proposal = make_proposal(edition)
    results = _run_together(
        lambda: services.support(proposal=proposal, user=people["resident"]),
        lambda: services.support(proposal=proposal, user=people["neighbour"]),
        lambda: services.support(proposal=proposal, user=people["coordinator"]),
    )
    proposal.refresh_from_db()
    assert results == [True, True, True]
    assert proposal.supports_count == 3
