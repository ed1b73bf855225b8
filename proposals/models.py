"""Residents' proposals, their status history, attachments, comments, supports, follows and moderation.

Statuses (`Proposal.Status`) and who sees a proposal:

- `draft`      — private to its author; editable; not counted anywhere.
- `submitted`  — PUBLIC; editable by the author until the proposals phase ends.
- `hidden`     — hidden by a coordinator with a reason; only the author (who sees the reason) and coordinators.
- `withdrawn`  — withdrawn by the author; only the author and coordinators.
- `merged`     — merged into another proposal (`merged_into`); its page is public and points to the other one,
                 but it is not listed.
- `in_review`  — PUBLIC; the expert council is assessing it (set by `services.start_review`).
- `feasible`   — PUBLIC; the council's decision with `ballot_cost` and a public `decision_reason`.
- `not_feasible` — PUBLIC; the council's decision with a public `decision_reason`.

`public()` returns the listed statuses (submitted, in_review, feasible, not_feasible); `visible_statuses`
adds `merged` for the detail page. `supports_count` is DENORMALISED: only `services.support`/`unsupport`/
`merge` change it (with F() expressions inside their transaction), so the list can sort by it without a join.
The status is written only by `proposals.services`; other apps (review) call those functions.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    HIDDEN = "hidden", _("Hidden by a moderator")
    WITHDRAWN = "withdrawn", _("Withdrawn by the author")
    MERGED = "merged", _("Merged with another proposal")
    IN_REVIEW = "in_review", _("Under expert review")
    FEASIBLE = "feasible", _("Feasible")
    NOT_FEASIBLE = "not_feasible", _("Not feasible")


# Listed publicly (list, map, counts); `merged` pages stay reachable but are not listed.
PUBLIC_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW, Status.FEASIBLE, Status.NOT_FEASIBLE)
VISIBLE_STATUSES = (*PUBLIC_STATUSES, Status.MERGED)
# Statuses in which the author may still edit (while the proposals phase lasts).
EDITABLE_STATUSES = (Status.DRAFT, Status.SUBMITTED)
# Statuses that count against the per-edition limit of proposals per resident.
COUNTED_STATUSES = (
    Status.DRAFT,
    Status.SUBMITTED,
    Status.HIDDEN,
    Status.IN_REVIEW,
    Status.FEASIBLE,
    Status.NOT_FEASIBLE,
)


class ProposalQuerySet(models.QuerySet):
    def public(self):
        """Proposals anyone may see in lists and on the map."""
        return self.filter(status__in=PUBLIC_STATUSES)

    def visible(self):
        """Proposals whose page anyone may open (public ones and merged ones, which point elsewhere)."""
        return self.filter(status__in=VISIBLE_STATUSES)

    def of_edition(self, edition):
        return self.filter(edition=edition)

    def feasible(self):
        """Proposals the council found feasible (with their ballot cost)."""
        return self.filter(status=Status.FEASIBLE)

    def by_author(self, user):
        return self.filter(author=user)


class Proposal(models.Model):
    Status = Status

    edition = models.ForeignKey("editions.Edition", on_delete=models.PROTECT, related_name="proposals")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("author")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(pgettext_lazy("proposal", "in short"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    problem = models.TextField(_("problem it solves"), blank=True)
    category = models.ForeignKey(
        "editions.Category",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("category"),
    )
    district = models.ForeignKey(
        "editions.District",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("district"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    estimated_cost = models.PositiveBigIntegerField(_("estimated cost, tenge"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.DRAFT, db_index=True)
    # Fixed by the expert council when the proposal is feasible; replaces estimated_cost on the ballot.
    ballot_cost = models.PositiveBigIntegerField(_("cost on the ballot, tenge"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    # Why a moderator hid it (shown to the author) and the status to go back to when it is restored.
    moderation_reason = models.TextField(_("moderator's reason"), blank=True)
    status_before_hiding = models.CharField(max_length=16, choices=Status, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_proposals",
        verbose_name=_("merged into"),
    )
    # When a coordinator last looked at it in the moderation queue (new content waits until then).
    moderated_at = models.DateTimeField(_("checked by a moderator"), null=True, blank=True, editable=False)
    # Case-folded title, summary, description and address: SQLite's LIKE folds only ASCII, so Cyrillic and
    # Kazakh search needs this; kept current by `refresh_search_text()` (services call it on every save).
    search_text = models.TextField(blank=True, editable=False)
    supports_count = models.PositiveIntegerField(_("supports"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    supporters = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ProposalSupport", related_name="supported_proposals", blank=True
    )
    followers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ProposalFollow", related_name="followed_proposals", blank=True
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["edition", "status"]),
            models.Index(fields=["edition", "status", "-supports_count"], name="proposal_by_supports"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="feasible") | Q(ballot_cost__isnull=False), name="feasible_has_ballot_cost"
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False), name="merged_has_target"
            ),
        ]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("proposals:detail", kwargs={"pk": self.pk})

    def refresh_search_text(self) -> None:
        self.search_text = " ".join([self.title, self.summary, self.description, self.address]).casefold()

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def is_visible(self) -> bool:
        return self.status in VISIBLE_STATUSES

    @property
    def display_cost(self) -> int | None:
        """The council's ballot cost once decided feasible, the author's estimate before."""
        return self.ballot_cost if self.ballot_cost is not None else self.estimated_cost

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class ProposalStatusChange(models.Model):
    """One step of a proposal's public status history."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="status_changes")
    status_from = models.CharField(_("from"), max_length=16, choices=Status, blank=True)
    status_to = models.CharField(_("to"), max_length=16, choices=Status)
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.status_from} -> {self.status_to}"


def _attachment_path(instance, filename: str) -> str:
    return f"proposals/{instance.proposal_id}/{filename}"


class ProposalAttachment(models.Model):
    """A photo (re-encoded, metadata stripped, with a thumbnail) or a PDF document of a proposal."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Photo")
        DOCUMENT = "document", _("Document")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind)
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=300)
    thumbnail = models.FileField(_("thumbnail"), upload_to=_attachment_path, max_length=300, blank=True)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size, bytes"))
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class ProposalSupport(models.Model):
    """A resident's support: one per resident and proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposal_supports")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="one_support_per_resident")]
        verbose_name = _("support")
        verbose_name_plural = _("supports")

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.proposal_id}"


class ProposalFollow(models.Model):
    """A person following a proposal: the notifications app tells followers about its changes."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposal_follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="one_follow_per_person")]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.proposal_id}"


class Comment(models.Model):
    """A comment on a proposal; replies go one level deep (a reply's parent is always a top-level comment)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposal_comments")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    body = models.TextField(_("comment"), max_length=3000)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(default=False)
    moderation_reason = models.TextField(_("moderator's reason"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.body[:50]


class Report(models.Model):
    """A complaint about a proposal or a comment, waiting in the moderation queue until resolved."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reports")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("what is wrong"), max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return self.reason[:50]


class ProposalBan(models.Model):
    """A person blocked by a city's coordinators from submitting, commenting and supporting there.

    Per city and kept in this app: accounts has no blocking flag, and `is_active=False` would also lock the
    person out of voting. Lifting a ban sets `lifted_at`, so the history stays.
    """

    city = models.ForeignKey("editions.City", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposal_bans")
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["city", "user"], condition=Q(lifted_at__isnull=True), name="one_active_ban_per_city"
            )
        ]
        verbose_name = _("block")
        verbose_name_plural = _("blocks")

    def __str__(self) -> str:
        return f"{self.user} @ {self.city}"
