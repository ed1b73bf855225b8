import pytest
from django.urls import reverse
from playwright.sync_api import expect

from results.services import count_edition, publish_results
from voting.tests.paper_factories import coordinators, make_voting_edition
from voting.tests.test_paper_browser import axe_violations

from .test_end_to_end import _close, _vote

EXPECTED = {
    "kk": ("Жеңімпаздар", "Сыймады: қажетті 60 ₸ орнына 0 ₸ қалды.", "Қатысу", "Аудан бойынша"),
    "ru": ("Победители", "Не уместился: осталось 0 ₸ из нужных 60 ₸.", "Явка", "По районам"),
    "en": ("Winners", "Did not fit: 0 ₸ left of 60 ₸ needed.", "Turnout", "By district"),
}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_results_page_in_each_language(page, language):
    """Ballots cast online and on paper, counted and published, read in each language on a phone."""
    edition = make_voting_edition()
    staff = coordinators(edition)
    _vote(edition, staff)
    _close(edition)
    (run,) = count_edition(edition=edition, actor=staff[0])
    publish_results(run=run, actor=staff[0])
    page.goto("/")
    page.select_option("#language-select", language)
    page.get_by_role("button").first.click()
    page.goto(reverse("results:edition", args=[edition.pk]))
    winners, why, turnout, _by_district = EXPECTED[language]
    expect(page.get_by_role("heading", name=winners)).to_be_visible()
    expect(page.get_by_text(why)).to_be_visible()
    expect(page.get_by_role("heading", name=turnout)).to_be_visible()
    assert page.locator("svg[role=img]").count() == 2  # the budget used; online versus paper
    page.screenshot(path=f"test-artifacts/results-{language}.png", full_page=True)
    assert axe_violations(page) == []
