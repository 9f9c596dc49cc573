"""`saylau observers ...` as the central commission uses it (issue 12), on SQLite and
PostgreSQL: a mission, applications, accreditation (and its deadline), deployment from a CSV
file (all or nothing), and the report as tables and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saylau.cli.main import app as cli
from saylau.domain.ids import OptionId, StationId
from saylau.domain.protocols import ProtocolCounts
from saylau.services.context import Saylau
from saylau.services.observation import reports
from saylau.services.observation.identity import observer_token_name
from saylau.services.protocols import submit_protocol
from saylau.services.tokens import authenticate
from tests.integration.support import protocol
from tests.integration.test_observation import ADMIN

runner = CliRunner()


def _run(db: str, *args: str) -> tuple[int, str, str]:
    r = runner.invoke(cli,
                      ["observers", *args, "--database", db], env={"COLUMNS": "100"})
    return r.exit_code, r.stdout, r.stderr


def test_observers_commands(referendum: tuple[Saylau, str], tmp_path: Path) -> None:
    app, contest = referendum
    db = app.engine.url.render_as_string(hide_password=False)
    code, out, _ = _run(db, "mission", "create", "NGO-ADAL", "--name", "Adal",
                        "--organisation", "association")
    assert code == 0 and "mission NGO-ADAL (domestic, association) created in ref" in out
    code, out, _ = _run(db, "mission", "create", "ODIHR", "--name", "ODIHR",
                        "--organisation", "odihr")
    assert code == 0
    badges = []
    for name in ("One", "Two"):
        code, out, _ = _run(db, "mission", "apply", "NGO-ADAL", name)
        assert code == 0
        badges.append(out.strip())
    assert badges == ["NGO-ADAL-0001", "NGO-ADAL-0002"]
    code, out, _ = _run(db, "mission", "accredit", badges[0])
    assert code == 0
    who = authenticate(app, out.strip())
    assert who.name == observer_token_name("ref", badges[0])
    # the referendum's voting day is past: an international mission's accreditation is closed
    code, out, _ = _run(db, "mission", "apply", "ODIHR", "Late")
    code, _, err = _run(db, "mission", "accredit", out.strip())
    assert code == 2 and "accreditation for ODIHR closed" in err
    code, _, err = _run(db, "mission", "refuse", badges[1], "--reason", "no papers")
    assert code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(f"badge,station\n{badges[0]},KZ-71-D0-S0\n{badges[1]},KZ-71-D0-S1\n")
    code, _, err = _run(db, "mission", "import", "NGO-ADAL", str(bad))
    assert code == 2
    assert "nothing was imported" in err and "NGO-ADAL-0002" in err
    good = tmp_path / "good.csv"
    good.write_text(f"badge,station\n{badges[0]},KZ-71-D0-S0\n")
    code, out, _ = _run(db, "mission", "import", "NGO-ADAL", str(good))
    assert code == 0 and "1 deployment(s) added" in out
    reg = app.geography().unit(StationId("KZ-71-D0-S0")).registered  # type: ignore[arg-type]
    p = protocol("KZ-71-D0-S0", reg)
    figs = {k: v for k, v in p.items() if k not in ("station", "votes")}
    figs.update({f"votes.{o}": v for o, v in p["votes"].items()})
    figs["votes.yes"] -= 5
    figs["votes.no"] += 5
    reports.submit_copy(app, who, contest, "KZ-71-D0-S0", figs)
    counts = ProtocolCounts.of(**{k: v for k, v in p.items() if k not in ("station", "votes")},
                               votes={OptionId(o): v for o, v in p["votes"].items()})
    submit_protocol(app, ADMIN, contest, "KZ-71-D0-S0", counts)
    code, out, _ = _run(db, "report", "--json")
    assert code == 0
    doc = json.loads(out)
    (rep,) = doc["comparison"]
    assert rep["summary"]["differs"] == 1
    (st,) = [s for s in rep["stations"] if s["station"] == "KZ-71-D0-S0"]
    assert {d["field"] for d in st["differences"]} == {"votes.yes", "votes.no"}
    assert any("UNVERIFIED" in line for line in doc["rules"])
    code, out, _ = _run(db, "report", "--problems")
    assert code == 0
    assert "KZ-71-D0-S0" in out and "differs" in out and "votes.yes: official" in out


def test_the_demo_observes_the_night(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`saylau demo` registers ODIHR, CIS and a domestic NGO, replays checklists, incidents
    and copies through the API, a few disagreeing: the comparison shows them."""
    import re

    monkeypatch.chdir(tmp_path)
    r = runner.invoke(cli, ["demo", "--stations", "60", "--instant", "--database",
                            str(tmp_path / "demo.db")])
    assert r.exit_code == 0, r.output
    m = re.search(r"observation: 3 missions, (\d+) observers accredited and deployed; "
                  r"(\d+) checklists, (\d+) incidents, (\d+) protocol copies \((\d+) copied "
                  r"differently\); 0 failures", r.stdout)
    assert m is not None, r.stdout
    observers, checklists, _, copies, differing = map(int, m.groups())
    assert checklists == 3 * observers and copies == observers and differing >= 1
    summary = re.search(r"comparison: matches (\d+), differs (\d+), official missing 0, "
                        r"observer missing (\d+), conflict (\d+)", r.stdout)
    assert summary is not None, r.stdout
    assert int(summary[2]) + int(summary[4]) >= 1
