"""Editions in voting with a shortlist, valid IINs and coordinators, for the paper, voter-list and turnout tests."""

import itertools
from datetime import date, timedelta

from django.utils import timezone

from accounts.iin import check_digit
from accounts.testing import make_staff, make_user
from editions.models import City, District, Edition, EditionDistrict

_serials = itertools.count(1)
PROJECTS = [("Playground", 100), ("Benches", 60), ("Lights", 50)]


def make_iin(born: date = date(1990, 5, 17), sex: str = "female") -> str:
    """A fresh valid IIN for someone born on `born` (serials that give no check digit are skipped)."""
    century = {1800: 1, 1900: 3, 2000: 5}[born.year // 100 * 100] + (1 if sex == "female" else 0)
    while True:
        first_eleven = f"{born:%y%m%d}{century}{next(_serials) % 10000:04d}"
        digit = check_digit(first_eleven)
        if digit is not None:
            return first_eleven + str(digit)


def make_project(edition: Edition, title: str, cost: int, district: District | None = None, author=None):
    """A feasible proposal, with the experts' cost, on the edition's published shortlist (so on the ballot)."""
    from proposals.models import Proposal
    from review.models import Shortlist

    if not Shortlist.objects.filter(edition=edition).exists():
        Shortlist.objects.create(edition=edition, published_at=timezone.now(), published_by=make_user())
    return Proposal.objects.create(
        edition=edition,
        author=author or make_user(),
        district=district,
        title=title,
        status="feasible",
        estimated_cost=cost,
        ballot_cost=cost,
    )


def make_voting_edition(
    *, slug: str = "aksu", ballot_type: str = "knapsack", budget: int = 150, closed: bool = False, split: bool = False
) -> Edition:
    """An edition whose voting is open (or closed since yesterday), with PROJECTS on its ballot.

    With `split`, two districts have budgets of their own and each gets the three projects.
    """
    now = timezone.now()
    start = now - timedelta(days=50)
    city, _ = City.objects.get_or_create(slug=slug, defaults={"name_kk": slug, "name_ru": slug, "name_en": slug})
    edition = Edition.objects.create(
        city=city,
        year=now.year,
        title_kk="Бастама",
        title_ru="Бастама",
        title_en="Bastama",
        budget=budget,
        ballot_type=ballot_type,
        max_choices=2 if ballot_type in ("approval", "ranked") else None,
        points=5 if ballot_type == "cumulative" else None,
        tie_break_seed="seed-2026",
        announcement_starts=start,
        proposals_start=start,
        review_starts=start,
        voting_starts=now - timedelta(days=5),
        results_start=now - timedelta(hours=1) if closed else now + timedelta(days=5),
        implementation_starts=now + timedelta(days=30),
        archive_starts=now + timedelta(days=300),
    )
    districts = [None]
    if split:
        districts = []
        for name in ("North", "South"):
            district = District.objects.create(city=city, name_kk=name, name_ru=name, name_en=name)
            EditionDistrict.objects.create(edition=edition, district=district, budget=budget)
            districts.append(district)
    for district in districts:
        for title, cost in PROJECTS:
            make_project(edition, title if district is None else f"{title} {district.name_en}", cost, district)
    return edition


def coordinators(edition: Edition, n: int = 2):
    return [make_staff("coordinator", city=edition.city, name=f"Coordinator {i}") for i in range(1, n + 1)]


def make_voter(*, born: date = date(1990, 5, 17), sex: str = "female", **fields):
    """A resident with a valid IIN set (as the profile page stores it)."""
    from accounts.iin import parse_iin

    iin = parse_iin(make_iin(born, sex))
    user = make_user(
        iin_hash=iin.hash, iin_last_digits=iin.last_digits, birth_date=iin.birth_date, sex=iin.sex, **fields
    )
    user.iin = iin.number
    return user


def ballot_ids(edition: Edition, district=None) -> list[int]:
    from voting.ballots import ballot_for

    return [p.id for p in ballot_for(edition, district).projects]
