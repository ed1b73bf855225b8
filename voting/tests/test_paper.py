"""Paper ballots through the services: double entry, mismatches, and one counted ballot per person."""

from datetime import date

import pytest
from django.utils import translation

from audit.models import AuditEntry
from voting import paper
from voting.models import Ballot, Channel, Participation, Restriction, VoterListEntry, VotingRules
from voting.paper_models import PaperBallot, PaperSettings, PaperState, WhenBoth
from voting.selectors import counted_ballots
from voting.services import VOTED_ON_PAPER, VotingRefused, cast_ballot

from .paper_factories import ballot_ids, coordinators, make_iin, make_voter, make_voting_edition

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return make_voting_edition()


@pytest.fixture
def staff(edition):
    return coordinators(edition, 3)


def _enter(edition, actor, iin, choices, **kw):
    return paper.enter_paper_ballot(edition=edition, actor=actor, iin=iin, voter_name="Aigerim", choices=choices, **kw)


def test_a_sheet_counts_only_after_a_second_coordinator_enters_the_same_choices(edition, staff):
    first, second, _ = staff
    p1, p2, _p3 = ballot_ids(edition)
    iin = make_iin()
    entered = _enter(edition, first, iin, {p1: 1})
    assert entered.outcome == paper.AWAITING
    assert not Ballot.objects.exists() and not Participation.objects.exists()
    entered = _enter(edition, second, iin, {p1: 1})
    assert entered.outcome == paper.COUNTED
    ballot = Ballot.objects.get()
    assert ballot.channel == Channel.PAPER and ballot.is_counted
    participation = Participation.objects.get()
    assert participation.channel == Channel.PAPER and participation.ballot == ballot and participation.user is None
    assert counted_ballots(edition) == {None: [[(str(p1), 1)]]}
    # The entries forget the choices once the sheet counts: nothing left links the person to their choices.
    assert all(entry.choices == {} for entry in entered.paper_ballot.entries.all())
    assert p2 not in [c.proposal_id for c in ballot.choices.all()]


def test_the_same_coordinator_cannot_make_the_second_entry(edition, staff):
    first, *_ = staff
    p1 = ballot_ids(edition)[0]
    iin = make_iin()
    _enter(edition, first, iin, {p1: 1})
    with pytest.raises(paper.PaperRefused) as refused:
        _enter(edition, first, iin, {p1: 1})
    assert refused.value.code == "same_coordinator"
    assert not Ballot.objects.exists()


def test_a_mismatch_waits_and_the_entry_matching_the_paper_is_counted(edition, staff):
    first, second, third = staff
    p1, p2, p3 = ballot_ids(edition)
    iin = make_iin()
    _enter(edition, first, iin, {p1: 1})
    entered = _enter(edition, second, iin, {p2: 1, p3: 1})
    assert entered.outcome == paper.MISMATCH
    assert not Ballot.objects.exists()
    with pytest.raises(paper.PaperRefused) as refused:
        _enter(edition, third, iin, {p1: 1})
    assert refused.value.code == "mismatch"
    sheet = entered.paper_ballot
    kept = sheet.entries.get(entered_by=second)
    paper.resolve_mismatch(paper_ballot=sheet, actor=third, keep=kept)
    sheet.refresh_from_db()
    assert sheet.state == PaperState.COUNTED
    assert counted_ballots(edition) == {None: [[(str(p2), 1), (str(p3), 1)]]}
    assert AuditEntry.objects.filter(action="voting.paper_resolved", actor=third).exists()


def test_a_spoiled_sheet_is_not_counted(edition, staff):
    first, second, _ = staff
    p1, p2, _ = ballot_ids(edition)
    iin = make_iin()
    _enter(edition, first, iin, {p1: 1})
    sheet = _enter(edition, second, iin, {p2: 1}).paper_ballot
    paper.resolve_mismatch(paper_ballot=sheet, actor=first, keep=None)
    sheet.refresh_from_db()
    assert (sheet.state, sheet.refusal) == (PaperState.REFUSED, "spoiled")
    assert not Ballot.objects.exists()


def test_someone_who_voted_online_cannot_get_a_paper_ballot_counted_and_the_coordinator_is_told(edition, staff):
    voter = make_voter()
    p1, p2, _ = ballot_ids(edition)
    cast_ballot(user=voter, edition=edition, choices={p1: 1})
    with pytest.raises(paper.PaperRefused) as refused, translation.override("en"):
        _enter(edition, staff[0], voter.iin, {p2: 1})
    assert refused.value.code == "voted_online"
    assert "already voted online" in refused.value.message
    assert Ballot.objects.counted().count() == 1


def test_someone_whose_paper_ballot_counts_cannot_vote_online(edition, staff):
    voter = make_voter()
    p1, p2, _ = ballot_ids(edition)
    _enter(edition, staff[0], voter.iin, {p1: 1})
    _enter(edition, staff[1], voter.iin, {p1: 1})
    with pytest.raises(VotingRefused) as refused:
        cast_ballot(user=voter, edition=edition, choices={p2: 1})
    assert refused.value.code == VOTED_ON_PAPER
    assert counted_ballots(edition) == {None: [[(str(p1), 1)]]}


def test_an_online_vote_between_the_two_entries_keeps_the_first_recorded_ballot(edition, staff):
    voter = make_voter()
    p1, p2, _ = ballot_ids(edition)
    _enter(edition, staff[0], voter.iin, {p1: 1})
    cast_ballot(user=voter, edition=edition, choices={p2: 1})  # the sheet is not counted yet: online is first
    sheet = _enter(edition, staff[1], voter.iin, {p1: 1}).paper_ballot
    assert (sheet.state, sheet.refusal) == (PaperState.REFUSED, "voted_online")
    assert counted_ballots(edition) == {None: [[(str(p2), 1)]]}


def test_when_the_edition_says_paper_wins_the_online_ballot_stops_counting(edition, staff):
    PaperSettings.objects.create(edition=edition, when_both=WhenBoth.PAPER)
    voter = make_voter()
    p1, p2, _ = ballot_ids(edition)
    online = Ballot.objects.get(pk=cast_ballot(user=voter, edition=edition, choices={p2: 1}).ballot_id)
    _enter(edition, staff[0], voter.iin, {p1: 1})
    _enter(edition, staff[1], voter.iin, {p1: 1})
    online.refresh_from_db()
    assert not online.is_counted
    participation = Participation.objects.get()
    assert participation.channel == Channel.PAPER
    assert counted_ballots(edition) == {None: [[(str(p1), 1)]]}


def test_the_rule_for_voting_both_ways_is_fixed_once_voting_opens(edition, staff):
    with pytest.raises(paper.PaperRefused):
        paper.set_when_both(edition=edition, actor=staff[0], when_both="paper")


@pytest.mark.parametrize(
    ("iin", "code"),
    [("12345", "iin_format"), ("900517400001", "iin_check_digit")],
)
def test_an_invalid_iin_is_refused_with_the_reason(edition, staff, iin, code):
    with pytest.raises(paper.PaperRefused) as refused:
        _enter(edition, staff[0], iin, {ballot_ids(edition)[0]: 1})
    assert refused.value.code == code


def test_a_voter_under_the_minimum_age_is_refused(edition, staff):
    young = make_iin(born=date.today().replace(year=date.today().year - 10))
    with pytest.raises(paper.PaperRefused) as refused:
        _enter(edition, staff[0], young, {ballot_ids(edition)[0]: 1})
    assert refused.value.code == "too_young"


def test_with_a_voter_list_only_listed_iins_are_accepted(edition, staff):
    from accounts.iin import iin_hash

    VotingRules.objects.create(edition=edition, restriction=Restriction.VOTER_LIST)
    listed, unlisted = make_iin(), make_iin()
    VoterListEntry.objects.create(edition=edition, iin_hash=iin_hash(listed))
    assert _enter(edition, staff[0], listed, {ballot_ids(edition)[0]: 1}).outcome == paper.AWAITING
    with pytest.raises(paper.PaperRefused) as refused:
        _enter(edition, staff[0], unlisted, {ballot_ids(edition)[0]: 1})
    assert refused.value.code == "not_on_list"


def test_a_ballot_over_budget_is_refused_like_online(edition, staff):
    p1, p2, _ = ballot_ids(edition)
    with pytest.raises(paper.PaperRefused) as refused:
        _enter(edition, staff[0], make_iin(), {p1: 1, p2: 1})
    assert refused.value.code == "over_budget"


def test_a_split_budget_needs_the_district_and_counts_there():
    edition = make_voting_edition(split=True)
    first, second = coordinators(edition)
    north = edition.edition_districts.get(district__name_en="North").district
    project = ballot_ids(edition, north)[0]
    iin = make_iin()
    with pytest.raises(paper.PaperRefused) as refused:
        _enter(edition, first, iin, {project: 1})
    assert refused.value.code == "no_district"
    _enter(edition, first, iin, {project: 1}, district=north)
    _enter(edition, second, iin, {project: 1}, district=north)
    assert counted_ballots(edition) == {north: [[(str(project), 1)]]}


def test_the_audit_log_names_the_sheet_but_never_the_iin_or_the_choices(edition, staff):
    iin = make_iin()
    p1 = ballot_ids(edition)[0]
    sheet = _enter(edition, staff[0], iin, {p1: 1}).paper_ballot
    _enter(edition, staff[1], iin, {p1: 1})
    entries = AuditEntry.objects.filter(action__startswith="voting.paper_")
    assert [e.action for e in entries.order_by("seq")] == [
        "voting.paper_entered",
        "voting.paper_entered",
        "voting.paper_counted",
    ]
    for entry in entries:
        assert entry.target_id == str(sheet.pk) and not entry.public
        text = f"{entry.summary} {entry.before} {entry.after}"
        assert iin not in text and iin[-4:] not in text and str(p1) not in text.replace(str(sheet.pk), "")


def test_only_coordinators_of_the_city_enter_paper_ballots(edition):
    from django.core.exceptions import PermissionDenied

    from accounts.testing import make_staff

    outsider = make_staff("coordinator", city=make_voting_edition(slug="khromtau").city)
    with pytest.raises(PermissionDenied):
        _enter(edition, outsider, make_iin(), {ballot_ids(edition)[0]: 1})
    assert not PaperBallot.objects.exists()


def test_before_voting_opens_a_coordinator_chooses_that_paper_wins_and_it_is_audited():
    from datetime import timedelta

    from django.utils import timezone

    edition = make_voting_edition()
    edition.voting_starts = edition.results_start = timezone.now() + timedelta(days=1)
    edition.save(update_fields=["voting_starts", "results_start"])
    coordinator = coordinators(edition, 1)[0]
    paper.set_when_both(edition=edition, actor=coordinator, when_both="paper")
    assert paper.when_both(edition) == WhenBoth.PAPER
    entry = AuditEntry.objects.get(action="voting.paper_rule_set")
    assert (entry.before, entry.after) == ({"when_both": "first"}, {"when_both": "paper"})
    with pytest.raises(paper.PaperRefused) as refused:
        _enter(edition, coordinator, make_iin(), {ballot_ids(edition)[0]: 1})
    assert refused.value.code == "not_open"


@pytest.mark.parametrize(
    ("ballot_type", "typed", "stored"),
    [("ranked", [2, 0], [(0, 2), (2, 1)]), ("cumulative", {0: 3, 2: 2}, [(0, 3), (2, 2)])],
)
def test_ranked_and_cumulative_paper_ballots_count_with_their_values(ballot_type, typed, stored):
    edition = make_voting_edition(ballot_type=ballot_type)
    first, second = coordinators(edition)
    ids = ballot_ids(edition)
    if ballot_type == "ranked":
        choices = {ids[i]: rank for rank, i in enumerate(typed, start=1)}
    else:
        choices = {ids[i]: points for i, points in typed.items()}
    iin = make_iin()
    _enter(edition, first, iin, choices)
    assert _enter(edition, second, iin, choices).outcome == paper.COUNTED
    assert counted_ballots(edition) == {None: [[(str(ids[i]), value) for i, value in stored]]}


def test_once_results_are_published_no_sheet_is_entered_or_resolved(edition, staff):
    """Polling points report after voting closes, so sheets are keyed in until the count is published; after that
    a late sheet would change a published result behind the public's back."""
    from django.utils import timezone

    from results.models import CountRun

    first, second, third = staff
    ids, iin = ballot_ids(edition), make_iin()
    _enter(edition, first, iin, {ids[0]: 1})
    sheet = _enter(edition, second, iin, {ids[1]: 1}).paper_ballot
    CountRun.objects.create(
        edition=edition, rule=edition.counting_rule, input_hash="0" * 64, input_pb="", outcome={}, duration_ms=1
    )
    _enter(edition, first, make_iin(), {ids[0]: 1})  # an unpublished count closes nothing
    CountRun.objects.update(published_at=timezone.now())
    with pytest.raises(paper.PaperRefused) as refused:
        _enter(edition, first, make_iin(), {ids[0]: 1})
    assert refused.value.code == "published"
    with pytest.raises(paper.PaperRefused) as refused:
        paper.resolve_mismatch(paper_ballot=sheet, actor=third, keep=sheet.entries.first())
    assert refused.value.code == "published"
    sheet.refresh_from_db()
    assert sheet.state == PaperState.MISMATCH
    assert Participation.objects.filter(edition=edition).count() == 0


def test_with_a_shared_budget_a_sheet_without_a_district_is_the_shared_ballot():
    from editions.models import District, EditionDistrict

    edition = make_voting_edition(budget=150)  # its three projects have no district
    village = District.objects.create(city=edition.city, name_kk="V", name_ru="V", name_en="Village")
    EditionDistrict.objects.create(edition=edition, district=village, budget=50)
    first, second = coordinators(edition)
    playground, benches, lights = ballot_ids(edition)  # the shared ballot: 100 left
    with pytest.raises(paper.PaperRefused) as refused:
        _enter(edition, first, make_iin(), {benches: 1, lights: 1})
    assert refused.value.code == "over_budget"
    iin = make_iin()
    _enter(edition, first, iin, {playground: 1})
    _enter(edition, second, iin, {playground: 1})
    assert counted_ballots(edition) == {None: [[(str(playground), 1)]]}
