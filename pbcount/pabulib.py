"""Read and write pabulib `.pb` files (https://pabulib.org/format): META, PROJECTS and VOTES sections.

Malformed input raises `PabulibError` naming the line; no vote is ever dropped silently. Parsing is fast
because the VOTES section (the bulk of a file) is split without the csv module when it has no quotes, each
distinct vote string is parsed and validated once (ballots are interned), points are plain integers and only
costs and the budget become `Fraction`s.
"""

from __future__ import annotations

import csv
import gc
import io
import itertools
import math
import operator
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from pbcount.election import Ballot, Election, Profile, Project, Voters, format_number

_SECTIONS = ("meta", "projects", "votes")
_VOTE_TYPES = {
    "approval": "approval",
    "choose-1": "approval",
    "cumulative": "cumulative",
    "ordinal": "ordinal",
    "scoring": "scoring",
}


class PabulibError(ValueError):
    """A malformed `.pb` file; `line` is the 1-based line number (None when it concerns the whole file)."""

    def __init__(self, message: str, line: int | None = None, source: str | None = None) -> None:
        self.message = message
        self.line = line
        self.source = source
        where = ", ".join(x for x in (source, f"line {line}" if line else None) if x)
        super().__init__(f"{where}: {message}" if where else message)


def _number(text: str, what: str, line: int | None) -> Fraction:
    value = text.strip().replace(",", ".")
    try:
        return Fraction(value)
    except (ValueError, ZeroDivisionError):
        raise PabulibError(f"{what} {text!r} is not a number", line) from None


class _Limits:
    """The META ballot constraints, checked once per distinct ballot."""

    def __init__(self, meta: Mapping[str, str], line: int) -> None:
        def get(key: str, upper: bool) -> int | None:
            # Lengths and points are whole numbers, so integer bounds compare exactly and much faster.
            value = meta.get(key, "").strip()
            if not value or value.lower() == "none":
                return None
            bound = _number(value, f"META {key}", line)
            return math.floor(bound) if upper else math.ceil(bound)

        self.max_length = get("max_length", upper=True)
        self.max_sum_points = get("max_sum_points", upper=True)
        self.max_points = get("max_points", upper=True)
        self.min_points = get("min_points", upper=False)

    def check(self, vote_type: str, ballot: Ballot) -> str | None:
        """The first violated constraint, as a message, or None."""
        if self.max_length is not None and len(ballot) > self.max_length:
            return f"vote lists {len(ballot)} projects, more than max_length {self.max_length}"
        if vote_type not in ("cumulative", "scoring"):
            return None
        for _, pts in ballot:
            if vote_type == "cumulative" and pts < 0:
                return f"negative points {pts} in a cumulative vote"
            if self.max_points is not None and pts > self.max_points:
                return f"{pts} points on one project, more than max_points {self.max_points}"
            if self.min_points is not None and pts < self.min_points:
                return f"{pts} points on one project, fewer than min_points {self.min_points}"
        total = sum(pts for _, pts in ballot)
        if self.max_sum_points is not None and total > self.max_sum_points:
            return f"{total} points in total, more than max_sum_points {self.max_sum_points}"
        return None


def _column(header: list[str], name: str, section: str, line: int) -> int:
    try:
        return header.index(name)
    except ValueError:
        raise PabulibError(f"{section} header has no {name!r} column", line) from None


def _blank(row: Sequence[str]) -> bool:
    return not row or (len(row) == 1 and not row[0].strip())


def _section(row: list[str]) -> str | None:
    """The section a row opens ("meta", "projects", "votes"), tolerating trailing empty cells."""
    first = row[0].strip().lower() if row else ""
    if first in _SECTIONS and not any(cell.strip() for cell in row[1:]):
        return first
    return None


def parse(text: str, source: str | None = None) -> Election:
    """Parse the text of a `.pb` file. `source` (a file name) is only used in error messages."""
    # Parsing makes ~10^5 acyclic objects that the cycle collector would rescan again and again (a third of
    # the time on Warszawa 2026); reference counting still frees everything, so pause it meanwhile.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse(text)
    except PabulibError as err:
        raise PabulibError(err.message, err.line, source) from None
    finally:
        if enabled:
            gc.enable()


def _parse(text: str) -> Election:
    lines = text.splitlines()
    reader = csv.reader(iter(lines), delimiter=";")
    meta: dict[str, str] = {}
    meta_lines: dict[str, int] = {}
    projects: list[Project] = []
    index: dict[str, int] = {}
    sections: list[str] = []
    header: list[str] = []
    vote_type = ""
    id_col = cost_col = name_col = 0
    extra_cols: list[tuple[int, str]] = []
    for row in reader:
        line = reader.line_num
        if _blank(row):
            continue
        section = _section(row)
        if section:
            expected = _SECTIONS[len(sections)] if len(sections) < 3 else "end of file"
            if section != expected:
                raise PabulibError(f"section {row[0].strip()} out of order (expected {expected})", line)
            sections.append(section)
            header = [h.strip() for h in next(reader, [])]
            line = reader.line_num
            if not any(header):
                raise PabulibError(f"section {row[0].strip()} has no header line", line)
            if section == "projects":
                vote_type = _start_projects(meta, meta_lines, line)
                id_col = _column(header, "project_id", "PROJECTS", line)
                cost_col = _column(header, "cost", "PROJECTS", line)
                name_col = header.index("name") if "name" in header else -1
                extra_cols = [(i, h) for i, h in enumerate(header) if i not in (id_col, cost_col, name_col)]
            elif section == "votes":
                voters = _votes(lines[line:], line, header, vote_type, index, meta)
                break
            continue
        if not sections:
            raise PabulibError("file must start with a META section", line)
        if len(row) != len(header):
            raise PabulibError(f"{len(row)} fields, but the {sections[-1].upper()} header has {len(header)}", line)
        if sections[-1] == "meta":
            key = row[0].strip()
            if key in meta:
                raise PabulibError(f"META key {key!r} appears twice", line)
            meta[key] = row[1].strip()
            meta_lines[key] = line
        else:
            pid = row[id_col].strip()
            if not pid:
                raise PabulibError("empty project_id", line)
            if pid in index:
                raise PabulibError(f"duplicate project_id {pid!r}", line)
            cost = _number(row[cost_col], "cost", line)
            if cost < 0:
                raise PabulibError(f"negative cost {row[cost_col].strip()} for project {pid!r}", line)
            index[pid] = len(projects)
            name = row[name_col] if name_col >= 0 else ""
            projects.append(Project(pid, cost, name, {h: row[i] for i, h in extra_cols}))

    missing = [s.upper() for s in _SECTIONS if s not in sections]
    if missing:
        raise PabulibError(f"missing section {', '.join(missing)}")
    _check_counts(meta, len(projects), len(voters))
    return Election(meta, tuple(projects), voters, _number(meta["budget"], "budget", None), vote_type)


class _LazyRows(Sequence[list[str]]):
    """VOTES lines kept as strings and split on access: the count never reads a voter's other columns (age,
    sex, ...), and plain strings are invisible to the cycle collector, unlike 10^5 lists."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def __len__(self) -> int:
        return len(self.lines)

    def __getitem__(self, i: int) -> list[str]:  # type: ignore[override]
        return self.lines[i].split(";")


def _split_votes(lines: list[str], offset: int) -> tuple[list[list[str]], Sequence[int]]:
    """Rows of the VOTES section and the line number of each; the csv module only if some field is quoted."""
    if '"' not in "".join(lines):
        return [line.split(";") for line in lines], range(offset + 1, offset + 1 + len(lines))
    reader = csv.reader(iter(lines), delimiter=";")
    rows, numbers = [], []
    for row in reader:
        rows.append(row)
        numbers.append(offset + reader.line_num)
    return rows, numbers


def _fields_fast(lines: list[str], width: int) -> list[str] | None:
    """All VOTES fields in one flat list, for the common case: no quotes, no blank lines, every line with
    exactly `width` fields. Column c is then `fields[c::width]`, with no Python work per line.
    None when that is not the case (the careful path then names the bad line)."""
    block = "\n".join(lines)
    if '"' in block or set(map(str.count, lines, itertools.repeat(";"))) != {width - 1}:
        return None
    return block.replace("\n", ";").split(";")


def _votes(
    lines: list[str],
    offset: int,
    header: list[str],
    vote_type: str,
    index: Mapping[str, int],
    meta: Mapping[str, str],
) -> Voters:
    """The VOTES section, column-wise: each distinct vote is parsed once, voters are not objects yet."""
    id_col = _column(header, "voter_id", "VOTES", offset)
    vote_col = _column(header, "vote", "VOTES", offset)
    points_col = _column(header, "points", "VOTES", offset) if vote_type in ("cumulative", "scoring") else -1
    limits = _Limits(meta, offset)
    width = len(header)
    fields = _fields_fast(lines, width) if lines else None
    if fields is not None:
        line_of: Sequence[int] = range(offset + 1, offset + 1 + len(lines))
        full_rows: Sequence[Sequence[str]] = _LazyRows(lines)
        ids = fields[id_col::width]
        votes = fields[vote_col::width]
        points = fields[points_col::width] if points_col >= 0 else []
    else:
        rows, line_of = _split_votes(lines, offset)
        if set(map(len, rows)) - {width}:
            keep = [k for k, r in enumerate(rows) if len(r) == width or not _blank(r)]
            for k in keep:
                if len(rows[k]) != width:
                    raise PabulibError(f"{len(rows[k])} fields, but the VOTES header has {width}", line_of[k])
            rows = [rows[k] for k in keep]
            line_of = [line_of[k] for k in keep]
        full_rows = rows
        ids = list(map(operator.itemgetter(id_col), rows))
        votes = list(map(operator.itemgetter(vote_col), rows))
        points = list(map(operator.itemgetter(points_col), rows)) if points_col >= 0 else []

    if any(c in "".join(ids) for c in " \t"):
        ids = [vid.strip() for vid in ids]
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        for k, vid in enumerate(ids):
            if vid in seen:
                raise PabulibError(f"duplicate voter_id {vid!r}", line_of[k])
            seen.add(vid)

    keys: list[Any] = votes if points_col < 0 else list(zip(votes, points, strict=True))
    pairs = [(i, 1) for i in range(len(index))]
    key_counts = Counter(keys)  # distinct vote strings in first-seen order, with multiplicities
    distinct = list(key_counts)
    fast = _approval_fast(distinct, index, pairs, limits.max_length) if vote_type == "approval" else None
    interned = fast[0] if fast is not None else {}
    for key in distinct if fast is None else ():
        vote, points = (key, "") if isinstance(key, str) else key
        try:
            ballot = _ballot(vote, points, vote_type, index, pairs)
            problem = limits.check(vote_type, ballot)
        except _BallotError as err:
            problem = str(err)
        if problem:
            raise PabulibError(problem, line_of[keys.index(key)])
        interned[key] = ballot
    ballots = list(map(interned.__getitem__, keys))
    profile = _profile(distinct, list(key_counts.values()), interned, len(index), fast)
    extra = [i for i in range(width) if i not in (id_col, vote_col, points_col)]
    return Voters(ids, ballots, [header[i] for i in extra], full_rows, extra, profile)


def _profile(
    distinct: list[Any],
    counts: list[int],
    interned: Mapping[Any, Ballot],
    num_projects: int,
    fast: tuple[Any, np.ndarray, np.ndarray] | None,
) -> Profile:
    """The merged profile from the distinct vote strings (different strings can give one ballot: "1,2", "2,1")."""
    rows: dict[Ballot, int] = {}
    string_row = np.fromiter(
        (rows.setdefault(interned[key], len(rows)) for key in distinct), dtype=np.int64, count=len(distinct)
    )
    weights = np.zeros(len(rows), dtype=np.int64)
    np.add.at(weights, string_row, counts)
    flat = None
    if fast is not None:
        _, ordered, segment = fast
        first = np.zeros(len(distinct), dtype=bool)
        first[np.unique(string_row, return_index=True)[1]] = True
        keep = first[segment]
        flat = (string_row[segment[keep]], ordered[keep], np.ones(int(keep.sum()), dtype=np.int64))
    return Profile(tuple(rows), tuple(weights.tolist()), num_projects, flat)


def _approval_fast(
    votes: list[str], index: Mapping[str, int], pairs: list[tuple[int, int]], max_length: int | None
) -> tuple[dict[Any, Ballot], np.ndarray, np.ndarray] | None:
    """Approval ballots for all distinct votes at once (NumPy sorts and checks every vote in one go).

    Returns the ballots by vote string plus the flattened project indices (sorted within each vote) and the
    vote each belongs to; or None if some vote is not plainly well formed, and the careful path then finds
    it and names the line.
    """
    if not votes:
        return {}, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    try:
        flat = np.fromiter(map(index.__getitem__, ",".join(votes).split(",")), dtype=np.int64)
    except KeyError:
        return None
    lengths = np.fromiter(map(str.count, votes, itertools.repeat(",")), dtype=np.int64, count=len(votes)) + 1
    if max_length is not None and lengths.max() > max_length:
        return None
    segment = np.repeat(np.arange(len(votes), dtype=np.int64), lengths)
    width = len(pairs) + 1
    ordered = np.sort(segment * width + flat) % width  # sorts within each vote, votes stay in order
    if np.any((ordered[1:] == ordered[:-1]) & (segment[1:] == segment[:-1])):
        return None  # a project named twice in one vote
    entries = list(map(pairs.__getitem__, ordered.tolist()))
    ends = np.cumsum(lengths).tolist()
    starts = [0, *ends[:-1]]
    ballots = {vote: tuple(entries[a:b]) for vote, a, b in zip(votes, starts, ends, strict=True)}
    return ballots, ordered, segment


class _BallotError(Exception):
    """A vote string that cannot be a ballot; the caller adds the line."""


def _ballot(vote: str, points: str, vote_type: str, index: Mapping[str, int], pairs: list[tuple[int, int]]) -> Ballot:
    ids = vote.split(",") if vote.strip() else []
    try:
        idxs = list(map(index.__getitem__, ids))
    except KeyError:
        ids = [pid.strip() for pid in ids]
        unknown = [pid for pid in ids if pid not in index]
        if unknown:
            raise _BallotError(f"vote names unknown project {unknown[0]!r}") from None
        idxs = [index[pid] for pid in ids]
    if len(set(idxs)) != len(idxs):
        raise _BallotError(f"vote names a project twice: {vote!r}")
    if vote_type == "approval":
        idxs.sort()
        return tuple(map(pairs.__getitem__, idxs))
    if vote_type == "ordinal":
        return tuple(zip(idxs, range(len(idxs)), strict=True))
    try:
        pts = [int(x) for x in points.split(",")] if points.strip() else []
    except ValueError:
        raise _BallotError(f"points {points!r} must be whole numbers separated by commas") from None
    if len(pts) != len(idxs):
        raise _BallotError(f"vote lists {len(idxs)} projects but points has {len(pts)} numbers")
    return tuple(sorted(zip(idxs, pts, strict=True)))


def _start_projects(meta: Mapping[str, str], meta_lines: Mapping[str, int], line: int) -> str:
    """Check the META a PROJECTS section needs; errors name the META line (or PROJECTS' if the key is missing)."""
    for key in ("budget", "vote_type"):
        if key not in meta:
            raise PabulibError(f"META has no {key!r}", line)
    budget = _number(meta["budget"], "META budget", meta_lines["budget"])
    if budget < 0:
        raise PabulibError(f"negative budget {meta['budget']}", meta_lines["budget"])
    vote_type = _VOTE_TYPES.get(meta["vote_type"].lower())
    if vote_type is None:
        raise PabulibError(
            f"unknown vote_type {meta['vote_type']!r} (expected one of {', '.join(_VOTE_TYPES)})",
            meta_lines["vote_type"],
        )
    return vote_type


def _check_counts(meta: Mapping[str, str], num_projects: int, num_voters: int) -> None:
    """A count in META that disagrees with the sections means a truncated or edited file."""
    for key, actual, what in (("num_projects", num_projects, "projects"), ("num_votes", num_voters, "votes")):
        stated = meta.get(key, "").strip()
        if stated and stated.isdigit() and int(stated) != actual:
            raise PabulibError(f"META {key} is {stated} but the file has {actual} {what}")


def read(path: str | os.PathLike[str]) -> Election:
    """Read a `.pb` file (UTF-8, a byte-order mark is allowed)."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")  # faster than the utf-8-sig codec
    except UnicodeDecodeError as err:
        raise PabulibError(f"not UTF-8 text (byte {err.start})", None, os.path.basename(path)) from None
    return parse(text, source=os.path.basename(path))


def dumps(election: Election) -> str:
    """The election as `.pb` text; `parse(dumps(e)) == e`."""
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\n")
    meta = dict(election.meta)
    meta["budget"] = format_number(election.budget)
    if _VOTE_TYPES.get(meta.get("vote_type", "").lower()) != election.vote_type:
        meta["vote_type"] = election.vote_type
    w.writerow(["META"])
    w.writerow(["key", "value"])
    w.writerows(meta.items())

    extra = list(dict.fromkeys(k for p in election.projects for k in p.extra))
    w.writerow(["PROJECTS"])
    w.writerow(["project_id", "cost", "name", *extra])
    for p in election.projects:
        w.writerow([p.id, format_number(p.cost), p.name, *(p.extra.get(k, "") for k in extra)])

    with_points = election.vote_type in ("cumulative", "scoring")
    extra = list(dict.fromkeys(k for v in election.voters for k in v.extra))
    w.writerow(["VOTES"])
    w.writerow(["voter_id", "vote", *(["points"] if with_points else []), *extra])
    ids = [p.id for p in election.projects]
    for v in election.voters:
        vote = [",".join(ids[idx] for idx, _ in v.ballot)]
        if with_points:
            vote.append(",".join(str(pts) for _, pts in v.ballot))
        w.writerow([v.id, *vote, *(v.extra.get(k, "") for k in extra)])
    return out.getvalue()


def write(election: Election, path: str | os.PathLike[str]) -> None:
    """Write the election as a `.pb` file (UTF-8)."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(dumps(election))
