"""Coordinators' and administrators' changes to cities, editions, districts, categories and phases.

One function per state change: keyword-only, atomic, permission-checked, audited. Validation that a person
can fix by typing something else lives in editions/forms.py; what is refused here is what no form may bypass
(the lock on voting settings once voting has opened, dates that have already passed, permissions).
"""

import secrets
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import services as accounts_services
from audit.services import record_action

from .models import (
    PHASE_START_FIELDS,
    Category,
    City,
    District,
    Edition,
    EditionDistrict,
    Phase,
    Role,
    StaffRole,
    voting_budget,
)
from .permissions import is_administrator, is_coordinator
from .templatetags.bastama import format_tenge

# Changing any of these after the first ballot would change what votes mean (CONSUL #2304, #5321).
VOTING_SETTINGS = (
    "budget",
    "min_voter_age",
    "ballot_type",
    "max_choices",
    "points",
    "counting_rule",
    "tie_break_seed",
)
DATE_FIELDS = tuple(PHASE_START_FIELDS.values())
EDITION_FIELDS = (
    "year",
    "title_kk",
    "title_ru",
    "title_en",
    "proposal_cost_cap",
    *VOTING_SETTINGS,
    *DATE_FIELDS,
)
NAME_FIELDS = ("name_kk", "name_ru", "name_en")
CITY_FIELDS = tuple(f.name for f in City._meta.get_fields() if getattr(f, "concrete", False) and not f.primary_key)
PHASES = list(PHASE_START_FIELDS)


def new_tie_break_seed() -> str:
    """A random seed, published with the edition, so nobody can pick a tie-break order after seeing votes."""
    return secrets.token_hex(16)


def _require_coordinator(actor, city: City) -> None:
    if not is_coordinator(actor, city):
        raise PermissionDenied


def _require_administrator(actor) -> None:
    if not is_administrator(actor):
        raise PermissionDenied


def _snapshot(obj: Model, fields) -> dict[str, Any]:
    return {field: getattr(obj, field) for field in fields}


def _save_changes(obj: Model, changed: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Write only the changed fields and return their values before and after, for the audit record."""
    before = _snapshot(obj, changed)
    for field, value in changed.items():
        setattr(obj, field, value)
    obj.save(update_fields=list(changed))
    return before, _snapshot(obj, changed)


def _locked_edition(edition: Edition) -> Edition:
    """The edition's row, locked until the transaction ends, so two coordinators never interleave changes."""
    return Edition.objects.select_for_update().select_related("city").get(pk=edition.pk)


def _voting_lock_error(fields) -> ValidationError:
    message = _("Voting has opened: the voting settings can no longer be changed, because votes have been cast.")
    return ValidationError({field: message for field in fields})


def _check_dates_in_order(values: dict[str, datetime]) -> None:
    errors = {}
    for earlier, later in zip(DATE_FIELDS, DATE_FIELDS[1:], strict=False):
        if values[earlier] > values[later]:
            errors[later] = _("This date must not be before the previous phase's date.")
    if errors:
        raise ValidationError(errors)


def _in_use(obj: Model, *, edition: Edition | None = None) -> bool:
    """Whether rows of other apps (proposals, residents...) point at `obj`; with `edition`, only that edition's."""
    for relation in obj._meta.related_objects:
        model = relation.related_model
        if model._meta.app_label == "editions" or not relation.field.concrete:
            continue
        rows = model._default_manager.filter(**{relation.field.name: obj})
        if edition is not None:
            if not any(f.name == "edition" for f in model._meta.get_fields()):
                continue
            rows = rows.filter(edition=edition)
        if rows.exists():
            return True
    return False


def _check_ballot_costs_fit(edition: Edition) -> None:
    """Refuse budgets that would leave a proposal already on the ballot costing more than the budget it is voted
    on: the council may not decide such a cost (review.services), and a later change of budgets may not make one."""
    own = edition.own_budgets()
    over = []
    for pk, district_id, cost in (
        edition.proposals.feasible().order_by("pk").values_list("pk", "district_id", "ballot_cost")
    ):
        budget = voting_budget(edition.budget, own, district_id)
        if cost > budget:
            over.append(f"#{pk}: {format_tenge(cost)} > {format_tenge(budget)}")
    if over:
        message = ngettext(
            "This would leave %(count)d proposal on the ballot costing more than the budget it is voted on "
            "(%(list)s). Keep that budget at least at the proposal's cost.",
            "This would leave %(count)d proposals on the ballot costing more than the budgets they are voted on "
            "(%(list)s). Keep each budget at least at the cost of its proposals.",
            len(over),
        )
        raise ValidationError({"budget": message % {"count": len(over), "list": "; ".join(over)}})


# Editions


@transaction.atomic
def create_edition(*, actor, city: City, values: dict[str, Any]) -> Edition:
    """A new edition of `city`; it gets a fresh random tie-break seed unless one is given."""
    _require_coordinator(actor, city)
    fields = {field: values[field] for field in EDITION_FIELDS if field in values}
    if not fields.get("tie_break_seed"):
        fields["tie_break_seed"] = new_tie_break_seed()
    _check_dates_in_order({field: fields[field] for field in DATE_FIELDS})
    edition = Edition.objects.create(city=city, **fields)
    record_action(
        actor=actor,
        action="edition.created",
        target=edition,
        edition_id=edition.pk,
        summary=str(edition),
        after=_snapshot(edition, EDITION_FIELDS),
        public=True,
    )
    return edition


@transaction.atomic
def update_edition(*, actor, edition: Edition, values: dict[str, Any]) -> Edition:
    """Change an edition's title, budget, rules or dates.

    Refused once voting has opened for the voting settings; refused for a date that has passed (the phase has
    begun: moving on early is `advance_phase`, with a reason) or a new date in the past.
    """
    _require_coordinator(actor, edition.city)
    edition = _locked_edition(edition)
    now = timezone.now()
    changed = {
        field: value for field, value in values.items() if field in EDITION_FIELDS and getattr(edition, field) != value
    }
    locked = [field for field in VOTING_SETTINGS if field in changed and edition.voting_starts <= now]
    if locked:
        raise _voting_lock_error(locked)
    date_errors = {}
    for field in DATE_FIELDS:
        if field not in changed:
            continue
        if getattr(edition, field) <= now:
            date_errors[field] = _("This phase has already begun, so its date can no longer be changed.")
        elif changed[field] <= now:
            date_errors[field] = _(
                "A date cannot be moved into the past. To start the next phase now, use “Move to the next phase”."
            )
    if date_errors:
        raise ValidationError(date_errors)
    if not changed:
        return edition
    _check_dates_in_order({field: changed.get(field, getattr(edition, field)) for field in DATE_FIELDS})
    before, after = _save_changes(edition, changed)
    if "budget" in changed:
        _check_ballot_costs_fit(edition)
    record_action(
        actor=actor,
        action="edition.updated",
        target=edition,
        edition_id=edition.pk,
        summary=", ".join(sorted(changed)),
        before=before,
        after=after,
        # New dates are announced to residents; corrections of titles and limits are staff business.
        public=any(field in DATE_FIELDS for field in changed),
    )
    return edition


@transaction.atomic
def advance_phase(*, actor, edition: Edition, reason: str, expected_phase: Phase | str | None = None) -> Edition:
    """Start the next phase now, ahead of its date; the reason is published with the decision.

    `expected_phase` is the phase the coordinator asked to start: when the edition has moved on meanwhile (a
    double click, two coordinators at once, its date came), nothing happens rather than skipping a phase.
    """
    _require_coordinator(actor, edition.city)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for moving to the next phase early.")})
    edition = _locked_edition(edition)
    now = timezone.now()
    current = edition.phase_at(now)
    if current == Phase.ARCHIVE:
        raise ValidationError(_("The edition is in the archive: there is no next phase."))
    next_phase = PHASES[0] if current == Phase.DRAFT else PHASES[PHASES.index(current) + 1]
    if expected_phase is not None and next_phase != expected_phase:
        raise ValidationError(
            _("The edition is already in the phase “%(phase)s”. Check the dates before moving on again.")
            % {"phase": current.label}
        )
    before = _snapshot(edition, DATE_FIELDS)
    start = PHASE_START_FIELDS[next_phase]
    setattr(edition, start, now)
    # Later phases keep their dates unless the new start overtakes them; dates always stay in order.
    for field in DATE_FIELDS[DATE_FIELDS.index(start) + 1 :]:
        if getattr(edition, field) < now:
            setattr(edition, field, now)
    if next_phase == Phase.VOTING and not edition.tie_break_seed:
        edition.tie_break_seed = new_tie_break_seed()
    edition.save()
    record_action(
        actor=actor,
        action="edition.phase_advanced",
        target=edition,
        edition_id=edition.pk,
        summary=reason,
        before={"phase": current.value, **before},
        after={"phase": next_phase.value, **_snapshot(edition, DATE_FIELDS)},
        public=True,
    )
    return edition


# Categories


@transaction.atomic
def add_category(*, actor, edition: Edition, names: dict[str, str]) -> Category:
    _require_coordinator(actor, edition.city)
    category = Category.objects.create(edition=edition, **{f: names[f] for f in NAME_FIELDS})
    record_action(
        actor=actor,
        action="edition.category_added",
        target=category,
        edition_id=edition.pk,
        summary=category.name_ru,
        after=_snapshot(category, NAME_FIELDS),
    )
    return category


@transaction.atomic
def update_category(*, actor, category: Category, names: dict[str, str]) -> Category:
    _require_coordinator(actor, category.edition.city)
    before, after = _save_changes(category, {field: names[field] for field in NAME_FIELDS})
    record_action(
        actor=actor,
        action="edition.category_updated",
        target=category,
        edition_id=category.edition_id,
        summary=category.name_ru,
        before=before,
        after=after,
    )
    return category


@transaction.atomic
def remove_category(*, actor, category: Category) -> None:
    """Remove a category nobody has used yet; a used one stays (renaming it is allowed)."""
    _require_coordinator(actor, category.edition.city)
    if _in_use(category):
        raise ValidationError(_("This category is already used by proposals, so it cannot be removed."))
    record_action(
        actor=actor,
        action="edition.category_removed",
        target=category,
        edition_id=category.edition_id,
        summary=category.name_ru,
        before=_snapshot(category, NAME_FIELDS),
    )
    category.delete()


# Districts: a city's districts, and the ones taking part in an edition (with an optional own budget)


def _district_budget_locked(edition: Edition) -> None:
    if edition.voting_has_opened:
        raise _voting_lock_error(["budget"])


@transaction.atomic
def add_edition_district(
    *,
    actor,
    edition: Edition,
    district: District | None = None,
    names: dict[str, str] | None = None,
    budget: int | None = None,
) -> EditionDistrict:
    """Let a district take part in an edition: an existing district of the city, or a new one named here."""
    _require_coordinator(actor, edition.city)
    edition = _locked_edition(edition)
    _district_budget_locked(edition)
    if district is None:
        district = District.objects.create(city=edition.city, **{f: names[f] for f in NAME_FIELDS})
    elif district.city_id != edition.city_id:
        raise PermissionDenied
    if EditionDistrict.objects.filter(edition=edition, district=district).exists():
        raise ValidationError({"district": _("This district already takes part in the edition.")})
    taking_part = EditionDistrict.objects.create(edition=edition, district=district, budget=budget)
    if budget is not None:
        _check_ballot_costs_fit(edition)
    record_action(
        actor=actor,
        action="edition.district_added",
        target=taking_part,
        edition_id=edition.pk,
        summary=district.name_ru,
        after={**_snapshot(district, NAME_FIELDS), "budget": budget},
    )
    return taking_part


@transaction.atomic
def update_edition_district(
    *, actor, edition_district: EditionDistrict, names: dict[str, str], budget: int | None
) -> EditionDistrict:
    """Rename the district (for the whole city) and change its own budget in this edition."""
    edition = edition_district.edition
    _require_coordinator(actor, edition.city)
    district = edition_district.district
    if budget != edition_district.budget:
        _district_budget_locked(edition)
    budget_before = edition_district.budget
    names_before, names_after = _save_changes(district, {field: names[field] for field in NAME_FIELDS})
    edition_district.budget = budget
    edition_district.save(update_fields=["budget"])
    if budget != budget_before:
        _check_ballot_costs_fit(edition)
    record_action(
        actor=actor,
        action="edition.district_updated",
        target=edition_district,
        edition_id=edition.pk,
        summary=district.name_ru,
        before={**names_before, "budget": budget_before},
        after={**names_after, "budget": budget},
    )
    return edition_district


@transaction.atomic
def remove_edition_district(*, actor, edition_district: EditionDistrict) -> None:
    """Take a district out of an edition (the city keeps it); refused once used or once voting has opened."""
    edition = edition_district.edition
    _require_coordinator(actor, edition.city)
    _district_budget_locked(edition)
    if _in_use(edition_district.district, edition=edition):
        raise ValidationError(_("This district is already used by proposals of the edition, so it cannot be removed."))
    record_action(
        actor=actor,
        action="edition.district_removed",
        target=edition_district,
        edition_id=edition.pk,
        summary=edition_district.district.name_ru,
        before={"district": edition_district.district_id, "budget": edition_district.budget},
    )
    edition_district.delete()


# Cities and staff roles (administrators)


@transaction.atomic
def create_city(*, actor, values: dict[str, Any]) -> City:
    _require_administrator(actor)
    city = City.objects.create(**{field: values[field] for field in CITY_FIELDS if field in values})
    record_action(
        actor=actor, action="city.created", target=city, summary=city.slug, after=_snapshot(city, CITY_FIELDS)
    )
    return city


@transaction.atomic
def update_city(*, actor, city: City, values: dict[str, Any]) -> City:
    _require_administrator(actor)
    city = City.objects.select_for_update().get(pk=city.pk)  # a bound ModelForm may have changed the instance
    changed = {
        field: value for field, value in values.items() if field in CITY_FIELDS and getattr(city, field) != value
    }
    if not changed:
        return city
    before, after = _save_changes(city, changed)
    record_action(
        actor=actor,
        action="city.updated",
        target=city,
        summary=city.slug,
        before=before,
        after=after,
    )
    return city


@transaction.atomic
def assign_staff_role(*, actor, city: City, user, role: Role | str) -> StaffRole:
    """Make someone a coordinator or an expert of `city` (administrators are made on the server's shell)."""
    _require_administrator(actor)
    role = Role(role)
    if role not in (Role.COORDINATOR, Role.EXPERT):
        raise PermissionDenied
    return accounts_services.grant_role(actor=actor, user=user, role=role, city=city)


@transaction.atomic
def remove_staff_role(*, actor, staff_role: StaffRole) -> None:
    _require_administrator(actor)
    accounts_services.revoke_role(actor=actor, user=staff_role.user, role=Role(staff_role.role), city=staff_role.city)
