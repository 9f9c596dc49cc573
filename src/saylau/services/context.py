"""The services' shared context: the engine, the clocks (time of day, stopwatch), and
in-process caches."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from saylau.domain.errors import NotFound, Unavailable
from saylau.domain.geography import Geography
from saylau.domain.geography.columns import columns_of, from_columns
from saylau.domain.record.envelope import format_timestamp
from saylau.domain.record.merkle import TreeHead
from saylau.domain.record.signing import sign_tree_head
from saylau.store import db, log, snapshots
from saylau.store import geography as geography_store
from saylau.store.central_key import load_central_key


def utc_now() -> datetime:
    """The real clock: the one place services read the time of day (every record time goes
    through `Saylau.clock`, which tests replace)."""
    return datetime.now(UTC)


def monotonic() -> float:
    """The real stopwatch: seconds from an arbitrary start, for how old a cache is or how
    long a run took, never a record's time (`Saylau.monotonic`, which tests replace)."""
    return time.monotonic()


@dataclass
class Saylau:
    """Everything a service needs. One per process; thread-safe."""

    engine: Engine
    clock: Callable[[], datetime] = utc_now
    monotonic: Callable[[], float] = monotonic
    """Every clock read of the services, the API and the site goes through these two
    (tests/unit/test_clock_reads.py)."""
    _geo: Geography | None = field(default=None, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    caches: dict[str, Any] = field(default_factory=dict, repr=False)

    @staticmethod
    def open(url: str | None = None, *, migrate: bool = True) -> Saylau:
        engine = db.make_engine(url)
        if migrate:
            try:
                db.upgrade(engine)
            except BaseException:
                engine.dispose()  # no connection left open behind a store that failed to open
                raise
        return Saylau(engine)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with _unavailable_on_failure(), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def read_once(self) -> Iterator[Connection]:
        """Reads that each stand alone, outside a transaction (store.db.read_once_options):
        for a request's few independent lookups, without BEGIN and COMMIT around them."""
        with _unavailable_on_failure(), self.engine.connect() as conn:
            yield conn.execution_options(**db.read_once_options(self.engine))

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: committed when the block ends, rolled back on any error.
        Every log it appended to gets a tree head signed over the new leaves just before the
        commit (store.log: an acknowledged write is covered by a signed head at once)."""
        with _unavailable_on_failure(), db.sqlite_writer_turn(self.engine), \
                self.engine.execution_options(**db.WRITE).connect() as conn:
            log.forget_turns(conn)
            try:
                with conn.begin():
                    yield conn
                    log.seal(conn, self.sign_head, format_timestamp(self.clock()))
            finally:
                log.forget_turns(conn)

    def central_key(self) -> Ed25519PrivateKey:
        """The central commission's signing key (store.central_key), loaded once."""
        cached = self.caches.get("central-key")
        if isinstance(cached, Ed25519PrivateKey):
            return cached
        key = load_central_key(self.engine)
        self.caches["central-key"] = key
        return key

    def sign_head(self, head: TreeHead) -> TreeHead:
        return sign_tree_head(head, self.central_key())

    def geography(self) -> Geography:
        """The loaded geography, built once per process.

        A loaded geography never changes (services.geography refuses a second import), so
        once built it is kept for the life of the process; it is made from its snapshot
        (store.snapshots: its columns, written when it was loaded) in a fraction of the time
        its rows take to read and build, and the snapshot is made when it is missing."""
        with self._lock:
            if self._geo is not None:
                return self._geo
        with self.read() as conn:
            count = geography_store.unit_count(conn)
            if count == 0:
                raise NotFound(
                    "no geography is loaded; run `saylau geography import FILE.csv` or "
                    "`saylau geography generate`",
                    code="geography_missing",
                )
            snap = snapshots.read(conn, snapshots.GEOGRAPHY)
            cols = None if snap is None or snap.covers != count else (
                snapshots.decode_geography(snap.data))
            units = None if cols is not None else geography_store.load_units(conn)
        if cols is not None:
            geo = from_columns(cols)
        else:  # a store from before snapshots, or a damaged one: built and kept as one
            assert units is not None
            geo = Geography.build(units)
            with self.write() as conn:
                snapshots.write(conn, snapshots.GEOGRAPHY, len(geo.units),
                                snapshots.encode_geography(columns_of(geo)))
        with self._lock:
            if self._geo is None:
                self._geo = geo
            return self._geo


_T = TypeVar("_T")


def store_busy(what: str) -> Unavailable:
    """Three lost races for one slot in a row: tell the client to retry (503), never a 500."""
    return Unavailable(f"the store is busy with concurrent writes for this {what}; send the "
                       "same request again", code="store_busy")


def retry_lost_races(write: Callable[[], _T], what: str) -> _T:
    """`write()`, again up to three times in all while another writer takes its version slot
    first (an IntegrityError: PostgreSQL, at the same moment): each attempt classifies again
    against what is now stored (a stale correction, the same content, or a conflict); then
    `store_busy(what)`."""
    for _attempt in range(3):
        try:
            return write()
        except IntegrityError:
            continue
    raise store_busy(what)


@contextmanager
def _unavailable_on_failure() -> Iterator[None]:
    """A database that cannot take the request now (full disk, read-only, restarting, gone)
    becomes a clear Unavailable (503: send again later), never a 500. Nothing is half-written:
    the transaction is rolled back by the database, or never committed."""
    try:
        yield
    except DBAPIError as exc:
        why = db.unavailable_reason(exc)
        if why is None:
            raise
        raise Unavailable(
            f"the database cannot take this request now ({why}): {str(exc.orig).strip()}",
            code="store_unavailable", details={"reason": why},
        ) from exc
