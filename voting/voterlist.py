"""Voter lists: a coordinator's CSV of IINs, checked line by line; only keyed hashes are stored.

The file is read as text in UTF-8 (with or without a byte-order mark, as Excel writes it) and split by the
csv module, which guesses neither quoting nor separators wrongly for one IIN per line: the IIN is the first
non-empty cell of a line, so "IIN;name" and "IIN,name" exports both work. A header line (no digits) is skipped.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.iin import InvalidIIN, parse_iin
from audit.services import record_action
from editions.models import Edition
from editions.permissions import is_coordinator

# Why a line was rejected; the codes are what the report stores, the words what coordinators read.
REASONS = {
    "format": _("not 12 digits"),
    "check_digit": _("wrong check digit"),
    "century": _("seventh digit is not 1 to 6"),
    "birth_date": _("first six digits are not a date of birth"),
    "duplicate": _("appears earlier in this file"),
    "already_listed": _("already on the voter list"),
}
MAX_LINES = 500_000


@dataclass(frozen=True)
class Rejected:
    line: int
    shown: str  # the value with its middle masked, so the report does not repeat whole IINs
    reason: str

    @property
    def reason_text(self) -> str:
        return str(REASONS[self.reason])


@dataclass
class VoterListReport:
    added: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    hashes: list[tuple[str, str]] = field(default_factory=list)  # (iin_hash, last digits) of accepted lines


def _mask(value: str) -> str:
    value = value.strip()[:20]
    return value if len(value) <= 6 else value[:2] + "…" + value[-4:]


def _lines(data: bytes | str) -> list[tuple[int, str]]:
    text = data.decode("utf-8-sig", errors="replace") if isinstance(data, bytes) else data.lstrip("\ufeff")
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    out = []
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        cell = next((c.strip() for c in row if c.strip()), "")
        if cell:
            out.append((number, cell))
    return out


def check_lines(data: bytes | str, *, listed: set[str] = frozenset()) -> VoterListReport:
    """Validate every line; `listed` holds the hashes already on the list. Pure apart from the hashing key."""
    report = VoterListReport()
    seen: set[str] = set()
    for number, cell in _lines(data)[:MAX_LINES]:
        if number == 1 and not any(c.isdigit() for c in cell):
            continue  # a header such as "IIN" or "ЖСН"
        try:
            iin = parse_iin(cell)
        except InvalidIIN as error:
            report.rejected.append(Rejected(number, _mask(cell), error.code))
            continue
        digest = iin.hash
        if digest in seen:
            report.rejected.append(Rejected(number, _mask(cell), "duplicate"))
        elif digest in listed:
            report.rejected.append(Rejected(number, _mask(cell), "already_listed"))
        else:
            seen.add(digest)
            report.hashes.append((digest, iin.last_digits))
    return report


@transaction.atomic
def import_voter_list(*, edition: Edition, actor, data: bytes | str) -> VoterListReport:
    """Add the valid, new IINs of a CSV to the edition's voter list and say what was rejected and why."""
    from .models import VoterListEntry

    if not is_coordinator(actor, edition.city):
        raise PermissionDenied
    listed = set(VoterListEntry.objects.filter(edition=edition).values_list("iin_hash", flat=True))
    report = check_lines(data, listed=listed)
    VoterListEntry.objects.bulk_create(
        [VoterListEntry(edition=edition, iin_hash=digest) for digest, _last in report.hashes], batch_size=2000
    )
    report.added = len(report.hashes)
    record_action(
        actor=actor,
        action="voting.voter_list_imported",
        edition_id=edition.pk,
        summary=f"{report.added} added, {len(report.rejected)} rejected",
        after={"added": report.added, "rejected": len(report.rejected)},
    )
    return report


@transaction.atomic
def set_restriction(*, edition: Edition, actor, restriction: str):
    """Choose who may vote (everyone of age, the voter list, residents); fixed once voting opens."""
    from .models import Restriction, VotingRules

    if not is_coordinator(actor, edition.city):
        raise PermissionDenied
    if edition.voting_has_opened:
        raise ValidationError(_("Who may vote is fixed once voting has opened."))
    rules, _created = VotingRules.objects.select_for_update().get_or_create(edition=edition)
    before = rules.restriction
    rules.restriction = Restriction(restriction)
    rules.save(update_fields=["restriction"])
    record_action(
        actor=actor,
        action="voting.restriction_set",
        target=rules,
        edition_id=edition.pk,
        summary=f"who may vote: {restriction}",
        before={"restriction": before},
        after={"restriction": restriction},
        public=True,
    )
    return rules
