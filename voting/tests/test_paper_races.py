"""On PostgreSQL: coordinators racing on one sheet never make two sheets, two ballots or a server error."""

import threading

import pytest
from django.db import close_old_connections

from voting import paper
from voting.models import Ballot, Participation
from voting.paper_models import PaperBallot
from voting.services import VotingRefused, cast_ballot

from .paper_factories import ballot_ids, coordinators, make_iin, make_voter, make_voting_edition


def _race(workers):
    errors = []
    barrier = threading.Barrier(len(workers))

    def run(work):
        try:
            barrier.wait()
            work()
        except (paper.PaperRefused, VotingRefused):
            pass
        except Exception as error:  # noqa: BLE001 - anything else is the failure this test looks for
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_coordinators_entering_one_sheet_at_once_make_one_sheet_and_at_most_one_ballot():
    edition = make_voting_edition()
    staff = coordinators(edition, 10)
    iin, choice = make_iin(), {ballot_ids(edition)[0]: 1}

    def enter(actor):
        return lambda: paper.enter_paper_ballot(edition=edition, actor=actor, iin=iin, voter_name="A", choices=choice)

    assert _race([enter(actor) for actor in staff]) == []
    assert PaperBallot.objects.count() == 1
    assert Ballot.objects.count() <= 1 and Participation.objects.count() <= 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_second_entry_racing_an_online_vote_leaves_one_counted_ballot():
    edition = make_voting_edition()
    first, second = coordinators(edition)
    voter = make_voter()
    p1, p2, _ = ballot_ids(edition)
    paper.enter_paper_ballot(edition=edition, actor=first, iin=voter.iin, voter_name="A", choices={p1: 1})
    errors = _race(
        [
            lambda: paper.enter_paper_ballot(
                edition=edition, actor=second, iin=voter.iin, voter_name="A", choices={p1: 1}
            ),
            lambda: cast_ballot(user=voter, edition=edition, choices={p2: 1}),
        ]
    )
    assert errors == []
    assert Ballot.objects.counted().count() == 1
    assert Participation.objects.count() == 1
