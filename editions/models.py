"""Cities, their yearly editions and each edition's phases; districts, categories and staff roles."""

from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .i18n import localized


class Phase(models.TextChoices):
    """An edition's phases in order; each starts on its date and ends when the next starts."""

    DRAFT = "draft", _("Not yet announced")
    ANNOUNCEMENT = "announcement", _("Announcement")
    PROPOSALS = "proposals", _("Proposals")
    REVIEW = "review", _("Expert review")
    VOTING = "voting", _("Voting")
    RESULTS = "results", _("Results")
    IMPLEMENTATION = "implementation", _("Implementation")
    ARCHIVE = "archive", _("Archive")


# The date field on Edition at which each phase (after draft) starts.
PHASE_START_FIELDS = {
    Phase.ANNOUNCEMENT: "announcement_starts",
    Phase.PROPOSALS: "proposals_start",
    Phase.REVIEW: "review_starts",
    Phase.VOTING: "voting_starts",
    Phase.RESULTS: "results_start",
    Phase.IMPLEMENTATION: "implementation_starts",
    Phase.ARCHIVE: "archive_starts",
}


class City(models.Model):
    slug = models.SlugField(_("address name"), unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    programme_kk = models.CharField(_("programme (Kazakh)"), max_length=200, blank=True)
    programme_ru = models.CharField(_("programme (Russian)"), max_length=200, blank=True)
    programme_en = models.CharField(_("programme (English)"), max_length=200, blank=True)
    about_kk = models.TextField(_("about the programme (Kazakh)"), blank=True)
    about_ru = models.TextField(_("about the programme (Russian)"), blank=True)
    about_en = models.TextField(_("about the programme (English)"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phones = models.CharField(_("phones"), max_length=200, blank=True)
    instagram = models.URLField("Instagram", blank=True)
    odnoklassniki = models.URLField("OK", blank=True)
    telegram = models.URLField("Telegram", blank=True)
    whatsapp = models.URLField("WhatsApp", blank=True)
    facebook = models.URLField("Facebook", blank=True)
    vk = models.URLField("VK", blank=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("editions:city", kwargs={"city_slug": self.slug})

    def clean(self):
        from .reserved import reserved_slugs

        if self.slug in reserved_slugs():
            raise ValidationError({"slug": _("This address is used by the site itself; choose another.")})

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def programme(self) -> str:
        return localized(self, "programme")

    @property
    def about(self) -> str:
        return localized(self, "about")


class District(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="districts")
    name_kk = models.CharField(_("name (Kazakh)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        ordering = ["name_ru"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class BallotType(models.TextChoices):
    KNAPSACK = "knapsack", _("Knapsack: choose projects that fit the budget")
    SINGLE = "single", _("Single choice: one project")
    APPROVAL = "approval", _("Approval: choose up to k projects")
    CUMULATIVE = "cumulative", _("Cumulative: spread points")
    RANKED = "ranked", _("Ranked: order up to k projects")


class CountingRule(models.TextChoices):
    GREEDY = "greedy", _("Greedy by votes")
    MES = "mes", _("Method of Equal Shares")
    PHRAGMEN = "phragmen", _("Sequential Phragmén")


class EditionQuerySet(models.QuerySet):
    def public(self):
        """Editions the public may see: every one that has been announced."""
        return self.filter(announcement_starts__lte=timezone.now())


class Edition(models.Model):
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="editions")
    year = models.PositiveSmallIntegerField(_("year"))
    title_kk = models.CharField(_("title (Kazakh)"), max_length=200)
    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    budget = models.PositiveBigIntegerField(_("budget, tenge"))
    proposal_cost_cap = models.PositiveBigIntegerField(_("maximum cost of one proposal, tenge"), null=True, blank=True)
    min_voter_age = models.PositiveSmallIntegerField(_("minimum voter age"), default=16)
    ballot_type = models.CharField(_("ballot type"), max_length=16, choices=BallotType, default=BallotType.KNAPSACK)
    max_choices = models.PositiveSmallIntegerField(
        _("maximum projects per ballot (approval, ranked)"), null=True, blank=True
    )
    points = models.PositiveSmallIntegerField(_("points per voter (cumulative)"), null=True, blank=True)
    counting_rule = models.CharField(
        _("counting rule"), max_length=16, choices=CountingRule, default=CountingRule.GREEDY
    )
    tie_break_seed = models.CharField(
        _("published tie-break seed"),
        max_length=64,
        blank=True,
        help_text=_("Announced before voting; orders projects that tie on cost and votes."),
    )
    announcement_starts = models.DateTimeField(_("announcement"))
    proposals_start = models.DateTimeField(_("proposals open"))
    review_starts = models.DateTimeField(_("expert review starts"))
    voting_starts = models.DateTimeField(_("voting opens"))
    results_start = models.DateTimeField(_("voting closes, results"))
    implementation_starts = models.DateTimeField(_("implementation starts"))
    archive_starts = models.DateTimeField(_("archived"))

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["city", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["city", "year"], name="one_edition_per_city_year"),
            models.CheckConstraint(
                condition=Q(announcement_starts__lte=models.F("proposals_start"))
                & Q(proposals_start__lte=models.F("review_starts"))
                & Q(review_starts__lte=models.F("voting_starts"))
                & Q(voting_starts__lte=models.F("results_start"))
                & Q(results_start__lte=models.F("implementation_starts"))
                & Q(implementation_starts__lte=models.F("archive_starts")),
                name="phase_dates_in_order",
            ),
        ]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")

    def __str__(self) -> str:
        return f"{self.city} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("editions:edition", kwargs={"city_slug": self.city.slug, "year": self.year})

    @property
    def title(self) -> str:
        return localized(self, "title")

    def phase_at(self, moment) -> Phase:
        """The phase on a given moment: the last phase whose start date has passed."""
        current = Phase.DRAFT
        for phase, field in PHASE_START_FIELDS.items():
            if getattr(self, field) <= moment:
                current = phase
        return current

    @property
    def phase(self) -> Phase:
        return self.phase_at(timezone.now())

    def next_phase_start(self, moment=None) -> tuple[Phase, object] | None:
        """The next phase and when it starts, for the countdown; None in the archive."""
        moment = moment or timezone.now()
        for phase, field in PHASE_START_FIELDS.items():
            if getattr(self, field) > moment:
                return phase, getattr(self, field)
        return None

    @property
    def voting_has_opened(self) -> bool:
        """Once voting opens the ballot settings are locked: changing them would change votes cast."""
        return self.voting_starts <= timezone.now()

    def own_budgets(self) -> dict[int, int]:
        """The districts with a budget of their own, {district id: budget}; empty when the budget is not split."""
        return dict(self.edition_districts.filter(budget__isnull=False).values_list("district_id", "budget"))

    def budget_for(self, district_id: int | None) -> int:
        """The budget the proposals of a district (or of none) are voted on (one query; see `voting_budget`)."""
        return voting_budget(self.budget, self.own_budgets(), district_id)


class Category(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="categories")
    name_kk = models.CharField(_("name (Kazakh)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        ordering = ["name_ru"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


def shared_budget(budget: int, own_budgets) -> int:
    """What the districts' own budgets leave of an edition's `budget`: the shared budget of the other districts'
    projects; 0 when no district has a budget of its own (one budget) or nothing is left."""
    own = [amount for amount in own_budgets if amount is not None]
    return max(0, budget - sum(own)) if own else 0


def voting_budget(budget: int, own_budgets: Mapping[int, int | None], district_id: int | None) -> int:
    """The budget the proposals of district `district_id` (None: of no district) are voted on.

    `own_budgets` maps district ids to their own budgets (None: none of its own). When the edition's `budget` is
    split, a district with its own budget votes on it and every other proposal goes to the shared budget;
    otherwise every proposal is voted on the edition's one `budget`.
    """
    own = {pk: amount for pk, amount in own_budgets.items() if amount is not None}
    if not own:
        return budget
    if district_id in own:
        return own[district_id]
    return shared_budget(budget, own.values())


class EditionDistrict(models.Model):
    """A district taking part in an edition, with its own budget when the budget is split."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="edition_districts")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    budget = models.PositiveBigIntegerField(_("own budget, tenge"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["edition", "district"], name="district_once_per_edition")]
        verbose_name = _("district of an edition")
        verbose_name_plural = _("districts of an edition")

    def __str__(self) -> str:
        return str(self.district)


class Role(models.TextChoices):
    EXPERT = "expert", _("Expert")
    COORDINATOR = "coordinator", _("Coordinator")
    ADMINISTRATOR = "administrator", _("Administrator")


class StaffRole(models.Model):
    """A staff role; experts and coordinators act for one city, administrators for the whole site."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(_("role"), max_length=16, choices=Role)
    city = models.ForeignKey(City, on_delete=models.CASCADE, null=True, blank=True, related_name="staff_roles")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "city"], name="unique_staff_role"),
            models.CheckConstraint(
                condition=Q(role="administrator", city__isnull=True)
                | (~Q(role="administrator") & Q(city__isnull=False)),
                name="city_role_has_city",
            ),
        ]
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.city or ''}".strip()
