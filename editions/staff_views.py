"""Coordinators' screens: the dashboard, editions, their districts and categories, phases; cities for administrators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import (
    AddDistrictForm,
    AdvancePhaseForm,
    CategoryForm,
    CityForm,
    EditionDistrictForm,
    EditionForm,
    StaffRoleForm,
)
from .models import PHASE_START_FIELDS, Category, City, Edition, EditionDistrict, Phase, StaffRole
from .permissions import coordinated_cities, get_edition_for_coordinator, is_administrator, is_coordinator
from .staff_links import edition_links


def _get_city_for_coordinator(user, city_id: int) -> City:
    city = get_object_or_404(City, pk=city_id)
    if not is_coordinator(user, city):
        raise PermissionDenied
    return city


def _get_city_for_administrator(user, city_id: int) -> City:
    if not is_administrator(user):
        raise PermissionDenied
    return get_object_or_404(City, pk=city_id)


def _next_phase(edition: Edition):
    """The phase `advance_phase` would start, or None in the archive."""
    phases = list(PHASE_START_FIELDS)
    current = edition.phase
    if current == Phase.ARCHIVE:
        return None
    return phases[0] if current == Phase.DRAFT else phases[phases.index(current) + 1]


@login_required
def dashboard(request):
    cities = coordinated_cities(request.user)
    if not cities.exists():
        raise PermissionDenied
    now = timezone.now()
    rows = []
    for city in cities.prefetch_related("editions"):
        editions = [
            {"edition": e, "phase": e.phase_at(now), "next": e.next_phase_start(now), "links": edition_links(e)}
            for e in city.editions.all()
        ]
        rows.append({"city": city, "editions": editions})
    return render(
        request,
        "editions/staff/dashboard.html",
        {"rows": rows, "is_administrator": is_administrator(request.user)},
    )


@login_required
def edition_create(request, city_id: int):
    city = _get_city_for_coordinator(request.user, city_id)
    form = EditionForm(request.POST or None, city=city, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            edition = services.create_edition(actor=request.user, city=city, values=form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The edition is created."))
            return redirect("staff:edition_edit", edition_id=edition.pk)
    return render(request, "editions/staff/edition_form.html", {"form": form, "city": city, "edition": None})


@login_required
def edition_edit(request, edition_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    form = EditionForm(request.POST or None, instance=edition, city=edition.city)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_edition(actor=request.user, edition=edition, values=form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("staff:edition_edit", edition_id=edition.pk)
    edition.refresh_from_db()  # the form wrote typed values onto the instance; show the saved ones beside it
    return render(
        request,
        "editions/staff/edition_form.html",
        {
            "form": form,
            "city": edition.city,
            "edition": edition,
            "phase": edition.phase,
            "next_phase": _next_phase(edition),
            "links": edition_links(edition),
        },
    )


def _render_structure(request, edition: Edition, *, bound=None, status: int = 200):
    """The districts and categories page; `bound` replaces the blank or saved form of the row that failed."""
    bound = bound or {}
    edition_districts = edition.edition_districts.select_related("district").order_by("district__name_ru")
    district_rows = [
        (row, bound.get(("district", row.pk)) or EditionDistrictForm.for_row(row)) for row in edition_districts
    ]
    category_rows = [
        (category, bound.get(("category", category.pk)) or CategoryForm.for_category(category))
        for category in edition.categories.all()
    ]
    context = {
        "edition": edition,
        "district_rows": district_rows,
        "add_district_form": bound.get("add_district") or AddDistrictForm(edition=edition),
        "category_rows": category_rows,
        "add_category_form": bound.get("add_category") or CategoryForm(prefix="new-category"),
    }
    return render(request, "editions/staff/structure.html", context, status=status)


@login_required
def edition_structure(request, edition_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    return _render_structure(request, edition)


def _act(request, edition, form, key, action, success: str):
    """Run `action()` when the form is valid; back to the page with a message, or the page with the form's errors."""
    if form.is_valid():
        try:
            action()
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, success)
            return redirect("staff:edition_structure", edition_id=edition.pk)
    return _render_structure(request, edition, bound={key: form}, status=400)


def _remove(request, edition, action, success: str):
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("staff:edition_structure", edition_id=edition.pk)


@login_required
@require_POST
def category_add(request, edition_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    form = CategoryForm(request.POST, prefix="new-category")
    return _act(
        request,
        edition,
        form,
        "add_category",
        lambda: services.add_category(actor=request.user, edition=edition, names=form.names()),
        _("The category is added."),
    )


@login_required
@require_POST
def category_edit(request, edition_id: int, category_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    category = get_object_or_404(Category, pk=category_id, edition=edition)
    form = CategoryForm.for_category(category, request.POST)
    return _act(
        request,
        edition,
        form,
        ("category", category.pk),
        lambda: services.update_category(actor=request.user, category=category, names=form.names()),
        _("The category is saved."),
    )


@login_required
@require_POST
def category_remove(request, edition_id: int, category_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    category = get_object_or_404(Category, pk=category_id, edition=edition)
    return _remove(
        request,
        edition,
        lambda: services.remove_category(actor=request.user, category=category),
        _("The category is removed."),
    )


@login_required
@require_POST
def district_add(request, edition_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    form = AddDistrictForm(request.POST, edition=edition)
    return _act(
        request,
        edition,
        form,
        "add_district",
        lambda: services.add_edition_district(
            actor=request.user,
            edition=edition,
            district=form.cleaned_data["district"],
            names=form.names(),
            budget=form.cleaned_data["budget"],
        ),
        _("The district is added."),
    )


@login_required
@require_POST
def district_edit(request, edition_id: int, edition_district_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    row = get_object_or_404(EditionDistrict.objects.select_related("district"), pk=edition_district_id, edition=edition)
    form = EditionDistrictForm.for_row(row, request.POST)
    return _act(
        request,
        edition,
        form,
        ("district", row.pk),
        lambda: services.update_edition_district(
            actor=request.user, edition_district=row, names=form.names(), budget=form.cleaned_data["budget"]
        ),
        _("The district is saved."),
    )


@login_required
@require_POST
def district_remove(request, edition_id: int, edition_district_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    row = get_object_or_404(EditionDistrict.objects.select_related("district"), pk=edition_district_id, edition=edition)
    return _remove(
        request,
        edition,
        lambda: services.remove_edition_district(actor=request.user, edition_district=row),
        _("The district no longer takes part in the edition."),
    )


@login_required
def advance_phase(request, edition_id: int):
    """A confirmation page with the reason; POST starts the next phase now."""
    edition = get_edition_for_coordinator(request.user, edition_id)
    next_phase = _next_phase(edition)
    form = AdvancePhaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.advance_phase(
                actor=request.user,
                edition=edition,
                reason=form.cleaned_data["reason"],
                expected_phase=form.cleaned_data["next_phase"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            started = Phase(form.cleaned_data["next_phase"])
            messages.success(request, _("The phase “%(phase)s” has started.") % {"phase": started.label})
            return redirect("staff:edition_edit", edition_id=edition.pk)
    context = {"edition": edition, "phase": edition.phase, "next_phase": next_phase, "form": form}
    if next_phase is not None:
        context["next_date"] = getattr(edition, PHASE_START_FIELDS[next_phase])
    return render(request, "editions/staff/advance_phase.html", context)


@login_required
def city_create(request):
    if not is_administrator(request.user):
        raise PermissionDenied
    form = CityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        city = services.create_city(actor=request.user, values=form.cleaned_data)
        messages.success(request, _("The city is created."))
        return redirect("staff:city_edit", city_id=city.pk)
    return render(request, "editions/staff/city_form.html", {"form": form, "city": None})


def _staff_roles(city: City):
    return StaffRole.objects.filter(city=city).select_related("user").order_by("role", "user__name")


@login_required
def city_edit(request, city_id: int):
    city = _get_city_for_administrator(request.user, city_id)
    form = CityForm(request.POST or None, instance=city)
    if request.method == "POST" and form.is_valid():
        services.update_city(actor=request.user, city=city, values=form.cleaned_data)
        messages.success(request, _("The changes are saved."))
        return redirect("staff:city_edit", city_id=city.pk)
    city.refresh_from_db()
    context = {"form": form, "city": city, "roles": _staff_roles(city), "role_form": StaffRoleForm()}
    return render(request, "editions/staff/city_form.html", context)


@login_required
@require_POST
def role_add(request, city_id: int):
    city = _get_city_for_administrator(request.user, city_id)
    role_form = StaffRoleForm(request.POST)
    if role_form.is_valid():
        services.assign_staff_role(
            actor=request.user, city=city, user=role_form.cleaned_data["phone"], role=role_form.cleaned_data["role"]
        )
        messages.success(request, _("The role is given."))
        return redirect("staff:city_edit", city_id=city.pk)
    context = {"form": CityForm(instance=city), "city": city, "roles": _staff_roles(city), "role_form": role_form}
    return render(request, "editions/staff/city_form.html", context, status=400)


@login_required
@require_POST
def role_remove(request, role_id: int):
    if not is_administrator(request.user):
        raise PermissionDenied
    staff_role = get_object_or_404(StaffRole.objects.exclude(city=None), pk=role_id)
    city_id = staff_role.city_id
    services.remove_staff_role(actor=request.user, staff_role=staff_role)
    messages.success(request, _("The role is taken away."))
    return redirect("staff:city_edit", city_id=city_id)
