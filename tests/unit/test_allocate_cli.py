"""`saylau allocate` and `saylau decide district|president|senate-seat`: JSON and bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from saylau.cli.allocate import allocate_command
from saylau.cli.decide import decide_app

app = typer.Typer()
app.command("allocate")(allocate_command)
app.add_typer(decide_app, name="decide")
runner = CliRunner()

KZ = """party,votes,registration_order
A,8500,1
B,500,2
C,400,3
AGAINST_ALL,600,
"""


def write(tmp_path: Path, text: str, name: str = "votes.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str) -> Any:
    return runner.invoke(app, list(args))


def run_json(*args: str) -> dict[str, Any]:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


# --- allocate ---------------------------------------------------------------------------------


def test_allocate_kz_2022_json(tmp_path: Path) -> None:
    j = run_json("allocate", "--ruleset", "kz-2022", str(write(tmp_path, KZ)))
    # Base 10,000 (parties + against all): B has exactly 5.000% and passes; C 4% does not.
    assert j["passed"] == ["A", "B"]
    assert j["seats"] == {"A": 65, "B": 4, "C": 0}
    assert j["threshold_base"]["votes"] == 10_000
    assert j["threshold_base"]["reading"] == "parties-and-against-all"
    assert j["ties"] == []
    assert j["readings"]["threshold_base"] == "parties-and-against-all"
    assert "threshold_base" in j["unverified"]
    assert all(isinstance(s, str) for s in j["explanation"])


def test_allocate_quota_is_exact(tmp_path: Path) -> None:
    j = run_json("allocate", "--ruleset", "kz-2022", str(write(tmp_path, KZ)))
    assert j["quota"]["fraction"] == "3000/23"  # 9,000 / 69
    assert j["quota"]["decimal"] == "130.434783"


@pytest.mark.parametrize(
    ("method", "seats"),
    [("hare", {"A": 5, "B": 4, "C": 1}), ("droop", {"A": 5, "B": 4, "C": 1}),
     ("dhondt", {"A": 6, "B": 4, "C": 0}), ("sainte-lague", {"A": 5, "B": 4, "C": 1})],
)
def test_allocate_generic_methods(tmp_path: Path, method: str, seats: dict[str, int]) -> None:
    path = write(tmp_path, "party,votes,registration_order\nA,6100,1\nB,5000,2\nC,900,3\n")
    j = run_json("allocate", "--ruleset", "generic", "--seats", "10", "--method", method,
                 str(path))
    assert j["seats"] == seats
    assert j["method"] == method
    if method in ("dhondt", "sainte-lague"):
        assert j["quota"] is None


def test_allocate_threshold_is_an_exact_decimal(tmp_path: Path) -> None:
    # 35 of 1,000 = exactly 3.5%: passes "not less than" 3.5; 34 does not.
    path = write(tmp_path, "party,votes\nA,931\nB,35\nC,34\n")
    j = run_json("allocate", "--ruleset", "generic", "--seats", "10", "--threshold", "3.5",
                 str(path))
    assert j["passed"] == ["A", "B"]
    assert j["threshold"] == {"fraction": "7/200", "percent": "3.50"}


def test_allocate_tie_needs_order_or_seed(tmp_path: Path) -> None:
    path = write(tmp_path, "party,votes,registration_order\nA,100,\nB,100,\nC,100,3\n")
    result = run("allocate", "--ruleset", "generic", "--seats", "2", str(path), "--json")
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert doc["outcome"] == "tie"
    assert doc["ties"][0]["parties"] == ["A", "B", "C"]
    assert "registration_order for A, B" in result.stderr
    assert "--seed" in result.stderr

    seeded = run_json("allocate", "--ruleset", "generic", "--seats", "2", "--seed",
                      "9f86d081884c7d65", str(path))
    assert seeded["ties"] == []
    assert seeded["tie_breaks"][0]["rule"] == "lot"
    assert sum(seeded["seats"].values()) == 2
    assert seeded["lot"]["seed"] == "9f86d081884c7d65"

    ordered = write(tmp_path, "party,votes,registration_order\nA,100,2\nB,100,1\nC,100,3\n",
                    "ordered.csv")
    by_order = run_json("allocate", "--ruleset", "generic", "--seats", "2", str(ordered))
    assert by_order["seats"] == {"A": 1, "B": 1, "C": 0}
    assert by_order["tie_breaks"][0]["rule"] == "registration-order"


@pytest.mark.parametrize(
    ("args", "text", "needle"),
    [
        (["--ruleset", "generic", "--seats", "3"], "party,votes\nA,-1\n", "cannot be negative"),
        (["--ruleset", "generic", "--seats", "3"], "party,votes\nA,1\nA,2\n", "appears again"),
        (["--ruleset", "generic", "--seats", "3", "--threshold", "100.5"], "party,votes\nA,1\n",
         "out of range"),
        (["--ruleset", "generic", "--seats", "3", "--threshold", "-1"], "party,votes\nA,1\n",
         "out of range"),
        (["--ruleset", "generic", "--seats", "3", "--threshold", "five"], "party,votes\nA,1\n",
         "not a decimal percent"),
        (["--ruleset", "generic"], "party,votes\nA,1\n", "needs the number of seats"),
        (["--ruleset", "generic", "--seats", "3", "--seed", "xyz"], "party,votes\nA,1\n",
         "not hexadecimal"),
        (["--ruleset", "kz-2022", "--seats", "70"], "party,votes\nA,1\n", "fixes 69 seats"),
        (["--ruleset", "kz-2007"], "party,votes\nA,1\nAGAINST_ALL,1\n", "not on the ballot"),
        (["--ruleset", "kz-2007"], "party,votes\n" + "".join(f"P{i},1\n" for i in range(20)),
         "no party reached"),
    ],
)
def test_allocate_bad_input_exit_2(tmp_path: Path, args: list[str], text: str,
                                   needle: str) -> None:
    result = run("allocate", *args, str(write(tmp_path, text)), "--json")
    assert result.exit_code == 2, result.output
    assert needle in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_allocate_error_names_the_line(tmp_path: Path) -> None:
    result = run("allocate", "--ruleset", "kz-2007",
                 str(write(tmp_path, "party,votes\nA,1\nAGAINST_ALL,5\n")))
    assert result.exit_code == 2
    assert "line 3" in result.stderr


def test_allocate_missing_file(tmp_path: Path) -> None:
    result = run("allocate", "--ruleset", "kz-2022", str(tmp_path / "nope.csv"))
    assert result.exit_code == 2
    assert "cannot read the file" in result.stderr


def test_allocate_table_output(tmp_path: Path) -> None:
    result = run("allocate", "--ruleset", "kz-2022", str(write(tmp_path, KZ)))
    assert result.exit_code == 0, result.output
    assert "ALLOCATED" in result.stdout
    assert "UNVERIFIED" in result.stdout


def test_allocate_is_registered_in_the_main_app() -> None:
    from saylau.cli.main import app as main_app

    result = runner.invoke(main_app, ["allocate", "--help"])
    assert result.exit_code == 0
    assert "--ruleset" in result.stdout


# --- decide district | president | senate-seat ------------------------------------------------


def test_decide_district_json(tmp_path: Path) -> None:
    path = write(tmp_path, "candidate,votes\nA,300\nB,200\nAGAINST_ALL,301\nINVALID,9\n")
    j = run_json("decide", "district", "--ruleset", "kz-2022", str(path))
    assert j["outcome"] == "repeat"
    assert j["winner"] is None
    assert j["runoff"] is None
    assert j["participants"] == 810
    assert j["shares"]["AGAINST_ALL"]["votes"] == 301
    assert j["explanation"]


def test_decide_district_tie(tmp_path: Path) -> None:
    path = write(tmp_path, "candidate,votes\nA,300\nB,300\n")
    j = run_json("decide", "district", "--ruleset", "kz-2022", str(path))
    assert j["outcome"] == "tie"
    assert j["tie"]["candidates"] == ["A", "B"]


def test_decide_president_json(tmp_path: Path) -> None:
    path = write(tmp_path, "candidate,votes\nA,500\nB,300\nC,100\nAGAINST_ALL,100\n")
    j = run_json("decide", "president", "--ruleset", "kz-2022", str(path))
    assert (j["outcome"], j["winner"], j["runoff"]) == ("runoff", None, ["A", "B"])
    r2 = run_json("decide", "president", "--ruleset", "kz-2022", "--round", "2",
                  str(write(tmp_path, "candidate,votes\nA,500\nB,501\n", "r2.csv")))
    assert (r2["outcome"], r2["winner"]) == ("elected", "B")


def test_decide_senate_seat_json(tmp_path: Path) -> None:
    path = write(tmp_path, "candidate,votes\nA,120\nB,80\n")
    j = run_json("decide", "senate-seat", "--ruleset", "kz-2022", "--electors", "300",
                 "--electors-present", "200", str(path))
    assert (j["outcome"], j["winner"]) == ("elected", "A")
    few = write(tmp_path, "candidate,votes\nA,100\nB,50\n", "few.csv")
    bad = run_json("decide", "senate-seat", "--ruleset", "kz-2022", "--electors", "300",
                   "--electors-present", "150", str(few))
    assert bad["outcome"] == "invalid"


def test_decide_candidates_table_output(tmp_path: Path) -> None:
    path = write(tmp_path, "candidate,votes\nA,120\nB,80\n")
    result = run("decide", "president", "--ruleset", "kz-2022", str(path))
    assert result.exit_code == 0, result.output
    assert "Decision: ELECTED: A" in result.stdout


@pytest.mark.parametrize(
    ("args", "text", "needle"),
    [
        (["district", "--ruleset", "kz-2007"], "candidate,votes\nA,1\n", "no single-member"),
        (["district", "--ruleset", "kz-2022"], "candidate,votes\nA,-1\n", "cannot be negative"),
        (["district", "--ruleset", "kz-2022"], "candidate,votes\nA,1\na,1\n", "appears again"),
        (["president", "--ruleset", "kz-2007"], "candidate,votes\nA,1\nAGAINST_ALL,1\n",
         "not on this ballot"),
        (["president", "--ruleset", "kz-2022", "--round", "2"], "candidate,votes\nA,1\n",
         "between two candidates"),
        (["senate-seat", "--ruleset", "kz-2026", "--electors", "3", "--electors-present", "2"],
         "candidate,votes\nA,1\n", "no Senate"),
        (["senate-seat", "--ruleset", "kz-2022", "--electors", "3", "--electors-present", "2"],
         "candidate,votes\nA,5\n", "exceed the electors"),
    ],
)
def test_decide_candidates_bad_input_exit_2(tmp_path: Path, args: list[str], text: str,
                                            needle: str) -> None:
    result = run("decide", *args, str(write(tmp_path, text)), "--json")
    assert result.exit_code == 2, result.output
    assert needle in result.stderr
    assert result.stdout == ""
