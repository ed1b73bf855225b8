"""Model text kept in three languages (`name_kk`, `name_ru`, `name_en`) and read in the active one."""

from django.utils.translation import get_language

FALLBACK_ORDER = ("kk", "ru", "en")


def localized(obj, field: str) -> str:
    """The field in the active language, falling back to the other languages when it is empty."""
    active = (get_language() or "kk")[:2]
    for code in (active, *FALLBACK_ORDER):
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""
