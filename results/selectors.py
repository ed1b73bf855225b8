"""Reads for the results pages: the published counts of an edition, shaped for templates and charts."""

from fractions import Fraction

from editions.models import District, Edition
from pbcount.election import Election

from . import tally
from .explain import why
from .models import CountRun


def _share(part, whole) -> float:
    return round(100 * float(Fraction(part)) / float(Fraction(whole)), 1) if Fraction(whole) else 0.0


def summarise(run: CountRun) -> dict:
    """One count as rows: every project with votes, cost, outcome and why; the budget bar's width."""
    outcome = run.outcome
    top = max((p["votes"] for p in outcome["projects"]), default=0) or 1
    projects = sorted(outcome["projects"], key=lambda p: (not p["selected"], -p["votes"], p["id"]))
    return {
        "run": run,
        "district": run.district,
        "voters": outcome["voters"],
        "spent": Fraction(outcome["spent"]),
        "budget": Fraction(outcome["budget"]),
        "spent_percent": _share(outcome["spent"], outcome["budget"]),
        "with_winner_percent": _share(outcome["voters_with_winner"], outcome["voters"] or 1),
        "winners": [p for p in projects if p["selected"]],
        "projects": [
            {
                **p,
                "name": outcome["names"].get(p["id"], p["id"]),
                "cost_value": Fraction(p["cost"]),
                "why": why(p),
                "bar_percent": round(100 * p["votes"] / top, 1),
            }
            for p in projects
        ],
    }


def published_runs(edition) -> list[CountRun]:
    """The published count of each budget of the edition (the latest published per district)."""
    latest = {}
    runs = CountRun.objects.published().filter(edition=edition).select_related("district").defer("input_pb")
    for run in runs.order_by("published_at"):
        latest[run.district_id] = run
    return list(latest.values())


def published_winner_ids(edition) -> set[str]:
    """The project ids that win the edition's published counts (any budget)."""
    return {p["id"] for run in published_runs(edition) for p in run.outcome["projects"] if p["selected"]}


def comparison(edition) -> list[dict]:
    """For coordinators: the latest run of every rule, per budget, side by side."""
    latest = {}
    runs = CountRun.objects.filter(edition=edition).select_related("district", "ran_by").defer("input_pb")
    for run in runs.order_by("ran_at", "pk"):
        latest[(run.district_id, run.rule)] = run
    return [summarise(run) for _, run in sorted(latest.items(), key=lambda item: (item[0][0] or 0, item[0][1]))]


def elections_for(edition: Edition) -> dict[District | None, Election]:
    """The counted ballots of a closed edition as one pbcount Election per budget ({district or None: Election}).

    The projects are the ballot's (the shortlist, per district when the budget is split, the shared budget under
    None; voting.ballots reads review's shortlist), with the cost shown on the ballot; the ballots come from
    voting.selectors without any identity. A budget nobody voted in is still counted, so its projects are listed
    with no votes.
    """
    from voting.ballots import ballot_for
    from voting.eligibility import shared_budget, split_districts
    from voting.selectors import counted_ballots

    cast = counted_ballots(edition)
    split = split_districts(edition)
    budgets = [row.district for row in split.values()] if split else [None]
    if split and shared_budget(edition):
        budgets.insert(0, None)
    elections: dict[District | None, Election] = {}
    for district in budgets:
        spec = ballot_for(edition, district)
        meta = {"description": str(edition), "country": "Kazakhstan", "unit": edition.city.name_en}
        if district is not None:
            meta["subunit"] = district.name_en
        elections[district] = tally.build_election(
            projects=[tally.TallyProject(str(p.id), p.cost, p.title) for p in spec.projects],
            ballots=cast.get(district, []),
            budget=spec.budget,
            ballot_type=edition.ballot_type,
            meta={**meta, "instance": str(edition.year)},
            seed=edition.tie_break_seed,
        )
    return elections


def public_turnout(edition: Edition) -> dict:
    """Turnout for the public results page: totals, districts and age/sex groups, small groups suppressed."""
    from voting import turnout

    summary = turnout.summary(edition)
    total = summary.total or 1
    districts = [
        {
            "label": row.label,
            "total": row.total,
            "online": turnout.suppress(row.online),
            "paper": turnout.suppress(row.paper),
            "percent": round(100 * row.total / total, 1),
        }
        for row in summary.by_district
        if row.label
    ]
    top = max((d["total"] for d in districts), default=0) or 1
    for d in districts:
        d["bar"] = round(100 * d["total"] / top, 1)
    return {
        "total": summary.total,
        "online": summary.online,
        "paper": summary.paper,
        "online_percent": round(100 * summary.online / total, 1),
        "districts": districts,
        "demographics": turnout.demographic_table(edition, public=True),
        "sexes": [str(name) for _code, name in turnout.SEXES],
        "smallest_group": turnout.SMALLEST_GROUP,
    }


def staff_turnout(edition: Edition):
    """What the count will read: how many counted ballots, online and on paper (voting.turnout.Turnout)."""
    from voting import turnout

    return turnout.summary(edition)


def waiting_paper_ballots(edition: Edition) -> int:
    """Paper ballots keyed in once or mismatched: a count run now would leave them out."""
    from voting.paper import open_sheets

    return open_sheets(edition).count()
