"""make_* helpers for implementation, news and report tests."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from editions.models import Category, City, District, Edition
from implementation import services
from results.models import CountRun


def make_edition(slug: str = "aksu", *, year: int | None = None, days_ago: int = 400) -> Edition:
    """An edition whose results are out (implementation phase)."""
    now = timezone.now()
    city, _ = City.objects.get_or_create(
        slug=slug, defaults={"name_kk": slug, "name_ru": slug, "name_en": slug.title()}
    )
    start = now - timedelta(days=days_ago)
    return Edition.objects.create(
        city=city,
        year=year or start.year,
        title_kk=f"{slug} kk",
        title_ru=f"{slug} ru",
        title_en=f"{slug.title()} edition",
        budget=80_000_000,
        announcement_starts=start,
        proposals_start=start + timedelta(days=10),
        review_starts=start + timedelta(days=40),
        voting_starts=start + timedelta(days=60),
        results_start=start + timedelta(days=75),
        implementation_starts=start + timedelta(days=90),
        archive_starts=now + timedelta(days=300),
    )


def make_district(edition, name: str = "Central") -> District:
    return District.objects.create(city=edition.city, name_kk=name, name_ru=name, name_en=name)


def make_category(edition, name: str = "Courtyards") -> Category:
    return Category.objects.create(edition=edition, name_kk=name, name_ru=name, name_en=name)


def publish_count(edition, projects: list[tuple[str, str, int, bool]], *, voters: int = 100, district=None) -> CountRun:
    """A published count: projects are (id, name, cost, selected)."""
    return CountRun.objects.create(
        edition=edition,
        district=district,
        rule="greedy",
        input_hash="0" * 64,
        input_pb="",
        outcome={
            "projects": [
                {"id": pid, "votes": 10, "cost": str(cost), "selected": selected} for pid, _, cost, selected in projects
            ],
            "names": {pid: name for pid, name, _, _ in projects},
            "voters": voters,
            "budget": "80000000",
            "spent": str(sum(cost for _, _, cost, selected in projects if selected)),
        },
        duration_ms=1,
        published_at=timezone.now(),
    )


def make_record(edition, title: str = "Playground", **fields):
    record, _ = services.create_record(
        actor=None, edition=edition, project_id=fields.pop("project_id", title), title=title, **fields
    )
    return record


def jpeg_upload(name: str = "photo.jpg", size=(640, 480), color=(40, 120, 200)) -> SimpleUploadedFile:
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make: must not survive re-encoding
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")
