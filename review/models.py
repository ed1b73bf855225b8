"""The expert council: who assesses which proposal, their assessments, the council's decisions, the shortlist.

A proposal's status lives on the proposal and is changed only by proposals.services; these models hold the
review's own records (assignments, conflicts, assessments, decisions) and the published shortlist.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from editions.models import City, Edition


class Recommendation(models.TextChoices):
    FEASIBLE = "feasible", _("Feasible")
    NOT_FEASIBLE = "not_feasible", _("Not feasible")


class ExpertGroup(models.Model):
    """A named group of a city's experts (e.g. "roads and lighting"), assigned to a proposal in one step."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="expert_groups")
    name = models.CharField(_("name"), max_length=150)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), related_name="expert_groups", blank=True
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["city", "name"], name="expert_group_name_per_city")]
        verbose_name = _("expert group")
        verbose_name_plural = _("expert groups")

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """One expert asked to assess one proposal; `group` remembers when the assignment came through a group."""

    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.CASCADE, related_name="review_assignments")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="review_assignments"
    )
    group = models.ForeignKey(
        ExpertGroup, verbose_name=_("expert group"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        ordering = ["assigned_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["proposal", "expert"], name="one_assignment_per_expert")]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return f"{self.proposal_id} → {self.expert}"


class ConflictDeclaration(models.Model):
    """An expert's declared conflict of interest: from then on they may not assess the proposal."""

    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.CASCADE, related_name="review_conflicts")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_conflicts")
    reason = models.TextField(_("reason"))
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "expert"], name="one_conflict_per_expert")]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")

    def __str__(self) -> str:
        return f"{self.proposal_id} × {self.expert}"


class Assessment(models.Model):
    """One expert's assessment of one proposal. `internal_notes` are for staff only, never shown publicly."""

    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.CASCADE, related_name="review_assessments")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assessments")
    legal_check = models.TextField(_("legal and land-ownership check"))
    technical_feasibility = models.TextField(_("technical feasibility"))
    maintenance = models.TextField(_("maintenance needs"))
    cost_estimate = models.PositiveBigIntegerField(_("cost estimate, tenge"), null=True, blank=True)
    cost_explanation = models.TextField(_("how the cost was estimated"), blank=True)
    duration_days = models.PositiveIntegerField(_("duration, days"), null=True, blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=16, choices=Recommendation)
    public_reason = models.TextField(_("public reason"))
    internal_notes = models.TextField(_("internal notes (never shown publicly)"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "expert"], name="one_assessment_per_expert"),
            models.CheckConstraint(
                condition=~models.Q(recommendation="feasible") | models.Q(cost_estimate__isnull=False),
                name="feasible_assessment_has_cost",
            ),
        ]
        verbose_name = _("expert assessment")
        verbose_name_plural = _("expert assessments")

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.expert} · {self.recommendation}"

    @property
    def feasible(self) -> bool:
        return self.recommendation == Recommendation.FEASIBLE


class CouncilDecision(models.Model):
    """The expert council's decision on a proposal: taken automatically when every assigned expert agrees
    (`unanimous`, `decided_by` empty), otherwise recorded by a coordinator."""

    proposal = models.OneToOneField("proposals.Proposal", on_delete=models.CASCADE, related_name="council_decision")
    feasible = models.BooleanField(_("feasible"))
    ballot_cost = models.PositiveBigIntegerField(_("cost on the ballot, tenge"), null=True, blank=True)
    reason = models.TextField(_("public reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unanimous = models.BooleanField(_("all experts agreed"), default=False)
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(feasible=False) | models.Q(ballot_cost__isnull=False),
                name="feasible_decision_has_cost",
            )
        ]
        verbose_name = _("council decision")
        verbose_name_plural = _("council decisions")

    def __str__(self) -> str:
        return f"{self.proposal_id}: {'feasible' if self.feasible else 'not feasible'}"


class Shortlist(models.Model):
    """The edition's published ballot shortlist: once it exists, review is closed and decisions are final."""

    edition = models.OneToOneField(Edition, on_delete=models.PROTECT, related_name="shortlist")
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("shortlist")
        verbose_name_plural = _("shortlists")

    def __str__(self) -> str:
        return f"{self.edition} shortlist"
