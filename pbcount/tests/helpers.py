"""Plain `make_*` helpers for building small elections in tests."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from pbcount.election import Election, Project, Voter


def make_election(
    costs: dict[str, int | str | Fraction],
    ballots: Sequence[Sequence[str] | dict[str, int]],
    budget: int | str | Fraction,
    vote_type: str = "approval",
    meta: dict[str, str] | None = None,
) -> Election:
    """Projects in the order given; each ballot lists project ids (approval, ordinal best first) or maps
    ids to points (cumulative, scoring)."""
    ids = list(costs)
    projects = tuple(Project(pid, Fraction(cost)) for pid, cost in costs.items())
    voters = []
    for n, ballot in enumerate(ballots):
        if isinstance(ballot, dict):
            entries = tuple(sorted((ids.index(pid), pts) for pid, pts in ballot.items()))
        elif vote_type == "ordinal":
            entries = tuple((ids.index(pid), pos) for pos, pid in enumerate(ballot))
        else:
            entries = tuple(sorted((ids.index(pid), 1) for pid in ballot))
        voters.append(Voter(str(n + 1), entries))
    return Election(dict(meta or {}), projects, tuple(voters), Fraction(budget), vote_type)
