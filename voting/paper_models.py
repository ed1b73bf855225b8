"""Paper ballots on their way to the count: each is keyed in twice, blind, by two different coordinators.

- `PaperBallot` is one sheet of paper from a polling point: whose it is (IIN hash, last digits, name, and the age
  band and sex the IIN encodes, for the turnout tables) and where it stands. It never holds the counted ballot:
  once both entries agree, voting.services.store_ballot writes an anonymous Ballot and the Participation
  (channel "paper") points at it, exactly as for an online vote.
- `PaperEntry` is one coordinator's reading of the sheet. Its choices are kept only while they are needed to
  compare or resolve; when the sheet is counted or refused they are erased, so nothing here links a person to
  how they voted afterwards.
- `PaperSettings` holds the edition's rule for a person who votes both online and on paper.

Imported at the end of voting/models.py, so Django finds these models in the voting app.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from editions.models import District, Edition

__all__ = ["OPEN_STATES", "PaperBallot", "PaperEntry", "PaperSettings", "PaperState", "Refusal", "WhenBoth"]


class WhenBoth(models.TextChoices):
    FIRST = "first", _("the ballot recorded first")
    PAPER = "paper", _("the paper ballot")


class PaperSettings(models.Model):
    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="paper_settings")
    when_both = models.CharField(
        _("if a person votes both online and on paper, what counts"),
        max_length=8,
        choices=WhenBoth,
        default=WhenBoth.FIRST,
    )

    class Meta:
        verbose_name = _("paper ballot settings")
        verbose_name_plural = _("paper ballot settings")

    def __str__(self) -> str:
        return f"{self.edition}: {self.get_when_both_display()}"


class PaperState(models.TextChoices):
    AWAITING = "awaiting", _("waiting for the second entry")
    MISMATCH = "mismatch", _("the two entries differ")
    COUNTED = "counted", _("counted")
    REFUSED = "refused", _("not counted")


class Refusal(models.TextChoices):
    VOTED_ONLINE = "voted_online", _("the person had already voted online")
    SPOILED = "spoiled", _("the paper ballot is spoiled")


OPEN_STATES = (PaperState.AWAITING, PaperState.MISMATCH)


class PaperBallot(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="paper_ballots")
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    iin_hash = models.CharField(max_length=64)
    iin_last_digits = models.CharField(_("IIN, last digits"), max_length=4)
    voter_name = models.CharField(_("name on the ballot"), max_length=150, blank=True)
    age_band = models.CharField(_("age band"), max_length=8, blank=True)
    sex = models.CharField(_("sex"), max_length=6, blank=True)
    polling_point = models.CharField(_("polling point"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=PaperState, default=PaperState.AWAITING)
    refusal = models.CharField(_("why not counted"), max_length=16, choices=Refusal, blank=True)
    created_at = models.DateTimeField(_("first entry"), default=timezone.now)
    decided_at = models.DateTimeField(_("counted or refused at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # One sheet per person in the works at a time: a second first entry would dodge the comparison.
            models.UniqueConstraint(
                fields=["edition", "iin_hash"],
                condition=Q(state__in=["awaiting", "mismatch", "counted"]),
                name="one_live_paper_ballot_per_person",
            ),
        ]
        indexes = [models.Index(fields=["edition", "state"], name="paper_ballot_state_idx")]
        verbose_name = _("paper ballot")
        verbose_name_plural = _("paper ballots")

    def __str__(self) -> str:
        return f"{self.edition} …{self.iin_last_digits} ({self.get_state_display()})"


class PaperEntry(models.Model):
    paper_ballot = models.ForeignKey(PaperBallot, on_delete=models.CASCADE, related_name="entries")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    voter_name = models.CharField(_("name on the ballot"), max_length=150, blank=True)
    # {proposal id (as text): value}; emptied once the sheet is counted or refused.
    choices = models.JSONField(_("choices"), default=dict, blank=True)
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)

    class Meta:
        ordering = ["entered_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["paper_ballot", "entered_by"], name="one_entry_per_coordinator"),
        ]
        verbose_name = _("paper ballot entry")
        verbose_name_plural = _("paper ballot entries")

    def __str__(self) -> str:
        return f"{self.paper_ballot_id} by {self.entered_by_id}"
