from pathlib import Path

import pytest

TEMPLATES_DIR = Path(__file__).parent / "templates"


@pytest.fixture
def test_templates(settings):
    """Adds notifications/tests/templates (the "notifytest/hello" message) to the template search path."""
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES_DIR]}]
    settings.SITE_URL = "https://bastama.test"
    yield
