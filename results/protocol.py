"""The printable results protocol (PDF) that coordinators sign, in the reader's language.

fpdf2 embeds DejaVu Sans (Debian's fonts-dejavu-core, installed by `make fonts`; RESULTS_PDF_FONT overrides the
path): the core PDF fonts have no Cyrillic, let alone the Kazakh letters әғқңөұүһі.
"""

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF

from .explain import tenge

DEFAULT_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def render_protocol(*, edition, counts: list[dict]) -> bytes:
    pdf = FPDF(format="A4")
    font = getattr(settings, "RESULTS_PDF_FONT", DEFAULT_FONT)
    pdf.add_font("DejaVu", fname=font)
    pdf.add_font("DejaVu", style="B", fname=font.replace("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"))
    pdf.set_font("DejaVu", size=10)
    pdf.add_page()
    pdf.set_font_size(14)
    pdf.multi_cell(0, 8, _("Results protocol: %(edition)s") % {"edition": edition.title}, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font_size(10)
    pdf.multi_cell(0, 6, f"{edition.city.name}, {edition.year}", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(
        0,
        6,
        _("Counting rule: %(rule)s.") % {"rule": edition.get_counting_rule_display()},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for count in counts:
        run = count["run"]
        pdf.ln(3)
        if count["district"]:
            pdf.multi_cell(0, 7, str(count["district"]), new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(
            0, 6, _("Ballots counted: %(voters)s.") % {"voters": count["voters"]}, new_x="LMARGIN", new_y="NEXT"
        )
        pdf.multi_cell(
            0,
            6,
            _("Budget used: %(spent)s ₸ of %(budget)s ₸")
            % {"spent": intcomma(round(count["spent"])), "budget": intcomma(round(count["budget"]))},
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.multi_cell(0, 6, f"sha256: {run.input_hash}; seed: {run.seed}", new_x="LMARGIN", new_y="NEXT")
        with pdf.table(col_widths=(50, 18, 30, 92), text_align=("LEFT", "RIGHT", "RIGHT", "LEFT")) as table:
            table.row([_("Project"), _("Votes"), _("Cost"), _("Outcome")])
            for p in count["projects"]:
                table.row([p["name"], str(p["votes"]), tenge(p["cost"]), p["why"]])
    pdf.ln(8)
    pdf.multi_cell(
        0,
        6,
        _("Printed %(when)s.") % {"when": date_format(timezone.localtime(), "DATETIME_FORMAT")},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for _n in range(3):
        pdf.ln(8)
        pdf.multi_cell(
            0, 6, _("Coordinator: ____________________  Signature: ____________"), new_x="LMARGIN", new_y="NEXT"
        )
    return bytes(pdf.output())
