"""`saylau audit ...` end to end on a store: begin, plan, seed, sample, assign, enter (two
auditors), measure, report; and the deprecated `audit list` still answering."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from saylau.cli.main import app as cli
from saylau.services.context import Saylau
from tests.integration.test_audits import DICE, _hand, counted  # noqa: F401 - the fixture


def _run(*args: str) -> Any:
    r = CliRunner().invoke(cli, list(args))
    assert r.exit_code == 0, (args, r.output)
    return r


def test_an_audit_through_the_command_line(counted: Any, tmp_path: Path) -> None:  # noqa: F811
    app, contest, figures = counted
    assert isinstance(app, Saylau)
    db = ["--database", app.engine.url.render_as_string(hide_password=False)]
    audit = _run("audit", "begin", contest, "--risk-limit", "0.1", *db).stdout.strip()
    plan = _run("audit", "plan", audit, *db).stdout
    assert "90%" in plan and "error bound" in plan
    _run("audit", "seed", audit, "--dice", " ".join(map(str, DICE)), "--observer", "A. One",
         "--observer", "B. Two", *db)
    sampled = _run("audit", "sample", audit, "--chance", "0.9", *db).stdout
    assert "draws" in sampled
    report = json.loads(_run("audit", "report", audit, "--json", *db).stdout)
    stations = sorted({s for r in report["rounds"] for s in r["stations"]})
    for name in ("aud-1", "aud-2"):
        _run("audit", "assign", audit, name, *db)
    for s in stations:
        h = _hand(figures[s])
        text = ",".join(f"{k}={v}" for k, v in h.items())
        for name in ("aud-1", "aud-2"):
            _run("audit", "enter", audit, s, "--auditor", name, "--counts", text, *db)
    bad = CliRunner().invoke(cli, ["audit", "enter", audit, stations[0], "--auditor",
                                   "aud-9", "--counts", "yes=1,no=1,both_marked=0,invalid=0",
                                   *db])
    assert bad.exit_code == 2 and "not assigned" in bad.stderr
    measured = _run("audit", "measure", audit, *db).stdout
    assert "confirmed" in measured
    text = _run("audit", "report", audit, *db).stdout
    assert "confirmed" in text and "observers A. One, B. Two" in text
    assert audit in _run("audit", "report", *db).stdout
    old = CliRunner().invoke(cli, ["audit", "list", "--limit", "1", *db])
    assert old.exit_code == 0 and "deprecated" in old.stderr


def test_the_demo_night_ends_with_one_audit_confirming_and_one_escalating(
        tmp_path: Path) -> None:
    from saylau.services import audits

    db = tmp_path / "night.db"
    r = CliRunner().invoke(cli, ["demo", "--stations", "120", "--instant", "--database",
                                 str(db)])
    assert r.exit_code == 0, r.output
    assert "risk-limiting audits of the outcome:" in r.stdout
    app = Saylau.open(f"sqlite:///{db}")
    try:
        ids = [a for a, _e, _c in audits.list_audits(app)]
        assert len(ids) == 2
        first, second = (audits.report(app, a) for a in ids)
        assert first.state == "confirmed" and len(first.rounds) == 1
        assert float(first.risk or 1) <= 0.05 and not first.discrepancies
        assert second.state == "full-hand-count" and len(second.discrepancies) == 3
    finally:
        app.engine.dispose()
