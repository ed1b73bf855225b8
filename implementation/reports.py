"""The coordinator's and sponsor's report for one edition: participation funnel, money by category and
district, progress; as data (for the page and the tests), PDF (fpdf2, DejaVu) and Excel (openpyxl).

The funnel reads the other areas only when they are installed: proposals (submitted, feasible) and the published
counts (voters). Site visitors are not counted by the platform, so that step says "not counted".
"""

import io
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import ImplementationRecord, Status
from .selectors import Totals, totals

DEFAULT_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@dataclass
class Report:
    edition: object
    funnel: list[tuple[str, int | None]]
    by_category: list[dict] = field(default_factory=list)
    by_district: list[dict] = field(default_factory=list)
    by_status: list[dict] = field(default_factory=list)
    totals: Totals | None = None


def _funnel(edition) -> list[tuple[str, int | None]]:
    registered = get_user_model().objects.filter(district__city=edition.city, date_joined__lte=edition.results_start)
    submitted = feasible = None
    if apps.is_installed("proposals"):
        proposals = apps.get_model("proposals", "Proposal").objects.filter(edition=edition)
        submitted = proposals.filter(submitted_at__isnull=False).count()
        feasible = proposals.filter(status="feasible").count()
    from results.selectors import published_runs

    runs = published_runs(edition)
    voters = sum(run.outcome.get("voters", 0) for run in runs) if runs else None
    winners = sum(1 for run in runs for p in run.outcome["projects"] if p["selected"]) if runs else None
    return [
        (_("Site visitors"), None),
        (_("Registered residents"), registered.count()),
        (_("Proposals submitted"), submitted),
        (_("Feasible proposals"), feasible),
        (_("Voters"), voters),
        (_("Winning projects"), winners),
    ]


def _grouped(records, key: str, label) -> list[dict]:
    rows = (
        records.values(key)
        .annotate(projects=Count("pk"), allocated=Sum("budget_allocated"), spent=Sum("budget_spent"))
        .order_by(key)
    )
    return [
        {
            "label": label(row[key]),
            "projects": row["projects"],
            "allocated": row["allocated"] or 0,
            "spent": row["spent"] or 0,
        }
        for row in rows
    ]


def build(edition) -> Report:
    from editions.models import Category, District

    records = ImplementationRecord.objects.filter(edition=edition)
    categories = {c.pk: c.name for c in Category.objects.filter(edition=edition)}
    districts = {d.pk: d.name for d in District.objects.filter(city=edition.city)}
    statuses = dict(Status.choices)
    by_status = {row["status"]: row["n"] for row in records.values("status").annotate(n=Count("pk"))}
    return Report(
        edition=edition,
        funnel=_funnel(edition),
        by_category=_grouped(records, "category", lambda pk: categories.get(pk) or _("No category")),
        by_district=_grouped(records, "district", lambda pk: districts.get(pk) or _("Whole city")),
        by_status=[{"label": str(statuses[s]), "projects": by_status.get(s, 0)} for s in Status.values],
        totals=totals(records),
    )


def _number(value) -> str:
    return _("not counted") if value is None else f"{value:,}".replace(",", "\u00a0")


def render_pdf(report: Report) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    font = getattr(settings, "RESULTS_PDF_FONT", DEFAULT_FONT)
    pdf.add_font("DejaVu", fname=font)
    pdf.add_font("DejaVu", style="B", fname=font.replace("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"))
    pdf.set_font("DejaVu", size=10)
    pdf.add_page()

    def line(text: str, size: int = 10, height: int = 6):
        pdf.set_font_size(size)
        pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font_size(10)

    edition = report.edition
    line(_("Report: %(edition)s") % {"edition": edition.title}, size=14, height=8)
    line(f"{edition.city.name}, {edition.year}")
    for title, rows, header in (
        (_("Participation"), [[label, _number(value)] for label, value in report.funnel], [_("Step"), _("People")]),
        (
            _("Budget by category"),
            [
                [r["label"], str(r["projects"]), _number(r["allocated"]), _number(r["spent"])]
                for r in report.by_category
            ],
            [_("Category"), _("Projects"), _("Allocated, ₸"), _("Spent, ₸")],
        ),
        (
            _("Budget by district"),
            [
                [r["label"], str(r["projects"]), _number(r["allocated"]), _number(r["spent"])]
                for r in report.by_district
            ],
            [_("District"), _("Projects"), _("Allocated, ₸"), _("Spent, ₸")],
        ),
        (
            _("Progress"),
            [[r["label"], str(r["projects"])] for r in report.by_status],
            [_("Status"), _("Projects")],
        ),
    ):
        pdf.ln(4)
        line(title, size=12, height=7)
        with pdf.table(text_align=["LEFT"] + ["RIGHT"] * (len(header) - 1)) as table:
            table.row(header)
            for row in rows:
                table.row(row)
    t = report.totals
    pdf.ln(4)
    line(
        _("Total: %(projects)s projects, %(completed)s completed; %(spent)s ₸ spent of %(allocated)s ₸ allocated.")
        % {
            "projects": t.projects,
            "completed": t.completed,
            "spent": _number(t.spent),
            "allocated": _number(t.allocated),
        }
    )
    line(_("Printed %(when)s.") % {"when": date_format(timezone.localtime(), "DATETIME_FORMAT")})
    return bytes(pdf.output())


def render_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Participation")[:31]
    sheet.append([_("Step"), _("People")])
    for label, value in report.funnel:
        sheet.append([str(label), value])
    for title, rows in ((_("Budget by category"), report.by_category), (_("Budget by district"), report.by_district)):
        sheet = book.create_sheet(title[:31])
        sheet.append([_("Name"), _("Projects"), _("Allocated, ₸"), _("Spent, ₸")])
        for r in rows:
            sheet.append([str(r["label"]), r["projects"], r["allocated"], r["spent"]])
    sheet = book.create_sheet(_("Progress")[:31])
    sheet.append([_("Status"), _("Projects")])
    for r in report.by_status:
        sheet.append([r["label"], r["projects"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
