"""Failed authentications in the database: the `limits` library's moving window, kept where
every server process sees it.

`saylau serve --workers N` runs N processes; a limit counted in each process's memory would
let a guesser try N times the limit by spreading its attempts over fresh connections. Here the
window of each key (the limit's rule and the client address, api/policies.py) is rows of the
`auth_failures` table: a failure inserts a row, a check counts the rows of the window. On
PostgreSQL one transaction-level advisory lock per key (in a key space of its own, apart from
the logs' turns of store/log.py) serialises the count and the insert, so two workers can never
both take the last place of a window; on SQLite the write transaction's BEGIN IMMEDIATE does.
Rows whose window has passed are deleted as failures arrive, so the table holds at most the
failures of the windows still open.

Only the moving window is kept (`MovingWindowRateLimiter`); the other strategies' counters are
not implemented here and say so.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from limits.storage import MovingWindowSupport, Storage
from sqlalchemy import Connection, delete, func, insert, select, text
from sqlalchemy.exc import DBAPIError

from saylau.store import hot
from saylau.store.tables import auth_failures as t

Transaction = Callable[[], AbstractContextManager[Connection]]

LOCK_SPACE = 0x53_4C
"""The first key of the two-key advisory locks taken here (PostgreSQL keeps two-key locks
apart from the one-key locks of the logs' turns)."""


class DatabaseWindows(Storage, MovingWindowSupport):
    """A `limits` storage whose moving windows are rows of `auth_failures`.

    `read` and `write` open a transaction (the service context's, so a database that cannot
    answer becomes 503 as everywhere else); `now` is the clock in seconds (the context's)."""

    STORAGE_SCHEME = None  # made by saylau with its transactions, never from a URI

    def __init__(self, read: Transaction, write: Transaction, now: Callable[[], float]) -> None:
        super().__init__()
        self._read = read
        self._write = write
        self._now = now

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return DBAPIError

    def _now_ms(self) -> int:
        return round(self._now() * 1000)

    # --- the moving window ------------------------------------------------------------------

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        """Record `amount` entries for `key` unless the window of `expiry` seconds would then
        hold more than `limit`."""
        if amount > limit:
            return False
        now = self._now_ms()
        with self._write() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:space, hashtext(:key))"),
                             {"space": LOCK_SPACE, "key": key})
            conn.execute(delete(t).where(t.c.expires_ms < now))
            held = conn.execute(select(func.count()).select_from(t).where(
                t.c.limit_key == key, t.c.at_ms >= now - expiry * 1000)).scalar_one()
            if held + amount > limit:
                return False
            conn.execute(insert(t), [{"limit_key": key, "at_ms": now,
                                      "expires_ms": now + expiry * 1000}] * amount)
        return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        """(when the oldest entry of the window was recorded, entries in the window); (now, 0)
        for an empty window."""
        now = self._now_ms()
        with self._read() as conn:
            return window(conn, key, expiry, now)

    # --- the rest of a storage --------------------------------------------------------------

    def clear(self, key: str) -> None:
        with self._write() as conn:
            conn.execute(delete(t).where(t.c.limit_key == key))

    def reset(self) -> int | None:
        with self._write() as conn:
            return conn.execute(delete(t)).rowcount

    def check(self) -> bool:
        try:
            with self._read() as conn:
                conn.execute(select(func.count()).select_from(t))
        except Exception:  # a health check answers, it does not raise
            return False
        return True

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        raise NotImplementedError(_ONLY_MOVING)

    def get(self, key: str) -> int:
        raise NotImplementedError(_ONLY_MOVING)

    def get_expiry(self, key: str) -> float:
        raise NotImplementedError(_ONLY_MOVING)


_ONLY_MOVING = ("saylau keeps only moving windows in the database (MovingWindowRateLimiter); "
                "the fixed-window counters are not stored")


_WINDOW = ("SELECT min(at_ms), count(*) FROM auth_failures "
           "WHERE limit_key = ? AND at_ms >= ?")


def window(conn: Connection, key: str, expiry: int, now_ms: int) -> tuple[float, int]:
    """(when the oldest entry of `key`'s window of `expiry` seconds was recorded, in seconds,
    and how many entries it holds); (now, 0) for an empty window. On the caller's connection:
    the API reads it just before the token it is about to look up. Fixed SQL (store.hot): it
    runs for every authenticated request."""
    r = hot.first(conn, _WINDOW, (key, now_ms - expiry * 1000))
    if r is None or not r[1]:
        return now_ms / 1000, 0
    return int(r[0]) / 1000, int(r[1])


def failures(conn: Connection) -> list[dict[str, Any]]:
    """Every stored failure (tests and operators: what the limit is counting now)."""
    rows = conn.execute(select(t.c.limit_key, t.c.at_ms, t.c.expires_ms).order_by(t.c.id))
    return [dict(r._mapping) for r in rows]
