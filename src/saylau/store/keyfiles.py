"""Commission key pairs: made from the operating system's randomness, kept as PEM files.

The pure core signs and verifies (saylau.domain.record.signing); making a key needs
randomness and storing it needs files, so both live here in the shell.

- private keys: PKCS #8 PEM, encrypted with a passphrase when one is given (the
  `cryptography` package's best available scheme), written with mode 0600 and never over an
  existing file;
- public keys: SubjectPublicKeyInfo PEM (RFC 8410). Records carry the raw 32 bytes in hex
  (docs/record.md); `public_key_hex` gives that form and `key_id` the key's id.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.exceptions import InternalError, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)

from saylau.domain.errors import Conflict, NotFound, ValidationFailed, field_error
from saylau.domain.record.signing import key_id, public_key_bytes


def generate_keypair() -> tuple[Ed25519PrivateKey, bytes]:
    """A new Ed25519 private key and its raw 32-byte public key."""
    private = Ed25519PrivateKey.generate()
    return private, public_key_bytes(private)


def public_key_hex(private_key: Ed25519PrivateKey) -> str:
    """The public key as records write it: 64 lowercase hex digits."""
    return public_key_bytes(private_key).hex()


def private_key_pem(private_key: Ed25519PrivateKey, passphrase: bytes | None = None) -> bytes:
    encryption = BestAvailableEncryption(passphrase) if passphrase else NoEncryption()
    return private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, encryption)


def public_key_pem(public_key: bytes) -> bytes:
    return Ed25519PublicKey.from_public_bytes(public_key).public_bytes(
        Encoding.PEM, PublicFormat.SubjectPublicKeyInfo
    )


def _write_new(path: Path, data: bytes, mode: int) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError as exc:
        raise Conflict(f"{path} already exists; a key file is never overwritten",
                       details={"path": str(path)}) from exc
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def save_private_key(
    private_key: Ed25519PrivateKey, path: Path, passphrase: bytes | None = None
) -> None:
    """Write `private_key` as PKCS #8 PEM to a new file readable by its owner only."""
    _write_new(path, private_key_pem(private_key, passphrase), 0o600)


def save_public_key(public_key: bytes, path: Path) -> None:
    """Write the raw public key as SubjectPublicKeyInfo PEM to a new file."""
    _write_new(path, public_key_pem(public_key), 0o644)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise NotFound(f"no key file at {path}", details={"path": str(path)}) from exc
    except OSError as exc:  # a directory, no permission, ...
        raise _not_a_key(path, "a readable key file", exc.strerror or str(exc)) from exc


def _not_a_key(path: Path, expected: str, reason: str) -> ValidationFailed:
    return ValidationFailed(
        f"{path} is not {expected}: {reason}", code="key.invalid",
        details={"findings": [field_error("path", expected, str(path), reason)]},
    )


def load_private_key(path: Path, passphrase: bytes | None = None) -> Ed25519PrivateKey:
    """Read an Ed25519 private key written by save_private_key (or any PKCS #8 PEM one)."""
    try:
        key = load_pem_private_key(_read(path), password=passphrase)
    except (ValueError, TypeError, UnsupportedAlgorithm, InternalError) as exc:
        # InternalError: OpenSSL refuses some malformed key bytes only when setting the key
        # up (found by tests/property/test_importer_fuzz.py)
        raise _not_a_key(path, "an Ed25519 private key in PEM", str(exc)) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise _not_a_key(path, "an Ed25519 private key in PEM", type(key).__name__)
    return key


def load_public_key(path: Path) -> bytes:
    """Read a SubjectPublicKeyInfo PEM Ed25519 public key; returns its raw 32 bytes."""
    try:
        key = load_pem_public_key(_read(path))
    except (ValueError, TypeError, UnsupportedAlgorithm, InternalError) as exc:
        # InternalError: OpenSSL refuses some malformed key bytes only when setting the key
        # up (found by tests/property/test_importer_fuzz.py)
        raise _not_a_key(path, "an Ed25519 public key in PEM", str(exc)) from exc
    if not isinstance(key, Ed25519PublicKey):
        raise _not_a_key(path, "an Ed25519 public key in PEM", type(key).__name__)
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


__all__ = [
    "generate_keypair",
    "key_id",
    "load_private_key",
    "load_public_key",
    "private_key_pem",
    "public_key_hex",
    "public_key_pem",
    "save_private_key",
    "save_public_key",
]
