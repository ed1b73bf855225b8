"""`pbcount FILE.pb --rule ...`: count a pabulib election and explain the outcome.

Exit status 0 on success, 2 on bad arguments or a malformed file (one line on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from fractions import Fraction

from pbcount import pabulib
from pbcount.election import Election, Outcome, ProjectResult, Reason, format_number
from pbcount.rules import COMPLETIONS, RULES, count
from pbcount.tiebreak import TIE_BREAKS


def _parser() -> argparse.ArgumentParser:
    rules = ", ".join([*RULES, "city"])
    p = argparse.ArgumentParser(
        prog="pbcount",
        description=f"Count a participatory-budgeting election from a pabulib .pb file. Rules: {rules}.",
        epilog="'city' runs the rule recorded in the file's META 'rule' (greedy, greedy-threshold, ...). "
        "With --json, money is printed as exact decimal strings (or 'p/q' if the value has no finite decimal).",
    )
    p.add_argument("file", help="pabulib .pb file")
    p.add_argument("--rule", default="greedy", choices=[*RULES, "city"], help="counting rule (default: greedy)")
    p.add_argument("--completion", choices=COMPLETIONS, help="MES completion method")
    p.add_argument("--sat", choices=("cost", "cardinality"), help="satisfaction measure (greedy, mes, max-welfare)")
    p.add_argument("--threshold", type=Fraction, help="minimum score for greedy rules (default: META)")
    p.add_argument("--tie-break", default="pabutools", choices=TIE_BREAKS, help="tie-breaking rule")
    p.add_argument("--seed", help="published seed for --tie-break published")
    p.add_argument("--json", action="store_true", help="print the outcome as JSON")
    return p


def _money(x: Fraction | None) -> str:
    return "-" if x is None else format_number(x)


def _why(r: ProjectResult) -> str:
    """Plain English for the command line; the platform translates the same codes itself."""
    when = f" in round {r.round}" if r.round is not None else ""
    match r.reason:
        case Reason.SELECTED:
            return f"selected{when}" + (" (completion)" if r.stage == "completion" else "")
        case Reason.DID_NOT_FIT:
            return f"did not fit{when}: {_money(r.available)} left of {_money(r.needed)} needed"
        case Reason.GROUP_FULL:
            return f"its category was full{when}: {_money(r.available)} left of {_money(r.needed)} needed"
        case Reason.BELOW_THRESHOLD:
            return f"below the threshold: score {_money(r.score)} < {_money(r.threshold)}"
        case Reason.NOT_REACHED:
            return "not reached: the rule stopped earlier"
        case Reason.NO_SUPPORT:
            return "no support"
        case Reason.INSUFFICIENT_SUPPORT:
            share = "" if r.effective_support is None else f", effective support {float(r.effective_support):.1%}"
            return f"supporters had {_money(r.available)} of {_money(r.needed)} needed{when}{share}"
        case Reason.NOT_OPTIMAL:
            return "not in the welfare-maximising set"
    return str(r.reason)


def _report(election: Election, outcome: Outcome) -> str:
    params = ", ".join(f"{k}={v}" for k, v in outcome.params.items())
    lines = [
        f"{election.meta.get('description', '')} ({election.vote_type}, {len(election.projects)} projects, "
        f"{election.num_voters} voters)",
        f"rule: {outcome.rule} ({params})",
        f"winners ({len(outcome.winners)}): {', '.join(outcome.winners)}",
        f"spent: {_money(outcome.spent)} of {_money(outcome.budget)}",
        f"voters with at least one winner: {outcome.voters_with_winner} of {election.num_voters}",
        "",
        f"{'project':<16} {'cost':>14} {'votes':>8} {'score':>12}  outcome",
    ]
    for r in outcome.projects:
        score = format_number(r.score) if r.score.denominator == 1 else f"{float(r.score):.6g}"
        lines.append(f"{r.id:<16} {_money(r.cost):>14} {r.votes:>8} {score:>12}  {_why(r)}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        election = pabulib.read(args.file)
        outcome = count(
            election,
            args.rule,
            completion=args.completion,
            sat=args.sat,
            tie_break=args.tie_break,
            seed=args.seed,
            threshold=args.threshold,
        )
    except (OSError, UnicodeDecodeError) as err:
        print(f"pbcount: cannot read {args.file}: {err}", file=sys.stderr)
        return 2
    except (pabulib.PabulibError, ValueError, ImportError) as err:
        print(f"pbcount: {err}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(outcome.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(_report(election, outcome))
    return 0


if __name__ == "__main__":
    sys.exit(main())
