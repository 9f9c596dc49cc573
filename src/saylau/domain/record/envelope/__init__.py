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

from saylau.domain.record.envelope.builders import (
    election_record,
    geography_record,
    key_body,
    key_record,
    key_revocation_record,
    observer_key_record,
    protocol_body,
    protocol_record,
    session_body,
    session_record,
    turnout_body,
    turnout_record,
)
from saylau.domain.record.envelope.fast import (
    protocol_leaves_fast,
)
from saylau.domain.record.envelope.records import (
    Signature,
    leaf_bytes,
    make_record,
    record_signature,
    with_signature,
)
from saylau.domain.record.envelope.shape import (
    check_record,
    record_problems,
    record_shape_problems,
)
from saylau.domain.record.envelope.types import (
    ENCODING_VERSION,
    ENVELOPE_MEMBERS,
    HEX_HASH,
    HEX_PUBLIC_KEY,
    HEX_SIGNATURE,
    KEY_ID_PATTERN,
    PROTOCOL_COUNT_FIELDS,
    TIME_OF_DAY_PATTERN,
    TIMESTAMP_PATTERN,
    TYPE_PATTERN,
    KeyRole,
    Record,
    RecordType,
    format_timestamp,
    is_timestamp,
    record_signing_bytes,
    signing_bytes,
)

__all__ = [
    "ENCODING_VERSION",
    "ENVELOPE_MEMBERS",
    "HEX_HASH",
    "HEX_PUBLIC_KEY",
    "HEX_SIGNATURE",
    "KEY_ID_PATTERN",
    "PROTOCOL_COUNT_FIELDS",
    "TIMESTAMP_PATTERN",
    "TIME_OF_DAY_PATTERN",
    "TYPE_PATTERN",
    "KeyRole",
    "Record",
    "RecordType",
    "Signature",
    "check_record",
    "election_record",
    "format_timestamp",
    "geography_record",
    "is_timestamp",
    "key_body",
    "key_record",
    "key_revocation_record",
    "leaf_bytes",
    "make_record",
    "observer_key_record",
    "protocol_body",
    "protocol_leaves_fast",
    "protocol_record",
    "record_problems",
    "record_shape_problems",
    "record_signature",
    "record_signing_bytes",
    "session_body",
    "session_record",
    "signing_bytes",
    "turnout_body",
    "turnout_record",
    "with_signature",
]
