"""Reads of the voting app that other apps use. Nothing here returns who voted together with how."""

from collections import defaultdict

from django.http import Http404
from django.utils import timezone

from editions.models import District, Edition

from . import eligibility, receipts
from .models import Ballot, BallotChoice


def counted_ballots(edition: Edition) -> dict[District | None, list[list[tuple[str, int]]]]:
    """Every counted ballot of the edition, grouped by budget: {district or None: [[(proposal id, value), ...]]}.

    This is what results/tally.py's build_election takes (proposal ids as strings, like tally.TallyProject.id;
    value 1 for approval-like ballots, points for cumulative, rank with 1 = best for ranked). No identities, and
    no order that follows the time of voting: tally sorts ballots canonically before writing anything.
    A budget that received no ballot is absent from the dict.
    """
    districts = {d.pk: d for d in District.objects.filter(pk__in=_district_ids(edition))}
    by_ballot: dict[int, list[tuple[str, int]]] = defaultdict(list)
    budget_of: dict[int, int | None] = {}
    rows = (
        BallotChoice.objects.filter(ballot__edition=edition, ballot__superseded_at__isnull=True)
        .order_by("ballot_id", "proposal_id")
        .values_list("ballot_id", "ballot__district_id", "proposal_id", "value")
    )
    for ballot_id, district_id, proposal_id, value in rows.iterator(chunk_size=5000):
        by_ballot[ballot_id].append((str(proposal_id), value))
        budget_of[ballot_id] = district_id
    grouped: dict[District | None, list[list[tuple[str, int]]]] = defaultdict(list)
    for ballot_id, pairs in by_ballot.items():
        district_id = budget_of[ballot_id]
        grouped[districts[district_id] if district_id is not None else None].append(pairs)
    return dict(grouped)


def _district_ids(edition: Edition) -> set[int]:
    return set(
        Ballot.objects.filter(edition=edition, district__isnull=False).values_list("district_id", flat=True).distinct()
    )


def receipt_status(edition: Edition, code: str) -> str:
    """For the public receipt check: "counted", "replaced", "withdrawn" or "unknown"; never the choices."""
    ballots = Ballot.objects.filter(edition=edition, receipt_hash=receipts.code_hash(code))
    found = ballots.only("superseded_at", "replaced_by").first()
    if found is None:
        return "unknown"
    if found.superseded_at is None:
        return "counted"
    return "replaced" if found.replaced_by_id else "withdrawn"


def voting_is_closed(edition: Edition, moment=None) -> bool:
    """Counts and anything that reveals how people voted wait for this."""
    return (moment or timezone.now()) >= edition.results_start


def edition_for_ballot(edition_id: int) -> Edition:
    """The public edition a ballot is confirmed in, with its city and voting rules; Http404 if there is none.

    While voting is open an edition's rules, budgets and shortlist are locked, so each server process keeps it for
    a few seconds (eligibility.keep) instead of reading it for every ballot. Closing early still takes effect at
    once: the ballot's INSERT checks the voting window in SQL (services.submit_ballot), and saving an edition drops
    this process's copy (forget_voting_edition).
    """
    if (edition := eligibility.kept(_edition_key(edition_id))) is not None:
        return edition
    edition = Edition.objects.public().select_related("city", "voting_rules").filter(pk=edition_id).first()
    if edition is None:
        raise Http404("No such edition.")
    if edition.voting_starts <= timezone.now() < edition.results_start:
        eligibility.keep(_edition_key(edition_id), edition)
    return edition


def _edition_key(edition_id: int) -> tuple:
    return ("edition_for_ballot", edition_id)


def forget_voting_edition(sender, instance, **kwargs) -> None:
    """post_save of an Edition: this process reads it afresh (the others within VOTING_RULES_CACHE_SECONDS)."""
    eligibility.forget(_edition_key(instance.pk))
