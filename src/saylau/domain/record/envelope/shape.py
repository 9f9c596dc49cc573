"""The shape checks of a record and of each type's body: every problem, each naming its member."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, TypeGuard

from saylau.domain.errors import ValidationFailed, field_error
from saylau.domain.record.canonical import canonical_bytes
from saylau.domain.record.envelope.types import (
    ENCODING_VERSION,
    ENVELOPE_MEMBERS,
    HEX_HASH,
    HEX_PUBLIC_KEY,
    HEX_SIGNATURE,
    KEY_ID_PATTERN,
    PROTOCOL_COUNT_FIELDS,
    TIME_OF_DAY_PATTERN,
    TYPE_PATTERN,
    KeyRole,
    RecordType,
    is_timestamp,
)

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
    _reason_problems(body, at, out)
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


SESSION_COUNT_FIELDS: tuple[str, ...] = ("electors", "electors_present", "invalid")
"""The counts of a Senate joint session's protocol body, besides the votes per candidate."""


def _session_problems(body: Mapping[str, Any], at: str) -> _Problems:
    out: _Problems = []
    _members(body, {"contest", "round", "version", *SESSION_COUNT_FIELDS, "votes", "reason"},
             at, out)
    _need_str(body, "contest", at, out)
    for name in ("round", "version"):
        value = body.get(name)
        if not _is_int(value) or value < 1:
            out.append(field_error(f"{at}.{name}", "1 or more", value,
                                   f"{at}.{name} must be a whole number, 1 or more"))
    for name in SESSION_COUNT_FIELDS:
        if name in body:
            _count(body[name], f"{at}.{name}", out)
    votes = body.get("votes")
    if isinstance(votes, Mapping):
        for option, n in votes.items():
            _count(n, f"{at}.votes.{option}", out)
    elif "votes" in body:
        out.append(field_error(f"{at}.votes", "an object", votes, f"{at}.votes must be an "
                               "object {candidate: votes}"))
    _reason_problems(body, at, out)
    return out


def _reason_problems(body: Mapping[str, Any], at: str, out: _Problems) -> None:
    """Version 1 has no reason; a correction (version 2 and above) says why."""
    version, reason = body.get("version"), body.get("reason")
    if _is_int(version) and version == 1 and reason is not None:
        out.append(field_error(f"{at}.reason", "null", reason,
                               "version 1 is not a correction and has no reason"))
    if _is_int(version) and version > 1 and (not isinstance(reason, str) or not reason.strip()):
        out.append(field_error(f"{at}.reason", "a non-empty string", reason,
                               f"version {version} is a correction and must say why"))


OBSERVER_KEY_MEMBERS = frozenset({"election", "badge", "mission", "role", "key", "public_key",
                                  "signed_reports"})
"""An observer's key (role `observer`): by badge and mission, and whether the mission requires
every report to be signed."""


def _key_problems(body: Mapping[str, Any], at: str) -> _Problems:
    out: _Problems = []
    role = body.get("role")
    if role == KeyRole.OBSERVER:
        _members(body, set(OBSERVER_KEY_MEMBERS), at, out)
        _need_str(body, "badge", at, out)
        _need_str(body, "mission", at, out)
        if not isinstance(body.get("signed_reports"), bool):
            out.append(field_error(f"{at}.signed_reports", "true or false",
                                   body.get("signed_reports"),
                                   f"{at}.signed_reports must be a boolean"))
    else:
        _members(body, {"election", "unit", "role", "key", "public_key"}, at, out)
        _need_str(body, "unit", at, out)
    _need_str(body, "election", at, out)
    if role not in {r.value for r in KeyRole}:
        out.append(field_error(f"{at}.role", "central, commission or observer", role,
                               f"{at}.role must be 'central', 'commission' or 'observer'"))
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
    if type_ == RecordType.SENATE_SESSION:
        return _session_problems(body, at)
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
