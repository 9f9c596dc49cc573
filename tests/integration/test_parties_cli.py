"""`saylau parties ...` as the ministry and a party use it, in an empty folder: apply, import
lists, the barred register, decide (recorded, and a file side by side under kz-2007 and
kz-2022), the register and the conflicts; no output holds an IIN."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saylau.cli.main import app
from saylau.domain.parties.synthetic import BadShares, member_list, random_iin, to_csv
from saylau.services.parties.register import regions

runner = CliRunner()


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SAYLAU_DATABASE_URL", raising=False)
    monkeypatch.delenv("SAYLAU_PARTIES_KEY", raising=False)
    monkeypatch.setenv("COLUMNS", "120")
    return tmp_path


SEEN: list[str] = []


def _run(*args: str) -> str:
    """The command's stdout (its stderr is kept for the scan too)."""
    r = runner.invoke(app, ["parties", *args])
    assert r.exit_code == 0, r.output
    SEEN.append(r.stderr)
    return r.stdout


def test_a_season_from_the_command_line(folder: Path) -> None:
    a = member_list(1, 0, regions(), per_region=[260] * 20)
    barred = [random_iin(random.Random(7))]
    b = member_list(2, 300, regions(), shares=BadShares(check_digit=0.1, other_party=0.1,
                                                        barred=0.02),
                    other_party=a.iins[:100], barred=barred)
    (folder / "a.csv").write_text(to_csv(a))
    (folder / "b.csv").write_text(to_csv(b))
    (folder / "barred.csv").write_text(f"iin,category\n{barred[0]},cec\n")
    outputs = [_run("decide", "a.csv", "--rulesets", "kz-2007,kz-2022", "--founders", "800",
                    "--formed", "2022-07-01", "--congress", "2022-09-01",
                    "--submitted", "2022-10-15")]
    assert re.search(r"decision\s+refused\s+registered", outputs[0])
    for pid in ("alpha", "beta"):
        outputs.append(_run("apply", pid, "--name", pid.title(), "--founders", "800",
                            "--formed", "2022-07-01", "--congress", "2022-09-01",
                            "--submitted", "2022-10-15"))
    outputs.append(_run("import-barred", "barred.csv"))
    outputs.append(_run("import-members", "alpha", "a.csv"))
    outputs.append(_run("import-members", "beta", "b.csv", "--json"))
    assert json.loads(outputs[-1])["findings_by_code"]["iin.check_digit"] > 10
    outputs.append(_run("conflicts", "--party", "beta"))
    assert "conflict(s)" in outputs[-1] and "alpha" in outputs[-1]
    outputs.append(_run("decide", "alpha", "--rulesets", "kz-2007"))
    assert "recorded: registered" in outputs[-1]
    outputs.append(_run("decide", "beta", "--json"))
    beta = json.loads(outputs[-1])
    assert beta["decisions"][0]["decision"] == "refused"
    codes = {f["code"] for r in beta["rows_with_findings"] for f in r["findings"]}
    assert {"iin.check_digit", "member.other_party", "member.barred"} <= codes
    outputs.append(_run("list"))
    assert re.search(r"alpha\s+Alpha\s+kz-2022\s+registered\s+5,200", outputs[-1])
    text = "\n".join(outputs + SEEN)
    assert not {*a.iins, *b.iins, *barred} & set(re.findall(r"[0-9]{12}", text))


def test_errors_name_what_is_wrong_without_the_iin(folder: Path) -> None:
    (folder / "bad.csv").write_text("name,iin\nA,061211600012\n")
    r = runner.invoke(app, ["parties", "decide", "bad.csv"])
    assert r.exit_code == 2
    assert "missing full_name" in r.output
    assert "061211600012" not in r.output
    r = runner.invoke(app, ["parties", "decide", "nobody"])
    assert r.exit_code == 2 and "no party application 'nobody'" in r.output


def test_a_correction_reads_the_iin_from_stdin(folder: Path) -> None:
    cols = member_list(8, 2, regions())
    (folder / "l.csv").write_text(to_csv(cols))
    _run("apply", "eta", "--name", "Eta", "--founders", "700", "--submitted", "2022-10-15")
    _run("import-members", "eta", "l.csv")
    r = runner.invoke(app, ["parties", "correct", "eta", "1", "--corrects", "1", "--reason",
                            "typo in the IIN", "--iin-stdin"], input="061211600013\n")
    assert r.exit_code == 0, r.output
    assert "version 2" in r.stdout and "check digit" in r.stdout
    assert "061211600013" not in r.output
    r = runner.invoke(app, ["parties", "correct", "eta", "2", "--corrects", "1", "--reason",
                            "left", "--withdraw"])
    assert r.exit_code == 0 and "(withdrawn)" in r.stdout
