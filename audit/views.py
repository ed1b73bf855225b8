"""The audit log for coordinators and administrators, and each edition's public decisions."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from editions.models import Edition
from editions.permissions import coordinated_cities, is_administrator

from .forms import AuditFilterForm
from .models import AuditEntry

PAGE_SIZE = 50


def _entries_and_editions_for(user):
    """What this person may read: administrators everything; coordinators their cities' editions; others 403."""
    if is_administrator(user):
        return AuditEntry.objects.all(), Edition.objects.all()
    cities = coordinated_cities(user)
    if not cities.exists():
        raise PermissionDenied
    editions = Edition.objects.filter(city__in=cities)
    return AuditEntry.objects.filter(edition_id__in=editions.values("pk")), editions


@login_required
def log(request):
    entries, editions = _entries_and_editions_for(request.user)
    form = AuditFilterForm(request.GET or None, editions=editions, entries=entries)
    if form.is_bound and form.is_valid():
        entries = form.filter(entries)
    page = Paginator(entries.select_related("actor"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"form": form, "page": page})


def decisions(request, edition_id: int):
    """Public: the decisions recorded for an announced edition, newest first."""
    edition = get_object_or_404(Edition.objects.public().select_related("city"), pk=edition_id)
    entries = AuditEntry.objects.public().for_edition(edition.pk).select_related("actor")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/decisions.html", {"edition": edition, "page": page})
