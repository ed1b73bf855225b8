"""The public pages in headless Chromium: each language, the language switch, and axe-core's accessibility check."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from editions.demo import DemoContext, load

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
HEADINGS = {
    "kk": "Берекелі бастама — Қалалық бастама",
    "ru": "Берекелі бастама — Городская инициатива",
    "en": "Berekeli bastama — City initiative",
}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(live_server):
    load(DemoContext(now=timezone.now(), write=lambda line: None))
    return live_server


def _set_language(page, base_url: str, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA and best-practice violations on the page, one line each."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => (await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}
        })).violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""
    )
    return violations


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_city_home_shows_the_phase_and_countdown_in_each_language(page, demo_site, language):
    _set_language(page, demo_site.url, language)
    page.goto("/aksu/")
    assert page.locator("html").get_attribute("lang") == language
    assert HEADINGS[language] in page.locator("h1").inner_text()
    expect(page.locator(".countdown time")).to_be_visible()
    assert "80" in page.locator(".budget strong").first.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"city-home-{language}.png"), full_page=True)
    assert axe_violations(page) == []


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_edition_page_shows_the_timeline_and_rules_in_each_language(page, demo_site, language):
    _set_language(page, demo_site.url, language)
    page.goto("/aksu/2022/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator(".timeline li").count() == 7
    assert page.locator(".timeline li.current").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"edition-{language}.png"), full_page=True)
    assert axe_violations(page) == []


@pytest.mark.parametrize("url", ["/", "/aksu/editions/", "/aksu/contacts/", "/khromtau/2020/"])
def test_the_other_public_pages_pass_axe(desktop_page, demo_site, url):
    desktop_page.goto(url)
    assert axe_violations(desktop_page) == []


def test_the_language_switch_works_without_javascript_and_is_remembered(browser, demo_site):
    context = browser.new_context(
        base_url=demo_site.url, java_script_enabled=False, viewport={"width": 360, "height": 640}
    )
    page = context.new_page()
    try:
        page.goto("/aksu/")
        page.select_option("#language-select", "ru")
        page.get_by_role("button", name="Change").click()
        assert page.locator("html").get_attribute("lang") == "ru"
        assert page.url.endswith("/aksu/")
        page.goto("/aksu/2022/")
        assert page.locator("html").get_attribute("lang") == "ru"
        page.select_option("#language-select", "kk")
        page.locator(".language-switch button").click()
        page.goto("/khromtau/")
        assert page.locator("html").get_attribute("lang") == "kk"
    finally:
        context.close()


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page, demo_site):
    page.goto("/aksu/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_axe_check_does_find_violations(page, live_server):
    page.set_content("<html><body><img src='x.png'><a href='#'></a></body></html>")
    assert any(line.startswith("image-alt") for line in axe_violations(page))
