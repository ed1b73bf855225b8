import pytest
from django.urls import reverse

from accounts.testing import make_staff
from results.services import publish_results, run_count

from .factories import election, make_closed_edition

EXPECTED = {
    "kk": ("Жеңімпаздар", "Сыймады: қажетті 60 ₸ орнына 0 ₸ қалды."),
    "ru": ("Победители", "Не уместился: осталось 0 ₸ из нужных 60 ₸."),
    "en": ("Winners", "Did not fit: 0 ₸ left of 60 ₸ needed."),
}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_results_page_in_each_language(page, language):
    edition = make_closed_edition()
    coordinator = make_staff("coordinator", city=edition.city)
    (run,) = run_count(edition=edition, actor=coordinator, elections={None: election()})
    publish_results(run=run, actor=coordinator)
    page.goto("/")
    page.select_option("#language-select", language)
    page.get_by_role("button").first.click()
    page.goto(reverse("results:edition", args=[edition.pk]))
    heading, why = EXPECTED[language]
    assert page.get_by_role("heading", name=heading).is_visible()
    assert page.get_by_text(why).is_visible()
    assert page.locator("svg[role=img]").count() == 1
    page.screenshot(path=f"test-artifacts/results-{language}.png", full_page=True)
