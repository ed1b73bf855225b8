"""One counted ballot per person under concurrent submissions, enforced by PostgreSQL's unique constraints."""

import threading
from collections import Counter

import pytest
from django.db import connection

from voting import selectors, services
from voting.models import Ballot, Participation

from .helpers import make_projects, make_voter, make_voting_edition

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
N = 50


def _race(calls) -> list:
    """Run the calls in threads released together; each thread has its own database connection."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            outcomes[i] = call()
        except services.VotingRefused as refused:
            outcomes[i] = refused.code
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def setup():
    edition = make_voting_edition(budget=100)
    projects = make_projects(edition, [("Playground", 60), ("Benches", 30), ("Lights", 50)])
    return edition, projects


def test_fifty_first_ballots_of_one_voter_store_one(setup):
    edition, projects = setup
    voter = make_voter()
    calls = [
        lambda i=i: services.cast_ballot(user=voter, edition=edition, choices={projects[i % 3].pk: 1}) for i in range(N)
    ]
    outcomes = _race(calls)
    kinds = Counter(type(o).__name__ if not isinstance(o, str) else o for o in outcomes)
    assert kinds == {"Cast": 1, "already_voted": N - 1}
    assert Ballot.objects.count() == 1 and Participation.objects.count() == 1
    assert sum(len(b) for b in selectors.counted_ballots(edition)[None]) == 1


def test_fifty_submissions_of_one_voter_leave_one_counted_ballot(setup):
    edition, projects = setup
    voter = make_voter()
    services.cast_ballot(user=voter, edition=edition, choices={projects[0].pk: 1})
    calls = [
        lambda i=i: services.submit_ballot(user=voter, edition=edition, choices={projects[1 + i % 2].pk: 1})
        for i in range(N)
    ]
    outcomes = _race(calls)
    assert all(not isinstance(o, Exception) for o in outcomes), outcomes
    assert Ballot.objects.counted().count() == 1
    assert len(selectors.counted_ballots(edition)[None]) == 1
    participation = Participation.objects.get()
    assert participation.ballot == Ballot.objects.counted().get()
    # Every stored ballot but the counted one was replaced by exactly one later ballot: an unbroken chain.
    replaced = Ballot.objects.exclude(superseded_at=None)
    assert replaced.count() == Ballot.objects.count() - 1
    assert replaced.filter(replaced_by=None).count() == 0


def test_fifty_voters_at_once_store_fifty_ballots(setup):
    edition, projects = setup
    voters = [make_voter() for _ in range(N)]
    calls = [
        lambda v=v: services.cast_ballot(user=v, edition=edition, choices={projects[1].pk: 1, projects[2].pk: 1})
        for v in voters
    ]
    outcomes = _race(calls)
    assert all(type(o).__name__ == "Cast" for o in outcomes), outcomes
    assert Ballot.objects.counted().count() == N and Participation.objects.count() == N
    assert len(selectors.counted_ballots(edition)[None]) == N


def test_fifty_first_submissions_of_one_voter_through_the_one_statement_path(setup):
    edition, projects = setup
    voter = make_voter()
    calls = [
        lambda i=i: services.submit_ballot(user=voter, edition=edition, choices={projects[i % 3].pk: 1})
        for i in range(N)
    ]
    outcomes = _race(calls)
    assert all(type(o).__name__ == "Cast" for o in outcomes), outcomes
    assert Participation.objects.count() == 1 and Ballot.objects.counted().count() == 1
    assert Participation.objects.get().ballot == Ballot.objects.counted().get()
    # No ballot without its choices and none outside the replaced_by chain.
    assert not Ballot.objects.filter(choices__isnull=True).exists()
    assert Ballot.objects.exclude(superseded_at=None).filter(replaced_by=None).count() == 0


def test_fifty_voters_submitting_at_once_store_fifty_ballots(setup):
    edition, projects = setup
    voters = [make_voter() for _ in range(N)]
    calls = [lambda v=v: services.submit_ballot(user=v, edition=edition, choices={projects[0].pk: 1}) for v in voters]
    outcomes = _race(calls)
    assert all(type(o).__name__ == "Cast" for o in outcomes), outcomes
    assert Ballot.objects.count() == N and Participation.objects.count() == N
    assert selectors.counted_ballots(edition) == {None: [[(str(projects[0].pk), 1)]] * N}


@pytest.mark.parametrize("south_budget", [100, None], ids=["two district ballots", "a district's and the shared"])
def test_one_person_racing_in_two_districts_of_a_split_budget_keeps_one_counted_ballot(south_budget):
    """Their profile's district changed between two requests: the database still keeps one counted ballot."""
    from accounts.models import User
    from editions.models import District, EditionDistrict

    edition = make_voting_edition(budget=200)
    districts = [
        District.objects.create(city=edition.city, name_kk=name, name_ru=name, name_en=name) for name in ("N", "S")
    ]
    projects = []
    for district, budget in zip(districts, (100, south_budget), strict=True):
        EditionDistrict.objects.create(edition=edition, district=district, budget=budget)
        projects += make_projects(edition, [(f"Park {district.name_en}", 50)], district=district)
    voter = make_voter(district=districts[0])

    def vote_in(i):
        person = User.objects.get(pk=voter.pk)
        person.district = districts[i % 2]
        return services.submit_ballot(user=person, edition=edition, choices={projects[i % 2].pk: 1})

    outcomes = _race([lambda i=i: vote_in(i) for i in range(N)])
    assert all(type(o).__name__ == "Cast" or o == services.OTHER_DISTRICT for o in outcomes), outcomes
    assert Ballot.objects.counted().count() == 1
    assert Participation.objects.exclude(ballot=None).count() == 1
    assert sum(len(ballots) for ballots in selectors.counted_ballots(edition).values()) == 1
