"""A coordinator runs an edition in headless Chromium on a phone-sized page, without JavaScript tricks.

Time is not frozen here (Playwright's event loop shares the clock): dates are set relative to now.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.testing import make_staff, sign_in_browser
from audit.models import AuditEntry
from editions import services
from editions.models import Category, District, Edition, EditionDistrict, Phase
from editions.tests.staff_factories import create_edition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_coordinator_creates_an_edition_edits_a_date_and_moves_the_phase_on(page, live_server, aksu, coordinator):
    sign_in_browser(page, coordinator, base_url=live_server.url)
    page.goto("/staff/")
    page.get_by_role("link", name="New edition").click()
    start = timezone.now() + timedelta(days=2)
    page.get_by_label("Year").fill("2027")
    page.get_by_label("Title (Kazakh)").fill("Берекелі бастама 2027")
    page.get_by_label("Title (Russian)").fill("Берекелі бастама 2027")
    page.get_by_label("Title (English)").fill("Berekeli bastama 2027")
    page.get_by_label("Budget, tenge").fill("80000000")
    page.get_by_label("Ballot type").select_option("approval")
    for n, field in enumerate(services.DATE_FIELDS):
        page.locator(f"#id_{field}").fill(_local(start + timedelta(days=10 * n)))
    page.get_by_role("button", name="Create the edition").click()
    # Approval ballots need k: the form says so and keeps everything typed.
    expect(page.get_by_text("Enter how many projects a voter may choose")).to_be_visible()
    assert page.get_by_label("Title (English)").input_value() == "Berekeli bastama 2027"
    page.get_by_label("Maximum projects per ballot").fill("5")
    page.get_by_role("button", name="Create the edition").click()
    expect(page.get_by_text("The edition is created.")).to_be_visible()
    edition = Edition.objects.get(city=aksu, year=2027)
    assert (edition.ballot_type, edition.max_choices, edition.phase) == ("approval", 5, Phase.DRAFT)

    later = start + timedelta(days=25)
    page.locator("#id_review_starts").fill(_local(later))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The changes are saved.")).to_be_visible()
    edition.refresh_from_db()
    assert _local(edition.review_starts) == _local(later)

    page.get_by_role("link", name="Move to the next phase").click()
    page.get_by_role("button", name="Start “Announcement” now").click()
    expect(page.get_by_text("Give the reason for moving to the next phase early.")).to_be_visible()
    page.get_by_label("Reason").fill("The akimat approved the budget early.")
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Start “Announcement” now").click()
    expect(page.get_by_text("The phase “Announcement” has started.")).to_be_visible()
    expect(page.get_by_text("Current phase: Announcement")).to_be_visible()
    assert Edition.objects.get(pk=edition.pk).phase == Phase.ANNOUNCEMENT
    entry = AuditEntry.objects.get(action="edition.phase_advanced")
    assert entry.public and entry.summary == "The akimat approved the budget early."


def test_a_coordinator_sees_the_voting_settings_locked_once_voting_opens(desktop_page, live_server, aksu, coordinator):
    page = desktop_page
    edition = create_edition(aksu, coordinator, start=timezone.now() - timedelta(days=31))
    assert edition.phase == Phase.VOTING
    sign_in_browser(page, coordinator, base_url=live_server.url)
    page.goto("/staff/")
    page.get_by_role("link", name="2026 · Berekeli bastama").click()
    expect(page.get_by_role("note").get_by_text("the voting settings are locked")).to_be_visible()
    assert page.get_by_label("Budget, tenge").is_disabled()
    assert page.get_by_label("Counting rule").is_disabled()
    assert page.get_by_label("Voting opens").is_disabled()
    assert page.get_by_label("Voting closes, results").is_enabled()
    page.get_by_label("Title (English)").fill("Berekeli bastama — City initiative")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The changes are saved.")).to_be_visible()
    edition.refresh_from_db()
    assert edition.title_en == "Berekeli bastama — City initiative" and edition.budget == 80_000_000


AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"


def _axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA and best-practice violations on the page, one line each."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => (await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}
        })).violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""
    )


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_staff_screens_pass_axe_on_a_phone(page, live_server, aksu, coordinator, language):
    administrator = make_staff("administrator", name="Admin")
    edition = create_edition(aksu, coordinator, start=timezone.now() - timedelta(days=31))
    district = District.objects.create(city=aksu, name_kk="Орталық", name_ru="Центральный", name_en="Central")
    EditionDistrict.objects.create(edition=edition, district=district, budget=40_000_000)
    Category.objects.create(edition=edition, name_kk="Аула", name_ru="Двор", name_en="Courtyard")
    sign_in_browser(page, administrator, base_url=live_server.url)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    found = {}
    for url in (
        "/staff/",
        f"/staff/editions/{edition.pk}/",
        f"/staff/editions/{edition.pk}/districts-categories/",
        f"/staff/editions/{edition.pk}/next-phase/",
        f"/staff/cities/{aksu.pk}/editions/new/",
        f"/staff/cities/{aksu.pk}/",
    ):
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == language
        violations = _axe_violations(page)
        if violations:
            found[url] = violations
    assert found == {}
