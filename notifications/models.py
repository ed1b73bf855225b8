"""The notification queue (one row per recipient and channel), people's channel choices and what they follow.

The queue is the `Message` table itself: a service inserts rows inside its own transaction, so a message exists
exactly when the change that caused it was committed; the `send_notifications` worker renders and sends later.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent (channel turned off)")


class Preference(models.Model):
    """Which channels a person wants; the language comes from the person's profile (accounts.User.language)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_enabled = models.BooleanField(_("by e-mail"), default=True)
    sms_enabled = models.BooleanField(_("by SMS"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.user)

    def wants(self, channel: str) -> bool:
        return self.email_enabled if channel == Channel.EMAIL else self.sms_enabled


class Follow(models.Model):
    """A person follows any object (a proposal, an implementation record) named like the audit log names it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    target_type = models.CharField(max_length=64)  # model label, e.g. "proposals.proposal"
    target_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "target_type", "target_id"], name="follow_once"),
        ]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")

    def __str__(self) -> str:
        return f"{self.user} → {self.target_type}:{self.target_id}"


class MessageQuerySet(models.QuerySet):
    def due(self, now):
        """Queued and due, or claimed by a worker whose lease ran out (it died between claim and send)."""
        return self.filter(
            Q(status=Status.QUEUED, next_attempt_at__lte=now) | Q(status=Status.SENDING, lease_until__lt=now)
        )


class Message(models.Model):
    """One notification to one person over one channel, rendered when it is sent, in the person's language."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    channel = models.CharField(_("channel"), max_length=8, choices=Channel)
    template = models.CharField(_("template"), max_length=200)
    context = models.JSONField(_("context"), default=dict)
    dedupe_key = models.CharField(max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    lease_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "channel", "dedupe_key"], condition=~Q(dedupe_key=""), name="message_dedupe"
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.template} → {self.user} ({self.channel}, {self.status})"
