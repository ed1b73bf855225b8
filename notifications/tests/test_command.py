import os
import signal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.testing import make_user
from notifications import services, worker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_templates")]


def test_once_sends_everything_due_in_batches_and_reports_counts():
    people = [make_user(email=f"p{i}@example.kz") for i in range(5)]
    services.notify(users=people, template="notifytest/hello", context={"title": "x"}, channels=["email"])
    out = StringIO()
    call_command("send_notifications", "--once", "--batch", "2", stdout=out)
    assert len(mail.outbox) == 5
    assert "5 sent" in out.getvalue()


def test_loop_stops_cleanly_on_sigterm(monkeypatch):
    services.notify(users=[make_user(email="a@example.kz")], template="notifytest/hello", context={"title": "x"})
    calls = []
    real = worker.run_once

    def run_once(**kwargs):
        calls.append(1)
        outcome = real(**kwargs)
        if len(calls) == 2:
            os.kill(os.getpid(), signal.SIGTERM)
        return outcome

    monkeypatch.setattr(worker, "run_once", run_once)
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        out = StringIO()
        call_command("send_notifications", "--loop", "--sleep", "0.2", stdout=out)
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])
    assert len(calls) == 2 and len(mail.outbox) == 1
    assert "1 sent" in out.getvalue()


def test_purge_deletes_only_old_finished_messages():
    from datetime import timedelta

    from django.utils import timezone

    from notifications.models import Message, Status

    person = make_user(email="a@example.kz")
    for key in ("old-sent", "old-queued", "new-sent"):
        services.notify(users=[person], template="notifytest/hello", context={}, channels=["email"], dedupe_key=key)
    long_ago = timezone.now() - timedelta(days=100)
    Message.objects.filter(dedupe_key="old-sent").update(status=Status.SENT, created_at=long_ago)
    Message.objects.filter(dedupe_key="old-queued").update(
        created_at=long_ago, next_attempt_at=timezone.now() + timedelta(days=1)
    )
    Message.objects.filter(dedupe_key="new-sent").update(status=Status.SENT)
    out = StringIO()
    call_command("send_notifications", "--once", "--purge-days", "90", stdout=out)
    assert "1 old messages deleted" in out.getvalue()
    assert sorted(Message.objects.values_list("dedupe_key", flat=True)) == ["new-sent", "old-queued"]
