"""City address names (slugs) that would collide with the site's own top-level paths."""

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

# Always reserved, whether or not an app mounting them is installed yet.
ALWAYS_RESERVED = frozenset(
    {"accounts", "admin", "audit", "editions", "healthz", "i18n", "media", "results", "static", "staff"}
)


def _first_segments(patterns):
    for pattern in patterns:
        route = str(pattern.pattern).lstrip("^")
        head = route.split("/", 1)[0]
        if head and "<" not in head and "(" not in head:
            yield head.rstrip("$")
        elif not head and isinstance(pattern, URLResolver):
            yield from _first_segments(pattern.url_patterns)
        elif not head and isinstance(pattern, URLPattern):
            continue


def reserved_slugs() -> frozenset[str]:
    """Every literal first path segment the site routes (accounts, audit, staff, editions, …) plus the fixed ones."""
    found = set(_first_segments(get_resolver().url_patterns))
    found |= {settings.STATIC_URL.strip("/"), settings.MEDIA_URL.strip("/")}
    return ALWAYS_RESERVED | {segment for segment in found if segment}
