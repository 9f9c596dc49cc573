"""Commission keys: the public keys registered per election (the central commission's, made
when the election is created, and each commission's), and their revocations. Rows to values
and back; never commits (the service owns the transaction)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, RowMapping, and_, insert, select, update

from saylau.domain.record.envelope import KeyRole
from saylau.store import tables as t


@dataclass(frozen=True, slots=True)
class KeyInfo:
    key: str
    unit: str
    role: str
    public_key: str
    registered_at: str
    revoked_at: str | None


def _row(election: str, k: KeyInfo) -> dict[str, object]:
    return {"election_id": election, "key": k.key, "unit": k.unit, "role": k.role,
            "public_key": k.public_key, "registered_at": k.registered_at,
            "revoked_at": k.revoked_at}


def insert_key(conn: Connection, election: str, key: KeyInfo) -> None:
    conn.execute(insert(t.commission_keys).values(**_row(election, key)))


def insert_keys(conn: Connection, election: str, keys: Sequence[KeyInfo]) -> None:
    if keys:
        conn.execute(insert(t.commission_keys), [_row(election, k) for k in keys])


def get_key(conn: Connection, election: str, key: str) -> KeyInfo | None:
    ck = t.commission_keys
    r = conn.execute(select(ck).where(and_(ck.c.election_id == election, ck.c.key == key))
                     ).mappings().first()
    return None if r is None else _info(r)


def _info(r: RowMapping) -> KeyInfo:
    return KeyInfo(str(r["key"]), str(r["unit"]), str(r["role"]), str(r["public_key"]),
                   str(r["registered_at"]),
                   None if r["revoked_at"] is None else str(r["revoked_at"]))


def revoke_key(conn: Connection, election: str, key: str, at: str, leaf: int) -> None:
    """Mark `key` revoked at `at` by the log's leaf `leaf` (its revocation record)."""
    ck = t.commission_keys
    conn.execute(update(ck).where(and_(ck.c.election_id == election, ck.c.key == key))
                 .values(revoked_at=at, revoked_leaf=leaf))


def keys_of(conn: Connection, election: str) -> list[KeyInfo]:
    """The election's keys, in the order they were registered."""
    ck = t.commission_keys
    rows = conn.execute(select(ck).where(ck.c.election_id == election)
                        .order_by(ck.c.registered_at, ck.c.key)).mappings().all()
    return [_info(r) for r in rows]


def active_commission_keys(conn: Connection, election: str, units: Iterable[str]
                           ) -> dict[str, str]:
    """Unit -> the id of a registered, unrevoked commission key of that very unit, for those
    of `units` that have one."""
    ck = t.commission_keys
    wanted = set(units)
    active = and_(ck.c.election_id == election, ck.c.role == KeyRole.COMMISSION.value,
                  ck.c.revoked_at.is_(None))
    if len(wanted) <= 100:  # one submission, a small file: ask for these units
        rows = conn.execute(select(ck.c.unit, ck.c.key).where(active, ck.c.unit.in_(wanted)))
    else:  # a big file: the election's keys (far fewer than its stations), then intersect
        rows = conn.execute(select(ck.c.unit, ck.c.key).where(active))
    return {str(u): str(k) for u, k in rows if u in wanted}


def central_public_keys(conn: Connection, election: str | None = None) -> list[str]:
    """The central commission's public keys (hex) that `election` names (every election's,
    when None): one per election in a sound store."""
    ck = t.commission_keys
    q = select(ck.c.public_key).where(ck.c.role == KeyRole.CENTRAL.value)
    if election is not None:
        q = q.where(ck.c.election_id == election)
    return [str(k) for k in conn.execute(q).scalars()]


__all__ = ["KeyInfo", "active_commission_keys", "central_public_keys", "get_key",
           "insert_key", "insert_keys", "keys_of", "revoke_key"]
