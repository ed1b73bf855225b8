"""Votes cast through the voting services (online and paper) -> count -> publish -> public page -> recount."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.testing import sign_in
from results.models import CountRun
from voting import paper
from voting.services import cast_ballot
from voting.tests.paper_factories import ballot_ids, coordinators, make_iin, make_voter, make_voting_edition

from .factories import download_pb, recount_with_pbcount

pytestmark = pytest.mark.django_db


def _close(edition):
    edition.results_start = timezone.now() - timedelta(minutes=1)
    edition.save(update_fields=["results_start"])


def _vote(edition, staff):
    """Playground (100) and Lights (50) win a budget of 150 by greedy; one vote of each is on paper."""
    playground, benches, lights = ballot_ids(edition)
    for choices in [{playground: 1}, {playground: 1, lights: 1}, {benches: 1}, {lights: 1}]:
        cast_ballot(user=make_voter(), edition=edition, choices=choices)
    for choices in [{playground: 1}, {benches: 1, lights: 1}]:
        iin = make_iin()
        for actor in staff:
            paper.enter_paper_ballot(edition=edition, actor=actor, iin=iin, voter_name="P", choices=choices)
    return [str(playground), str(lights)]


def test_cast_count_publish_and_recount_give_the_same_winners(client, tmp_path):
    edition = make_voting_edition()
    staff = coordinators(edition)
    expected = _vote(edition, staff)
    sign_in(client, staff[0])
    client.cookies["django_language"] = "en"
    # No count while voting is open.
    client.post(reverse("results:count", args=[edition.pk]))
    assert not CountRun.objects.exists()
    _close(edition)
    assert client.post(reverse("results:count", args=[edition.pk])).status_code == 302
    run = CountRun.objects.get()
    assert run.outcome["voters"] == 6
    assert sorted(run.winners) == sorted(expected)
    client.post(reverse("results:publish", args=[edition.pk, run.pk]))

    page = client.get(reverse("results:edition", args=[edition.pk])).content.decode()
    assert "6 people voted: 4 online and 2 on paper ballots." in page
    assert "fewer than 10" in page  # every age/sex group here is too small to show

    path, downloaded = download_pb(client, edition, run, tmp_path)
    assert sorted(p.id for p in downloaded.projects if p.extra["selected"] == "1") == sorted(expected)
    assert recount_with_pbcount(path, run.seed) == run.winners


def test_a_split_budget_is_counted_per_district():
    edition = make_voting_edition(split=True)
    staff = coordinators(edition)
    north, south = [row.district for row in edition.edition_districts.order_by("district__name_en")]
    cast_ballot(user=make_voter(district=north), edition=edition, choices={ballot_ids(edition, north)[1]: 1})
    iin = make_iin()
    for actor in staff:
        paper.enter_paper_ballot(
            edition=edition,
            actor=actor,
            iin=iin,
            voter_name="P",
            choices={ballot_ids(edition, south)[2]: 1},
            district=south,
        )
    _close(edition)
    from results.services import count_edition

    runs = {run.district: run for run in count_edition(edition=edition, actor=staff[0])}
    assert set(runs) == {north, south}
    assert (runs[north].outcome["voters"], runs[south].outcome["voters"]) == (1, 1)
    assert str(ballot_ids(edition, north)[1]) in runs[north].winners
    assert str(ballot_ids(edition, south)[2]) in runs[south].winners
    assert set(runs[north].outcome["names"]) == {str(pid) for pid in ballot_ids(edition, north)}


def test_the_staff_screen_warns_about_paper_ballots_not_yet_counted(client):
    edition = make_voting_edition()
    staff = coordinators(edition)
    paper.enter_paper_ballot(
        edition=edition, actor=staff[0], iin=make_iin(), voter_name="P", choices={ballot_ids(edition)[0]: 1}
    )
    sign_in(client, staff[1])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("results:staff", args=[edition.pk])).content.decode()
    assert "1 paper ballot is not counted yet" in page
    assert "Ballots to count: 0 (online 0, on paper 0)." in page


def test_with_a_shared_budget_the_districts_without_their_own_vote_and_are_counted_together(client):
    """Aksu's set-up: villages with budgets of their own; the town's districts share what is left."""
    from editions.models import District, EditionDistrict
    from results.services import count_edition, publish_results
    from voting.tests.paper_factories import make_project

    edition = make_voting_edition(budget=150)  # Playground 100, Benches 60, Lights 50: no district
    staff = coordinators(edition)
    village, central = (
        District.objects.create(city=edition.city, name_kk=name, name_ru=name, name_en=name)
        for name in ("Village", "Central")
    )
    EditionDistrict.objects.create(edition=edition, district=village, budget=50)
    EditionDistrict.objects.create(edition=edition, district=central)
    well = make_project(edition, "Well", 40, village).pk
    playground, benches, lights = ballot_ids(edition)  # the shared ballot: budget 150 - 50
    assert ballot_ids(edition, village) == [well]

    cast_ballot(user=make_voter(district=central), edition=edition, choices={benches: 1})
    cast_ballot(user=make_voter(district=central), edition=edition, choices={lights: 1})
    cast_ballot(user=make_voter(district=village), edition=edition, choices={well: 1})
    iin = make_iin()
    for actor in staff:  # a paper ballot of the shared budget: no district
        paper.enter_paper_ballot(edition=edition, actor=actor, iin=iin, voter_name="P", choices={benches: 1})
    _close(edition)

    runs = {run.district: run for run in count_edition(edition=edition, actor=staff[0])}
    assert set(runs) == {None, village}
    assert (runs[None].outcome["budget"], runs[None].outcome["voters"]) == ("100", 3)
    assert sorted(runs[None].winners) == sorted([str(benches)])  # Benches 2 votes (60), then Lights (50) no longer fits
    assert runs[village].winners == [str(well)]
    for run in runs.values():
        publish_results(run=run, actor=staff[0])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("results:edition", args=[edition.pk])).content.decode()
    assert "Shared budget (the other districts)" in page and "<h2>Village</h2>" in page
