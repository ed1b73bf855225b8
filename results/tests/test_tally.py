import importlib.util

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.testing import make_staff, make_user
from audit.models import AuditEntry
from pbcount import pabulib
from results import tally
from results.models import CountRun
from results.services import publish_results, run_count

from .factories import BALLOTS, election, make_closed_edition

HAS_MES = importlib.util.find_spec("pbcount.rules.equal_shares") is not None


def test_ballot_types_map_to_core_vote_types():
    assert election("knapsack").vote_type == "approval"
    assert election("single").vote_type == "approval"
    assert election("cumulative").vote_type == "cumulative"
    assert election("ranked").vote_type == "ordinal"


def test_ballot_order_does_not_change_the_file_or_the_hash():
    """Ballots are sorted before ids are given: the file keeps no trace of who voted when."""
    shuffled = election(ballots=list(reversed(BALLOTS)))
    assert pabulib.dumps(shuffled) == pabulib.dumps(election())
    assert tally.input_hash(shuffled) == tally.input_hash(election())


def test_ranked_ballots_are_read_best_first():
    e = election("ranked", ballots=[[("2", 2), ("1", 1)]])
    assert e.voters[0].ballot == ((0, 0), (1, 1))


def test_the_written_file_reads_back_equal():
    e = election()
    assert pabulib.parse(pabulib.dumps(e)).voters == e.voters


@pytest.mark.parametrize(
    "rule",
    ["greedy", "phragmen", pytest.param("mes", marks=pytest.mark.skipif(not HAS_MES, reason="pbcount MES not yet in"))],
)
def test_running_twice_gives_the_same_result(rule):
    first = tally.run_rule(election(), rule=rule, seed="s")
    second = tally.run_rule(election(), rule=rule, seed="s")
    assert first.outcome == second.outcome
    assert first.input_hash == second.input_hash


def test_greedy_winners_and_explanations():
    counted = tally.run_rule(election(), rule="greedy", seed="s")
    assert counted.outcome["winners"] == ["1", "3"]
    reasons = {p["id"]: p["reason"] for p in counted.outcome["projects"]}
    assert reasons == {"1": "selected", "2": "did_not_fit", "3": "selected"}
    assert counted.parameters["tie_break"] == "published"


@pytest.mark.django_db
def test_run_count_stores_and_audits_the_run():
    edition = make_closed_edition()
    coordinator = make_staff("coordinator", city=edition.city)
    (run,) = run_count(edition=edition, actor=coordinator, elections={None: election()})
    assert run.winners == ["1", "3"]
    assert run.seed == "seed-2026"
    assert len(run.input_hash) == 64
    entry = AuditEntry.objects.get(action="results.counted")
    assert entry.after["input_hash"] == run.input_hash
    assert not entry.public


@pytest.mark.django_db
def test_run_count_waits_for_voting_to_close():
    edition = make_closed_edition(closed=False)
    coordinator = make_staff("coordinator", city=edition.city)
    with pytest.raises(ValidationError):
        run_count(edition=edition, actor=coordinator, elections={None: election()})
    assert not CountRun.objects.exists()


@pytest.mark.django_db
def test_only_coordinators_of_the_city_count_and_publish():
    edition = make_closed_edition()
    other = make_staff("coordinator", city=make_closed_edition(slug="khromtau").city)
    for person in (make_user(), other):
        with pytest.raises(PermissionDenied):
            run_count(edition=edition, actor=person, elections={None: election()})
    (run,) = run_count(
        edition=edition, actor=make_staff("coordinator", city=edition.city), elections={None: election()}
    )
    with pytest.raises(PermissionDenied):
        publish_results(run=run, actor=other)


@pytest.mark.django_db
def test_only_the_published_rule_can_be_published():
    edition = make_closed_edition(rule="greedy")
    coordinator = make_staff("coordinator", city=edition.city)
    (other_rule,) = run_count(edition=edition, actor=coordinator, elections={None: election()}, rule="phragmen")
    with pytest.raises(ValidationError):
        publish_results(run=other_rule, actor=coordinator)
    (run,) = run_count(edition=edition, actor=coordinator, elections={None: election()})
    publish_results(run=run, actor=coordinator)
    assert list(CountRun.objects.published()) == [run]
    assert AuditEntry.objects.get(action="results.published").public


@pytest.mark.postgres
@pytest.mark.django_db
def test_run_count_on_postgres_matches_sqlite_result():
    edition = make_closed_edition()
    (run,) = run_count(
        edition=edition, actor=make_staff("coordinator", city=edition.city), elections={None: election()}
    )
    run.refresh_from_db()
    assert run.outcome == tally.run_rule(election(), rule="greedy", seed="seed-2026").outcome
