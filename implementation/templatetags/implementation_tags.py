from django import template

from implementation.models import ImplementationRecord
from implementation.selectors import totals

register = template.Library()


@register.simple_tag
def edition_implementation(edition):
    """Totals of the edition's implementation records, or None when there are none (for the public panels)."""
    if edition is None:
        return None
    records = ImplementationRecord.objects.filter(edition=edition)
    summary = totals(records)
    return summary if summary.projects else None


@register.filter
def iso_date(value) -> str:
    """A "YYYY-MM-DD" string (as notification contexts carry dates) spelled out in the active language."""
    from datetime import date

    from editions.templatetags.bastama import format_date

    try:
        return format_date(date.fromisoformat(str(value)))
    except ValueError:
        return value
