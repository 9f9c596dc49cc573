"""A signed tree head: the size and root of the log at a moment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from saylau.domain.record.envelope import (
    ENCODING_VERSION,
    RecordType,
    Signature,
    is_timestamp,
    signing_bytes,
)
from saylau.domain.record.merkle.hashes import _bad, _hex_hash, _size


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
