"""An acknowledged observer copy survives the server being killed (kill -9) mid-stream and is
stored exactly once; copies whose answer was lost can simply be sent again (issue 12: nothing
an observer sent is lost). As tests/integration/test_durability.py does for protocols: the real
`saylau serve` in a subprocess, on SQLite and PostgreSQL."""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from saylau.domain.access import Principal, Role
from saylau.domain.contests import QUESTION_2022
from saylau.domain.ids import ActorId
from saylau.domain.names import Names
from saylau.services.context import Saylau
from saylau.services.elections import create_referendum
from saylau.services.geography import load_geography
from saylau.services.observation import deployment, missions
from saylau.store import tables as t
from tests.conftest import small_country
from tests.integration.support import protocol, saylau_serve

pytestmark = pytest.mark.timeout(120)

CONTEST = "ref.referendum"
WORKERS = 4
ACKS_BEFORE_KILL = 20


def _prepare(db_url: str) -> tuple[dict[str, dict[str, Any]], str]:
    app = Saylau.open(db_url)
    try:
        geo = small_country(stations_per_district=12)
        load_geography(app, geo)
        create_referendum(app, election_id="ref", name=Names.same("Referendum"),
                          ruleset_name="kz-2022", date="2022-06-05", question=QUESTION_2022,
                          constitutional=True, by=ActorId("test"))
        # a domestic mission: the accreditation deadline binds international ones only
        missions.create_mission(app, "ref", "NGO", "Watch", "association", by="test")
        cec = Principal(ActorId("test"), Role.ADMIN)
        badge = missions.apply(app, cec, "ref", "NGO", "Observer")
        _, token = missions.accredit(app, "ref", badge, by="test")
        bodies = {}
        for s in geo.stations():
            deployment.deploy(app, cec, "ref", badge, s.id)
            p = protocol(s.id, s.registered)
            figs = {k: v for k, v in p.items() if k not in ("station", "votes")}
            figs.update({f"votes.{o}": v for o, v in p["votes"].items()})
            bodies[s.id] = {"station": s.id, "figures": figs}
        return bodies, token
    finally:
        app.engine.dispose()


def _stored(db_url: str) -> dict[str, list[int]]:
    app = Saylau.open(db_url, migrate=False)
    c = t.obs_copies
    try:
        with app.read() as conn:
            rows = conn.execute(select(c.c.station_id, c.c.version)).all()
            dupes = conn.execute(select(c.c.station_id, c.c.version, func.count())
                                 .group_by(c.c.station_id, c.c.version)
                                 .having(func.count() > 1)).all()
    finally:
        app.engine.dispose()
    assert not dupes, f"a copy's version slot stored twice: {dupes}"
    out: dict[str, list[int]] = {}
    for station, version in rows:
        out.setdefault(station, []).append(int(version))
    return out


def test_acknowledged_copies_survive_kill_9(db_url: str, tmp_path: Path) -> None:
    bodies, token = _prepare(db_url)
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/contests/{CONTEST}/observation/copies"
    log = tmp_path / "server.log"
    acked: dict[str, int] = {}
    lost: list[str] = []
    todo: queue.Queue[str] = queue.Queue()
    for s in bodies:
        todo.put(s)
    lock = threading.Lock()

    with saylau_serve(db_url, log) as (base, proc):

        def worker() -> None:
            with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
                while True:
                    try:
                        s = todo.get_nowait()
                    except queue.Empty:
                        return
                    try:
                        r = client.post(url, json=bodies[s])
                    except httpx.HTTPError:
                        with lock:
                            lost.append(s)
                        return
                    with lock:
                        if r.status_code in (200, 201):
                            acked[s] = r.json()["version"]
                        else:
                            lost.append(s)

        threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
        for th in threads:
            th.start()
        deadline = time.monotonic() + 30
        while len(acked) < ACKS_BEFORE_KILL and time.monotonic() < deadline:
            time.sleep(0.002)
        proc.kill()
        proc.wait(timeout=10)
        for th in threads:
            th.join(timeout=30)

    assert len(acked) >= ACKS_BEFORE_KILL, (len(acked), log.read_text()[-2000:])
    untried = []
    while not todo.empty():
        untried.append(todo.get_nowait())
    assert untried, "the kill came after the last copy: nothing was in flight"
    stored = _stored(db_url)
    for s in acked:
        assert stored.get(s) == [1], (s, stored.get(s))
    assert set(stored) - set(acked) <= set(lost)

    with saylau_serve(db_url, log) as (base, _proc), \
            httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for s in [*lost, *untried, *list(acked)[:5]]:
            r = client.post(url, json=bodies[s])
            assert r.status_code in (200, 201), (s, r.text)
            assert r.json()["status"] == ("unchanged" if s in stored else "accepted"), s
        report = client.get(f"/api/contests/{CONTEST}/observation/comparison").json()
        assert report["summary"]["official_missing"] == len(bodies)
    final = _stored(db_url)
    assert sorted(final) == sorted(bodies) and all(v == [1] for v in final.values())
