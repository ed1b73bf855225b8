"""The review screens: the expert's queue and form, the coordinator's progress, decisions, publication, exports."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.testing import sign_in
from editions.models import Phase
from review import services
from review.models import Assessment, ExpertGroup, Shortlist

from .factories import assessment_data, cast, make_edition, make_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return make_edition(phase=Phase.REVIEW)


@pytest.fixture
def people(edition):
    return cast(edition.city)


def _assigned(edition, people, *experts, **fields):
    proposal = make_proposal(edition, **fields)
    services.assign(proposal=proposal, actor=people["coordinator"], experts=[people[e] for e in experts])
    return proposal


def test_the_queue_lists_only_the_experts_own_assignments(client, edition, people):
    mine = _assigned(edition, people, "anna", title="Mine to assess")
    _assigned(edition, people, "bolat", title="Someone else's")
    sign_in(client, people["anna"])
    response = client.get(reverse("review:queue"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mine to assess" in html and "Someone else" not in html
    assert reverse("review:assess", args=[mine.pk]) in html


def test_the_queue_is_for_experts_only(client, people):
    sign_in(client, people["coordinator"])
    assert client.get(reverse("review:queue")).status_code == 403
    sign_in(client, people["anna"], verified=False)
    assert client.get(reverse("review:queue")).status_code == 403


def test_an_unassigned_expert_cannot_open_the_assessment(client, edition, people):
    proposal = _assigned(edition, people, "anna")
    sign_in(client, people["bolat"])
    assert client.get(reverse("review:assess", args=[proposal.pk])).status_code == 403
    assert client.post(reverse("review:assess", args=[proposal.pk]), assessment_data()).status_code == 403
    assert not Assessment.objects.exists()


def test_the_assessment_form_keeps_what_was_typed_on_an_error(client, edition, people):
    proposal = _assigned(edition, people, "anna")
    sign_in(client, people["anna"])
    data = {k: v for k, v in assessment_data(cost=None).items() if v is not None}
    data["legal_check"] = "Cadastral number 12:345 checked"
    response = client.post(reverse("review:assess", args=[proposal.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cadastral number 12:345 checked" in html
    assert "A feasible proposal needs a cost estimate." in html
    assert not Assessment.objects.exists()


def test_an_expert_saves_an_assessment(client, edition, people):
    proposal = _assigned(edition, people, "anna", "bolat")
    sign_in(client, people["anna"])
    data = {k: v for k, v in assessment_data().items() if v is not None}
    response = client.post(reverse("review:assess", args=[proposal.pk]), data)
    assert response.status_code == 302
    assert Assessment.objects.get(expert=people["anna"]).cost_estimate == 4_000_000


def test_an_expert_declares_a_conflict_and_the_form_is_gone(client, edition, people):
    proposal = _assigned(edition, people, "anna", "bolat")
    sign_in(client, people["anna"])
    response = client.post(reverse("review:conflict", args=[proposal.pk]), {"reason": "My neighbour"})
    assert response.status_code == 302
    html = client.get(reverse("review:assess", args=[proposal.pk])).content.decode()
    assert "you cannot assess it" in html and "<textarea" not in html


def test_the_progress_table_highlights_disagreement(client, edition, people):
    proposal = _assigned(edition, people, "anna", "bolat")
    services.submit_assessment(proposal=proposal, actor=people["anna"], **assessment_data())
    services.submit_assessment(
        proposal=proposal, actor=people["bolat"], **assessment_data(recommendation="not_feasible")
    )
    sign_in(client, people["coordinator"])
    html = client.get(reverse("review:progress", args=[edition.pk])).content.decode()
    assert f'class="disagree" id="proposal-{proposal.pk}"' in html
    assert "Experts disagree" in html
    assert reverse("review:decide", args=[edition.pk, proposal.pk]) in html


def test_the_progress_table_makes_a_constant_number_of_queries(client, edition, people):
    sign_in(client, people["coordinator"])
    url = reverse("review:progress", args=[edition.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    _assigned(edition, people, "anna")
    few = queries()
    for _ in range(6):
        proposal = _assigned(edition, people, "anna", "bolat")
        services.submit_assessment(proposal=proposal, actor=people["anna"], **assessment_data())
    assert queries() == few


def test_a_coordinator_assigns_records_a_decision_and_publishes(client, edition, people):
    proposal = make_proposal(edition)
    sign_in(client, people["coordinator"])
    url = reverse("review:assign", args=[edition.pk, proposal.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"experts": [people["anna"].pk, people["bolat"].pk]}).status_code == 302
    services.submit_assessment(proposal=proposal, actor=people["anna"], **assessment_data())
    services.submit_assessment(
        proposal=proposal, actor=people["bolat"], **assessment_data(recommendation="not_feasible")
    )
    url = reverse("review:decide", args=[edition.pk, proposal.pk])
    response = client.post(url, {"feasible": "1", "reason": "Yes"})
    assert response.status_code == 200 and b"needs the cost" in response.content
    assert client.post(url, {"feasible": "1", "ballot_cost": "4200000", "reason": "Yes"}).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.ballot_cost) == ("feasible", 4_200_000)
    assert client.post(reverse("review:publish", args=[edition.pk])).status_code == 302
    assert Shortlist.objects.filter(edition=edition).exists()


def test_publishing_with_undecided_proposals_shows_why(client, edition, people):
    waiting = _assigned(edition, people, "anna")
    sign_in(client, people["coordinator"])
    response = client.post(reverse("review:publish", args=[edition.pk]), follow=True)
    assert f"#{waiting.pk}" in response.content.decode()
    assert not Shortlist.objects.exists()


def _decided(edition, people):
    feasible = _assigned(edition, people, "anna", title="Swings")
    services.submit_assessment(proposal=feasible, actor=people["anna"], **assessment_data(cost=2_500_000))
    rejected = _assigned(edition, people, "anna", title="Fountain")
    services.submit_assessment(
        proposal=rejected, actor=people["anna"], **assessment_data(recommendation="not_feasible")
    )
    return feasible, rejected


def test_the_csv_export_lists_decisions_without_internal_notes(client, edition, people):
    feasible, rejected = _decided(edition, people)
    sign_in(client, people["coordinator"])
    response = client.get(reverse("review:export_csv", args=[edition.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Number"
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id[str(feasible.pk)][8:10] == ["Feasible", "2500000"]
    assert by_id[str(rejected.pk)][8:11] == ["Not feasible", "", "Private land."]
    assert "SECRET-NOTE" not in text


def test_the_excel_export_has_the_same_rows(client, edition, people):
    feasible, _rejected = _decided(edition, people)
    sign_in(client, people["coordinator"])
    response = client.get(reverse("review:export_xlsx", args=[edition.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    assert [r for r in rows if r[0] == feasible.pk][0][9] == 2_500_000
    assert not any("SECRET-NOTE" in str(cell) for row in rows for cell in row)


def test_exports_are_for_the_citys_coordinators(client, edition, people):
    sign_in(client, people["anna"])
    assert client.get(reverse("review:export_csv", args=[edition.pk])).status_code == 403
    assert client.get(reverse("review:export_xlsx", args=[edition.pk])).status_code == 403


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_internal_notes_never_appear_in_public_html(client, edition, people, language):
    feasible, rejected = _decided(edition, people)
    services.close_review_and_publish_shortlist(edition=edition, actor=people["coordinator"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    pages = [reverse("audit:decisions", args=[edition.pk])]
    pages += [p.get_absolute_url() for p in (feasible, rejected) if hasattr(p, "get_absolute_url")]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "SECRET-NOTE" not in response.content.decode(), url
    # The public reason does reach the proposal's page.
    assert "Private land." in client.get(rejected.get_absolute_url()).content.decode()
    # The staff screen does show them, so the check above is not vacuous.
    sign_in(client, people["coordinator"])
    assert "SECRET-NOTE" in client.get(reverse("review:progress", args=[edition.pk])).content.decode()


def test_a_coordinator_assigns_experts_to_several_proposals_at_once(client, edition, people):
    first, second = make_proposal(edition), make_proposal(edition)
    decided = _assigned(edition, people, "bolat")
    services.submit_assessment(proposal=decided, actor=people["bolat"], **assessment_data())
    sign_in(client, people["coordinator"])
    html = client.get(reverse("review:progress", args=[edition.pk])).content.decode()
    assert f'value="{first.pk}" form="bulk-assign"' in html and f'value="{decided.pk}" form="bulk-assign"' not in html
    response = client.post(
        reverse("review:assign_many", args=[edition.pk]),
        {"proposals": [first.pk, second.pk, decided.pk], "experts": [people["anna"].pk, people["chingiz"].pk]},
        follow=True,
    )
    text = response.content.decode()
    assert "Experts are assigned to 2 proposals." in text and f"#{decided.pk}: " in text
    for proposal in (first, second):
        assert {a.expert for a in proposal.review_assignments.all()} == {people["anna"], people["chingiz"]}
    assert not decided.review_assignments.filter(expert=people["anna"]).exists()


def test_bulk_assignment_without_experts_is_refused(client, edition, people):
    proposal = make_proposal(edition)
    sign_in(client, people["coordinator"])
    response = client.post(reverse("review:assign_many", args=[edition.pk]), {"proposals": [proposal.pk]}, follow=True)
    assert "Choose at least one expert or an expert group." in response.content.decode()
    assert not proposal.review_assignments.exists()


def test_the_assessment_page_lists_the_proposals_files(client, edition, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from proposals.models import ProposalAttachment

    proposal = _assigned(edition, people, "anna", latitude="52.041000", longitude="76.927000")
    file = ProposalAttachment.objects.create(
        proposal=proposal,
        kind="document",
        file=SimpleUploadedFile("estimate.pdf", b"%PDF-1.4"),
        original_name="smeta.pdf",
        size=8,
    )
    sign_in(client, people["anna"])
    html = client.get(reverse("review:assess", args=[proposal.pk])).content.decode()
    assert "smeta.pdf" in html and reverse("proposals:attachment", args=[proposal.pk, file.pk]) in html
    assert "52.041000, 76.927000" in html


def test_typed_html_is_escaped_on_the_staff_screens(client, edition, people):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    proposal = _assigned(edition, people, "anna", "bolat", title=payload)
    services.submit_assessment(
        proposal=proposal,
        actor=people["anna"],
        **assessment_data(public_reason=payload, internal_notes=payload, legal_check=payload),
    )
    services.submit_assessment(
        proposal=proposal, actor=people["bolat"], **assessment_data(recommendation="not_feasible")
    )
    sign_in(client, people["coordinator"])
    for url in (
        reverse("review:progress", args=[edition.pk]),
        reverse("review:decide", args=[edition.pk, proposal.pk]),
        reverse("review:assign", args=[edition.pk, proposal.pk]),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;" in html, url


def test_a_coordinator_creates_and_changes_an_expert_group(client, edition, people):
    sign_in(client, people["coordinator"])
    url = reverse("review:groups", args=[edition.pk])
    assert client.post(url, {"name": "Roads", "members": [people["anna"].pk]}).status_code == 302
    group = ExpertGroup.objects.get(city=edition.city)
    response = client.post(url, {"name": "Roads", "members": [people["bolat"].pk]})
    assert "A group with this name already exists." in response.content.decode()
    edit = reverse("review:group_edit", args=[edition.pk, group.pk])
    assert "Anna Expert" in client.get(edit).content.decode()
    assert client.post(edit, {"name": "Roads and lights", "members": [people["bolat"].pk]}).status_code == 302
    group.refresh_from_db()
    assert (group.name, list(group.members.all())) == ("Roads and lights", [people["bolat"]])
