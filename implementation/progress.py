"""CSV and Excel export and import of progress, for offices that keep the works in spreadsheets.

The columns are those of the export; `id` names the record, `title` is only there for people to read. An import
applies every row through services.update_record in one transaction: one bad row and nothing changes.
"""

import csv
import io
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import services
from .models import ImplementationRecord, Status

COLUMNS = [
    "id",
    "title",
    "status",
    "progress",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "contractor",
    "budget_allocated",
    "budget_spent",
    "cancel_reason",
]
_DATES = ("planned_start", "planned_end", "actual_start", "actual_end")
_INTS = ("progress", "budget_allocated", "budget_spent")


def rows(edition) -> list[list]:
    out = []
    for record in ImplementationRecord.objects.filter(edition=edition).order_by("pk"):
        values = []
        for column in COLUMNS:
            value = record.pk if column == "id" else getattr(record, column)
            values.append(value.isoformat() if isinstance(value, date) else ("" if value is None else value))
        out.append(values)
    return out


def export_csv(edition) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(rows(edition))
    return "\ufeff" + buffer.getvalue()  # the BOM makes Excel read UTF-8 (Cyrillic, Kazakh letters)


def export_xlsx(edition) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "progress"
    sheet.append(COLUMNS)
    for row in rows(edition):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _read(upload) -> list[dict]:
    name = (upload.name or "").lower()
    data = upload.read()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception as error:  # noqa: BLE001 - any unreadable workbook is the user's file, not our bug
            raise ValidationError(_("This Excel file cannot be read.")) from error
        table = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(_("Save the CSV file as UTF-8.")) from error
        table = list(csv.reader(io.StringIO(text)))
    if not table or "id" not in [str(h).strip() for h in table[0]]:
        raise ValidationError(_("The first row must name the columns, as in the export (id, status, progress, …)."))
    header = [str(h).strip() for h in table[0]]
    return [dict(zip(header, row, strict=False)) for row in table[1:] if any(str(v).strip() for v in row)]


def _value(column: str, raw):
    if isinstance(raw, date):
        return raw if not hasattr(raw, "date") else raw.date()
    raw = str(raw).strip()
    if column in _DATES:
        return date.fromisoformat(raw) if raw else None
    if column in _INTS:
        return int(float(raw)) if raw else (None if column == "progress" else 0)
    if column == "status":
        if raw not in Status.values:
            raise ValueError(raw)
        return raw
    return raw


def import_progress(*, actor, edition, upload) -> int:
    """Apply a file; returns how many records changed; raises ValidationError listing every bad line."""
    records = {r.pk: r for r in ImplementationRecord.objects.filter(edition=edition)}
    changes, errors = [], []
    for line, row in enumerate(_read(upload), start=2):
        try:
            record = records[int(str(row.get("id", "")).strip())]
        except (KeyError, ValueError):
            errors.append(
                _("Line %(line)s: no project of this edition has id %(id)s.") % {"line": line, "id": row.get("id")}
            )
            continue
        values = {}
        for column in COLUMNS[2:]:
            if column not in row:
                continue
            try:
                values[column] = _value(column, row[column])
            except ValueError:
                errors.append(_("Line %(line)s: %(column)s is not valid.") % {"line": line, "column": column})
        changes.append((line, record, values))
    if errors:
        raise ValidationError(errors)
    changed = 0
    with transaction.atomic():
        for line, record, values in changes:
            before = record.updated_at
            try:
                updated = services.update_record(actor=actor, record=record, **values)
            except ValidationError as error:
                messages = (
                    [m for ms in error.message_dict.values() for m in ms]
                    if hasattr(error, "error_dict")
                    else error.messages
                )
                raise ValidationError(
                    [_("Line %(line)s: %(error)s") % {"line": line, "error": m} for m in messages]
                ) from error
            changed += updated.updated_at != before
    return changed
