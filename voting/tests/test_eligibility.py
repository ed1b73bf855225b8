from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from accounts.iin import iin_hash
from accounts.testing import make_user
from editions.models import District, EditionDistrict
from voting import eligibility
from voting.models import Restriction, VoterListEntry, VotingRules

from .helpers import make_iin, make_voter, make_voting_edition

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _closing_on(day: date):
    """An edition whose voting closes at 20:00 Almaty time on `day` (15:00 UTC: the same day in both)."""
    closes = datetime(day.year, day.month, day.day, 20, tzinfo=ALMATY)
    starts = {f: closes - timedelta(days=n) for f, n in [("announcement_starts", 90), ("proposals_start", 80)]}
    starts |= {"review_starts": closes - timedelta(days=30), "voting_starts": closes - timedelta(days=5)}
    return make_voting_edition(
        **starts,
        results_start=closes,
        implementation_starts=closes + timedelta(days=10),
        archive_starts=closes + timedelta(days=300),
    )


def test_a_signed_in_adult_with_an_iin_may_vote():
    result = eligibility.check(make_voter(), make_voting_edition())
    assert result.ok and result.code == "ok" and result.district is None


def test_an_anonymous_visitor_is_asked_to_sign_in():
    result = eligibility.check(AnonymousUser(), make_voting_edition())
    assert (result.code, result.message) == ("sign_in", "Sign in with your phone number to vote.")
    assert not result


def test_a_resident_without_an_iin_is_asked_for_it():
    result = eligibility.check(make_user(), make_voting_edition())
    assert result.code == "no_iin" and "IIN" in result.message


@pytest.mark.parametrize(
    ("birth", "allowed"),
    [
        (date(2010, 6, 15), True),  # sixteen on the closing day itself
        (date(2010, 6, 16), False),  # sixteen the day after voting closes
        (date(1979, 10, 28), True),
    ],
)
def test_age_counts_on_the_local_day_voting_closes(birth, allowed):
    edition = _closing_on(date(2026, 6, 15))
    result = eligibility.check(make_voter(birth=birth), edition)
    assert result.ok is allowed
    if not allowed:
        assert result.code == "too_young"
        assert result.message == "You must be at least 16 years old on 15.06.2026, the day voting closes."


def test_the_minimum_age_is_the_editions():
    edition = make_voting_edition(min_voter_age=18)
    born = edition.results_start.date().replace(year=edition.results_start.year - 17)
    assert eligibility.check(make_voter(birth=born), edition).code == "too_young"


def test_the_published_iin_vectors_vote_by_their_birth_date():
    edition = make_voting_edition()
    assert eligibility.check(make_voter(iin="791028302728"), edition).ok
    assert eligibility.check(make_voter(iin="251112401047"), edition).ok  # born 1925
    # Born 11 December 2006: old enough in any edition closing after 11 December 2022.
    assert eligibility.check(make_voter(iin="061211600012"), edition).ok


def test_a_voter_list_admits_only_listed_iins():
    edition = make_voting_edition()
    VotingRules.objects.create(edition=edition, restriction=Restriction.VOTER_LIST)
    listed, unlisted = make_iin(date(1985, 3, 3)), make_iin(date(1985, 3, 3))
    VoterListEntry.objects.create(edition=edition, iin_hash=iin_hash(listed))
    assert eligibility.check(make_voter(iin=listed), edition).ok
    refused = eligibility.check(make_voter(iin=unlisted), edition)
    assert refused.code == "not_on_list" and "voter list" in refused.message


def test_a_residents_only_edition_admits_residents_of_its_districts():
    edition = make_voting_edition()
    VotingRules.objects.create(edition=edition, restriction=Restriction.RESIDENTS)
    inside = District.objects.create(city=edition.city, name_kk="A", name_ru="A", name_en="A")
    outside = District.objects.create(city=edition.city, name_kk="B", name_ru="B", name_en="B")
    EditionDistrict.objects.create(edition=edition, district=inside)
    assert eligibility.check(make_voter(district=inside), edition).ok
    assert eligibility.check(make_voter(district=outside), edition).code == "not_resident"
    assert eligibility.check(make_voter(), edition).code == "no_district"


def test_a_split_budget_votes_in_the_residents_own_district():
    edition = make_voting_edition()
    north = District.objects.create(city=edition.city, name_kk="N", name_ru="N", name_en="North")
    south = District.objects.create(city=edition.city, name_kk="S", name_ru="S", name_en="South")
    EditionDistrict.objects.create(edition=edition, district=north, budget=50)
    EditionDistrict.objects.create(edition=edition, district=south, budget=70)
    voter = make_voter(district=north)
    assert eligibility.check(voter, edition).district == north
    assert eligibility.check(voter, edition, south).code == "wrong_district"
    assert eligibility.check(make_voter(), edition).code == "no_district"
    elsewhere = District.objects.create(city=edition.city, name_kk="E", name_ru="E", name_en="E")
    assert eligibility.check(make_voter(district=elsewhere), edition).code == "wrong_district"


def test_the_message_is_translated():
    with translation.override("ru"):
        message = eligibility.check(make_user(), make_voting_edition()).message
    assert "ИИН" in message


def test_with_a_shared_budget_residents_of_districts_without_their_own_vote_on_the_shared_ballot():
    edition = make_voting_edition(budget=200)
    village, central, elsewhere = (
        District.objects.create(city=edition.city, name_kk=name, name_ru=name, name_en=name)
        for name in ("Village", "Central", "Elsewhere")
    )
    EditionDistrict.objects.create(edition=edition, district=village, budget=50)
    EditionDistrict.objects.create(edition=edition, district=central)
    assert eligibility.shared_budget(edition) == 150
    for district in (central, elsewhere):  # no residents-only rule here: a district outside the edition votes too
        allowed = eligibility.check(make_voter(district=district), edition)
        assert allowed.ok and allowed.district is None
    assert eligibility.check(make_voter(district=village), edition).district == village
    assert eligibility.check(make_voter(district=central), edition, village).code == "wrong_district"
    assert eligibility.check(make_voter(), edition).code == "no_district"
