from django import template
from django.conf import settings
from django.utils.translation import get_language

register = template.Library()


@register.filter
def in_language(value):
    """Pick the current language from {"kk": …, "ru": …, "en": …} (texts passed to notify() in three languages)."""
    if not isinstance(value, dict):
        return value
    return value.get(get_language()) or value.get(settings.LANGUAGE_CODE) or next(iter(value.values()), "")
