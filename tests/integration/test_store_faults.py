"""The store cannot take writes: a full disk, a read-only database, a database that is gone.

Each gives the client a clear 503 (`store_unavailable`, with Retry-After), never a 500, and
nothing half-written: the protocol that was refused has no row and no leaf in the log, and
sent again once the fault is gone it is stored once.

The full disk is real: the database lives on a small tmpfs (SQLite: the file itself;
PostgreSQL: a tablespace) that is then filled. Mounting needs root (CI runs as root); without
it those tests skip saying so. The read-only database is a read-only SQLite URI (mode=ro) and a
PostgreSQL database set to default_transaction_read_only.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from saylau.domain.contests import QUESTION_2022
from saylau.domain.ids import ActorId
from saylau.domain.names import Names
from saylau.services.context import Saylau
from saylau.services.elections import create_referendum
from saylau.services.geography import load_geography
from saylau.store import tables as t
from tests.conftest import _PG_REASON, PG_ADMIN_URL, small_country
from tests.integration.support import Api, error_of, make_api

pytestmark = pytest.mark.timeout(120)

MOUNT_SIZE = "24M"


@contextlib.contextmanager
def small_disk(where: Path) -> Iterator[Path]:
    """A tmpfs of MOUNT_SIZE mounted at `where` (skips when this machine cannot mount)."""
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a real full disk needs a tmpfs mount, which needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={MOUNT_SIZE}", "tmpfs",
                           str(where)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path) -> Path:
    """Fill `disk` to the last byte with one file; returns it (delete it to free the space)."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as out:
        for size in (1 << 16, 1 << 10, 1):  # big chunks, then the last bytes
            with contextlib.suppress(OSError):
                while out.write(b"\0" * size):
                    pass
    return filler


def prepare(app: Saylau) -> str:
    load_geography(app, small_country(stations_per_district=12))
    _, contest = create_referendum(
        app, election_id="ref", name=Names.same("Referendum"), ruleset_name="kz-2022",
        date="2022-06-05", question=QUESTION_2022, constitutional=True, by=ActorId("test"))
    return contest.id


def counts(app: Saylau) -> tuple[int, int]:
    """(protocol versions, log leaves) as stored."""
    with app.read() as conn:
        return (int(conn.execute(select(func.count()).select_from(t.protocol_versions))
                    .scalar_one()),
                int(conn.execute(select(func.count()).select_from(t.log_leaves)).scalar_one()))


def assert_unavailable(response: object, reason: str) -> None:
    r = response
    assert getattr(r, "status_code", None) == 503, getattr(r, "text", r)
    err = error_of(r)
    assert err["code"] == "store_unavailable", err
    assert err["details"]["reason"] == reason, err
    assert r.headers["retry-after"].isdigit()  # type: ignore[attr-defined]


def submit_until_full(api: Api, stations: list[str], reason: str) -> list[str]:
    """Submit protocols until the store refuses one with a 503; returns the refused and the
    stations not yet sent (the refused first). Everything acknowledged before is stored."""
    for i, s in enumerate(stations):
        before = counts(api.saylau)
        r = api.submit(api.protocol(s))
        if r.status_code == 201:
            continue
        assert_unavailable(r, reason)
        assert counts(api.saylau) == before, "a refused write left rows behind"
        return stations[i:]
    pytest.fail("the disk never filled: the test's tmpfs is too large for its data")


def finish_after_space_is_back(api: Api, rest: list[str], all_stations: list[str]) -> None:
    for s in rest:
        r = api.submit(api.protocol(s))
        assert r.status_code == 201, r.text
    res = api.results()["result"]
    assert res["stations_reported"] == len(all_stations)
    versions, _ = counts(api.saylau)
    assert versions == len(all_stations)  # each exactly once


def _stations(app: Saylau) -> list[str]:
    return [s.id for s in app.geography().stations()]


def test_sqlite_full_disk_gives_503_and_writes_nothing(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAYLAU_RESULTS_MAX_AGE", "0")
    with small_disk(tmp_path / "disk") as disk:
        app = Saylau.open(f"sqlite:///{disk / 'saylau.db'}")
        try:
            prepare(app)
            api = make_api(app, "ref.referendum")
            with api.client:
                stations = _stations(app)
                # an empty WAL, so the next commit has to grow a file on the full disk
                with app.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                filler = fill(disk)
                rest = submit_until_full(api, stations, "disk full")
                r = api.client.get("/api/contests/ref.referendum/results")
                assert r.status_code == 200, r.text
                filler.unlink()
                finish_after_space_is_back(api, rest, stations)
        finally:
            app.engine.dispose()


def _pg_db(name: str, *, tablespace: str | None = None) -> str:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        extra = f' TABLESPACE "{tablespace}"' if tablespace else ""
        conn.execute(f'CREATE DATABASE "{name}"{extra}')
    return f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"


def _pg_drop(name: str, tablespace: str | None = None) -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if tablespace:
            conn.execute(f'DROP TABLESPACE IF EXISTS "{tablespace}"')


@pytest.mark.postgres
def test_postgresql_full_disk_gives_503_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if _PG_REASON is not None:
        if os.environ.get("SAYLAU_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required here but: {_PG_REASON}")
        pytest.skip(_PG_REASON)
    monkeypatch.setenv("SAYLAU_RESULTS_MAX_AGE", "0")
    name = f"saylau_full_{uuid.uuid4().hex[:10]}"
    space = f"small_{uuid.uuid4().hex[:10]}"
    # the server (user postgres) must reach the tablespace: not below pytest's private tmp
    mountpoint = Path(tempfile.mkdtemp(prefix="saylau-disk-"))
    mountpoint.chmod(0o755)
    with small_disk(mountpoint) as disk:
        data = disk / "pg"
        data.mkdir()
        shutil.chown(data, "postgres", "postgres")
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"CREATE TABLESPACE \"{space}\" LOCATION '{data}'")
        app = None
        try:
            app = Saylau.open(_pg_db(name, tablespace=space))
            prepare(app)
            api = make_api(app, "ref.referendum")
            with api.client:
                stations = _stations(app)
                filler = fill(disk)
                rest = submit_until_full(api, stations, "insufficient resources")
                filler.unlink()
                finish_after_space_is_back(api, rest, stations)
        finally:
            if app is not None:
                app.engine.dispose()
            _pg_drop(name, space)
    mountpoint.rmdir()


def test_read_only_database_reads_but_refuses_writes(db_url: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAYLAU_RESULTS_MAX_AGE", "0")
    app = Saylau.open(db_url)
    try:
        contest = prepare(app)
        stations = _stations(app)
        api = make_api(app, contest)  # the tokens are issued while it is writable
        with api.client:
            assert api.submit(api.protocol(stations[0])).status_code == 201
    finally:
        app.engine.dispose()

    if db_url.startswith("sqlite"):
        path = db_url.removeprefix("sqlite:///")
        ro_url = f"sqlite:///file:{path}?mode=ro&uri=true"
    else:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{db_url.rsplit("/", 1)[1]}" '
                         "SET default_transaction_read_only = on")
        ro_url = db_url
    ro = Saylau.open(ro_url, migrate=False)
    try:
        api.saylau = ro
        from fastapi.testclient import TestClient

        from saylau.api.app import create_app

        api.client = TestClient(create_app(ro), raise_server_exceptions=False)
        with api.client:
            before = counts(ro)
            assert_unavailable(api.submit(api.protocol(stations[1])), "read-only")
            r = api.client.post(f"/api/contests/{contest}/turnout", headers=api.auth("admin"),
                                json={"station": stations[1], "at": "10:00", "ballots_issued": 5})
            assert_unavailable(r, "read-only")
            assert counts(ro) == before
            assert api.results()["result"]["stations_reported"] == 1  # reads still work
    finally:
        ro.engine.dispose()


def test_unreachable_database_gives_503() -> None:
    gone = Saylau.open("postgresql://postgres@127.0.0.1:1/nothing", migrate=False)
    from fastapi.testclient import TestClient

    from saylau.api.app import create_app

    try:
        with TestClient(create_app(gone), raise_server_exceptions=False) as client:
            assert_unavailable(client.get("/api/elections"), "connection lost")
    finally:
        gone.engine.dispose()


def test_a_missing_or_different_central_key_is_refused_not_replaced(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store moved or restored without its central key, or started with another key: the
    server refuses to sign (503, naming the key it needs) instead of making a new key whose
    tree heads no verifier of the election's record would accept."""
    from saylau.services import record

    monkeypatch.setenv("SAYLAU_CENTRAL_KEY", str(tmp_path / "right.pem"))
    app = Saylau.open(db_url)
    try:
        prepare(app)
        right = record.tree_head(app, "ref")
        tokens = make_api(app, "ref.referendum").tokens  # issuing a token is logged: signed
    finally:
        app.engine.dispose()
    cases = (("missing.pem", "central_key_missing"), ("other.pem", "central_key_mismatch"))
    for k, (name, code) in enumerate(cases):
        path = tmp_path / name
        if name == "other.pem":
            from saylau.services.keys import generate_keypair, save_private_key

            save_private_key(generate_keypair()[0], path)
        monkeypatch.setenv("SAYLAU_CENTRAL_KEY", str(path))
        moved = Saylau.open(db_url, migrate=False)
        try:
            from saylau.api.app import create_app

            api = Api(TestClient(create_app(moved), raise_server_exceptions=False), moved,
                      "ref.referendum", tokens)
            with api.client:
                before = counts(moved)
                # a protocol's transaction signs the head that covers it (store.log): without
                # the right key nothing is stored, and the client is told to send it again
                r = api.submit(api.protocol(_stations(moved)[k]))
                assert r.status_code == 503, r.text
                err = error_of(r)
                assert err["code"] == code and err["details"]["expected"] == [
                    right.signature.key if right.signature else None]
                assert counts(moved) == before
                # reading needs no key: the stored, signed head is served as it is
                r = api.client.get("/api/elections/ref/tree-head")
                assert r.status_code == 200 and r.json()["body"]["root"] == right.root, r.text
            assert not (tmp_path / "missing.pem").exists()  # no key was made
        finally:
            moved.engine.dispose()
