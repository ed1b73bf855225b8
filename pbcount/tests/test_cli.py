"""The `pbcount` command line: output, JSON and exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pbcount.cli import main
from pbcount.tests.conftest import FIXTURES

KAMIONEK = FIXTURES / "Poland_Warszawa_2018_Kamionek.pb"


def test_help_lists_the_rules(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for rule in ("greedy", "greedy-per-cost", "mes", "phragmen", "max-welfare"):
        assert rule in out


def test_it_prints_winners_spending_and_reasons(capsys: pytest.CaptureFixture[str]):
    assert main([str(KAMIONEK), "--rule", "city"]) == 0
    out = capsys.readouterr().out
    assert "winners (5): 184, 233, 698, 794, 1450" in out
    assert "spent: 296500 of 308151.26" in out
    assert "did not fit in round 5: 152651.26 left of 205000 needed" in out
    assert "below the threshold: score 119 < 123" in out


def test_json_lists_winners_in_file_order_and_exact_money(capsys: pytest.CaptureFixture[str]):
    assert main([str(KAMIONEK), "--rule", "greedy-threshold", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["winners"] == ["184", "233", "698", "794", "1450"]
    assert data["spent"] == "296500"
    assert data["budget"] == "308151.26"
    assert len(data["projects"]) == 11
    first = data["projects"][0]
    assert first["id"] == "184" and first["reason"] == "selected" and first["cost"] == "50000"


def test_published_tie_break_needs_and_uses_a_seed(capsys: pytest.CaptureFixture[str]):
    assert main([str(KAMIONEK), "--tie-break", "published"]) == 2
    assert "needs a seed" in capsys.readouterr().err
    assert main([str(KAMIONEK), "--tie-break", "published", "--seed", "7", "--json"]) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.pb"], "cannot read missing.pb"),
        (["BROKEN"], "BROKEN, line 3: META budget 'lots' is not a number"),
        ([str(KAMIONEK), "--rule", "phragmen", "--completion", "add1"], "does not take completion"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "BROKEN").write_text("META\nkey;value\nbudget;lots\nvote_type;approval\nPROJECTS\nproject_id;cost\n")
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_unknown_rule_is_an_argument_error():
    with pytest.raises(SystemExit) as info:
        main([str(KAMIONEK), "--rule", "borda"])
    assert info.value.code == 2
