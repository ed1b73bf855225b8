"""Benchmark: pbcount against pabutools 1.2.3 on the shared .pb files, both in this one process.

Usage: .venv/bin/python bench/bench_count.py [PBDATA_DIR] [--only SUBSTRING] [--min-voters N]
                                            [--limit SECONDS] [--no-pabutools] [--rules greedy,mes,...]
                                            [--repeat N] [--cpu]

Per file: parse time of each (pabutools `parse_pabulib`, pbcount `pabulib.read`), then per rule the time of
each, the ratio pabutools / pbcount for the rule alone and with the parse included (parse + rule, as a user
who counts a file pays). Both first run everything once on the smallest file, untimed, so that one-time
import costs are not counted. pabutools runs as its users call it (the plain profile, default
tie-breaking); a call that takes longer than `--limit` seconds (default 60) is stopped and shown as ">limit",
its ratio as a lower bound. The last lines give the totals and the overall ratio (parse included).

On a shared machine one wall-clock timing of a few milliseconds is mostly noise (a preemption costs as
much): `--repeat N` keeps the best of N timings of each call (a call is not repeated once its timings add
up to 3 s, so long pabutools calls run once; each pbcount rule timing gets a freshly read election, so no
cached work carries over), and `--cpu` times with `time.process_time` instead of the wall clock.
"""

from __future__ import annotations

import argparse
import gc
import math
import resource
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pbcount import pabulib  # noqa: E402
from pbcount.rules import count  # noqa: E402

RULES = ["greedy", "greedy-per-cost", "phragmen", "mes", "mes/add1", "mes/greedy", "mes/add1-greedy"]


class Timeout(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Timeout


CLOCK = time.perf_counter
REPEAT = 1
REPEAT_BUDGET = 3.0  # seconds: a call whose timings add up to this is not repeated further


def timed(make: Callable[[], Callable[[], Any]], limit: int | None = None) -> float | None:
    """Seconds taken by the call `make()` returns (made untimed), the best of REPEAT; None when it ran past
    `limit` (pure-Python code: SIGALRM interrupts it)."""
    best, spent = math.inf, 0.0
    for _ in range(REPEAT):
        fn = make()
        gc.collect()
        if limit:
            signal.signal(signal.SIGALRM, _alarm)
            signal.alarm(limit)
        start = CLOCK()
        try:
            fn()
        except Timeout:
            return None
        finally:
            if limit:
                signal.alarm(0)
        took = CLOCK() - start
        best, spent = min(best, took), spent + took
        if spent >= REPEAT_BUDGET:
            break
    return best


def pabutools_call(rule: str, vote_type: str, instance: Any, profile: Any, top: int) -> Callable[[], Any]:
    from pabutools.election import Additive_Borda_Sat, Additive_Cardinal_Sat, Cardinality_Sat, Cost_Sat
    from pabutools.rules import (
        completion_by_rule_combination,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
        sequential_phragmen,
    )

    from pbcount.tests.pabutools_bridge import city_points_sat

    mes_sat = {"approval": Cost_Sat, "cumulative": Additive_Cardinal_Sat, "ordinal": Additive_Borda_Sat}[vote_type]
    if rule == "greedy":
        sat = Cost_Sat if vote_type == "approval" else city_points_sat(top)
        return lambda: greedy_utilitarian_welfare(instance, profile, sat_class=sat)
    if rule == "greedy-per-cost":
        sat = {"approval": Cardinality_Sat, "cumulative": Additive_Cardinal_Sat, "ordinal": Additive_Borda_Sat}
        return lambda: greedy_utilitarian_welfare(instance, profile, sat_class=sat[vote_type], is_sat_additive=True)
    if rule == "phragmen":
        return lambda: sequential_phragmen(instance, profile)
    mes_params: dict[str, Any] = {"sat_class": mes_sat}
    if "add1" in rule:
        mes_params["voter_budget_increment"] = 1
    if rule.endswith("greedy"):
        rules = [method_of_equal_shares, greedy_utilitarian_welfare]
        params = [mes_params, {"sat_class": mes_sat, "is_sat_additive": True}]
        return lambda: completion_by_rule_combination(instance, profile, rules, params)
    return lambda: method_of_equal_shares(instance, profile, **mes_params)


def time_pabutools(rules: list[str], election: Any, instance: Any, profile: Any, limit: int) -> dict:
    """pabutools' time for each rule on its parsed `instance` and `profile` (None: stopped after `limit`)."""
    top = election.max_length or len(election.projects)
    return {
        rule: timed(lambda r=rule: pabutools_call(r, election.vote_type, instance, profile, top), limit)
        for rule in rules
    }


def ours_call(rule: str, election: Any) -> Callable[[], Any]:
    if rule.startswith("mes"):
        completion = rule.split("/")[1] if "/" in rule else None
        return lambda: count(election, "mes", completion=completion)
    return lambda: count(election, rule)


def warm_up(path: Path, rules: list[str], ours_only: bool) -> None:
    """Run everything once on a small file, untimed: imports and first-call costs are paid once per process
    (a server pays them at start), not per count, for both libraries."""
    election = pabulib.read(path)
    if not ours_only:
        from pabutools.election.pabulib import parse_pabulib

        instance, profile = parse_pabulib(str(path))
    for rule in rules:
        if rule == "phragmen" and election.vote_type != "approval":
            continue
        ours_call(rule, election)()
        if not ours_only:
            pabutools_call(rule, election.vote_type, instance, profile, len(election.projects))()


def fmt(t: float | None, limit: int | None) -> str:
    if t is None:
        return "-" if limit is None else f">{limit}"
    return f"{t:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pbdata", nargs="?", default=str(ROOT.parent / "shared" / "pbdata"))
    parser.add_argument("--only", help="only files whose name contains this")
    parser.add_argument("--min-voters", type=int, default=0)
    parser.add_argument("--limit", type=int, default=60, help="seconds per pabutools call")
    parser.add_argument("--no-pabutools", action="store_true", help="time pbcount only")
    parser.add_argument("--rules", default=",".join(RULES))
    parser.add_argument("--repeat", type=int, default=1, help="best of N timings of each call")
    parser.add_argument("--cpu", action="store_true", help="process time instead of wall-clock time")
    args = parser.parse_args()
    global CLOCK, REPEAT
    CLOCK = time.process_time if args.cpu else time.perf_counter
    REPEAT = args.repeat
    rules = args.rules.split(",")
    files = sorted(Path(args.pbdata).glob("*.pb"), key=lambda p: p.stat().st_size)
    warm_up(files[0], rules, args.no_pabutools)
    # The gc.collect() before each timing is there so that no collection falls inside it; with the modules and
    # warm-up objects frozen it does not also walk them all and leave the caches cold for a count of milliseconds.
    gc.freeze()
    totals = {"ours": 0.0, "theirs": 0.0, "ours_matched": 0.0}
    print(f"{'file':48} {'rule':16} {'pbcount s':>10} {'pabutools s':>12} {'ratio':>8} {'w/ parse':>10}")
    for path in files:
        if args.only and args.only not in path.name:
            continue
        holder: dict[str, Any] = {}
        t_ours = timed(lambda h=holder, f=path: lambda: h.__setitem__("e", pabulib.read(f)))
        election = holder["e"]
        if election.num_voters < args.min_voters:
            continue
        assert t_ours is not None
        file_rules = [rule for rule in rules if rule != "phragmen" or election.vote_type == "approval"]
        # pbcount first, before pabutools' objects fill the heap: the gc.collect() before each timing would walk
        # them and leave the CPU caches cold for a count of a few milliseconds (measured: 2.2 -> 3.1 ms).
        ours: dict[str, float] = {}
        for rule in file_rules:
            took = timed(lambda r=rule, f=path, e=election: ours_call(r, e if REPEAT == 1 else pabulib.read(f)))
            assert took is not None
            ours[rule] = took
        t_theirs: float | None = None
        theirs: dict[str, float | None] = {}
        if not args.no_pabutools:
            from pabutools.election.pabulib import parse_pabulib

            t_theirs = timed(lambda h=holder, f=path: lambda: h.__setitem__("p", parse_pabulib(str(f))))
            theirs = time_pabutools(file_rules, election, *holder.pop("p"), args.limit)
            gc.collect()  # its objects now, untimed: not inside the next file's first timing
        name = path.stem[:48]
        ratio = "" if t_theirs is None else f"{t_theirs / t_ours:.0f}x"
        print(f"{name:48} {'parse':16} {t_ours:10.3f} {fmt(t_theirs, None):>12} {ratio:>8}", flush=True)
        totals["ours"] += t_ours
        if t_theirs is not None:
            totals["theirs"] += t_theirs
            totals["ours_matched"] += t_ours
        for rule in file_rules:
            totals["ours"] += ours[rule]
            if args.no_pabutools:
                shown, ratio, with_parse = "-", "", ""
            else:
                assert t_theirs is not None
                took = theirs[rule]
                if took is not None:
                    totals["theirs"] += took
                    totals["ours_matched"] += ours[rule]
                shown = fmt(took, args.limit)
                bound = ">" if took is None else ""
                took = args.limit if took is None else took
                ratio = f"{bound}{took / ours[rule]:.0f}x"
                with_parse = f"{bound}{(t_theirs + took) / (t_ours + ours[rule]):.0f}x"
            print(f"{'':48} {rule:16} {ours[rule]:10.3f} {shown:>12} {ratio:>8} {with_parse:>10}", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pbcount total: {totals['ours']:.2f} s; peak memory of this process {peak:.0f} MB")
    if totals["ours_matched"]:
        overall = totals["theirs"] / totals["ours_matched"]
        print(
            f"where pabutools finished: pabutools {totals['theirs']:.1f} s, pbcount {totals['ours_matched']:.2f} s, "
            f"ratio {overall:.0f}x (parse included)"
        )


if __name__ == "__main__":
    main()
