import re
from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import translation

from accounts.testing import make_user
from editions.models import District, EditionDistrict
from voting import receipts, selectors, services, turnout
from voting.models import Ballot, BallotChoice, Channel, Participation

from .helpers import make_projects, make_voter, make_voting_edition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def edition():
    return make_voting_edition(budget=100)


@pytest.fixture
def projects(edition):
    return make_projects(edition, [("Playground", 60), ("Benches", 30), ("Lights", 50)])


def _refused(code, **kwargs):
    with pytest.raises(services.VotingRefused) as refused:
        services.submit_ballot(**kwargs)
    assert refused.value.code == code
    return refused.value.message


def test_a_cast_ballot_counts_and_its_receipt_checks(edition, projects):
    playground, benches, _ = projects
    cast = services.cast_ballot(user=make_voter(), edition=edition, choices={playground.pk: 1, benches.pk: 1})
    assert selectors.counted_ballots(edition) == {None: [[(str(playground.pk), 1), (str(benches.pk), 1)]]}
    assert selectors.receipt_status(edition, cast.receipt) == "counted"
    assert selectors.receipt_status(edition, cast.receipt.lower().replace("-", " ")) == "counted"
    assert selectors.receipt_status(edition, "0000-0000-0000") == "unknown"
    assert cast.receipt not in str(Ballot.objects.values().get())


def test_the_ballot_row_names_nobody(edition, projects):
    services.cast_ballot(user=make_voter(), edition=edition, choices={projects[0].pk: 1})
    fields = {f.name for f in Ballot._meta.get_fields() if f.concrete}
    assert fields == {
        "id",
        "edition",
        "district",
        "channel",
        "receipt_hash",
        "created_at",
        "superseded_at",
        "replaced_by",
    }


def test_over_budget_is_refused_with_the_amounts(edition, projects):
    playground, _, lights = projects
    message = _refused("over_budget", user=make_voter(), edition=edition, choices={playground.pk: 1, lights.pk: 1})
    assert message == "Your projects cost 110 ₸, which is 10 ₸ over the budget of 100 ₸. Remove a project."
    assert not Ballot.objects.exists() and not Participation.objects.exists()


def test_an_empty_ballot_and_a_foreign_project_are_refused(edition, projects):
    _refused("empty", user=make_voter(), edition=edition, choices={})
    other = make_projects(make_voting_edition(slug="khromtau"), [("Elsewhere", 10)])[0]
    _refused("not_on_ballot", user=make_voter(), edition=edition, choices={other.pk: 1})


def test_a_second_cast_is_refused_but_submit_replaces(edition, projects):
    playground, benches, lights = projects
    voter = make_voter()
    first = services.cast_ballot(user=voter, edition=edition, choices={playground.pk: 1})
    with pytest.raises(services.VotingRefused) as refused:
        services.cast_ballot(user=voter, edition=edition, choices={benches.pk: 1})
    assert refused.value.code == "already_voted"
    second = services.submit_ballot(user=voter, edition=edition, choices={benches.pk: 1, lights.pk: 1})
    assert second.replaced
    assert selectors.counted_ballots(edition) == {None: [[(str(benches.pk), 1), (str(lights.pk), 1)]]}
    assert selectors.receipt_status(edition, first.receipt) == "replaced"
    assert selectors.receipt_status(edition, second.receipt) == "counted"
    old = Ballot.objects.get(pk=first.ballot_id)
    assert old.replaced_by_id == second.ballot_id and old.superseded_at is not None
    assert Participation.objects.get().ballot_id == second.ballot_id


def test_withdrawing_stops_counting_and_allows_a_new_vote(edition, projects):
    voter = make_voter()
    cast = services.cast_ballot(user=voter, edition=edition, choices={projects[0].pk: 1})
    services.cancel_ballot(user=voter, edition=edition)
    assert selectors.counted_ballots(edition) == {}
    assert selectors.receipt_status(edition, cast.receipt) == "withdrawn"
    with pytest.raises(services.VotingRefused) as refused:
        services.cancel_ballot(user=voter, edition=edition)
    assert refused.value.code == "no_ballot"
    services.submit_ballot(user=voter, edition=edition, choices={projects[1].pk: 1})
    assert selectors.counted_ballots(edition) == {None: [[(str(projects[1].pk), 1)]]}
    assert Participation.objects.count() == 1


def test_one_iin_is_one_voter_even_with_two_accounts(edition, projects):
    voter = make_voter()
    services.cast_ballot(user=voter, edition=edition, choices={projects[0].pk: 1})
    # A second account cannot hold the same IIN (accounts keeps it unique), but the database guards the
    # participation too: the same IIN hash cannot be recorded twice in one budget.
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(edition=edition, iin_hash=voter.iin_hash, channel=Channel.PAPER)


def test_a_paper_vote_blocks_the_online_one(edition, projects):
    voter = make_voter()
    paper = services.store_ballot(edition=edition, district=None, choices={projects[0].pk: 1}, channel=Channel.PAPER)
    Participation.objects.create(
        edition=edition, iin_hash=voter.iin_hash, channel=Channel.PAPER, ballot_id=paper.ballot_id
    )
    message = _refused("voted_on_paper", user=voter, edition=edition, choices={projects[1].pk: 1})
    assert "paper" in message
    with pytest.raises(services.VotingRefused):
        services.cancel_ballot(user=voter, edition=edition)
    assert selectors.counted_ballots(edition) == {None: [[(str(projects[0].pk), 1)]]}


def test_voting_outside_its_dates_is_refused(edition, projects):
    voter = make_voter()
    with time_machine.travel(edition.voting_starts - timedelta(minutes=1)):
        assert "not opened" in _refused("not_open", user=voter, edition=edition, choices={projects[0].pk: 1})
    services.cast_ballot(user=voter, edition=edition, choices={projects[0].pk: 1})
    with time_machine.travel(edition.results_start):
        _refused("closed", user=voter, edition=edition, choices={projects[1].pk: 1})
        with pytest.raises(services.VotingRefused) as refused:
            services.cancel_ballot(user=voter, edition=edition)
        assert refused.value.code == "closed"


def test_an_ineligible_resident_is_refused_with_the_reason(edition, projects):
    message = _refused("no_iin", user=make_user(), edition=edition, choices={projects[0].pk: 1})
    assert "IIN" in message


def test_split_budgets_count_per_district(edition):
    north = District.objects.create(city=edition.city, name_kk="N", name_ru="N", name_en="North")
    south = District.objects.create(city=edition.city, name_kk="S", name_ru="S", name_en="South")
    EditionDistrict.objects.create(edition=edition, district=north, budget=40)
    EditionDistrict.objects.create(edition=edition, district=south, budget=100)
    (park,) = make_projects(edition, [("Park", 50)], district=north)
    (road,) = make_projects(edition, [("Road", 50)], district=south)
    _refused("over_budget", user=make_voter(district=north), edition=edition, choices={park.pk: 1})
    _refused("not_on_ballot", user=make_voter(district=north), edition=edition, choices={road.pk: 1})
    services.cast_ballot(user=make_voter(district=south), edition=edition, choices={road.pk: 1})
    assert selectors.counted_ballots(edition) == {south: [[(str(road.pk), 1)]]}
    assert Participation.objects.get().district == south


def test_choices_keep_their_values(edition, projects):
    edition.ballot_type, edition.points = "cumulative", 10
    edition.save()
    services.cast_ballot(user=make_voter(), edition=edition, choices={projects[0].pk: 7, projects[2].pk: 3})
    assert sorted(BallotChoice.objects.values_list("value", flat=True)) == [3, 7]


def test_the_ballot_is_read_once_per_process_while_voting(edition, projects, django_assert_num_queries):
    from editions.models import Edition
    from voting import ballots

    ballots.ballot_for(Edition.objects.get(pk=edition.pk), None)
    another_request = Edition.objects.get(pk=edition.pk)
    with django_assert_num_queries(0):
        spec = ballots.ballot_for(another_request, None)
    assert [p.title for p in spec.projects] == ["Playground", "Benches", "Lights"]


def test_receipt_codes_use_the_whole_alphabet_in_three_groups_of_four():
    codes = [receipts.new_code() for _ in range(2000)]
    assert all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){2}", code) for code in codes)
    assert len(set(codes)) == len(codes)
    assert set("".join(codes).replace("-", "")) == set(receipts._ALPHABET)  # every 5-bit group is used


def test_a_shared_budget_has_its_own_ballot_and_a_person_still_votes_once(edition):
    village = District.objects.create(city=edition.city, name_kk="V", name_ru="V", name_en="Village")
    central = District.objects.create(city=edition.city, name_kk="C", name_ru="C", name_en="Central")
    EditionDistrict.objects.create(edition=edition, district=village, budget=40)
    EditionDistrict.objects.create(edition=edition, district=central)  # shares the other 60
    (well,) = make_projects(edition, [("Well", 40)], district=village)
    square, lamps = make_projects(edition, [("Square", 50), ("Lamps", 30)], district=central)
    (plan,) = make_projects(edition, [("Town plan", 10)])  # no district: on the shared ballot
    townsman = make_voter(district=central)
    _refused("over_budget", user=townsman, edition=edition, choices={square.pk: 1, lamps.pk: 1})
    _refused("not_on_ballot", user=townsman, edition=edition, choices={well.pk: 1})
    services.submit_ballot(user=townsman, edition=edition, choices={square.pk: 1, plan.pk: 1})
    villager = make_voter(district=village)
    services.submit_ballot(user=villager, edition=edition, choices={well.pk: 1})
    # Each moves house after voting: the other ballot is refused, online as in the database.
    townsman.district, villager.district = village, central
    _refused("other_district", user=townsman, edition=edition, choices={well.pk: 1})
    _refused("other_district", user=villager, edition=edition, choices={lamps.pk: 1})
    assert selectors.counted_ballots(edition) == {
        None: [[(str(square.pk), 1), (str(plan.pk), 1)]],
        village: [[(str(well.pk), 1)]],
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(
            edition=edition, district=None, iin_hash=villager.iin_hash, ballot=Ballot.objects.create(edition=edition)
        )
    labels = {row.label for row in turnout.summary(edition).by_district}
    assert labels == {"Shared budget (the other districts)", "Village"}
