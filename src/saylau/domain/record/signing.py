"""Ed25519 signatures over canonical bytes (RFC 8032, through the `cryptography` package:
never write one's own crypto).

- public keys travel as their raw 32 bytes (RFC 8032 encoding), written in records as 64
  lowercase hex digits; signatures are the raw 64 bytes, 128 hex digits;
- a key's id is the first 16 bytes of SHA-256 of its raw public key, 32 hex digits;
- a record is signed over record_signing_bytes (its v, type and body; envelope.py); a tree
  head over the canonical bytes of {"v": 1, "type": "tree-head", "body": {size, root,
  timestamp}}.

Signing is deterministic (RFC 8032), so it belongs to the pure core; making a key needs the
operating system's randomness and lives in saylau.services.keys.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from saylau.domain.errors import ValidationFailed, field_error
from saylau.domain.record.envelope import (
    Record,
    Signature,
    record_signature,
    record_signing_bytes,
    signing_bytes,
    with_signature,
)
from saylau.domain.record.merkle import TreeHead

PUBLIC_KEY_SIZE = 32
SIGNATURE_SIZE = 64

__all__ = [
    "Ed25519PrivateKey",
    "key_id",
    "private_key_from_seed",
    "public_key_bytes",
    "public_key_from_hex",
    "sign",
    "sign_body",
    "sign_record",
    "sign_tree_head",
    "verify",
    "verify_record",
    "verify_tree_head",
]


def _bad(field: str, expected: str, actual: object, message: str) -> ValidationFailed:
    return ValidationFailed(message, code="signing.invalid",
                            details={"findings": [field_error(field, expected, actual, message)]})


def key_id(public_key: bytes) -> str:
    """The id of a raw 32-byte Ed25519 public key: hex of the first 16 bytes of its SHA-256."""
    if len(public_key) != PUBLIC_KEY_SIZE:
        raise _bad("public_key", "32 bytes", len(public_key),
                   "an Ed25519 public key is 32 bytes")
    return hashlib.sha256(public_key).hexdigest()[:32]


def public_key_bytes(private_key: Ed25519PrivateKey) -> bytes:
    """The raw 32-byte public key of `private_key`."""
    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_key_from_hex(text: str) -> bytes:
    """The raw public key written as 64 hex digits in a key record."""
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raw = b""
    if len(raw) != PUBLIC_KEY_SIZE or raw.hex() != text:
        raise _bad("public_key", "64 lowercase hex digits", text,
                   "the public key is not 64 lowercase hex digits")
    return raw


def private_key_from_seed(seed: bytes) -> Ed25519PrivateKey:
    """The private key of a 32-byte seed (RFC 8032's 'secret key'); for tests and vectors."""
    if len(seed) != 32:
        raise _bad("seed", "32 bytes", len(seed), "an Ed25519 seed is 32 bytes")
    return Ed25519PrivateKey.from_private_bytes(seed)


def sign(private_key: Ed25519PrivateKey, message: bytes) -> Signature:
    """The Ed25519 signature of `message` with the id of the key that made it."""
    return Signature(key=key_id(public_key_bytes(private_key)), value=private_key.sign(message))


def verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True when `signature` is a valid Ed25519 signature of `message` by `public_key`
    (raw bytes). Malformed keys or signatures are simply not valid."""
    if len(public_key) != PUBLIC_KEY_SIZE or len(signature) != SIGNATURE_SIZE:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def sign_body(private_key: Ed25519PrivateKey, type_: str, body: Mapping[str, Any]) -> Signature:
    """What a commission does before sending a record: sign its type and body."""
    return sign(private_key, signing_bytes(type_, body))


def sign_record(record: Mapping[str, Any], private_key: Ed25519PrivateKey) -> Record:
    """A copy of `record` signed by `private_key` (over its v, type and body)."""
    return with_signature(record, sign(private_key, record_signing_bytes(record)))


def verify_record(record: Mapping[str, Any], public_key: bytes) -> bool:
    """True when `record` carries a signature by `public_key` that is valid over its v, type
    and body. False when it is unsigned, names another key, or the signature fails."""
    signature = record_signature(record)
    if signature is None or signature.key != key_id(public_key):
        return False
    return verify(public_key, record_signing_bytes(record), signature.value)


def sign_tree_head(head: TreeHead, private_key: Ed25519PrivateKey) -> TreeHead:
    """`head` signed by the central commission's key."""
    return TreeHead(head.size, head.root, head.timestamp,
                    sign(private_key, head.signing_bytes()))


def verify_tree_head(head: TreeHead, public_key: bytes) -> bool:
    """True when `head` is signed by `public_key` over its size, root and timestamp."""
    if head.signature is None or head.signature.key != key_id(public_key):
        return False
    return verify(public_key, head.signing_bytes(), head.signature.value)
