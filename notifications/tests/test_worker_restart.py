"""A real worker process is killed between claiming a message and sending it; a restarted worker delivers it.

Runs on PostgreSQL only: the worker processes must share the test database (SQLite's test database lives in the
test process's memory). The in-process version of this test (test_queue.py) runs on both databases.
"""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from accounts.testing import make_user
from notifications import services
from notifications.models import Message, Status

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("test_templates")]
ROOT = Path(__file__).resolve().parents[2]


def _worker(email_backend: str) -> subprocess.CompletedProcess:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "notifications.tests.subprocess_settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "EMAIL_BACKEND": email_backend,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "send_notifications", "--once"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_loses_nothing_and_a_restarted_one_delivers_once():
    resident = make_user(name="Aigerim", email="aigerim@example.kz", language="en")
    services.notify(users=[resident], template="notifytest/hello", context={"title": "Park 7"})

    crashed = _worker("notifications.tests.crash_backend.EmailBackend")
    assert crashed.returncode == 3
    message = Message.objects.get()
    assert (message.status, message.attempts) == (Status.SENDING, 1)

    # A restart while the dead worker's lease still runs sends nothing (the lease protects a slow live worker)...
    early = _worker("django.core.mail.backends.console.EmailBackend")
    assert early.returncode == 0 and "Park 7" not in early.stdout
    # ...once the lease has run out (moved into the past here rather than waiting five minutes), it is sent.
    Message.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    restarted = _worker("django.core.mail.backends.console.EmailBackend")
    assert restarted.returncode == 0, restarted.stderr
    assert restarted.stdout.count("Subject: Notification settings: Park 7") == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 2)

    again = _worker("django.core.mail.backends.console.EmailBackend")
    assert "Park 7" not in again.stdout


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_once_never_take_the_same_message():
    import threading

    from django.db import connections

    from notifications import worker

    people = [make_user(email=f"p{i}@example.kz") for i in range(40)]
    services.notify(users=people, template="notifytest/hello", context={"title": "x"}, channels=["email"])
    claimed: dict[str, list[int]] = {}
    barrier = threading.Barrier(2)

    def claim(name: str):
        barrier.wait()
        try:
            claimed[name] = worker.claim(worker_id=name, limit=25)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not set(claimed["a"]) & set(claimed["b"])
    assert len(claimed["a"]) + len(claimed["b"]) == 40
    assert Message.objects.filter(status=Status.SENDING).count() == 40
