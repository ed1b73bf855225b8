"""The coordinators' screens through the Django test client (the role matrix checks who may open each one)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from accounts.testing import make_staff, sign_in
from audit.models import AuditEntry
from editions import services
from editions.models import Category, City, District, Edition, EditionDistrict, Phase
from editions.tests.staff_factories import create_edition

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=ALMATY)


def local(moment: datetime) -> str:
    return moment.astimezone(ALMATY).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def client(client, coordinator):
    sign_in(client, coordinator)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def edition(aksu, coordinator):
    return create_edition(aksu, coordinator, start=NOW + timedelta(days=1))


def form_data(edition: Edition, **overrides) -> dict:
    """The edit form as the browser would send it back unchanged."""
    data = {
        field: getattr(edition, field) if getattr(edition, field) is not None else ""
        for field in ("year", "title_kk", "title_ru", "title_en", "budget", "proposal_cost_cap", "min_voter_age")
    }
    data |= {
        "ballot_type": edition.ballot_type,
        "counting_rule": edition.counting_rule,
        "max_choices": edition.max_choices or "",
        "points": edition.points or "",
        "tie_break_seed": edition.tie_break_seed,
    }
    data |= {field: local(getattr(edition, field)) for field in services.DATE_FIELDS}
    return {**data, **overrides}


def test_dashboard_lists_the_coordinators_editions_with_phase_and_links(client, edition):
    other = City.objects.create(slug="khromtau", name_kk="Хромтау", name_ru="Хромтау", name_en="Khromtau")
    page = client.get(reverse("staff:dashboard")).content.decode()
    assert "Berekeli bastama" in page and "Not yet announced" in page
    assert reverse("staff:edition_edit", args=[edition.pk]) in page
    assert reverse("staff:advance_phase", args=[edition.pk]) in page
    assert reverse("results:staff", args=[edition.pk]) in page  # another app's screen, via staff_links
    assert "Khromtau" not in page and reverse("staff:edition_create", args=[other.pk]) not in page


def test_dashboard_does_few_queries(client, django_assert_max_num_queries, edition):
    with django_assert_max_num_queries(12):
        client.get(reverse("staff:dashboard"))


def test_creating_an_edition_redirects_to_it(client, aksu):
    data = form_data(Edition(**{f: NOW + timedelta(days=5) for f in services.DATE_FIELDS}), year=2027, budget=5000)
    data |= {"title_kk": "K", "title_ru": "R", "title_en": "E", "min_voter_age": 16, "ballot_type": "knapsack"}
    data |= {"counting_rule": "greedy", "proposal_cost_cap": ""}
    response = client.post(reverse("staff:edition_create", args=[aksu.pk]), data)
    edition = Edition.objects.get(city=aksu, year=2027)
    assert response.status_code == 302 and response.url == reverse("staff:edition_edit", args=[edition.pk])
    assert edition.budget == 5000 and edition.tie_break_seed


def test_a_refused_edit_keeps_what_was_typed(client, edition):
    response = client.post(
        reverse("staff:edition_edit", args=[edition.pk]), form_data(edition, budget=0, title_en="Typed")
    )
    page = response.content.decode()
    assert response.status_code == 200 and "The budget must be more than zero." in page and 'value="Typed"' in page
    assert Edition.objects.get(pk=edition.pk).title_en == "Berekeli bastama"


def test_after_voting_opens_the_edit_page_shows_locked_settings_and_saves_the_rest(
    frozen, client, coordinator, edition
):
    frozen.move_to(edition.voting_starts + timedelta(hours=1))
    sign_in(client, coordinator)  # the first session expired in the two months that passed
    page = client.get(reverse("staff:edition_edit", args=[edition.pk])).content.decode()
    assert "the voting settings are locked" in page
    assert 'name="budget"' in page and "disabled" in page
    # A tampered request cannot change a locked field: disabled fields keep the saved value.
    response = client.post(
        reverse("staff:edition_edit", args=[edition.pk]), form_data(edition, budget=1, title_en="Renamed")
    )
    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.budget == 80_000_000 and edition.title_en == "Renamed"


def test_moving_on_needs_a_reason_then_starts_the_phase(client, edition):
    url = reverse("staff:advance_phase", args=[edition.pk])
    assert "Announcement" in client.get(url).content.decode()
    refused = client.post(url, {"reason": "", "confirm": "on", "next_phase": "announcement"})
    assert refused.status_code == 200 and Edition.objects.get(pk=edition.pk).phase == Phase.DRAFT
    data = {"reason": "Approved by the akimat", "confirm": "on", "next_phase": "announcement"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert Edition.objects.get(pk=edition.pk).phase == Phase.ANNOUNCEMENT
    assert AuditEntry.objects.get(action="edition.phase_advanced").summary == "Approved by the akimat"
    # The same form sent twice (a double click) does not skip the proposals phase.
    again = client.post(url, data)
    page = again.content.decode()
    assert again.status_code == 200 and "already in the phase “Announcement”" in page
    assert 'name="next_phase" value="proposals"' in page
    assert Edition.objects.get(pk=edition.pk).phase == Phase.ANNOUNCEMENT


def test_categories_and_districts_are_edited_on_one_page(client, aksu, edition):
    base = reverse("staff:edition_structure", args=[edition.pk])
    names = {"name_kk": "Аула", "name_ru": "Двор", "name_en": "Courtyard"}
    response = client.post(
        reverse("staff:category_add", args=[edition.pk]), {f"new-category-{k}": v for k, v in names.items()}
    )
    assert response.status_code == 302 and response.url == base
    category = Category.objects.get(edition=edition)
    client.post(
        reverse("staff:category_edit", args=[edition.pk, category.pk]),
        {f"category-{category.pk}-{k}": v for k, v in {**names, "name_en": "Yard"}.items()},
    )
    assert Category.objects.get(pk=category.pk).name_en == "Yard"

    refused = client.post(reverse("staff:district_add", args=[edition.pk]), {"new-district-name_ru": "Центральный"})
    assert refused.status_code == 400 and 'value="Центральный"' in refused.content.decode()
    district_names = {"name_kk": "Орталық", "name_ru": "Центральный", "name_en": "Central"}
    client.post(
        reverse("staff:district_add", args=[edition.pk]),
        {**{f"new-district-{k}": v for k, v in district_names.items()}, "new-district-budget": "40000000"},
    )
    row = EditionDistrict.objects.get(edition=edition)
    assert row.budget == 40_000_000 and row.district.city == aksu
    page = client.get(base).content.decode()
    assert "Central" in page and "Yard" in page

    client.post(reverse("staff:district_remove", args=[edition.pk, row.pk]))
    client.post(reverse("staff:category_remove", args=[edition.pk, category.pk]))
    assert not EditionDistrict.objects.filter(edition=edition).exists() and not edition.categories.exists()
    assert District.objects.filter(pk=row.district_id).exists()


def test_another_citys_rows_are_not_found_through_this_edition(client, aksu, edition):
    other = City.objects.create(slug="khromtau", name_kk="Хромтау", name_ru="Хромтау", name_en="Khromtau")
    administrator = make_staff("administrator")
    other_edition = services.create_edition(
        actor=administrator,
        city=other,
        values={**{f: getattr(edition, f) for f in services.EDITION_FIELDS}, "tie_break_seed": ""},
    )
    foreign = Category.objects.create(edition=other_edition, name_kk="x", name_ru="x", name_en="x")
    response = client.post(reverse("staff:category_remove", args=[edition.pk, foreign.pk]))
    assert response.status_code == 404 and Category.objects.filter(pk=foreign.pk).exists()


def test_administrator_edits_a_city_and_gives_a_role(aksu):
    from django.test import Client

    from accounts.testing import make_user

    client = Client()
    sign_in(client, make_staff("administrator"))
    person = make_user(name="Aigerim")
    with translation.override("en"):
        page = client.get(reverse("staff:city_edit", args=[aksu.pk])).content.decode()
    assert "Coordinators and experts" in page or "үйлестіруші" in page.lower()
    response = client.post(reverse("staff:role_add", args=[aksu.pk]), {"phone": person.phone, "role": "coordinator"})
    assert response.status_code == 302
    assert person.staff_roles.get().city == aksu
    data = {"slug": "aksu", "name_kk": "Ақсу", "name_ru": "Аксу", "name_en": "Aksu town", "phones": "+7 718 37 5 55 55"}
    assert client.post(reverse("staff:city_edit", args=[aksu.pk]), data).status_code == 302
    assert City.objects.get(pk=aksu.pk).name_en == "Aksu town"
