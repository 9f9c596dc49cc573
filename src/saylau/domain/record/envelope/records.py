"""Making a record: the envelope around a body, checked, with its signature, as leaf bytes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from saylau.domain.errors import ValidationFailed, field_error
from saylau.domain.record.canonical import canonical_bytes
from saylau.domain.record.envelope.shape import (
    _raise,
    _shape_problems,
    _signature_problems,
    check_record,
)
from saylau.domain.record.envelope.types import ENCODING_VERSION, KEY_ID_PATTERN, Record


@dataclass(frozen=True, slots=True)
class Signature:
    """An Ed25519 signature and the id of the key that made it (signing.key_id)."""

    key: str
    """Key id: the first 16 bytes of SHA-256 of the raw public key, 32 lowercase hex digits."""
    value: bytes
    """The 64-byte Ed25519 signature."""

    def __post_init__(self) -> None:
        problems = []
        if not isinstance(self.key, str) or not KEY_ID_PATTERN.fullmatch(self.key):
            problems.append(field_error("signature.key", "32 lowercase hex digits", self.key,
                                        "the key id is not 32 lowercase hex digits"))
        if not isinstance(self.value, bytes) or len(self.value) != 64:
            problems.append(field_error("signature.value", "64 bytes",
                                        len(self.value) if isinstance(self.value, bytes)
                                        else type(self.value).__name__,
                                        "an Ed25519 signature is 64 bytes"))
        if problems:
            raise ValidationFailed("the signature is malformed", code="record.invalid",
                                   details={"findings": problems})

    def as_json(self) -> dict[str, str]:
        return {"key": self.key, "value": self.value.hex()}

    @staticmethod
    def from_json(data: object) -> Signature:
        problems = _signature_problems(data, "signature")
        if problems:
            raise ValidationFailed("the signature is malformed", code="record.invalid",
                                   details={"findings": problems})
        assert isinstance(data, Mapping)
        return Signature(key=data["key"], value=bytes.fromhex(data["value"]))


def make_record(
    type_: str,
    body: Mapping[str, Any],
    *,
    recorded_at: str,
    recorded_by: str,
    signature: Signature | None = None,
) -> Record:
    """A record in the envelope, checked (check_record) so its leaf bytes exist.

    `recorded_at` is an RFC 3339 string (format_timestamp makes one from a datetime);
    `recorded_by` names who entered it (a token holder, an operator).
    """
    record: Record = {
        "v": ENCODING_VERSION,
        "type": str(type_),
        "body": dict(body),
        "recorded": {"at": recorded_at, "by": recorded_by},
    }
    if signature is not None:
        record["signature"] = signature.as_json()
    check_record(record)
    return record


def with_signature(record: Mapping[str, Any], signature: Signature) -> Record:
    """A copy of `record` carrying `signature` (replacing any it had)."""
    out = dict(record)
    out["signature"] = signature.as_json()
    check_record(out)
    return out


def record_signature(record: Mapping[str, Any]) -> Signature | None:
    """The record's signature, or None when it is unsigned."""
    data = record.get("signature")
    return None if data is None else Signature.from_json(data)


def leaf_bytes(record: Mapping[str, Any]) -> bytes:
    """The bytes a record is as a leaf of the log: the canonical bytes of the whole record,
    after check_record."""
    _raise(_shape_problems(record), "the record is malformed")
    return canonical_bytes(record)  # raises, naming the path, when a value has no canonical form
