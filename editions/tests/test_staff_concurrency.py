"""Two coordinators press "move to the next phase" at the same moment: one phase starts, none is skipped."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from accounts.testing import make_staff
from audit.models import AuditEntry
from editions import services
from editions.models import City, Edition, Phase

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_advances_start_one_phase_only():
    aksu = City.objects.create(slug="aksu", name_kk="Ақсу", name_ru="Аксу", name_en="Aksu")
    first, second = make_staff("coordinator", city=aksu), make_staff("coordinator", city=aksu)
    start = timezone.now() + timedelta(days=1)
    values = {"year": 2026, "title_kk": "K", "title_ru": "R", "title_en": "E", "budget": 1000}
    values |= {field: start + timedelta(days=10 * n) for n, field in enumerate(services.DATE_FIELDS)}
    edition = services.create_edition(actor=first, city=aksu, values=values)
    barrier = threading.Barrier(2)
    outcomes = []

    def press(actor):
        try:
            barrier.wait(timeout=10)
            services.advance_phase(actor=actor, edition=edition, reason="ready", expected_phase=Phase.ANNOUNCEMENT)
            outcomes.append("started")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(actor,)) for actor in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "started"]
    assert Edition.objects.get(pk=edition.pk).phase == Phase.ANNOUNCEMENT
    assert AuditEntry.objects.filter(action="edition.phase_advanced").count() == 1
