"""Read and write pabulib `.pb` files (https://pabulib.org/format): META, PROJECTS and VOTES sections.

Malformed input raises `PabulibError` naming the line; no vote is ever dropped silently. Parsing is fast
because the per-line work is done by C: the csv module reads only META and PROJECTS; the VOTES section (the
bulk of a file) is read as bytes, and NumPy checks its shape, finds the bytes of every voter id and vote, and
tells them apart by hashes of those bytes (votes then compared byte for byte), so no string is made per voter.
Only the distinct votes' bytes are kept; they are parsed all at once in NumPy (project ids as 64-bit words,
points by `np.fromstring`), merged into the profile by a checked hash, and ballot tuples are made only when
read. Anything unusual (quotes in the columns read, odd lines, a bad vote) takes the careful csv path, which
names the line; points are plain integers and only costs and the budget become `Fraction`s.
"""

from __future__ import annotations

import csv
import gc
import io
import itertools
import math
import operator
import os
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np

from pbcount.election import Ballot, Ballots, Election, Profile, Project, Voters, format_number

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
    if value.isascii() and value.isdigit():  # most costs: a few times faster than Fraction's parse of the text
        return Fraction(int(value))
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
    return _parse_bytes(text.encode("utf-8", "surrogatepass"), source)


def _parse_bytes(data: bytes, source: str | None) -> Election:
    # Parsing makes ~10^5 acyclic objects that the cycle collector would rescan again and again (a third of
    # the time on Warszawa 2026); reference counting still frees everything, so pause it meanwhile.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse(data)
    except PabulibError as err:
        raise PabulibError(err.message, err.line, source) from None
    finally:
        if enabled:
            gc.enable()


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogatepass")


def _lines(text: str) -> list[str]:
    """The lines of `text`, broken where the csv module breaks them: at "\n", "\r\n" and "\r" only
    (`str.splitlines()` also breaks at form feeds and Unicode line separators, which a field may hold)."""
    lines = (text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text).split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


# The VOTES line and the header line after it: the fast path reads the lines before them with the csv module
# and the VOTES section, the bulk of a file, as bytes.
_VOTES_HEADER = re.compile(rb"^[ \t]*votes[ \t;]*\r?\n[^\n]*\n", re.IGNORECASE | re.MULTILINE)


def _parse(data: bytes) -> Election:
    """The fast path when the file has a plain VOTES line; any surprise or error there (a quoted field that spans
    lines, a malformed line) reads the whole file again the careful way, which gives the error message."""
    found = _VOTES_HEADER.search(data)
    if found:
        try:
            election = _read(_lines(_decode(data[: found.end()])), data[found.end() :])
        except (PabulibError, csv.Error):
            election = None
        if election is not None:
            return election
    lines = _lines(_decode(data))
    try:
        election = _read(lines, None)
    except csv.Error as err:  # a quoted field that runs on past the csv module's field size limit
        odd = next((k + 1 for k, line in enumerate(lines) if line.count('"') % 2), None)
        raise PabulibError(f"a quoted field does not end ({err})", odd) from None
    assert election is not None
    return election


def _read(lines: list[str], block: bytes | None) -> Election | None:
    """The sections in `lines`; with `block`, `lines` end with the VOTES header and `block` is the VOTES section
    (None when the csv module does not end `lines` with that header)."""
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
                if block is not None and line != len(lines):
                    return None
                voters = _votes(lines[line:] if block is None else block, line, header, vote_type, index, meta)
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
        if block is not None:
            return None
        raise PabulibError(f"missing section {', '.join(missing)}")
    _check_counts(meta, len(projects), len(voters))
    return Election(meta, tuple(projects), voters, _number(meta["budget"], "budget", None), vote_type)


class _LazyRows(Sequence[list[str]]):
    """VOTES lines kept as one bytes block, decoded and split on access: the count never reads a voter's other
    columns (age, sex, ...)."""

    def __init__(self, block: bytes, length: int) -> None:
        self.block = block
        self.length = length

    @cached_property
    def lines(self) -> list[str]:
        return _lines(_decode(self.block))

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, i: int) -> list[str]:  # type: ignore[override]
        line = self.lines[i]
        return next(csv.reader([line], delimiter=";")) if '"' in line else line.split(";")


class _Spans(Sequence[str]):
    """One field of every VOTES line, kept as spans of the section's bytes and decoded on first access: the
    count never reads the voter ids."""

    def __init__(self, block: bytes, starts: np.ndarray, ends: np.ndarray) -> None:
        self.block = block
        self.starts = starts
        self.ends = ends

    @cached_property
    def texts(self) -> list[str]:
        return _span_texts(self.block, self.starts, self.ends)

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        return self.texts[i]


class _VoteColumns(NamedTuple):
    """What the count needs of the VOTES section: the voter ids, each distinct vote (with its points) once, and
    which one each voter cast."""

    ids: Sequence[str]
    ids_checked: bool  # no two alike and none with blanks around it, as the fast path can tell without texts
    votes: bytes  # each distinct vote, UTF-8, followed by "\n"
    vote_texts: list[str] | None  # the same as strings, or None: `votes` split at its line breaks
    points: list[str] | None
    counts: list[int]
    voter_vote: np.ndarray  # index in `votes` of each voter's vote
    rows: Sequence[list[str]]  # every line's fields, for the other columns
    line_of: Sequence[int]  # each voter's line number


def _votes(
    section: list[str] | bytes,
    offset: int,
    header: list[str],
    vote_type: str,
    index: Mapping[str, int],
    meta: Mapping[str, str],
) -> Voters:
    """The VOTES section (its lines, or its bytes for the fast path), column-wise: each distinct vote is parsed
    once, voters are not objects, and their ballots are made only if someone reads them."""
    id_col = _column(header, "voter_id", "VOTES", offset)
    vote_col = _column(header, "vote", "VOTES", offset)
    points_col = _column(header, "points", "VOTES", offset) if vote_type in ("cumulative", "scoring") else -1
    limits = _Limits(meta, offset)
    width = len(header)
    columns = (id_col, vote_col, points_col)
    found = _plain_votes(section, offset, width, *columns) if isinstance(section, bytes) else None
    if found is None:
        lines = _lines(_decode(section)) if isinstance(section, bytes) else section
        found = _careful_votes(lines, offset, width, *columns)
    ids = found.ids
    if not found.ids_checked and len(set(ids)) != len(ids):
        seen: set[str] = set()
        for k, vid in enumerate(ids):
            if vid in seen:
                raise PabulibError(f"duplicate voter_id {vid!r}", found.line_of[k])
            seen.add(vid)

    points = found.points
    entries = _entries(found.votes, len(found.counts), points, vote_type, index, limits) if found.counts else None
    if entries is None:
        votes = _decode(found.votes).split("\n")[:-1] if found.vote_texts is None else found.vote_texts

        def first_line(d: int) -> int:
            return found.line_of[int(np.argmax(found.voter_vote == d))]

        entries = _careful_entries(votes, points, first_line, vote_type, index, limits)
    profile, string_row = _profile(*entries, found.counts, len(index))
    voter_row = string_row[found.voter_vote]

    def ballots() -> Sequence[Ballot]:
        return list(map(profile.ballots.__getitem__, voter_row.tolist()))

    extra = [i for i in range(width) if i not in columns]
    return Voters(ids, Ballots(len(ids), ballots), [header[i] for i in extra], found.rows, extra, profile)


def _careful_votes(
    lines: list[str], offset: int, width: int, id_col: int, vote_col: int, points_col: int
) -> _VoteColumns:
    """The VOTES columns of `lines` (each checked for its number of fields; quoted fields allowed), naming the
    line of a malformed one."""
    rows, line_of = _split_votes(lines, offset)
    if set(map(len, rows)) - {width}:
        keep = [k for k, r in enumerate(rows) if len(r) == width or not _blank(r)]
        for k in keep:
            if len(rows[k]) != width:
                raise PabulibError(f"{len(rows[k])} fields, but the VOTES header has {width}", line_of[k])
        rows = [rows[k] for k in keep]
        line_of = [line_of[k] for k in keep]
    ids = list(map(operator.itemgetter(id_col), rows))
    if any(c in "".join(ids) for c in " \t"):
        ids = [vid.strip() for vid in ids]
    keys: list[Any] = list(map(operator.itemgetter(vote_col), rows))
    if points_col >= 0:
        keys = list(zip(keys, map(operator.itemgetter(points_col), rows), strict=True))
    counts = Counter(keys)  # distinct votes in first-seen order, with multiplicities
    position = {key: d for d, key in enumerate(counts)}
    voter_vote = np.fromiter(map(position.__getitem__, keys), dtype=np.int64, count=len(keys))
    votes: list[str] = list(counts)
    points = None
    if points_col >= 0:
        votes, points = [vote for vote, _ in counts], [pts for _, pts in counts]
    joined = "".join(vote + "\n" for vote in votes).encode("utf-8", "surrogatepass")  # (a quoted vote may hold "\n")
    return _VoteColumns(ids, False, joined, votes, points, list(counts.values()), voter_vote, rows, line_of)


def _plain_votes(
    block: bytes, offset: int, width: int, id_col: int, vote_col: int, points_col: int
) -> _VoteColumns | None:
    """The VOTES columns of a plain section, or None unless it is plain: quotes only around whole fields the count
    does not read and no line break in them, no blank lines but at the end, no "\\r" but before "\\n", `width`
    fields on every line. No string is made per voter: NumPy finds every field's bytes at once, voter ids and
    votes are compared by 64-bit hashes of their bytes (votes then checked byte for byte), and only the distinct
    votes are kept. A vote with its points is one span of bytes, from the first of the two columns to the end of
    the other."""
    if not block.endswith(b"\n") or block.endswith((b"\n\n", b"\n\r\n")):  # (blank lines at the end hold no vote)
        block = block.rstrip(b"\r\n")
        block += b"\r\n" if b"\r" in block else b"\n"
    raw = np.frombuffer(block, dtype=np.uint8)
    separators = raw == ord(";")
    separators |= raw == ord("\n")  # (in place: one array fewer of the section's size)
    ends = np.flatnonzero(separators)  # where each field ends
    quotes = np.flatnonzero(raw == ord('"')) if b'"' in block else None
    if quotes is not None:  # a separator after an odd number of quotes is inside a quoted field
        quoted = np.searchsorted(quotes, ends) % 2 == 1
        if len(quotes) % 2 or np.any(raw[ends[quoted]] == ord("\n")):
            return None  # a quoted field that does not end, or spans lines: the csv module reads it
        ends = ends[~quoted]
    if len(ends) % width:
        return None
    num_lines = len(ends) // width
    ends = ends.reshape(num_lines, width)
    line_ends = ends[:, -1]
    pattern = np.full(width, ord(";"), dtype=np.uint8)
    pattern[-1] = ord("\n")
    if not np.all(raw[ends] == pattern):
        return None
    crlf = b"\r" in block
    if crlf and (np.count_nonzero(raw == ord("\r")) != num_lines or np.any(raw[line_ends - 1] != ord("\r"))):
        return None
    if quotes is not None and not _quoted_elsewhere(block, ends, quotes, crlf, (id_col, vote_col, points_col)):
        return None
    line_starts = np.concatenate(([0], line_ends[:-1] + 1))
    if crlf:
        ends[:, -1] -= 1

    def starts(col: int) -> np.ndarray:
        return ends[:, col - 1] + 1 if col else line_starts

    words = _words(block)

    id_starts, id_ends = starts(id_col), ends[:, id_col]
    ids: Sequence[str] = _Spans(block, id_starts, id_ends)
    edges = np.concatenate((raw[id_starts], raw[np.maximum(id_ends - 1, 0)]))
    blank = (b" " in block or b"\t" in block) and np.any((edges == ord(" ")) | (edges == ord("\t")))
    if blank:
        ids = [vid.strip() for vid in ids]
    id_lengths = id_ends - id_starts
    id_hashes = np.sort(_span_hashes(id_lengths, *_span_words(words, id_starts, id_lengths)))
    ids_checked = not blank and not np.any(id_hashes[1:] == id_hashes[:-1])

    first, last = min(vote_col, points_col if points_col >= 0 else vote_col), max(vote_col, points_col)
    key_starts = starts(first)
    lengths = ends[:, last] - key_starts
    order, columns = _span_words(words, key_starts, lengths)
    firsts, voter_vote = _groups(_span_hashes(lengths, order, columns))
    same = firsts[voter_vote]
    if not np.array_equal(lengths[same], lengths) or not _same_words(order, columns, same):
        return None  # two different votes with one hash: the careful path compares their texts
    votes = _joined(block, starts(vote_col)[firsts], ends[firsts, vote_col])
    points = _span_texts(block, starts(points_col)[firsts], ends[firsts, points_col]) if points_col >= 0 else None
    counts = np.bincount(voter_vote, minlength=len(firsts)).tolist()
    line_of = range(offset + 1, offset + 1 + num_lines)
    rows = _LazyRows(block, num_lines)
    return _VoteColumns(ids, ids_checked, votes, None, points, counts, voter_vote, rows, line_of)


def _quoted_elsewhere(block: bytes, ends: np.ndarray, quotes: np.ndarray, crlf: bool, read: tuple[int, ...]) -> bool:
    """Whether the quotes at `quotes` are all in fields the count does not read (`_LazyRows` reads those with the
    csv module), each such field quoted whole as the csv module writes it: `ends` are the (lines, fields) ends."""
    width = ends.shape[1]
    fields = np.unique(np.searchsorted(ends.ravel(), quotes))
    if np.any(np.isin(fields % width, read)):
        return False
    for field in fields.tolist():
        start = ends.flat[field - 1] + 1 if field else 0
        text = block[start : ends.flat[field] - (crlf and field % width == width - 1)]
        if len(text) < 2 or text[0] != ord('"') or text[-1] != ord('"') or b'"' in text[1:-1].replace(b'""', b""):
            return False
    return True


# The low k bytes of a 64-bit word, for k = 0..8.
_LOW_BYTES = np.array([(1 << 8 * k) - 1 for k in range(9)], dtype=np.uint64)


def _span_words(
    block_words: np.ndarray, starts: np.ndarray, lengths: np.ndarray
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Each span's bytes as 8-byte words: the spans ordered by their number of words, most first, and for
    j = 0, 1, ... the j-th word of each span that has one, in that order (those spans come first; bytes past a
    span's end are zero). `block_words[i]` is the section's 8 bytes from offset i, little-endian."""
    count = (lengths + 7) // 8
    order = np.argsort(-count.astype(np.int16) if count.max() < 2**15 else -count, kind="stable")  # (radix sort)
    starts, lengths, count = starts[order], lengths[order], count[order]
    reach = np.searchsorted(-count, -np.arange(count[0]), side="left")  # spans with a j-th word
    columns = [
        block_words[starts[:k] + 8 * j] & _LOW_BYTES[np.minimum(lengths[:k] - 8 * j, 8)]
        for j, k in enumerate(reach.tolist())
    ]
    return order, columns


def _span_hashes(lengths: np.ndarray, order: np.ndarray, columns: list[np.ndarray]) -> np.ndarray:
    """A 64-bit hash of each span's length and words (wrapping arithmetic; multipliers from splitmix64)."""
    hashes = lengths[order].astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    for column in columns:
        head = hashes[: len(column)]
        head ^= column
        head *= np.uint64(0xBF58476D1CE4E5B9)
        head ^= head >> np.uint64(31)
    unordered = np.empty_like(hashes)
    unordered[order] = hashes
    return unordered


def _same_words(order: np.ndarray, columns: list[np.ndarray], same: np.ndarray) -> bool:
    """Whether each span's words are those of span `same[i]`, which has as many words."""
    position = np.empty_like(order)
    position[order] = np.arange(len(order))
    other = position[same[order]]
    return all(np.array_equal(column[other[: len(column)]], column) for column in columns)


def _groups(hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first position of each distinct value, in order of first appearance, and the group of each position
    in that order (for a non-empty array)."""
    order = np.argsort(hashes)
    ordered = hashes[order]
    new = np.empty(len(order), dtype=bool)
    new[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    firsts = np.minimum.reduceat(order, np.flatnonzero(new))
    by_first = np.argsort(firsts)
    rank = np.empty_like(by_first)
    rank[by_first] = np.arange(len(by_first))
    group = np.empty_like(order)
    group[order] = rank[np.cumsum(new) - 1]
    return firsts[by_first], group


def _joined(block: bytes, starts: np.ndarray, ends: np.ndarray) -> bytes:
    """The spans `block[start:end]`, each followed by "\n". Spans ascend without overlapping, and a separator
    byte follows each. Few spans are sliced one by one; many are picked out of the block by one NumPy mask."""
    if len(starts) * 256 < len(block):
        return b"\n".join([block[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)] + [b""])
    sizes = ends + 1 - starts  # each span with its separator
    gaps = starts - np.concatenate(([0], ends[:-1] + 1))
    mask = np.repeat(np.tile([False, True], len(starts)), np.stack((gaps, sizes), axis=1).ravel())
    kept = np.frombuffer(block, dtype=np.uint8)[: len(mask)][mask]
    kept[np.cumsum(sizes) - 1] = ord("\n")
    return kept.tobytes()


def _span_texts(block: bytes, starts: np.ndarray, ends: np.ndarray) -> list[str]:
    """The text of each span `block[start:end]` (as for `_joined`)."""
    return _decode(_joined(block, starts, ends)).split("\n")[:-1]


def _words(data: bytes) -> np.ndarray:
    """The 8 bytes of `data` from each offset, as little-endian 64-bit words (zeros past the end)."""
    return np.ndarray((len(data) + 1,), dtype="<u8", buffer=data + bytes(8), strides=(1,))


_Entries = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # vote, project, value per entry; lengths


def _entries(
    votes: bytes, num_votes: int, points: list[str] | None, vote_type: str, index: Mapping[str, int], limits: _Limits
) -> _Entries | None:
    """All `num_votes` distinct votes (each followed by "\n" in `votes`) parsed at once: (vote, project, value)
    per ballot entry, in ballot order, and each vote's length. None if some vote is not plainly well formed or
    breaks a META limit (the careful path then names its line)."""
    raw = np.frombuffer(votes, dtype=np.uint8)
    ends = np.flatnonzero((raw == ord(",")) | (raw == ord("\n")))  # where each item ends
    last = raw[ends] == ord("\n")  # the item ends its vote
    if np.count_nonzero(last) != num_votes:
        return None
    starts = np.concatenate(([0], ends[:-1] + 1))
    sizes = ends - starts
    vote = np.cumsum(last) - last
    if not sizes.all():  # an empty item is an empty vote, or a malformed one
        alone = last & np.concatenate(([True], last[:-1]))
        if np.any((sizes == 0) & ~alone):
            return None
        starts, sizes, vote = starts[sizes > 0], sizes[sizes > 0], vote[sizes > 0]
    lengths = np.bincount(vote, minlength=num_votes)
    projects = _project_indices(votes, starts, sizes, index)
    if projects is None or (limits.max_length is not None and lengths.max(initial=0) > limits.max_length):
        return None
    keys = vote * len(index) + projects  # sorted, by vote then project; a repeat: a vote names a project twice
    size = num_votes * len(index)
    if points is None and size <= 8 * len(keys):  # few keys missing: a table of flags sorts them in linear time
        table = np.zeros(size, dtype=bool)
        table[keys] = True
        if np.count_nonzero(table) != len(keys):
            return None
        by_project = np.flatnonzero(table)
    else:
        # The keys come in runs sorted by vote, each run only a few entries long: NumPy's stable sort
        # (radix/timsort) can take them an order of magnitude faster than its default quicksort.
        order = np.argsort(keys, kind="stable")
        by_project = keys[order]
        if np.any(by_project[1:] == by_project[:-1]):
            return None
    if vote_type == "ordinal":  # entries in ranked order, the value is the position
        return vote, projects, np.arange(len(vote)) - np.repeat(np.cumsum(lengths) - lengths, lengths), lengths
    projects = by_project % len(index)
    if points is None:
        return vote, projects, np.ones(len(vote), dtype=np.int64), lengths
    if not np.array_equal(_lengths(points), lengths):
        return None
    values = _numbers(points, int(lengths.sum()))
    if values is None or np.any(np.abs(values) > 2**40):
        return None
    values = values[order]
    totals = np.zeros(num_votes, dtype=np.int64)
    np.add.at(totals, vote, values)
    if (
        (vote_type == "cumulative" and np.any(values < 0))
        or (limits.max_points is not None and np.any(values > limits.max_points))
        or (limits.min_points is not None and np.any(values < limits.min_points))
        or (limits.max_sum_points is not None and np.any(totals > limits.max_sum_points))
    ):
        return None
    return vote, projects, values, lengths


def _lengths(texts: list[str]) -> np.ndarray:
    """Number of comma-separated items in each text (0 for an empty one)."""
    lengths = np.fromiter(map(str.count, texts, itertools.repeat(",")), dtype=np.int64, count=len(texts)) + 1
    if "" in texts:
        lengths[np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) == 0] = 0
    return lengths


def _project_indices(data: bytes, starts: np.ndarray, sizes: np.ndarray, index: Mapping[str, int]) -> np.ndarray | None:
    """The project index of each item `data[start:start + size]`, compared as written; None if one is not a
    project id. Ids of up to 32 bytes (nearly every file's) are one to four 64-bit words, looked up by NumPy all
    at once through a key made of those words; longer ones by one dict lookup per item."""
    encoded = [pid.encode("utf-8", "surrogatepass") for pid in index]
    if not len(starts):
        return np.zeros(0, dtype=np.int64)
    longest = max(map(len, encoded), default=0)
    if not 0 < longest <= 32:
        try:
            return np.fromiter(map(index.__getitem__, _span_texts(data, starts, starts + sizes)), np.int64, len(starts))
        except KeyError:
            return None
    if sizes.max() > longest:
        return None
    offsets = range(0, longest, 8)
    known = [np.fromiter((int.from_bytes(pid[k : k + 8], "little") for pid in encoded), np.uint64) for k in offsets]
    known_sizes = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    data_words = _words(data)
    items = [  # (a word past an item's end is zero; its index is kept inside the data)
        data_words[np.minimum(starts + k, len(data)) if k else starts] & _LOW_BYTES[np.clip(sizes - k, 0, 8)]
        for k in offsets
    ]
    keys, known_keys = _key(items), _key(known)
    slots = _slots(known_keys)
    if slots is None:
        order = np.argsort(known_keys)
        found = order[np.minimum(np.searchsorted(known_keys[order], keys), len(order) - 1)]
    else:
        multiplier, bits, table = slots
        found = table[(keys * multiplier) >> np.uint64(64 - bits)]
    same = np.array_equal(known_sizes[found], sizes)
    if not same or not all(np.array_equal(mine[found], theirs) for mine, theirs in zip(known, items, strict=True)):
        return None
    return found


def _key(words: list[np.ndarray]) -> np.ndarray:
    """One 64-bit key for each position of the word arrays: the word itself if there is one array, else a mix of
    them (keys are compared by their words after)."""
    if len(words) == 1:
        return words[0]
    keys = words[0].copy()
    for column in words[1:]:
        keys *= np.uint64(0x9E3779B97F4A7C15)
        keys ^= column
    return keys


def _slots(known: np.ndarray) -> tuple[np.uint64, int, np.ndarray] | None:
    """A table where multiplicative hashing finds each of the `known` words without a collision (a lookup then
    costs one multiplication, instead of a binary search): the multiplier, the bits kept and the table of
    positions in `known`, or None if none of a few tries gives one."""
    bits = max(2 * len(known).bit_length() + 1, 4)
    for multiplier in _MULTIPLIERS if bits <= 24 else ():
        slots = (known * multiplier) >> np.uint64(64 - bits)
        if len(np.unique(slots)) == len(known):
            table = np.zeros(1 << bits, dtype=np.int64)  # (an unknown word lands anywhere: it is then compared)
            table[slots] = np.arange(len(known))
            return multiplier, bits, table
    return None


# Odd 64-bit multipliers (from splitmix64 and MurmurHash3) for `_slots`.
_MULTIPLIERS = tuple(map(np.uint64, (0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0xFF51AFD7ED558CCD)))


def _numbers(texts: list[str], total: int) -> np.ndarray | None:
    """The `total` comma-separated whole numbers of all texts, parsed by NumPy in C; None unless the texts hold
    just numbers of 1-18 digits."""
    if not total:
        return np.zeros(0, dtype=np.int64)
    joined = ",".join(filter(None, texts))
    if not joined.isascii():
        return None
    width = joined.find(",") if total > 1 else len(joined)
    if 1 <= width <= 18 and len(joined) + 1 == total * (width + 1):
        numbers = _same_width_numbers(joined, total, width)
        if numbers is not None:
            return numbers
    raw = np.frombuffer(joined.encode(), dtype=np.uint8)
    commas = np.flatnonzero(raw == ord(","))
    sizes = np.diff(commas, prepend=-1, append=len(raw)) - 1  # digits of each number
    if (
        len(commas) + 1 != total
        or np.count_nonzero(raw - np.uint8(ord("0")) < 10) != len(raw) - len(commas)
        or sizes.min() < 1
        or sizes.max() > 18
    ):
        return None
    return np.fromstring(joined, dtype=np.int64, sep=",")


def _same_width_numbers(joined: str, total: int, width: int) -> np.ndarray | None:
    """`_numbers` when they may all have `width` digits (project ids often do): the text is then a grid of
    digits with a column of commas, read a column of digits at a time; None if it is not."""
    grid = np.frombuffer((joined + ",").encode(), dtype=np.uint8).reshape(total, width + 1)
    digits = grid[:, :width] - np.uint8(ord("0"))  # a byte that is not a digit wraps to 10 or more
    if np.any(grid[:, width] != ord(",")) or np.any(digits >= 10):
        return None
    numbers = digits[:, 0].astype(np.int64)
    for column in range(1, width):
        numbers *= 10
        numbers += digits[:, column]
    return numbers


def _careful_entries(
    votes: list[str],
    points: list[str] | None,
    line_of: Callable[[int], int],
    vote_type: str,
    index: Mapping[str, int],
    limits: _Limits,
) -> _Entries:
    """Like `_entries`, one vote at a time, naming the line (`line_of` the vote's number) of the first bad one."""
    pairs = [(i, 1) for i in range(len(index))]
    ballots = []
    for k, vote in enumerate(votes):
        try:
            ballot = _ballot(vote, "" if points is None else points[k], vote_type, index, pairs)
            problem = limits.check(vote_type, ballot)
        except _BallotError as err:
            problem = str(err)
        if problem:
            raise PabulibError(problem, line_of(k))
        ballots.append(ballot)
    lengths = np.fromiter(map(len, ballots), dtype=np.int64, count=len(ballots))
    flat = np.fromiter(itertools.chain.from_iterable(itertools.chain.from_iterable(ballots)), dtype=np.int64)
    vote = np.repeat(np.arange(len(ballots), dtype=np.int64), lengths)
    return vote, flat[0::2].copy(), flat[1::2].copy(), lengths


def _profile(
    vote: np.ndarray, projects: np.ndarray, values: np.ndarray, lengths: np.ndarray, counts: list[int], num: int
) -> tuple[Profile, np.ndarray]:
    """The merged profile of the distinct votes and the profile row of each: different vote strings can give
    one ballot ("1,2" and "2,1"). Rows are in order of first appearance; ballot tuples are made on first use."""
    same = _first_same(vote, projects, values, lengths)
    if same is None:  # the usual case: every distinct vote is a ballot of its own
        flat = (vote, projects, values)
        ballots = Ballots(len(counts), lambda: _ballot_tuples(*flat, len(counts)))
        return Profile(ballots, tuple(counts), num, flat), np.arange(len(counts))
    is_first = same == np.arange(len(lengths))
    string_row = (np.cumsum(is_first) - 1)[same]
    num_rows = int(is_first.sum())
    weights = np.zeros(num_rows, dtype=np.int64)
    np.add.at(weights, string_row, counts)
    keep = is_first[vote]
    flat = (string_row[vote[keep]], projects[keep], values[keep])
    ballots = Ballots(num_rows, lambda: _ballot_tuples(*flat, num_rows))
    return Profile(ballots, tuple(weights.tolist()), num, flat), string_row


def _first_same(vote: np.ndarray, projects: np.ndarray, values: np.ndarray, lengths: np.ndarray) -> np.ndarray | None:
    """For each distinct vote, the first vote with the same entries; None if there is no such pair (all hashes of
    the entries differ). Else the hash groups the votes, then each vote's entries are compared with its group's
    first; after a hash collision the ballot tuples decide."""
    starts = np.cumsum(lengths) - lengths
    position = np.arange(len(vote)) - starts[vote]
    hashes = _ballot_hashes(vote, projects, values, position, lengths)
    ordered = np.sort(hashes)
    if not np.any(ordered[1:] == ordered[:-1]):  # (np.unique is ten times slower here)
        return None
    _, first, group = np.unique(hashes, return_index=True, return_inverse=True)
    same = first[group]
    at_same = starts[same][vote] + position
    if (
        np.array_equal(lengths[same], lengths)
        and np.array_equal(projects[at_same], projects)
        and np.array_equal(values[at_same], values)
    ):
        return same
    seen: dict[Ballot, int] = {}
    ballots = _ballot_tuples(vote, projects, values, len(lengths))
    return np.fromiter((seen.setdefault(b, k) for k, b in enumerate(ballots)), dtype=np.int64, count=len(ballots))


def _ballot_hashes(
    vote: np.ndarray, projects: np.ndarray, values: np.ndarray, position: np.ndarray, lengths: np.ndarray
) -> np.ndarray:
    """A 64-bit hash of each vote's entries (wrapping arithmetic; multipliers from splitmix64)."""
    mixed = (
        projects.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        ^ values.astype(np.uint64) * np.uint64(0xBF58476D1CE4E5B9)
        ^ position.astype(np.uint64) * np.uint64(0x94D049BB133111EB)
    )
    mixed ^= mixed >> np.uint64(31)
    mixed *= np.uint64(0xD6E8FEB86659FD93)
    sums = np.concatenate((np.zeros(1, dtype=np.uint64), np.cumsum(mixed)))  # a vote's sum: a difference of two
    ends = np.cumsum(lengths)
    return sums[ends] - sums[ends - lengths] + lengths.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)


def _ballot_tuples(rows: np.ndarray, projects: np.ndarray, values: np.ndarray, num_rows: int) -> list[Ballot]:
    """The ballots of the flat entries. Entries are few distinct (project, value) pairs, so where that pays, each
    pair is looked up in a table of tuples rather than made again."""
    low, high = int(values.min(initial=0)), int(values.max(initial=0))
    num_pairs = (int(projects.max(initial=0)) + 1) * (high - low + 1)
    if num_pairs <= len(projects):
        table = list(itertools.product(range(int(projects.max()) + 1), range(low, high + 1)))
        pairs = list(map(table.__getitem__, (projects * (high - low + 1) + values - low).tolist()))
    else:
        pairs = list(zip(projects.tolist(), values.tolist(), strict=True))
    ends = np.cumsum(np.bincount(rows, minlength=num_rows)).tolist()
    return [tuple(pairs[a:b]) for a, b in zip([0, *ends[:-1]], ends, strict=True)]


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
        data = f.read().removeprefix(b"\xef\xbb\xbf")
    bad = _first_non_utf8(data)
    if bad is not None:
        raise PabulibError(f"not UTF-8 text (byte {bad})", None, os.path.basename(path))
    return _parse_bytes(data, os.path.basename(path))


def _first_non_utf8(data: bytes, piece: int = 2**16) -> int | None:
    """The offset of the first byte that is not UTF-8, or None. Only pieces with a non-ASCII byte are decoded
    (a check for ASCII is many times faster): often just the project names. Pieces end after a line break, which
    is never inside a UTF-8 character."""
    start = 0
    while start < len(data):
        end = data.find(b"\n", start + piece) + 1 or len(data)
        chunk = data[start:end]
        if not chunk.isascii():
            try:
                chunk.decode("utf-8")
            except UnicodeDecodeError as err:
                return start + err.start
        start = end
    return None


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
