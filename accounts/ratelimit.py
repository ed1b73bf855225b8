"""Counting events per key in the database, so limits hold across app servers on SQLite and PostgreSQL."""

from datetime import timedelta

from django.utils import timezone

from .models import RateLimitHit


def hit(key: str, *, limit: int, window: timedelta) -> bool:
    """Count one event under `key`; False (and nothing counted) when `limit` events already fell in `window`.

    Two requests racing may both pass at the edge; a limit of a few per hour is not hurt by one extra.
    """
    now = timezone.now()
    RateLimitHit.objects.filter(key=key, created_at__lt=now - window).delete()
    if RateLimitHit.objects.filter(key=key).count() >= limit:
        return False
    RateLimitHit.objects.create(key=key, created_at=now)
    return True
