"""The record envelope and the builders of every record type (docs/record.md, "Records").

Every recorded object is one JSON object with these members, and no others::

    {"v": 1,                        encoding version (this module writes 1)
     "type": "protocol",            what the body is (RecordType, or another lowercase name)
     "body": {...},                 the content
     "recorded": {"at": ..., "by": ...},   when and by whom the log accepted it
     "signature": {"key": ..., "value": ...}}   optional: the signer's key id and signature

The signature covers the canonical bytes of ``{"v": ..., "type": ..., "body": ...}`` only, so a
commission can sign a protocol before the server stamps ``recorded``; the log's leaf is the
canonical bytes of the whole record, so the tree head (signed by the central commission)
covers ``recorded`` and the signature too.

A signed tree head has the same envelope with type "tree-head", no ``recorded`` member and a
required signature (merkle.TreeHead); it is published, never a leaf.

Every binary value (hashes, public keys, signatures) is lowercase hexadecimal. Timestamps are
RFC 3339 strings with a 'T', seconds, optional fraction and 'Z' or a numeric offset.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeAlias, TypeGuard

from saylau.domain.errors import ValidationFailed, field_error
from saylau.domain.record.canonical import canonical_bytes

Record: TypeAlias = dict[str, Any]
"""One record as plain data (the envelope above)."""

ENCODING_VERSION = 1
"""The version of this encoding: member names, canonicalization, hashing and signing."""


class RecordType(StrEnum):
    ELECTION = "election"
    """An election's definition: its contests and the public keys of its commissions."""
    GEOGRAPHY = "geography"
    """The units (country, regions, districts, stations with their lists)."""
    KEY = "key"
    """One more commission public key registered after the election's definition."""
    KEY_REVOCATION = "key-revocation"
    """A key no longer trusted from this leaf on."""
    PROTOCOL = "protocol"
    """A station's protocol for a contest; version 2 and above are corrections."""
    TURNOUT = "turnout"
    """Ballots issued at a station by a time of day."""
    TREE_HEAD = "tree-head"
    """A signed tree head: never a leaf."""


class KeyRole(StrEnum):
    CENTRAL = "central"
    """The central commission: signs tree heads, elections, geography, key records."""
    COMMISSION = "commission"
    """A territorial or precinct commission: signs records of its unit and the units below."""


PROTOCOL_COUNT_FIELDS: tuple[str, ...] = (
    "registered", "ballots_received", "ballots_issued", "ballots_cancelled",
    "ballots_in_boxes", "invalid", "both_marked",
)
"""The counts of a protocol body (encoding version 1), besides the votes per option."""

ENVELOPE_MEMBERS = frozenset({"v", "type", "body", "recorded", "signature"})
TYPE_PATTERN = re.compile(r"[a-z][a-z0-9-]{0,63}")
KEY_ID_PATTERN = re.compile(r"[0-9a-f]{32}")
HEX_PUBLIC_KEY = re.compile(r"[0-9a-f]{64}")
HEX_HASH = re.compile(r"[0-9a-f]{64}")
HEX_SIGNATURE = re.compile(r"[0-9a-f]{128}")
TIMESTAMP_PATTERN = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})"
)
TIME_OF_DAY_PATTERN = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


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


def format_timestamp(at: datetime) -> str:
    """`at` as the RFC 3339 string records use: UTC, 'Z', microseconds only when non-zero.

    >>> format_timestamp(datetime(2024, 3, 1, 7, 0, tzinfo=UTC))
    '2024-03-01T07:00:00Z'
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValidationFailed(
            "a record's time must say its time zone", code="record.invalid",
            details={"findings": [field_error("at", "an aware datetime", at.isoformat(),
                                              "the time has no time zone")]},
        )
    u = at.astimezone(UTC)
    frac = f".{u.microsecond:06d}" if u.microsecond else ""
    return f"{u:%Y-%m-%dT%H:%M:%S}{frac}Z"


def is_timestamp(value: object) -> bool:
    """True when `value` is an RFC 3339 date-time string as records hold them."""
    if not isinstance(value, str) or not TIMESTAMP_PATTERN.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def signing_bytes(type_: str, body: Mapping[str, Any], v: int = ENCODING_VERSION) -> bytes:
    """The bytes a signer signs: canonical bytes of {"v": v, "type": type_, "body": body}."""
    return canonical_bytes({"v": v, "type": str(type_), "body": body})


def record_signing_bytes(record: Mapping[str, Any]) -> bytes:
    """The bytes `record`'s signature covers (its v, type and body)."""
    return canonical_bytes({k: record[k] for k in ("v", "type", "body") if k in record})


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


# ---- builders -----------------------------------------------------------------------------


def protocol_body(
    *,
    contest: str,
    station: str,
    version: int,
    counts: Mapping[str, int],
    votes: Mapping[str, int],
    reason: str | None,
) -> dict[str, Any]:
    """The body of a protocol record: what the station's commission signs.

    `counts` holds exactly PROTOCOL_COUNT_FIELDS (a 'votes' key, as in ProtocolCounts.as_dict(),
    is ignored: the votes come from `votes`); `reason` is None for version 1 and says why for
    a correction. Raises ValidationFailed listing every problem.
    """
    body = {
        "contest": contest,
        "station": station,
        "version": version,
        "counts": {f: counts[f] for f in PROTOCOL_COUNT_FIELDS if f in counts},
        "votes": dict(votes),
        "reason": reason,
    }
    extra = sorted(set(counts) - set(PROTOCOL_COUNT_FIELDS) - {"votes"})
    problems = _protocol_problems(body, "body")
    problems += [field_error(f"body.counts.{f}", "no such count", counts[f],
                             f"{f} is not a count of a protocol") for f in extra]
    _raise(problems, "the protocol record is malformed")
    return body


def protocol_record(
    *,
    contest: str,
    station: str,
    version: int,
    counts: Mapping[str, int],
    votes: Mapping[str, int],
    reason: str | None,
    recorded_by: str,
    recorded_at: str,
    signature: Signature | None = None,
) -> Record:
    """A protocol (or, for version > 1, a correction) as a record."""
    body = protocol_body(contest=contest, station=station, version=version, counts=counts,
                         votes=votes, reason=reason)
    return make_record(RecordType.PROTOCOL, body, recorded_at=recorded_at,
                       recorded_by=recorded_by, signature=signature)


def turnout_body(*, contest: str, station: str, at: str, ballots_issued: int) -> dict[str, Any]:
    """The body of a turnout record; `at` is the time of day 'HH:MM' (capital time)."""
    body = {"contest": contest, "station": station, "at": at,
            "ballots_issued": ballots_issued}
    _raise(_turnout_problems(body, "body"), "the turnout record is malformed")
    return body


def turnout_record(
    *,
    contest: str,
    station: str,
    at: str,
    ballots_issued: int,
    recorded_by: str,
    recorded_at: str,
    signature: Signature | None = None,
) -> Record:
    body = turnout_body(contest=contest, station=station, at=at, ballots_issued=ballots_issued)
    return make_record(RecordType.TURNOUT, body, recorded_at=recorded_at,
                       recorded_by=recorded_by, signature=signature)


def key_body(
    *, election: str, unit: str, role: KeyRole | str, key: str, public_key: str
) -> dict[str, Any]:
    """A commission's public key: `key` is its id, `public_key` the raw 32 bytes in hex."""
    body = {"election": election, "unit": unit, "role": str(role), "key": key,
            "public_key": public_key}
    _raise(_key_problems(body, "body"), "the key record is malformed")
    return body


def key_record(
    *,
    election: str,
    unit: str,
    role: KeyRole | str,
    key: str,
    public_key: str,
    recorded_by: str,
    recorded_at: str,
    signature: Signature | None = None,
) -> Record:
    body = key_body(election=election, unit=unit, role=role, key=key, public_key=public_key)
    return make_record(RecordType.KEY, body, recorded_at=recorded_at, recorded_by=recorded_by,
                       signature=signature)


def key_revocation_record(
    *,
    election: str,
    key: str,
    reason: str,
    recorded_by: str,
    recorded_at: str,
    signature: Signature | None = None,
) -> Record:
    body = {"election": election, "key": key, "reason": reason}
    return make_record(RecordType.KEY_REVOCATION, body, recorded_at=recorded_at,
                       recorded_by=recorded_by, signature=signature)


def election_record(
    body: Mapping[str, Any],
    *,
    recorded_by: str,
    recorded_at: str,
    signature: Signature | None = None,
) -> Record:
    """An election's definition. `body` must hold "election" (its id), "contests" (objects
    each with a "contest" id) and "keys" (key bodies, key_body); any other plain data (name,
    ruleset, date, each contest's kind, area, options) is kept as given."""
    return make_record(RecordType.ELECTION, body, recorded_at=recorded_at,
                       recorded_by=recorded_by, signature=signature)


def geography_record(
    units: Sequence[Mapping[str, Any]],
    *,
    recorded_by: str,
    recorded_at: str,
    signature: Signature | None = None,
) -> Record:
    """The geography: `units` (each with at least "id" and "parent"), sorted by id in UTF-16
    code-unit order so that the same units always give the same bytes."""
    ordered = sorted((dict(u) for u in units),
                     key=lambda u: str(u.get("id", "")).encode("utf-16-be", "surrogatepass"))
    return make_record(RecordType.GEOGRAPHY, {"units": ordered}, recorded_at=recorded_at,
                       recorded_by=recorded_by, signature=signature)


# ---- checks -------------------------------------------------------------------------------

_Problems = list[dict[str, Any]]


def _raise(problems: _Problems, message: str) -> None:
    if problems:
        raise ValidationFailed(f"{message}: " + "; ".join(p["message"] for p in problems),
                               code="record.invalid", details={"findings": problems})


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _need_str(body: Mapping[str, Any], name: str, at: str, out: _Problems) -> None:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        out.append(field_error(f"{at}.{name}", "a non-empty string", value,
                               f"{at}.{name} must be a non-empty string"))


def _members(body: Mapping[str, Any], names: set[str], at: str, out: _Problems) -> None:
    for extra in sorted(set(body) - names):
        out.append(field_error(f"{at}.{extra}", f"one of {', '.join(sorted(names))}", extra,
                               f"{at} has no member {extra!r} in encoding version 1"))
    for missing in sorted(names - set(body)):
        out.append(field_error(f"{at}.{missing}", "present", None,
                               f"{at}.{missing} is missing"))


def _count(value: object, at: str, out: _Problems) -> None:
    if not _is_int(value):
        out.append(field_error(at, "a whole number", value, f"{at} must be a whole number"))
    elif value < 0:
        out.append(field_error(at, "0 or more", value, f"{at} is {value}; counts cannot be "
                               "negative"))


def _signature_problems(data: object, at: str) -> _Problems:
    out: _Problems = []
    if not isinstance(data, Mapping):
        return [field_error(at, "an object {key, value}", data, f"{at} must be an object")]
    _members(data, {"key", "value"}, at, out)
    key, value = data.get("key"), data.get("value")
    if "key" in data and (not isinstance(key, str) or not KEY_ID_PATTERN.fullmatch(key)):
        out.append(field_error(f"{at}.key", "32 lowercase hex digits", key,
                               f"{at}.key is not a key id"))
    if "value" in data and (not isinstance(value, str) or not HEX_SIGNATURE.fullmatch(value)):
        out.append(field_error(f"{at}.value", "128 lowercase hex digits", value,
                               f"{at}.value is not an Ed25519 signature in hex"))
    return out


def _protocol_problems(body: Mapping[str, Any], at: str) -> _Problems:
    out: _Problems = []
    _members(body, {"contest", "station", "version", "counts", "votes", "reason"}, at, out)
    _need_str(body, "contest", at, out)
    _need_str(body, "station", at, out)
    version = body.get("version")
    if not _is_int(version) or version < 1:
        out.append(field_error(f"{at}.version", "1 or more", version,
                               f"{at}.version must be a whole number, 1 or more"))
    counts = body.get("counts")
    if isinstance(counts, Mapping):
        _members(counts, set(PROTOCOL_COUNT_FIELDS), f"{at}.counts", out)
        for name in PROTOCOL_COUNT_FIELDS:
            if name in counts:
                _count(counts[name], f"{at}.counts.{name}", out)
    elif "counts" in body:
        out.append(field_error(f"{at}.counts", "an object", counts, f"{at}.counts must be an "
                               "object of the counts"))
    votes = body.get("votes")
    if isinstance(votes, Mapping):
        for option, n in votes.items():
            _count(n, f"{at}.votes.{option}", out)
    elif "votes" in body:
        out.append(field_error(f"{at}.votes", "an object", votes, f"{at}.votes must be an "
                               "object {option: votes}"))
    reason = body.get("reason")
    if _is_int(version) and version == 1 and reason is not None:
        out.append(field_error(f"{at}.reason", "null", reason,
                               "version 1 is not a correction and has no reason"))
    if _is_int(version) and version > 1 and (not isinstance(reason, str) or not reason.strip()):
        out.append(field_error(f"{at}.reason", "a non-empty string", reason,
                               f"version {version} is a correction and must say why"))
    return out


def _turnout_problems(body: Mapping[str, Any], at: str) -> _Problems:
    out: _Problems = []
    _members(body, {"contest", "station", "at", "ballots_issued"}, at, out)
    _need_str(body, "contest", at, out)
    _need_str(body, "station", at, out)
    when = body.get("at")
    if not isinstance(when, str) or not TIME_OF_DAY_PATTERN.fullmatch(when):
        out.append(field_error(f"{at}.at", "HH:MM", when, f"{at}.at must be a time HH:MM"))
    if "ballots_issued" in body:
        _count(body["ballots_issued"], f"{at}.ballots_issued", out)
    return out


def _key_problems(body: Mapping[str, Any], at: str) -> _Problems:
    out: _Problems = []
    _members(body, {"election", "unit", "role", "key", "public_key"}, at, out)
    _need_str(body, "election", at, out)
    _need_str(body, "unit", at, out)
    role = body.get("role")
    if role not in {r.value for r in KeyRole}:
        out.append(field_error(f"{at}.role", "central or commission", role,
                               f"{at}.role must be 'central' or 'commission'"))
    key = body.get("key")
    if not isinstance(key, str) or not KEY_ID_PATTERN.fullmatch(key):
        out.append(field_error(f"{at}.key", "32 lowercase hex digits", key,
                               f"{at}.key is not a key id"))
    public = body.get("public_key")
    if not isinstance(public, str) or not HEX_PUBLIC_KEY.fullmatch(public):
        out.append(field_error(f"{at}.public_key", "64 lowercase hex digits", public,
                               f"{at}.public_key is not a raw Ed25519 public key in hex"))
    elif isinstance(key, str) and key != _key_id_hex(public):
        out.append(field_error(f"{at}.key", _key_id_hex(public), key,
                               f"{at}.key is not the id of {at}.public_key"))
    return out


def _key_id_hex(public_hex: str) -> str:
    return hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()[:32]


def _body_problems(type_: str, body: Mapping[str, Any]) -> _Problems:
    at = "body"
    if type_ == RecordType.PROTOCOL:
        return _protocol_problems(body, at)
    if type_ == RecordType.TURNOUT:
        return _turnout_problems(body, at)
    if type_ == RecordType.KEY:
        return _key_problems(body, at)
    out: _Problems = []
    if type_ == RecordType.KEY_REVOCATION:
        _members(body, {"election", "key", "reason"}, at, out)
        _need_str(body, "election", at, out)
        _need_str(body, "reason", at, out)
        key = body.get("key")
        if not isinstance(key, str) or not KEY_ID_PATTERN.fullmatch(key):
            out.append(field_error(f"{at}.key", "32 lowercase hex digits", key,
                                   f"{at}.key is not a key id"))
    elif type_ == RecordType.ELECTION:
        _need_str(body, "election", at, out)
        contests = body.get("contests")
        if not isinstance(contests, list | tuple):
            out.append(field_error(f"{at}.contests", "an array of contests", contests,
                                   f"{at}.contests must list the election's contests"))
        else:
            for i, c in enumerate(contests):
                if not isinstance(c, Mapping) or not isinstance(c.get("contest"), str):
                    out.append(field_error(f"{at}.contests[{i}]", "an object with a contest id",
                                           c, f"{at}.contests[{i}] must name its contest"))
        keys = body.get("keys")
        if not isinstance(keys, list | tuple):
            out.append(field_error(f"{at}.keys", "an array of key bodies", keys,
                                   f"{at}.keys must list the commissions' public keys"))
        else:
            for i, k in enumerate(keys):
                if isinstance(k, Mapping):
                    out += _key_problems(k, f"{at}.keys[{i}]")
                else:
                    out.append(field_error(f"{at}.keys[{i}]", "a key body", k,
                                           f"{at}.keys[{i}] must be an object"))
    elif type_ == RecordType.GEOGRAPHY:
        _members(body, {"units"}, at, out)
        units = body.get("units")
        if not isinstance(units, list | tuple):
            out.append(field_error(f"{at}.units", "an array of units", units,
                                   f"{at}.units must be an array"))
        else:
            for i, u in enumerate(units):
                if (not isinstance(u, Mapping) or not isinstance(u.get("id"), str)
                        or "parent" not in u
                        or not isinstance(u["parent"], str | None)):
                    out.append(field_error(f"{at}.units[{i}]", "an object with id and parent", u,
                                           f"{at}.units[{i}] must be an object with an id and "
                                           "a parent (null for the country)"))
    elif type_ == RecordType.TREE_HEAD:
        _members(body, {"size", "root", "timestamp"}, at, out)
        size, root = body.get("size"), body.get("root")
        if not _is_int(size) or size < 0:
            out.append(field_error(f"{at}.size", "0 or more", size, f"{at}.size must be a "
                                   "whole number, 0 or more"))
        if not isinstance(root, str) or not HEX_HASH.fullmatch(root):
            out.append(field_error(f"{at}.root", "64 lowercase hex digits", root,
                                   f"{at}.root is not a SHA-256 hash in hex"))
        if not is_timestamp(body.get("timestamp")):
            out.append(field_error(f"{at}.timestamp", "an RFC 3339 date-time",
                                   body.get("timestamp"), f"{at}.timestamp is not a date-time"))
    return out


def record_problems(record: object) -> list[dict[str, Any]]:
    """Every problem of `record`'s envelope and (for the types above) its body, as field
    errors; [] when it is a well-formed record of encoding version 1 with canonical bytes."""
    out = _shape_problems(record)
    if not out:
        try:
            canonical_bytes(record)
        except ValidationFailed as exc:
            out += exc.details.get("findings", [])
    return out


def record_shape_problems(record: object) -> list[dict[str, Any]]:
    """record_problems without its canonical-form check: for a record just parsed from bytes
    already known to be canonical (the verifier), where that check would only repeat work."""
    return _shape_problems(record)


def _shape_problems(record: object) -> _Problems:
    if not isinstance(record, Mapping):
        return [field_error("$", "an object", type(record).__name__, "a record is an object")]
    out: _Problems = []
    for extra in sorted(set(record) - ENVELOPE_MEMBERS):
        out.append(field_error(extra, "v, type, body, recorded, signature", extra,
                               f"a record has no member {extra!r}"))
    v, type_, body = record.get("v"), record.get("type"), record.get("body")
    if v != ENCODING_VERSION or not _is_int(v):
        out.append(field_error("v", str(ENCODING_VERSION), v,
                               f"encoding version {v!r} is not {ENCODING_VERSION}"))
    if not isinstance(type_, str) or not TYPE_PATTERN.fullmatch(type_):
        out.append(field_error("type", "a lowercase name like 'protocol'", type_,
                               "the record type is missing or malformed"))
    if not isinstance(body, Mapping):
        out.append(field_error("body", "an object", body, "the body must be an object"))
    elif isinstance(type_, str):
        out += _body_problems(type_, body)
    recorded = record.get("recorded")
    if type_ == RecordType.TREE_HEAD:
        if recorded is not None:
            out.append(field_error("recorded", "absent", recorded,
                                   "a tree head is not a leaf and has no 'recorded'"))
        if record.get("signature") is None:
            out.append(field_error("signature", "present", None,
                                   "a tree head must be signed"))
    elif not isinstance(recorded, Mapping):
        out.append(field_error("recorded", "an object {at, by}", recorded,
                               "the record must say when and by whom it was recorded"))
    else:
        _members(recorded, {"at", "by"}, "recorded", out)
        if "at" in recorded and not is_timestamp(recorded["at"]):
            out.append(field_error("recorded.at", "an RFC 3339 date-time", recorded["at"],
                                   "recorded.at is not a date-time like "
                                   "2024-03-01T07:00:00Z"))
        _need_str(recorded, "by", "recorded", out)
    if "signature" in record:
        out += _signature_problems(record["signature"], "signature")
    return out


def check_record(record: object) -> None:
    """Raise ValidationFailed (code 'record.invalid') listing every problem of `record`."""
    _raise(record_problems(record), "the record is malformed")


_COUNT_ORDER = tuple(sorted(PROTOCOL_COUNT_FIELDS))


def protocol_leaves_fast(
    contest: str,
    stations: Sequence[str],
    counts: Sequence[Sequence[int]],
    options: Sequence[str],
    votes: Sequence[Sequence[int]],
    *,
    recorded_by: str,
    recorded_at: str,
) -> list[bytes]:
    """The leaf bytes of many unsigned version-1 protocol records (a bulk import), equal to
    `leaf_bytes(protocol_record(...))` for each (tests/unit/test_record_envelope.py holds them
    equal) but built from one template: a million protocols are logged in seconds.

    `counts[k]` is in PROTOCOL_COUNT_FIELDS order and `votes[k]` in `options` order; every
    value must be a non-negative integer (the protocol checks ran before)."""
    import json

    def s(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    pos = {f: i for i, f in enumerate(PROTOCOL_COUNT_FIELDS)}
    order = [pos[f] for f in _COUNT_ORDER]
    opt_order = sorted(range(len(options)),
                       key=lambda j: options[j].encode("utf-16-be", "surrogatepass"))
    head = '{"body":{"contest":' + s(contest) + ',"counts":{'
    count_keys = [f'"{f}":' for f in _COUNT_ORDER]
    vote_keys = [s(options[j]) + ":" for j in opt_order]
    tail = ('}},"recorded":{"at":' + s(recorded_at) + ',"by":' + s(recorded_by)
            + '},"type":"protocol","v":1}')
    out = []
    for station, c, v in zip(stations, counts, votes, strict=True):
        cs = ",".join(k + str(int(c[i])) for k, i in zip(count_keys, order, strict=True))
        vs = ",".join(k + str(int(v[j])) for k, j in zip(vote_keys, opt_order, strict=True))
        out.append((head + cs + '},"reason":null,"station":' + s(station)
                    + ',"version":1,"votes":{' + vs + tail).encode("utf-8"))
    return out
