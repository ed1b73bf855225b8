"""Public project pages and summary; the coordinator's implementation screen, milestones, imports, reports."""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from editions.models import Edition
from editions.permissions import get_edition_for_coordinator, is_coordinator
from notifications import services as notifications

from . import progress, reports, selectors, services
from .forms import FilterForm, ImportForm, MilestoneEditForm, MilestoneForm, RecordForm
from .models import ImplementationRecord, Milestone

REPORT_SALT = "implementation.report"
REPORT_LINK_DAYS = 180


def _public_edition(edition_id: int) -> Edition:
    return get_object_or_404(Edition.objects.public().select_related("city"), pk=edition_id)


def _record(edition: Edition, record_id: int) -> ImplementationRecord:
    return get_object_or_404(ImplementationRecord.objects.for_list(), pk=record_id, edition=edition)


def _map_tiles() -> dict:
    """The same tiles as the proposals map (none in tests: no outside network)."""
    if apps.is_installed("proposals"):
        from proposals import conf

        return conf.map_tiles()
    return {"url": "", "attribution": ""}


def edition_projects(request, edition_id: int):
    edition = _public_edition(edition_id)
    form = FilterForm(request.GET or None, edition=edition)
    filters = form.cleaned_data if form.is_valid() else {}
    records = selectors.edition_records(edition, **{k: v for k, v in filters.items() if v})
    context = {
        "edition": edition,
        "form": form,
        "records": records,
        "totals": selectors.totals(records),
        "points": [
            {
                "title": r.title,
                "lat": float(r.latitude),
                "lon": float(r.longitude),
                "url": r.get_absolute_url(),
                "status": str(r.get_status_display()),
                "progress": r.progress,
            }
            for r in records
            if r.latitude is not None and r.longitude is not None
        ],
        "tiles": _map_tiles(),
    }
    return render(request, "implementation/edition.html", context)


def record_detail(request, edition_id: int, record_id: int):
    edition = _public_edition(edition_id)
    record = _record(edition, record_id)
    context = {
        "edition": edition,
        "record": record,
        "timeline": selectors.timeline(record),
        "following": notifications.is_following(request.user, record),
    }
    return render(request, "implementation/record.html", context)


@login_required
@require_POST
def follow(request, edition_id: int, record_id: int):
    record = _record(_public_edition(edition_id), record_id)
    if request.POST.get("follow") == "0":
        notifications.unfollow(user=request.user, target=record)
        messages.success(request, _("You no longer follow this project."))
    else:
        notifications.follow(user=request.user, target=record)
        messages.success(request, _("You follow this project: we will write to you about its progress."))
    return redirect(record)


def summary(request):
    return render(request, "implementation/summary.html", {"cities": selectors.summary()})


# Coordinator screens


@login_required
def staff_records(request, edition_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    records = list(ImplementationRecord.objects.for_list().filter(edition=edition))
    forms = {r.pk: RecordForm(instance=r, prefix=f"r{r.pk}") for r in records}
    if request.method == "POST":
        record = next((r for r in records if str(r.pk) == request.POST.get("record")), None)
        if record is None:
            raise PermissionDenied
        form = forms[record.pk] = RecordForm(request.POST, instance=record, prefix=f"r{record.pk}")
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                services.update_record(actor=request.user, record=record, **changes)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved: %(title)s.") % {"title": record.title})
                return redirect(f"{reverse('implementation:staff', args=[edition.pk])}#record-{record.pk}")
        # ModelForm validation writes the posted values onto the instance; show the saved row's values elsewhere.
    context = {
        "edition": edition,
        "rows": [(r, forms[r.pk]) for r in records],
        "stale": set(services.stale_records(edition).values_list("pk", flat=True)),
        "import_form": ImportForm(),
        "report_link": request.build_absolute_uri(reverse("implementation:report", args=[edition.pk]))
        + "?key="
        + signing.dumps(edition.pk, salt=REPORT_SALT),
    }
    return render(request, "implementation/staff.html", context)


@login_required
@require_POST
def staff_create_from_results(request, edition_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    try:
        sync = services.sync_records_with_results(actor=request.user, edition=edition)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("implementation:staff", edition_id=edition.pk)
    messages.success(request, _("Projects added from the results: %(n)s.") % {"n": len(sync.created)})
    if sync.removed:
        messages.info(
            request,
            _("Removed, no longer winners of the published results: %(titles)s.") % {"titles": ", ".join(sync.removed)},
        )
    if sync.stale:
        messages.warning(
            request,
            _(
                "No longer winners of the published results, but work is recorded on them: %(titles)s. "
                "Cancel them with a public reason if they will not be built."
            )
            % {"titles": ", ".join(r.title for r in sync.stale)},
        )
    return redirect("implementation:staff", edition_id=edition.pk)


@login_required
def staff_milestone(request, edition_id: int, record_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    record = _record(edition, record_id)
    form = MilestoneForm(request.POST or None, request.FILES or None, initial={"language": get_language()})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_milestone(actor=request.user, record=record, **form.milestone_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Milestone added; followers will be notified."))
            return redirect("implementation:staff", edition_id=edition.pk)
    context = {"edition": edition, "record": record, "form": form, "milestones": record.milestones.all()}
    return render(request, "implementation/milestone_form.html", context)


def _coordinated_milestone(request, edition_id: int, record_id: int, milestone_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    record = _record(edition, record_id)
    return edition, record, get_object_or_404(Milestone, pk=milestone_id, record=record)


@login_required
def staff_milestone_edit(request, edition_id: int, record_id: int, milestone_id: int):
    """Correct a milestone: its text and date, new photos, photos taken away (followers are not told again)."""
    edition, record, milestone = _coordinated_milestone(request, edition_id, record_id, milestone_id)
    form = MilestoneEditForm(request.POST or None, request.FILES or None, milestone=milestone)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_milestone(actor=request.user, milestone=milestone, **form.milestone_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Milestone saved."))
            return redirect("implementation:milestone", edition_id=edition.pk, record_id=record.pk)
    context = {"edition": edition, "record": record, "form": form, "milestone": milestone}
    return render(request, "implementation/milestone_form.html", context)


@login_required
def staff_milestone_delete(request, edition_id: int, record_id: int, milestone_id: int):
    """GET: ask; POST: take the milestone and its photos off the timeline."""
    edition, record, milestone = _coordinated_milestone(request, edition_id, record_id, milestone_id)
    if request.method == "POST":
        services.delete_milestone(actor=request.user, milestone=milestone)
        messages.success(request, _("Milestone deleted."))
        return redirect("implementation:milestone", edition_id=edition.pk, record_id=record.pk)
    context = {"edition": edition, "record": record, "milestone": milestone}
    return render(request, "implementation/milestone_delete.html", context)


@login_required
def staff_export(request, edition_id: int, fmt: str):
    edition = get_edition_for_coordinator(request.user, edition_id)
    name = f"progress-{edition.city.slug}-{edition.year}"
    if fmt == "xlsx":
        response = HttpResponse(
            progress.export_xlsx(edition),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = HttpResponse(progress.export_csv(edition), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@login_required
@require_POST
def staff_import(request, edition_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to import."))
        return redirect("implementation:staff", edition_id=edition.pk)
    try:
        changed = progress.import_progress(actor=request.user, edition=edition, upload=form.cleaned_data["file"])
    except ValidationError as error:
        for message in error.messages[:20]:
            messages.error(request, message)
        messages.error(request, _("Nothing was imported."))
    else:
        messages.success(request, _("Imported: %(n)s projects changed.") % {"n": changed})
    return redirect("implementation:staff", edition_id=edition.pk)


# Reports: coordinators, or anyone holding the signed link a coordinator gave the sponsor.


def _report_edition(request, edition_id: int) -> Edition:
    key = request.GET.get("key")
    if key:
        try:
            if signing.loads(key, salt=REPORT_SALT, max_age=REPORT_LINK_DAYS * 86400) == edition_id:
                return get_object_or_404(Edition.objects.select_related("city"), pk=edition_id)
        except signing.BadSignature:
            pass
        raise PermissionDenied
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        raise _LoginRequired(redirect_to_login(request.get_full_path()))
    edition = get_object_or_404(Edition.objects.select_related("city"), pk=edition_id)
    if not is_coordinator(request.user, edition.city):
        raise PermissionDenied
    return edition


class _LoginRequired(Exception):
    def __init__(self, response):
        self.response = response


def _report_view(build_response):
    def view(request, edition_id: int):
        try:
            edition = _report_edition(request, edition_id)
        except _LoginRequired as redirect_response:
            return redirect_response.response
        return build_response(request, edition, reports.build(edition))

    view.__name__ = build_response.__name__
    return view


@_report_view
def report(request, edition, data):
    return render(request, "implementation/report.html", {"edition": edition, "report": data})


@_report_view
def report_pdf(request, edition, data):
    response = HttpResponse(reports.render_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="report-{edition.city.slug}-{edition.year}.pdf"'
    return response


@_report_view
def report_xlsx(request, edition, data):
    response = HttpResponse(
        reports.render_xlsx(data), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="report-{edition.city.slug}-{edition.year}.xlsx"'
    return response
