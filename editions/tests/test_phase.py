from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from editions.demo import phase_dates
from editions.models import City, Edition, Phase
from editions.views import countdown, current_edition, timeline

START = timezone.datetime(2031, 3, 2, 9, 0, tzinfo=timezone.get_fixed_timezone(300))


def _edition(city=None, year=2031, start=START) -> Edition:
    city = city or City.objects.create(slug="aksu", name_kk="Ақсу", name_ru="Аксу", name_en="Aksu")
    day = timedelta(days=1)
    return Edition.objects.create(
        city=city,
        year=year,
        title_kk="T",
        title_ru="T",
        title_en="T",
        budget=80_000_000,
        announcement_starts=start,
        proposals_start=start + 10 * day,
        review_starts=start + 40 * day,
        voting_starts=start + 60 * day,
        results_start=start + 70 * day,
        implementation_starts=start + 80 * day,
        archive_starts=start + 400 * day,
    )


@pytest.mark.django_db
def test_the_phase_follows_the_dates_without_anyone_pressing_a_button():
    edition = _edition()
    expected = [
        (-1, Phase.DRAFT),
        (0, Phase.ANNOUNCEMENT),
        (10, Phase.PROPOSALS),
        (59, Phase.REVIEW),
        (60, Phase.VOTING),
        (75, Phase.RESULTS),
        (80, Phase.IMPLEMENTATION),
        (400, Phase.ARCHIVE),
    ]
    for days, phase in expected:
        with time_machine.travel(START + timedelta(days=days, minutes=1), tick=False):
            assert Edition.objects.get(pk=edition.pk).phase == phase, days


@pytest.mark.django_db
def test_the_countdown_counts_days_hours_and_minutes_to_the_next_phase():
    edition = _edition()
    with time_machine.travel(START + timedelta(days=60, hours=1), tick=False):
        left = countdown(edition)
    assert (left.phase, left.days, left.hours, left.minutes) == (Phase.RESULTS, 9, 23, 0)
    with time_machine.travel(START + timedelta(days=69, hours=23, minutes=30), tick=False):
        left = countdown(edition)
    assert (left.days, left.hours, left.minutes) == (0, 0, 30)


@pytest.mark.django_db
def test_there_is_no_countdown_in_the_archive():
    edition = _edition()
    assert countdown(edition, START + timedelta(days=500)) is None


@pytest.mark.django_db
def test_the_timeline_marks_past_current_and_future_phases():
    edition = _edition()
    steps = timeline(edition, START + timedelta(days=65))
    assert [s.state for s in steps] == ["past", "past", "past", "current", "future", "future", "future"]
    assert steps[3].phase == Phase.VOTING and steps[3].ends == edition.results_start
    assert steps[-1].ends is None


@pytest.mark.django_db
def test_the_city_home_shows_the_running_edition_not_an_unannounced_one():
    old = _edition(year=2030, start=START - timedelta(days=380))
    running = _edition(city=old.city, year=2031)
    _edition(city=old.city, year=2032, start=START + timedelta(days=300))
    assert current_edition(old.city, START + timedelta(days=5)) == running
    assert current_edition(old.city, START - timedelta(days=1)) == old


@pytest.mark.parametrize("phase", [p for p in Phase if p != Phase.DRAFT])
def test_demo_dates_put_the_edition_in_the_chosen_phase(phase):
    now = START
    dates = phase_dates(now, phase)
    edition = Edition(**dates)
    assert edition.phase_at(now) == phase
    assert list(dates.values()) == sorted(dates.values())
