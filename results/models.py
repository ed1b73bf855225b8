"""Counts of an edition's ballots and their publication: each run is kept, so a recount can be compared."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from editions.models import CountingRule, District, Edition


class CountRunQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)


class CountRun(models.Model):
    """One run of one rule over one budget (the whole edition, or one district when the budget is split)."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="count_runs")
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    rule = models.CharField(_("counting rule"), max_length=16, choices=CountingRule)
    parameters = models.JSONField(_("parameters"), default=dict)
    seed = models.CharField(_("tie-break seed"), max_length=64, blank=True)
    input_hash = models.CharField(_("input hash (sha256 of the .pb file)"), max_length=64)
    input_pb = models.TextField(_("counted ballots (.pb)"))
    outcome = models.JSONField(_("outcome"))
    duration_ms = models.PositiveIntegerField(_("duration, ms"))
    ran_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ran_at = models.DateTimeField(_("ran at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = CountRunQuerySet.as_manager()

    class Meta:
        ordering = ["-ran_at", "-pk"]
        verbose_name = _("count")
        verbose_name_plural = _("counts")

    def __str__(self) -> str:
        return f"{self.edition} {self.rule} {self.ran_at:%Y-%m-%d %H:%M}"

    @property
    def winners(self) -> list[str]:
        return self.outcome["winners"]
