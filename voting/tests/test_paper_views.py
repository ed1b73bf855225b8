"""The paper-ballot screens: keyboard-friendly entry, blind second entry, mismatches shown and resolved."""

import re

import pytest
from django.urls import reverse

from accounts.testing import sign_in
from voting import paper
from voting.models import Ballot
from voting.paper_forms import parse_numbers
from voting.paper_models import PaperBallot, PaperState

from .paper_factories import ballot_ids, coordinators, make_iin, make_voter, make_voting_edition

pytestmark = pytest.mark.django_db


def _post(client, edition, iin, numbers, name="Aigerim"):
    return client.post(
        reverse("voting_paper:enter", args=[edition.pk]),
        {"iin": iin, "voter_name": name, "numbers": numbers, "polling_point": "School 3"},
    )


def test_the_entry_form_starts_in_the_iin_field_and_lists_projects_by_number(client):
    edition = make_voting_edition()
    sign_in(client, coordinators(edition, 1)[0])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("voting_paper:enter", args=[edition.pk])).content.decode()
    assert "autofocus" in re.search(r'<input[^>]*name="iin"[^>]*>', page).group(0)
    assert '<td>1</td><th scope="row">Playground</th>' in page


def test_two_coordinators_enter_one_sheet_and_it_counts(client):
    edition = make_voting_edition()
    first, second = coordinators(edition)
    iin = make_iin()
    sign_in(client, first)
    response = _post(client, edition, iin, "3")
    assert response.status_code == 302
    # The second coordinator sees that a sheet waits, but not what the first one typed.
    sign_in(client, second)
    page = client.get(reverse("voting_paper:enter", args=[edition.pk])).content.decode()
    assert "…" + iin[-4:] in page and "School 3" in page
    assert "Lights" not in page.split("awaiting")[-1]
    response = _post(client, edition, iin, "3")
    assert response.status_code == 302
    assert PaperBallot.objects.get().state == PaperState.COUNTED
    assert [c.proposal_id for c in Ballot.objects.get().choices.all()] == [ballot_ids(edition)[2]]
    # The polling point is kept for the next sheet.
    page = client.get(reverse("voting_paper:enter", args=[edition.pk])).content.decode()
    assert 'value="School 3"' in page


def test_a_mismatch_sends_the_second_coordinator_to_the_comparison_and_both_see_it(client):
    edition = make_voting_edition()
    first, second = coordinators(edition)
    iin = make_iin()
    sign_in(client, first)
    _post(client, edition, iin, "1")
    sign_in(client, second)
    response = _post(client, edition, iin, "2 3")
    assert response.status_code == 302 and response.url == reverse("voting_paper:mismatches", args=[edition.pk])
    sign_in(client, first)
    page = client.get(reverse("voting_paper:mismatches", args=[edition.pk])).content.decode()
    assert "1. Playground" in page and "2. Benches" in page and "3. Lights" in page
    sheet = PaperBallot.objects.get()
    kept = sheet.entries.get(entered_by=second)
    client.post(reverse("voting_paper:resolve", args=[edition.pk, sheet.pk]), {"keep": str(kept.pk)})
    sheet.refresh_from_db()
    assert sheet.state == PaperState.COUNTED


def test_an_online_voter_is_shown_to_the_coordinator_and_nothing_is_stored(client):
    edition = make_voting_edition()
    voter = make_voter()
    from voting.services import cast_ballot

    cast_ballot(user=voter, edition=edition, choices={ballot_ids(edition)[0]: 1})
    sign_in(client, coordinators(edition, 1)[0])
    client.cookies["django_language"] = "en"
    response = _post(client, edition, voter.iin, "2")
    assert response.status_code == 200
    assert "already voted online" in response.content.decode()
    assert not PaperBallot.objects.exists()


def test_unreadable_numbers_are_refused_in_the_form(client):
    edition = make_voting_edition()
    sign_in(client, coordinators(edition, 1)[0])
    client.cookies["django_language"] = "en"
    response = _post(client, edition, make_iin(), "1 9")
    assert "There is no project number 9 on this ballot." in response.content.decode()


@pytest.mark.parametrize(
    ("ballot_type", "typed", "expected"),
    [
        ("knapsack", "1, 3", {0: 1, 2: 1}),
        ("cumulative", "1:3 3 : 2", {0: 3, 2: 2}),
        ("ranked", "3 1", {2: 1, 0: 2}),
    ],
)
def test_project_numbers_are_read_for_each_ballot_type(ballot_type, typed, expected):
    from voting.ballots import ballot_for

    edition = make_voting_edition(ballot_type=ballot_type)
    spec = ballot_for(edition, None)
    ids = [p.id for p in spec.projects]
    assert parse_numbers(typed, spec) == {ids[i]: v for i, v in expected.items()}


def test_the_coordinators_dashboard_links_to_the_paper_voter_list_and_turnout_screens(client):
    edition = make_voting_edition()
    sign_in(client, coordinators(edition, 1)[0])
    page = client.get(reverse("staff:dashboard")).content.decode()
    for name in ("enter", "voter_list", "turnout"):
        assert reverse(f"voting_paper:{name}", args=[edition.pk]) in page


def test_who_voted_takes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    from voting.services import cast_ballot

    edition = make_voting_edition()
    first, second = coordinators(edition)
    for _n in range(5):
        cast_ballot(user=make_voter(name="Online"), edition=edition, choices={ballot_ids(edition)[0]: 1})
    for _n in range(3):
        iin = make_iin()
        for actor in (first, second):
            paper.enter_paper_ballot(
                edition=edition, actor=actor, iin=iin, voter_name="Paper", choices={ballot_ids(edition)[1]: 1}
            )
    sign_in(client, first)
    with django_assert_max_num_queries(12):  # session, user, roles, TOTP device, edition, two reads of voters
        page = client.get(reverse("voting_paper:voters", args=[edition.pk])).content.decode()
    assert page.count("Online") >= 5 and page.count("Paper") >= 3


def test_the_printable_ballot_numbers_projects_as_the_entry_screen_reads_them(client):
    edition = make_voting_edition()
    sign_in(client, coordinators(edition, 1)[0])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("voting_paper:print", args=[edition.pk])).content.decode()
    assert '<td>1</td><th scope="row">Playground</th>' in page and '<td>3</td><th scope="row">Lights</th>' in page
    assert "must not exceed the budget of 150 ₸" in page
