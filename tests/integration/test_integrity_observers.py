"""The quick count fed by the observers' protocol copies (services/integrity/observers.py), on
SQLite and PostgreSQL: the sampled stations' copies become the quick count's reports (an
observer's figures, not the official ones), conflicts and missing copies are left out and
said, running it again stores nothing new, a settled conflict is taken; the command
`saylau integrity quick-count --from-observers` on the demo's night."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from saylau.cli.main import app as cli
from saylau.domain.access import Principal, Role
from saylau.domain.errors import Conflict
from saylau.domain.ids import ActorId, StationId
from saylau.domain.integrity import pvt
from saylau.services import integrity as svc
from saylau.services.context import Saylau
from saylau.services.integrity.observers import reports_from_observers
from saylau.services.observation import deployment, missions, reports
from saylau.services.observation.identity import mission_token_name, observer_token_name
from saylau.services.protocols import submit_protocol
from saylau.store import integrity as store
from tests.integration.support import error_of, make_api, protocol
from tests.integration.test_backup import counts

ADMIN = Principal(ActorId("cec"), Role.ADMIN)
SEED = "the domestic mission's secret"


def _figures(body: dict[str, Any]) -> dict[str, int]:
    out = {k: int(v) for k, v in body.items() if k not in ("station", "votes")}
    out.update({f"votes.{o}": int(v) for o, v in body["votes"].items()})
    return out


def _observer(badge: str) -> Principal:
    return Principal(ActorId(observer_token_name("ref", badge)), Role.OBSERVER)


def test_quick_count_from_the_observers_copies(referendum: tuple[Saylau, str]) -> None:
    app, contest = referendum
    svc.commit_seed(app, "ref", pvt.commit(SEED), 0.2, 0.1)
    app.clock = lambda: datetime(2022, 5, 20, 9, 0, tzinfo=UTC)  # the accreditation weeks
    heads = {}
    for code, org in (("NGO", "association"), ("CIS", "cis")):
        missions.create_mission(app, "ref", code, f"{code} mission", org, by="cec")
        heads[code] = Principal(ActorId(mission_token_name("ref", code)), Role.MISSION)
    a = missions.apply(app, heads["NGO"], "ref", "NGO", "Quick-count observer")
    b = missions.apply(app, heads["CIS"], "ref", "CIS", "Another mission's observer")
    for badge in (a, b):
        missions.accredit(app, "ref", badge, by="cec")
    drawn = svc.sample(app, "ref", SEED)  # the mission knows its own sample
    assert len(drawn) >= 4
    for s in drawn:
        deployment.deploy(app, heads["NGO"], "ref", a, s)
    deployment.deploy(app, heads["CIS"], "ref", b, drawn[0])
    for k, s in enumerate(app.geography().stations()):
        submit_protocol(app, ADMIN, contest, s.id, counts(s.registered, k))
    geo = app.geography()
    official = {s: _figures(protocol(s, geo.unit(StationId(s)).registered))
                for s in drawn}
    seen = dict(official)
    seen[drawn[1]] = {**official[drawn[1]], "votes.yes": official[drawn[1]]["votes.yes"] - 9,
                      "votes.no": official[drawn[1]]["votes.no"] + 9}
    for s in drawn[:-1]:  # the last sampled station's copy has not come in
        reports.submit_copy(app, _observer(a), contest, s, seen[s])
    disagree = {**seen[drawn[0]], "votes.yes": seen[drawn[0]]["votes.yes"] + 4,
                "votes.no": seen[drawn[0]]["votes.no"] - 4}
    reports.submit_copy(app, _observer(b), contest, drawn[0], disagree)
    with pytest.raises(Conflict) as e:
        reports_from_observers(app, "ref")
    assert e.value.code == "pvt_seed_hidden"
    svc.reveal_seed(app, "ref", SEED)

    fed = reports_from_observers(app, "ref")
    usable = len(drawn) - 2
    assert (fed["sample"], fed["from_copies"], fed["stored"], fed["missing"]) == (
        len(drawn), usable, usable, 1)
    assert fed["conflicts"] == [drawn[0]] and fed["incomplete"] == []
    assert fed["quick_count"]["reported"] == usable
    with app.read() as conn:
        rows = {r["station_id"]: r for r in store.latest_reports(conn, "ref")}
    assert {r["source"] for r in rows.values()} == {"observer"}
    # the observer's figures, not the official protocol's
    assert rows[drawn[1]]["votes"]["yes"] == official[drawn[1]]["votes.yes"] - 9
    national = {c["figure"]: c for c in fed["quick_count"]["comparison"] if c["unit"] == ""}
    assert {"turnout", "yes", "no"} <= set(national)

    again = reports_from_observers(app, "ref")  # nothing new: nothing stored
    assert (again["stored"], again["unchanged"]) == (0, usable)
    # the second observer corrects their copy: the conflict is settled and taken
    reports.submit_copy(app, _observer(b), contest, drawn[0], seen[drawn[0]], correction=True,
                        corrects=1, reason="misread the yes line")
    api = make_api(app, contest)  # the same through the API: the central commission's
    url = "/api/elections/ref/pvt/from-observers"
    assert api.client.post(url).status_code == 401
    assert api.client.post(url, headers=api.auth("observer")).status_code == 403
    r = api.client.post(url, headers=api.auth("admin"))
    assert r.status_code == 200, r.text
    settled = r.json()
    assert (settled["stored"], settled["conflicts"]) == (1, [])
    assert settled["quick_count"]["reported"] == usable + 1
    r = api.client.post(url + "?contest=nope", headers=api.auth("admin"))
    assert r.status_code == 404 and error_of(r)["details"]["field"] == "contest"


def test_the_demo_quick_count_comes_from_the_observers(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """`saylau demo`: the domestic mission observes the quick count's sample; the quick count
    is taken from its copies, and `saylau integrity quick-count --from-observers` says so."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    db = str(tmp_path / "demo.db")
    r = runner.invoke(cli, ["demo", "--stations", "60", "--instant", "--database", db])
    assert r.exit_code == 0, r.output
    m = re.search(r"quick count of (\d+) of (\d+) sampled stations from the observers' copies "
                  r"\((\d+) in conflict, (\d+) without a copy\)", r.stdout)
    assert m is not None, r.stdout
    used, sampled, conflicts, missing = map(int, m.groups())
    assert used + conflicts + missing == sampled and used >= sampled - 5 and missing == 0
    q = runner.invoke(cli, ["integrity", "quick-count", "--election", "ref-2022",
                            "--from-observers", "--database", db])
    assert q.exit_code == 0, q.output
    assert f"observers' copies: {used} of {sampled} sampled stations usable (0 stored now, " \
           f"{used} unchanged)" in q.stderr
    body = json.loads(q.stdout)
    assert body["reported"] == used
    national = [c for c in body["comparison"] if c["unit"] == ""]
    assert national and all(c["estimate"]["low"] is not None for c in national)
