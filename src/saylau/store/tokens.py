"""Bearer tokens as stored: SHA-256 hashes only, each naming its entry in the admin log
(services.tokens). Rows to values and back; never commits (the service owns the
transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import Connection, RowMapping, insert, select, update

from saylau.store import tables as t


@dataclass(frozen=True, slots=True)
class NewToken:
    """A token to store: its hash, never the token."""

    name: str
    role: str
    scope: str | None
    token_hash: str
    created_at: str
    expires_at: str
    admin_log_leaf: int
    """The index of its `token_issued` entry in the admin log."""


@dataclass(frozen=True, slots=True)
class StoredToken:
    id: int
    name: str
    role: str
    scope: str | None
    token_hash: str
    created_at: str
    revoked_at: str | None
    expires_at: str | None
    admin_log_leaf: int | None
    """None only for tokens issued before tokens named their entries (migration 0007)."""


def _stored(r: RowMapping) -> StoredToken:
    return StoredToken(int(r["id"]), r["name"], r["role"], r["scope"], r["token_hash"],
                       r["created_at"], r["revoked_at"], r["expires_at"],
                       None if r["admin_log_leaf"] is None else int(r["admin_log_leaf"]))


def insert_tokens(conn: Connection, tokens: Sequence[NewToken]) -> None:
    if tokens:
        conn.execute(insert(t.tokens), [asdict(k) for k in tokens])


def by_hash(conn: Connection, token_hash: str) -> StoredToken | None:
    r = conn.execute(select(t.tokens).where(t.tokens.c.token_hash == token_hash)
                     ).mappings().first()
    return None if r is None else _stored(r)


def all_tokens(conn: Connection) -> list[StoredToken]:
    return [_stored(r) for r in conn.execute(select(t.tokens).order_by(t.tokens.c.id))
            .mappings()]


def revoke_named(conn: Connection, name: str, at: str) -> int:
    """Revoke every unrevoked token of `name` at `at`; returns how many."""
    res = conn.execute(update(t.tokens).where(t.tokens.c.name == name,
                                              t.tokens.c.revoked_at.is_(None))
                       .values(revoked_at=at))
    return int(res.rowcount or 0)


__all__ = ["NewToken", "StoredToken", "all_tokens", "by_hash", "insert_tokens",
           "revoke_named"]
