"""With REDIS_URL, sessions and signed-in people are read from Redis; a change to a person is seen at once."""

import pytest
import redis
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from redis.connection import AbstractConnection

from accounts.backends import CachedModelBackend
from accounts.sessions import person_key
from accounts.testing import make_user, sign_in
from config.settings import redis_cache

pytestmark = pytest.mark.django_db


def test_a_signed_in_page_reads_neither_session_nor_person_from_the_database(client, shared_cache):
    person = make_user(name="Aigerim")
    sign_in(client, person)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("accounts:profile"))
    assert page.status_code == 200 and "Aigerim" in page.content.decode()
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [q for q in sql if 'FROM "django_session"' in q or 'FROM "accounts_user"' in q]


def test_a_signed_in_page_makes_one_cache_round_trip_for_session_and_person(client, shared_cache, monkeypatch):
    sign_in(client, make_user(name="Aigerim"))
    client.get(reverse("accounts:profile"))
    commands = _record_commands(monkeypatch)
    assert "Aigerim" in client.get(reverse("accounts:profile")).content.decode()
    assert commands == ["MGET"]


def _record_commands(monkeypatch) -> list[str]:
    """The names of the commands sent to Redis from now on, on any connection."""
    commands = []
    send = AbstractConnection.send_command

    def recorded(self, *args, **kw):
        commands.append(args[0])
        return send(self, *args, **kw)

    monkeypatch.setattr(AbstractConnection, "send_command", recorded)
    return commands


def test_a_cache_answer_lost_midway_leaves_no_half_read_connection_behind(client, shared_cache, monkeypatch):
    sign_in(client, make_user(name="Aigerim"))
    client.get(reverse("accounts:profile"))
    read = AbstractConnection.read_response
    failures = []

    def lost_once(self, *args, **kw):
        if not failures:
            failures.append((self, self._sock))
            raise redis.exceptions.ConnectionError("Connection reset by peer")  # the answer stays unread
        return read(self, *args, **kw)

    monkeypatch.setattr(AbstractConnection, "read_response", lost_once)
    page = client.get(reverse("accounts:profile"))  # read as Django's cached_db engine reads, key by key
    assert page.status_code == 200 and "Aigerim" in page.content.decode()
    broken, sock = failures[0]
    assert broken._sock is not sock and sock.fileno() == -1  # closed: the unread answer reaches no other command
    commands = _record_commands(monkeypatch)
    with CaptureQueriesContext(connection) as queries:
        assert "Aigerim" in client.get(reverse("accounts:profile")).content.decode()
    assert commands == ["MGET"]
    assert not [q for q in queries.captured_queries if 'FROM "django_session"' in q["sql"]]


def test_saving_a_person_drops_the_cached_copy_of_every_session(client, shared_cache):
    person = make_user(name="Aigerim")
    phone = Client()
    for session in (client, phone):
        sign_in(session, person)
        assert "Aigerim" in session.get(reverse("accounts:profile")).content.decode()
    person.name = "Aigerim Sultanova"
    person.save()
    for session in (client, phone):
        assert "Aigerim Sultanova" in session.get(reverse("accounts:profile")).content.decode()


def test_signing_out_drops_the_sessions_copy(client, shared_cache):
    sign_in(client, make_user())
    client.get(reverse("accounts:profile"))
    key = person_key(client.session.session_key)
    assert shared_cache.get(key) is not None
    client.post(reverse("accounts:sign_out"))
    assert shared_cache.get(key) is None


def test_a_deactivated_person_is_signed_out_at_once(client, shared_cache):
    person = make_user()
    sign_in(client, person)
    assert client.get(reverse("accounts:profile")).status_code == 200
    person.is_active = False
    person.save()
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and reverse("accounts:sign_in") in response.url


def test_without_a_shared_cache_people_are_read_from_the_database(settings):
    """A per-process cache could not be invalidated in the other processes, so it is never used for people."""
    settings.REDIS_URL = ""
    person = make_user(name="Aigerim")
    with CaptureQueriesContext(connection) as queries:
        assert CachedModelBackend().get_user(person.pk) == person
    assert len(queries) == 1


def test_when_redis_stops_answering_people_stay_signed_in_from_the_database(client, shared_cache, settings):
    person = make_user(name="Aigerim")
    sign_in(client, person)
    settings.CACHES = redis_cache("redis://127.0.0.1:9/0")  # nothing listens there
    page = client.get(reverse("accounts:profile"))
    assert page.status_code == 200 and "Aigerim" in page.content.decode()
