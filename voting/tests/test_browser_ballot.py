"""A resident votes on a phone-sized screen: knapsack ballot without JavaScript, over budget, fixed, confirmed,
changed; and the live remaining-budget bar with JavaScript."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.testing import sign_in_browser
from voting import selectors

from .helpers import make_projects, make_voter, make_voting_edition

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def no_js_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 640}, java_script_enabled=False, locale="en"
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def ballot():
    edition = make_voting_edition(budget=100)
    projects = make_projects(edition, [("Playground", 60), ("Benches", 30), ("Lights", 50)])
    return edition, projects


def _english(page):
    page.goto("/")
    page.select_option("#language-select", "en")
    page.locator("form.language-switch button").click()


def test_a_knapsack_vote_without_javascript_then_a_changed_vote(no_js_page, live_server, ballot):
    page = no_js_page
    edition, (playground, benches, lights) = ballot
    sign_in_browser(page, make_voter(), base_url=live_server.url)
    _english(page)
    page.goto(f"/editions/{edition.pk}/vote/")
    expect(page.locator("#budget-amount")).to_have_text("100")

    page.get_by_label("Playground").check()
    page.get_by_label("Lights").check()
    page.get_by_role("button", name="Recalculate").click()
    expect(page.locator("#budget-label-over")).to_be_visible()
    expect(page.locator("#budget-amount")).to_have_text("10")
    page.get_by_role("button", name="Review my ballot").click()
    expect(page.get_by_role("alert")).to_contain_text("Your projects cost 110")

    page.get_by_label("Lights").uncheck()
    page.get_by_label("Benches").check()
    page.get_by_role("button", name="Recalculate").click()
    expect(page.locator("#budget-amount")).to_have_text("10")
    expect(page.locator("#budget-label-remaining")).to_be_visible()
    page.get_by_role("button", name="Review my ballot").click()
    expect(page.get_by_role("heading", name="Review your ballot")).to_be_visible()
    page.get_by_role("button", name="Confirm my ballot").click()
    first = page.locator("#receipt-code").inner_text()
    page.screenshot(path=str(ARTIFACTS / "voting-receipt-no-js.png"), full_page=True)
    assert selectors.receipt_status(edition, first) == "counted"

    page.get_by_role("link", name="Change my ballot").click()
    expect(page.get_by_label("Playground")).to_be_checked()
    expect(page.get_by_label("Benches")).to_be_checked()
    page.get_by_label("Playground").uncheck()
    page.get_by_label("Lights").check()
    page.get_by_role("button", name="Review my ballot").click()
    expect(page.get_by_text("Confirming replaces your earlier ballot")).to_be_visible()
    page.get_by_role("button", name="Confirm my ballot").click()
    expect(page.get_by_text("replaces the earlier one")).to_be_visible()
    second = page.locator("#receipt-code").inner_text()
    assert second != first

    page.goto(f"/editions/{edition.pk}/receipt/")
    page.get_by_label("Receipt code").fill(first)
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("status")).to_contain_text("This ballot was replaced")
    assert selectors.counted_ballots(edition) == {None: [[(str(benches.pk), 1), (str(lights.pk), 1)]]}


def test_the_remaining_budget_follows_the_ticks_with_javascript(page, live_server, ballot):
    edition, _ = ballot
    sign_in_browser(page, make_voter(), base_url=live_server.url)
    _english(page)
    page.goto(f"/editions/{edition.pk}/vote/")
    page.get_by_label("Playground").check()
    expect(page.locator("#budget-amount")).to_have_text("40")
    page.get_by_label("Lights").check()
    expect(page.locator("#budget-label-over")).to_be_visible()
    expect(page.locator("#budget-amount")).to_have_text("10")
    page.screenshot(path=str(ARTIFACTS / "voting-ballot-over-budget.png"), full_page=True)


def test_a_resident_of_a_district_without_its_own_budget_votes_on_the_shared_ballot(page, live_server):
    from editions.models import District, EditionDistrict

    edition = make_voting_edition(budget=100)
    village, central = (
        District.objects.create(city=edition.city, name_kk=name, name_ru=name, name_en=name)
        for name in ("Village", "Central")
    )
    EditionDistrict.objects.create(edition=edition, district=village, budget=40)
    EditionDistrict.objects.create(edition=edition, district=central)
    make_projects(edition, [("Well", 40)], district=village)
    (square,) = make_projects(edition, [("Square", 50)], district=central)
    (plan,) = make_projects(edition, [("Town plan", 10)])
    sign_in_browser(page, make_voter(district=central), base_url=live_server.url)
    _english(page)
    page.goto(f"/editions/{edition.pk}/vote/")
    expect(page.locator("#budget-amount")).to_have_text("60")
    expect(page.get_by_label("Well")).to_have_count(0)
    page.get_by_label("Square").check()
    page.get_by_label("Town plan").check()
    page.get_by_role("button", name="Review my ballot").click()
    page.get_by_role("button", name="Confirm my ballot").click()
    expect(page.locator("#receipt-code")).to_be_visible()
    assert selectors.counted_ballots(edition) == {None: [[(str(square.pk), 1), (str(plan.pk), 1)]]}


def test_in_kazakh_the_live_budget_groups_digits_as_the_page_does(page, live_server):
    edition = make_voting_edition(budget=100_000)
    make_projects(edition, [("Playground", 60_000), ("Lights", 50_000)])
    sign_in_browser(page, make_voter(), base_url=live_server.url)
    page.context.add_cookies([{"name": "django_language", "value": "kk", "url": live_server.url}])
    page.goto(f"/editions/{edition.pk}/vote/")
    served = page.locator("#budget-amount").inner_text()
    page.get_by_label("Playground").check()
    expect(page.locator("#budget-amount")).not_to_have_text(served)
    live = page.locator("#budget-amount").inner_text()
    assert [served.replace("\xa0", " "), live.replace("\xa0", " ")] == ["100 000", "40 000"]
