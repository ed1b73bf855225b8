"""Golden tier (slow): pbcount gives exactly pabutools' winners, stored by scripts/golden.py, on every shared file.

Also the cities' official MES results: Assen 2024 and Świecie 2023 (`equalshares/add1`, pabutools' add1) and
Wieliczka 2023 (`equalshares/add1-comparison`, see docs/counting.md).
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import pytest

from pbcount import pabulib
from pbcount.election import Election
from pbcount.rules import count
from pbcount.rules.max_welfare import welfare_values
from pbcount.tests.conftest import pbdata_dir

pytestmark = pytest.mark.slow

GOLDEN = Path(__file__).parent / "golden"


def _cases() -> list[tuple[str, str]]:
    out = []
    for path in sorted(GOLDEN.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for key, value in data["results"].items():
            if not (isinstance(value, dict) and "skipped" in value):
                out.append((path.stem, key))
    return out


@lru_cache(maxsize=2)
def _election(stem: str) -> Election:
    return pabulib.read(pbdata_dir() / f"{stem}.pb")


def _run(e: Election, key: str) -> set[str]:
    parts = key.split("/")
    if parts[0] == "mes":
        completion = parts[2] if len(parts) > 2 else None
        return set(count(e, "mes", sat=parts[1], completion=completion).winners)
    return set(count(e, parts[0]).winners)


@pytest.mark.parametrize(("stem", "key"), _cases() or [("none", "none")], ids=lambda x: x)
def test_pbcount_gives_pabutools_winners(pbdata: Path, stem: str, key: str):
    golden = json.loads((GOLDEN / f"{stem}.json").read_text(encoding="utf-8"))
    path = pbdata / f"{stem}.pb"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == golden["sha256"], "pbdata file changed: rerun golden.py"
    e = _election(stem)
    expected = golden["results"][key]
    if key == "max-welfare":
        values = welfare_values(e)
        ours = sum(values[e.index[w]] for w in count(e, "max-welfare").winners)
        assert ours == sum(values[e.index[w]] for w in expected["winners"])
        return
    assert _run(e, key) == set(expected)


@pytest.mark.parametrize(
    ("stem", "completion"),
    [
        ("Netherlands_Assen_2024", "add1"),
        ("Poland_Swiecie_2023", "add1"),
        ("Poland_Wieliczka_2023_Green_Budget", "add1-comparison"),
    ],
)
def test_official_equal_shares_results_are_reproduced(pbdata: Path, stem: str, completion: str):
    e = pabulib.read(pbdata / f"{stem}.pb")
    official = {p.id for p in e.projects if p.extra["selected"].strip() == "1"}
    assert set(count(e, "mes", completion=completion).winners) == official
    assert set(count(e, "city").winners) == official
