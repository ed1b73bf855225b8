"""A ballot acknowledged to the voter survives the server being killed (SIGKILL) in the middle of a load."""

import threading
import time

import pytest
from django.db import connection

from .live import Gunicorn, cast_all, check_database, prepare

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
VOTERS = 300


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def test_acknowledged_ballots_survive_a_sigkill_mid_load():
    edition, voters = prepare(VOTERS, slug="durability")
    server = Gunicorn(_database_url(), workers=2).start()
    outcomes = []
    loader = threading.Thread(
        target=lambda: outcomes.extend(cast_all(lambda: server.port, edition.pk, voters, concurrency=12))
    )
    loader.start()
    try:
        # Kill once the load is well under way, while requests are in flight.
        deadline = time.monotonic() + 60
        while len(outcomes) == 0 and time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM voting_participation WHERE edition_id = %s", [edition.pk])
                if cursor.fetchone()[0] >= VOTERS // 4:
                    break
            time.sleep(0.02)
        server.kill()
        killed_at = time.monotonic()
        time.sleep(0.5)  # requests meanwhile are refused: the voter is not told their ballot is stored
        server.start()
        loader.join(120)
        assert not loader.is_alive()
        acknowledged_before_restart = sum(1 for o in outcomes if o.acknowledged)
        refused = [o for o in outcomes if not o.acknowledged]
        assert refused, "the kill landed after the load: nothing was in flight"
        assert killed_at  # the kill happened during the load
        report = check_database(edition, voters, outcomes)
        assert report["missing"] == report["wrong"] == report["half_written"] == 0, report

        # The voters who got no answer try again on the restarted server; everyone ends with one counted ballot.
        retried = cast_all(lambda: server.port, edition.pk, [o.voter for o in refused], concurrency=8)
        assert all(o.acknowledged for o in retried), [o.status for o in retried if not o.acknowledged][:5]
        final = [o for o in outcomes if o.acknowledged] + retried
        report = check_database(edition, voters, final)
    finally:
        server.stop()
    assert report["acknowledged"] == VOTERS and report["counted"] == VOTERS
    assert report["missing"] == report["wrong"] == report["half_written"] == 0, report
    assert acknowledged_before_restart < VOTERS
