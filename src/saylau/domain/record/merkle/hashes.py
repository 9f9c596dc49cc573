"""Leaf and node hashes (RFC 6962 §2.1) and the root in one pass (`Frontier`)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from saylau.domain.errors import ValidationFailed, field_error
from saylau.domain.record.envelope import (
    HEX_HASH,
    leaf_bytes,
)

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH({}): the root of the empty tree, SHA-256 of no bytes."""


def leaf_hash(data: bytes) -> bytes:
    """SHA-256(0x00 || data): the hash of one leaf."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right): the hash of an inner node."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def record_leaf_hash(record: Mapping[str, Any]) -> bytes:
    """The leaf hash of a record: SHA-256(0x00 || canonical bytes of the whole record)."""
    return leaf_hash(leaf_bytes(record))


def _largest_power_of_two_below(n: int) -> int:
    """k with k < n <= 2k, for n >= 2."""
    return 1 << ((n - 1).bit_length() - 1)


def _bad(field: str, expected: str, actual: object, message: str) -> ValidationFailed:
    return ValidationFailed(message, code="merkle.invalid",
                            details={"findings": [field_error(field, expected, actual, message)]})


def _check_hash(value: object, field: str) -> bytes:
    if not isinstance(value, bytes) or len(value) != HASH_SIZE:
        raise _bad(field, f"{HASH_SIZE} bytes",
                   len(value) if isinstance(value, bytes) else type(value).__name__,
                   f"{field} is not a {HASH_SIZE}-byte SHA-256 hash")
    return value


def _hex_hash(value: object, field: str) -> bytes:
    if not isinstance(value, str) or not HEX_HASH.fullmatch(value):
        raise _bad(field, "64 lowercase hex digits", value, f"{field} is not a hash in hex")
    return bytes.fromhex(value)


def _size(value: object, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _bad(field, "a whole number, 0 or more", value,
                   f"{field} must be a whole number, 0 or more")
    return value


@dataclass(frozen=True, slots=True)
class Frontier:
    """The roots of the complete subtrees a tree of `size` leaves splits into, left to right
    (one per set bit of `size`, largest first). Enough to append leaves and compute the root,
    so a log can keep it next to its latest tree head instead of re-reading every leaf."""

    size: int = 0
    hashes: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        if self.size < 0 or len(self.hashes) != self.size.bit_count():
            raise _bad("hashes", f"{self.size.bit_count()} subtree roots for size {self.size}",
                       len(self.hashes), "the frontier does not match its size")
        for i, h in enumerate(self.hashes):
            _check_hash(h, f"hashes[{i}]")

    def extend(self, leaf_hashes: Iterable[bytes]) -> Frontier:
        """The frontier after appending `leaf_hashes` (leaf hashes, not leaf bytes)."""
        stack = list(self.hashes)
        n = self.size
        sha = hashlib.sha256
        for leaf in leaf_hashes:
            if len(leaf) != HASH_SIZE:
                _check_hash(leaf, f"leaf hash {n}")
            n += 1
            m, h = n, leaf
            while not m & 1:  # each trailing zero bit of the new size closes a subtree
                h = sha(NODE_PREFIX + stack.pop() + h).digest()
                m >>= 1
            stack.append(h)
        return Frontier(n, tuple(stack))

    def append(self, leaf_hash: bytes) -> Frontier:
        return self.extend((leaf_hash,))

    def root(self) -> bytes:
        """MTH of the leaves so far: the subtree roots folded from the right."""
        if not self.hashes:
            return EMPTY_ROOT
        acc = self.hashes[-1]
        for h in reversed(self.hashes[:-1]):
            acc = node_hash(h, acc)
        return acc

    def as_json(self) -> dict[str, Any]:
        return {"size": self.size, "hashes": [h.hex() for h in self.hashes]}

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> Frontier:
        hashes = data.get("hashes")
        if not isinstance(hashes, list):
            raise _bad("hashes", "an array of hashes", hashes, "hashes must be an array")
        return Frontier(_size(data.get("size"), "size"),
                        tuple(_hex_hash(h, f"hashes[{i}]") for i, h in enumerate(hashes)))


def root_hash(leaf_hashes: Iterable[bytes]) -> bytes:
    """MTH of the leaves whose hashes are given, in one pass (O(n) hashes, O(log n) memory)."""
    return Frontier().extend(leaf_hashes).root()
