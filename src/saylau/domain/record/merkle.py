"""The transparency log's Merkle tree, as RFC 9162 section 2.1 defines it (docs/record.md).

- leaf hash ``SHA-256(0x00 || leaf bytes)``; node hash ``SHA-256(0x01 || left || right)``;
- MTH of n > 1 leaves splits at k, the largest power of two smaller than n: the left subtree
  holds the first k leaves, the right one the rest; MTH of no leaves is SHA-256 of nothing;
- inclusion proofs are RFC 9162's PATH (2.1.3.1), verified by its algorithm (2.1.3.2);
- consistency proofs are its PROOF/SUBPROOF (2.1.4.1), verified by its algorithm (2.1.4.2).

`root_hash` and `Frontier` compute roots in one pass over the leaf hashes with a stack of the
roots of complete subtrees (O(n) hashing, O(log n) memory). `MerkleTree` keeps every complete
subtree's hash (about 2n hashes, 64 MB for a million leaves) so that roots of any earlier size
and proofs take O(log n) hashes.

Hashes are ``bytes`` inside; their JSON forms are lowercase hex.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from saylau.domain.errors import ValidationFailed, field_error
from saylau.domain.record.envelope import (
    ENCODING_VERSION,
    HEX_HASH,
    RecordType,
    Signature,
    is_timestamp,
    leaf_bytes,
    signing_bytes,
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


# ---- roots in one pass ----------------------------------------------------------------------


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


# ---- proofs -------------------------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class MerkleTree:
    """A log's tree with the hash of every complete subtree, for roots and proofs.

    `levels[k]` is the concatenation of the hashes of the complete subtrees of 2**k leaves,
    left to right (level 0: the leaf hashes); its length is 32 * (size >> k).
    """

    size: int
    levels: tuple[bytes, ...]

    @staticmethod
    def of(leaf_hashes: Iterable[bytes]) -> MerkleTree:
        """The tree of these leaf hashes (SHA-256(0x00 || leaf bytes) each)."""
        hashes = list(leaf_hashes)
        for i, h in enumerate(hashes):
            if len(h) != HASH_SIZE:
                _check_hash(h, f"leaf hash {i}")
        level = b"".join(hashes)
        levels = [level]
        sha = hashlib.sha256
        view = memoryview(level)
        while len(level) >= 2 * HASH_SIZE:
            pairs = len(level) // (2 * HASH_SIZE)
            parts = []
            for i in range(pairs):
                node = sha(NODE_PREFIX)
                node.update(view[64 * i: 64 * i + 64])
                parts.append(node.digest())
            level = b"".join(parts)
            view = memoryview(level)
            levels.append(level)
        return MerkleTree(len(hashes), tuple(levels))

    @staticmethod
    def of_leaves(leaves: Iterable[bytes]) -> MerkleTree:
        """The tree of these leaves (their bytes, hashed here)."""
        return MerkleTree.of(leaf_hash(d) for d in leaves)

    def _check_size(self, size: int, name: str = "size") -> int:
        if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= self.size:
            raise _bad(name, f"0 to {self.size}", size,
                       f"{name} {size} is not a size this log has had (it has {self.size} "
                       "leaves)")
        return size

    def leaf_hash(self, index: int) -> bytes:
        if not 0 <= index < self.size:
            raise _bad("index", f"0 to {self.size - 1}", index,
                       f"leaf {index} is not in a log of {self.size} leaves")
        return self.levels[0][HASH_SIZE * index: HASH_SIZE * index + HASH_SIZE]

    def subtree_hash(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]). O(log n) for the ranges proofs use (a complete subtree, or one
        that starts on a boundary of its largest power of two); correct for any range."""
        n = end - start
        if n <= 0:
            return EMPTY_ROOT
        if not n & (n - 1) and not start % n:
            k = n.bit_length() - 1
            i = start >> k
            return self.levels[k][HASH_SIZE * i: HASH_SIZE * i + HASH_SIZE]
        k = _largest_power_of_two_below(n)
        return node_hash(self.subtree_hash(start, start + k), self.subtree_hash(start + k, end))

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first `size` leaves (all of them when None): any earlier tree head's root."""
        size = self.size if size is None else self._check_size(size)
        return self.subtree_hash(0, size)

    def inclusion_proof(self, index: int, size: int | None = None) -> InclusionProof:
        """PATH(index, D[size]) (RFC 9162 section 2.1.3.1) in the tree of the first `size`
        leaves (all of them when None)."""
        size = self.size if size is None else self._check_size(size)
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < size:
            raise _bad("index", f"0 to {size - 1}", index,
                       f"leaf {index} is not in the tree of {size} leaves")
        path: list[bytes] = []
        lo, hi = 0, size
        while hi - lo > 1:
            k = _largest_power_of_two_below(hi - lo)
            if index < lo + k:
                path.append(self.subtree_hash(lo + k, hi))
                hi = lo + k
            else:
                path.append(self.subtree_hash(lo, lo + k))
                lo += k
        path.reverse()  # PATH lists the deepest sibling first
        return InclusionProof(index, size, tuple(path))

    def consistency_proof(self, first: int, second: int | None = None) -> ConsistencyProof:
        """PROOF(first, D[second]) (RFC 9162 section 2.1.4.1); empty when first is 0 or equal
        to second."""
        second = self.size if second is None else self._check_size(second, "second")
        first = self._check_size(first, "first")
        if first > second:
            raise _bad("first", f"0 to {second}", first,
                       f"a tree of {first} leaves cannot precede one of {second}")
        path: list[bytes] = []
        if 0 < first < second:
            lo, hi, m, whole = 0, second, first, True
            while True:
                if m == hi - lo:
                    if not whole:
                        path.append(self.subtree_hash(lo, hi))
                    break
                k = _largest_power_of_two_below(hi - lo)
                if m <= k:
                    path.append(self.subtree_hash(lo + k, hi))
                    hi = lo + k
                else:
                    path.append(self.subtree_hash(lo, lo + k))
                    lo += k
                    m -= k
                    whole = False
            path.reverse()  # SUBPROOF lists the deepest node first
        return ConsistencyProof(first, second, tuple(path))


# ---- tree heads ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TreeHead:
    """A log's state at a moment: its size, its root (hex) and the time, signed by the
    central commission's key (signing.sign_tree_head) over signing_bytes()."""

    size: int
    root: str
    """MTH of the first `size` leaves, 64 lowercase hex digits."""
    timestamp: str
    """RFC 3339, e.g. '2024-03-01T07:00:00Z' (envelope.format_timestamp)."""
    signature: Signature | None = None

    def __post_init__(self) -> None:
        _size(self.size, "size")
        _hex_hash(self.root, "root")
        if not is_timestamp(self.timestamp):
            raise _bad("timestamp", "an RFC 3339 date-time", self.timestamp,
                       "the tree head's timestamp is not a date-time like "
                       "2024-03-01T07:00:00Z")

    @property
    def root_bytes(self) -> bytes:
        return bytes.fromhex(self.root)

    def body(self) -> dict[str, Any]:
        return {"size": self.size, "root": self.root, "timestamp": self.timestamp}

    def signing_bytes(self) -> bytes:
        """Canonical bytes of {"v": 1, "type": "tree-head", "body": {size, root, timestamp}}."""
        return signing_bytes(RecordType.TREE_HEAD, self.body())

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"v": ENCODING_VERSION, "type": RecordType.TREE_HEAD.value,
                               "body": self.body()}
        if self.signature is not None:
            out["signature"] = self.signature.as_json()
        return out

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> TreeHead:
        if not isinstance(data, Mapping):
            raise _bad("tree head", "an object {v, type, body, signature}", data,
                       "a tree head is a JSON object")
        if data.get("v") != ENCODING_VERSION or data.get("type") != RecordType.TREE_HEAD:
            raise _bad("type", f"v {ENCODING_VERSION}, type tree-head",
                       f"v {data.get('v')!r}, type {data.get('type')!r}",
                       "this is not a tree head of encoding version 1")
        body = data.get("body")
        if not isinstance(body, Mapping) or set(body) != {"size", "root", "timestamp"}:
            raise _bad("body", "an object {size, root, timestamp}", body,
                       "a tree head's body holds exactly size, root and timestamp")
        extra = set(data) - {"v", "type", "body", "signature"}
        if extra:
            raise _bad(sorted(extra)[0], "v, type, body, signature", sorted(extra),
                       "a tree head has no other members")
        sig = data.get("signature")
        return TreeHead(_size(body["size"], "size"), body["root"], body["timestamp"],
                        None if sig is None else Signature.from_json(sig))
