"""Casting, replacing and withdrawing a ballot: one atomic function per action, keyword-only arguments.

One counted ballot per person and budget is guaranteed by the database: Participation has unique constraints
over (edition, district, IIN hash). Every action first claims or locks that row (INSERT, or SELECT ... FOR
UPDATE), so two concurrent submissions for one person queue behind each other on PostgreSQL; on SQLite the
IMMEDIATE transactions of config/settings.py serialise writers anyway.

A refusal raises VotingRefused with a code and a translated message the views show as they are.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from editions.models import District, Edition

from . import ballots, eligibility, receipts
from .models import Ballot, BallotChoice, Channel, Participation

NOT_OPEN = "not_open"
CLOSED = "closed"
ALREADY_VOTED = "already_voted"
VOTED_ON_PAPER = "voted_on_paper"
OTHER_DISTRICT = "other_district"
NO_BALLOT = "no_ballot"


class VotingRefused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Cast:
    """A stored ballot and its receipt code, which exists only here and on the voter's screen."""

    ballot: Ballot
    receipt: str
    replaced: bool = False


def voting_status(edition: Edition, moment=None) -> tuple[str, str] | None:
    """None while voting is open; otherwise the refusal code and message."""
    moment = moment or timezone.now()
    if moment < edition.voting_starts:
        return NOT_OPEN, _("Voting has not opened yet.")
    if moment >= edition.results_start:
        return CLOSED, _("Voting has closed; ballots can no longer be cast, changed or withdrawn.")
    return None


def _check_open(edition: Edition) -> None:
    refused = voting_status(edition)
    if refused:
        raise VotingRefused(*refused)


def _eligible(user, edition: Edition, district: District | None) -> District | None:
    result = eligibility.check(user, edition, district)
    if not result.ok:
        raise VotingRefused(result.code, result.message)
    return result.district


def store_ballot(
    *, edition: Edition, district: District | None, choices: Mapping[int, int], channel: str = Channel.ONLINE
) -> Cast:
    """Write a ballot and its choices (already validated); returns it with a fresh receipt code.

    The building block of every channel (voting-paper stores confirmed paper ballots with it); call it inside
    the transaction that also links the ballot to its Participation.
    """
    code = receipts.new_code()
    ballot = Ballot.objects.create(
        edition=edition, district=district, channel=channel, receipt_hash=receipts.code_hash(code)
    )
    BallotChoice.objects.bulk_create(
        BallotChoice(ballot=ballot, proposal_id=pid, value=value) for pid, value in sorted(choices.items())
    )
    return Cast(ballot=ballot, receipt=code)


def supersede(ballot: Ballot, *, replaced_by: Ballot | None = None, moment=None) -> None:
    """Take a ballot out of the count: replaced by a newer one, or (replaced_by None) withdrawn."""
    Ballot.objects.filter(pk=ballot.pk).update(superseded_at=moment or timezone.now(), replaced_by=replaced_by)


def _lock_participation(user, edition: Edition, district: District | None) -> Participation | None:
    return (
        Participation.objects.select_for_update()
        .filter(edition=edition, district=district, iin_hash=user.iin_hash)
        .first()
    )


def _check_other_district(user, edition: Edition, district: District | None) -> None:
    """In an edition with split budgets, one person votes for one district's projects."""
    if district is None:
        return
    elsewhere = (
        Participation.objects.filter(edition=edition, iin_hash=user.iin_hash, ballot__isnull=False)
        .exclude(district=district)
        .exists()
    )
    if elsewhere:
        raise VotingRefused(OTHER_DISTRICT, _("You have already voted in another district of this edition."))


def _refuse_if_paper(participation: Participation) -> None:
    if participation.channel == Channel.PAPER and participation.ballot_id is not None:
        raise VotingRefused(
            VOTED_ON_PAPER,
            _("You have already voted on a paper ballot at a polling point; it is the one that counts."),
        )


def _claim_participation(user, edition: Edition, district: District | None, now) -> Participation:
    """This IIN's Participation in this budget, locked: inserted if missing, else waited for and locked.

    INSERT ... ON CONFLICT DO NOTHING waits for a concurrent insert of the same IIN to commit or roll back, so
    the SELECT ... FOR UPDATE after it always finds the one row, whoever created it.
    """
    Participation.objects.bulk_create(
        [
            Participation(
                edition=edition,
                district=district,
                iin_hash=user.iin_hash,
                user=user,
                channel=Channel.ONLINE,
                created_at=now,
                updated_at=now,
            )
        ],
        ignore_conflicts=True,
    )
    return _lock_participation(user, edition, district)


def _validated(user, edition: Edition, choices: Mapping[int, int], district: District | None):
    _check_open(edition)
    district = _eligible(user, edition, district)
    try:
        clean = ballots.validate(ballots.ballot_for(edition, district), choices)
    except ballots.BallotInvalid as invalid:
        raise VotingRefused(invalid.code, invalid.message) from None
    return district, clean


def _record(participation: Participation, *, user, edition, district, clean, now) -> Cast:
    """Store the new ballot and point the Participation at it; the previous ballot, if any, stops counting."""
    previous = participation.ballot_id
    cast = store_ballot(edition=edition, district=district, choices=clean)
    if previous is not None:
        supersede(Ballot(pk=previous), replaced_by=cast.ballot, moment=now)
    participation.ballot = cast.ballot
    participation.channel = Channel.ONLINE
    participation.user = user
    participation.updated_at = now
    participation.save(update_fields=["ballot", "channel", "user", "updated_at"])
    return Cast(ballot=cast.ballot, receipt=cast.receipt, replaced=previous is not None)


@transaction.atomic
def cast_ballot(*, user, edition: Edition, choices: Mapping[int, int], district: District | None = None) -> Cast:
    """A first online ballot for this person (or a new one after withdrawing); refused if one already counts."""
    district, clean = _validated(user, edition, choices, district)
    _check_other_district(user, edition, district)
    now = timezone.now()
    participation = _claim_participation(user, edition, district, now)
    if participation.ballot_id is not None:
        _refuse_if_paper(participation)
        raise VotingRefused(ALREADY_VOTED, _("You have already voted. You can change your ballot instead."))
    return _record(participation, user=user, edition=edition, district=district, clean=clean, now=now)


@transaction.atomic
def replace_ballot(*, user, edition: Edition, choices: Mapping[int, int], district: District | None = None) -> Cast:
    """Replace the person's counted online ballot with a new one; the old one stays, marked replaced."""
    district, clean = _validated(user, edition, choices, district)
    participation = _lock_participation(user, edition, district)
    if participation is None or participation.ballot_id is None:
        raise VotingRefused(NO_BALLOT, _("You have no ballot to change in this edition."))
    _refuse_if_paper(participation)
    return _record(participation, user=user, edition=edition, district=district, clean=clean, now=timezone.now())


@transaction.atomic
def submit_ballot(*, user, edition: Edition, choices: Mapping[int, int], district: District | None = None) -> Cast:
    """What the confirm button does: cast the person's ballot, or replace their online ballot if they have one.

    One transaction and one locked row, so concurrent submissions of one person queue up and the last one to
    commit is the counted ballot.
    """
    district, clean = _validated(user, edition, choices, district)
    _check_other_district(user, edition, district)
    now = timezone.now()
    participation = _claim_participation(user, edition, district, now)
    if participation.ballot_id is not None:
        _refuse_if_paper(participation)
    return _record(participation, user=user, edition=edition, district=district, clean=clean, now=now)


@transaction.atomic
def cancel_ballot(*, user, edition: Edition, district: District | None = None) -> Ballot:
    """Withdraw the person's online ballot: it stops counting; they may vote again while voting is open."""
    _check_open(edition)
    district = _eligible(user, edition, district)
    participation = _lock_participation(user, edition, district)
    if participation is None or participation.ballot_id is None:
        raise VotingRefused(NO_BALLOT, _("You have no ballot to withdraw in this edition."))
    _refuse_if_paper(participation)
    withdrawn = participation.ballot
    supersede(withdrawn, moment=timezone.now())
    participation.ballot = None
    participation.updated_at = timezone.now()
    participation.save(update_fields=["ballot", "updated_at"])
    return withdrawn


def current_participation(user, edition: Edition, district: District | None = None) -> Participation | None:
    """The person's participation in the budget they vote in (no lock: for showing, not for deciding)."""
    if not user.is_authenticated or not user.iin_hash:
        return None
    if district is None:
        district = eligibility.check(user, edition).district
    return (
        Participation.objects.filter(edition=edition, district=district, iin_hash=user.iin_hash)
        .select_related("ballot")
        .first()
    )
