from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.testing import sign_in
from accounts.tests.role_matrix import build_world
from audit.services import record_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world()
    coordinator = world.users["coordinator"]
    record_action(
        actor=coordinator,
        action="edition.phase_changed",
        edition_id=world.edition.pk,
        summary="Voting opened",
        public=True,
    )
    record_action(
        actor=coordinator, action="proposal.moderated", edition_id=world.edition.pk, summary="Moderated privately"
    )
    record_action(
        actor=world.users["other_coordinator"],
        action="edition.phase_changed",
        edition_id=world.other_edition.pk,
        summary="Khromtau voting opened",
        public=True,
    )
    record_action(actor=world.users["administrator"], action="accounts.role_granted", summary="site-wide")
    return world


def _summaries(response):
    return [entry.summary for entry in response.context["page"]]


def test_a_coordinator_sees_only_their_citys_entries(client, world):
    sign_in(client, world.users["coordinator"])
    assert _summaries(client.get(reverse("audit:log"))) == ["Moderated privately", "Voting opened"]


def test_an_administrator_sees_everything_and_filters(client, world):
    sign_in(client, world.users["administrator"])
    url = reverse("audit:log")
    assert len(_summaries(client.get(url))) == 4
    assert _summaries(client.get(url, {"edition": world.other_edition.pk})) == ["Khromtau voting opened"]
    assert _summaries(client.get(url, {"action": "proposal.moderated"})) == ["Moderated privately"]
    assert _summaries(client.get(url, {"actor": "Other coordinator"})) == ["Khromtau voting opened"]
    today = timezone.localdate()
    assert len(_summaries(client.get(url, {"date_from": today, "date_to": today}))) == 4
    assert _summaries(client.get(url, {"date_to": today - timedelta(days=1)})) == []


def test_a_coordinator_cannot_filter_their_way_into_another_city(client, world):
    sign_in(client, world.users["coordinator"])
    response = client.get(reverse("audit:log"), {"edition": world.other_edition.pk})
    assert "edition" in response.context["form"].errors
    assert "Khromtau" not in response.text


def test_the_log_is_paginated_with_the_filters_kept(client, world, django_assert_max_num_queries):
    for n in range(60):
        record_action(
            actor=world.users["coordinator"], action="proposal.moderated", edition_id=world.edition.pk, summary=f"m{n}"
        )
    sign_in(client, world.users["administrator"])
    with django_assert_max_num_queries(8):  # session, user, device, header roles, actions, count, editions, page
        response = client.get(reverse("audit:log"), {"action": "proposal.moderated"})
    assert len(response.context["page"]) == 50
    assert "action=proposal.moderated&amp;page=2" in response.text
    assert len(client.get(reverse("audit:log"), {"action": "proposal.moderated", "page": 2}).context["page"]) == 11


def test_the_public_decisions_page_shows_only_public_entries_of_the_edition(client, world):
    response = client.get(reverse("audit:decisions", kwargs={"edition_id": world.edition.pk}))
    assert "Voting opened" in response.text
    assert "Moderated privately" not in response.text and "Khromtau voting opened" not in response.text


def test_an_edition_not_yet_announced_has_no_decisions_page(client, world):
    with time_machine.travel(timezone.now() - timedelta(days=30)):
        assert client.get(reverse("audit:decisions", kwargs={"edition_id": world.edition.pk})).status_code == 404
    assert client.get(reverse("audit:decisions", kwargs={"edition_id": 999})).status_code == 404
