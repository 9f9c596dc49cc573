"""The envelope's types and the canonical bytes that are signed and logged: record types, key
roles, the patterns of its members, timestamps."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeAlias

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
    # --- risk-limiting audits (issue 15): domain/audit/record.py ---
    RLA = "rla"
    """A risk-limiting audit begun: its contest, risk limit, manifest digest, assertions."""
    RLA_ASSIGNMENT = "rla-assignment"
    """Stations of an audit given to an auditor to count by hand."""
    RLA_SEED = "rla-seed"
    """A round's seed: the dice rolled and the observers' names, before the sample."""
    RLA_SAMPLE = "rla-sample"
    """A round's draws, re-derivable from the seed and the manifest."""
    RLA_COUNT = "rla-count"
    """One auditor's hand count of one sampled station (two auditors enter each)."""
    RLA_MEASURE = "rla-measure"
    """A round's risk measured from the agreed hand counts, and the decision."""
    RLA_FULL = "rla-full"
    """The full hand count after an escalation: its totals and the outcome confirmed or
    overturned."""
    SENATE_SESSION = "senate-session"
    """One round's protocol of a Senate seat's joint session of the maslikhats' deputies
    (docs/law.md §8.2); version 2 and above are corrections."""
    # observation (issue 12): domain/observation/record.py builds and reads these
    OBSERVER_REPORT = "observer-report"
    """An observer's checklist or incident (a version of its slot), by badge, never by name."""
    OBSERVER_COPY = "observer-copy"
    """An observer's copy of a station's protocol (a version of the observer's slot)."""
    # integrity analytics (issue 14)
    INTEGRITY_PARAMS = "integrity-params"
    """The integrity tests' parameters, fixed before any result (domain/integrity/suite)."""
    PVT_COMMITMENT = "pvt-commitment"
    """The SHA-256 commitment to the quick count's seed, published before voting ends."""
    # the party register (issue 13): its own log "@parties", domain/parties/record.py
    PARTY_APPLICATION = "party-application"
    """A party's application: names, ruleset, founders and their regions, dates."""
    PARTY_LIST = "party-list"
    """A version of a party's member list as counts and one commitment (never an IIN)."""
    PARTY_DECISION = "party-decision"
    """The ministry's decision with the figures it was taken on (re-derived by verify)."""
    PARTY_LIQUIDATION = "party-liquidation"
    """A registered party liquidated, with the reason given."""


class KeyRole(StrEnum):
    CENTRAL = "central"
    """The central commission: signs tree heads, elections, geography, key records."""
    COMMISSION = "commission"
    """A territorial or precinct commission: signs records of its unit and the units below."""
    OBSERVER = "observer"
    """An accredited observer (issue 12): signs their own observer-copy and observer-report
    records only; registered at accreditation by badge (`observer_key_body`), never by name."""


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
