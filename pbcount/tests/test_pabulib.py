"""Reading and writing pabulib files: good files round-trip, malformed ones are refused with the line."""

from __future__ import annotations

import pickle
from fractions import Fraction
from pathlib import Path
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pbcount import pabulib
from pbcount.election import Election, Project, Voter
from pbcount.pabulib import PabulibError
from pbcount.tests.conftest import FIXTURE_FILES, pbdata_files

APPROVAL = """META
key;value
description;"Test; with a quoted semicolon"
num_projects;3
num_votes;3
budget;10.5
vote_type;approval
max_length;2
PROJECTS
project_id;cost;votes;name;selected
10;5.25;2;Park;1
9;6;2;"Bench ""deluxe"" 2";0
a;0;0;Free;0
VOTES
voter_id;vote;age
v1;10,9;30
v2;10;41
v3;9;
"""

CUMULATIVE = """META
key;value
budget;100
vote_type;cumulative
max_sum_points;5
PROJECTS
project_id;cost
p1;60
p2;50
VOTES
voter_id;vote;points
1;p1,p2;3,2
2;p2;5
"""

ORDINAL = """META
key;value
budget;100
vote_type;ordinal
PROJECTS
project_id;cost
p1;60
p2;50
p3;10
VOTES
voter_id;vote
1;p3,p1,p2
2;p2,p1
"""


def test_it_reads_projects_voters_and_meta():
    e = pabulib.parse(APPROVAL)
    assert e.budget == Fraction(21, 2)
    assert e.vote_type == "approval"
    assert e.meta["description"] == "Test; with a quoted semicolon"
    assert [p.id for p in e.projects] == ["10", "9", "a"]
    assert e.projects[0].cost == Fraction("5.25")
    assert e.projects[1].name == 'Bench "deluxe" 2'
    assert e.projects[0].extra == {"votes": "2", "selected": "1"}
    assert [v.id for v in e.voters] == ["v1", "v2", "v3"]
    assert e.voters[0].ballot == ((0, 1), (1, 1))
    assert e.voters[0].extra == {"age": "30"}
    assert e.max_length == 2


def test_it_merges_identical_ballots_in_first_seen_order():
    e = pabulib.parse(APPROVAL.replace("v3;9;", "v3;9,10;"))
    assert e.profile.ballots == (((0, 1), (1, 1)), ((0, 1),))
    assert e.profile.counts == (2, 1)


def test_it_reads_points_and_rankings():
    cum = pabulib.parse(CUMULATIVE)
    assert cum.voters[0].ballot == ((0, 3), (1, 2))
    ordinal = pabulib.parse(ORDINAL)
    assert ordinal.voters[0].ballot == ((2, 0), (0, 1), (1, 2))
    assert ordinal.voters[1].ballot == ((1, 0), (0, 1))


def test_scoring_ballots_may_give_negative_points_within_limits():
    text = _replace(_replace(CUMULATIVE, "vote_type;cumulative", "vote_type;scoring"), "2;p2;5", "2;p2;-2")
    e = pabulib.parse(text.replace("max_sum_points;5", "min_points;-2"))
    assert e.voters[1].ballot == ((1, -2),)
    assert pabulib.parse(pabulib.dumps(e)) == e
    with pytest.raises(PabulibError, match="fewer than min_points -1"):
        pabulib.parse(text.replace("max_sum_points;5", "min_points;-1"))


def test_it_reads_choose_1_as_approval_and_keeps_the_meta():
    e = pabulib.parse(APPROVAL.replace("vote_type;approval", "vote_type;choose-1"))
    assert e.vote_type == "approval"
    assert "vote_type;choose-1" in pabulib.dumps(e)


def test_it_accepts_crlf_and_a_byte_order_mark(tmp_path: Path):
    path = tmp_path / "crlf.pb"
    path.write_bytes(b"\xef\xbb\xbf" + APPROVAL.replace("\n", "\r\n").encode())
    assert pabulib.read(path) == pabulib.parse(APPROVAL)


@pytest.mark.parametrize("text", [APPROVAL, CUMULATIVE, ORDINAL])
def test_write_then_read_gives_the_same_election(text: str):
    e = pabulib.parse(text)
    assert pabulib.parse(pabulib.dumps(e)) == e


def test_it_writes_an_election_built_in_code(tmp_path: Path):
    e = Election(
        meta={},
        projects=(Project("x", Fraction(1, 3)), Project("y", Fraction(2))),
        voters=(Voter("1", ((0, 1),)), Voter("2", ((0, 1), (1, 1)))),
        budget=Fraction(7, 3),
        vote_type="approval",
    )
    pabulib.write(e, tmp_path / "e.pb")
    back = pabulib.read(tmp_path / "e.pb")
    assert back.projects == e.projects
    assert list(back.voters) == list(e.voters)
    assert back.budget == e.budget


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_fixture_files_round_trip(path: Path):
    e = pabulib.read(path)
    assert e.num_voters == int(e.meta["num_votes"])
    assert pabulib.parse(pabulib.dumps(e)) == e


def _replace(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


# (description, broken text, line named in the message, words in the message)
ERRORS = [
    ("no META", APPROVAL[APPROVAL.index("PROJECTS") :], 1, "section PROJECTS out of order"),
    ("no VOTES", APPROVAL[: APPROVAL.index("VOTES")], None, "missing section VOTES"),
    ("no budget", _replace(APPROVAL, "budget;10.5\n", ""), 9, "META has no 'budget'"),
    ("bad budget", _replace(APPROVAL, "budget;10.5", "budget;ten"), 6, "budget 'ten' is not a number"),
    ("bad cost", _replace(APPROVAL, "10;5.25;", "10;5,2x;"), 11, "cost '5,2x' is not a number"),
    ("negative cost", _replace(APPROVAL, "9;6;", "9;-6;"), 12, "negative cost -6"),
    ("duplicate project", _replace(APPROVAL, "a;0;0;Free", "9;0;0;Free"), 13, "duplicate project_id '9'"),
    ("unknown project", _replace(APPROVAL, "v2;10;", "v2;11;"), 17, "unknown project '11'"),
    ("duplicate voter", _replace(APPROVAL, "v3;9;", "v1;9;"), 18, "duplicate voter_id 'v1'"),
    ("vote type", _replace(APPROVAL, "vote_type;approval", "vote_type;ranked"), 7, "unknown vote_type 'ranked'"),
    ("too long", _replace(APPROVAL, "v2;10;", "v2;10,9,a;"), 17, "more than max_length 2"),
    ("project twice", _replace(APPROVAL, "v2;10;", "v2;10,10;"), 17, "names a project twice"),
    ("short row", _replace(APPROVAL, "v2;10;41", "v2;10"), 17, "2 fields, but the VOTES header has 3"),
    ("count mismatch", _replace(APPROVAL, "num_votes;3", "num_votes;4"), None, "num_votes is 4 but the file has 3"),
    ("points over max", _replace(CUMULATIVE, "2;p2;5", "2;p2;6"), 13, "more than max_sum_points 5"),
    ("bad points", _replace(CUMULATIVE, "2;p2;5", "2;p2;x"), 13, "whole numbers"),
    ("points mismatch", _replace(CUMULATIVE, "1;p1,p2;3,2", "1;p1,p2;3"), 12, "points has 1 numbers"),
    ("negative points", _replace(CUMULATIVE, "2;p2;5", "2;p2;-1"), 13, "negative points -1"),
    ("no points column", _replace(CUMULATIVE, "voter_id;vote;points", "voter_id;vote;pts"), 11, "no 'points' column"),
    ("no cost column", _replace(ORDINAL, "project_id;cost", "project_id;price"), 6, "no 'cost' column"),
    ("ranks twice", _replace(ORDINAL, "1;p3,p1,p2", "1;p3,p1,p3"), 12, "names a project twice"),
]


@pytest.mark.parametrize(("text", "line", "words"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_malformed_files_are_refused_naming_the_line(text: str, line: int | None, words: str):
    with pytest.raises(PabulibError) as info:
        pabulib.parse(text, source="bad.pb")
    assert info.value.line == line
    assert words in str(info.value)
    assert str(info.value).startswith("bad.pb" + (f", line {line}:" if line else ":"))


@pytest.mark.slow
@pytest.mark.parametrize("path", pbdata_files() or [None], ids=lambda p: p.name if p else "no-pbdata")
def test_every_shared_file_round_trips(pbdata: Path, path: Path):
    e = pabulib.read(path)
    assert e.num_voters == int(e.meta["num_votes"])
    assert len(e.projects) == int(e.meta["num_projects"])
    assert pabulib.parse(pabulib.dumps(e)) == e


def _big(vote_type: str = "approval", voters: int = 2000, ids: tuple[str, ...] = ("10", "11", "12", "13")) -> str:
    """A file large enough for the fast path: votes in varied order, points where the type needs them, and an
    extra column; voter k is on line 11 + len(ids) + k."""
    with_points = vote_type == "cumulative"
    lines = ["META", "key;value", "budget;100", f"vote_type;{vote_type}", "max_sum_points;9", "PROJECTS"]
    lines += ["project_id;cost", *(f"{pid};{10 + i}" for i, pid in enumerate(ids)), "VOTES"]
    lines.append("voter_id;vote;points;age" if with_points else "voter_id;vote;age")
    for k in range(voters):
        vote = [ids[(k + j) % len(ids)] for j in range(1 + k % 3)]
        points = [",".join(str(1 + j) for j in range(len(vote)))] if with_points else []
        lines.append(";".join([f"v{k}", ",".join(vote), *points, str(k % 90)]))
    return "\n".join(lines) + "\n"


def _line_of_voter(text: str, k: int) -> int:
    return text.splitlines().index(next(x for x in text.splitlines() if x.startswith(f"v{k};"))) + 1


def _voter_line(text: str, k: int, new: str) -> str:
    lines = text.split("\n")
    lines[_line_of_voter(text, k) - 1] = new
    return "\n".join(lines)


@pytest.mark.parametrize("vote_type", ["approval", "cumulative", "ordinal"])
def test_the_fast_path_reads_what_the_careful_path_reads(vote_type: str):
    text = _big(vote_type)
    voter_id, _, after = text.splitlines()[_line_of_voter(text, 5) - 1].partition(";")
    fast, careful = pabulib.parse(text), pabulib.parse(_voter_line(text, 5, f'"{voter_id}";{after}'))  # csv path
    assert fast == careful
    assert fast.profile == careful.profile
    assert pabulib.parse(text.replace("\n", "\r\n")) == fast
    assert pabulib.parse(pabulib.dumps(fast)) == fast
    assert fast.voters[7].extra == {"age": "7"}


def test_the_fast_path_merges_votes_that_give_one_ballot():
    text = _voter_line(_voter_line(_big(), 1, "v1;11,12;1"), 2, "v2;12,11;2")
    e = pabulib.parse(text)
    assert e.voters[1].ballot == e.voters[2].ballot == ((1, 1), (2, 1))
    rows = [b for b in e.profile.ballots if b == ((1, 1), (2, 1))]
    assert len(rows) == 1


def test_a_hash_collision_still_merges_exactly(monkeypatch: pytest.MonkeyPatch):
    expected = pabulib.parse(_big("cumulative"))
    monkeypatch.setattr(pabulib, "_ballot_hashes", lambda *args: np.zeros(len(args[-1]), dtype=np.uint64))
    e = pabulib.parse(_big("cumulative"))
    assert e.profile == expected.profile
    assert e.profile.entries[1].tolist() == expected.profile.entries[1].tolist()


BIG_ERRORS = [
    ("unknown project", "approval", "v900;10,14;1", "unknown project '14'"),
    ("not the same number", "approval", "v900;010;1", "unknown project '010'"),
    ("empty item", "approval", "v900;10,,11;1", "unknown project ''"),
    ("project twice", "ordinal", "v900;11,12,11;1", "names a project twice"),
    ("duplicate voter", "approval", "v3;10;1", "duplicate voter_id 'v3'"),
    ("short row", "approval", "v900;10", "2 fields, but the VOTES header has 3"),
    ("long row", "approval", "v900;10;1;2", "4 fields, but the VOTES header has 3"),
    ("odd line break", "approval", "v900;10\x0b1", "2 fields, but the VOTES header has 3"),
    ("bad points", "cumulative", "v900;10,11;1,x;1", "whole numbers"),
    ("points mismatch", "cumulative", "v900;10,11;1;1", "points has 1 numbers"),
    ("negative points", "cumulative", "v900;10;-1;1", "negative points -1"),
    ("points over max", "cumulative", "v900;10,11;5,5;1", "more than max_sum_points 9"),
]


@pytest.mark.parametrize(("vote_type", "line", "words"), [e[1:] for e in BIG_ERRORS], ids=[e[0] for e in BIG_ERRORS])
def test_a_bad_line_in_a_big_file_is_named(vote_type: str, line: str, words: str):
    text = _big(vote_type)
    with pytest.raises(PabulibError) as info:
        pabulib.parse(_voter_line(text, 900, line), source="big.pb")
    assert info.value.line == _line_of_voter(text, 900)
    assert words in str(info.value)


def test_project_ids_that_are_not_plain_numbers_are_looked_up_as_written():
    e = pabulib.parse(_big(ids=("007", "7", "x")))
    assert e.voters[0].ballot == ((0, 1),)
    assert e.voters[1].ballot == ((1, 1), (2, 1))


@pytest.mark.parametrize("vote_type", ["approval", "cumulative", "ordinal"])
def test_plain_big_files_take_the_fast_path(monkeypatch: pytest.MonkeyPatch, vote_type: str):
    monkeypatch.setattr(pabulib, "_careful_votes", None)  # calling either would fail
    monkeypatch.setattr(pabulib, "_careful_entries", None)
    for ids in [("10", "11", "12", "13"), ("a", "b", "c")]:
        lf = _big(vote_type, ids=ids)
        for text in (lf, lf + "\n\n", lf.rstrip("\n"), lf.replace("\n", "\r\n"), (lf + "\n").replace("\n", "\r\n")):
            e = pabulib.parse(text)
            assert [v.id for v in e.voters[:3]] == ["v0", "v1", "v2"]
            assert e.voters[1999].extra == {"age": str(1999 % 90)}
        before, _, _ = lf.splitlines()[_line_of_voter(lf, 5) - 1].rpartition(";")
        quoted = pabulib.parse(_voter_line(lf, 5, f'{before};"4;""2"""'))  # quoted as the csv module writes it
        assert quoted.voters[5].extra == {"age": '4;"2"'}
        assert quoted.profile == pabulib.parse(lf).profile


@pytest.mark.parametrize(
    "ids",
    [
        ("10", "11", "12", "13"),
        ("OGM/0015", "7", "07", "Łą"),
        ("BO.OM.97/24", "BO.OM.5/24", "c"),
        ("a project id of more than thirty-two bytes", "b", "c"),
    ],
)
def test_project_ids_are_found_as_written_in_a_table_or_by_a_search(monkeypatch: pytest.MonkeyPatch, ids: tuple):
    monkeypatch.setattr(pabulib, "_careful_entries", None)  # calling it would fail
    text = _big(ids=ids)
    expected = [sorted(ids[(k + j) % len(ids)] for j in range(1 + k % 3)) for k in range(2000)]
    for slots in (pabulib._slots, lambda known: None):
        monkeypatch.setattr(pabulib, "_slots", slots)
        e = pabulib.parse(text)
        assert [sorted(e.projects[i].id for i, _ in v.ballot) for v in e.voters] == expected


def test_votes_or_voter_ids_with_one_hash_are_still_told_apart(monkeypatch: pytest.MonkeyPatch):
    text = _big("cumulative")
    same_length = "".join(f"w{k};1{k % 2};1;{k % 90}\n" for k in range(2000))  # votes "10;1" and "11;1"
    texts = [text, _big("cumulative", voters=0) + same_length]
    expected = list(map(pabulib.parse, texts))
    monkeypatch.setattr(pabulib, "_span_hashes", lambda lengths, *_: np.zeros(len(lengths), dtype=np.uint64))
    for e, before in zip(map(pabulib.parse, texts), expected, strict=True):
        assert e == before
        assert e.profile == before.profile
    with pytest.raises(PabulibError, match="duplicate voter_id 'v3'"):
        pabulib.parse(_voter_line(text, 900, "v3;10;1;1"))


def test_voter_ids_differ_by_any_byte_even_a_nul():
    text = _voter_line(_big(), 5, "v4\x00;10;1")
    assert [v.id for v in pabulib.parse(text).voters[4:6]] == ["v4", "v4\x00"]


@pytest.mark.parametrize("voters", [3, 2000], ids=["sliced one by one", "picked out at once"])
def test_span_texts_are_the_fields_they_span(voters: int):
    block = "".join(f"v{k};Łąka {k};{k % 7}\n" for k in range(voters)).encode()
    lines = block.decode().splitlines()
    starts, ends, at = [], [], 0
    for line in lines:
        first = line.index(";") + 1
        starts.append(at + len(line[:first].encode()))
        ends.append(at + len(line[: line.rindex(";")].encode()))
        at += len(line.encode()) + 1
    texts = pabulib._span_texts(block, np.array(starts), np.array(ends))
    assert texts == [line.split(";")[1] for line in lines]


def test_a_parsed_election_pickles():
    e = pabulib.parse(_big("ordinal"))
    assert e.profile.counts
    back = pickle.loads(pickle.dumps(e))
    assert back == e
    assert back.profile == e.profile


def test_a_quote_that_never_ends_is_refused_naming_its_line():
    text = _big()
    with pytest.raises(PabulibError, match="quoted field does not end") as info:
        pabulib.parse(_voter_line(text, 3, 'v3;"10;1') + "x" * 140_000)
    assert info.value.line == _line_of_voter(text, 3)


def test_points_before_the_vote_or_a_unit_separator_in_a_column_read_the_same():
    text = _big("cumulative")
    expected = pabulib.parse(text)
    lines = text.splitlines()
    header = lines.index("voter_id;vote;points;age")
    swapped = [";".join([f[0], f[2], f[1], f[3]]) for f in (line.split(";") for line in lines[header:])]
    assert pabulib.parse("\n".join(lines[:header] + swapped)) == expected
    before, _, _ = lines[_line_of_voter(text, 4) - 1].rpartition(";")
    odd = pabulib.parse(_voter_line(text, 4, f"{before};\x1f"))  # a control character is text
    assert odd.voters[4].extra == {"age": "\x1f"}
    assert odd.profile == expected.profile


@pytest.mark.parametrize("mark", ["\x0c", "\x1c", "\x85", "\u2028"])
@pytest.mark.parametrize("voters", [3, 2000], ids=["small", "big"])
def test_only_newlines_and_carriage_returns_end_lines(mark: str, voters: int):
    """A form feed or a Unicode line separator inside a field is text, as for the csv module."""
    text = _big(voters=voters)
    before, _, _ = text.splitlines()[_line_of_voter(text, 1) - 1].rpartition(";")
    edited = _voter_line(text, 1, f"{before};4{mark}2").replace("budget;100", f"description;Ł{mark}ąka\nbudget;100")
    odd = pabulib.parse(edited)
    assert odd.voters[1].extra == {"age": f"4{mark}2"}
    assert odd.meta["description"] == f"Ł{mark}ąka"
    assert odd.profile == pabulib.parse(text).profile
    assert pabulib.parse(pabulib.dumps(odd)) == odd


@pytest.mark.parametrize("where", [10, 70_000, 200_000])
def test_non_utf8_byte_is_named_wherever_it_is(tmp_path: Path, where: int) -> None:
    lines = ["META", "key;value", "budget;10", "vote_type;approval", "PROJECTS", "project_id;cost;name", "1;5;Łąka"]
    lines += ["VOTES", "voter_id;vote"] + [f"v{k};1" for k in range(30_000)]
    data = bytearray("\n".join(lines).encode())
    data[where : where + 1] = b"\xff"
    path = tmp_path / "bad.pb"
    path.write_bytes(bytes(data))
    with pytest.raises(PabulibError, match=rf"not UTF-8 text \(byte {where}\)"):
        pabulib.read(path)
    with pytest.raises(UnicodeDecodeError) as err:
        bytes(data).decode("utf-8")
    assert err.value.start == where


@pytest.mark.parametrize("header", ["vote;points;voter_id", "points;voter_id;vote", "voter_id;vote;points"])
def test_votes_columns_in_any_order(header: str):
    rows = [{"voter_id": "a", "vote": "1,2", "points": "1,2"}, {"voter_id": "b", "vote": "2", "points": "3"}]
    rows.append({"voter_id": "c", "vote": "1", "points": "1"})
    columns = header.split(";")
    text = "META\nkey;value\nbudget;10\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n1;5\n2;5\nVOTES\n"
    text += header + "\n" + "".join(";".join(row[c] for c in columns) + "\n" for row in rows)
    e = pabulib.parse(text)
    assert [(v.id, v.ballot) for v in e.voters] == [("a", ((0, 1), (1, 2))), ("b", ((1, 3),)), ("c", ((0, 1),))]


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["12,34", "56"], [12, 34, 56]),
        (["1,2", "", "3"], [1, 2, 3]),
        (["12,345"], [12, 345]),
        (["999999999999999999,123456789012345678"], [999999999999999999, 123456789012345678]),
        (["07,12"], [7, 12]),
        (["12,3a"], None),
        ([",12"], None),
        (["1,,2"], None),
    ],
)
def test_numbers_of_the_same_width_or_not(texts: list[str], expected: list[int] | None):
    total = sum(text.count(",") + 1 for text in texts if text)
    numbers = pabulib._numbers(texts, total)
    assert (numbers if numbers is None else numbers.tolist()) == expected


@pytest.mark.parametrize("second_id", [" a", "a\t", "b "])
def test_voter_ids_are_read_without_surrounding_blanks(second_id: str):
    text = "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\n"
    text += f"a;1\n{second_id};1\n"
    if second_id.strip() == "a":
        with pytest.raises(PabulibError, match="line 11: duplicate voter_id 'a'"):
            pabulib.parse(text)
    else:
        assert [v.id for v in pabulib.parse(text).voters] == ["a", "b"]


@pytest.mark.parametrize(
    ("ids", "duplicate"),
    [
        (["1", "2", "3"], None),
        (["3", "1", "2"], None),
        (["7", "07", "70"], None),
        (["5", "12", "5"], "5"),
        (["1", "2", "2"], "2"),
    ],
)
def test_plain_number_voter_ids_repeat_only_as_the_same_text(ids: list[str], duplicate: str | None):
    text = "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\n"
    text += "".join(f"{vid};1\n" for vid in ids)
    if duplicate is None:
        assert [v.id for v in pabulib.parse(text).voters] == ids
    else:
        with pytest.raises(PabulibError, match=f"line 12: duplicate voter_id '{duplicate}'"):
            pabulib.parse(text)


# Plain values, repeated to be drawn more often than the odd ones after them.
_VOTER_IDS = [None] * 12 + ["v1", "v10", " v1", "v1\t", "v1\x00", "Łąka", "", '"v1"']  # None: a new id
_ITEMS = ["1", "2", "10", "x"] * 8 + ["07", "7", " 1", "", "Ł", '"1"']
_POINTS = ["1", "2"] * 12 + ["5", "0", "-1", "x"]
_NOTES = ["30", "Łódź", ""] * 6 + ["a;b", '"q"', '"a;b"', '"x""y"', 'a"b', 'c"d;e', '"q"x', '""', '"\n"']


@st.composite
def _votes_sections(draw: st.DrawFn) -> str:
    """A small file whose VOTES section is often plain, sometimes odd: repeated or blank-edged ids, unknown or
    repeated projects, empty items, bad points, quotes, a stray separator, "\\r\\n" line ends, blank lines at the
    end or no line break."""
    vote_type = draw(st.sampled_from(["approval", "cumulative", "ordinal"]))
    headers = ["voter_id;vote;points;age;note", "age;points;vote;voter_id;note", "vote;age;voter_id;points;note"]
    columns = draw(st.sampled_from(headers)).split(";")
    lines = ["META", "key;value", "budget;30", f"vote_type;{vote_type}", "max_sum_points;9", "PROJECTS"]
    lines += ["project_id;cost", "1;10", "2;20", "10;5", "07;5", "x;1", "VOTES", ";".join(columns)]
    for k in range(draw(st.integers(1, 8))):
        items = draw(st.lists(st.sampled_from(_ITEMS), max_size=3, unique=True))
        points = draw(st.lists(st.sampled_from(_POINTS), min_size=len(items), max_size=len(items)))
        voter_id = draw(st.sampled_from(_VOTER_IDS))
        fields = {
            "voter_id": f"v{k}" if voter_id is None else voter_id,
            "vote": ",".join(items),
            "points": ",".join(points),
            "age": draw(st.sampled_from(_NOTES)),
            "note": draw(st.sampled_from(_NOTES)),
        }
        lines.append(";".join(fields[c] for c in columns))
    text = "\n".join(lines) + draw(st.sampled_from(["\n", "\n", "\n\n", ""]))  # (a blank line, or none at the end)
    return text.replace("\n", "\r\n") if draw(st.booleans()) else text


def _read_or_refuse(text: str) -> object:
    try:
        e = pabulib.parse(text)
    except PabulibError as err:
        return err.line, err.message
    return e, e.profile, [v.id for v in e.voters], [v.extra for v in e.voters]


_QUOTES_ACROSS_FIELDS = "META\nkey;value\nbudget;30\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;10\nVOTES\n"
_QUOTES_ACROSS_FIELDS += 'voter_id;vote;age;note\nv0;1;a"b;c"d;e\nv1;1;3;4\n'  # 5 fields for the csv module, not 4


@settings(max_examples=300, deadline=None)
@given(_votes_sections())
@example(_QUOTES_ACROSS_FIELDS)
def test_the_fast_path_reads_or_refuses_as_the_careful_path(text: str):
    fast = _read_or_refuse(text)
    with patch.object(pabulib, "_plain_votes", lambda *args: None):
        careful = _read_or_refuse(text)
    assert fast == careful
