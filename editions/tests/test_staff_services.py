"""editions.services: permissions, the voting lock, moving phases on, districts and categories, the audit log."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.testing import make_staff, make_user
from audit.models import AuditEntry
from editions import services
from editions.models import Category, City, District, Edition, EditionDistrict, Phase, Role, StaffRole

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=ALMATY)


def dates(start: datetime = NOW + timedelta(days=1), step: int = 10) -> dict:
    """Seven phase dates `step` days apart from `start`."""
    return {field: start + timedelta(days=step * n) for n, field in enumerate(services.DATE_FIELDS)}


def edition_values(**overrides) -> dict:
    values = {
        "year": 2026,
        "title_kk": "Берекелі бастама",
        "title_ru": "Берекелі бастама",
        "title_en": "Berekeli bastama",
        "budget": 80_000_000,
        "proposal_cost_cap": 10_000_000,
        "min_voter_age": 16,
        "ballot_type": "knapsack",
        "max_choices": None,
        "points": None,
        "counting_rule": "greedy",
        **dates(),
    }
    return {**values, **overrides}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller, translation.override("en"):
        yield traveller


@pytest.fixture
def edition(aksu, coordinator):
    return services.create_edition(actor=coordinator, city=aksu, values=edition_values())


def last_entry() -> AuditEntry:
    return AuditEntry.objects.order_by("-seq").first()


def test_create_edition_draws_a_random_seed_and_audits_it(aksu, coordinator):
    first = services.create_edition(actor=coordinator, city=aksu, values=edition_values())
    second = services.create_edition(actor=coordinator, city=aksu, values=edition_values(year=2027))
    assert len(first.tie_break_seed) == 32 and first.tie_break_seed != second.tie_break_seed
    entry = AuditEntry.objects.get(action="edition.created", edition_id=first.pk)
    assert entry.actor == coordinator and entry.public
    assert entry.after["tie_break_seed"] == first.tie_break_seed and entry.after["budget"] == 80_000_000


def test_only_the_citys_coordinators_and_administrators_change_editions(aksu, edition):
    khromtau = City.objects.create(slug="khromtau", name_kk="Хромтау", name_ru="Хромтау", name_en="Khromtau")
    for outsider in (make_user(), make_staff("expert", city=aksu), make_staff("coordinator", city=khromtau)):
        with pytest.raises(PermissionDenied):
            services.create_edition(actor=outsider, city=aksu, values=edition_values(year=2030))
        with pytest.raises(PermissionDenied):
            services.update_edition(actor=outsider, edition=edition, values={"budget": 1})
        with pytest.raises(PermissionDenied):
            services.advance_phase(actor=outsider, edition=edition, reason="why not")
    administrator = make_staff("administrator")
    services.update_edition(actor=administrator, edition=edition, values={"budget": 90_000_000})
    assert Edition.objects.get(pk=edition.pk).budget == 90_000_000


def test_update_edition_audits_only_what_changed(coordinator, edition):
    services.update_edition(actor=coordinator, edition=edition, values={**edition_values(), "budget": 70_000_000})
    entry = last_entry()
    assert entry.action == "edition.updated" and not entry.public
    assert entry.before == {"budget": 80_000_000} and entry.after == {"budget": 70_000_000}


def test_new_dates_are_a_public_decision(coordinator, edition):
    later = edition.archive_starts + timedelta(days=30)
    services.update_edition(actor=coordinator, edition=edition, values={"archive_starts": later})
    entry = last_entry()
    assert entry.public and set(entry.after) == {"archive_starts"}


@pytest.mark.parametrize(
    "field, value",
    [
        ("ballot_type", "approval"),
        ("max_choices", 5),
        ("points", 10),
        ("counting_rule", "mes"),
        ("budget", 1),
        ("min_voter_age", 18),
        ("tie_break_seed", "chosen after seeing the votes"),
    ],
)
def test_voting_settings_are_locked_once_voting_opens(frozen, coordinator, edition, field, value):
    frozen.move_to(edition.voting_starts + timedelta(minutes=1))
    with pytest.raises(ValidationError) as error:
        services.update_edition(actor=coordinator, edition=edition, values={field: value})
    assert field in error.value.message_dict
    assert "Voting has opened" in error.value.message_dict[field][0]
    assert getattr(Edition.objects.get(pk=edition.pk), field) != value


def test_before_voting_opens_the_voting_settings_can_change(coordinator, edition):
    services.update_edition(
        actor=coordinator, edition=edition, values={"ballot_type": "approval", "max_choices": 5, "counting_rule": "mes"}
    )
    edition.refresh_from_db()
    assert (edition.ballot_type, edition.max_choices, edition.counting_rule) == ("approval", 5, "mes")


def test_after_voting_opens_titles_and_later_dates_still_change(frozen, coordinator, edition):
    frozen.move_to(edition.voting_starts + timedelta(minutes=1))
    later = edition.results_start + timedelta(days=2)
    services.update_edition(
        actor=coordinator, edition=edition, values={"title_en": "Renamed", "results_start": later, "budget": 80_000_000}
    )
    edition.refresh_from_db()
    assert edition.title_en == "Renamed" and edition.results_start == later


def test_a_date_that_has_passed_cannot_change(frozen, coordinator, edition):
    frozen.move_to(edition.proposals_start + timedelta(hours=1))
    with pytest.raises(ValidationError) as error:
        services.update_edition(
            actor=coordinator, edition=edition, values={"proposals_start": edition.proposals_start + timedelta(days=2)}
        )
    assert "proposals_start" in error.value.message_dict


def test_a_date_cannot_be_moved_into_the_past(coordinator, edition):
    with pytest.raises(ValidationError) as error:
        services.update_edition(
            actor=coordinator, edition=edition, values={"announcement_starts": NOW - timedelta(days=1)}
        )
    assert "announcement_starts" in error.value.message_dict
    assert Edition.objects.get(pk=edition.pk).phase == Phase.DRAFT


def test_dates_must_stay_in_order(coordinator, edition):
    with pytest.raises(ValidationError) as error:
        services.update_edition(
            actor=coordinator, edition=edition, values={"voting_starts": edition.results_start + timedelta(days=1)}
        )
    assert "results_start" in error.value.message_dict


def test_advance_phase_starts_the_next_phase_now_and_keeps_later_dates(coordinator, edition):
    later_dates = {f: getattr(edition, f) for f in services.DATE_FIELDS[1:]}
    services.advance_phase(actor=coordinator, edition=edition, reason="The akimat approved the budget early.")
    edition.refresh_from_db()
    assert edition.phase == Phase.ANNOUNCEMENT
    assert edition.announcement_starts == NOW
    assert {f: getattr(edition, f) for f in services.DATE_FIELDS[1:]} == later_dates
    entry = last_entry()
    assert entry.action == "edition.phase_advanced" and entry.public and entry.actor == coordinator
    assert entry.summary == "The akimat approved the budget early."
    assert entry.before["phase"] == "draft" and entry.after["phase"] == "announcement"


def test_advance_phase_walks_every_phase_in_order_to_the_archive(frozen, coordinator, edition):
    seen = []
    for step in range(7):
        frozen.move_to(NOW + timedelta(minutes=step + 1))
        services.advance_phase(actor=coordinator, edition=edition, reason=f"step {step}")
        edition.refresh_from_db()
        seen.append(edition.phase)
        values = [getattr(edition, f) for f in services.DATE_FIELDS]
        assert values == sorted(values)
    assert seen == [p for p in Phase if p != Phase.DRAFT]
    with pytest.raises(ValidationError):
        services.advance_phase(actor=coordinator, edition=edition, reason="again")


def test_advance_phase_keeps_dates_ordered_when_later_dates_are_equal(frozen, aksu, coordinator):
    same_day = NOW + timedelta(days=3)
    values = edition_values(**dict.fromkeys(services.DATE_FIELDS, same_day))
    values["announcement_starts"] = NOW - timedelta(days=1)
    edition = services.create_edition(actor=coordinator, city=aksu, values=values)
    services.advance_phase(actor=coordinator, edition=edition, reason="early")
    edition.refresh_from_db()
    assert edition.phase == Phase.PROPOSALS and edition.proposals_start == NOW
    assert edition.review_starts == same_day


def test_advance_phase_needs_a_reason(coordinator, edition):
    with pytest.raises(ValidationError) as error:
        services.advance_phase(actor=coordinator, edition=edition, reason="   ")
    assert "reason" in error.value.message_dict
    assert not AuditEntry.objects.filter(action="edition.phase_advanced").exists()


def test_advancing_into_voting_locks_the_settings(frozen, coordinator, edition):
    frozen.move_to(edition.review_starts + timedelta(hours=1))
    services.advance_phase(actor=coordinator, edition=edition, reason="Review finished early.")
    edition.refresh_from_db()
    assert edition.phase == Phase.VOTING and edition.voting_has_opened
    with pytest.raises(ValidationError):
        services.update_edition(actor=coordinator, edition=edition, values={"budget": 1})


def test_categories_are_added_renamed_and_removed_with_audit(coordinator, edition):
    names = {"name_kk": "Аула", "name_ru": "Двор", "name_en": "Courtyard"}
    category = services.add_category(actor=coordinator, edition=edition, names=names)
    services.update_category(actor=coordinator, category=category, names={**names, "name_en": "Yard"})
    assert Category.objects.get(pk=category.pk).name_en == "Yard"
    services.remove_category(actor=coordinator, category=category)
    assert not Category.objects.filter(pk=category.pk).exists()
    actions = list(AuditEntry.objects.filter(edition_id=edition.pk).values_list("action", flat=True).order_by("seq"))
    assert actions[-3:] == ["edition.category_added", "edition.category_updated", "edition.category_removed"]


def test_a_district_is_added_new_or_existing_and_its_budget_locks_with_voting(frozen, aksu, coordinator, edition):
    names = {"name_kk": "Орталық", "name_ru": "Центральный", "name_en": "Central"}
    new = services.add_edition_district(actor=coordinator, edition=edition, names=names, budget=40_000_000)
    assert new.district.city == aksu and new.budget == 40_000_000
    existing = District.objects.create(city=aksu, name_kk="Солтүстік", name_ru="Северный", name_en="North")
    services.add_edition_district(actor=coordinator, edition=edition, district=existing)
    with pytest.raises(ValidationError):
        services.add_edition_district(actor=coordinator, edition=edition, district=existing)
    frozen.move_to(edition.voting_starts)
    with pytest.raises(ValidationError) as error:
        services.update_edition_district(actor=coordinator, edition_district=new, names=names, budget=1)
    assert "budget" in error.value.message_dict
    # Renaming is still allowed: it does not change any vote.
    services.update_edition_district(
        actor=coordinator, edition_district=new, names={**names, "name_en": "Centre"}, budget=40_000_000
    )
    assert District.objects.get(pk=new.district_id).name_en == "Centre"
    with pytest.raises(ValidationError):
        services.remove_edition_district(actor=coordinator, edition_district=new)


def test_a_district_of_another_city_cannot_join(coordinator, edition):
    khromtau = City.objects.create(slug="khromtau", name_kk="Хромтау", name_ru="Хромтау", name_en="Khromtau")
    elsewhere = District.objects.create(city=khromtau, name_kk="А", name_ru="А", name_en="A")
    with pytest.raises(PermissionDenied):
        services.add_edition_district(actor=coordinator, edition=edition, district=elsewhere)


def test_a_district_where_residents_live_can_still_leave_an_edition(aksu, coordinator, edition):
    """Residents point at districts too, but they belong to no edition: only an edition's own rows count as use."""
    names = {"name_kk": "Орталық", "name_ru": "Центральный", "name_en": "Central"}
    row = services.add_edition_district(actor=coordinator, edition=edition, names=names)
    make_user(district=row.district)
    services.remove_edition_district(actor=coordinator, edition_district=row)
    assert not EditionDistrict.objects.filter(pk=row.pk).exists()
    assert District.objects.filter(pk=row.district_id).exists()


def test_administrators_create_cities_and_give_roles(aksu, coordinator):
    administrator = make_staff("administrator")
    city = services.create_city(
        actor=administrator,
        values={"slug": "ekibastuz", "name_kk": "Екібастұз", "name_ru": "Экибастуз", "name_en": "X"},
    )
    services.update_city(actor=administrator, city=city, values={"name_en": "Ekibastuz"})
    assert City.objects.get(pk=city.pk).name_en == "Ekibastuz"
    person = make_user()
    role = services.assign_staff_role(actor=administrator, city=city, user=person, role="coordinator")
    assert role.role == Role.COORDINATOR and role.city == city
    services.remove_staff_role(actor=administrator, staff_role=role)
    assert not StaffRole.objects.filter(user=person).exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"city.created", "city.updated", "accounts.role_granted", "accounts.role_revoked"} <= actions
    with pytest.raises(PermissionDenied):
        services.create_city(actor=coordinator, values={"slug": "x"})
    with pytest.raises(PermissionDenied):
        services.assign_staff_role(actor=coordinator, city=aksu, user=person, role="coordinator")
    with pytest.raises(PermissionDenied):
        services.assign_staff_role(actor=administrator, city=aksu, user=person, role="administrator")


def test_advance_phase_refuses_to_skip_a_phase_the_coordinator_did_not_ask_for(coordinator, edition):
    services.advance_phase(actor=coordinator, edition=edition, reason="first click", expected_phase="announcement")
    with pytest.raises(ValidationError):
        services.advance_phase(actor=coordinator, edition=edition, reason="second click", expected_phase="announcement")
    edition.refresh_from_db()
    assert edition.phase == Phase.ANNOUNCEMENT
    assert AuditEntry.objects.filter(action="edition.phase_advanced").count() == 1


def test_a_category_or_district_used_by_a_proposal_stays(aksu, coordinator, edition):
    """Proposals keep their category and district (their foreign keys would otherwise be set to null)."""
    if not apps.is_installed("proposals"):
        pytest.skip("the proposals app is not installed")
    proposal_model = apps.get_model("proposals", "Proposal")
    names = {"name_kk": "Аула", "name_ru": "Двор", "name_en": "Courtyard"}
    category = services.add_category(actor=coordinator, edition=edition, names=names)
    row = services.add_edition_district(actor=coordinator, edition=edition, names=names)
    proposal_model.objects.create(
        edition=edition, author=make_user(), title="Playground", category=category, district=row.district
    )
    with pytest.raises(ValidationError):
        services.remove_category(actor=coordinator, category=category)
    with pytest.raises(ValidationError):
        services.remove_edition_district(actor=coordinator, edition_district=row)
    assert Category.objects.filter(pk=category.pk).exists() and EditionDistrict.objects.filter(pk=row.pk).exists()
