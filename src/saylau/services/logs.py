"""The logs: each election's transparency log and the admin log, as the use cases write and
read them. The room below every service that logs something (elections, protocols, keys,
tokens, bulk imports, the record's export, the admin log's verification): they all use it, and
it uses none of them, so no service calls another to log.

Every accepted record (the geography and the election's definition when it is created, every
key, every protocol version, every turnout report) is appended to its election's log in the
same transaction that stores it, so the log and the tables never disagree; every
administrative action is an entry of the admin log, appended in the same transaction as the
action itself. A tree head signed by the central commission's key over the new leaves is
stored before that transaction commits (store.log), so nothing acknowledged can later be
edited and signed as genuine. The formats are those of docs/record.md
(saylau.domain.record); the storage is store.log and store.admin_log.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection

from saylau.domain.errors import NotFound
from saylau.domain.record.envelope import (
    Record,
    RecordType,
    format_timestamp,
    leaf_bytes,
    make_record,
)
from saylau.domain.record.merkle import Frontier, MerkleTree, TreeHead
from saylau.domain.record.signing import public_key_bytes
from saylau.services.context import Saylau
from saylau.store import log
from saylau.store.admin_log import ADMIN_LOG, ENTRY_TYPE
from saylau.store.central_key import central_key_path as store_central_key_path
from saylau.store.log import LogTurn

# --- the central commission's key -----------------------------------------------------------


def central_key_path(app: Saylau) -> Path:
    """$SAYLAU_CENTRAL_KEY, else beside the SQLite file (`x.db` -> `x.db.central.pem`), else
    ./saylau-central.pem (store.central_key)."""
    return store_central_key_path(app.engine)


def central_key(app: Saylau) -> Ed25519PrivateKey:
    """The central commission's signing key: loaded, or created (mode 0600) on first use; a
    missing or different key than the one the store's elections name is refused (503
    `central_key_missing` / `_mismatch`, store.central_key)."""
    return app.central_key()


def central_public_hex(app: Saylau) -> str:
    return public_key_bytes(central_key(app)).hex()


# --- appending -----------------------------------------------------------------------------


def sequence(conn: Connection, election: str) -> LogTurn:
    """Take the election's log sequencer for the rest of the transaction (store.log): rows
    that readers read by seq (protocol versions, turnout reports) are inserted under it, so
    their seqs commit in order; the log's appends are serialised by it."""
    return log.take_turn(conn, election)


def append(conn: Connection, election: str, record: Mapping[str, Any]) -> int:
    """Append `record` as the next leaf of `election`'s log; returns its index. Inside the
    caller's transaction, so the leaf is stored exactly when what it records is, and covered
    by a tree head signed before that transaction commits."""
    return log.append(log.take_turn(conn, election), record)


def append_many(conn: Connection, election: str, leaves: Iterable[tuple[str, bytes]]) -> int:
    """Append pre-encoded leaves (type, canonical bytes) in order; returns the new size."""
    return log.append_many(log.take_turn(conn, election), leaves)


# --- the admin log: what is written ----------------------------------------------------------


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
    # parties wing (issue 13): the party register's actions; never an IIN nor its hash
    PARTY_APPLIED = "party_applied"
    PARTY_MEMBERS_IMPORTED = "party_members_imported"
    PARTY_DECIDED = "party_decided"
    PARTY_LIQUIDATED = "party_liquidated"
    PARTY_BARRED_IMPORTED = "party_barred_imported"


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
    """Append one admin log entry inside the caller's transaction; returns its index. Called
    last in the transaction (after any election log append), so locks are always taken in
    the same order: an election's log, then the admin log."""
    return append(conn, ADMIN_LOG, _entry(app, action, actor, subject))


def entry_bytes(app: Saylau, action: Action, actor: str, **subject: Any) -> bytes:
    """An entry's canonical bytes, for appending many at once (append_many)."""
    return leaf_bytes(_entry(app, action, actor, subject))


def _entry(app: Saylau, action: Action, actor: str, subject: Mapping[str, Any]
           ) -> dict[str, Any]:
    """A record in the log's envelope (docs/record.md): type "audit" (store.admin_log), the
    action and what it concerned in the body, who and when in `recorded`."""
    return make_record(ENTRY_TYPE, {"action": action.value, **subject},
                       recorded_at=format_timestamp(app.clock()), recorded_by=actor)


# --- tree heads and proofs -------------------------------------------------------------------


def log_size(conn: Connection, election: str) -> int:
    """Leaves in the log: the last index + 1 (store.log)."""
    return log.log_size(conn, election)


def latest_head(conn: Connection, election: str) -> tuple[TreeHead, Frontier] | None:
    return log.latest_head(conn, election)


def tree_head(app: Saylau, election: str) -> TreeHead:
    """The latest signed tree head of `election`'s log. Heads are signed when leaves are
    appended, in the same transaction (store.log), never on a read: a read that signed would
    sign whatever the tables hold by then, edits included. An empty log has the head of size
    0 (the empty tree's root), signed now: it covers nothing that could be edited."""
    with app.read() as conn:
        latest = log.latest_head(conn, election)
    if latest is not None:
        return latest[0]
    return app.sign_head(TreeHead(0, Frontier().root().hex(), format_timestamp(app.clock())))


def tree_heads(app: Saylau, election: str) -> list[TreeHead]:
    with app.read() as conn:
        return log.heads(conn, election)


def seal_unsigned(app: Saylau, election: str, by: str) -> dict[str, int]:
    """Cover with a signed tree head the leaves stored beyond the latest signed head (a store
    written by a version that signed on read, or leaves an operator has examined after a
    `log_unsealed` refusal). Logged in the admin log with the counts. Returns {"from", "to"}."""
    with app.write() as conn:
        log.hold(conn, election)
        latest = log.latest_head(conn, election)
        frontier = latest[1] if latest is not None else Frontier()
        size = log.log_size(conn, election)
        if size == frontier.size:
            return {"from": frontier.size, "to": size}
        frontier = frontier.extend(log.leaf_hashes(conn, election, frontier.size, size))
        head = app.sign_head(TreeHead(frontier.size, frontier.root().hex(),
                                      format_timestamp(app.clock())))
        log.insert_head(conn, election, head, frontier)
        start = latest[0].size if latest is not None else 0
        log_action(conn, app, Action.LOG_SEALED, by, log=election, first=start, size=size)
    return {"from": start, "to": size}


def _tree(app: Saylau, election: str, size: int) -> MerkleTree:
    with app.read() as conn:
        hashes = list(log.leaf_hashes(conn, election, 0, size))
    if len(hashes) != size:
        raise NotFound(f"the log of {election} has {len(hashes)} leaves, not {size}",
                       details={"field": "size", "expected": f"<= {len(hashes)}",
                                "actual": size})
    return MerkleTree.of(hashes)


def leaf(app: Saylau, election: str, idx: int) -> Record:
    with app.read() as conn:
        found = log.leaf_data(conn, election, idx)
    if found is None:
        raise NotFound(f"no leaf {idx} in the log of {election}",
                       details={"field": "index", "actual": idx})
    data: Record = json.loads(found[0])
    return data


def protocol_leaf_index(app: Saylau, election: str, contest: str, station: str,
                        version: int) -> int:
    """Where a protocol version sits in the log."""
    needles = (f'"station":{json.dumps(station, ensure_ascii=False)}',
               f'"contest":{json.dumps(contest, ensure_ascii=False)}')
    with app.read() as conn:
        rows = log.leaves_containing(conn, election, RecordType.PROTOCOL.value, needles)
    for idx, data in rows:
        body = json.loads(data)["body"]
        if body["contest"] == contest and body["station"] == station and \
                body["version"] == version:
            return idx
    raise NotFound(f"no version {version} of the protocol of {station} for {contest} in the log",
                   details={"contest": contest, "station": station, "version": version})


def inclusion(app: Saylau, election: str, idx: int, size: int | None = None) -> dict[str, Any]:
    """An inclusion proof of leaf `idx` in the tree of `size` leaves (the latest signed head
    by default), with the leaf and the head: a station's receipt."""
    head = tree_head(app, election) if size is None else head_at(app, election, size)
    proof = _tree(app, election, head.size).inclusion_proof(idx, head.size)
    return {"leaf": leaf(app, election, idx), "proof": proof.as_json(),
            "tree_head": head.as_json()}


def consistency(app: Saylau, election: str, first: int, second: int) -> dict[str, Any]:
    a, b = head_at(app, election, first), head_at(app, election, second)
    proof = _tree(app, election, b.size).consistency_proof(a.size, b.size)
    return {"first": a.as_json(), "second": b.as_json(), "proof": proof.as_json()}


def head_at(app: Saylau, election: str, size: int) -> TreeHead:
    """The signed tree head of `size` leaves, or NotFound."""
    with app.read() as conn:
        head = log.head_at(conn, election, size)
    if head is None:
        raise NotFound(f"no signed tree head of size {size} for {election}",
                       details={"field": "size", "actual": size})
    return head


def all_leaves(app: Saylau, election: str) -> Iterator[bytes]:
    """Every leaf's canonical bytes, in order."""
    with app.read() as conn:
        for data in log.leaf_texts(conn, election):
            yield data.encode("utf-8")


__all__ = [
    "ADMIN_LOG",
    "LEAF_TYPES",
    "Action",
    "all_leaves",
    "append",
    "append_many",
    "central_key",
    "central_key_path",
    "central_public_hex",
    "consistency",
    "entry_bytes",
    "head_at",
    "inclusion",
    "latest_head",
    "leaf",
    "log_action",
    "log_size",
    "protocol_leaf_index",
    "seal_unsigned",
    "sequence",
    "tree_head",
    "tree_heads",
]
