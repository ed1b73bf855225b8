from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from editions.models import PHASE_START_FIELDS, City

PAGES = ["/aksu/", "/aksu/2022/", "/aksu/editions/", "/aksu/contacts/", "/khromtau/", "/khromtau/2020/"]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_public_pages_answer_in_each_language_and_stay_small(client, demo, url, language):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
    assert len(response.content) < 20_000


def test_the_city_home_shows_programme_budget_phase_countdown_and_contacts(client, demo):
    page = client.get("/aksu/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Берекелі бастама — Городская инициатива" in page
    assert "80\u202f000\u202f000\u00a0₸" in page
    # The demo's voting closes eleven days from today at 09:00 local time: 11 days and some hours before then,
    # 10 days and some hours after (the Russian plural is "дней" for both).
    days_left = (demo.editions["aksu"].results_start - demo.now).days
    assert days_left in (10, 11)
    assert "Голосование" in page and f"{days_left} дней" in page
    assert "Айгерім Сейітқали" in page and "tel:+77000000002" in page
    assert "https://t.me/berekeli_bastama_aksu" in page


def test_the_edition_page_lists_dates_rules_categories_and_district_budgets(client, demo):
    page = client.get("/aksu/2022/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Courtyards" in page and "Kalkaman village" in page and "₸8,000,000" in page
    assert "total cost fits in the budget" in page  # knapsack ballot in plain words
    assert "most votes down" in page  # greedy rule in plain words
    assert 'aria-current="step"' in page


def test_an_edition_not_yet_announced_is_not_public(client, demo):
    edition = demo.editions["aksu"]
    for field in PHASE_START_FIELDS.values():
        setattr(edition, field, getattr(edition, field) + timedelta(days=400))
    edition.save()
    assert client.get("/aksu/2022/").status_code == 404
    assert client.get("/aksu/2023/").status_code == 404
    assert client.get("/nowhere/").status_code == 404


def test_the_home_lists_cities_or_goes_straight_to_the_only_one(client, demo):
    assert "/khromtau/" in client.get("/").content.decode()
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_the_home_redirects_when_there_is_only_one_city(client):
    City.objects.create(slug="aksu", name_kk="Ақсу", name_ru="Аксу", name_en="Aksu")
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/aksu/"


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["accounts", "audit", "staff", "editions", "admin", "static", "i18n", "results"])
def test_a_city_cannot_take_an_address_the_site_uses(slug):
    city = City(slug=slug, name_kk="X", name_ru="X", name_en="X")
    with pytest.raises(ValidationError):
        city.full_clean()


def test_the_city_home_makes_few_queries(client, demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get("/aksu/")


def test_later_apps_fill_panels_on_the_city_home_and_edition_page(client, demo, tmp_path, settings):
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "_city_home.html").write_text("<p>panel for {{ city.slug }} {{ phase }}</p>")
    (tmp_path / "results" / "_edition.html").write_text("<p>edition panel {{ edition.year }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    assert "<p>panel for aksu voting</p>" in client.get("/aksu/").content.decode()
    assert "<p>edition panel 2022</p>" in client.get("/aksu/2022/").content.decode()


@pytest.mark.django_db
def test_an_ordinary_city_slug_is_accepted():
    City(slug="ekibastuz", name_kk="Екібастұз", name_ru="Экибастуз", name_en="Ekibastuz").full_clean()
