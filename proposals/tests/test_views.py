"""Residents' pages through the Django test client: submit, edit, browse, detail, support, comment."""

import pytest
from django.urls import reverse

from accounts.testing import sign_in
from editions.models import Phase
from proposals import services
from proposals.models import Proposal, ProposalAttachment

from .factories import PDF_BYTES, cast, image_bytes, make_edition, make_proposal, proposal_data, set_phase, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return make_edition(phase=Phase.PROPOSALS)


@pytest.fixture
def people(edition):
    return cast(edition)


def _form(edition, **overrides) -> dict:
    data = proposal_data(edition, **overrides)
    data["category"] = data["category"].pk if data["category"] else ""
    data["district"] = data["district"].pk if data["district"] else ""
    return {k: ("" if v is None else v) for k, v in data.items()}


def test_a_resident_submits_a_proposal_with_a_photo(client, edition, people):
    sign_in(client, people["resident"])
    data = _form(edition, latitude="52.041234", longitude="76.923456")
    data["photos"] = upload("двор.jpg", image_bytes())
    data["action"] = "submit"
    response = client.post(reverse("proposals:new", args=[edition.pk]), data)
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == proposal.get_absolute_url()
    assert proposal.status == "submitted" and proposal.submitted_at is not None
    assert proposal.attachments.get().kind == ProposalAttachment.Kind.IMAGE
    page = client.get(proposal.get_absolute_url())
    assert page.status_code == 200
    assert 'property="og:title"' in page.content.decode()
    photo = client.get(reverse("proposals:attachment", args=[proposal.pk, proposal.attachments.get().pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"


def test_a_validation_error_keeps_everything_typed(client, edition, people):
    sign_in(client, people["resident"])
    data = _form(edition, estimated_cost=999_000_000, description="Моё длинное описание <b>жирным</b>")
    data["action"] = "submit"
    response = client.post(reverse("proposals:new", args=[edition.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Моё длинное описание &lt;b&gt;жирным&lt;/b&gt;" in html
    assert data["title"] in html
    assert Proposal.objects.count() == 0


def test_valid_photos_are_kept_with_a_draft_when_another_field_is_wrong(client, edition, people):
    sign_in(client, people["resident"])
    data = _form(edition, estimated_cost=999_000_000)
    data["photos"] = upload("двор.jpg", image_bytes())
    data["action"] = "submit"
    response = client.post(reverse("proposals:new", args=[edition.pk]), data)
    assert response.status_code == 400
    proposal = Proposal.objects.get()
    assert (proposal.status, proposal.title, proposal.estimated_cost) == ("draft", data["title"], None)
    assert proposal.attachments.count() == 1
    html = response.content.decode()
    assert reverse("proposals:edit", args=[proposal.pk]) in html and "999000000" in html


def test_submitting_an_incomplete_draft_saves_it_and_shows_what_is_missing(client, edition, people):
    sign_in(client, people["resident"])
    data = _form(edition, problem="")
    data["action"] = "submit"
    response = client.post(reverse("proposals:new", args=[edition.pk]), data)
    assert response.status_code == 400
    proposal = Proposal.objects.get()
    assert proposal.status == "draft" and proposal.title == data["title"]
    assert reverse("proposals:edit", args=[proposal.pk]) in response.content.decode()


def test_save_draft_then_preview_then_submit(client, edition, people):
    sign_in(client, people["resident"])
    data = _form(edition)
    data["action"] = "draft"
    response = client.post(reverse("proposals:new", args=[edition.pk]), data)
    proposal = Proposal.objects.get()
    assert response["Location"] == reverse("proposals:edit", args=[proposal.pk])
    assert client.get(proposal.get_absolute_url()).status_code == 200  # the author sees the draft
    other = client.__class__()
    assert other.get(proposal.get_absolute_url()).status_code == 404  # nobody else does
    data["action"] = "preview"
    response = client.post(reverse("proposals:edit", args=[proposal.pk]), data)
    assert response["Location"] == reverse("proposals:preview", args=[proposal.pk])
    services.add_attachment(proposal=proposal, actor=people["resident"], upload=upload("смета.pdf", PDF_BYTES))
    preview = client.get(response["Location"]).content.decode()
    assert "смета.pdf" in preview and "thumbnail" not in preview
    response = client.post(reverse("proposals:submit", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == "submitted"


def test_no_submission_outside_the_proposals_phase(client, edition, people):
    set_phase(edition, Phase.REVIEW)
    sign_in(client, people["resident"])
    assert client.get(reverse("proposals:new", args=[edition.pk])).status_code == 200
    data = _form(edition)
    data["action"] = "submit"
    assert client.post(reverse("proposals:new", args=[edition.pk]), data).status_code == 403
    assert Proposal.objects.count() == 0


def test_the_author_edits_until_the_phase_ends(client, edition, people):
    proposal = make_proposal(edition, author=people["resident"])
    sign_in(client, people["resident"])
    data = _form(edition, title="Новое название")
    data["action"] = "draft"
    assert client.post(reverse("proposals:edit", args=[proposal.pk]), data).status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "Новое название" and proposal.status == "submitted"
    set_phase(edition, Phase.REVIEW)
    assert client.get(reverse("proposals:edit", args=[proposal.pk])).status_code == 403


def test_someone_else_cannot_edit(client, edition, people):
    proposal = make_proposal(edition, author=people["resident"])
    sign_in(client, people["neighbour"])
    assert client.get(reverse("proposals:edit", args=[proposal.pk])).status_code == 403


def test_withdraw(client, edition, people):
    proposal = make_proposal(edition, author=people["resident"])
    sign_in(client, people["resident"])
    client.post(reverse("proposals:withdraw", args=[proposal.pk]), {"reason": ""})
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"
    assert client.__class__().get(proposal.get_absolute_url()).status_code == 404


def test_list_filters_sorts_and_searches(client, edition):
    cheap = make_proposal(edition, title="Скамейки", estimated_cost=1_000_000)
    dear = make_proposal(edition, title="Стадион", estimated_cost=15_000_000)
    make_proposal(edition, title="Черновик", status="draft")
    url = reverse("proposals:edition_list", args=[edition.pk])
    html = client.get(url).content.decode()
    assert "Скамейки" in html and "Стадион" in html and "Черновик" not in html
    html = client.get(url, {"cost_max": 2_000_000}).content.decode()
    assert "Скамейки" in html and "Стадион" not in html
    html = client.get(url, {"q": "стад"}).content.decode()
    assert "Стадион" in html and "Скамейки" not in html
    page = client.get(url, {"sort": "-cost"})
    assert [p.pk for p in page.context["page"].object_list] == [dear.pk, cheap.pk]
    decided = make_proposal(
        edition, title="Фонтан", status="feasible", estimated_cost=12_000_000, ballot_cost=3_000_000
    )
    html = client.get(url, {"cost_max": 5_000_000}).content.decode()
    assert "Фонтан" in html  # the council's ballot cost counts once decided
    assert decided.display_cost == 3_000_000


def test_the_list_makes_the_same_number_of_queries_for_10_and_500_proposals(client, edition, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert (
                client.get(reverse("proposals:edition_list", args=[edition.pk]), {"sort": "supported"}).status_code
                == 200
            )
        return len(captured)

    sign_in(client, people["resident"])
    authors = [people["resident"], people["neighbour"]]
    for i in range(10):
        make_proposal(edition, title=f"Proposal {i}", author=authors[i % 2])
    at_ten = queries()
    for i in range(10, 500):
        make_proposal(edition, title=f"Proposal {i}", author=authors[i % 2])
    assert queries() == at_ten <= 10


def test_the_decision_and_its_reason_show_on_the_public_page_in_kazakh(client, edition):
    from proposals import services

    proposal = make_proposal(edition, status="in_review")
    services.record_council_decision(
        proposal=proposal, feasible=True, ballot_cost=4_200_000, reason="Жер учаскесі қалаға тиесілі.", actor=None
    )
    client.cookies["django_language"] = "kk"
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Сараптама кеңесінің шешімі" in html and "Іске асыруға болады" in html
    assert "Жер учаскесі қалаға тиесілі." in html


def test_support_once_and_remove(client, edition, people):
    proposal = make_proposal(edition)
    sign_in(client, people["resident"])
    client.post(reverse("proposals:support", args=[proposal.pk]))
    client.post(reverse("proposals:support", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.supports_count == 1
    client.post(reverse("proposals:unsupport", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.supports_count == 0


def test_comment_reply_and_report(client, edition, people):
    proposal = make_proposal(edition)
    sign_in(client, people["resident"])
    client.post(reverse("proposals:comment_add", args=[proposal.pk]), {"body": "Хорошая идея"})
    top = proposal.comments.get()
    client.post(reverse("proposals:comment_add", args=[proposal.pk]), {"body": "Согласен", "parent": top.pk})
    reply = proposal.comments.exclude(pk=top.pk).get()
    assert reply.parent == top
    sign_in(client, people["neighbour"])
    client.post(reverse("proposals:comment_add", args=[proposal.pk]), {"body": "Ответ на ответ", "parent": reply.pk})
    assert proposal.comments.get(body="Ответ на ответ").parent == top  # one level only
    response = client.post(reverse("proposals:comment_report", args=[proposal.pk, top.pk]), {"reason": "Spam"})
    assert response.status_code == 302
    assert top.reports.get().reason == "Spam"
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Хорошая идея" in html and "Ответ на ответ" in html


def test_city_link_goes_to_the_current_edition(client, edition):
    response = client.get(reverse("proposals:list", args=[edition.city.slug]))
    assert response["Location"] == reverse("proposals:edition_list", args=[edition.pk])
