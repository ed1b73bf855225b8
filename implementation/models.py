"""What happens to each winning project after the count: status, progress, money, dated milestones with photos.

A record points at its proposal by id (`proposal_id`, the project id in the published count) rather than by a
foreign key, so this app's tables do not depend on the proposals app's migrations; `proposal` reads it lazily.
"""

from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from editions.models import Category, District, Edition


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DESIGN = "design", _("Design")
    PROCUREMENT = "procurement", _("Procurement")
    CONSTRUCTION = "construction", _("Under construction")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# The progress a status implies when the coordinator does not give one.
DEFAULT_PROGRESS = {
    Status.PLANNED: 0,
    Status.DESIGN: 10,
    Status.PROCUREMENT: 25,
    Status.CONSTRUCTION: 50,
    Status.COMPLETED: 100,
}


class RecordQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("edition__city", "district", "category")


class ImplementationRecord(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="implementation_records")
    count_run = models.ForeignKey("results.CountRun", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    project_id = models.CharField(_("project id in the count"), max_length=64)
    proposal_id = models.PositiveBigIntegerField(_("proposal"), null=True, blank=True, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    cancel_reason = models.TextField(_("public reason for cancelling"), blank=True)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned completion"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual completion"), null=True, blank=True)
    contractor = models.CharField(_("contractor"), max_length=200, blank=True)
    budget_allocated = models.PositiveBigIntegerField(_("budget allocated, tenge"), default=0)
    budget_spent = models.PositiveBigIntegerField(_("actually spent, tenge"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        ordering = ["edition", "title", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "project_id"], name="one_record_per_project"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="progress_at_most_100"),
        ]
        verbose_name = _("implementation record")
        verbose_name_plural = _("implementation records")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("implementation:record", kwargs={"edition_id": self.edition_id, "record_id": self.pk})

    @property
    def proposal(self):
        """The proposal this project came from, when the proposals app is installed and it still exists."""
        if self.proposal_id is None or not apps.is_installed("proposals"):
            return None
        return apps.get_model("proposals", "Proposal").objects.filter(pk=self.proposal_id).first()


class StatusChange(models.Model):
    """One entry of the public timeline: the status or progress a coordinator set, and when."""

    record = models.ForeignKey(ImplementationRecord, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("status"), max_length=16, choices=Status)
    progress = models.PositiveSmallIntegerField(_("progress, %"))
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.record} {self.status} {self.progress}%"


class Milestone(models.Model):
    record = models.ForeignKey(ImplementationRecord, on_delete=models.CASCADE, related_name="milestones")
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    language = models.CharField(_("language of the text"), max_length=8, choices=settings.LANGUAGES)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return f"{self.date} {self.title}"


class PhotoStage(models.TextChoices):
    BEFORE = "before", _("Before")
    DURING = "during", _("During the works")
    AFTER = "after", _("After")


class MilestonePhoto(models.Model):
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(_("stage"), max_length=8, choices=PhotoStage)
    image = models.ImageField(_("photo"), upload_to="implementation/%Y/%m/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.caption or self.image.name
