from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation
from PIL import Image

from accounts.testing import make_staff, make_user
from audit.models import AuditEntry
from implementation import services
from implementation.models import ImplementationRecord, Status
from notifications import services as notifications
from notifications import worker
from notifications.models import Message

from .helpers import jpeg_upload, make_district, make_edition, make_record, publish_count

pytestmark = pytest.mark.django_db


def test_it_creates_a_record_for_each_winner_of_the_published_results_once():
    edition = make_edition()
    publish_count(edition, [("1", "Skate park", 30_000_000, True), ("2", "Fountain", 90_000_000, False)])
    district = make_district(edition)
    publish_count(edition, [("3", "Village lights", 5_000_000, True)], district=district)
    coordinator = make_staff("coordinator", city=edition.city)
    created = services.sync_records_with_results(actor=coordinator, edition=edition).created
    assert sorted((r.project_id, r.title, r.budget_allocated) for r in created) == [
        ("1", "Skate park", 30_000_000),
        ("3", "Village lights", 5_000_000),
    ]
    assert ImplementationRecord.objects.get(project_id="3").district == district
    assert services.sync_records_with_results(actor=coordinator, edition=edition) == services.ResultsSync([], [], [])
    assert AuditEntry.objects.filter(action="implementation.record_created").count() == 2


def test_after_a_recount_former_winners_are_removed_unless_work_is_recorded_on_them():
    edition = make_edition()
    coordinator = make_staff("coordinator", city=edition.city)
    publish_count(
        edition,
        [("1", "Skate park", 30_000_000, True), ("2", "Fountain", 20_000_000, True), ("4", "Benches", 1_000, True)],
    )
    services.sync_records_with_results(actor=coordinator, edition=edition)
    fountain = ImplementationRecord.objects.get(project_id="2")
    services.update_record(actor=coordinator, record=fountain, contractor="Aksu Stroy")
    benches = ImplementationRecord.objects.get(project_id="4")
    services.add_milestone(actor=coordinator, record=benches, date=date(2026, 5, 1), title="Ordered", language="en")
    by_hand = make_record(edition, "Old lamp posts")  # not made from a count: never stale
    publish_count(
        edition,
        [("1", "Skate park", 30_000_000, True), ("2", "Fountain", 20_000_000, False), ("3", "Lights", 5_000, True)]
        + [("4", "Benches", 1_000, False), ("5", "Bins", 500, False)],
    )
    services.sync_records_with_results(actor=coordinator, edition=edition)
    publish_count(edition, [("1", "Skate park", 30_000_000, True), ("5", "Bins", 500, True)])  # the recount
    assert set(services.stale_records(edition)) == {fountain, benches, ImplementationRecord.objects.get(project_id="3")}

    sync = services.sync_records_with_results(actor=coordinator, edition=edition)

    assert [r.project_id for r in sync.created] == ["5"]
    assert sync.removed == ["Lights"]
    assert sync.stale == [fountain, benches]
    kept = {"1", "2", "4", "5", by_hand.project_id}
    assert set(ImplementationRecord.objects.values_list("project_id", flat=True)) == kept
    removal = AuditEntry.objects.get(action="implementation.record_removed")
    assert removal.public and removal.before["title"] == "Lights"
    assert services.sync_records_with_results(actor=coordinator, edition=edition).removed == []


def test_unpublished_results_create_nothing():
    with pytest.raises(ValidationError):
        services.sync_records_with_results(actor=None, edition=make_edition())


def test_a_new_status_brings_its_default_progress_and_is_audited_publicly():
    record = make_record(make_edition())
    record = services.update_record(actor=None, record=record, status=Status.CONSTRUCTION)
    assert record.progress == 50
    record = services.update_record(actor=None, record=record, progress=70)
    assert (record.status, record.progress) == (Status.CONSTRUCTION, 70)
    record = services.update_record(actor=None, record=record, status=Status.COMPLETED)
    assert record.progress == 100 and record.actual_end is not None
    entries = AuditEntry.objects.filter(action="implementation.record_updated").order_by("seq")
    assert [e.public for e in entries] == [True, False, True]
    assert entries[1].before == {"progress": 50} and entries[1].after == {"progress": 70}
    assert record.status_changes.count() == 4  # created, construction, 70%, completed


def test_cancelling_needs_a_public_reason():
    record = make_record(make_edition())
    with pytest.raises(ValidationError):
        services.update_record(actor=None, record=record, status=Status.CANCELLED)
    record = services.update_record(
        actor=None, record=record, status=Status.CANCELLED, cancel_reason="The land belongs to the railway."
    )
    assert record.status_changes.first().reason == "The land belongs to the railway."


def test_end_before_start_is_refused():
    record = make_record(make_edition())
    with pytest.raises(ValidationError):
        services.update_record(actor=None, record=record, planned_start=date(2023, 5, 1), planned_end=date(2023, 4, 1))


def test_a_milestone_reencodes_photos_and_notifies_followers_in_their_language(settings):
    settings.SITE_URL = "https://bastama.test"
    record = make_record(make_edition(), title="Сквер «Достық»")
    follower = make_user(name="Aigerim", email="aigerim@example.kz", language="ru")
    make_user(email="not-following@example.kz")
    notifications.follow(user=follower, target=record)
    milestone = services.add_milestone(
        actor=None,
        record=record,
        date=date(2023, 6, 1),
        title="Уложили плитку",
        text="Работы идут по плану.",
        language="ru",
        photos=[("during", jpeg_upload(), "Аллея")],
    )
    photo = milestone.photos.get()
    with Image.open(photo.image.path) as image:
        assert image.format == "JPEG" and not image.getexif()
    assert Message.objects.count() == 1 and mail.outbox == []
    worker.run_once()
    (email,) = mail.outbox
    assert email.to == ["aigerim@example.kz"]
    assert "Сквер «Достық»" in email.subject and "этап" in email.subject
    assert "Уложили плитку" in email.body
    assert f"https://bastama.test{record.get_absolute_url()}" in email.body


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_saved():
    from django.core.files.uploadedfile import SimpleUploadedFile

    record = make_record(make_edition())
    with pytest.raises(ValidationError):
        services.add_milestone(
            actor=None,
            record=record,
            date=date(2023, 6, 1),
            title="x",
            language="en",
            photos=[("before", SimpleUploadedFile("a.jpg", b"<?php evil ?>"), "")],
        )
    assert not record.milestones.exists()


def _milestone_with_photos(record, coordinator):
    return services.add_milestone(
        actor=coordinator,
        record=record,
        date=date(2023, 6, 1),
        title="Fundation poured",
        language="en",
        photos=[("before", jpeg_upload("lot.jpg"), "Lot"), ("during", jpeg_upload("works.jpg"), "Works")],
    )


def test_a_corrected_milestone_keeps_its_kept_photos_drops_the_others_files_and_tells_nobody_again(
    django_capture_on_commit_callbacks,
):
    record = make_record(make_edition())
    coordinator = make_staff("coordinator", city=record.edition.city)
    notifications.follow(user=make_user(email="f@example.kz"), target=record)
    milestone = _milestone_with_photos(record, coordinator)
    before, during = milestone.photos.order_by("stage")
    messages_before = Message.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_milestone(
            actor=coordinator,
            milestone=milestone,
            date=date(2023, 6, 2),
            title="Foundation poured",
            text="Fixed the date.",
            language="ru",
            photos=[("after", jpeg_upload("done.jpg"), "Done")],
            remove_photos=[before.pk],
        )
    milestone.refresh_from_db()
    assert (milestone.date, milestone.title, milestone.text, milestone.language) == (
        date(2023, 6, 2),
        "Foundation poured",
        "Fixed the date.",
        "ru",
    )
    assert sorted(milestone.photos.values_list("stage", flat=True)) == ["after", "during"]
    assert not before.image.storage.exists(before.image.name) and during.image.storage.exists(during.image.name)
    assert Message.objects.count() == messages_before
    entry = AuditEntry.objects.get(action="implementation.milestone_changed")
    assert entry.before["title"] == "Fundation poured" and entry.after["photos_removed"] == 1


def test_a_photo_of_another_milestone_is_not_removed():
    record = make_record(make_edition())
    first = _milestone_with_photos(record, None)
    second = _milestone_with_photos(record, None)
    other_photo = second.photos.first()
    services.update_milestone(
        actor=None, milestone=first, date=first.date, title=first.title, language="en", remove_photos=[other_photo.pk]
    )
    assert second.photos.filter(pk=other_photo.pk).exists() and first.photos.count() == 2


def test_a_deleted_milestone_leaves_the_timeline_and_its_files_once_committed(django_capture_on_commit_callbacks):
    record = make_record(make_edition())
    coordinator = make_staff("coordinator", city=record.edition.city)
    milestone = _milestone_with_photos(record, coordinator)
    names = [photo.image.name for photo in milestone.photos.all()]
    storage = milestone.photos.first().image.storage
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.delete_milestone(actor=coordinator, milestone=milestone)
    assert all(storage.exists(name) for name in names)  # nothing leaves the disk before the commit
    for callback in callbacks:
        callback()
    assert not record.milestones.exists() and not any(storage.exists(name) for name in names)
    entry = AuditEntry.objects.get(action="implementation.milestone_deleted")
    assert entry.before["title"] == "Fundation poured" and entry.before["photos"] == 2


def test_a_milestone_deleted_meanwhile_is_not_deleted_twice_and_a_late_correction_is_refused_clearly():
    record = make_record(make_edition())
    milestone = _milestone_with_photos(record, None)
    services.delete_milestone(actor=None, milestone=milestone)
    services.delete_milestone(actor=None, milestone=milestone)  # the second click, or the second coordinator
    assert AuditEntry.objects.filter(action="implementation.milestone_deleted").count() == 1
    with translation.override("ru"), pytest.raises(ValidationError, match="тем временем удалили"):
        services.update_milestone(actor=None, milestone=milestone, date=milestone.date, title="x", language="en")
