"""Who may vote in an edition, and if not, exactly why: one function, `check(user, edition, district=None)`.

The checks, in the order a resident can fix them: signed in, IIN given (its check digit was verified when it was
entered), old enough on the day voting closes, on the voter list or a resident of the edition's districts when
the edition asks for it, and for an edition whose budget is split, a district to vote in: residents of a
district with a budget of its own vote on that district's ballot, everyone else on the shared ballot (what is
left of the edition's budget, for the projects of the districts without a budget of their own).
Whether voting is open, and whether this IIN has already voted, are the services' business (voting.services).
"""

import functools
import time
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from editions import models as editions
from editions.models import District, Edition, EditionDistrict

from .models import Restriction, VoterListEntry, VotingRules

OK = "ok"
SIGN_IN = "sign_in"
NO_IIN = "no_iin"
TOO_YOUNG = "too_young"
NOT_ON_LIST = "not_on_list"
NOT_RESIDENT = "not_resident"
NO_DISTRICT = "no_district"
WRONG_DISTRICT = "wrong_district"

# Lazy: a ballot checks eligibility twice and never shows this message (a refusal's message is shown at once).
_MAY_VOTE = gettext_lazy("You may vote.")


@dataclass(frozen=True)
class Eligibility:
    code: str
    message: str
    # The district whose budget the person votes in (None: the edition's one budget, or the shared budget).
    district: District | None = None

    @property
    def ok(self) -> bool:
        return self.code == OK

    def __bool__(self) -> bool:
        return self.ok


def closing_day(edition: Edition):
    """The calendar day on which voting closes, in the site's time zone (where the programme runs); the minimum
    age is reached on or before it."""
    return _local_day(edition.results_start, settings.TIME_ZONE)


@functools.lru_cache(maxsize=64)
def _local_day(moment, zone: str):
    """The calendar day of `moment` in `zone`, computed once per process for the few closing moments there are
    (8 us each time otherwise; a ballot asks twice)."""
    return timezone.localdate(moment, zoneinfo.ZoneInfo(zone))


# Once voting has opened, an edition's districts, budgets and shortlist are locked (editions and review refuse
# changes), so each server process may keep them for a few seconds instead of reading them for every ballot.
_shared: dict[tuple, tuple[float, object]] = {}


def _shared_key(edition: Edition, key: str) -> tuple | None:
    if not edition.voting_has_opened or not getattr(settings, "VOTING_RULES_CACHE_SECONDS", 10):
        return None
    # The dates are part of the key: a test database that reuses a primary key never sees another edition's rows.
    return (edition.pk, edition.voting_starts, edition.results_start, key)


def kept(key: tuple):
    """What this process keeps under `key` (see keep), or None once it has expired."""
    hit = _shared.get(key)
    return hit[1] if hit and hit[0] > time.monotonic() else None


def keep(key: tuple, value) -> None:
    """Keep `value` in this process for VOTING_RULES_CACHE_SECONDS (nothing when that is 0)."""
    seconds = getattr(settings, "VOTING_RULES_CACHE_SECONDS", 10)
    if seconds:
        if len(_shared) > 1000:
            _shared.clear()
        _shared[key] = (time.monotonic() + seconds, value)


def forget(key: tuple) -> None:
    _shared.pop(key, None)


def memo(edition: Edition, key: str, load, *, shared: bool = False):
    """Per-instance memo (the view fetches the edition once per request), and with `shared`, a per-process
    cache for a few seconds once voting has opened: the ballot path reads the rules once, not per ballot."""
    local = edition.__dict__.setdefault("_voting_memo", {})
    if key in local:
        return local[key]
    shared_key = _shared_key(edition, key) if shared else None
    if shared_key is not None and (hit := kept(shared_key)) is not None:
        local[key] = hit
        return hit
    local[key] = value = load()
    if shared_key is not None:
        keep(shared_key, value)
    return value


def _edition_districts(edition: Edition) -> list[EditionDistrict]:
    return memo(
        edition,
        "districts",
        lambda: tuple(EditionDistrict.objects.filter(edition=edition).select_related("district")),
        shared=True,
    )


def split_districts(edition: Edition) -> dict[int, EditionDistrict]:
    """The districts with a budget of their own, by district id; empty when the edition has one budget."""
    return {row.district_id: row for row in _edition_districts(edition) if row.budget is not None}


def shared_budget(edition: Edition) -> int:
    """Where the budget is split, what the districts' own budgets leave of the edition's: the shared budget of
    the projects of every other district (and of none), voted on by everyone not in a district with its own
    budget. 0 when nothing is left or the budget is not split."""
    return editions.shared_budget(edition.budget, [row.budget for row in split_districts(edition).values()])


def restriction_of(edition: Edition) -> str:
    def load():
        if Edition.voting_rules.is_cached(edition):  # the view's select_related("voting_rules") spares a query
            rules = getattr(edition, "voting_rules", None)
        else:
            rules = VotingRules.objects.filter(edition=edition).only("restriction").first()
        return rules.restriction if rules else Restriction.NONE

    return memo(edition, "restriction", load)


def _refuse(code: str, message: str) -> Eligibility:
    return Eligibility(code, message)


def check(user, edition: Edition, district: District | None = None) -> Eligibility:
    """Whether `user` may vote in `edition` (in `district`, or their own district when the budget is split)."""
    if user is None or not user.is_authenticated:
        return _refuse(SIGN_IN, _("Sign in with your phone number to vote."))
    if not user.iin_hash or user.birth_date is None:
        return _refuse(NO_IIN, _("Enter your IIN in your profile to vote: one IIN votes once per edition."))
    day = closing_day(edition)
    if user.age_on(day) < edition.min_voter_age:
        return _refuse(
            TOO_YOUNG,
            _("You must be at least %(age)s years old on %(day)s, the day voting closes.")
            % {"age": edition.min_voter_age, "day": day.strftime("%d.%m.%Y")},
        )
    restriction = restriction_of(edition)
    if restriction == Restriction.VOTER_LIST:
        if not VoterListEntry.objects.filter(edition=edition, iin_hash=user.iin_hash).exists():
            return _refuse(
                NOT_ON_LIST,
                _("Your IIN is not on this edition's voter list. Ask the project centre if you think it should be."),
            )
    edition_districts = {row.district_id for row in _edition_districts(edition)}
    if restriction == Restriction.RESIDENTS:
        if user.district_id is None:
            return _refuse(NO_DISTRICT, _("Choose the district where you live in your profile to vote."))
        if user.district_id not in edition_districts:
            return _refuse(NOT_RESIDENT, _("Only residents of this edition's districts may vote."))
    split = split_districts(edition)
    if not split:
        return Eligibility(OK, _MAY_VOTE)
    # A split budget: people vote for their own district's projects, the one in their profile.
    chosen_id = district.pk if district is not None else user.district_id
    if chosen_id is None:
        return _refuse(NO_DISTRICT, _("Choose the district where you live in your profile to vote."))
    if chosen_id not in split:
        if district is None and shared_budget(edition):
            return Eligibility(OK, _MAY_VOTE)  # the shared ballot
        return _refuse(WRONG_DISTRICT, _("Your district has no budget of its own in this edition."))
    if district is not None and user.district_id is not None and district.pk != user.district_id:
        return _refuse(WRONG_DISTRICT, _("You may vote only for the projects of the district where you live."))
    return Eligibility(OK, _MAY_VOTE, split[chosen_id].district)
