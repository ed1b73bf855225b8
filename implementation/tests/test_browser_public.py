"""The public implementation and news pages on a phone in each language, checked by axe-core (WCAG 2.1 AA)."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from editions.demo import DemoContext, load_all
from editions.models import Edition
from editions.tests.test_browser_public import axe_violations
from implementation.models import ImplementationRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_public_implementation_and_news_pages_are_accessible(page, live_server, language):
    load_all(DemoContext(now=timezone.now(), write=lambda line: None))
    khromtau = Edition.objects.get(city__slug="khromtau", year=2020)
    record = ImplementationRecord.objects.filter(edition=khromtau).first()
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    urls = {
        "summary": reverse("implementation:summary"),
        "projects": reverse("implementation:edition", kwargs={"edition_id": khromtau.pk}),
        "record": record.get_absolute_url(),
        "news": reverse("news:list", kwargs={"city_slug": "aksu"}),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    for name, url in urls.items():
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == language
        page.screenshot(path=str(ARTIFACTS / f"implementation-{name}-{language}.png"), full_page=True)
        assert axe_violations(page) == [], f"{name} ({language})"
    page.goto(urls["projects"])
    assert page.locator(".projects li").count() == 13
    assert page.locator("#implementation-map .leaflet-marker-icon").count() == 13
