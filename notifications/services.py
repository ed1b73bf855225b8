"""Queueing notifications, following objects, channel choices and one-click unsubscribe.

Areas call these; this module imports only accounts (through the user model) and calls no area.

    from notifications.services import notify, followers_of

    notify(
        users=followers_of(proposal),
        template="implementation/notifications/milestone",   # + .subject.txt, .body.txt, optional .sms.txt
        context={"title": proposal.title, "path": record.get_absolute_url()},  # primitives only
        dedupe_key=f"milestone:{milestone.pk}",
    )

`notify` only inserts rows, inside the caller's transaction: nothing is sent in the request. The worker
(`manage.py send_notifications`) renders each message later in the recipient's language and sends it.
"""

import os
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import models, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone

from .models import Channel, Follow, Message, Preference

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
_PRIMITIVES = (str, int, float, bool, type(None))


def _check_primitive(value, where: str = "context") -> None:
    if isinstance(value, _PRIMITIVES):
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_primitive(item, f"{where}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where} keys must be strings")
            _check_primitive(item, f"{where}[{key!r}]")
        return
    raise TypeError(f"{where} holds {type(value).__name__}; pass primitives (str, int, float, bool, None)")


def _check_template(template: str, channels: Iterable[str]) -> None:
    """Fail in the caller's request (a programming error) rather than later in the worker."""
    needed = [f"{template}.subject.txt"]  # an SMS without its own template is the subject
    if Channel.EMAIL in channels:
        needed.append(f"{template}.body.txt")
    for name in needed:
        try:
            get_template(name)
        except TemplateDoesNotExist:
            raise ValueError(f"notification template {name} does not exist") from None


def preference_for(user) -> Preference:
    preference, _created = Preference.objects.get_or_create(user=user)
    return preference


def _channels_for(user, preference: Preference | None, wanted: Iterable[str]) -> list[str]:
    chosen = []
    for channel in wanted:
        wants = preference.wants(channel) if preference else Preference().wants(channel)
        has_address = bool(user.email) if channel == Channel.EMAIL else bool(user.phone)
        if wants and has_address:
            chosen.append(channel)
    return chosen


def notify(
    *,
    users: Iterable,
    template: str,
    context: dict,
    channels: Iterable[str] | None = None,
    dedupe_key: str | None = None,
) -> int:
    """Queue one message per recipient and channel the recipient has turned on; return how many were queued.

    `users` is any iterable of users (or a queryset). `channels` narrows the channels (default: e-mail and SMS,
    each only for people who chose it and have an address). With a `dedupe_key`, a person never gets a second
    message with the same key on the same channel (safe to call again on a retry or a re-published result).
    """
    wanted = [Channel(c) for c in (channels or (Channel.EMAIL, Channel.SMS))]
    _check_primitive(context)
    _check_template(template, wanted)
    users = list(users)
    if not users:
        return 0
    preferences = {p.user_id: p for p in Preference.objects.filter(user__in=[u.pk for u in users])}
    now = timezone.now()
    rows = [
        Message(
            user=user,
            channel=channel,
            template=template,
            context=context,
            dedupe_key=dedupe_key or "",
            next_attempt_at=now,
            created_at=now,
        )
        for user in {u.pk: u for u in users}.values()
        for channel in _channels_for(user, preferences.get(user.pk), wanted)
    ]
    if dedupe_key:
        existing = set(
            Message.objects.filter(dedupe_key=dedupe_key, user__in=[r.user_id for r in rows]).values_list(
                "user_id", "channel"
            )
        )
        rows = [r for r in rows if (r.user_id, r.channel) not in existing]
    with transaction.atomic():
        # ignore_conflicts: two requests racing on the same dedupe key queue one message, not an error.
        Message.objects.bulk_create(rows, ignore_conflicts=bool(dedupe_key))
    return len(rows)


def _target_key(target: models.Model) -> tuple[str, str]:
    return target._meta.label_lower, str(target.pk)


def follow(*, user, target: models.Model) -> Follow:
    target_type, target_id = _target_key(target)
    row, _created = Follow.objects.get_or_create(user=user, target_type=target_type, target_id=target_id)
    return row


def unfollow(*, user, target: models.Model) -> None:
    target_type, target_id = _target_key(target)
    Follow.objects.filter(user=user, target_type=target_type, target_id=target_id).delete()


def is_following(user, target: models.Model) -> bool:
    if not user.is_authenticated:
        return False
    target_type, target_id = _target_key(target)
    return Follow.objects.filter(user=user, target_type=target_type, target_id=target_id).exists()


# Apps that keep their own follow table register it here (from AppConfig.ready), so every caller of
# followers_of() sees those followers too:  register_follow_source("proposals.proposal", lambda p: <user id qs>)
_FOLLOW_SOURCES: dict[str, Callable[[models.Model], models.QuerySet]] = {}


def register_follow_source(model_label: str, user_ids: Callable[[models.Model], models.QuerySet]) -> None:
    """`user_ids(target)` returns a queryset of the ids of the users following `target` in the app's own table."""
    _FOLLOW_SOURCES[model_label.lower()] = user_ids


def followers_of(*targets: models.Model):
    """Active people following any of the targets (e.g. a proposal and its implementation record), once each."""
    query = models.Q(pk__in=[])
    for target in targets:
        target_type, target_id = _target_key(target)
        query |= models.Q(target_type=target_type, target_id=target_id)
    people = models.Q(pk__in=Follow.objects.filter(query).values("user_id"))
    for target in targets:
        source = _FOLLOW_SOURCES.get(target._meta.label_lower)
        if source is not None:
            people |= models.Q(pk__in=source(target))
    return get_user_model().objects.filter(people, is_active=True)


def set_preferences(*, user, email_enabled: bool, sms_enabled: bool, email: str, language: str) -> Preference:
    with transaction.atomic():
        preference = preference_for(user)
        preference.email_enabled, preference.sms_enabled = email_enabled, sms_enabled
        preference.save()
        user.email, user.language = email, language
        user.save(update_fields=["email", "language"])
    return preference


def unsubscribe_token(user) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def user_for_unsubscribe_token(token: str):
    """The person a token was made for, or None when it was forged or the person is gone."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=data.get("u")).first()


def unsubscribe(*, user) -> None:
    """Stop all e-mail to this person, including messages already queued."""
    from .models import Status

    with transaction.atomic():
        preference = preference_for(user)
        preference.email_enabled = False
        preference.save()
        Message.objects.filter(user=user, channel=Channel.EMAIL, status=Status.QUEUED).update(
            status=Status.SKIPPED, lease_until=None
        )


def site_url() -> str:
    """The site's address for links in messages (settings.SITE_URL or the SITE_URL environment variable)."""
    return (getattr(settings, "SITE_URL", None) or os.environ.get("SITE_URL", "http://127.0.0.1:8000")).rstrip("/")
