"""Casting, replacing and withdrawing a ballot: one atomic function per action, keyword-only arguments.

One counted ballot per person and budget is guaranteed by the database: Participation has unique constraints
over (edition, district, IIN hash). Every action first claims or locks that row (INSERT, or SELECT ... FOR
UPDATE), so two concurrent submissions for one person queue behind each other on PostgreSQL; on SQLite the
IMMEDIATE transactions of config/settings.py serialise writers anyway.

A refusal raises VotingRefused with a code and a translated message the views show as they are.
"""

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import (
    DEFAULT_DB_ALIAS,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    transaction,
)
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
    """A stored ballot's id and its receipt code, which exists only here and on the voter's screen."""

    ballot_id: int
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
    return Cast(ballot_id=ballot.pk, receipt=code)


def supersede(ballot_id: int, *, replaced_by_id: int | None = None, moment=None) -> None:
    """Take a ballot out of the count: replaced by a newer one, or (replaced_by_id None) withdrawn."""
    Ballot.objects.filter(pk=ballot_id).update(superseded_at=moment or timezone.now(), replaced_by_id=replaced_by_id)


def _lock_participation(user, edition: Edition, district: District | None) -> Participation | None:
    return (
        Participation.objects.select_for_update()
        .filter(edition=edition, district=district, iin_hash=user.iin_hash)
        .first()
    )


def _check_other_district(user, edition: Edition, district: District | None) -> None:
    """In an edition with split budgets, one person votes on one ballot: their district's, or the shared one."""
    if district is None and not eligibility.split_districts(edition):
        return  # one budget: no other ballot (and no query on the busiest path)
    others = Participation.objects.filter(edition=edition, iin_hash=user.iin_hash, ballot__isnull=False)
    elsewhere = (others.exclude(district=district) if district else others.exclude(district=None)).exists()
    if elsewhere:
        raise _voted_elsewhere()


def _voted_elsewhere() -> VotingRefused:
    return VotingRefused(OTHER_DISTRICT, _("You have already voted in another district of this edition."))


def _refuse_if_paper(participation: Participation) -> None:
    if participation.channel == Channel.PAPER and participation.ballot_id is not None:
        raise VotingRefused(
            VOTED_ON_PAPER,
            _("You have already voted on a paper ballot at a polling point; it is the one that counts."),
        )


def _insert_participation(user, edition: Edition, district: District | None, ballot_id: int, now) -> bool:
    """Record this IIN's first participation in this budget, pointing at the ballot; False if the row exists.

    INSERT ... ON CONFLICT DO NOTHING (any of the two partial unique indexes) waits for a concurrent insert of the
    same IIN to commit or roll back, then inserts nothing; the caller then locks the existing row. One statement
    on the usual path (a first ballot) instead of insert, select and update.
    """
    table = connection.ops.quote_name(Participation._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (edition_id, district_id, iin_hash, user_id, channel, ballot_id, created_at, "
            "updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING id",
            [edition.pk, district.pk if district else None, user.iin_hash, user.pk, Channel.ONLINE, ballot_id]
            + [stamp, stamp],
        )
        return cursor.fetchone() is not None


def _validated(user, edition: Edition, choices: Mapping[int, int], district: District | None):
    _check_open(edition)
    district = _eligible(user, edition, district)
    try:
        clean = ballots.validate(ballots.ballot_for(edition, district), choices)
    except ballots.BallotInvalid as invalid:
        raise VotingRefused(invalid.code, invalid.message) from None
    return district, clean


@functools.cache
def _prepared_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparedCursor(ServerBindingCursor):
        def execute(self, query, params=None):
            return super().execute(query, params, prepare=True)

    return PreparedCursor


def _prepared_cursor(db):
    """A Django cursor whose statements PostgreSQL parses and plans once per connection.

    Django binds parameters on the client, so PostgreSQL plans every statement afresh: for the first-ballot
    statement that is most of its cost (0.30 ms of database CPU instead of 0.06 ms, measured). Behind a connection
    pooler in transaction mode, PgBouncer needs max_prepared_statements (docs/deploy.md).

    Django's health check of a persistent connection (a SELECT 1 before a request's first query) is not made: it
    would double the round trips of a first ballot. _execute_once_more_if_disconnected replaces a dead connection.
    """
    db.ensure_connection()
    cursor = _prepared_cursor_class()(db.connection)
    return db.make_debug_cursor(cursor) if db.queries_logged else db.make_cursor(cursor)


def _execute_once_more_if_disconnected(db, sql: str, params: dict):
    """The statement's one row (or None) on a prepared cursor; sent again on a new connection if the server's end
    of the old one was gone (a database restart, an idle timeout).

    Sending it again is safe because it runs alone in autocommit mode: it committed entirely or not at all. If it
    had committed and only the answer was lost, the second run inserts nothing, returns None, and the caller's
    locking path finds the Participation and replaces that ballot with the same choices: one ballot counts.
    """
    try:
        return _fetch_one(db, sql, params)
    except (InterfaceError, OperationalError):
        if db.is_usable():
            raise  # the connection is fine: the statement itself failed
    db.close()
    return _fetch_one(db, sql, params)


def _fetch_one(db, sql: str, params: dict):
    with _prepared_cursor(db) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


_FIRST_BALLOT_SQL = """
    WITH ids AS (
        SELECT nextval(pg_get_serial_sequence('voting_ballot', 'id')) AS bid FROM editions_edition
        WHERE id = %(edition)s AND voting_starts <= %(now)s AND results_start > %(now)s
    ),
    p AS (
        INSERT INTO voting_participation
            (edition_id, district_id, iin_hash, user_id, channel, ballot_id, created_at, updated_at)
        SELECT %(edition)s::bigint, %(district)s::bigint, %(iin_hash)s, %(user)s::bigint, 'online', ids.bid,
            %(now)s::timestamptz, %(now)s::timestamptz
        FROM ids
        ON CONFLICT DO NOTHING RETURNING ballot_id
    ),
    b AS (
        INSERT INTO voting_ballot (id, edition_id, district_id, channel, receipt_hash, created_at)
        SELECT p.ballot_id, %(edition)s::bigint, %(district)s::bigint, 'online', %(receipt_hash)s,
            %(now)s::timestamptz
        FROM p RETURNING id
    ),
    c AS (
        INSERT INTO voting_ballotchoice (ballot_id, proposal_id, value)
        SELECT b.id, x.pid, x.value FROM b, unnest(%(proposals)s::bigint[], %(values)s::integer[]) AS x(pid, value)
    )
    SELECT id FROM b
"""


def _array_literal(numbers) -> str:
    return "{" + ",".join(str(int(n)) for n in numbers) + "}"


def _first_ballot_in_one_statement(user, edition: Edition, district: District | None, clean) -> Cast | None:
    """PostgreSQL only: a person's first ballot as one statement, so one round trip in autocommit mode.

    The Participation is inserted first, with ON CONFLICT DO NOTHING and a ballot id drawn from the sequence; the
    ballot and its choices are inserted only if it was. The foreign keys are deferred to the end of the statement.
    Returns None (having written nothing) when the IIN already has a Participation or voting is not open by the
    database's copy of the dates (the caller's edition may be cached): the caller takes the locking path, which
    decides with fresh dates. Anything between would need the caller's transaction, so this runs only outside one.
    """
    db = connections[DEFAULT_DB_ALIAS]  # once: each use of the `connection` proxy looks it up again
    if db.vendor != "postgresql" or db.in_atomic_block:
        return None
    code = receipts.new_code()
    receipt_hash = receipts.code_hash(code)
    now = timezone.now()
    pids, values = zip(*sorted(clean.items()), strict=True)
    row = _execute_once_more_if_disconnected(
        db,
        _FIRST_BALLOT_SQL,
        {
            "edition": edition.pk,
            "district": district.pk if district else None,
            "iin_hash": user.iin_hash,
            "user": user.pk,
            "now": now,
            "receipt_hash": receipt_hash,
            # Array literals as text: psycopg's list dumper inspects every element (13 us of 18 for the parameters).
            "proposals": _array_literal(pids),
            "values": _array_literal(values),
        },
    )
    return Cast(ballot_id=row[0], receipt=code) if row is not None else None


def _record(*, user, edition, district, clean, replace_only: bool, cast_only: bool) -> Cast:
    """Store the ballot, then claim or update this IIN's Participation; the previous ballot stops counting.

    The ballot is written first: on a refusal the transaction rolls back and takes it along.
    """
    now = timezone.now()
    cast = store_ballot(edition=edition, district=district, choices=clean)
    if not replace_only and _insert_participation(user, edition, district, cast.ballot_id, now):
        return cast
    participation = _lock_participation(user, edition, district)
    if participation is None and not replace_only:
        # The INSERT met a counted ballot of this IIN on another ballot of the edition (one_counted_ballot).
        raise _voted_elsewhere()
    if participation is None or (replace_only and participation.ballot_id is None):
        raise VotingRefused(NO_BALLOT, _("You have no ballot to change in this edition."))
    if participation.ballot_id is not None:
        _refuse_if_paper(participation)
        if cast_only:
            raise VotingRefused(ALREADY_VOTED, _("You have already voted. You can change your ballot instead."))
    previous = participation.ballot_id
    if previous is not None:
        supersede(previous, replaced_by_id=cast.ballot_id, moment=now)
    participation.ballot_id = cast.ballot_id
    participation.channel = Channel.ONLINE
    participation.user = user
    participation.updated_at = now
    try:
        with transaction.atomic():
            participation.save(update_fields=["ballot", "channel", "user", "updated_at"])
    except IntegrityError:
        raise _voted_elsewhere() from None  # a vote again after withdrawing, raced by one in another district
    return Cast(ballot_id=cast.ballot_id, receipt=cast.receipt, replaced=previous is not None)


@transaction.atomic
def cast_ballot(*, user, edition: Edition, choices: Mapping[int, int], district: District | None = None) -> Cast:
    """A first online ballot for this person (or a new one after withdrawing); refused if one already counts."""
    district, clean = _validated(user, edition, choices, district)
    _check_other_district(user, edition, district)
    return _record(user=user, edition=edition, district=district, clean=clean, replace_only=False, cast_only=True)


@transaction.atomic
def replace_ballot(*, user, edition: Edition, choices: Mapping[int, int], district: District | None = None) -> Cast:
    """Replace the person's counted online ballot with a new one; the old one stays, marked replaced."""
    district, clean = _validated(user, edition, choices, district)
    return _record(user=user, edition=edition, district=district, clean=clean, replace_only=True, cast_only=False)


def submit_ballot(*, user, edition: Edition, choices: Mapping[int, int], district: District | None = None) -> Cast:
    """What the confirm button does: cast the person's ballot, or replace their online ballot if they have one.

    A first ballot on PostgreSQL is one statement; otherwise one transaction on one locked row, so concurrent
    submissions of one person queue up and the last one to commit is the counted ballot.
    """
    district, clean = _validated(user, edition, choices, district)
    _check_other_district(user, edition, district)
    fast = _first_ballot_in_one_statement(user, edition, district, clean)
    if fast is not None:
        return fast
    with transaction.atomic():
        edition.refresh_from_db(fields=["voting_starts", "results_start"])  # it may come from a per-process cache
        _check_open(edition)
        return _record(user=user, edition=edition, district=district, clean=clean, replace_only=False, cast_only=False)


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
    supersede(withdrawn.pk, moment=timezone.now())
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
