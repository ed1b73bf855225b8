"""notify() queues rows in the caller's transaction; the worker sends them in the recipient's language, retries
with backoff, survives a worker that dies between claim and send, and honours unsubscribing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.testing import make_user
from notifications import services, worker
from notifications.models import Channel, Message, Status

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_templates")]
HELLO = "notifytest/hello"


def _resident(**fields):
    fields.setdefault("email", "aigerim@example.kz")
    return make_user(name="Aigerim", **fields)


def test_it_queues_one_message_per_person_and_channel_and_sends_nothing_yet():
    a = _resident(language="ru")
    b = _resident(email="")  # no e-mail address: nothing to queue for e-mail
    services.set_preferences(user=a, email_enabled=True, sms_enabled=True, email=a.email, language="ru")
    queued = services.notify(users=[a, b, a], template=HELLO, context={"title": "Сквер", "path": "/p/1/"})
    assert queued == 2
    assert sorted(Message.objects.values_list("user__pk", "channel")) == [(a.pk, "email"), (a.pk, "sms")]
    assert mail.outbox == []


def test_a_rolled_back_transaction_leaves_no_message():
    a = _resident()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify(users=[a], template=HELLO, context={"title": "x"})
        raise RuntimeError
    assert not Message.objects.exists()


def test_it_refuses_objects_in_the_context_and_unknown_templates():
    a = _resident()
    with pytest.raises(TypeError):
        services.notify(users=[a], template=HELLO, context={"user": a})
    with pytest.raises(ValueError):
        services.notify(users=[a], template="notifytest/missing", context={})


def test_a_dedupe_key_queues_once():
    a = _resident()
    for _ in range(2):
        services.notify(users=[a], template=HELLO, context={"title": "x"}, dedupe_key="milestone:1")
    assert Message.objects.count() == 1


def test_the_worker_sends_in_the_recipients_language_with_an_unsubscribe_link():
    a = _resident(language="ru")
    b = _resident(language="en", email="bob@example.kz")
    services.notify(users=[a, b], template=HELLO, context={"title": "Dostyk & Co", "path": "/p/1/"})
    outcome = worker.run_once()
    assert outcome.sent == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["aigerim@example.kz"].subject == "Настройки уведомлений: Dostyk & Co"
    assert by_address["bob@example.kz"].subject == "Notification settings: Dostyk & Co"
    body = by_address["bob@example.kz"].body
    assert "Dostyk & Co & co: https://bastama.test/p/1/" in body
    assert "https://bastama.test/notifications/unsubscribe/" in body
    assert by_address["bob@example.kz"].extra_headers["List-Unsubscribe"].startswith("<https://bastama.test/")
    assert set(Message.objects.values_list("status", flat=True)) == {Status.SENT}


def test_sms_uses_the_sms_template(settings):
    a = _resident()
    services.set_preferences(user=a, email_enabled=False, sms_enabled=True, email=a.email, language="en")
    services.notify(users=[a], template=HELLO, context={"title": "Park"})
    worker.run_once()
    texts = [p.read_text() for p in settings.SMS_FILE_PATH.iterdir() if a.phone.lstrip("+") in p.name]
    assert texts and "SMS Park" in texts[0]


def test_a_failing_backend_is_retried_with_growing_waits_then_marked_failed(settings, monkeypatch):
    a = _resident()
    services.notify(users=[a], template=HELLO, context={"title": "x"})
    calls = []

    def broken(message):
        calls.append(message.pk)
        raise OSError("smtp down")

    monkeypatch.setattr(worker, "_send", broken)
    now = timezone.now()
    waits = []
    for _ in range(worker.MAX_ATTEMPTS):
        worker.run_once(now=now)
        message = Message.objects.get()
        if message.status == Status.QUEUED:
            waits.append(message.next_attempt_at - now)
            assert worker.run_once(now=now).retried == 0  # not due yet
            now = message.next_attempt_at
    assert message.status == Status.FAILED and message.attempts == worker.MAX_ATTEMPTS
    assert "smtp down" in message.last_error
    assert len(calls) == worker.MAX_ATTEMPTS
    assert all(later > earlier for earlier, later in zip(waits, waits[1:], strict=False))
    assert waits[0] == timedelta(minutes=1)


def test_a_message_claimed_by_a_worker_that_died_is_sent_once_the_lease_expires():
    a = _resident()
    services.notify(users=[a], template=HELLO, context={"title": "x"})
    # Worker 1 claims the message and dies before sending.
    assert worker.claim(worker_id="dead-worker") == [Message.objects.get().pk]
    assert worker.run_once(worker_id="second").sent == 0  # lease still held
    assert mail.outbox == []
    later = timezone.now() + worker.LEASE + timedelta(seconds=1)
    assert worker.run_once(worker_id="restarted", now=later).sent == 1
    assert len(mail.outbox) == 1
    # The dead worker, if it came back, may no longer record an outcome for a message it lost.
    outcome = worker.Outcome()
    worker.deliver(Message.objects.get().pk, worker_id="dead-worker", outcome=outcome)
    assert outcome.sent == 0 and len(mail.outbox) == 1


def test_a_message_that_kills_the_worker_every_time_ends_as_failed():
    a = _resident()
    services.notify(users=[a], template=HELLO, context={"title": "x"})
    now = timezone.now()
    for i in range(worker.MAX_ATTEMPTS):
        worker.claim(worker_id=f"dies-{i}", now=now)
        now += worker.LEASE + timedelta(seconds=1)
    worker.claim(worker_id="last", now=now)
    assert Message.objects.get().status == Status.FAILED


def test_unsubscribe_link_needs_no_sign_in_and_stops_queued_mail():
    a = _resident()
    services.notify(users=[a], template=HELLO, context={"title": "x"})
    url = reverse("notifications:unsubscribe", kwargs={"token": services.unsubscribe_token(a)})
    client = Client()
    assert client.get(url).status_code == 200
    assert services.preference_for(a).email_enabled  # opening the link changes nothing
    assert client.post(url).status_code == 200
    assert not services.preference_for(a).email_enabled
    assert Message.objects.get().status == Status.SKIPPED
    worker.run_once()
    assert mail.outbox == []
    assert services.notify(users=[a], template=HELLO, context={"title": "y"}, channels=[Channel.EMAIL]) == 0


def test_a_forged_unsubscribe_token_is_refused():
    a = _resident()
    token = services.unsubscribe_token(a)
    response = Client().post(reverse("notifications:unsubscribe", kwargs={"token": token[:-2] + "xx"}))
    assert response.status_code == 404
    assert services.preference_for(a).email_enabled


def test_followers_of_a_target():
    a, b = _resident(), _resident()
    target = make_user()  # any model instance can be followed
    services.follow(user=a, target=target)
    services.follow(user=a, target=target)
    assert list(services.followers_of(target)) == [a]
    assert services.is_following(a, target) and not services.is_following(b, target)
    services.unfollow(user=a, target=target)
    assert not services.followers_of(target).exists()


def test_preferences_page_saves_channels_and_language():
    from accounts.testing import sign_in

    a = _resident()
    client = Client()
    sign_in(client, a)
    url = reverse("notifications:preferences")
    assert client.get(url).status_code == 200
    response = client.post(url, {"email": "new@example.kz", "sms_enabled": "on", "language": "kk"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.email, a.language) == ("new@example.kz", "kk")
    preference = services.preference_for(a)
    assert not preference.email_enabled and preference.sms_enabled


def test_an_apps_own_follow_table_counts_once_registered(monkeypatch):
    from accounts.models import User

    a, b = _resident(), _resident()
    target = make_user()
    monkeypatch.setattr(services, "_FOLLOW_SOURCES", {})
    services.follow(user=a, target=target)
    services.register_follow_source("accounts.User", lambda t: User.objects.filter(pk=b.pk).values("pk"))
    assert sorted(u.pk for u in services.followers_of(target)) == sorted([a.pk, b.pk])
