"""The public record: canonical bytes, record envelopes, the Merkle log and signatures.

docs/record.md specifies all of it for verifiers written in other languages.

- canonical: RFC 8785 canonical JSON (integers only), record_hash;
- envelope: the record envelope {v, type, body, recorded, signature} and its builders;
- merkle: RFC 9162 Merkle tree hashes, inclusion and consistency proofs, tree heads;
- signing: Ed25519 over canonical bytes, key ids.
"""

from saylau.domain.record.canonical import (
    canonical_bytes,
    canonical_text,
    parse_canonical,
    record_hash,
)
from saylau.domain.record.envelope import (
    ENCODING_VERSION,
    KeyRole,
    Record,
    RecordType,
    Signature,
    check_record,
    format_timestamp,
    leaf_bytes,
    make_record,
    record_signing_bytes,
    signing_bytes,
)
from saylau.domain.record.merkle import (
    EMPTY_ROOT,
    ConsistencyProof,
    Frontier,
    InclusionProof,
    MerkleTree,
    TreeHead,
    leaf_hash,
    node_hash,
    record_leaf_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)

__all__ = [
    "EMPTY_ROOT",
    "ENCODING_VERSION",
    "ConsistencyProof",
    "Frontier",
    "InclusionProof",
    "KeyRole",
    "MerkleTree",
    "Record",
    "RecordType",
    "Signature",
    "TreeHead",
    "canonical_bytes",
    "canonical_text",
    "check_record",
    "format_timestamp",
    "leaf_bytes",
    "leaf_hash",
    "make_record",
    "node_hash",
    "parse_canonical",
    "record_hash",
    "record_leaf_hash",
    "record_signing_bytes",
    "root_hash",
    "signing_bytes",
    "verify_consistency",
    "verify_inclusion",
]
