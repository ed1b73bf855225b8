"""Ballots and who voted, kept apart: a Ballot holds choices and no person; a Participation holds the person.

- `Participation` says that one IIN took part in one budget of an edition (the whole edition, or one district
  when the budget is split). The database allows one row per (edition, budget, IIN hash): two concurrent
  submissions for the same person cannot both win. It points at the person's current ballot (None once
  withdrawn), so the person can replace or cancel it; nothing public follows that link.
- `Ballot` holds the content: the edition, the district whose budget it is for, the hash of the receipt code and,
  once replaced or withdrawn, `superseded_at`. Exactly the ballots with `superseded_at` NULL are counted.
- `BallotChoice` is one line of a ballot: a proposal and a value (1 for knapsack, single and approval ballots,
  the points for cumulative ballots, the rank for ranked ballots with 1 = best).
- `VoterListEntry` is one IIN hash of an edition's imported voter list; `VotingRules` says whether the edition
  restricts voting to that list or to residents of its districts.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from editions.models import District, Edition


class Channel(models.TextChoices):
    ONLINE = "online", _("online")
    PAPER = "paper", _("paper ballot")


class Restriction(models.TextChoices):
    NONE = "none", _("every resident with a valid IIN of voting age")
    VOTER_LIST = "voter_list", _("only people on the imported voter list")
    RESIDENTS = "residents", _("only residents of the edition's districts")


class VotingRules(models.Model):
    """Who may vote in an edition beyond the IIN and age checks; an edition without a row restricts nothing."""

    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="voting_rules")
    restriction = models.CharField(_("who may vote"), max_length=16, choices=Restriction, default=Restriction.NONE)

    class Meta:
        verbose_name = _("voting rules")
        verbose_name_plural = _("voting rules")

    def __str__(self) -> str:
        return f"{self.edition}: {self.get_restriction_display()}"


class VoterListEntry(models.Model):
    """One person on an edition's voter list, by the keyed hash of the IIN (accounts.iin.iin_hash)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="voter_list")
    iin_hash = models.CharField(max_length=64)
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["edition", "iin_hash"], name="voter_listed_once")]
        verbose_name = _("voter list entry")
        verbose_name_plural = _("voter list entries")

    def __str__(self) -> str:
        return f"{self.edition}: …{self.iin_hash[:8]}"


class BallotQuerySet(models.QuerySet):
    def counted(self):
        """The ballots that count: neither replaced by a later one nor withdrawn."""
        return self.filter(superseded_at__isnull=True)


class Ballot(models.Model):
    """The content of one vote, with no person attached (see Participation for who voted)."""

    # Indexed by ballot_counted_idx, which starts with it: every index is paid for on each ballot cast.
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="ballots", db_index=False)
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    channel = models.CharField(_("channel"), max_length=8, choices=Channel, default=Channel.ONLINE)
    # HMAC of the receipt code the voter was shown once; the code itself is never stored.
    receipt_hash = models.CharField(max_length=64)  # unique: Meta (no LIKE index, receipts are matched exactly)
    created_at = models.DateTimeField(_("cast at"), default=timezone.now)
    superseded_at = models.DateTimeField(_("replaced or withdrawn at"), null=True, blank=True)
    replaced_by = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaces")

    objects = BallotQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["edition", "superseded_at"], name="ballot_counted_idx")]
        constraints = [models.UniqueConstraint(fields=["receipt_hash"], name="ballot_receipt_unique")]
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return f"{self.edition} #{self.pk}"

    @property
    def is_counted(self) -> bool:
        return self.superseded_at is None


class BallotChoice(models.Model):
    # Indexed by proposal_once_per_ballot (Meta), which starts with it: every index is paid for on each ballot cast.
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices", db_index=False)
    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.PROTECT, related_name="+")
    value = models.PositiveIntegerField(_("value"), default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "proposal"], name="proposal_once_per_ballot"),
            models.CheckConstraint(condition=Q(value__gte=1), name="choice_value_positive"),
        ]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.value}"


class Participation(models.Model):
    """One person (by IIN hash) took part in one budget of an edition, online or on paper.

    Two partial unique constraints stand in for one over (edition, district, iin_hash): NULL never equals
    NULL in a unique index, so an edition-wide participation (district NULL) needs a constraint of its own. A third
    keeps one counted ballot per person across the ballots of a split budget (districts' and shared).
    """

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="participations")
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    iin_hash = models.CharField(max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participations",
        db_index=False,  # participation_user_idx starts with it
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel, default=Channel.ONLINE)
    # The current ballot; None after the voter withdrew it (the row stays, so the IIN keeps its one place).
    ballot = models.OneToOneField(Ballot, on_delete=models.PROTECT, null=True, blank=True, related_name="participation")
    created_at = models.DateTimeField(_("first vote"), default=timezone.now)
    updated_at = models.DateTimeField(_("last change"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "district", "iin_hash"],
                condition=Q(district__isnull=False),
                name="one_participation_per_district",
            ),
            models.UniqueConstraint(
                fields=["edition", "iin_hash"],
                condition=Q(district__isnull=True),
                name="one_participation_per_edition",
            ),
            # Where the budget is split, a person votes on one ballot only (their district's or the shared one):
            # one counted ballot per edition. A withdrawn participation (no ballot) leaves room to vote elsewhere
            # after moving.
            models.UniqueConstraint(
                fields=["edition", "iin_hash"], condition=Q(ballot__isnull=False), name="one_counted_ballot"
            ),
        ]
        indexes = [models.Index(fields=["user", "edition"], name="participation_user_idx")]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")

    def __str__(self) -> str:
        return f"{self.edition} {self.get_channel_display()}"

    @property
    def has_voted(self) -> bool:
        return self.ballot_id is not None


from .paper_models import *  # noqa: E402,F401,F403 - paper ballots (voting-paper): PaperBallot, PaperEntry, PaperSettings
