import pytest


@pytest.fixture(autouse=True)
def _english(client):
    """Assertions read English text; the site's default language is Kazakh."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
