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

from saylau.domain.record.merkle.hashes import (
    EMPTY_ROOT,
    HASH_SIZE,
    LEAF_PREFIX,
    NODE_PREFIX,
    Frontier,
    leaf_hash,
    node_hash,
    record_leaf_hash,
    root_hash,
)
from saylau.domain.record.merkle.head import (
    TreeHead,
)
from saylau.domain.record.merkle.proofs import (
    ConsistencyProof,
    InclusionProof,
    verify_consistency,
    verify_inclusion,
)
from saylau.domain.record.merkle.tree import (
    MerkleTree,
)

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "LEAF_PREFIX",
    "NODE_PREFIX",
    "ConsistencyProof",
    "Frontier",
    "InclusionProof",
    "MerkleTree",
    "TreeHead",
    "leaf_hash",
    "node_hash",
    "record_leaf_hash",
    "root_hash",
    "verify_consistency",
    "verify_inclusion",
]
