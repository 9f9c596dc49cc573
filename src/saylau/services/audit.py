"""The audit log: every administrative action, in a Merkle log with signed tree heads.

Tokens issued and revoked, commission keys registered and revoked, elections created, the
geography loaded, protocols imported in bulk, protocols corrected: each lands here as one leaf,
appended in the same transaction as the action itself (no action without its entry, no entry
without its action). The log is the same kind of log as an election's transparency log
(docs/record.md: RFC 9162 hashing, tree heads signed by the central commission's key), kept in
the same table under the id AUDIT_LOG, which no election can have. An action that concerns an
election also names the index of its leaf in that election's log, so `verify` can check that
the two logs tell the same story.

Entries never hold a secret: a token's name, role, scope, expiry and fingerprint
(services.tokens.fingerprint), never the token or its hash. `verify` also checks every token
against its entry (services.tokens.entry_problems).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, and_, select

from saylau.domain.errors import NotFound, ValidationFailed
from saylau.domain.record.envelope import (
    RecordType,
    format_timestamp,
    leaf_bytes,
    make_record,
)
from saylau.domain.record.merkle import Frontier, leaf_hash
from saylau.domain.record.signing import verify_tree_head
from saylau.services import record
from saylau.services.context import Saylau
from saylau.store import tables as t

AUDIT_LOG = "@audit"
"""The audit log's id in the logs' table: '@' is no character of an election id."""

AUDIT_TYPE = "audit"


class Action(StrEnum):
    TOKEN_ISSUED = "token_issued"  # noqa: S105 - an action name, not a secret
    TOKEN_REVOKED = "token_revoked"  # noqa: S105 - same
    KEY_REGISTERED = "key_registered"
    KEYS_REGISTERED = "keys_registered"
    KEY_REVOKED = "key_revoked"
    ELECTION_CREATED = "election_created"
    GEOGRAPHY_LOADED = "geography_loaded"
    PROTOCOLS_IMPORTED = "protocols_imported"
    PROTOCOL_CORRECTED = "protocol_corrected"
    LOG_SEALED = "log_sealed"
    """Leaves stored beyond the last signed head were covered by a new head (record seal)."""


LEAF_TYPES: Mapping[Action, str] = {
    Action.KEY_REGISTERED: RecordType.KEY.value,
    Action.KEYS_REGISTERED: RecordType.KEY.value,
    Action.KEY_REVOKED: RecordType.KEY_REVOCATION.value,
    Action.ELECTION_CREATED: RecordType.ELECTION.value,
    Action.PROTOCOLS_IMPORTED: RecordType.PROTOCOL.value,
    Action.PROTOCOL_CORRECTED: RecordType.PROTOCOL.value,
}
"""For actions on an election: the type of the election log's leaf the entry points at."""


def log_action(conn: Connection, app: Saylau, action: Action, actor: str,
               **subject: Any) -> int:
    """Append one entry inside the caller's transaction; returns its index. Called last in
    the transaction (after any election log append), so locks are always taken in the same
    order: an election's log, then the audit log."""
    return record.append(conn, AUDIT_LOG, _entry(app, action, actor, subject))


def entry_bytes(app: Saylau, action: Action, actor: str, **subject: Any) -> bytes:
    """An entry's canonical bytes, for appending many at once (record.append_many)."""
    return leaf_bytes(_entry(app, action, actor, subject))


def _entry(app: Saylau, action: Action, actor: str, subject: Mapping[str, Any]
           ) -> dict[str, Any]:
    """A record in the log's envelope (docs/record.md): type "audit", the action and what it
    concerned in the body, who and when in `recorded`."""
    return make_record(AUDIT_TYPE, {"action": action.value, **subject},
                       recorded_at=format_timestamp(app.clock()), recorded_by=actor)


def entries(app: Saylau, start: int = 0, limit: int = 100) -> list[dict[str, Any]]:
    """Entries from `start`, at most `limit`, each with its index."""
    if start < 0 or not 1 <= limit <= 1000:
        raise ValidationFailed("bad page of the audit log",
                               details={"field": "limit", "expected": "1..1000, start >= 0",
                                        "actual": {"start": start, "limit": limit}})
    lv = t.log_leaves
    with app.read() as conn:
        rows = conn.execute(select(lv.c.idx, lv.c.data).where(and_(
            lv.c.election_id == AUDIT_LOG, lv.c.idx >= start)).order_by(lv.c.idx)
            .limit(limit)).all()
    return [{"index": int(i), **json.loads(d)} for i, d in rows]


def tree_head(app: Saylau) -> dict[str, Any]:
    return record.tree_head(app, AUDIT_LOG).as_json()


def inclusion(app: Saylau, idx: int) -> dict[str, Any]:
    return record.inclusion(app, AUDIT_LOG, idx)


@dataclass
class AuditCheck:
    """What `verify` found: the size checked, the signed head it matched, and problems."""

    size: int = 0
    head_size: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(app: Saylau, central_public_hex: str | None = None) -> AuditCheck:
    """Check the audit log from the stored leaves, trusting nothing else that is stored: each
    leaf's hash is recomputed from its bytes, the bytes are canonical, the root of every signed
    tree head is recomputed and its signature checked with the central commission's public key,
    and each action on an election points at a leaf of that election's log of the right type.
    `central_public_hex` names the key the heads must be signed by (default: this server's
    central key; a restore passes the one its records name, and signs nothing)."""
    out = AuditCheck()
    public = central_public_hex or record.central_public_hex(app)
    heads = {h.size: h for h in record.tree_heads(app, AUDIT_LOG)}
    frontier = Frontier()
    entries_by_idx: dict[int, dict[str, Any]] = {}
    lv = t.log_leaves
    with app.read() as conn:
        rows = conn.execute(select(lv.c.idx, lv.c.data, lv.c.leaf_hash)
                            .where(lv.c.election_id == AUDIT_LOG).order_by(lv.c.idx)).all()
    for expect, (idx, data, stored_hash) in enumerate(rows):
        if int(idx) != expect:
            out.problems.append(f"entry {expect} is missing (next stored: {idx})")
            break
        raw = str(data).encode("utf-8")
        h = leaf_hash(raw)
        if h.hex() != stored_hash:
            out.problems.append(f"entry {idx}: stored leaf hash differs from its bytes")
        entry = json.loads(raw)
        if leaf_bytes(entry) != raw:
            out.problems.append(f"entry {idx}: bytes are not canonical")
        if entry.get("type") != AUDIT_TYPE or not isinstance(entry.get("body"), dict):
            out.problems.append(f"entry {idx}: not an audit record")
        else:
            out.problems.extend(_check_link(app, int(idx), entry["body"]))
            entries_by_idx[int(idx)] = entry
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
    out.problems.extend(_token_problems(app, entries_by_idx))
    return out


def _token_problems(app: Saylau, entries: Mapping[int, dict[str, Any]]) -> list[str]:
    """Every token against its audit entry (services.tokens.entry_problems) and against the
    revocations the log records: a token edited in the database is reported, naming the
    token and the field. Tokens that can no longer be used (revoked, expired) and were
    issued before tokens named their entries are not reported."""
    from saylau.services.tokens import entry_problems

    revoked: dict[str, int] = {}
    for idx, e in entries.items():
        if e["body"].get("action") == Action.TOKEN_REVOKED.value:
            revoked[str(e["body"].get("name"))] = max(idx, revoked.get(
                str(e["body"].get("name")), -1))
    now = app.clock()
    found: list[str] = []
    owners: dict[int, str] = {}
    with app.read() as conn:
        rows = conn.execute(select(t.tokens).order_by(t.tokens.c.id)).mappings().all()
    for row in rows:
        leaf = row["audit_leaf"]
        if leaf is None:
            expired = row["expires_at"] is None or \
                datetime.fromisoformat(row["expires_at"]) <= now
            if row["revoked_at"] is None and not expired:
                found.extend(entry_problems(dict(row), None))
            continue
        found.extend(entry_problems(dict(row), entries.get(int(leaf))))
        if int(leaf) in owners:
            found.append(f"token {row['name']!r} (id {row['id']}) names audit entry {leaf}, "
                         f"which is token {owners[int(leaf)]!r}'s")
        owners[int(leaf)] = str(row["name"])
        if row["revoked_at"] is None and revoked.get(str(row["name"]), -1) > int(leaf):
            found.append(f"token {row['name']!r} (id {row['id']}) was revoked by audit entry "
                         f"{revoked[str(row['name'])]} but is not revoked in the database")
    return found


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
        got = record.leaf(app, election, leaf_idx)
    except NotFound:
        return [f"entry {idx}: leaf {leaf_idx} of {election} does not exist"]
    if got.get("type") != want:
        return [f"entry {idx}: leaf {leaf_idx} of {election} is a {got.get('type')}, "
                f"not a {want}"]
    return []
