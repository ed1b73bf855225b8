"""Template filters for amounts and dates written the way each of the site's languages writes them.

{% load bastama %}
{{ edition.budget|tenge }}         kk, ru: 80 000 000 ₸   en: ₸80,000,000
{{ edition.voting_starts|local_date }}        kk: 2022 ж. 4 мамыр   ru: 4 мая 2022 г.   en: 4 May 2022
"""

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.translation import get_language

register = template.Library()

NARROW_NBSP = "\u202f"  # groups digits in Kazakh and Russian and never breaks a line inside a number
NBSP = "\u00a0"

_MONTHS = {
    "kk": ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек", "қазан",
           "қараша", "желтоқсан"],
    "ru": ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
           "ноября", "декабря"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}  # fmt: skip


def _language(language: str | None) -> str:
    code = (language or get_language() or "kk")[:2]
    return code if code in _MONTHS else "en"


def format_tenge(amount, language: str | None = None) -> str:
    """An amount of tenge (an integer) in the active language; empty for None."""
    if amount is None or amount == "":
        return ""
    grouped = f"{int(amount):,}"
    if _language(language) == "en":
        return f"₸{grouped}"
    return grouped.replace(",", NARROW_NBSP) + NBSP + "₸"


def format_date(value, language: str | None = None, *, with_time: bool = False) -> str:
    """A date (or an aware datetime, shown in the site's time zone) spelled out with the month's name."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    day: date = value
    code = _language(language)
    month = _MONTHS[code][day.month - 1]
    if code == "kk":
        text = f"{day.year}{NBSP}ж. {day.day}{NBSP}{month}"
    elif code == "ru":
        text = f"{day.day}{NBSP}{month} {day.year}{NBSP}г."
    else:
        text = f"{day.day}{NBSP}{month} {day.year}"
    if with_time and isinstance(value, datetime):
        text += f", {value:%H:%M}"
    return text


@register.filter
def tenge(amount) -> str:
    return format_tenge(amount)


@register.filter
def local_date(value) -> str:
    return format_date(value)


@register.filter
def local_datetime(value) -> str:
    return format_date(value, with_time=True)


@register.simple_tag(takes_context=True)
def page_city(context):
    """The city a page is about, for the header and nav: `city` in the context, else `edition.city`."""
    city = context.get("city")
    if city is None and context.get("edition") is not None:
        city = getattr(context["edition"], "city", None)
    return city


@register.simple_tag(takes_context=True)
def staff_roles(context) -> set[str]:
    """The staff roles of the signed-in person, so the header can link to their screens (experts have no dashboard)."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return set()
    roles = set(user.staff_roles.values_list("role", flat=True))
    if user.is_superuser:
        roles.add("administrator")
    return roles
