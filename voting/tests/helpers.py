"""Make an edition in voting, its ballot and voters with valid IINs (for voting's and voting-paper's tests).

edition = make_voting_edition(budget=100)
a, b, c = make_projects(edition, [("Playground", 60), ("Benches", 30), ("Lights", 50)])
voter = make_voter()                       # valid IIN, 30 years old on the closing day
services.cast_ballot(user=voter, edition=edition, choices={a.pk: 1})
"""

import itertools
from datetime import date, timedelta

from django.utils import timezone

from accounts.iin import check_digit, parse_iin
from accounts.testing import make_user
from editions.models import City, Edition

_serials = itertools.count(1)


def make_iin(birth: date, *, serial: int | None = None) -> str:
    """A valid IIN for a birth date (century digit for a man), with a fresh serial unless one is given."""
    century = {18: "1", 19: "3", 20: "5"}[birth.year // 100]
    while True:
        number = f"{birth:%y%m%d}{century}{(serial if serial is not None else next(_serials)) % 10000:04d}"
        digit = check_digit(number)
        if digit is not None:
            return number + str(digit)
        serial = None


def make_voter(*, birth: date | None = None, district=None, iin: str | None = None, **fields):
    """A resident with a valid IIN stored as accounts does (hash, last digits, birth date, sex)."""
    parsed = parse_iin(iin or make_iin(birth or date(1990, 5, 17)))
    return make_user(
        district=district,
        iin_hash=parsed.hash,
        iin_last_digits=parsed.last_digits,
        birth_date=parsed.birth_date,
        sex=parsed.sex,
        **fields,
    )


def make_voting_edition(*, slug: str = "aksu", budget: int = 100, ballot_type: str = "knapsack", **fields) -> Edition:
    """An edition whose voting opened yesterday and closes in ten days."""
    now = timezone.now()
    city, _ = City.objects.get_or_create(slug=slug, defaults={"name_kk": slug, "name_ru": slug, "name_en": slug})
    dates = {
        "announcement_starts": now - timedelta(days=60),
        "proposals_start": now - timedelta(days=50),
        "review_starts": now - timedelta(days=20),
        "voting_starts": now - timedelta(days=1),
        "results_start": now + timedelta(days=10),
        "implementation_starts": now + timedelta(days=30),
        "archive_starts": now + timedelta(days=400),
    }
    dates.update({k: fields.pop(k) for k in list(fields) if k in dates})
    return Edition.objects.create(
        city=city,
        year=fields.pop("year", now.year),
        title_kk="Бастама",
        title_ru="Бастама",
        title_en="Bastama",
        budget=budget,
        ballot_type=ballot_type,
        tie_break_seed="seed",
        **dates,
        **fields,
    )


def make_projects(edition, rows, *, district=None, author=None) -> list:
    """Feasible proposals on the edition's published shortlist: rows of (title, ballot cost)."""
    from proposals.models import Proposal
    from review.models import Shortlist

    author = author or make_user()
    if not Shortlist.objects.filter(edition=edition).exists():
        Shortlist.objects.create(edition=edition, published_at=timezone.now(), published_by=author)
    return [
        Proposal.objects.create(
            edition=edition,
            author=author,
            district=district,
            title=title,
            status="feasible",
            estimated_cost=cost,
            ballot_cost=cost,
        )
        for title, cost in rows
    ]
