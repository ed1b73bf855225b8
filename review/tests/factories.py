"""Plain helpers for review tests: an edition in a chosen phase, its staff, submitted proposals."""

from datetime import timedelta
from itertools import count

from django.utils import timezone

from accounts.testing import make_staff, make_user
from editions.models import Category, City, District, Edition, Phase

_slugs = count(1)

# Days from now at which each phase starts, so that `phase` is the current one.
_OFFSETS = [
    "announcement_starts",
    "proposals_start",
    "review_starts",
    "voting_starts",
    "results_start",
    "implementation_starts",
    "archive_starts",
]
_PHASE_INDEX = {
    Phase.ANNOUNCEMENT: 0,
    Phase.PROPOSALS: 1,
    Phase.REVIEW: 2,
    Phase.VOTING: 3,
    Phase.RESULTS: 4,
}


def make_edition(*, phase: Phase = Phase.REVIEW, city: City | None = None) -> Edition:
    city = city or make_city()
    now = timezone.now()
    current = _PHASE_INDEX[phase]
    dates = {field: now + timedelta(days=10 * (i - current) - 1) for i, field in enumerate(_OFFSETS)}
    edition = Edition.objects.create(
        city=city,
        year=2020 + next(_slugs),
        title_kk="Бастама",
        title_ru="Бастама",
        title_en="Bastama",
        budget=80_000_000,
        **dates,
    )
    assert edition.phase == phase
    return edition


def make_city(slug: str | None = None) -> City:
    slug = slug or f"city{next(_slugs)}"
    return City.objects.create(slug=slug, name_kk=slug, name_ru=slug, name_en=slug)


def set_phase(edition: Edition, phase: Phase) -> Edition:
    now = timezone.now()
    current = _PHASE_INDEX[phase]
    for i, field in enumerate(_OFFSETS):
        setattr(edition, field, now + timedelta(days=10 * (i - current) - 1))
    edition.save()
    return edition


def make_proposal(edition: Edition, *, status: str = "submitted", author=None, title: str = "Playground", **fields):
    from proposals.models import Proposal

    district = (
        fields.pop("district", None)
        or District.objects.filter(city=edition.city).first()
        or (District.objects.create(city=edition.city, name_kk="Орталық", name_ru="Центральный", name_en="Central"))
    )
    category = (
        fields.pop("category", None)
        or Category.objects.filter(edition=edition).first()
        or (Category.objects.create(edition=edition, name_kk="Аула", name_ru="Двор", name_en="Courtyard"))
    )
    return Proposal.objects.create(
        edition=edition,
        author=author or make_user(name="Author"),
        title=title,
        summary="A playground for the courtyard",
        description="Swings, a slide and a sandpit.",
        problem="Children play on the road.",
        address="Abai street 5",
        district=district,
        category=category,
        estimated_cost=fields.pop("estimated_cost", 5_000_000),
        status=status,
        **fields,
    )


def cast(city: City) -> dict:
    """The named people of a review test."""
    return {
        "coordinator": make_staff("coordinator", city=city, name="Coordinator"),
        "anna": make_staff("expert", city=city, name="Anna Expert"),
        "bolat": make_staff("expert", city=city, name="Bolat Expert"),
        "chingiz": make_staff("expert", city=city, name="Chingiz Expert"),
        "resident": make_user(name="Resident"),
    }


def assessment_data(recommendation: str = "feasible", cost: int | None = 4_000_000, **overrides) -> dict:
    data = {
        "legal_check": "The land belongs to the town.",
        "technical_feasibility": "Standard equipment.",
        "maintenance": "The akimat maintains it.",
        "cost_estimate": cost if recommendation == "feasible" else None,
        "cost_explanation": "Supplier quotes.",
        "duration_days": 60,
        "recommendation": recommendation,
        "public_reason": "Feasible on town land." if recommendation == "feasible" else "Private land.",
        "internal_notes": "SECRET-NOTE the contractor is the author's cousin",
    }
    data.update(overrides)
    return data
