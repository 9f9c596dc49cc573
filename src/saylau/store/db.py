"""The database: which one, how to connect, how to migrate.

Default: an embedded SQLite file `saylau.db` in the working directory (created with mode
0600, as are its -wal and -shm files), the same for every command and the demo
(`--database PATH|URL` or $SAYLAU_DATABASE_URL name another), in WAL mode with
synchronous=FULL (an acknowledged write survives a killed process and a power cut).
Writers take the write lock at the start of their transaction (BEGIN IMMEDIATE), so two
writers never deadlock on a lock upgrade. PostgreSQL when the URL names one
(postgresql+psycopg://...).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError

from saylau import settings

DEFAULT_URL = "sqlite:///saylau.db"
WRITE = {"saylau_write": True}


def database_url(explicit: str | None = None) -> str:
    """The URL to use: explicit, else $SAYLAU_DATABASE_URL, else ./saylau.db. Either may be a
    database URL (`sqlite:///x.db`, `postgresql://user@host/db`) or a plain path, which names
    a SQLite file."""
    url = explicit or settings.database_url() or DEFAULT_URL
    if "://" not in url:
        url = f"sqlite:///{url}"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def database_source(explicit: str | None = None) -> str:
    """Where `database_url(explicit)` took its answer from, in words."""
    if explicit:
        return "--database"
    if settings.database_url():
        return "$SAYLAU_DATABASE_URL"
    return "the default, ./saylau.db"


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for another database or an in-memory one)."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def describe(url: str) -> str:
    """The database in words, any password hidden: `SQLite /abs/path/x.db` or
    `PostgreSQL postgresql+psycopg://user@host:5432/db`."""
    from sqlalchemy.engine import make_url

    file = sqlite_file(url)
    if file is not None:
        return f"SQLite {file.resolve()}"
    u = make_url(url)
    kind = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(u.get_backend_name(),
                                                                 u.get_backend_name())
    return f"{kind} {u.render_as_string(hide_password=True)}"


def make_engine(url: str | None = None) -> Engine:
    url = database_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    # No pre-ping: it costs every checkout a round trip (a SELECT 1), i.e. every request one
    # or two (docs/benchmarks.md, "Live submissions"). A connection the server lost (a
    # restarted database) fails its request with 503 (services.context) and SQLAlchemy then
    # drops every pooled connection as old as it, so the next requests connect afresh
    # (tests/integration/test_faults.py restarts PostgreSQL under load); connections older than
    # an hour are replaced before use, so none outlives a server-side idle limit unseen.
    return create_engine(url, pool_size=10, max_overflow=20, pool_recycle=3600)


PRIVATE = 0o600
"""The mode of every database and backup file saylau creates: they hold every token's hash
and the commissions' figures before they are published. SQLite gives its -wal and -shm files
the mode of the database file, whatever the umask."""


def create_private(database: str | None) -> None:
    """Create the SQLite file `database` empty with mode 0600 when it does not exist yet (in
    an existing directory), so SQLite never creates it with the umask's mode (often 0644)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.exists() or not path.parent.is_dir():
        return
    # made meanwhile by another process: SQLite opens it as it is
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))


_READ_ONCE = "saylau_read_once"


@cache
def _writers_file(url: str) -> Path | None:
    database = sqlite_file(url)
    return None if database is None else Path(f"{database}.writers")


class _Writers(threading.local):
    held: int = 0


_writers = _Writers()


@contextmanager
def sqlite_writer_turn(engine: Engine) -> Iterator[None]:
    """SQLite: wait for the database's write lock in the kernel, in arrival order, before
    BEGIN IMMEDIATE asks SQLite for it (an exclusive flock on `<database>.writers`, held until
    the transaction has ended); nothing for another database or an in-memory one.

    Why: a writer that finds SQLite's write lock taken sleeps in SQLite's busy handler, in
    steps of up to 100 ms, however soon the lock is free. Within one process the group commit
    queues an election's submissions (services.group_commit), but the processes of `saylau
    serve --workers N` met in the busy handler: p99 550 ms with two workers against 50 ms with
    one (docs/benchmarks.md, "Live submissions"). A blocked flock is woken as soon as the lock
    is released. A thread that holds it already (a write inside a write) does not wait for
    itself. Writers that do not come through here (migrations, the bulk import's own
    transaction) still meet SQLite's busy timeout, as before."""
    path = _writers_file(engine.url.render_as_string(hide_password=False))
    fd = None
    if path is not None and not _writers.held:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE)
        except OSError:
            # a directory that became read-only or full: the transaction goes on to SQLite,
            # whose own error (read-only, disk full) the store reports as such
            fd = None
    if fd is None:
        _writers.held += 1
        try:
            yield
        finally:
            _writers.held -= 1
        return
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # blocks without the GIL
        _writers.held += 1
        try:
            yield
        finally:
            _writers.held -= 1
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def read_once_options(engine: Engine) -> dict[str, Any]:
    """Execution options for a connection whose statements each run on their own, outside a
    transaction: no BEGIN and no COMMIT round trips, for a few independent reads that need
    no common snapshot (a bearer token's lookup). PostgreSQL: the driver's autocommit
    (SQLAlchemy restores the pool's default when the connection is returned); SQLite: no
    BEGIN (`_on_begin`), the driver being in autocommit already (`_on_connect`)."""
    if is_sqlite(engine):
        return {_READ_ONCE: True}
    return {"isolation_level": "AUTOCOMMIT"}


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "do_connect")
    def _private_file(*_args: Any) -> None:
        # the file is created (0600) where SQLite would create it: at the first connection
        create_private(engine.url.database)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's BEGIN below be the only transaction control (pysqlite's own
        # implicit BEGIN would be DEFERRED and could deadlock two writers).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if options.get("saylau_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif not options.get(_READ_ONCE):  # read_once: each statement on its own
            conn.exec_driver_sql("BEGIN")


# SQLite's primary result codes that mean "not now" rather than "wrong request"
_SQLITE_UNAVAILABLE = {8: "read-only", 10: "I/O error", 13: "disk full", 14: "cannot open"}
# PostgreSQL SQLSTATEs (and classes) with the same meaning: connection exceptions, insufficient
# resources (disk full, out of memory), operator intervention (shutdown, restart), read-only
_PG_UNAVAILABLE_CLASSES = {"08": "connection lost", "53": "insufficient resources",
                           "57": "database shutting down or restarting"}
_PG_UNAVAILABLE_CODES = {"25006": "read-only"}


def unavailable_reason(exc: DBAPIError) -> str | None:
    """Why the database cannot serve a request now (full disk, read-only, restarting,
    unreachable), or None when the error is something else (a bug or a constraint, which must
    not be hidden behind a 503). Each database reports these its own way: SQLite by result
    code, PostgreSQL by SQLSTATE; a dropped connection by SQLAlchemy's invalidation flag."""
    orig = exc.orig
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return _SQLITE_UNAVAILABLE.get(code & 0xFF)
    state = getattr(orig, "sqlstate", None)
    if isinstance(state, str) and state:
        return _PG_UNAVAILABLE_CODES.get(state) or _PG_UNAVAILABLE_CLASSES.get(state[:2])
    if exc.connection_invalidated or isinstance(exc, OperationalError):
        # psycopg's connection failures (refused, reset) carry no SQLSTATE
        return "connection lost" if not isinstance(orig, sqlite3.Error) else None
    return None


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def migrations_dir() -> Path:
    return Path(str(resources.files("saylau.store") / "migrations"))


def upgrade(engine: Engine) -> None:
    """Bring the schema to the latest Alembic revision (idempotent)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
