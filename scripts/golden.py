"""Compute pabutools' winners for every rule on every shared .pb file and store them as golden files.

Usage: .venv/bin/python scripts/golden.py [PBDATA_DIR] [--only SUBSTRING] [--limit SECONDS]

Writes `pbcount/tests/golden/<file stem>.json`: the file's sha256 and, per combination ("greedy",
"greedy-per-cost", "phragmen", "max-welfare", "mes/<sat>", "mes/<sat>/<completion>"), the sorted winners
(max-welfare: the optimal welfare, since optima tie) or `{"skipped": "..."}` when pabutools needed more than
the time limit (default 60 s). pabutools is a dev-only test oracle (GPL); pbcount never imports it.

pabutools runs on the merged profile (`as_multiprofile()`), which gives the same outcome as the plain one and
is much faster. The greedy completions are computed as `completion_by_rule_combination` does it: the MES
outcome, if not exhaustive, completed by `greedy_utilitarian_welfare` with it as initial allocation.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import signal
import sys
import time
from pathlib import Path

from pabutools.election import Additive_Borda_Sat, Additive_Cardinal_Sat, Cardinality_Sat, Cost_Sat
from pabutools.election.pabulib import parse_pabulib
from pabutools.rules import (
    greedy_utilitarian_welfare,
    max_additive_utilitarian_welfare,
    method_of_equal_shares,
    sequential_phragmen,
)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pbcount.tests.pabutools_bridge import city_points_sat  # noqa: E402

OUT = ROOT / "pbcount" / "tests" / "golden"
COMPLETIONS = (None, "add1", "greedy", "add1-greedy")


class Timeout(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Timeout


def timed(limit: int, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    """fn(*args, **kwargs) or raise Timeout after `limit` seconds (pabutools is pure Python: SIGALRM works)."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(limit)
    try:
        return fn(*args, **kwargs)
    finally:
        signal.alarm(0)


def mes_sats(vote_type: str) -> list[tuple[str, type]]:
    """Our sat names and pabutools' class for MES on this ballot type."""
    if vote_type == "approval":
        return [("cost", Cost_Sat), ("cardinality", Cardinality_Sat)]
    if vote_type == "ordinal":
        return [("cost", Additive_Borda_Sat)]
    return [("cost", Additive_Cardinal_Sat)]


def names(alloc) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(p.name for p in alloc)


def golden_for(path: Path, limit: int) -> dict[str, object]:
    t0 = time.perf_counter()
    instance, profile = parse_pabulib(str(path))
    vote_type = {"ApprovalProfile": "approval", "CumulativeProfile": "cumulative", "OrdinalProfile": "ordinal"}[
        type(profile).__name__
    ]
    merged = profile.as_multiprofile()
    out: dict[str, object] = {
        "file": path.name,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "vote_type": vote_type,
        "pabutools": "1.2.3",
        "time_limit_s": limit,
        "results": {},
    }
    results: dict[str, object] = out["results"]  # type: ignore[assignment]
    timings: dict[str, float] = {"parse": round(time.perf_counter() - t0, 2)}
    out["seconds"] = timings

    def run(key: str, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            value = timed(limit, fn, *args, **kwargs)
        except Timeout:
            results[key] = {"skipped": f"pabutools took more than {limit} s"}
            print(f"  {key}: skipped (> {limit} s)", flush=True)
            return None
        timings[key] = round(time.perf_counter() - start, 2)
        print(f"  {key}: {timings[key]} s", flush=True)
        return value

    top = None
    meta_max = instance.meta.get("max_length")
    if vote_type == "ordinal":
        top = int(meta_max) if meta_max not in (None, "", "None") else len(instance)
    greedy_sat = Cost_Sat if vote_type == "approval" else city_points_sat(top or 0)
    res = run("greedy", greedy_utilitarian_welfare, instance, merged, sat_class=greedy_sat)
    if res is not None:
        results["greedy"] = names(res)
    per_cost = {"approval": Cardinality_Sat, "cumulative": Additive_Cardinal_Sat, "ordinal": Additive_Borda_Sat}
    res = run(
        "greedy-per-cost",
        greedy_utilitarian_welfare,
        instance,
        merged,
        sat_class=per_cost[vote_type],
        is_sat_additive=True,
    )
    if res is not None:
        results["greedy-per-cost"] = names(res)
    if vote_type == "approval":
        res = run("phragmen", sequential_phragmen, instance, merged)
        if res is not None:
            results["phragmen"] = names(res)
        res = run("max-welfare", max_additive_utilitarian_welfare, instance, merged, sat_class=Cost_Sat)
        if res is not None:
            welfare = sum(p.cost * merged.approval_score(p) for p in res)
            results["max-welfare"] = {"welfare": str(welfare), "winners": names(res)}

    for sat, cls in mes_sats(vote_type):
        for increment in (None, 1):
            key = f"mes/{sat}" + ("/add1" if increment else "")
            kwargs = {"voter_budget_increment": increment} if increment else {}
            res = run(key, method_of_equal_shares, instance, merged, sat_class=cls, **kwargs)
            if res is None:
                continue
            results[key] = names(res)
            greedy_key = f"mes/{sat}/" + ("add1-greedy" if increment else "greedy")
            if instance.is_exhaustive(res):
                results[greedy_key] = names(res)
                continue
            done = run(
                greedy_key,
                greedy_utilitarian_welfare,
                instance,
                merged,
                sat_class=cls,
                is_sat_additive=True,
                initial_budget_allocation=res,
            )
            if done is not None:
                results[greedy_key] = names(done)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pbdata", nargs="?", default=str(ROOT.parent / "shared" / "pbdata"))
    parser.add_argument("--only", help="only files whose name contains this")
    parser.add_argument("--limit", type=int, default=60, help="seconds per pabutools call (default 60)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    files = sorted(Path(args.pbdata).glob("*.pb"), key=lambda p: p.stat().st_size)
    for path in files:
        if args.only and args.only not in path.name:
            continue
        print(path.name, flush=True)
        data = golden_for(path, args.limit)
        (OUT / f"{path.stem}.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
