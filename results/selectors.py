"""Reads for the results pages: the published counts of an edition, shaped for templates and charts."""

from fractions import Fraction

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


def comparison(edition) -> list[dict]:
    """For coordinators: the latest run of every rule, per budget, side by side."""
    latest = {}
    runs = CountRun.objects.filter(edition=edition).select_related("district", "ran_by").defer("input_pb")
    for run in runs.order_by("ran_at", "pk"):
        latest[(run.district_id, run.rule)] = run
    return [summarise(run) for _, run in sorted(latest.items(), key=lambda item: (item[0][0] or 0, item[0][1]))]
