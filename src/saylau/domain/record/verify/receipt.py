"""A station's receipt: its record is a leaf of the signed tree."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from saylau.domain.record.envelope import (
    record_problems,
)
from saylau.domain.record.merkle import TreeHead, leaf_hash
from saylau.domain.record.signing import key_id, verify_tree_head
from saylau.domain.record.verify.core import _fail


def verify_receipt(
    record: Mapping[str, Any], proof: Mapping[str, Any], tree_head: Mapping[str, Any],
    central_public_key: bytes | None = None,
) -> list[str]:
    """A station's receipt: its record is leaf `proof.index` of the tree the (signed) head
    describes. Returns what was checked; raises VerificationFailed otherwise."""
    from saylau.domain.record.canonical import canonical_bytes
    from saylau.domain.record.merkle import InclusionProof

    problems = record_problems(record)
    if problems:
        raise _fail(f"the protocol file is not a well-formed record: {problems[0]['message']}")
    head = TreeHead.from_json(tree_head)
    p = InclusionProof.from_json(proof)
    lines = []
    if central_public_key is not None:
        if not verify_tree_head(head, central_public_key):
            raise _fail("the tree head is not signed by the given central commission's key")
        lines.append(f"tree head of size {head.size} signed by {key_id(central_public_key)}")
    if p.size != head.size:
        raise _fail(f"the proof is for a tree of {p.size} leaves, the head has {head.size}")
    h = leaf_hash(canonical_bytes(record))
    if not p.verify(h, head.root_bytes):
        raise _fail(f"the record is NOT leaf {p.index} of the log whose signed root is "
                    f"{head.root}: it was changed, or the proof is for another record")
    body = record.get("body", {})
    lines.append(f"the {record.get('type')} of station {body.get('station')} (version "
                 f"{body.get('version')}) is leaf {p.index} of the log of {head.size} leaves "
                 f"with root {head.root}")
    return lines
