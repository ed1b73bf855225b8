from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.models import User
from editions.demo import DEMO_STAFF, demo_loaders
from editions.models import City, Edition, Phase, StaffRole


def _counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def _load(*args) -> str:
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_load_demo_twice_on_a_fresh_database_adds_nothing_the_second_time():
    first = _load()
    counts = _counts()
    _load()
    assert _counts() == counts
    assert set(City.objects.values_list("slug", flat=True)) == {"aksu", "khromtau"}
    assert "+77000000002" in first and "bastama-demo-password" in first


@pytest.mark.django_db
def test_the_demo_shows_aksu_2022_in_voting_and_khromtau_in_the_archive():
    with time_machine.travel("2031-05-04 12:00 +05:00", tick=False):
        _load()
        aksu = Edition.objects.get(city__slug="aksu", year=2022)
        assert aksu.budget == 80_000_000
        assert aksu.phase == Phase.VOTING
        assert aksu.next_phase_start()[0] == Phase.RESULTS
        assert Edition.objects.get(city__slug="khromtau", year=2020).phase == Phase.ARCHIVE
        assert aksu.categories.count() == 6 and aksu.edition_districts.count() == 7


@pytest.mark.django_db
def test_the_phase_option_moves_the_demo_edition():
    _load("--phase", "proposals")
    assert Edition.objects.get(city__slug="aksu").phase == Phase.PROPOSALS
    _load()
    assert Edition.objects.get(city__slug="aksu").phase == Phase.VOTING


@pytest.mark.django_db
def test_demo_staff_hold_each_role_and_can_read_their_codes():
    _load()
    for phone, role, city, _name in DEMO_STAFF:
        assert StaffRole.objects.filter(user__phone=phone, role=role, city__slug=city).exists()
    assert User.objects.get(phone="+77000000001").is_superuser
    codes = _load("--codes")
    assert len(codes.splitlines()) == len(DEMO_STAFF)


@pytest.mark.django_db
def test_load_demo_refuses_to_run_without_debug():
    with pytest.raises(CommandError):
        call_command("load_demo", stdout=StringIO())


def test_the_editions_loader_is_found_and_runs_in_installed_apps_order():
    labels = [label for label, _ in demo_loaders()]
    assert "editions" in labels
    order = [config.label for config in apps.get_app_configs()]
    assert labels == sorted(labels, key=order.index)
