import pytest
from django.urls import reverse
from fontTools.ttLib import TTFont

from accounts.testing import make_staff, sign_in
from results.models import CountRun
from results.protocol import DEFAULT_FONT
from results.services import publish_results, run_count

from .factories import download_pb, election, make_closed_edition, recount_with_pbcount

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted():
    edition = make_closed_edition()
    coordinator = make_staff("coordinator", city=edition.city)
    (run,) = run_count(edition=edition, actor=coordinator, elections={None: election()})
    return edition, coordinator, run


def test_nothing_public_before_publication(client, counted):
    edition, _, run = counted
    assert client.get(reverse("results:edition", args=[edition.pk])).status_code == 404
    assert client.get(reverse("results:ballots_pb", args=[edition.pk, run.pk])).status_code == 404
    assert client.get(reverse("results:projects_csv", args=[edition.pk, run.pk])).status_code == 404


def test_public_page_explains_every_project(client, counted, django_assert_num_queries):
    edition, coordinator, run = counted
    publish_results(run=run, actor=coordinator)
    client.cookies["django_language"] = "en"
    # The edition with its city; the published counts with their districts; turnout: the voter list size, district
    # names, votes by district, by day, and by age/sex online and on paper. A fixed number, however many voted.
    with django_assert_num_queries(8):
        response = client.get(reverse("results:edition", args=[edition.pk]))
    text = response.content.decode()
    assert "Playground" in text and "<svg" in text
    assert "Did not fit: 0 ₸ left of 60 ₸ needed." in text


def test_coordinator_sees_rules_side_by_side_and_publishes(client, counted):
    edition, coordinator, run = counted
    sign_in(client, coordinator)
    client.cookies["django_language"] = "en"
    client.post(reverse("results:compare", args=[edition.pk]))
    compared = CountRun.objects.exclude(pk=run.pk).filter(rule="phragmen").get()
    assert compared.input_hash == run.input_hash
    page = client.get(reverse("results:staff", args=[edition.pk])).content.decode()
    assert "Greedy by votes" in page and "Sequential Phragmén" in page
    response = client.post(reverse("results:publish", args=[edition.pk, run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.published_at is not None


def test_csv_lists_projects_and_votes(client, counted):
    edition, coordinator, run = counted
    publish_results(run=run, actor=coordinator)
    rows = client.get(reverse("results:projects_csv", args=[edition.pk, run.pk])).content.decode().splitlines()
    assert rows[0] == "project_id,name,cost,votes,selected,reason"
    assert "1,Playground,100,3,1,selected" in rows


def test_anyone_can_recount_the_downloaded_file_with_the_pbcount_command(client, counted, tmp_path):
    edition, coordinator, run = counted
    publish_results(run=run, actor=coordinator)
    path, downloaded = download_pb(client, edition, run, tmp_path)
    assert [p.id for p in downloaded.projects if p.extra["selected"] == "1"] == run.winners
    assert run.seed in downloaded.meta["comment"]
    assert recount_with_pbcount(path, run.seed) == run.winners


def test_protocol_pdf_embeds_a_font_with_kazakh_letters(client, counted):
    edition, coordinator, run = counted
    publish_results(run=run, actor=coordinator)
    client.cookies["django_language"] = "kk"
    response = client.get(reverse("results:protocol_pdf", args=[edition.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"DejaVu" in response.content
    cmap = TTFont(DEFAULT_FONT).getBestCmap()
    assert all(ord(letter) in cmap for letter in "әғқңөұүһіӘҒҚҢӨҰҮҺІ₸")
