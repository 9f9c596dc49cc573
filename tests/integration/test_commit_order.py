"""Rows that readers read by sequence number commit in that order (issue 20; store.log).

The results cache reads protocol versions with `seq > last seen` and rebuilds the turnout view
when `max(seq)` changes. On PostgreSQL a row's seq is drawn at its INSERT: if two writers of
one election could insert before taking the log's sequencer, the one with the lower seq could
commit last, after a reader had already moved past it, and an acknowledged report would never
appear in the public results.

Each test forces that interleaving, deterministically, through a real server: writer A is
paused right after inserting its row (before its commit); writer B, for another station, is
sent then; the test waits until B has either committed or is waiting for A's lock (read from
pg_stat_activity, not from a sleep), reads the results, lets A commit, and reads again. Both
rows must be in the final read. Before the fix, the turnout paths failed here: B drew the
higher seq, committed first, the reader saw max(seq) = B's, and A's report never showed.
PostgreSQL only: SQLite's writers take the database's write lock at BEGIN (store.db).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import psycopg
import pytest

from saylau.api.app import create_app
from saylau.services import results as results_svc
from saylau.services.context import Saylau
from saylau.store import protocols as repository
from tests.integration.support import Api, serving

pytestmark = [pytest.mark.timeout(120)]

ONLY_POSTGRES = pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)

CSV_HEADER = ("station,registered,ballots_received,ballots_issued,ballots_cancelled,"
              "ballots_in_boxes,invalid,both_marked,yes,no")


def _csv(bodies: list[dict[str, Any]]) -> bytes:
    cols = CSV_HEADER.split(",")
    lines = [CSV_HEADER, *(",".join(str(b["votes"][c] if c in ("yes", "no") else b[c])
                                    for c in cols) for b in bodies)]
    return ("\n".join(lines) + "\n").encode()


class Pause:
    """Wraps a repository insert: the first call inserts, then waits to be released."""

    def __init__(self, original: Callable[..., Any]) -> None:
        self.original = original
        self.inserted = threading.Event()
        self.release = threading.Event()
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            self.calls += 1
            first = self.calls == 1
        out = self.original(*args, **kwargs)
        if first:
            self.inserted.set()
            assert self.release.wait(60), "the test never released writer A"
        return out


def _waiting_for_lock(db_url: str) -> bool:
    """Whether a backend of this test's database waits on a lock (the log's sequencer)."""
    name = db_url.rsplit("/", 1)[1]
    with psycopg.connect(db_url.replace(f"/{name}", "/postgres"), autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = "
            "'Lock'", (name,)).fetchone()
    return bool(row and row[0])


@pytest.fixture
def server(api: Api) -> Iterator[tuple[str, str]]:
    """Two servers on the one store, as two worker processes are: writer A is sent to the
    first, writer B to the second. (Within one process, writes of an election wait for each
    other in its group commit, services.group_commit, before they reach the database; across
    processes the log's sequencer in the database is what orders them, and that is tested.)"""
    with serving(create_app(api.saylau)) as base, \
            serving(create_app(Saylau(api.saylau.engine))) as other:
        yield base, other


def _stations(api: Api) -> list[str]:
    geo = api.saylau.geography()
    return [u.id for u in geo.units if u.is_station]


def _send(base: str, token: str, path: str, **kw: Any) -> threading.Thread:
    out: dict[str, Any] = {}

    def run() -> None:
        with httpx.Client(base_url=base, timeout=90,
                          headers={"Authorization": f"Bearer {token}"}) as c:
            out["response"] = c.post(path, **kw)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.result = out  # type: ignore[attr-defined]
    return t


def _interleave(api: Api, db_url: str, bases: tuple[str, str], monkeypatch: pytest.MonkeyPatch,
                insert_name: str, path: str, a: dict[str, Any], b: dict[str, Any]
                ) -> tuple[Any, Any]:
    """A inserts and pauses; B runs until committed or waiting for A's lock; the results are
    read in between; then A commits. Returns (results between, results after)."""
    pause = Pause(getattr(repository, insert_name))
    monkeypatch.setattr(repository, insert_name, pause)
    token = api.tokens["admin"]
    base_a, base_b = bases
    writer_a = _send(base_a, token, path, **a)
    assert pause.inserted.wait(30), "writer A never inserted its row"
    writer_b = _send(base_b, token, path, **b)
    deadline = time.monotonic() + 30
    while writer_b.is_alive() and not _waiting_for_lock(db_url):
        assert time.monotonic() < deadline, "writer B neither committed nor waited for a lock"
        time.sleep(0.01)
    between = results_svc.results(api.saylau, api.contest)
    pause.release.set()
    writer_a.join(60)
    writer_b.join(60)
    for w in (writer_a, writer_b):
        r = w.result["response"]  # type: ignore[attr-defined]
        assert r.status_code in (200, 201), r.text
    return between, results_svc.results(api.saylau, api.contest)


@ONLY_POSTGRES
def test_turnout_reports_commit_in_seq_order(
    api: Api, db_url: str, server: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    s1, s2 = _stations(api)[:2]
    path = f"/api/contests/{api.contest}/turnout"
    between, after = _interleave(
        api, db_url, server, monkeypatch, "insert_turnouts", path,
        {"json": {"station": s1, "at": "10:00", "ballots_issued": 111}},
        {"json": {"station": s2, "at": "10:00", "ballots_issued": 222}})
    assert [(p.ballots_issued, p.stations_reporting) for p in after.turnout] == [(333, 2)], \
        f"read between the commits: {between.turnout}"


@ONLY_POSTGRES
def test_turnout_batches_commit_in_seq_order(
    api: Api, db_url: str, server: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    s1, s2, s3, s4 = _stations(api)[:4]
    path = f"/api/contests/{api.contest}/turnout/batch"

    def batch(*items: tuple[str, int]) -> dict[str, Any]:
        return {"json": {"reports": [{"station": s, "at": "12:00", "ballots_issued": n}
                                     for s, n in items]}}

    between, after = _interleave(api, db_url, server, monkeypatch, "insert_turnouts", path,
                                 batch((s1, 10), (s2, 20)), batch((s3, 30), (s4, 40)))
    assert [(p.ballots_issued, p.stations_reporting) for p in after.turnout] == [(100, 4)], \
        f"read between the commits: {between.turnout}"


@ONLY_POSTGRES
def test_protocols_commit_in_seq_order(
    api: Api, db_url: str, server: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    s1, s2 = _stations(api)[:2]
    between, after = _interleave(api, db_url, server, monkeypatch, "insert_protocols",
                                 api.protocols_url, {"json": api.protocol(s1)},
                                 {"json": api.protocol(s2)})
    assert after.result.stations_reported == 2, \
        f"read between the commits: {between.result.stations_reported} reported"


@ONLY_POSTGRES
def test_bulk_imports_commit_in_seq_order(
    api: Api, db_url: str, server: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    s1, s2, s3 = _stations(api)[:3]
    path = f"/api/contests/{api.contest}/protocols/import"
    csv = {"headers": {"Content-Type": "text/csv"}}
    between, after = _interleave(
        api, db_url, server, monkeypatch, "insert_protocol_rows", path,
        {"content": _csv([api.protocol(s1), api.protocol(s2)]), **csv},
        {"content": _csv([api.protocol(s3)]), **csv})
    assert after.result.stations_reported == 3, \
        f"read between the commits: {between.result.stations_reported} reported"
