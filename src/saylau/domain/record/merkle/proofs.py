"""Inclusion and consistency proofs and their verification (RFC 6962 §2.1.1, §2.1.2)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from saylau.domain.record.merkle.hashes import (
    EMPTY_ROOT,
    HASH_SIZE,
    _bad,
    _hex_hash,
    _size,
    node_hash,
)


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, path: Sequence[bytes], root: bytes
) -> bool:
    """True when `path` proves that the leaf with hash `leaf_hash` is leaf `index` (from 0) of
    the tree of `size` leaves whose root is `root` (RFC 9162 section 2.1.3.2)."""
    if not 0 <= index < size:
        return False
    if any(len(p) != HASH_SIZE for p in path) or len(leaf_hash) != HASH_SIZE:
        return False
    fn, sn = index, size - 1
    r = leaf_hash
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    first: int, second: int, path: Sequence[bytes], first_root: bytes, second_root: bytes
) -> bool:
    """True when `path` proves that the tree of `second` leaves with root `second_root` begins
    with the tree of `first` leaves with root `first_root` (RFC 9162 section 2.1.4.2).

    Sizes that need no proof: equal sizes (the path must be empty and the roots equal) and
    `first` = 0 (the path must be empty and `first_root` the empty tree's root).
    """
    if not 0 <= first <= second or any(len(p) != HASH_SIZE for p in path):
        return False
    if first == second:
        return not path and first_root == second_root
    if first == 0:
        return not path and first_root == EMPTY_ROOT
    if not path:
        return False
    nodes = list(path)
    if first & (first - 1) == 0:  # first is a power of two: its root is the first node
        nodes.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = nodes[0]
    for c in nodes[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


@dataclass(frozen=True, slots=True)
class InclusionProof:
    """RFC 9162 PATH(index, D[size]): the sibling hashes from the leaf up to the root."""

    index: int
    size: int
    path: tuple[bytes, ...]

    def verify(self, leaf_hash: bytes, root: bytes) -> bool:
        return verify_inclusion(leaf_hash, self.index, self.size, self.path, root)

    def as_json(self) -> dict[str, Any]:
        return {"index": self.index, "size": self.size, "path": [p.hex() for p in self.path]}

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> InclusionProof:
        if not isinstance(data, Mapping):
            raise _bad("proof", "an object {index, size, path}", data, "a proof is an object")
        path = data.get("path")
        if not isinstance(path, list):
            raise _bad("path", "an array of hashes", path, "path must be an array of hashes")
        return InclusionProof(_size(data.get("index"), "index"), _size(data.get("size"), "size"),
                              tuple(_hex_hash(p, f"path[{i}]") for i, p in enumerate(path)))


@dataclass(frozen=True, slots=True)
class ConsistencyProof:
    """RFC 9162 PROOF(first, D[second]): nodes that prove the first `first` leaves of the tree
    of `second` leaves are the tree of `first` leaves, unchanged."""

    first: int
    second: int
    path: tuple[bytes, ...]

    def verify(self, first_root: bytes, second_root: bytes) -> bool:
        return verify_consistency(self.first, self.second, self.path, first_root, second_root)

    def as_json(self) -> dict[str, Any]:
        return {"first": self.first, "second": self.second,
                "path": [p.hex() for p in self.path]}

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> ConsistencyProof:
        if not isinstance(data, Mapping):
            raise _bad("proof", "an object {first, second, path}", data,
                       "a proof is an object")
        path = data.get("path")
        if not isinstance(path, list):
            raise _bad("path", "an array of hashes", path, "path must be an array of hashes")
        return ConsistencyProof(_size(data.get("first"), "first"),
                                _size(data.get("second"), "second"),
                                tuple(_hex_hash(p, f"path[{i}]") for i, p in enumerate(path)))
