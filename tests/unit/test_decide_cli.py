"""`saylau decide referendum`: JSON output, readings, and refusing bad files with exit code 2."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from saylau.cli.decide import RulesetName, decide_app
from saylau.cli.main import app as cli
from saylau.domain.law.referendum import REFERENDUM_RULESETS

HEADER = "unit,registered,ballots_issued,ballots_in_boxes,yes,no,both_marked,invalid"
GOOD = f"""{HEADER}
akmola,1000,700,690,500,150,20,20
almaty,1000,,600,200,380,10,10
astana,1000,800,790,600,100,40,50
"""

app = typer.Typer()
app.add_typer(decide_app, name="decide")
runner = CliRunner()


def write(tmp_path: Path, text: str | bytes, name: str = "units.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def run(*args: str) -> Any:
    return runner.invoke(app, ["decide", "referendum", *args])


def run_json(*args: str) -> dict[str, Any]:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_ruleset_choices_match_the_domain() -> None:
    assert tuple(r.value for r in RulesetName) == REFERENDUM_RULESETS


def test_constitutional_json(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    j = run_json("--ruleset", "kz-2022", "--constitutional", str(path))
    assert j["valid"] is True
    assert j["adopted"] is True
    assert j["state"] == "adopted"
    assert j["failed_condition"] is None
    assert j["question"] == "constitutional"
    assert j["ruleset"] == "kz-2022"
    # 2,080 of 3,000 took part; 1,300 of 2,080 said yes.
    assert j["turnout"] == {"fraction": "52/75", "percent": "69.33"}
    assert j["yes_share"] == {"fraction": "5/8", "percent": "62.50"}
    assert (j["units_total"], j["units_with_majority"], j["units_required"]) == (3, 2, 2)
    assert j["readings"] == {
        "participants": "ballots-in-boxes",
        "two_thirds": "exact",
        "national_majority": "not-required",
    }
    assert [u["unit"] for u in j["units"]] == ["akmola", "almaty", "astana"]
    assert [u["majority"] for u in j["units"]] == [True, False, True]
    assert all(isinstance(s, str) for s in j["explanation"])
    assert "identical under kz-2007, kz-2022 and kz-2026" in j["explanation"][0]
    assert any("UNVERIFIED" in s for s in j["explanation"])


def test_ordinary_json_has_no_units_required(tmp_path: Path) -> None:
    j = run_json("--ruleset", "generic", "--ordinary", str(write(tmp_path, GOOD)))
    assert j["question"] == "ordinary"
    assert j["units_required"] is None
    assert j["adopted"] is True


def test_readings_are_used_and_reported(tmp_path: Path) -> None:
    text = f"{HEADER}\n" + "\n".join(
        f"u{i:02d},100,80,80,{60 if i < 11 else 30},{20 if i < 11 else 50},0,0" for i in range(17)
    )
    path = write(tmp_path, text)
    exact = run_json("--ruleset", "kz-2022", "--constitutional", str(path))
    assert exact["adopted"] is False
    assert exact["failed_condition"] == "units_two_thirds"
    assert exact["units_required"] == 12
    floor = run_json("--ruleset", "kz-2022", "--constitutional", "--two-thirds", "floor", str(path))
    assert floor["adopted"] is True
    assert floor["units_required"] == 11
    assert floor["readings"]["two_thirds"] == "floor"
    issued = run_json("--ruleset", "kz-2022", "--participants", "ballots-issued", str(path))
    assert issued["readings"]["participants"] == "ballots-issued"


def test_constitutional_is_the_default_as_in_election_create(tmp_path: Path) -> None:
    # one default for both commands that say what kind of question a referendum asks: the
    # constitutional amendments of 2022, which every other default of `election create` names
    path = write(tmp_path, GOOD)
    assert run_json("--ruleset", "kz-2022", str(path))["question"] == "constitutional"
    assert run_json("--ruleset", "kz-2022", "--ordinary", str(path))["question"] == "ordinary"
    for command in (["decide", "referendum"], ["election", "create"]):
        r = runner.invoke(cli, [*command, "--help"], env={"COLUMNS": "200"})
        assert r.exit_code == 0, r.output
        text = " ".join(re.sub(r"[│╭╮╰╯─]", " ", r.stdout).split())
        assert "[default: constitutional]" in text, command
        assert "(the default of every command, as in the 2022 referendum)" in text, command


def test_table_output(tmp_path: Path) -> None:
    result = run("--ruleset", "kz-2026", "--constitutional", str(write(tmp_path, GOOD)))
    assert result.exit_code == 0, result.output
    assert "akmola" in result.stdout
    assert "Decision: ADOPTED" in result.stdout
    assert "Art. 31(2)" in result.stdout


@pytest.mark.parametrize(
    ("content", "needles"),
    [
        (
            "unit,registered,ballots_issued,ballots_in_boxes,yes,no,both_marked\na,1,1,1,1,0,0\n",
            ["line 1", "field invalid", "expected a column named 'invalid'"],
        ),
        (f"{HEADER}\na,1000,,x,1,0,0,0\n", ["line 2", "field ballots_in_boxes", "got x"]),
        (f"{HEADER}\na,1000,,1.5,1,0,0,0\n", ["line 2", "field ballots_in_boxes", "got 1.5"]),
        (f"{HEADER}\na,1000,,5,5,0,0,0\nb,1000,,5,-1,0,0,0\n", ["line 3", "field yes", "got -1"]),
        ("", ["line 1", "field header", "the file is empty"]),
        ("\n\n", ["line 1", "field header", "the file is empty"]),
        (f"{HEADER}\n", ["line 2", "field units", "no units"]),
        (
            f"{HEADER}\na,1000,,5,1,1,1,1\n",
            ["line 2", "unit a", "field ballots_in_boxes", "expected 4", "got 5"],
        ),
        (f"{HEADER}\na,1000,,5,5,0,0\n", ["line 2", "field row", "expected 8 cells", "got 7"]),
        (f"{HEADER},extra\na,1000,,5,5,0,0,0,1\n", ["line 1", "field extra", "unknown column"]),
        (
            f"{HEADER}\na,1000,,5,5,0,0,0\na,1000,,5,5,0,0,0\n",
            ["line 3", "field unit", "also on line 2"],
        ),
        (f"{HEADER}\na,0,,0,0,0,0,0\n", ["line 2", "field registered", "expected more than 0"]),
        (
            f"{HEADER}\na,100,80,90,90,0,0,0\n",
            ["line 2", "field ballots_in_boxes", "expected <= 80"],
        ),
    ],
)
def test_bad_files_exit_2_and_name_line_field_expected_actual(
    tmp_path: Path, content: str, needles: list[str]
) -> None:
    result = run("--ruleset", "kz-2022", "--json", str(write(tmp_path, content)))
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")
    for needle in needles:
        assert needle in result.stderr, result.stderr


def test_bad_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\n".encode() + b"\xff\xfeakmola,1,1,1,1,0,0,0\n")
    result = run("--ruleset", "kz-2022", str(path))
    assert result.exit_code == 2
    assert "line 2" in result.stderr
    assert "field encoding" in result.stderr
    assert "UTF-8" in result.stderr


def test_utf8_bom_and_cyrillic_names(tmp_path: Path) -> None:
    text = "\ufeff" + HEADER + ",name\nakmola,1000,,690,500,150,20,20,Ақмола облысы\n"
    j = run_json("--ruleset", "kz-2022", str(write(tmp_path, text)))
    assert j["units"][0]["name"] == "Ақмола облысы"


def test_ballots_issued_reading_needs_the_column_filled(tmp_path: Path) -> None:
    result = run(
        "--ruleset", "kz-2022", "--participants", "ballots-issued", str(write(tmp_path, GOOD))
    )
    assert result.exit_code == 2
    assert "line 3" in result.stderr
    assert "unit almaty" in result.stderr
    assert "field ballots_issued" in result.stderr
    assert "got missing" in result.stderr


def test_missing_file(tmp_path: Path) -> None:
    result = run("--ruleset", "kz-2022", str(tmp_path / "nope.csv"))
    assert result.exit_code == 2
    assert "field file" in result.stderr


def test_unknown_ruleset_is_a_usage_error(tmp_path: Path) -> None:
    result = run("--ruleset", "kz-1995", str(write(tmp_path, GOOD)))
    assert result.exit_code == 2
    assert "kz-1995" in result.stderr
