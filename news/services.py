"""Writing news: one audited call saves an item (and re-encodes its photo); publishing is setting a date."""

from django.db import transaction
from django.utils import timezone

from audit.services import record_action
from implementation.photos import reencode

from .models import NewsItem

FIELDS = ("title_kk", "title_ru", "title_en", "body_kk", "body_ru", "body_en", "photo_alt")


def save_news(*, actor, city, item: NewsItem | None = None, photo=None, publish: bool, **texts) -> NewsItem:
    """Create or change a news item; `publish` sets the publication time (kept if it was already published)."""
    encoded = reencode(photo) if photo else None
    with transaction.atomic():
        item = item or NewsItem(city=city, author=actor)
        created = item.pk is None
        for field in FIELDS:
            if field in texts:
                setattr(item, field, texts[field] or "")
        if publish and item.published_at is None:
            item.published_at = timezone.now()
        elif not publish:
            item.published_at = None
        if encoded is not None:
            item.photo.save(encoded.name, encoded, save=False)
        item.save()
        record_action(
            actor=actor,
            action="news.created" if created else "news.changed",
            target=item,
            summary=item.title_ru or item.title_kk or item.title_en,
            after={"published": item.published_at is not None, "photo": bool(item.photo)},
        )
    return item
