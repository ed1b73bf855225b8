"""Tie-breaking: a strict order of all projects, given explicitly to every rule.

A rule that finds several projects equally good picks the one that comes first in this order, so the
outcome never depends on dict or set order.

- `pabutools`: project ids compared as strings ("10" < "9"), as pabutools' default `lexico_tie_breaking`
  (it sorts by `Project.name`, which holds the pabulib `project_id`).
- `published`: the platform's published rule: lower cost first, then more votes (ballots naming the project),
  then a lottery drawn from a published seed: projects in increasing order of
  `sha256(f"{seed}:{project_id}".encode("utf-8")).hexdigest()`. Anyone can reproduce it with the seed, e.g.
  `python -c 'import hashlib; print(hashlib.sha256(b"2026-seed:P12").hexdigest())'`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from pbcount.election import Election, votes_per_project

TIE_BREAKS = ("pabutools", "published")


def lottery_key(seed: str, project_id: str) -> str:
    """The published lottery's key for one project: lower keys win ties."""
    return hashlib.sha256(f"{seed}:{project_id}".encode()).hexdigest()


@dataclass(frozen=True)
class TieBreak:
    """A named tie-breaking rule; `ranks(election)` gives each project's place (0 = preferred)."""

    name: str = "pabutools"
    seed: str | None = None

    def __post_init__(self) -> None:
        if self.name not in TIE_BREAKS:
            raise ValueError(f"tie-break must be one of {', '.join(TIE_BREAKS)}, not {self.name!r}")
        if self.name == "published" and self.seed is None:
            raise ValueError("the published tie-break needs a seed")

    def ranks(self, election: Election) -> tuple[int, ...]:
        """Rank of each project (by index) in the tie-breaking order: a permutation of 0..n-1."""
        projects = election.projects
        if self.name == "pabutools":
            keys: list[tuple[object, ...]] = [(p.id,) for p in projects]
        else:
            assert self.seed is not None
            votes = votes_per_project(election)
            keys = [(p.cost, -votes[i], lottery_key(self.seed, p.id), p.id) for i, p in enumerate(projects)]
        order = sorted(range(len(projects)), key=keys.__getitem__)
        ranks = [0] * len(projects)
        for rank, idx in enumerate(order):
            ranks[idx] = rank
        return tuple(ranks)

    def describe(self) -> str:
        return self.name if self.seed is None else f"{self.name} (seed {self.seed})"


PABUTOOLS = TieBreak()
