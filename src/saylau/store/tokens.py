"""Bearer tokens as stored: SHA-256 hashes only, each naming its entry in the admin log
(services.tokens). Rows to values and back; never commits (the service owns the
transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import Connection, RowMapping, insert, select, update

from saylau.store import hot
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


_BY_HASH_WITH_ENTRY = (
    "SELECT t.id, t.name, t.role, t.scope, t.token_hash, t.created_at, t.revoked_at, "
    "t.expires_at, t.admin_log_leaf, e.data, e.leaf_hash FROM tokens t "
    "LEFT JOIN log_leaves e ON e.election_id = ? AND e.idx = t.admin_log_leaf "
    "WHERE t.token_hash = ?")


def by_hash_with_entry(conn: Connection, token_hash: str, log_id: str
                       ) -> tuple[StoredToken, tuple[str, str] | None] | None:
    """The token of `token_hash` and its entry in the log `log_id` (the admin log): the
    entry's stored text and stored leaf hash, or None when there is no such entry. One query
    where `by_hash` and `log.leaf_data` take two, in fixed SQL (store.hot): every submission
    over the API looks up its token (api/policies.py)."""
    r = hot.first(conn, _BY_HASH_WITH_ENTRY, (log_id, token_hash))
    if r is None:
        return None
    row = StoredToken(int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], r[7],
                      None if r[8] is None else int(r[8]))
    return row, None if r[9] is None else (str(r[9]), str(r[10]))


def all_tokens(conn: Connection) -> list[StoredToken]:
    return [_stored(r) for r in conn.execute(select(t.tokens).order_by(t.tokens.c.id))
            .mappings()]


def revoke_named(conn: Connection, name: str, at: str) -> int:
    """Revoke every unrevoked token of `name` at `at`; returns how many."""
    res = conn.execute(update(t.tokens).where(t.tokens.c.name == name,
                                              t.tokens.c.revoked_at.is_(None))
                       .values(revoked_at=at))
    return int(res.rowcount or 0)


__all__ = ["NewToken", "StoredToken", "all_tokens", "by_hash", "by_hash_with_entry",
           "insert_tokens",
           "revoke_named"]
