"""Commission keys of an election: registered (one, or many for an election night's set-up),
revoked, listed. Each registration and revocation is a leaf of the election's log and an entry
of the admin log, in the transaction that stores it (docs/record.md)."""

from __future__ import annotations

from sqlalchemy import Connection

from saylau.domain.errors import Conflict, NotFound, ValidationFailed
from saylau.domain.limits import check_text
from saylau.domain.record.envelope import (
    KeyRole,
    RecordType,
    format_timestamp,
    key_record,
    key_revocation_record,
    leaf_bytes,
)
from saylau.domain.record.signing import key_id, public_key_from_hex
from saylau.services import logs
from saylau.services.context import Saylau
from saylau.store import elections as election_store
from saylau.store import keys as key_store
from saylau.store.keys import KeyInfo


def _election_exists(conn: Connection, election: str) -> None:
    if not election_store.election_exists(conn, election):
        raise NotFound(f"no election {election!r}", details={"election": election})


def register_key(app: Saylau, election: str, unit: str, public_key_hex: str, by: str) -> str:
    """Register a commission's public key for `unit` (its station or territory); returns the
    key id. Logged as a key record."""
    geo = app.geography()
    if unit not in geo:
        raise NotFound(f"no unit {unit!r}", details={"field": "unit", "actual": unit})
    raw = public_key_from_hex(public_key_hex)
    kid = key_id(raw)
    at = format_timestamp(app.clock())
    with app.write() as conn:
        _election_exists(conn, election)
        if key_store.get_key(conn, election, kid) is not None:
            raise Conflict(f"key {kid} is already registered", code="key_exists",
                           details={"key": kid})
        idx = logs.append(conn, election, key_record(election=election, unit=unit,
                                                     role=KeyRole.COMMISSION, key=kid,
                                                     public_key=raw.hex(), recorded_by=by,
                                                     recorded_at=at))
        key_store.insert_key(conn, election, KeyInfo(kid, unit, "commission", raw.hex(), at,
                                                     None))
        logs.log_action(conn, app, logs.Action.KEY_REGISTERED, by, election=election,
                        unit=unit, key=kid, leaf=idx)
    return kid


def register_keys(app: Saylau, election: str, keys: list[tuple[str, bytes]], by: str) -> None:
    """Many commissions' keys at once (unit, raw public key): an election night's setup."""
    at = format_timestamp(app.clock())
    with app.write() as conn:
        _election_exists(conn, election)
        leaves = []
        rows = []
        for unit, raw in keys:
            kid = key_id(raw)
            rec = key_record(election=election, unit=unit, role=KeyRole.COMMISSION, key=kid,
                             public_key=raw.hex(), recorded_by=by, recorded_at=at)
            leaves.append((RecordType.KEY.value, leaf_bytes(rec)))
            rows.append(KeyInfo(kid, unit, "commission", raw.hex(), at, None))
        end = logs.append_many(conn, election, leaves)
        key_store.insert_keys(conn, election, rows)
        logs.log_action(conn, app, logs.Action.KEYS_REGISTERED, by, election=election,
                        keys=len(rows), leaf=end - len(rows))


def revoke_key(app: Saylau, election: str, kid: str, reason: str, by: str) -> None:
    """Stop trusting a key from now on; what it signed before stays valid (docs/record.md)."""
    if not reason.strip():
        raise ValidationFailed("a revocation must say why",
                               details={"field": "reason", "expected": "a reason",
                                        "actual": reason})
    check_text("reason", reason)
    at = format_timestamp(app.clock())
    with app.write() as conn:
        key = key_store.get_key(conn, election, kid)
        if key is None:
            raise NotFound(f"no key {kid} in election {election}",
                           details={"field": "key", "actual": kid})
        if key.revoked_at is not None:
            raise Conflict(f"key {kid} was already revoked at {key.revoked_at}",
                           code="key_revoked", details={"key": kid})
        if key.role == "central":
            raise ValidationFailed("the central commission's key cannot be revoked here",
                                   details={"field": "key", "expected": "a commission key",
                                            "actual": kid})
        idx = logs.append(conn, election, key_revocation_record(
            election=election, key=kid, reason=reason, recorded_by=by, recorded_at=at))
        key_store.revoke_key(conn, election, kid, at, idx)
        logs.log_action(conn, app, logs.Action.KEY_REVOKED, by, election=election, key=kid,
                        reason=reason, leaf=idx)


def keys(app: Saylau, election: str) -> list[KeyInfo]:
    with app.read() as conn:
        return key_store.keys_of(conn, election)


__all__ = ["KeyInfo", "keys", "register_key", "register_keys", "revoke_key"]
