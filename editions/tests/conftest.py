"""Fixtures for the editions tests: the demo cities and editions, loaded the way `load_demo` loads them."""

import pytest
from django.utils import timezone

from editions.demo import DemoContext, load


@pytest.fixture
def demo(db):
    """Aksu (2022 edition in voting, relative to now) and Khromtau (2020, archived), with demo staff."""
    context = DemoContext(now=timezone.now(), write=lambda line: None)
    load(context)
    return context
