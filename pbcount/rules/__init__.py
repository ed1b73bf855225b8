"""The rule registry and `count()`, the one entry point used by the command line and the platform.

Every rule has the call shape `rule(election, *, tie_break=TieBreak(...), **params) -> Outcome`.
The Method of Equal Shares lives in `pbcount.rules.equal_shares` and is imported only when asked for; that
module provides `equal_shares(election, *, tie_break, sat="cost", completion=None) -> Outcome`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from pbcount.election import Election, Outcome
from pbcount.rules.greedy import greedy, greedy_per_cost, group_budgets
from pbcount.rules.max_welfare import max_welfare
from pbcount.rules.phragmen import phragmen
from pbcount.tiebreak import TieBreak

COMPLETIONS = ("add1", "add1-greedy", "greedy", "add1-comparison")


def _greedy_no_skip(election: Election, *, tie_break: TieBreak, **params: Any) -> Outcome:
    return greedy(election, tie_break=tie_break, skip=False, **params)


def _greedy_threshold(election: Election, *, tie_break: TieBreak, **params: Any) -> Outcome:
    if params.get("threshold") is None:
        params["threshold"] = election.min_project_score_threshold
        if params["threshold"] is None:
            raise ValueError("greedy-threshold needs a threshold: META has no min_project_score_threshold")
    return greedy(election, tie_break=tie_break, **params)


def _mes(election: Election, *, tie_break: TieBreak, **params: Any) -> Outcome:
    try:
        module = importlib.import_module("pbcount.rules.equal_shares")
    except ModuleNotFoundError as err:
        if err.name != "pbcount.rules.equal_shares":
            raise
        raise ValueError("rule 'mes' is not available in this installation (no pbcount.rules.equal_shares)") from None
    rule: Callable[..., Outcome] = module.equal_shares
    return rule(election, tie_break=tie_break, **params)


RULES: dict[str, Callable[..., Outcome]] = {
    "greedy": greedy,
    "greedy-no-skip": _greedy_no_skip,
    "greedy-threshold": _greedy_threshold,
    "greedy-per-cost": greedy_per_cost,
    "mes": _mes,
    "phragmen": phragmen,
    "max-welfare": max_welfare,
}
# Which parameters each rule accepts (count() refuses the others rather than ignoring them).
_PARAMS = {
    "greedy": {"sat", "threshold"},
    "greedy-no-skip": {"sat", "threshold"},
    "greedy-threshold": {"sat", "threshold"},
    "greedy-per-cost": set(),
    "mes": {"sat", "completion"},
    "phragmen": set(),
    "max-welfare": {"sat"},
}
# META `rule` values that name a rule we implement: the city's own count (rule "city").
CITY_RULES = {
    "greedy": ("greedy", {}),
    "greedy-no-skip": ("greedy-no-skip", {}),
    "greedy-threshold": ("greedy-threshold", {}),
    "equalshares": ("mes", {}),
    "equalshares/add1": ("mes", {"completion": "add1"}),
    "equalshares/add1-comparison": ("mes", {"completion": "add1-comparison"}),
}


def count(
    election: Election,
    rule: str = "greedy",
    *,
    completion: str | None = None,
    sat: str | None = None,
    tie_break: str | TieBreak = "pabutools",
    seed: str | None = None,
    threshold: Fraction | int | None = None,
) -> Outcome:
    """Run a rule by name. `rule="city"` runs the rule recorded in META `rule` (e.g. `greedy-threshold`),
    with the per-category budgets META records (Amsterdam's `budget_per_category`).

    Raises ValueError for an unknown rule, a parameter the rule does not take, or a bad value.
    """
    extra: dict[str, Any] = {}
    if rule == "city":
        if election.rule not in CITY_RULES:
            raise ValueError(f"META rule {election.rule!r} is not one we can run; choose --rule explicitly")
        rule, defaults = CITY_RULES[election.rule]
        completion = completion or defaults.get("completion")
        caps = group_budgets(election)
        if caps is not None and rule.startswith("greedy"):
            extra = {"caps": caps, "leftover": "leftover_budget" in election.meta}
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; rules: {', '.join(RULES)}, city")
    if completion is not None and completion not in COMPLETIONS:
        raise ValueError(f"unknown completion {completion!r}; completions: {', '.join(COMPLETIONS)}")
    given = {"completion": completion, "sat": sat, "threshold": threshold}
    params = {k: v for k, v in given.items() if v is not None}
    refused = sorted(set(params) - _PARAMS[rule])
    if refused:
        raise ValueError(f"rule {rule!r} does not take {', '.join(refused)}")
    tb = tie_break if isinstance(tie_break, TieBreak) else TieBreak(tie_break, seed)
    return RULES[rule](election, tie_break=tb, **params, **extra)


__all__ = ["COMPLETIONS", "RULES", "count", "greedy", "greedy_per_cost", "max_welfare", "phragmen"]
