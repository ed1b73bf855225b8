import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.testing import make_staff, make_user, sign_in
from implementation import progress, services
from implementation.models import Status

from .helpers import make_category, make_district, make_edition, make_record

pytestmark = pytest.mark.django_db


def _coordinator_client(edition):
    client = Client()
    sign_in(client, make_staff("coordinator", city=edition.city))
    client.cookies["django_language"] = "en"
    return client


def test_the_public_list_filters_by_district_status_and_category():
    edition = make_edition()
    north, south = make_district(edition, "North"), make_district(edition, "South")
    parks = make_category(edition, "Parks")
    make_record(edition, "Park A", district=north, category=parks)
    b = make_record(edition, "Lights B", district=south)
    services.update_record(actor=None, record=b, status=Status.COMPLETED)
    url = reverse("implementation:edition", kwargs={"edition_id": edition.pk})
    client = Client()
    assert "Park A" in client.get(url).text and "Lights B" in client.get(url).text
    only_south = client.get(url, {"district": south.pk}).text
    assert "Lights B" in only_south and "Park A" not in only_south
    assert "Park A" not in client.get(url, {"status": "completed"}).text
    assert "Lights B" not in client.get(url, {"category": parks.pk}).text


def test_the_list_page_query_count_does_not_grow_with_projects(django_assert_max_num_queries):
    edition = make_edition()
    district = make_district(edition)
    for i in range(15):
        make_record(edition, f"Project {i}", district=district, category=make_category(edition, f"C{i}"))
    with django_assert_max_num_queries(12):
        Client().get(reverse("implementation:edition", kwargs={"edition_id": edition.pk}))


def test_a_resident_follows_a_project_from_its_page():
    record = make_record(make_edition())
    resident = make_user()
    client = Client()
    sign_in(client, resident)
    url = reverse("implementation:follow", kwargs={"edition_id": record.edition_id, "record_id": record.pk})
    assert client.post(url).status_code == 302
    from notifications.services import is_following

    assert is_following(resident, record)
    client.post(url, {"follow": "0"})
    assert not is_following(resident, record)


def test_the_coordinator_screen_saves_one_record():
    record = make_record(make_edition())
    client = _coordinator_client(record.edition)
    url = reverse("implementation:staff", kwargs={"edition_id": record.edition_id})
    assert client.get(url).status_code == 200
    data = {
        "record": record.pk,
        f"r{record.pk}-status": "design",
        f"r{record.pk}-progress": "",
        f"r{record.pk}-budget_allocated": "1000",
        f"r{record.pk}-budget_spent": "200",
        f"r{record.pk}-contractor": "Aksu Kurylys LLP",
    }
    assert client.post(url, data).status_code == 302
    record.refresh_from_db()
    assert (record.status, record.progress, record.budget_spent, record.contractor) == (
        "design",
        10,
        200,
        "Aksu Kurylys LLP",
    )


def test_progress_export_then_import_round_trips_and_a_bad_file_changes_nothing():
    edition = make_edition()
    a, b = make_record(edition, "Park A", budget_allocated=100), make_record(edition, "Кітапхана", budget_allocated=50)
    client = _coordinator_client(edition)
    exported = client.get(reverse("implementation:export_csv", kwargs={"edition_id": edition.pk})).content
    table = list(csv.DictReader(io.StringIO(exported.decode("utf-8-sig"))))
    assert [row["title"] for row in table] == ["Park A", "Кітапхана"]
    table[0].update(status="construction", progress="40", budget_spent="60", actual_start="2024-05-02")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=progress.COLUMNS)
    writer.writeheader()
    writer.writerows(table)
    upload = SimpleUploadedFile("progress.csv", out.getvalue().encode("utf-8"))
    client.post(reverse("implementation:import", kwargs={"edition_id": edition.pk}), {"file": upload})
    a.refresh_from_db()
    assert (a.status, a.progress, a.budget_spent, str(a.actual_start)) == ("construction", 40, 60, "2024-05-02")

    table[1].update(status="cancelled", cancel_reason="")  # no reason: refused, and row 1 must not change either
    table[0].update(progress="90")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=progress.COLUMNS)
    writer.writeheader()
    writer.writerows(table)
    upload = SimpleUploadedFile("progress.csv", out.getvalue().encode("utf-8"))
    response = client.post(
        reverse("implementation:import", kwargs={"edition_id": edition.pk}), {"file": upload}, follow=True
    )
    assert "Line 3" in response.text
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.progress == 40 and b.status == "planned"


def test_progress_excel_export_and_import():
    edition = make_edition()
    record = make_record(edition, "Park A")
    client = _coordinator_client(edition)
    data = client.get(reverse("implementation:export_xlsx", kwargs={"edition_id": edition.pk})).content
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet["B2"].value == "Park A"
    sheet["C2"] = "procurement"
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("progress.xlsx", out.getvalue())
    client.post(reverse("implementation:import", kwargs={"edition_id": edition.pk}), {"file": upload})
    record.refresh_from_db()
    assert (record.status, record.progress) == ("procurement", 25)


def test_the_summary_shows_cities_side_by_side():
    khromtau = make_edition("khromtau", year=2020, days_ago=2000)
    aksu = make_edition("aksu", year=2022, days_ago=900)
    make_record(khromtau, "Stadium", budget_allocated=10_000_000, budget_spent=9_500_000)
    make_record(aksu, "Skate park", budget_allocated=20_000_000)
    page = Client(headers={"accept-language": "en"}).get(reverse("implementation:summary")).text
    assert "Khromtau edition" in page and "Aksu edition" in page
    assert "9,500,000" in page or "9 500 000" in page or "9\xa0500\xa0000" in page


def test_the_edition_page_links_to_its_projects_once_there_are_any():
    edition = make_edition()
    url = reverse("editions:edition", kwargs={"city_slug": edition.city.slug, "year": edition.year})
    projects = reverse("implementation:edition", kwargs={"edition_id": edition.pk})
    assert projects not in Client().get(url).text
    make_record(edition)
    assert projects in Client().get(url).text


def test_the_city_home_shows_the_same_implementation_panel_as_the_edition_page():
    edition = make_edition()
    make_record(edition, budget_allocated=1_000_000, budget_spent=250_000)
    context = {"edition": edition, "city": edition.city}
    panel = render_to_string("implementation/_edition.html", context)
    assert "implementation-panel" in panel
    assert render_to_string("implementation/_city_home.html", context) == panel


def _milestone(record, title="Fundation poured"):
    from datetime import date

    return services.add_milestone(actor=None, record=record, date=date(2024, 6, 15), title=title, language="en")


def test_a_coordinator_corrects_a_milestone_and_a_bad_form_keeps_what_was_typed():
    edition = make_edition()
    record = make_record(edition, "Skate park")
    milestone = _milestone(record)
    client = _coordinator_client(edition)
    list_url = reverse("implementation:milestone", kwargs={"edition_id": edition.pk, "record_id": record.pk})
    edit_url = reverse(
        "implementation:milestone_edit",
        kwargs={"edition_id": edition.pk, "record_id": record.pk, "milestone_id": milestone.pk},
    )
    assert edit_url in client.get(list_url).text
    page = client.get(edit_url).text
    assert 'value="Fundation poured"' in page and 'value="2024-06-15"' in page
    bad = client.post(edit_url, {"date": "2024-06-16", "title": "", "text": "Kept text", "language": "en"})
    assert bad.status_code == 200 and "This field is required" in bad.text
    assert 'value="2024-06-16"' in bad.text and "Kept text" in bad.text
    good = client.post(edit_url, {"date": "2024-06-16", "title": "Foundation poured", "language": "en"})
    assert good.status_code == 302 and good.url == list_url
    milestone.refresh_from_db()
    assert milestone.title == "Foundation poured" and str(milestone.date) == "2024-06-16"
    assert "Foundation poured" in Client().get(record.get_absolute_url()).text


def test_deleting_a_milestone_asks_first_and_only_a_post_deletes():
    edition = make_edition()
    record = make_record(edition, "Skate park")
    milestone = _milestone(record, "Wrong entry")
    client = _coordinator_client(edition)
    url = reverse(
        "implementation:milestone_delete",
        kwargs={"edition_id": edition.pk, "record_id": record.pk, "milestone_id": milestone.pk},
    )
    assert "Wrong entry" in client.get(url).text and record.milestones.exists()
    assert client.post(url).status_code == 302
    assert not record.milestones.exists()
    assert "Wrong entry" not in Client().get(record.get_absolute_url()).text


def test_a_coordinator_of_another_city_cannot_touch_a_milestone():
    edition, other = make_edition(), make_edition("ekibastuz")
    record = make_record(edition)
    milestone = _milestone(record)
    outsider = _coordinator_client(other)
    kwargs = {"edition_id": edition.pk, "record_id": record.pk, "milestone_id": milestone.pk}
    for name in ("implementation:milestone_edit", "implementation:milestone_delete"):
        assert outsider.post(reverse(name, kwargs=kwargs), {"title": "x"}).status_code in (403, 404)
    # and a milestone is reached only through its own project
    stranger = make_record(edition, "Fountain")
    wrong = reverse("implementation:milestone_delete", kwargs={**kwargs, "record_id": stranger.pk})
    assert _coordinator_client(edition).post(wrong).status_code == 404
    assert record.milestones.filter(title=milestone.title).exists()


@pytest.mark.parametrize(
    ("language", "heading", "button"),
    [("kk", "Жұмыс кезеңін өзгерту", "Жұмыс кезеңін сақтау"), ("ru", "Изменить этап работ", "Сохранить этап работ")],
)
def test_the_milestone_screens_speak_kazakh_and_russian(language, heading, button):
    edition = make_edition()
    record = make_record(edition)
    milestone = _milestone(record)
    client = _coordinator_client(edition)
    client.cookies["django_language"] = language
    kwargs = {"edition_id": edition.pk, "record_id": record.pk, "milestone_id": milestone.pk}
    page = client.get(reverse("implementation:milestone_edit", kwargs=kwargs)).text
    assert heading in page and button in page
    assert "15.06.2024" in client.get(reverse("implementation:milestone_delete", kwargs=kwargs)).text
