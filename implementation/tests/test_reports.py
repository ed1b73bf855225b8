"""The report's totals equal the database's own aggregates, and the PDF and Excel carry the same numbers."""

import io

import pytest
from django.core import signing
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from accounts.testing import make_staff, make_user, sign_in
from implementation import reports, services
from implementation.models import ImplementationRecord

from .helpers import make_category, make_district, make_edition, make_record, publish_count

pytestmark = pytest.mark.django_db


def _edition_with_projects():
    edition = make_edition()
    north, south = make_district(edition, "North"), make_district(edition, "South")
    parks, lights = make_category(edition, "Parks"), make_category(edition, "Lights")
    rows = [
        ("Park 1", north, parks, 10_000_000, 4_000_000, "construction"),
        ("Park 2", south, parks, 7_500_000, 7_400_000, "completed"),
        ("Lights 1", north, lights, 3_000_000, 0, "planned"),
        ("Unsorted", None, None, 1_234_567, 1_000, "design"),
    ]
    for title, district, category, allocated, spent, status in rows:
        record = make_record(
            edition, title, district=district, category=category, budget_allocated=allocated, budget_spent=spent
        )
        services.update_record(actor=None, record=record, status=status)
    for _ in range(3):
        make_user(district=north, date_joined=edition.voting_starts)
    make_user(district=north)  # registered after voting closed: not part of this edition's funnel
    publish_count(edition, [("1", "Park 1", 10_000_000, True)], voters=321)
    return edition


def test_report_totals_equal_database_aggregates():
    edition = _edition_with_projects()
    with translation.override("en"):
        report = reports.build(edition)
    records = ImplementationRecord.objects.filter(edition=edition)
    assert report.totals.allocated == records.aggregate(s=Sum("budget_allocated"))["s"] == 21_734_567
    assert report.totals.spent == records.aggregate(s=Sum("budget_spent"))["s"]
    assert sum(r["allocated"] for r in report.by_category) == report.totals.allocated
    assert sum(r["spent"] for r in report.by_district) == report.totals.spent
    assert sum(r["projects"] for r in report.by_status) == records.count()
    for row in report.by_district:
        expected = records.filter(district__name_en=row["label"]) if row["label"] != "Whole city" else None
        if expected is not None:
            assert row["allocated"] == expected.aggregate(s=Sum("budget_allocated"))["s"]
    funnel = dict((str(label), value) for label, value in report.funnel)
    assert funnel["Registered residents"] == 3 and funnel["Voters"] == 321 and funnel["Site visitors"] is None


def test_excel_and_pdf_downloads_carry_the_totals():
    edition = _edition_with_projects()
    client = Client()
    sign_in(client, make_staff("coordinator", city=edition.city))
    data = client.get(reverse("implementation:report_xlsx", kwargs={"edition_id": edition.pk})).content
    book = load_workbook(io.BytesIO(data))
    category_sheet = book.worksheets[1]
    assert sum(row[2] for row in category_sheet.iter_rows(min_row=2, values_only=True)) == 21_734_567
    pdf = client.get(reverse("implementation:report_pdf", kwargs={"edition_id": edition.pk}))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_sponsor_link_opens_the_report_without_signing_in_and_a_forged_one_does_not():
    edition = _edition_with_projects()
    url = reverse("implementation:report", kwargs={"edition_id": edition.pk})
    key = signing.dumps(edition.pk, salt="implementation.report")
    assert Client().get(url, {"key": key}).status_code == 200
    assert Client().get(url, {"key": key + "x"}).status_code == 403
    other = make_edition("khromtau")
    assert (
        Client().get(reverse("implementation:report", kwargs={"edition_id": other.pk}), {"key": key}).status_code == 403
    )
    assert Client().get(url).status_code == 302
