"""Real elections (slow tier): the cities' official results where the file records them."""

from __future__ import annotations

from pathlib import Path

import pytest

from pbcount import pabulib
from pbcount.rules import CITY_RULES, count
from pbcount.tests.conftest import pbdata_files

pytestmark = pytest.mark.slow

# Files whose META rule we run but whose official `selected` column follows another rule (see docs/counting.md).
DIFFERENT_RULE: dict[str, str] = {}


def _with_official_result() -> list[Path]:
    out = []
    for path in pbdata_files():
        lines = path.read_text(encoding="utf-8-sig").split("\nVOTES")[0].splitlines()
        rule = next((line.split(";")[1].strip() for line in lines if line.startswith("rule;")), "")
        columns = lines[[line.strip() for line in lines].index("PROJECTS") + 1].split(";")
        if "selected" in columns and rule.startswith("greedy") and rule in CITY_RULES:
            out.append(path)
    return out


@pytest.mark.parametrize("path", _with_official_result() or [None], ids=lambda p: p.name if p else "no-pbdata")
def test_greedy_cities_official_results_are_reproduced(pbdata: Path, path: Path):
    e = pabulib.read(path)
    official = {p.id for p in e.projects if p.extra["selected"].strip() in ("1", "True", "true")}
    assert set(count(e, "city").winners) == official


@pytest.mark.parametrize("path", pbdata_files() or [None], ids=lambda p: p.name if p else "no-pbdata")
def test_every_rule_runs_within_budget_on_every_file(pbdata: Path, path: Path):
    e = pabulib.read(path)
    for rule in ("greedy", "greedy-no-skip", "greedy-per-cost", "max-welfare", "phragmen"):
        if rule == "phragmen" and e.vote_type != "approval":
            continue
        outcome = count(e, rule)
        assert outcome.spent <= e.budget
        assert len(outcome.projects) == len(e.projects)
