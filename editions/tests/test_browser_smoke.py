import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_home_page_renders_in_chromium(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "en"  # Chromium asks for en-US
