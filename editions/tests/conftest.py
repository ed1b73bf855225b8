"""Fixtures for the editions tests: the demo cities and editions, loaded the way `load_demo` loads them,
and the bare city with its coordinator that the staff tests start from."""

import pytest
from django.utils import timezone

from accounts.testing import make_staff
from editions.demo import DemoContext, load
from editions.models import City


@pytest.fixture
def demo(db):
    """Aksu (2022 edition in voting, relative to now) and Khromtau (2020, archived), with demo staff."""
    context = DemoContext(now=timezone.now(), write=lambda line: None)
    load(context)
    return context


@pytest.fixture
def aksu():
    """A city with nothing in it yet, for the staff screens and services to fill."""
    return City.objects.create(slug="aksu", name_kk="Ақсу", name_ru="Аксу", name_en="Aksu")


@pytest.fixture
def coordinator(aksu):
    """Aksu's coordinator, who runs its editions."""
    return make_staff("coordinator", city=aksu, name="Coordinator")
