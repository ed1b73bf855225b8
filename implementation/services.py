"""Changing implementation records: each call is atomic, written to the audit log, and notifies followers.

sync_records_with_results(actor=, edition=)   -> records for the winners of the published counts (after a recount:
                                                 former winners' untouched records removed, the others flagged)
create_record(actor=, edition=, project_id=, title=, ...)   (demo data, imported past editions)
update_record(actor=, record=, **changes)
add_milestone(actor=, record=, date=, title=, text=, language=, photos=[(stage, upload, caption)])
update_milestone(actor=, milestone=, date=, title=, text=, language=, photos=[...], remove_photos=[ids])
delete_milestone(actor=, milestone=)
"""

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import record_action
from notifications.services import followers_of, notify

from .models import DEFAULT_PROGRESS, ImplementationRecord, Milestone, MilestonePhoto, StatusChange
from .photos import reencode

EDITABLE = (
    "status",
    "progress",
    "cancel_reason",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "contractor",
    "budget_allocated",
    "budget_spent",
    "address",
)


def _proposal(proposal_id):
    if proposal_id is None or not apps.is_installed("proposals"):
        return None
    return apps.get_model("proposals", "Proposal").objects.filter(pk=proposal_id).first()


def followers(record: ImplementationRecord):
    """People following the project or the proposal it came from (proposals' own follow list included)."""
    targets = [record]
    proposal = _proposal(record.proposal_id)
    users = followers_of(*targets, *([proposal] if proposal else []))
    if proposal is not None and hasattr(proposal, "follows"):
        users = users | users.model.objects.filter(pk__in=proposal.follows.values("user_id"), is_active=True)
    return users.distinct()


def _snapshot(record: ImplementationRecord) -> dict:
    return {field: getattr(record, field) for field in EDITABLE}


def _message_context(record: ImplementationRecord) -> dict:
    return {
        "title": record.title,
        "edition": {"kk": record.edition.title_kk, "ru": record.edition.title_ru, "en": record.edition.title_en},
        "path": record.get_absolute_url(),
        "status": record.status,
        "progress": record.progress,
    }


def create_record(*, actor, edition, project_id: str, title: str, budget_allocated: int = 0, **fields):
    """One record, or the existing one for the same project (so re-running is harmless)."""
    with transaction.atomic():
        record, created = ImplementationRecord.objects.get_or_create(
            edition=edition,
            project_id=str(project_id),
            defaults={"title": title, "budget_allocated": budget_allocated, **fields},
        )
        if created:
            StatusChange.objects.create(
                record=record, status=record.status, progress=record.progress, at=timezone.now(), actor=actor
            )
            record_action(
                actor=actor,
                action="implementation.record_created",
                target=record,
                edition_id=edition.pk,
                summary=record.title,
                after=_snapshot(record),
            )
    return record, created


@dataclass(frozen=True)
class ResultsSync:
    """What `sync_records_with_results` did."""

    created: list[ImplementationRecord]
    removed: list[str]  # titles of untouched records whose project is no longer a winner
    stale: list[ImplementationRecord]  # records with work on them whose project is no longer a winner


def stale_records(edition) -> models.QuerySet:
    """Records made from a count whose project is not a winner of the edition's published counts (a recount
    changed the winners). Records made by hand or imported (no count) are never stale."""
    from results.selectors import published_winner_ids

    return ImplementationRecord.objects.filter(edition=edition, count_run__isnull=False).exclude(
        project_id__in=published_winner_ids(edition)
    )


def _untouched(record: ImplementationRecord) -> bool:
    """Nothing was recorded on it since it was made from the results: no change, no milestone."""
    changes = AuditEntry.objects.filter(
        target_type=record._meta.label_lower, target_id=str(record.pk), action__startswith="implementation."
    ).exclude(action="implementation.record_created")
    return not record.milestones.exists() and not changes.exists()


def sync_records_with_results(*, actor, edition) -> ResultsSync:
    """A record for every winner of the edition's published counts (one per budget), made once.

    After a recount that changed the winners, a former winner's record that nobody has touched is removed
    (audited, public); one with recorded work is kept and returned as stale, for a coordinator to cancel with
    a public reason or keep.
    """
    from results.selectors import published_runs

    runs = published_runs(edition)
    if not runs:
        raise ValidationError(_("The results of this edition are not published yet."))
    created, removed, stale = [], [], []
    with transaction.atomic():
        for run in runs:
            for project in run.outcome["projects"]:
                if not project["selected"]:
                    continue
                project_id = str(project["id"])
                proposal_id = int(project_id) if project_id.isdigit() else None
                proposal = _proposal(proposal_id)
                extra = {}
                if proposal is not None:
                    extra = {
                        "category_id": proposal.category_id,
                        "address": proposal.address,
                        "latitude": proposal.latitude,
                        "longitude": proposal.longitude,
                    }
                record, is_new = create_record(
                    actor=actor,
                    edition=edition,
                    project_id=project_id,
                    proposal_id=proposal.pk if proposal else proposal_id,
                    title=run.outcome["names"].get(project_id, project_id)[:200],
                    budget_allocated=round(Fraction(project["cost"])),
                    count_run=run,
                    district=run.district or (proposal.district if proposal else None),
                    **extra,
                )
                if is_new:
                    created.append(record)
        for record in stale_records(edition).select_for_update().order_by("pk"):
            if not _untouched(record):
                stale.append(record)
                continue
            record_action(
                actor=actor,
                action="implementation.record_removed",
                target=record,
                edition_id=edition.pk,
                summary=f"{record.title}: not a winner of the published results",
                before={"project_id": record.project_id, "title": record.title, **_snapshot(record)},
                public=True,
            )
            removed.append(record.title)
            record.delete()
    return ResultsSync(created, removed, stale)


def _clean(record: ImplementationRecord) -> None:
    if record.status == "cancelled" and not record.cancel_reason.strip():
        raise ValidationError({"cancel_reason": _("Give the public reason for cancelling the project.")})
    if not 0 <= record.progress <= 100:
        raise ValidationError({"progress": _("Progress is a percentage from 0 to 100.")})
    for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
        if getattr(record, start) and getattr(record, end) and getattr(record, end) < getattr(record, start):
            raise ValidationError({end: _("The end date is before the start date.")})


def update_record(*, actor, record: ImplementationRecord, **changes) -> ImplementationRecord:
    """Change any of EDITABLE; a new status without a progress takes the status's default progress.

    Followers are told when the status changes; the change is audited (public when the status changes).
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        record = ImplementationRecord.objects.select_for_update().select_related("edition").get(pk=record.pk)
        before = _snapshot(record)
        for field, value in changes.items():
            setattr(
                record, field, "" if value is None and field in ("cancel_reason", "contractor", "address") else value
            )
        status_changed = record.status != before["status"]
        if status_changed and changes.get("progress") in (None, before["progress"]):
            record.progress = DEFAULT_PROGRESS.get(record.status, record.progress)
        if record.status == "completed" and record.actual_end is None:
            record.actual_end = timezone.localdate()
        _clean(record)
        after = _snapshot(record)
        if after == before:
            return record
        record.save()
        if status_changed or record.progress != before["progress"]:
            StatusChange.objects.create(
                record=record,
                status=record.status,
                progress=record.progress,
                reason=record.cancel_reason if record.status == "cancelled" else "",
                at=timezone.now(),
                actor=actor,
            )
        record_action(
            actor=actor,
            action="implementation.record_updated",
            target=record,
            edition_id=record.edition_id,
            summary=f"{record.title}: {record.get_status_display()} {record.progress}%",
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
            public=status_changed,
        )
        if status_changed:
            notify(
                users=followers(record),
                template="implementation/notifications/status",
                context={**_message_context(record), "cancel_reason": record.cancel_reason},
                dedupe_key=f"implementation-status:{record.pk}:{record.status}",
            )
    return record


def _add_photos(milestone: Milestone, encoded: list[tuple[str, object, str]]) -> None:
    for stage, content, caption in encoded:
        photo = MilestonePhoto(milestone=milestone, stage=stage, caption=caption)
        photo.image.save(content.name, content, save=False)
        photo.save()


def _delete_files_on_commit(photos) -> None:
    """Photo files go once the rows are gone for good: a rolled-back change keeps both."""
    files = [(photo.image.storage, photo.image.name) for photo in photos]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


def add_milestone(
    *,
    actor,
    record: ImplementationRecord,
    date: date,
    title: str,
    text: str = "",
    language: str,
    photos: list[tuple[str, object, str]] = (),
) -> Milestone:
    """A dated milestone with photos (stage, uploaded file, caption), re-encoded; followers are notified."""
    encoded = [(stage, reencode(upload), caption) for stage, upload, caption in photos]
    with transaction.atomic():
        milestone = Milestone.objects.create(
            record=record, date=date, title=title, text=text, language=language, created_by=actor
        )
        _add_photos(milestone, encoded)
        record_action(
            actor=actor,
            action="implementation.milestone_added",
            target=record,
            edition_id=record.edition_id,
            summary=f"{record.title}: {date.isoformat()} {title}",
            after={"milestone": milestone.pk, "date": date, "title": title, "photos": len(encoded)},
        )
        notify(
            users=followers(record),
            template="implementation/notifications/milestone",
            context={**_message_context(record), "milestone": title, "date": date.isoformat(), "text": text[:1000]},
            dedupe_key=f"implementation-milestone:{milestone.pk}",
        )
    return milestone


def update_milestone(
    *,
    actor,
    milestone: Milestone,
    date: date,
    title: str,
    text: str = "",
    language: str,
    photos: list[tuple[str, object, str]] = (),
    remove_photos: list[int] = (),
) -> Milestone:
    """Correct a milestone (a typo, a wrong date), add photos or take some away. Followers were told when it was
    added and are not told again: a correction is not news."""
    encoded = [(stage, reencode(upload), caption) for stage, upload, caption in photos]
    with transaction.atomic():
        milestone = Milestone.objects.select_for_update().select_related("record").filter(pk=milestone.pk).first()
        if milestone is None:
            raise ValidationError(_("This milestone was deleted meanwhile; add it again if it is still needed."))
        changes = {"date": date, "title": title, "text": text, "language": language}
        before = {field: getattr(milestone, field) for field in changes}
        for field, value in changes.items():
            setattr(milestone, field, value)
        milestone.save(update_fields=list(changes))
        removed = list(milestone.photos.filter(pk__in=remove_photos))
        MilestonePhoto.objects.filter(pk__in=[photo.pk for photo in removed]).delete()
        _delete_files_on_commit(removed)
        _add_photos(milestone, encoded)
        record = milestone.record
        record_action(
            actor=actor,
            action="implementation.milestone_changed",
            target=record,
            edition_id=record.edition_id,
            summary=f"{record.title}: {date.isoformat()} {title}",
            before=before,
            after={**changes, "photos_added": len(encoded), "photos_removed": len(removed)},
        )
    return milestone


def delete_milestone(*, actor, milestone: Milestone) -> None:
    """Take a milestone and its photos off the project's timeline (the audit log keeps what it said). Deleting
    one that is already gone (two coordinators at once, a resent form) does nothing."""
    with transaction.atomic():
        milestone = Milestone.objects.select_for_update().select_related("record").filter(pk=milestone.pk).first()
        if milestone is None:
            return
        record = milestone.record
        photos = list(milestone.photos.all())
        record_action(
            actor=actor,
            action="implementation.milestone_deleted",
            target=record,
            edition_id=record.edition_id,
            summary=f"{record.title}: {milestone.date.isoformat()} {milestone.title}",
            before={"date": milestone.date, "title": milestone.title, "text": milestone.text, "photos": len(photos)},
        )
        milestone.delete()
        _delete_files_on_commit(photos)
