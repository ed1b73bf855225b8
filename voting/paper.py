"""Paper ballots: double entry by two coordinators, mismatches resolved, matched sheets counted.

How a sheet reaches the count:

1. A coordinator keys in the voter's IIN, name and choices (`enter_paper_ballot`). The IIN is checked (valid,
   old enough on the closing day, on the voter list when the edition has one) and so is the ballot (the same
   `voting.ballots.validate` as online). A person who already has a counted ballot is refused on the spot,
   unless the edition says the paper ballot wins (`PaperSettings.when_both`).
2. A *different* coordinator keys in the same sheet without seeing the first entry. Equal choices: the sheet is
   counted (an anonymous Ballot via voting.services.store_ballot plus a Participation with channel "paper").
   Different choices: the sheet waits as a mismatch, both entries shown side by side to coordinators.
3. A coordinator looks at the paper and keeps the entry that matches it, or declares the sheet spoiled
   (`resolve_mismatch`).

Once a sheet is counted or refused its entries' choices are erased: from then on nothing links the person to
the content of their ballot except the Participation -> Ballot link every vote has. The audit log records each
step with the sheet's number only, never the IIN or the choices.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.iin import IIN, InvalidIIN, parse_iin
from audit.services import record_action
from editions.models import District, Edition
from editions.permissions import is_coordinator

from . import ballots, eligibility
from .models import Channel, Participation, Restriction, VoterListEntry
from .paper_models import OPEN_STATES, PaperBallot, PaperEntry, PaperSettings, PaperState, Refusal, WhenBoth
from .services import store_ballot, supersede
from .turnout import age_band

AWAITING = "awaiting"
COUNTED = "counted"
MISMATCH = "mismatch"


class PaperRefused(Exception):
    """Why a sheet cannot be entered; `code` for tests, `message` for the coordinator."""

    def __init__(self, code: str, message: str, paper_ballot: PaperBallot | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.paper_ballot = paper_ballot


@dataclass(frozen=True)
class Entered:
    paper_ballot: PaperBallot
    outcome: str  # AWAITING, COUNTED or MISMATCH


_IIN_MESSAGES = {
    "format": gettext_lazy("An IIN has exactly 12 digits."),
    "check_digit": gettext_lazy("This IIN is not valid: please check the digits."),
    "century": gettext_lazy("This IIN is not valid: its seventh digit must be from 1 to 6."),
    "birth_date": gettext_lazy("This IIN is not valid: its first six digits are not a date of birth."),
}


def when_both(edition: Edition) -> str:
    found = PaperSettings.objects.filter(edition=edition).only("when_both").first()
    return found.when_both if found else WhenBoth.FIRST


def entry_closed(edition: Edition, moment=None) -> PaperRefused | None:
    """Why sheets cannot be keyed in now, or None: they can from the day voting opens (polling points report late,
    after voting closes) until results are published, which a late sheet would silently contradict."""
    if (moment or timezone.now()) < edition.voting_starts:
        return PaperRefused("not_open", _("Paper ballots can be entered once voting has opened."))
    if edition.count_runs.published().exists():
        return PaperRefused("published", _("The results are published: paper ballots can no longer be entered."))
    return None


def _check_coordinator(actor, edition: Edition) -> None:
    if not is_coordinator(actor, edition.city):
        raise PermissionDenied


def parse_voter_iin(value: str) -> IIN:
    try:
        return parse_iin(value)
    except InvalidIIN as error:
        raise PaperRefused("iin_" + error.code, str(_IIN_MESSAGES[error.code])) from None


def _check_voter(iin: IIN, edition: Edition) -> None:
    day = eligibility.closing_day(edition)
    if iin.age_on(day) < edition.min_voter_age:
        raise PaperRefused(
            "too_young",
            _("This voter is under %(age)s on %(day)s, the day voting closes: the ballot cannot count.")
            % {"age": edition.min_voter_age, "day": day.strftime("%d.%m.%Y")},
        )
    if eligibility.restriction_of(edition) == Restriction.VOTER_LIST:
        if not VoterListEntry.objects.filter(edition=edition, iin_hash=iin.hash).exists():
            raise PaperRefused("not_on_list", _("This IIN is not on the edition's voter list."))


def _already_voted_message(participation: Participation) -> str:
    when = timezone.localtime(participation.created_at).strftime("%d.%m.%Y %H:%M")
    if participation.channel == Channel.PAPER:
        return _("This person's paper ballot was already counted (%(when)s).") % {"when": when}
    return _(
        "This person already voted online (%(when)s). Under this edition's rule the ballot recorded first counts, "
        "so this paper ballot cannot be counted."
    ) % {"when": when}


def _check_not_voted(edition: Edition, iin_hash: str) -> None:
    """Refuse a sheet for someone whose ballot already counts, unless a paper ballot replaces an online one."""
    counted = Participation.objects.filter(edition=edition, iin_hash=iin_hash, ballot__isnull=False).first()
    if counted is None:
        return
    if counted.channel == Channel.ONLINE and when_both(edition) == WhenBoth.PAPER:
        return
    code = "voted_on_paper" if counted.channel == Channel.PAPER else "voted_online"
    raise PaperRefused(code, _already_voted_message(counted))


def _normal(choices: Mapping[int, int]) -> dict[str, int]:
    return {str(pid): int(value) for pid, value in sorted(choices.items())}


def _audit(actor, action: str, sheet: PaperBallot, summary: str) -> None:
    record_action(actor=actor, action=action, target=sheet, edition_id=sheet.edition_id, summary=summary)


@transaction.atomic
def enter_paper_ballot(
    *,
    edition: Edition,
    actor,
    iin: str,
    voter_name: str,
    choices: Mapping[int, int],
    district: District | None = None,
    polling_point: str = "",
) -> Entered:
    """Key in one sheet: the first entry waits; the second (another coordinator) counts it or flags a mismatch."""
    _check_coordinator(actor, edition)
    if closed := entry_closed(edition):
        raise closed
    person = parse_voter_iin(iin)
    _check_voter(person, edition)
    split = eligibility.split_districts(edition)
    if not split:
        district = None
    elif district.pk not in split if district else not eligibility.shared_budget(edition):
        raise PaperRefused("no_district", _("Choose the district whose projects are on this paper ballot."))
    spec = ballots.ballot_for(edition, district)
    try:
        clean = _normal(ballots.validate(spec, choices))
    except ballots.BallotInvalid as invalid:
        raise PaperRefused(invalid.code, invalid.message) from None

    sheet = (
        PaperBallot.objects.select_for_update()
        .filter(edition=edition, iin_hash=person.hash, state__in=[*OPEN_STATES, PaperState.COUNTED])
        .first()
    )
    if sheet is None:
        _check_not_voted(edition, person.hash)
        try:
            with transaction.atomic():
                sheet = PaperBallot.objects.create(
                    edition=edition,
                    district=district,
                    iin_hash=person.hash,
                    iin_last_digits=person.last_digits,
                    voter_name=voter_name.strip(),
                    age_band=age_band(person.age_on(eligibility.closing_day(edition))),
                    sex=person.sex,
                    polling_point=polling_point.strip(),
                )
        except IntegrityError:
            raise PaperRefused(
                "busy", _("Another coordinator is entering this person's ballot right now. Try again.")
            ) from None
        PaperEntry.objects.create(paper_ballot=sheet, entered_by=actor, voter_name=voter_name.strip(), choices=clean)
        _audit(actor, "voting.paper_entered", sheet, "first entry")
        return Entered(sheet, AWAITING)
    if sheet.state == PaperState.COUNTED:
        raise PaperRefused("voted_on_paper", _("This person's paper ballot was already counted."), sheet)
    if sheet.state == PaperState.MISMATCH:
        raise PaperRefused(
            "mismatch", _("This person's ballot was entered twice with different choices: resolve it first."), sheet
        )
    first = sheet.entries.get()
    if first.entered_by_id == actor.pk:
        raise PaperRefused(
            "same_coordinator",
            _("You entered this ballot already. The second entry must be made by a different coordinator."),
            sheet,
        )
    if district != sheet.district:
        raise PaperRefused(
            "other_district", _("The first entry of this ballot is for another district. Check the paper."), sheet
        )
    second = PaperEntry.objects.create(
        paper_ballot=sheet, entered_by=actor, voter_name=voter_name.strip(), choices=clean
    )
    if first.choices != second.choices:
        sheet.state = PaperState.MISMATCH
        sheet.save(update_fields=["state"])
        _audit(actor, "voting.paper_mismatch", sheet, "second entry differs from the first")
        return Entered(sheet, MISMATCH)
    _audit(actor, "voting.paper_entered", sheet, "second entry matches")
    return Entered(_count(sheet, clean, actor), COUNTED)


def _count(sheet: PaperBallot, choices: dict[str, int], actor) -> PaperBallot:
    """Turn an agreed sheet into a counted ballot, or refuse it when the person's online ballot came first."""
    edition = sheet.edition
    now = timezone.now()
    rows = list(Participation.objects.select_for_update().filter(edition=edition, iin_hash=sheet.iin_hash))
    voted = [p for p in rows if p.ballot_id is not None]
    if voted and when_both(edition) != WhenBoth.PAPER:
        # The person voted online between the two entries: the ballot recorded first stands.
        return _refuse(sheet, Refusal.VOTED_ONLINE, actor)
    cast = store_ballot(
        edition=edition,
        district=sheet.district,
        choices={int(pid): value for pid, value in choices.items()},
        channel=Channel.PAPER,
    )
    for other in voted:  # the edition says the paper ballot wins: the online one stops counting
        same_budget = other.district_id == sheet.district_id
        supersede(other.ballot_id, replaced_by_id=cast.ballot_id if same_budget else None, moment=now)
        if not same_budget:
            other.ballot = None
            other.updated_at = now
            other.save(update_fields=["ballot", "updated_at"])
    same = next((p for p in rows if p.district_id == sheet.district_id), None)
    if same is None:
        try:
            with transaction.atomic():
                Participation.objects.create(
                    edition=edition,
                    district=sheet.district,
                    iin_hash=sheet.iin_hash,
                    channel=Channel.PAPER,
                    ballot_id=cast.ballot_id,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:
            # The person's online ballot committed a moment ago: undo this entry; the retry sees that vote.
            raise PaperRefused("busy", _("This person voted online a moment ago. Enter the ballot again.")) from None
    else:
        same.ballot_id = cast.ballot_id
        same.channel = Channel.PAPER
        same.updated_at = now
        same.save(update_fields=["ballot", "channel", "updated_at"])
    sheet.state = PaperState.COUNTED
    sheet.decided_at = now
    sheet.save(update_fields=["state", "decided_at"])
    sheet.entries.update(choices={})
    _audit(actor, "voting.paper_counted", sheet, "replaces an online ballot" if voted else "counted")
    return sheet


def _refuse(sheet: PaperBallot, reason: str, actor) -> PaperBallot:
    sheet.state = PaperState.REFUSED
    sheet.refusal = reason
    sheet.decided_at = timezone.now()
    sheet.save(update_fields=["state", "refusal", "decided_at"])
    sheet.entries.update(choices={})
    _audit(actor, "voting.paper_refused", sheet, reason)
    return sheet


@transaction.atomic
def resolve_mismatch(*, paper_ballot: PaperBallot, actor, keep: PaperEntry | None) -> PaperBallot:
    """After looking at the paper: count the entry that matches it (`keep`), or (None) declare the sheet spoiled."""
    sheet = PaperBallot.objects.select_for_update().select_related("edition__city").get(pk=paper_ballot.pk)
    _check_coordinator(actor, sheet.edition)
    if sheet.state != PaperState.MISMATCH:
        raise PaperRefused("not_mismatch", _("This ballot has no mismatch to resolve."), sheet)
    if closed := entry_closed(sheet.edition):
        raise closed
    if keep is None:
        _audit(actor, "voting.paper_resolved", sheet, "spoiled")
        return _refuse(sheet, Refusal.SPOILED, actor)
    if keep.paper_ballot_id != sheet.pk:
        raise PaperRefused("wrong_entry", _("That entry belongs to another ballot."), sheet)
    _audit(actor, "voting.paper_resolved", sheet, f"kept entry {keep.pk}")
    try:
        _check_not_voted(sheet.edition, sheet.iin_hash)
    except PaperRefused:
        return _refuse(sheet, Refusal.VOTED_ONLINE, actor)
    return _count(sheet, dict(keep.choices), actor)


@transaction.atomic
def set_when_both(*, edition: Edition, actor, when_both: str) -> PaperSettings:
    """Choose what counts when a person votes both ways; fixed once voting opens, like the ballot type."""
    _check_coordinator(actor, edition)
    if edition.voting_has_opened:
        raise PaperRefused("locked", _("This rule is fixed once voting has opened."))
    settings_row, _created = PaperSettings.objects.select_for_update().get_or_create(edition=edition)
    before = settings_row.when_both
    settings_row.when_both = WhenBoth(when_both)
    settings_row.save(update_fields=["when_both"])
    record_action(
        actor=actor,
        action="voting.paper_rule_set",
        target=settings_row,
        edition_id=edition.pk,
        summary=f"when both: {when_both}",
        before={"when_both": before},
        after={"when_both": when_both},
    )
    return settings_row


def open_sheets(edition: Edition):
    return PaperBallot.objects.filter(edition=edition, state__in=OPEN_STATES)
