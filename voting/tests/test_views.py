from datetime import date, timedelta

import psycopg
import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.testing import make_user, sign_in
from editions.models import Edition
from voting import selectors
from voting.models import Ballot, Participation

from .helpers import make_projects, make_voter, make_voting_edition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def edition():
    return make_voting_edition(budget=100)


@pytest.fixture
def projects(edition):
    return make_projects(edition, [("Playground", 60), ("Benches", 30), ("Lights", 50)])


@pytest.fixture
def voter(client):
    user = make_voter()
    sign_in(client, user)
    return user


def _url(name, edition):
    return reverse(f"voting:{name}", kwargs={"edition_id": edition.pk})


def test_the_ballot_shows_projects_and_the_whole_budget(client, voter, edition, projects):
    page = client.get(_url("ballot", edition)).content.decode()
    assert "Playground" in page and "Benches" in page
    assert 'id="budget-amount">100<' in page


def test_recalculate_shows_what_remains_without_javascript(client, voter, edition, projects):
    playground, benches, lights = projects
    response = client.post(_url("ballot", edition), {f"p{benches.pk}": "on", "action": "recalculate"})
    assert 'id="budget-amount">70<' in response.content.decode()
    over = client.post(
        _url("ballot", edition), {f"p{playground.pk}": "on", f"p{lights.pk}": "on", "action": "recalculate"}
    )
    page = over.content.decode()
    assert 'id="budget-amount">10<' in page and "Over budget by" in page
    assert "10 ₸ over the budget" in page


def test_review_then_confirm_stores_the_ballot_and_shows_the_receipt_once(client, voter, edition, projects):
    benches = projects[1]
    review = client.post(_url("ballot", edition), {f"p{benches.pk}": "on", "action": "review"})
    assert "Confirm my ballot" in review.content.decode()
    assert not Ballot.objects.exists()
    confirmed = client.post(_url("confirm", edition), {f"p{benches.pk}": "on"})
    assert confirmed.status_code == 302 and confirmed.url == _url("done", edition)
    done = client.get(confirmed.url).content.decode()
    code = done.split('id="receipt-code">')[1].split("<")[0]
    assert selectors.receipt_status(edition, code) == "counted"
    assert code not in client.get(confirmed.url).content.decode()  # shown once
    check = client.get(_url("receipt", edition), {"code": code}).content.decode()
    assert "This ballot is counted." in check and "Benches" not in check


def test_changing_the_vote_prefills_and_replaces(client, voter, edition, projects):
    playground, benches, lights = projects
    client.post(_url("confirm", edition), {f"p{playground.pk}": "on"})
    page = client.get(_url("ballot", edition)).content.decode()
    assert "You have voted" in page and 'id="budget-amount">40<' in page
    client.post(_url("confirm", edition), {f"p{benches.pk}": "on", f"p{lights.pk}": "on"})
    assert selectors.counted_ballots(edition) == {None: [[(str(benches.pk), 1), (str(lights.pk), 1)]]}
    assert Ballot.objects.count() == 2 and Participation.objects.count() == 1


def test_a_confirm_over_budget_stores_nothing(client, voter, edition, projects):
    playground, _, lights = projects
    response = client.post(_url("confirm", edition), {f"p{playground.pk}": "on", f"p{lights.pk}": "on"})
    assert response.status_code == 200 and "over the budget" in response.content.decode()
    assert not Ballot.objects.exists()


def test_withdraw(client, voter, edition, projects):
    client.post(_url("confirm", edition), {f"p{projects[0].pk}": "on"})
    response = client.post(_url("cancel", edition), follow=True)
    assert "withdrawn" in response.content.decode()
    assert selectors.counted_ballots(edition) == {}


def test_an_ineligible_resident_is_told_why(client, edition, projects):
    sign_in(client, make_user())
    page = client.get(_url("ballot", edition)).content.decode()
    assert "Enter your IIN in your profile" in page
    response = client.post(_url("confirm", edition), {f"p{projects[0].pk}": "on"})
    assert response.status_code == 403 and not Ballot.objects.exists()


def test_after_closing_nothing_can_change(client, voter, edition, projects):
    with time_machine.travel(edition.results_start + timedelta(minutes=1)):
        assert "Voting has closed" in client.get(_url("ballot", edition)).content.decode()
        assert client.post(_url("confirm", edition), {f"p{projects[0].pk}": "on"}).status_code == 403


def test_closing_early_refuses_the_next_ballot_although_the_edition_is_cached(client, voter, edition, projects):
    """The confirm view keeps an open edition for a few seconds; a close made meanwhile by another server process
    (an UPDATE this process hears nothing of) still refuses the next ballot, and stores nothing."""
    assert client.post(_url("confirm", edition), {f"p{projects[1].pk}": "on"}).status_code == 302
    Edition.objects.filter(pk=edition.pk).update(results_start=timezone.now() - timedelta(seconds=1))
    assert selectors.edition_for_ballot(edition.pk).results_start > timezone.now()  # the stale, open copy
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    sign_in(other, make_voter(birth=date(1985, 3, 9)))
    response = other.post(_url("confirm", edition), {f"p{projects[0].pk}": "on"})
    assert response.status_code == 403 and "Voting has closed" in response.content.decode()
    assert Participation.objects.filter(edition=edition).count() == Ballot.objects.filter(edition=edition).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # the one-statement path runs outside a transaction, as in production
def test_a_first_ballot_on_postgresql_is_one_sql_statement(client, shared_cache, edition, projects):
    """With sessions and people in Redis and the open edition kept by the process, confirming costs one query."""
    sign_in(client, make_voter(birth=date(1985, 3, 9)))
    assert client.post(_url("confirm", edition), {f"p{projects[1].pk}": "on"}).status_code == 302
    sign_in(client, make_voter(birth=date(1991, 7, 1)))
    with CaptureQueriesContext(connection) as queries:
        response = client.post(_url("confirm", edition), {f"p{projects[0].pk}": "on", f"p{projects[1].pk}": "on"})
    assert response.status_code == 302
    assert len(queries) == 1  # the INSERT: no session, person or edition read
    assert Participation.objects.filter(edition=edition).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_first_ballot_makes_no_health_check_round_trip(client, shared_cache, edition, projects, monkeypatch):
    """Django would check a persistent connection with a SELECT 1 before the request's first query; the ballot's
    statement is the only round trip (a dead connection is replaced instead, next test)."""
    sign_in(client, make_voter(birth=date(1985, 3, 9)))
    assert client.post(_url("confirm", edition), {f"p{projects[1].pk}": "on"}).status_code == 302
    sign_in(client, make_voter(birth=date(1991, 7, 1)))
    connection.ensure_connection()
    connection.health_check_enabled, connection.health_check_done = True, False  # a new request on an old connection
    checks = []
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or True)
    assert client.post(_url("confirm", edition), {f"p{projects[0].pk}": "on"}).status_code == 302
    assert checks == []
    assert Participation.objects.filter(edition=edition, ballot__isnull=False).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_ballot_sent_on_a_connection_the_database_closed_is_stored_once(client, shared_cache, edition, projects):
    """The database ended the server's persistent connection (a restart, an idle timeout) and the ballot's
    statement is the request's first query: it is sent again on a new connection and stored once."""
    sign_in(client, make_voter(birth=date(1985, 3, 9)))
    assert client.post(_url("confirm", edition), {f"p{projects[2].pk}": "on"}).status_code == 302
    voter = make_voter(birth=date(1991, 7, 1))
    sign_in(client, voter)
    pid = connection.connection.info.backend_pid
    with psycopg.connect(**_admin_params(), autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
    response = client.post(_url("confirm", edition), {f"p{projects[0].pk}": "on", f"p{projects[1].pk}": "on"})
    assert response.status_code == 302
    assert connection.connection.info.backend_pid != pid
    ballot = Participation.objects.get(edition=edition, iin_hash=voter.iin_hash).ballot
    assert sorted(ballot.choices.values_list("proposal_id", flat=True)) == [projects[0].pk, projects[1].pk]
    assert Ballot.objects.filter(edition=edition).count() == 2


def _admin_params() -> dict:
    params = connection.settings_dict
    return {"host": params["HOST"], "port": params["PORT"] or 5432, "user": params["USER"], "dbname": params["NAME"]}


@pytest.mark.parametrize(
    ("ballot_type", "data", "stored"),
    [
        ("single", lambda p: {"choice": p[1].pk}, lambda p: [(str(p[1].pk), 1)]),
        (
            "approval",
            lambda p: {f"p{p[0].pk}": "on", f"p{p[2].pk}": "on"},
            lambda p: [(str(p[0].pk), 1), (str(p[2].pk), 1)],
        ),
        (
            "cumulative",
            lambda p: {f"p{p[0].pk}": "3", f"p{p[1].pk}": "2"},
            lambda p: [(str(p[0].pk), 3), (str(p[1].pk), 2)],
        ),
        (
            "ranked",
            lambda p: {f"p{p[2].pk}": "1", f"p{p[0].pk}": "2"},
            lambda p: [(str(p[0].pk), 2), (str(p[2].pk), 1)],
        ),
    ],
)
def test_every_ballot_type_goes_through_the_form(client, voter, edition, projects, ballot_type, data, stored):
    edition.ballot_type, edition.max_choices, edition.points = ballot_type, 2, 5
    edition.save()
    assert client.get(_url("ballot", edition)).status_code == 200
    review = client.post(_url("ballot", edition), {**data(projects), "action": "review"})
    assert "Confirm my ballot" in review.content.decode()
    client.post(_url("confirm", edition), data(projects))
    assert selectors.counted_ballots(edition) == {None: [stored(projects)]}


def test_the_receipt_page_is_public(client, edition):
    response = client.get(_url("receipt", edition), {"code": "ABCD-EFGH-JKMN"})
    assert response.status_code == 200 and "No ballot of this edition has this code" in response.content.decode()


def test_the_edition_page_invites_to_vote_while_voting_is_open(client, edition):
    url = reverse("editions:edition", kwargs={"city_slug": edition.city.slug, "year": edition.year})
    page = client.get(url).content.decode()
    assert _url("ballot", edition) in page and _url("receipt", edition) in page
    with time_machine.travel(edition.results_start + timedelta(days=1)):
        page = client.get(url).content.decode()
    assert _url("ballot", edition) not in page and _url("receipt", edition) in page
