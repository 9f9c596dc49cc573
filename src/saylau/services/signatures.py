"""The checks of signatures on what commissions send: which election requires them, which
stations must sign (their own key is registered), and whether a signature is acceptable for a
record about a unit (docs/record.md)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from saylau.domain.errors import ValidationFailed
from saylau.domain.geography import Geography
from saylau.domain.record.envelope import Signature, record_signing_bytes
from saylau.domain.record.signing import verify
from saylau.store import elections as election_store
from saylau.store import keys as key_store

SIGNATURES_REQUIRED = "required"
SIGNATURES_OPTIONAL = "optional"


def signatures_rule(conn: Connection, election: str) -> str:
    return election_store.signatures_rule(conn, election) or SIGNATURES_OPTIONAL


def own_keys(conn: Connection, election: str, units: Iterable[str]) -> dict[str, str]:
    """Unit -> the id of a registered, unrevoked commission key of that very unit, for those
    of `units` that have one: they must sign (saylau.domain.contests.must_sign)."""
    return key_store.active_commission_keys(conn, election, units)


@dataclass(frozen=True, slots=True)
class Signers:
    """What the check of unsigned records needs, read once for a batch of them: the
    election's signatures rule and the units of the batch with a key of their own."""

    rule: str
    own: Mapping[str, str]


def signers(conn: Connection, election: str, units: Iterable[str]) -> Signers:
    return Signers(signatures_rule(conn, election), own_keys(conn, election, units))


def check_signature(
    conn: Connection, geo: Geography, election: str, unit: str, type_: str,
    body: Mapping[str, Any], signature: Signature | None, *, known: Signers | None = None,
) -> None:
    """Raise ValidationFailed unless the signature is acceptable for a record about `unit`:
    made by a registered, unrevoked key of the unit, of a unit above it, or of the central
    commission, over the canonical bytes of {v, type, body}. A missing signature is accepted
    only where the election accepts unsigned records (the record then says it is unsigned)
    and `unit` has no registered key of its own (saylau.domain.contests.must_sign)."""
    if signature is None:
        rule = known.rule if known is not None else signatures_rule(conn, election)
        if rule == SIGNATURES_REQUIRED:
            raise ValidationFailed(
                f"election {election} requires the commission's signature; none was sent",
                code="signature_missing",
                details={"field": "signature", "expected": "{key, value} by the commission",
                         "actual": None})
        own = (known.own if known is not None else own_keys(conn, election, [unit])).get(unit)
        if own is not None:
            raise ValidationFailed(
                f"{unit}'s commission key {own} is registered for election {election}: its "
                "protocols must be signed with it (signatures are optional only for stations "
                "without a key)", code="signature_missing",
                details={"field": "signature", "expected": f"{{key, value}} by key {own}",
                         "actual": None})
        return
    key = key_store.get_key(conn, election, signature.key)
    if key is None:
        raise ValidationFailed(f"key {signature.key} is not registered for election {election}",
                               code="signature_unknown_key",
                               details={"field": "signature.key", "expected": "a registered key",
                                        "actual": signature.key})
    if key.revoked_at is not None:
        raise ValidationFailed(f"key {signature.key} was revoked at {key.revoked_at}",
                               code="signature_revoked_key",
                               details={"field": "signature.key", "expected": "an unrevoked key",
                                        "actual": signature.key})
    scope = key.unit
    if key.role != "central" and not (unit in geo and geo.is_within(unit, scope)):  # type: ignore[arg-type]
        raise ValidationFailed(
            f"key {signature.key} belongs to {scope}, which does not cover {unit}",
            code="signature_out_of_scope",
            details={"field": "signature.key", "expected": f"a key of {unit} or above it",
                     "actual": scope})
    message = record_signing_bytes({"v": 1, "type": type_, "body": dict(body)})
    if not verify(bytes.fromhex(key.public_key), message, signature.value):
        raise ValidationFailed(
            "the signature does not match the protocol's figures (or was made with another "
            "key); nothing was stored", code="signature_invalid",
            details={"field": "signature.value", "expected": "Ed25519 over the canonical "
                     "bytes of {v, type, body}", "actual": signature.value.hex()[:16] + "..."})


__all__ = ["SIGNATURES_OPTIONAL", "SIGNATURES_REQUIRED", "Signers", "check_signature",
           "own_keys", "signatures_rule", "signers"]
