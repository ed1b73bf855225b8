"""Plain helpers for proposals tests: a city with an edition in a chosen phase, people, proposals, images."""

import io
from datetime import timedelta
from itertools import count

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.testing import make_staff, make_user
from editions.models import PHASE_START_FIELDS, Category, City, District, Edition, EditionDistrict, Phase

_numbers = count(1)


def make_city(slug: str | None = None) -> City:
    slug = slug or f"town{next(_numbers)}"
    return City.objects.create(slug=slug, name_kk=slug, name_ru=slug, name_en=slug)


def phase_dates(phase: Phase) -> dict:
    """Dates putting `phase` in force now, each phase ten days long."""
    now = timezone.now()
    fields = list(PHASE_START_FIELDS.values())
    current = list(PHASE_START_FIELDS).index(phase)
    return {field: now + timedelta(days=10 * (i - current)) - timedelta(days=1) for i, field in enumerate(fields)}


def make_edition(*, phase: Phase = Phase.PROPOSALS, city: City | None = None, cap: int | None = 20_000_000):
    city = city or make_city()
    edition = Edition.objects.create(
        city=city,
        year=2000 + next(_numbers),
        title_kk="Бастама",
        title_ru="Бастама",
        title_en="Bastama",
        budget=80_000_000,
        proposal_cost_cap=cap,
        **phase_dates(phase),
    )
    district = District.objects.create(city=city, name_kk="Орталық", name_ru="Центральный", name_en="Central")
    EditionDistrict.objects.create(edition=edition, district=district)
    Category.objects.create(edition=edition, name_kk="Аула", name_ru="Двор", name_en="Courtyard")
    assert edition.phase == phase
    return edition


def set_phase(edition: Edition, phase: Phase) -> Edition:
    for field, value in phase_dates(phase).items():
        setattr(edition, field, value)
    edition.save()
    return edition


def proposal_data(edition: Edition, **overrides) -> dict:
    data = {
        "title": "Детская площадка во дворе",
        "summary": "Качели, горка и песочница",
        "description": "Установить современную детскую площадку с мягким покрытием.",
        "problem": "Дети играют на проезжей части.",
        "category": edition.categories.first(),
        "district": edition.edition_districts.first().district,
        "address": "ул. Абая, 5",
        "latitude": None,
        "longitude": None,
        "estimated_cost": 5_000_000,
    }
    data.update(overrides)
    return data


def make_proposal(edition: Edition, *, author=None, status: str = "submitted", **overrides):
    from proposals.models import Proposal

    if status == "feasible":
        overrides.setdefault("ballot_cost", overrides.get("estimated_cost", 5_000_000))
    data = proposal_data(edition, **overrides)
    proposal = Proposal(
        edition=edition,
        author=author or make_user(name="Author"),
        status=status,
        submitted_at=timezone.now() if status != "draft" else None,
        **data,
    )
    proposal.refresh_search_text()
    proposal.save()
    return proposal


def cast(edition: Edition) -> dict:
    return {
        "resident": make_user(name="Aigerim"),
        "neighbour": make_user(name="Bolat"),
        "coordinator": make_staff("coordinator", city=edition.city, name="Coordinator"),
        "other_coordinator": make_staff("coordinator", city=make_city(), name="Other coordinator"),
    }


def image_bytes(fmt: str = "JPEG", size=(1200, 800), exif: bool = True) -> bytes:
    """A real image made by Pillow; JPEGs carry EXIF with a GPS-like tag and a camera make to be stripped."""
    image = Image.new("RGB", size, (30, 120, 200))
    out = io.BytesIO()
    if exif and fmt == "JPEG":
        data = Image.Exif()
        data[0x010F] = "SecretCameraMaker"  # Make
        data[0x8825] = {1: "N"}  # GPS IFD
        image.save(out, fmt, exif=data)
    else:
        image.save(out, fmt)
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
