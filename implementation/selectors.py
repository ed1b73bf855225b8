"""Reads for the public pages and the coordinator screen: an edition's projects, a timeline, the summaries."""

from dataclasses import dataclass

from django.db.models import Avg, Count, Q, Sum

from editions.models import City, Edition

from .models import ImplementationRecord, Status


def edition_records(edition: Edition, *, district=None, status: str = "", category=None):
    records = ImplementationRecord.objects.for_list().filter(edition=edition)
    if district:
        records = records.filter(district=district)
    if status:
        records = records.filter(status=status)
    if category:
        records = records.filter(category=category)
    return records


def timeline(record: ImplementationRecord) -> list[dict]:
    """Milestones and status changes, newest first, as one list for the public page."""
    items = [
        {"kind": "milestone", "date": m.date, "milestone": m, "sort": (m.date, 1, m.pk)}
        for m in record.milestones.prefetch_related("photos")
    ]
    items += [
        {"kind": "status", "date": c.at.date(), "change": c, "sort": (c.at.date(), 0, c.pk)}
        for c in record.status_changes.all()
    ]
    return sorted(items, key=lambda item: item["sort"], reverse=True)


@dataclass
class Totals:
    projects: int
    completed: int
    cancelled: int
    allocated: int
    spent: int
    average_progress: float

    @property
    def spent_percent(self) -> float:
        return round(100 * self.spent / self.allocated, 1) if self.allocated else 0.0


def totals(records) -> Totals:
    row = records.aggregate(
        projects=Count("pk"),
        completed=Count("pk", filter=Q(status=Status.COMPLETED)),
        cancelled=Count("pk", filter=Q(status=Status.CANCELLED)),
        allocated=Sum("budget_allocated"),
        spent=Sum("budget_spent"),
        average_progress=Avg("progress", filter=~Q(status=Status.CANCELLED)),
    )
    return Totals(
        projects=row["projects"],
        completed=row["completed"],
        cancelled=row["cancelled"],
        allocated=row["allocated"] or 0,
        spent=row["spent"] or 0,
        average_progress=round(row["average_progress"] or 0, 1),
    )


def summary() -> list[dict]:
    """Every city with its editions that have projects: money allocated and spent, what is built."""
    cities = []
    for city in City.objects.order_by("slug"):
        editions = []
        for edition in Edition.objects.public().filter(city=city).order_by("-year"):
            records = ImplementationRecord.objects.filter(edition=edition)
            if records.exists():
                editions.append({"edition": edition, "totals": totals(records)})
        if editions:
            cities.append(
                {
                    "city": city,
                    "editions": editions,
                    "totals": totals(ImplementationRecord.objects.filter(edition__in=[e["edition"] for e in editions])),
                }
            )
    return cities
