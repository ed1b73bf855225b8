"""The worker behind `manage.py send_notifications`: claim due messages, render, send, record the outcome.

Delivery is AT LEAST ONCE. A claim is a lease: the worker marks a batch "sending" with `lease_until` and its id,
then sends. If the worker dies after claiming, the lease runs out and another run claims the message again, so
nothing is lost. If it dies after the gateway accepted a message but before recording "sent", that message is
sent a second time: a duplicate is better than a lost notice. E-mails carry a stable Message-ID per message so
mail clients can fold such duplicates. The outcome is only recorded while the lease is still ours.
"""

import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import F
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation

from accounts.sms import send_sms

from .models import Channel, Message, Preference, Status
from .services import site_url, unsubscribe_token

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 6)
LEASE = timedelta(seconds=getattr(settings, "NOTIFICATIONS_LEASE_SECONDS", 300))
BACKOFF_BASE = timedelta(seconds=60)
BACKOFF_CAP = timedelta(hours=6)
SMS_LENGTH = 300


def backoff(attempts: int) -> timedelta:
    """Wait before try number attempts+1: 1, 2, 4, 8 … minutes, at most six hours."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def claim(*, worker_id: str, limit: int = 50, now=None) -> list[int]:
    """Lease up to `limit` due messages to this worker; concurrent workers on PostgreSQL skip each other's rows."""
    now = now or timezone.now()
    with transaction.atomic():
        # A message whose lease ran out after its last allowed attempt (it killed the worker each time) fails.
        Message.objects.filter(status=Status.SENDING, lease_until__lt=now, attempts__gte=MAX_ATTEMPTS).update(
            status=Status.FAILED, lease_until=None, last_error="the worker stopped while sending, too many times"
        )
        due = Message.objects.due(now).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        if ids:
            # The attempt is counted at claim time, so a message that kills the worker every time still ends.
            Message.objects.filter(pk__in=ids).update(
                status=Status.SENDING, lease_until=now + LEASE, claimed_by=worker_id, attempts=F("attempts") + 1
            )
    return ids


def _render(name: str, context: dict) -> str:
    # Messages are plain text: no HTML escaping of names like "Dostyk & Co".
    template = get_template(name)
    from django.template import Context

    return template.template.render(Context(context, autoescape=False)).strip()


def _try_render(name: str, context: dict) -> str | None:
    from django.template import TemplateDoesNotExist

    try:
        return _render(name, context)
    except TemplateDoesNotExist:
        return None


def render(message: Message) -> dict:
    """Subject, body and SMS text in the recipient's language (profile language, else the site default)."""
    user = message.user
    base = site_url()
    token = unsubscribe_token(user)
    context = {
        **message.context,
        "site_url": base,
        "recipient_name": user.name,
        "unsubscribe_url": base + reverse("notifications:unsubscribe", kwargs={"token": token}),
        "preferences_url": base + reverse("notifications:preferences"),
    }
    with translation.override(user.language or settings.LANGUAGE_CODE):
        if message.channel == Channel.SMS:
            text = _try_render(f"{message.template}.sms.txt", context)
            if text is None:
                text = _render(f"{message.template}.subject.txt", context)
            return {"text": text[:SMS_LENGTH]}
        subject = " ".join(_render(f"{message.template}.subject.txt", context).split())
        body = _render(f"{message.template}.body.txt", context)
        footer = _render("notifications/email_footer.txt", context)
    return {"subject": subject, "body": f"{body}\n\n{footer}\n", "unsubscribe_url": context["unsubscribe_url"]}


def _send(message: Message) -> None:
    rendered = render(message)
    if message.channel == Channel.SMS:
        send_sms(phone=message.user.phone, text=rendered["text"])
        return
    domain = site_url().split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    email = EmailMessage(
        subject=rendered["subject"],
        body=rendered["body"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.user.email],
        headers={
            "Message-ID": f"<bastama-notification-{message.pk}@{domain}>",
            "List-Unsubscribe": f"<{rendered['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    email.send(fail_silently=False)


def _still_wanted(message: Message) -> bool:
    """Choices are read at send time too: someone who unsubscribed after the message was queued gets nothing."""
    preference = Preference.objects.filter(user=message.user_id).first()
    wants = preference.wants(message.channel) if preference else Preference().wants(message.channel)
    address = message.user.email if message.channel == Channel.EMAIL else message.user.phone
    return wants and bool(address) and message.user.is_active


@dataclass
class Outcome:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0


def deliver(message_id: int, *, worker_id: str, outcome: Outcome, now=None) -> None:
    """Send one claimed message and record the outcome, only while this worker still holds its lease."""
    message = Message.objects.select_related("user").filter(pk=message_id, claimed_by=worker_id).first()
    if message is None or message.status != Status.SENDING:
        return
    mine = Message.objects.filter(pk=message.pk, claimed_by=worker_id, status=Status.SENDING)
    if not _still_wanted(message):
        mine.update(status=Status.SKIPPED, lease_until=None)
        outcome.skipped += 1
        return
    attempts = message.attempts
    try:
        _send(message)
    except Exception as error:  # noqa: BLE001 - any failure of a backend (SMSError, SMTP, OSError) is retried
        now = now or timezone.now()
        logger.warning("notification %s attempt %s failed: %s", message.pk, attempts, error)
        if attempts >= MAX_ATTEMPTS:
            mine.update(status=Status.FAILED, last_error=str(error)[:2000], lease_until=None)
            outcome.failed += 1
        else:
            mine.update(
                status=Status.QUEUED,
                last_error=str(error)[:2000],
                next_attempt_at=now + backoff(attempts),
                lease_until=None,
            )
            outcome.retried += 1
        return
    mine.update(status=Status.SENT, sent_at=timezone.now(), lease_until=None, last_error="")
    outcome.sent += 1


def run_once(*, worker_id: str | None = None, limit: int = 50, now=None) -> Outcome:
    """Claim one batch and deliver it; returns the counts (what the command prints)."""
    worker_id = worker_id or new_worker_id()
    outcome = Outcome()
    for message_id in claim(worker_id=worker_id, limit=limit, now=now):
        deliver(message_id, worker_id=worker_id, outcome=outcome, now=now)
    return outcome


def purge(*, older_than: timedelta) -> int:
    """Delete finished messages (sent, skipped, failed) queued before now - older_than; the queue stays small."""
    cutoff = timezone.now() - older_than
    deleted, _ = Message.objects.filter(
        status__in=[Status.SENT, Status.SKIPPED, Status.FAILED], created_at__lt=cutoff
    ).delete()
    return deleted
