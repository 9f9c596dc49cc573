"""The admin log: every administrative action, in a Merkle log with signed tree heads.

Tokens issued and revoked, commission keys registered and revoked, elections created, the
geography loaded, protocols imported in bulk, protocols corrected, logs sealed: each lands here
as one entry, appended in the same transaction as the action itself (no action without its
entry, no entry without its action) by services.logs.log_action, which every service that acts
calls. The log is the same kind of log as an election's transparency log (docs/record.md:
RFC 9162 hashing, tree heads signed by the central commission's key), kept in the same tables
under the id ADMIN_LOG, which no election can have (store.admin_log). An action that concerns
an election also names the index of its leaf in that election's log, so `verify` can check
that the two logs tell the same story.

Entries never hold a secret: a token's name, role, scope, expiry and fingerprint
(services.tokens.fingerprint), never the token or its hash. `verify` also checks every token
against its entry (services.tokens.token_problems).

This module reads and verifies the log; what writes it (Action, log_action, entry_bytes) lives
one room down, in services.logs, and is re-exported here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from saylau.domain.errors import NotFound, ValidationFailed
from saylau.domain.record.envelope import leaf_bytes
from saylau.domain.record.merkle import Frontier, leaf_hash
from saylau.domain.record.signing import verify_tree_head
from saylau.services import logs
from saylau.services.context import Saylau
from saylau.services.logs import LEAF_TYPES, Action, entry_bytes, log_action
from saylau.services.tokens import token_problems
from saylau.store import admin_log as admin_log_store
from saylau.store.admin_log import ADMIN_LOG, ENTRY_TYPE


def entries(app: Saylau, start: int = 0, limit: int = 100) -> list[dict[str, Any]]:
    """Entries from `start`, at most `limit`, each with its index."""
    if start < 0 or not 1 <= limit <= 1000:
        raise ValidationFailed("bad page of the audit log",
                               details={"field": "limit", "expected": "1..1000, start >= 0",
                                        "actual": {"start": start, "limit": limit}})
    with app.read() as conn:
        rows = admin_log_store.entries(conn, start, limit)
    return [{"index": i, **json.loads(d)} for i, d in rows]


def tree_head(app: Saylau) -> dict[str, Any]:
    return logs.tree_head(app, ADMIN_LOG).as_json()


def inclusion(app: Saylau, idx: int) -> dict[str, Any]:
    return logs.inclusion(app, ADMIN_LOG, idx)


@dataclass
class AdminLogCheck:
    """What `verify` found: the size checked, the signed head it matched, and problems."""

    size: int = 0
    head_size: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(app: Saylau, central_public_hex: str | None = None) -> AdminLogCheck:
    """Check the admin log from the stored leaves, trusting nothing else that is stored: each
    leaf's hash is recomputed from its bytes, the bytes are canonical, the root of every signed
    tree head is recomputed and its signature checked with the central commission's public key,
    and each action on an election points at a leaf of that election's log of the right type.
    `central_public_hex` names the key the heads must be signed by (default: this server's
    central key; a restore passes the one its records name, and signs nothing)."""
    out = AdminLogCheck()
    public = central_public_hex or logs.central_public_hex(app)
    heads = {h.size: h for h in logs.tree_heads(app, ADMIN_LOG)}
    frontier = Frontier()
    entries_by_idx: dict[int, dict[str, Any]] = {}
    with app.read() as conn:
        rows = admin_log_store.entry_rows(conn)
    for expect, (idx, data, stored_hash) in enumerate(rows):
        if idx != expect:
            out.problems.append(f"entry {expect} is missing (next stored: {idx})")
            break
        raw = data.encode("utf-8")
        h = leaf_hash(raw)
        if h.hex() != stored_hash:
            out.problems.append(f"entry {idx}: stored leaf hash differs from its bytes")
        entry = json.loads(raw)
        if leaf_bytes(entry) != raw:
            out.problems.append(f"entry {idx}: bytes are not canonical")
        if entry.get("type") != ENTRY_TYPE or not isinstance(entry.get("body"), dict):
            out.problems.append(f"entry {idx}: not an audit record")
        else:
            out.problems.extend(_check_link(app, idx, entry["body"]))
            entries_by_idx[idx] = entry
        frontier = frontier.extend([h])
        head = heads.get(frontier.size)
        if head is not None:
            out.head_size = head.size
            if head.root != frontier.root().hex():
                out.problems.append(f"signed tree head of size {head.size}: root differs")
            if not verify_tree_head(head, bytes.fromhex(public)):
                out.problems.append(f"signed tree head of size {head.size}: bad signature")
    out.size = frontier.size
    beyond = [s for s in heads if s > out.size]
    if beyond:
        out.problems.append(f"signed tree heads of sizes {beyond} exceed the log's "
                            f"{out.size} entries")
    out.problems.extend(token_problems(app, entries_by_idx))
    return out


def _check_link(app: Saylau, idx: int, entry: Mapping[str, Any]) -> list[str]:
    try:
        action = Action(str(entry.get("action")))
    except ValueError:
        return [f"entry {idx}: unknown action {entry.get('action')!r}"]
    want = LEAF_TYPES.get(action)
    if want is None:
        return []
    election, leaf_idx = entry.get("election"), entry.get("leaf")
    if not isinstance(election, str) or not isinstance(leaf_idx, int):
        return [f"entry {idx}: {action} names no election leaf"]
    try:
        got = logs.leaf(app, election, leaf_idx)
    except NotFound:
        return [f"entry {idx}: leaf {leaf_idx} of {election} does not exist"]
    if got.get("type") != want:
        return [f"entry {idx}: leaf {leaf_idx} of {election} is a {got.get('type')}, "
                f"not a {want}"]
    return []


__all__ = [
    "ADMIN_LOG",
    "ENTRY_TYPE",
    "LEAF_TYPES",
    "Action",
    "AdminLogCheck",
    "entries",
    "entry_bytes",
    "inclusion",
    "log_action",
    "tree_head",
    "verify",
]
