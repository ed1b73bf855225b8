"""Live agreement with pabutools 1.2.x on small files and generated elections (slow tier: pabutools is slow)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from pbcount import pabulib
from pbcount.election import Election
from pbcount.rules import count
from pbcount.rules.max_welfare import welfare_values
from pbcount.tests.conftest import FIXTURE_FILES, pbdata_files
from pbcount.tests.test_rules import elections

pytest.importorskip("pabutools")
from pbcount.tests.pabutools_bridge import pabutools_winners  # noqa: E402 - needs pabutools

pytestmark = pytest.mark.slow

RULES = ["greedy", "greedy-per-cost", "phragmen"]


def _applies(rule: str, e: Election) -> bool:
    return rule != "phragmen" or e.vote_type == "approval"


def _check(e: Election, rule: str) -> None:
    if not _applies(rule, e):
        return
    ours = set(count(e, rule).winners)
    assert ours == pabutools_winners(e, rule), rule


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_fixture_files_agree_with_pabutools(path: Path, rule: str):
    _check(pabulib.read(path), rule)


SMALL_SHARED = [p for p in pbdata_files() if p.stat().st_size < 50_000]


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("path", SMALL_SHARED or [None], ids=lambda p: p.name if p else "no-pbdata")
def test_small_shared_files_agree_with_pabutools(pbdata: Path, path: Path, rule: str):
    _check(pabulib.read(path), rule)


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_max_welfare_reaches_pabutools_welfare(path: Path):
    e = pabulib.read(path)
    values = welfare_values(e)
    ours = sum(values[e.index[w]] for w in count(e, "max-welfare").winners)
    assert ours == sum(values[e.index[w]] for w in pabutools_winners(e, "max-welfare"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections())
def test_generated_elections_agree_with_pabutools(e: Election):
    for rule in RULES:
        _check(e, rule)
