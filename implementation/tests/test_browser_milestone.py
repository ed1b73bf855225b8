"""In Chromium: a coordinator adds a milestone with a photo; after the worker runs, a follower has the e-mail."""

from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from accounts.testing import make_staff, make_user, sign_in_browser
from notifications import services as notifications
from notifications import worker

from .helpers import jpeg_upload, make_edition, make_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_a_coordinator_adds_a_milestone_with_a_photo_and_a_follower_is_emailed(
    desktop_page, live_server, settings, tmp_path
):
    settings.SITE_URL = live_server.url
    edition = make_edition()
    record = make_record(edition, title="Skate park on Abay street")
    follower = make_user(name="Aigerim", email="aigerim@example.kz", language="en")
    notifications.follow(user=follower, target=record)
    coordinator = make_staff("coordinator", city=edition.city, language="en")
    photo = tmp_path / "before.jpg"
    photo.write_bytes(jpeg_upload().read())

    page = desktop_page
    sign_in_browser(page, coordinator, base_url=live_server.url)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(reverse("implementation:staff", kwargs={"edition_id": edition.pk}))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "implementation-staff.png"), full_page=True)
    page.get_by_role("link", name="Add a milestone").first.click()
    page.fill("input[name=date]", "2024-06-15")
    page.fill("input[name=title]", "Foundation poured")
    page.fill("textarea[name=text]", "The concrete base is ready.")
    page.select_option("select[name=language]", "en")
    page.set_input_files("input[name=photo_before]", str(photo))
    page.fill("input[name=caption]", "The empty lot")
    page.get_by_role("button", name="Add the milestone").click()
    page.wait_for_url(f"**{reverse('implementation:staff', kwargs={'edition_id': edition.pk})}")

    assert mail.outbox == []  # nothing is sent in the request
    assert worker.run_once().sent == 1
    (email,) = mail.outbox
    assert email.to == ["aigerim@example.kz"]
    assert "Skate park on Abay street" in email.subject
    assert "Foundation poured" in email.body

    page.goto(record.get_absolute_url())
    figure = page.locator("figure img")
    loaded_width = "i => i.complete ? i.naturalWidth : new Promise(done => i.onload = () => done(i.naturalWidth))"
    assert figure.count() == 1 and figure.first.evaluate(loaded_width) == 640  # once loaded: slow under load
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "implementation-record.png"), full_page=True)


def test_a_coordinator_corrects_one_milestone_and_deletes_another(desktop_page, live_server):
    from datetime import date

    from implementation import services

    edition = make_edition()
    record = make_record(edition, title="Skate park on Abay street")
    services.add_milestone(actor=None, record=record, date=date(2024, 6, 15), title="Fundation poured", language="en")
    services.add_milestone(actor=None, record=record, date=date(2024, 6, 20), title="Posted twice", language="en")
    coordinator = make_staff("coordinator", city=edition.city, language="en")

    page = desktop_page
    sign_in_browser(page, coordinator, base_url=live_server.url)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(reverse("implementation:milestone", kwargs={"edition_id": edition.pk, "record_id": record.pk}))
    page.get_by_role("link", name="Edit: Fundation poured").click()
    page.fill("input[name=title]", "Foundation poured")
    page.get_by_role("button", name="Save the milestone").click()
    page.get_by_text("Milestone saved.").wait_for()
    page.get_by_role("link", name="Delete: Posted twice").click()
    page.get_by_role("button", name="Delete the milestone").click()
    page.get_by_text("Milestone deleted.").wait_for()

    page.goto(record.get_absolute_url())
    timeline = page.locator("main").inner_text()
    assert "Foundation poured" in timeline and "Fundation" not in timeline and "Posted twice" not in timeline


def test_after_a_recount_a_coordinator_adds_the_new_winners_and_sees_which_former_ones_to_cancel(
    desktop_page, live_server
):
    from implementation import services
    from implementation.models import ImplementationRecord

    from .helpers import publish_count

    edition = make_edition()
    coordinator = make_staff("coordinator", city=edition.city, language="ru")
    publish_count(edition, [("1", "Скейт-парк", 30_000_000, True), ("2", "Фонтан", 20_000_000, True)])
    services.sync_records_with_results(actor=coordinator, edition=edition)
    fountain = ImplementationRecord.objects.get(project_id="2")
    services.update_record(actor=coordinator, record=fountain, contractor="Aksu Stroy")
    publish_count(edition, [("2", "Фонтан", 20_000_000, False), ("3", "Освещение", 5_000_000, True)])

    page = desktop_page
    sign_in_browser(page, coordinator, base_url=live_server.url)
    page.context.add_cookies([{"name": "django_language", "value": "ru", "url": live_server.url}])
    page.goto(reverse("implementation:staff", kwargs={"edition_id": edition.pk}))
    page.get_by_role("button", name="Добавить победителей из опубликованных итогов").click()

    page.get_by_text("Добавлено проектов из итогов: 1.").wait_for()
    page.get_by_text("Удалены, так как больше не победители опубликованных итогов: Скейт-парк.").wait_for()
    warning = page.locator(".messages").get_by_text("по ним уже записана работа: Фонтан")
    assert warning.count() == 1
    assert page.locator("section h2").all_inner_texts() == ["Освещение", "Фонтан"]
    assert page.locator(f"#record-{fountain.pk} [role=note]").count() == 1
