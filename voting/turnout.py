"""Turnout: how many people voted, online and on paper, by district, by day, by age band and sex; never how.

Coordinators see it live while voting is open. The public sees it only with the published results, and only in
groups of at least SMALLEST_GROUP people: a smaller group (three women over 60 in one district) could point at
someone. Every number here counts Participations whose ballot is counted (a withdrawn ballot is not a vote).

Age band and sex come from the IIN: for online voters from what their profile stores (birth date and sex decoded
when the IIN was entered), for paper voters from what the paper ballot stored when it was keyed in.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.iin import age_on
from editions.models import Edition

from .eligibility import closing_day, shared_budget, split_districts
from .models import Channel, Participation, VoterListEntry
from .paper_models import PaperBallot, PaperState

SMALLEST_GROUP = 10
# (code, lowest age, highest age or None); the codes are stored on paper ballots, so never rename one.
AGE_BANDS = (("-17", 0, 17), ("18-29", 18, 29), ("30-44", 30, 44), ("45-59", 45, 59), ("60+", 60, None))
AGE_BAND_NAMES = {
    "-17": _("under 18"),
    "18-29": _("18 to 29"),
    "30-44": _("30 to 44"),
    "45-59": _("45 to 59"),
    "60+": _("60 and over"),
}
SEXES = (("female", _("women")), ("male", _("men")))


def age_band(age: int) -> str:
    for code, low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return code
    return AGE_BANDS[0][0]  # pragma: no cover - the bands cover every age


def suppress(count: int) -> int | None:
    """The count if the group is big enough to publish, else None (shown as "fewer than 10")."""
    return count if count >= SMALLEST_GROUP else None


@dataclass
class Row:
    label: str
    online: int = 0
    paper: int = 0

    @property
    def total(self) -> int:
        return self.online + self.paper


@dataclass
class Turnout:
    online: int = 0
    paper: int = 0
    on_list: int = 0
    by_district: list[Row] = field(default_factory=list)
    by_day: list[tuple[date, Row]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.online + self.paper

    @property
    def list_share(self) -> float | None:
        return round(100 * self.total / self.on_list, 1) if self.on_list else None


def _counted(edition: Edition):
    return Participation.objects.filter(edition=edition, ballot__isnull=False)


def summary(edition: Edition) -> Turnout:
    """Totals, by district and by local calendar day of the first vote, each split online / paper."""
    result = Turnout(on_list=VoterListEntry.objects.filter(edition=edition).count())
    districts: dict[int | None, Row] = {}
    # A vote's district is one with a budget of its own, or none: the edition's one budget (no label) or, where
    # the budget is split, the shared one.
    names = {pk: row.district.name for pk, row in split_districts(edition).items()}
    names[None] = str(_("Shared budget (the other districts)")) if shared_budget(edition) else ""
    for row in _counted(edition).values("district_id", "channel").annotate(n=Count("id")).order_by():
        target = districts.setdefault(row["district_id"], Row(names.get(row["district_id"], "")))
        _add(target, row["channel"], row["n"])
        _add(result, row["channel"], row["n"])
    result.by_district = sorted(districts.values(), key=lambda r: r.label)
    days: dict[date, Row] = {}
    tz = timezone.get_current_timezone()
    per_day = _counted(edition).annotate(day=TruncDate("created_at", tzinfo=tz)).values("day", "channel")
    for row in per_day.annotate(n=Count("id")).order_by():
        _add(days.setdefault(row["day"], Row(str(row["day"]))), row["channel"], row["n"])
    result.by_day = sorted(days.items())
    return result


def _add(target, channel: str, n: int) -> None:
    if channel == Channel.PAPER:
        target.paper += n
    else:
        target.online += n


def demographics(edition: Edition) -> dict[tuple[str, str], int]:
    """{(age band, sex): voters}, unsuppressed (the caller decides who may see small groups)."""
    day = closing_day(edition)
    counts: Counter = Counter()
    online = (
        _counted(edition)
        .filter(channel=Channel.ONLINE, user__birth_date__isnull=False)
        .values("user__birth_date", "user__sex")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in online:
        counts[(age_band(age_on(row["user__birth_date"], day)), row["user__sex"])] += row["n"]
    paper = (
        PaperBallot.objects.filter(edition=edition, state=PaperState.COUNTED)
        .values("age_band", "sex")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in paper:
        counts[(row["age_band"], row["sex"])] += row["n"]
    return dict(counts)


def demographic_table(edition: Edition, *, public: bool) -> list[dict]:
    """Rows per age band with a cell per sex; in public, cells under SMALLEST_GROUP become None."""
    counts = demographics(edition)
    rows = []
    for code, _low, _high in AGE_BANDS:
        cells = [counts.get((code, sex), 0) for sex, _name in SEXES]
        rows.append(
            {
                "band": AGE_BAND_NAMES[code],
                "cells": [suppress(n) if public else n for n in cells],
            }
        )
    return rows


def voters(edition: Edition) -> list[dict]:
    """Who voted, for coordinators: the last IIN digits, the name, the channel and the day; never the choices."""
    rows = []
    online = _counted(edition).filter(channel=Channel.ONLINE).select_related("user", "district")
    for p in online.order_by("created_at"):
        user = p.user
        rows.append(
            {
                "last_digits": user.iin_last_digits if user else "",
                "name": user.name if user else "",
                "channel": p.get_channel_display(),
                "district": p.district,
                "at": p.created_at,
            }
        )
    paper_names = defaultdict(list)
    for ballot in PaperBallot.objects.filter(edition=edition, state=PaperState.COUNTED):
        paper_names[ballot.iin_hash].append(ballot)
    for p in _counted(edition).filter(channel=Channel.PAPER).select_related("district").order_by("created_at"):
        sheet = paper_names.get(p.iin_hash, [None])[0]
        rows.append(
            {
                "last_digits": sheet.iin_last_digits if sheet else "",
                "name": sheet.voter_name if sheet else "",
                "channel": p.get_channel_display(),
                "district": p.district,
                "at": p.created_at,
            }
        )
    rows.sort(key=lambda r: r["at"])
    return rows
