"""Observers' reports and copies are leaves of the election's log, and `saylau verify`
re-derives the comparison from an exported record (issue 12), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from saylau.cli.main import app as cli
from saylau.domain.ids import StationId
from saylau.domain.observation.record import derive
from saylau.services.context import Saylau
from saylau.services.observation import compare, deployment, reports
from saylau.services.record import all_leaves, export_record
from tests.integration.support import protocol
from tests.integration.test_observation import (
    _accredited,
    _early,
    _figures,
    _mission,
    _observer,
    _official,
)

S1, S2 = "KZ-71-D0-S0", "KZ-71-D0-S1"


def _night(app: Saylau, contest: str) -> None:
    _early(app)
    a, = _accredited(app, "ODIHR", "odihr")
    c, = _accredited(app, "CIS", "cis")
    for badge, code in ((a, "ODIHR"), (c, "CIS")):
        deployment.deploy(app, _mission("ref", code), "ref", badge, S1)
    deployment.deploy(app, _mission("ref", "ODIHR"), "ref", a, S2)
    reg1 = app.geography().unit(StationId(S1)).registered  # type: ignore[arg-type]
    reg2 = app.geography().unit(StationId(S2)).registered  # type: ignore[arg-type]
    reports.submit_report(app, _observer("ref", a), "ref", S1, "opening",
                          {"opened_on_time": True, "boxes_sealed": True})
    reports.submit_copy(app, _observer("ref", a), contest, S1, _figures(protocol(S1, reg1)))
    reports.submit_copy(app, _observer("ref", c), contest, S1,
                        _figures(protocol(S1, reg1, yes=100)))
    reports.submit_copy(app, _observer("ref", c), contest, S1,
                        _figures(protocol(S1, reg1)), correction=True, corrects=1,
                        reason="misread")
    reports.submit_copy(app, _observer("ref", a), contest, S2,
                        _figures(protocol(S2, reg2, yes=10)))
    _official(app, contest, S1)
    _official(app, contest, S2)


def test_the_leaves_give_the_live_comparison(referendum: tuple[Saylau, str]) -> None:
    app, contest = referendum
    _night(app, contest)
    leaves = list(all_leaves(app, "ref"))
    types = [json.loads(x)["type"] for x in leaves]
    assert types.count("observer-copy") == 4 and types.count("observer-report") == 1
    for x in leaves:  # observers appear by badge, never by name
        assert b"<script>" not in x and b"Observer 0" not in x
    derived = derive((i, json.loads(x)) for i, x in enumerate(leaves))
    assert derived.as_json() == compare.published_comparison(app, "ref")
    statuses = {s["station"]: s["status"] for s in derived.as_json()}
    assert (statuses[S1], statuses[S2]) == ("matches", "differs")


def test_verify_rederives_the_comparison_and_catches_an_edit(
        referendum: tuple[Saylau, str], tmp_path: Path) -> None:
    app, contest = referendum
    _night(app, contest)
    out = tmp_path / "record"
    export_record(app, "ref", out)
    r = CliRunner().invoke(cli, ["verify", str(out)])
    assert r.exit_code == 0, r.output
    assert "observer copies compared with the official protocols at" in r.stdout
    assert "equals the one re-derived" in r.stdout
    published = json.loads((out / "observation.json").read_text(encoding="utf-8"))
    for s in published:
        if s["station"] == S2:
            s["status"] = "matches"
    (out / "observation.json").write_text(json.dumps(published), encoding="utf-8")
    r = CliRunner().invoke(cli, ["verify", str(out)])
    assert r.exit_code == 1
    assert f"the published comparison of station {S2}" in r.stderr
    assert "'matches', the record gives 'differs'" in r.stderr
