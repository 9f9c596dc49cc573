"""`saylau integrity run` and `saylau pvt plan|sample|estimate` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saylau.cli.main import app as cli
from saylau.domain.integrity import pvt
from tests.conftest import shared_file

runner = CliRunner()


def _frame_and_reports(tmp: Path) -> tuple[Path, list[str]]:
    lines = ["station,stratum,registered"]
    for h in range(3):
        for i in range(30):
            lines.append(f"U{h}-S{i},U{h},{1000 + 10 * i}")
    frame = tmp / "frame.csv"
    frame.write_text("\n".join(lines) + "\n")
    return frame, [line.split(",")[0] for line in lines[1:]]


def test_pvt_plan_sample_estimate_on_files(tmp_path: Path) -> None:
    frame, _stations = _frame_and_reports(tmp_path)
    plan = runner.invoke(cli, ["pvt", "plan", "--frame", str(frame), "--margin", "0.05"])
    assert plan.exit_code == 0, plan.output
    sample = runner.invoke(cli, ["pvt", "sample", "--frame", str(frame), "--margin", "0.05",
                                 "--seed", "s3cret"])
    assert sample.exit_code == 0, sample.output
    drawn = json.loads(sample.output)
    assert drawn["commitment"] == pvt.commit("s3cret")
    rows = ["station,registered,given,valid,A,B"]
    for k, s in enumerate(drawn["sample"]):
        reg = 1000 + 10 * int(s.split("-S")[1])
        rows.append(f"{s},{reg},{600 + k},{590 + k},{300 + 3 * k},{290 - 2 * k}")
    reports = tmp_path / "reports.csv"
    reports.write_text("\n".join(rows) + "\n")
    est = runner.invoke(cli, ["pvt", "estimate", "--frame", str(frame), "--margin", "0.05",
                              "--seed", "s3cret", "--commitment", pvt.commit("s3cret"),
                              "--reports", str(reports)])
    assert est.exit_code == 0, est.output
    qc = json.loads(est.output)
    assert qc["reported"] == len(drawn["sample"])
    assert qc["shares"]["A"]["low"] < qc["shares"]["A"]["value"] < qc["shares"]["A"]["high"]
    wrong = runner.invoke(cli, ["pvt", "estimate", "--frame", str(frame), "--margin", "0.05",
                                "--seed", "another", "--commitment", pvt.commit("s3cret"),
                                "--reports", str(reports)])
    assert wrong.exit_code == 2
    assert "commitment" in wrong.output


@pytest.mark.shared
def test_integrity_run_on_albania_2013(tmp_path: Path) -> None:
    f = shared_file("data/forensics/albania/al2013_parliament.csv")
    plots = tmp_path / "plots"
    res = runner.invoke(cli, ["integrity", "run", "--import", "albania-2013", str(f),
                              "--json", "--draws", "200", "--calibration", "0",
                              "--plots", str(plots)])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout[res.stdout.index("{"):])
    assert out["integer"]["signal"] is False
    assert out["caveat"] == "These are signals that warrant a look, not proof of fraud."
    assert sorted(p.name for p in plots.iterdir()) == [
        "fingerprint.vl.json", "integer-leader.vl.json", "integer-turnout.vl.json"]
    table = runner.invoke(cli, ["integrity", "run", "--import", "albania-2013", str(f),
                                "--draws", "100", "--calibration", "0"])
    assert table.exit_code == 0
    assert "not proof of fraud" in table.output
    est = runner.invoke(cli, ["pvt", "estimate", "--import", "albania-2013", str(f),
                              "--seed", "x", "--margin", "0.01", "--reports-from-import"])
    assert est.exit_code == 0, est.output
    national = [c for c in json.loads(est.stdout[est.stdout.index("{"):])["comparison"]
                if c["unit"] == ""]
    assert national and not any(c["outside"] for c in national)


def test_a_stored_election_runs_with_its_fixed_parameters_only(tmp_path: Path) -> None:
    r = runner.invoke(cli, ["integrity", "run", "--election", "ref-2022", "--draws", "50",
                            "--database", str(tmp_path / "x.db")])
    assert r.exit_code == 2, r.output
    assert "parameters fixed in the election's record" in r.output
    assert "--draws/--calibration" in r.output


@pytest.mark.parametrize(("official", "outside", "said"), [
    (0.6892, False, "turnout official 68.92% against the quick count's [67.74, 69.24], inside it"),
    (0.6899, True, "turnout official 68.99% against the quick count's [69.07, 70.59], OUTSIDE it: "
                   "a signal"),
])
def test_demo_line_says_whether_the_official_figure_is_inside_the_interval(
        official: float, outside: bool, said: str) -> None:
    """The demo's integrity line once wrote "68.99% in [69.07, 70.59]" for a figure outside its
    interval: it now says against which interval, and where the figure lies."""
    from saylau.cli.integrity import against_interval

    low, high = (0.6774, 0.6924) if not outside else (0.6907, 0.7059)
    c = {"figure": "turnout", "official": official, "outside": outside,
         "estimate": {"low": low, "high": high}}
    assert against_interval(c) == said
