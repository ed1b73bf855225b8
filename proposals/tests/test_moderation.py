"""Coordinators' moderation screens: the queue, hide with a reason the author sees, restore, merge, block."""

import pytest
from django.urls import reverse

from accounts.testing import sign_in
from editions.models import Phase
from proposals import services
from proposals.models import ProposalBan

from .factories import cast, make_edition, make_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return make_edition(phase=Phase.PROPOSALS)


@pytest.fixture
def people(edition):
    return cast(edition)


def test_the_queue_lists_reports_and_new_proposals(client, edition, people):
    reported = make_proposal(edition, title="Купите окна")
    services.report(proposal=reported, reporter=people["neighbour"], reason="Реклама")
    make_proposal(edition, title="Новая идея")
    sign_in(client, people["coordinator"])
    html = client.get(reverse("proposals:moderation", args=[edition.pk])).content.decode()
    assert "Купите окна" in html and "Реклама" in html and "Новая идея" in html
    client.post(reverse("proposals:mod_checked", args=[edition.pk, reported.pk]))
    reported.refresh_from_db()
    assert reported.moderated_at is not None


def test_the_author_sees_the_reason_and_the_public_does_not_see_the_proposal(client, edition, people):
    proposal = make_proposal(edition, author=people["resident"], title="Спорная идея")
    sign_in(client, people["coordinator"])
    url = reverse("proposals:mod_hide", args=[edition.pk, proposal.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    client.post(url, {"reason": "Оскорбления в тексте"})
    sign_in(client, people["resident"])
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Оскорбления в тексте" in html
    assert "Оскорбления в тексте" in client.get(reverse("proposals:mine", args=[edition.pk])).content.decode()
    sign_in(client, people["neighbour"])
    assert client.get(proposal.get_absolute_url()).status_code == 404
    assert "Спорная идея" not in client.get(reverse("proposals:edition_list", args=[edition.pk])).content.decode()
    sign_in(client, people["coordinator"])
    client.post(reverse("proposals:mod_restore", args=[edition.pk, proposal.pk]))
    sign_in(client, people["neighbour"])
    assert client.get(proposal.get_absolute_url()).status_code == 200


def test_a_hidden_comment_keeps_its_place_without_its_text(client, edition, people):
    proposal = make_proposal(edition)
    comment = services.add_comment(proposal=proposal, author=people["resident"], body="Грубость")
    sign_in(client, people["coordinator"])
    client.post(reverse("proposals:mod_comment_hide", args=[edition.pk, comment.pk]), {"reason": "Грубо"})
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Грубость" not in html


def test_merge_screen(client, edition, people):
    duplicate, target = make_proposal(edition, title="Дубль"), make_proposal(edition, title="Оригинал")
    sign_in(client, people["coordinator"])
    url = reverse("proposals:mod_merge", args=[edition.pk, duplicate.pk])
    assert "Оригинал" in client.get(url).content.decode()
    client.post(url, {"target": target.pk, "reason": "Одно и то же"})
    duplicate.refresh_from_db()
    assert duplicate.merged_into == target
    html = client.get(duplicate.get_absolute_url()).content.decode()
    assert target.get_absolute_url() in html


def test_a_blocked_resident_cannot_open_the_submission_form(client, edition, people):
    sign_in(client, people["coordinator"])
    client.post(reverse("proposals:mod_block", args=[edition.pk, people["resident"].pk]), {"reason": "Спам"})
    assert ProposalBan.objects.filter(user=people["resident"], lifted_at__isnull=True).exists()
    sign_in(client, people["resident"])
    assert client.get(reverse("proposals:new", args=[edition.pk])).status_code == 403
    sign_in(client, people["coordinator"])
    client.post(reverse("proposals:mod_unblock", args=[edition.pk, people["resident"].pk]))
    sign_in(client, people["resident"])
    assert client.get(reverse("proposals:new", args=[edition.pk])).status_code == 200


def test_another_citys_coordinator_is_refused(client, edition, people):
    proposal = make_proposal(edition)
    sign_in(client, people["other_coordinator"])
    assert client.get(reverse("proposals:moderation", args=[edition.pk])).status_code == 403
    response = client.post(reverse("proposals:mod_hide", args=[edition.pk, proposal.pk]), {"reason": "x"})
    assert response.status_code == 403


def test_the_staff_dashboard_links_to_moderation(client, edition, people):
    sign_in(client, people["coordinator"])
    html = client.get(reverse("staff:dashboard")).content.decode()
    assert reverse("proposals:moderation", args=[edition.pk]) in html


def test_the_city_navigation_links_to_the_proposals(client, edition):
    html = client.get(reverse("editions:city", args=[edition.city.slug])).content.decode()
    assert reverse("proposals:list", args=[edition.city.slug]) in html
