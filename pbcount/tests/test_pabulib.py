"""Reading and writing pabulib files: good files round-trip, malformed ones are refused with the line."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

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
