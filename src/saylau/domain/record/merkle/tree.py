"""The whole tree in memory: roots of any prefix, proofs (for tests and small logs)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from saylau.domain.record.merkle.hashes import (
    EMPTY_ROOT,
    HASH_SIZE,
    NODE_PREFIX,
    _bad,
    _check_hash,
    _largest_power_of_two_below,
    leaf_hash,
    node_hash,
)
from saylau.domain.record.merkle.proofs import ConsistencyProof, InclusionProof


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
