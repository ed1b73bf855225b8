"""The one bridge between the platform and `pbcount`: ballots in, a pbcount Election out; an Outcome back in.

Ballots reach this module without names: a list of (proposal id, value) pairs per ballot. They are sorted into
a canonical order and given pseudo-random voter ids before anything is written, so neither the counted file nor
the public download keeps the order (and so the time) in which people voted, and the same ballots always give the
same `.pb` text, the same input hash and the same result.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from pbcount import pabulib
from pbcount.election import Election, Project, Voter
from pbcount.rules import count

# How each ballot type is read by the core (a knapsack or single-choice ballot approves what it names).
VOTE_TYPES = {
    "knapsack": "approval",
    "single": "approval",
    "approval": "approval",
    "cumulative": "cumulative",
    "ranked": "ordinal",
}
# The platform's rules and the core's names and parameters for them (MES is completed with add1, as Wieliczka).
RULES = {
    "greedy": ("greedy", {}),
    "mes": ("mes", {"completion": "add1"}),
    "phragmen": ("phragmen", {}),
}
# META `rule` of a pabulib file -> the platform's rule, for imports that must reproduce the city's own count.
CITY_RULES = {"greedy": "greedy", "equalshares/add1": "mes"}
# Pabulib vote types -> the ballot type an imported edition shows.
BALLOT_TYPES = {"approval": "approval", "cumulative": "cumulative", "ordinal": "ranked"}
# The platform always breaks ties with the published rule: lower cost, more votes, then the seeded lottery.
TIE_BREAK = "published"


@dataclass(frozen=True)
class TallyProject:
    id: str
    cost: int | Fraction
    name: str = ""


@dataclass(frozen=True)
class Counted:
    """What one run gives back, ready to store in a CountRun."""

    rule: str
    parameters: dict
    seed: str
    input_hash: str
    input_pb: str
    outcome: dict
    duration_ms: int


def voter_id(seed: str, position: int) -> str:
    """A stable pseudo-random id for the ballot at `position` of the canonical order; links to no person."""
    return hashlib.sha256(f"{seed}:ballot:{position}".encode()).hexdigest()[:12]


def build_election(
    *,
    projects: Sequence[TallyProject],
    ballots: Iterable[Sequence[tuple[str, int]]],
    budget: int | Fraction,
    ballot_type: str,
    meta: dict[str, str],
    seed: str = "",
    selected: Iterable[str] = (),
) -> Election:
    """The core's Election for one budget. Ranked ballots list (id, rank) with rank 1 = best.

    `selected`, when given (an import, or a published count), fills the pabulib `selected` column.
    """
    vote_type = VOTE_TYPES[ballot_type]
    chosen = set(selected)
    with_selected = bool(chosen)
    core_projects = tuple(
        Project(
            id=p.id,
            cost=Fraction(p.cost),
            name=p.name,
            extra={"selected": "1" if p.id in chosen else "0"} if with_selected else {},
        )
        for p in projects
    )
    index = {p.id: i for i, p in enumerate(core_projects)}
    canonical = []
    for ballot in ballots:
        pairs = [(index[pid], value) for pid, value in ballot if pid in index]
        if vote_type == "ordinal":
            pairs = [(i, pos) for pos, (i, _) in enumerate(sorted(pairs, key=lambda pair: pair[1]))]
        elif vote_type == "approval":
            pairs = sorted((i, 1) for i, _ in pairs)
        else:
            pairs = sorted(pairs)
        if pairs:
            canonical.append(tuple(pairs))
    canonical.sort()
    voters = tuple(Voter(id=voter_id(seed, n), ballot=b) for n, b in enumerate(canonical))
    full_meta = {
        **meta,
        "num_projects": str(len(core_projects)),
        "num_votes": str(len(voters)),
        "vote_type": vote_type,
    }
    return Election(meta=full_meta, projects=core_projects, voters=voters, budget=Fraction(budget), vote_type=vote_type)


def input_hash(election: Election) -> str:
    return hashlib.sha256(pabulib.dumps(election).encode()).hexdigest()


def published_pb(input_pb: str, *, winners: Sequence[str], meta: dict[str, str]) -> str:
    """The public download: the counted file with the `selected` column and META naming the rule and edition."""
    election = pabulib.parse(input_pb)
    chosen = set(winners)
    projects = tuple(
        Project(id=p.id, cost=p.cost, name=p.name, extra={**p.extra, "selected": "1" if p.id in chosen else "0"})
        for p in election.projects
    )
    return pabulib.dumps(
        Election(
            meta={**election.meta, **meta},
            projects=projects,
            voters=election.voters,
            budget=election.budget,
            vote_type=election.vote_type,
        )
    )


def run_rule(election: Election, *, rule: str, seed: str, tie_break: str = TIE_BREAK) -> Counted:
    """Count with one of the platform's rules and the published tie-break; pure, so twice gives the same.

    An imported city's election is counted with pabutools' tie-break, which is what its official count used.
    """
    core_rule, params = RULES[rule]
    started = time.perf_counter()
    outcome = count(election, core_rule, tie_break=tie_break, seed=seed or None, **params)
    duration_ms = round((time.perf_counter() - started) * 1000)
    text = pabulib.dumps(election)
    return Counted(
        rule=rule,
        parameters={"core_rule": core_rule, "tie_break": tie_break, **params},
        seed=seed,
        input_hash=hashlib.sha256(text.encode()).hexdigest(),
        input_pb=text,
        outcome={
            **outcome.to_dict(),
            "names": {p.id: p.name for p in election.projects},
            "voters": election.num_voters,
        },
        duration_ms=duration_ms,
    )
