"""Turnout for coordinators: online and paper, by district and day, by age band and sex; who voted, never how."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.testing import sign_in
from voting import paper, turnout
from voting.services import cast_ballot

from .paper_factories import ballot_ids, coordinators, make_iin, make_voter, make_voting_edition

pytestmark = pytest.mark.django_db


def _paper_vote(edition, staff, iin, choices, name="Paper voter"):
    for actor in staff:
        paper.enter_paper_ballot(edition=edition, actor=actor, iin=iin, voter_name=name, choices=choices)


@pytest.fixture
def voted():
    edition = make_voting_edition()
    staff = coordinators(edition)
    p1, p2, _ = ballot_ids(edition)
    for _n in range(12):
        cast_ballot(
            user=make_voter(born=date(1985, 1, 1), sex="female", name="Online voter"), edition=edition, choices={p1: 1}
        )
    cast_ballot(user=make_voter(born=date(1950, 1, 1), sex="male"), edition=edition, choices={p2: 1})
    _paper_vote(edition, staff, make_iin(born=date(2000, 3, 3), sex="male"), {p2: 1})
    return edition, staff


def test_turnout_splits_online_and_paper_by_district_and_day(voted):
    edition, _ = voted
    summary = turnout.summary(edition)
    assert (summary.online, summary.paper, summary.total) == (13, 1, 14)
    assert [(row.online, row.paper) for row in summary.by_district] == [(13, 1)]
    assert sum(row.total for _day, row in summary.by_day) == 14


def test_groups_under_ten_are_hidden_in_public_but_not_from_coordinators(voted):
    edition, _ = voted
    public = {row["band"]: row["cells"] for row in turnout.demographic_table(edition, public=True)}
    staff = {row["band"]: row["cells"] for row in turnout.demographic_table(edition, public=False)}
    women_30_44 = str(turnout.AGE_BAND_NAMES["30-44"])
    men_60 = str(turnout.AGE_BAND_NAMES["60+"])
    assert public[women_30_44] == [12, None] and staff[women_30_44] == [12, 0]
    assert public[men_60] == [None, None] and staff[men_60] == [0, 1]
    assert staff[str(turnout.AGE_BAND_NAMES["18-29"])] == [0, 1]  # the paper voter, from the IIN


def test_the_voter_list_shows_who_voted_never_how(client, voted):
    edition, staff = voted
    sign_in(client, staff[0])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("voting_paper:voters", args=[edition.pk])).content.decode()
    assert page.count("Online voter") == 12 and "Paper voter" in page
    assert "Playground" not in page and "Benches" not in page
    page = client.get(reverse("voting_paper:turnout", args=[edition.pk])).content.decode()
    assert "Voted: 14 (online 13, on paper 1)." in page
    # One day of votes: a bar of online votes (13 of 14, 93%) and paper ones after it, drawn on the server.
    assert 'viewBox="0 0 100 3"' in page and 'width="93"' in page and 'x="93" y="0" width="7"' in page


def test_age_bands_cover_every_age():
    assert [turnout.age_band(a) for a in (16, 18, 29, 30, 59, 60, 99)] == [
        "-17",
        "18-29",
        "18-29",
        "30-44",
        "45-59",
        "60+",
        "60+",
    ]
