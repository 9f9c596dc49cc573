"""Shared fixtures. Everything is built through public entry points (services, API, CLI).

Databases: `db_url` runs a test on SQLite (a fresh file per test) and, when a PostgreSQL
server is reachable, on PostgreSQL too (a fresh database per test). PostgreSQL comes from
$SAYLAU_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres as an admin
connection); when none answers, the PostgreSQL variant is skipped saying why, unless
SAYLAU_REQUIRE_POSTGRES=1 (CI sets it), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from saylau.domain.contests import QUESTION_2022
from saylau.domain.geography import Geography, Unit, UnitKind
from saylau.domain.ids import ActorId, UnitId
from saylau.domain.names import Names
from saylau.services.context import Saylau

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
PG_ADMIN_URL = os.environ.get(
    "SAYLAU_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def _pg_reachable() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except Exception as exc:  # any failure to connect means: no server for these tests
        return f"no PostgreSQL at {PG_ADMIN_URL}: {exc}".splitlines()[0]


_PG_REASON = _pg_reachable()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'saylau.db'}"
        return
    if _PG_REASON is not None:
        if os.environ.get("SAYLAU_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required here but: {_PG_REASON}")
        pytest.skip(_PG_REASON)
    import psycopg

    name = f"saylau_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        from sqlalchemy import create_engine  # noqa: F401 - engines are disposed by then

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def small_country(stations_per_district: int = 2) -> Geography:
    """A tiny, hand-made country: 3 top-level units, 2 districts each, N stations each,
    one station abroad under the capital."""
    units: list[Unit] = [
        Unit(UnitId("KZ"), None, UnitKind.COUNTRY, Names("Қазақстан", "Казахстан", "Kazakhstan"))
    ]
    tops = [("KZ-71", UnitKind.CITY, "Astana"), ("KZ-75", UnitKind.CITY, "Almaty"),
            ("KZ-11", UnitKind.REGION, "Akmola")]
    n = 0
    for code, kind, name in tops:
        units.append(Unit(UnitId(code), UnitId("KZ"), kind, Names.same(name), code=code))
        for d in range(2):
            did = UnitId(f"{code}-D{d}")
            units.append(Unit(did, UnitId(code), UnitKind.DISTRICT, Names.same(f"{name} {d}")))
            for s in range(stations_per_district):
                n += 1
                units.append(Unit(UnitId(f"{did}-S{s}"), did, UnitKind.STATION,
                                  Names.same(f"Station {n}"), registered=1000 + 10 * n))
    units.append(Unit(UnitId("KZ-71-ABROAD"), UnitId("KZ-71"), UnitKind.DISTRICT,
                      Names.same("Abroad")))
    units.append(Unit(UnitId("KZ-71-ABROAD-S0"), UnitId("KZ-71-ABROAD"), UnitKind.STATION,
                      Names.same("Embassy"), registered=300, abroad=True))
    return Geography.build(units)


@contextmanager
def central_key_at(path: Path) -> Iterator[None]:
    """The central key at `path` inside the block (a store of a test's own, built where
    pytest's monkeypatch cannot reach: module fixtures, hypothesis examples); the session's
    key again after it."""
    before = os.environ.get("SAYLAU_CENTRAL_KEY")
    os.environ["SAYLAU_CENTRAL_KEY"] = str(path)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SAYLAU_CENTRAL_KEY", None)
        else:
            os.environ["SAYLAU_CENTRAL_KEY"] = before


@pytest.fixture(scope="session", autouse=True)
def _central_key_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One central commission key for the whole test session, in a temporary directory, set
    before any store is built (module- and session-scoped stores included): a store refuses a
    central key other than the one its elections name (services.record.central_key). Tests
    about keys set their own."""
    with central_key_at(tmp_path_factory.mktemp("central-key") / "central.pem"):
        yield


@pytest.fixture(scope="session", autouse=True)
def _parties_key_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Parties wing (issue 13): the party register's key in a temporary directory for the
    session (else a store on PostgreSQL would keep it in the working directory); tests about
    the key set their own."""
    before = os.environ.get("SAYLAU_PARTIES_KEY")
    os.environ["SAYLAU_PARTIES_KEY"] = str(tmp_path_factory.mktemp("parties-key") / "p.key")
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SAYLAU_PARTIES_KEY", None)
        else:
            os.environ["SAYLAU_PARTIES_KEY"] = before


@pytest.fixture
def saylau(db_url: str) -> Iterator[Saylau]:
    """A migrated, empty store on each database."""
    app = Saylau.open(db_url)
    yield app
    app.engine.dispose()


@pytest.fixture
def referendum(saylau: Saylau) -> Iterator[tuple[Saylau, str]]:
    """The small country loaded and a constitutional referendum created: (app, contest id)."""
    from saylau.services.elections import create_referendum
    from saylau.services.geography import load_geography

    load_geography(saylau, small_country())
    _, contest = create_referendum(
        saylau, election_id="ref", name=Names.same("Referendum"), ruleset_name="kz-2022",
        date="2022-06-05", question=QUESTION_2022, constitutional=True, by=ActorId("test"),
    )
    return saylau, contest.id


def shared_file(relative: str) -> Path:
    """A file of ../shared, or a clean skip saying why when it is absent."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"{path} is absent: the real data of ../shared is not next to this clone")
    return path
