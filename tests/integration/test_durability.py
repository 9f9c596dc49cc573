"""An acknowledged protocol survives the server being killed (kill -9) mid-stream, and is
stored exactly once; protocols whose answer was lost can simply be sent again.

The server is the real CLI (`saylau serve`) in a subprocess on a free port, against a fresh
SQLite file or PostgreSQL database. The country, the election and the token are set up
through the services first.
"""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from saylau.domain.contests import QUESTION_2022
from saylau.domain.ids import ActorId
from saylau.domain.names import Names
from saylau.services.context import Saylau
from saylau.services.elections import create_referendum
from saylau.services.geography import load_geography
from saylau.services.tokens import create_token
from saylau.store import tables as t
from tests.conftest import small_country
from tests.integration.support import protocol, saylau_serve

pytestmark = pytest.mark.timeout(120)  # two server starts: about 6 s per database

CONTEST = "ref.referendum"
WORKERS = 4
ACKS_BEFORE_KILL = 25


def _prepare(db_url: str) -> tuple[list[tuple[str, int]], str]:
    app = Saylau.open(db_url)
    try:
        geo = small_country(stations_per_district=12)
        load_geography(app, geo)
        create_referendum(app, election_id="ref", name=Names.same("Referendum"),
                          ruleset_name="kz-2022", date="2022-06-05", question=QUESTION_2022,
                          constitutional=True, by=ActorId("test"))
        token = create_token(app, "central", "admin")
        return [(s.id, s.registered) for s in geo.stations()], token
    finally:
        app.engine.dispose()


def _stored(db_url: str) -> dict[str, list[tuple[int, str]]]:
    """Every stored version per station, straight from the database."""
    app = Saylau.open(db_url, migrate=False)
    pv = t.protocol_versions
    try:
        with app.read() as conn:
            rows = conn.execute(select(pv.c.station_id, pv.c.version, pv.c.content_hash)
                                .where(pv.c.contest_id == CONTEST)).all()
            dupes = conn.execute(
                select(pv.c.station_id, pv.c.version, func.count())
                .group_by(pv.c.station_id, pv.c.version).having(func.count() > 1)).all()
    finally:
        app.engine.dispose()
    assert not dupes, f"a version slot stored twice: {dupes}"
    out: dict[str, list[tuple[int, str]]] = {}
    for station, version, h in rows:
        out.setdefault(station, []).append((int(version), h))
    return out


def test_acknowledged_protocols_survive_kill_9(db_url: str, tmp_path: Path) -> None:
    stations, token = _prepare(db_url)
    bodies = {s: protocol(s, reg) for s, reg in stations}
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/contests/{CONTEST}/protocols"
    log = tmp_path / "server.log"

    acked: dict[str, str] = {}  # station -> content hash the server acknowledged
    lost: list[str] = []  # sent, but no answer (the server died) or a refusal
    todo: queue.Queue[str] = queue.Queue()
    for s, _ in stations:
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
                    except httpx.HTTPError:  # the server died: this answer is lost
                        with lock:
                            lost.append(s)
                        return
                    with lock:
                        if r.status_code in (200, 201):
                            acked[s] = r.json()["protocol"]["content_hash"]
                        else:
                            lost.append(s)

        threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
        for th in threads:
            th.start()
        deadline = time.monotonic() + 30
        while len(acked) < ACKS_BEFORE_KILL and time.monotonic() < deadline:
            time.sleep(0.002)
        proc.kill()  # SIGKILL: no shutdown, no flushing, requests in flight
        proc.wait(timeout=10)
        for th in threads:
            th.join(timeout=30)

    assert len(acked) >= ACKS_BEFORE_KILL, (len(acked), log.read_text()[-2000:])
    untried = []
    while not todo.empty():
        untried.append(todo.get_nowait())
    assert untried, "the kill came after the last protocol: nothing was in flight"
    assert len(acked) + len(lost) + len(untried) == len(stations)

    stored = _stored(db_url)
    for s, h in acked.items():
        assert stored.get(s) == [(1, h)], (s, stored.get(s))
    for s, versions in stored.items():
        assert [v for v, _ in versions] == [1], (s, versions)
    # stored beyond the acknowledged: only what was in flight when the server died (its
    # content is checked below: sent again, it must come back "unchanged")
    assert set(stored) - set(acked) <= set(lost)

    # a restarted server takes the rest; resending an answer that was lost is harmless
    with saylau_serve(db_url, log) as (base, _proc), \
            httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for s in [*lost, *untried, *list(acked)[:5]]:
            r = client.post(url, json=bodies[s])
            assert r.status_code in (200, 201), (s, r.text)
            expect = "unchanged" if s in stored else "accepted"
            assert r.json()["status"] == expect, (s, r.text)
        view = client.get(f"/api/contests/{CONTEST}/results").json()
        assert view["result"]["stations_reported"] == len(stations)
        assert view["result"]["ballots_in_boxes"] == sum(
            b["ballots_in_boxes"] for b in bodies.values())
    final = _stored(db_url)
    assert sorted(final) == sorted(s for s, _ in stations)
    assert all(len(v) == 1 for v in final.values())

