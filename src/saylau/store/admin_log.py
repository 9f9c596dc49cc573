"""The admin log's storage: a Merkle log of administrative actions kept beside the elections'
transparency logs, in the same tables (store.log), under a log id no election can have.

The id is "@audit" and each entry's record type is "audit" (docs/record.md) although the log
is now called the admin log in the code, so that risk-limiting audits can take the word:
the type is inside every entry's canonical bytes, which its leaf hash and every signed tree
head cover, so it cannot change without breaking every existing entry; and the id is what
existing stores, backups and `saylau record seal @audit` name, so it stays with its entries.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection

from saylau.store import log

ADMIN_LOG = "@audit"
"""The admin log's id in the logs' tables: '@' is no character of an election id."""

ENTRY_TYPE = "audit"
"""The record type of every admin log entry (docs/record.md)."""


def size(conn: Connection) -> int:
    return log.log_size(conn, ADMIN_LOG)


def entries(conn: Connection, start: int = 0, limit: int | None = None
            ) -> list[tuple[int, str]]:
    """(index, text) of the entries from `start`, at most `limit`."""
    return log.leaves(conn, ADMIN_LOG, start, limit)


def entry(conn: Connection, idx: int) -> tuple[str, str] | None:
    """Entry `idx`: its stored text and stored leaf hash, or None."""
    return log.leaf_data(conn, ADMIN_LOG, idx)


def entries_between(conn: Connection, after: int, upto: int) -> Iterator[tuple[int, str]]:
    return log.leaves_between(conn, ADMIN_LOG, after, upto)


def entry_rows(conn: Connection) -> list[tuple[int, str, str]]:
    """Every stored entry as (index, text, stored leaf hash), in index order."""
    return log.leaf_rows(conn, ADMIN_LOG)


__all__ = ["ADMIN_LOG", "ENTRY_TYPE", "entries", "entries_between", "entry", "entry_rows",
           "size"]
