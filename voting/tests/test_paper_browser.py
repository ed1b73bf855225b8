"""Two coordinators key in one paper ballot with the keyboard alone; their entries differ; one resolves it."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.testing import sign_in_browser
from voting.paper_models import PaperBallot, PaperState
from voting.selectors import counted_ballots

from .paper_factories import ballot_ids, coordinators, make_iin, make_voting_edition

AXE = Path(__file__).resolve().parents[2] / "editions" / "tests" / "vendor" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA and best-practice violations (the vendored copy the public pages are checked with)."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        # The flash messages come from base.html (an <li role="status">, reported to its owners), not these pages.
        """async () => (await axe.run({exclude: [['.messages']]}, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}
        })).violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""
    )


def _type_sheet(page, iin: str, name: str, numbers: str) -> None:
    """Only the keyboard: the IIN field has the focus, Tab moves on, Enter saves."""
    page.keyboard.type(iin)
    page.keyboard.press("Tab")
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    page.keyboard.type(numbers)
    page.keyboard.press("Tab")
    page.keyboard.type("School 3")
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_double_entry_with_a_mismatch_resolved_by_keyboard(desktop_page, live_server):
    page = desktop_page
    edition = make_voting_edition()
    first, second = coordinators(edition)
    playground, benches, lights = ballot_ids(edition)
    iin = make_iin()
    url = reverse("voting_paper:enter", args=[edition.pk])

    sign_in_browser(page, first, base_url=live_server.url)
    page.goto("/")
    page.select_option("#language-select", "en")
    page.get_by_role("button", name="Change").click()
    page.goto(url)
    expect(page.locator("[name=iin]")).to_be_focused()  # (autofocus may land just after the load event)
    _type_sheet(page, iin, "Aigerim Nurlanovna", "1 3")
    expect(page.get_by_text("First entry saved.")).to_be_visible()
    expect(page.locator("[name=iin]")).to_be_focused()  # ready for the next sheet
    assert axe_violations(page) == []

    sign_in_browser(page, second, base_url=live_server.url)
    page.goto(url)
    assert page.get_by_text("Aigerim Nurlanovna").is_visible()  # the sheet waits ...
    assert page.locator("table.awaiting").get_by_text("Lights").count() == 0  # ... its choices are not shown
    _type_sheet(page, iin, "Aigerim Nurlanovna", "2")
    expect(page).to_have_url(re.compile(re.escape(reverse("voting_paper:mismatches", args=[edition.pk])) + "$"))
    expect(page.get_by_text("The two entries of this ballot differ.")).to_be_visible()
    sheet = PaperBallot.objects.get()
    assert sheet.state == PaperState.MISMATCH
    page.screenshot(path="test-artifacts/paper-mismatch.png", full_page=True)
    assert axe_violations(page) == []

    # The first coordinator sees the mismatch too, takes the paper, and keeps their own reading.
    sign_in_browser(page, first, base_url=live_server.url)
    page.goto(reverse("voting_paper:mismatches", args=[edition.pk]))
    expect(page.get_by_text("1. Playground")).to_be_visible()
    expect(page.get_by_text("2. Benches")).to_be_visible()
    expect(page.locator("input[type=radio]").first).to_be_focused()
    page.keyboard.press("Space")  # the first entry, which has the focus
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("The mismatch is resolved: the paper ballot is counted.")).to_be_visible()
    sheet.refresh_from_db()
    assert sheet.state == PaperState.COUNTED
    assert counted_ballots(edition) == {None: [[(str(playground), 1), (str(lights), 1)]]}
    assert benches not in [playground, lights]
