"""Concurrent appends take turns on the head row, so the chain never forks (PostgreSQL: real row locks)."""

import threading

import pytest
from django.db import connection

from audit.models import AuditEntry
from audit.services import record_action, verify_chain

WRITERS, EACH = 8, 15


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_never_fork_the_chain():
    record_action(actor=None, action="test.start")
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait()
            for i in range(EACH):
                record_action(actor=None, action="test.concurrent", summary=f"{n}-{i}")
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert AuditEntry.objects.count() == 1 + WRITERS * EACH
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, 2 + WRITERS * EACH))
    assert AuditEntry.objects.values("prev_hash").distinct().count() == 1 + WRITERS * EACH
    assert verify_chain() == []
