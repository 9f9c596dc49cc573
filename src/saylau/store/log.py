"""The transparency logs' storage: the sequencer, the leaves, and the tree head that is signed
in the same transaction as the leaves it covers (docs/record.md, docs/architecture.md).

Two rules are made structural here, so that a new table or writer cannot forget them:

1. **Sequence numbers in commit order.** Rows that readers later read incrementally (by
   `seq > last seen` or by `max(seq)`: protocol versions, turnout reports, log leaves, tree
   heads; `SEQUENCED_TABLES`) are inserted only while their log's sequencer is held: the
   repository functions that insert them take a `LogTurn`, which only `take_turn` makes. On
   PostgreSQL the turn is a transaction-level advisory lock per log, taken before such a row
   draws its seq and held until commit, so two writers of one election can never commit
   their seqs in the opposite order (a reader that saw the higher one would otherwise never
   see the lower: issue 20). SQLite's writers hold the database's write lock from BEGIN
   IMMEDIATE (store.db), which serialises them already.

2. **Signed when appended.** Leaves appended in a transaction are covered by a tree head
   signed by the central commission's key and inserted by `seal` before that transaction
   commits (services.context.Saylau.write calls it). A leaf edited in the database afterwards
   no longer matches a head that was signed over the original, so `saylau verify` fails; no
   later read signs over it, because reads never sign (issue 17). The next turn continues from
   the latest head's frontier, not from the stored leaves, and refuses to start when the
   stored log is longer than its latest signed head (a leaf inserted behind the log's back, or
   a store written by a version that signed on read: `saylau record seal` covers those leaves
   after an operator has looked at them).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, and_, insert, select, text

from saylau.domain.errors import Unavailable
from saylau.domain.record.envelope import Signature, leaf_bytes
from saylau.domain.record.merkle import Frontier, TreeHead, leaf_hash
from saylau.store import hot
from saylau.store import tables as t

SEQUENCED_TABLES = frozenset({"protocol_versions", "turnout_reports", "log_leaves",
                              "tree_heads", "senate_sessions",
                              # observation (issue 12)
                              "obs_reports", "obs_copies"})
"""Tables whose rows are read incrementally by seq, or whose rows the log records as leaves
(a Senate seat's joint-session protocols): inserted only under a LogTurn
(tests/unit/test_sequenced_inserts.py checks every insert into them)."""

_TURNS = "saylau.log_turns"
_BIGINT = 2**63
"""Indexes and sizes are BIGINT: a number beyond names no stored leaf or head."""


@dataclass(slots=True)
class _Open:
    """A log's state inside one transaction: the latest signed head's frontier and the hashes
    of the leaves appended since, not yet covered by a head."""

    frontier: Frontier
    pending: list[bytes] = field(default_factory=list)

    @property
    def size(self) -> int:
        return self.frontier.size + len(self.pending)


@dataclass(frozen=True, slots=True)
class LogTurn:
    """Proof that `election`'s log sequencer is held by the transaction of `conn`: what the
    inserts into SEQUENCED_TABLES require. Made only by `take_turn`."""

    conn: Connection
    election: str

    @property
    def size(self) -> int:
        """The log's size so far in this transaction, appended leaves included."""
        return _turns(self.conn)[self.election].size


def _turns(conn: Connection) -> dict[str, _Open]:
    turns: dict[str, _Open] = conn.info.setdefault(_TURNS, {})
    return turns


def forget_turns(conn: Connection) -> None:
    """Drop what this connection knew of open turns (its transaction ended)."""
    conn.info.pop(_TURNS, None)


def hold(conn: Connection, election: str) -> None:
    """Hold `election`'s log sequencer until the transaction ends: on PostgreSQL a
    transaction-level advisory lock per log; SQLite's writers hold the database's write lock
    already (BEGIN IMMEDIATE). `take_turn` holds it, then checks the log against its latest
    signed head; sealing leaves beyond that head holds it without the check."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:e))"), {"e": election})


def take_turn(conn: Connection, election: str) -> LogTurn:
    """Take `election`'s log sequencer for the rest of the transaction (again: a no-op)."""
    turns = _turns(conn)
    if election in turns:
        return LogTurn(conn, election)
    hold(conn, election)
    latest, stored = _latest_head_and_size(conn, election)
    head, frontier = latest if latest is not None else (None, Frontier())
    if head is not None and frontier.root().hex() != head.root:
        raise Unavailable(
            f"the stored frontier of the log of {election} does not give its latest signed "
            f"tree head's root (size {head.size}): the store was changed; nothing is appended "
            "until an operator has compared it with the exported record",
            code="log_corrupt", details={"log": election, "size": head.size})
    if stored != frontier.size:
        raise Unavailable(
            f"the log of {election} holds {stored:,} leaves but its latest signed tree head "
            f"covers {frontier.size:,}: leaves were stored without a signed head (written "
            "behind the log's back, or by a version of saylau that signed on read); look at "
            "them, then `saylau record seal` covers them",
            code="log_unsealed", details={"log": election, "field": "size",
                                          "expected": frontier.size, "actual": stored})
    turns[election] = _Open(frontier)
    return LogTurn(conn, election)


def append(turn: LogTurn, record: Mapping[str, Any]) -> int:
    """Append `record` as the next leaf of the turn's log; returns its index."""
    return append_encoded(turn, str(record["type"]), leaf_bytes(record))


def append_encoded(turn: LogTurn, type_: str, data: bytes) -> int:
    state = _turns(turn.conn)[turn.election]
    idx = state.size
    h = leaf_hash(data)
    turn.conn.execute(insert(t.log_leaves).values(
        election_id=turn.election, idx=idx, type=type_, data=data.decode("utf-8"),
        leaf_hash=h.hex()))
    state.pending.append(h)
    return idx


def append_many(turn: LogTurn, leaves: Iterable[tuple[str, bytes]]) -> int:
    """Append pre-encoded leaves (type, canonical bytes) in order; returns the new size."""
    state = _turns(turn.conn)[turn.election]
    size = state.size
    rows = []
    hashes = []
    for type_, data in leaves:
        h = leaf_hash(data)
        rows.append((turn.election, size, type_, data.decode("utf-8"), h.hex()))
        hashes.append(h)
        size += 1
    if not rows:
        return size
    columns = "election_id, idx, type, data, leaf_hash"
    conn = turn.conn
    if conn.dialect.name == "postgresql":  # COPY: a million leaves in seconds
        import psycopg

        raw = conn.connection.driver_connection
        assert isinstance(raw, psycopg.Connection)
        with raw.cursor() as cur, cur.copy(f"COPY log_leaves ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        conn.exec_driver_sql(
            f"INSERT INTO log_leaves ({columns}) VALUES (?, ?, ?, ?, ?)",  # noqa: S608 - fixed
            rows)
    state.pending.extend(hashes)
    return size


HeadSigner = Callable[[TreeHead], TreeHead]
"""Signs an unsigned tree head with the central commission's key."""


def seal(conn: Connection, sign: HeadSigner, timestamp: str) -> list[TreeHead]:
    """Sign and store a tree head over every log this transaction appended to; called just
    before the transaction commits. Returns the heads it stored."""
    heads = []
    for election, state in sorted(_turns(conn).items()):
        if not state.pending:
            continue
        frontier = state.frontier.extend(state.pending)
        head = sign(TreeHead(frontier.size, frontier.root().hex(), timestamp))
        insert_head(conn, election, head, frontier)
        state.frontier, state.pending = frontier, []
        heads.append(head)
    return heads


def insert_head(conn: Connection, election: str, head: TreeHead, frontier: Frontier) -> None:
    assert head.signature is not None
    conn.execute(insert(t.tree_heads).values(
        election_id=election, size=head.size, root=head.root, timestamp=head.timestamp,
        key=head.signature.key, signature=head.signature.value.hex(),
        frontier=json.dumps(frontier.as_json())))


# --- reading ---------------------------------------------------------------------------------


_LOG_SIZE = "SELECT max(idx) FROM log_leaves WHERE election_id = ?"


def log_size(conn: Connection, election: str) -> int:
    """Leaves stored in the log: the last index + 1, read from the (election, idx) index, so
    it costs the same at a million leaves as at ten. Fixed SQL (store.hot): every
    authenticated request reads the admin log's size (services.tokens) and every write turn
    its log's."""
    r = hot.first(conn, _LOG_SIZE, (election,))
    last = None if r is None else r[0]
    return 0 if last is None else int(last) + 1


_LATEST_HEAD_AND_SIZE = (
    "SELECT h.size, h.root, h.timestamp, h.key, h.signature, h.frontier, "
    "(SELECT max(idx) FROM log_leaves WHERE election_id = ?) "
    "FROM tree_heads h WHERE h.election_id = ? ORDER BY h.size DESC LIMIT 1")


def _latest_head_and_size(conn: Connection, election: str
                          ) -> tuple[tuple[TreeHead, Frontier] | None, int]:
    """`latest_head` and `log_size` in one round trip of fixed SQL (store.hot): every write
    turn reads both (a log without a head yet: the size alone)."""
    r = hot.first(conn, _LATEST_HEAD_AND_SIZE, (election, election))
    if r is None:
        return None, log_size(conn, election)
    head = TreeHead(int(r[0]), r[1], r[2], Signature(r[3], bytes.fromhex(r[4])))
    return (head, Frontier.from_json(json.loads(r[5]))), 0 if r[6] is None else int(r[6]) + 1


def head_from_row(r: Any) -> TreeHead:
    return TreeHead(int(r["size"]), r["root"], r["timestamp"],
                    Signature(r["key"], bytes.fromhex(r["signature"])))


def latest_head(conn: Connection, election: str) -> tuple[TreeHead, Frontier] | None:
    th = t.tree_heads
    r = conn.execute(select(th).where(th.c.election_id == election)
                     .order_by(th.c.size.desc()).limit(1)).mappings().first()
    if r is None:
        return None
    return head_from_row(r), Frontier.from_json(json.loads(r["frontier"]))


def heads(conn: Connection, election: str) -> list[TreeHead]:
    th = t.tree_heads
    rows = conn.execute(select(th).where(th.c.election_id == election)
                        .order_by(th.c.size)).mappings().all()
    return [head_from_row(r) for r in rows]


def head_at(conn: Connection, election: str, size: int) -> TreeHead | None:
    """The signed head of `size` leaves, or None (a size no BIGINT holds has none)."""
    if not 0 <= size < _BIGINT:
        return None
    th = t.tree_heads
    r = conn.execute(select(th).where(and_(th.c.election_id == election, th.c.size == size))
                     ).mappings().first()
    return None if r is None else head_from_row(r)


def leaf_hashes(conn: Connection, election: str, start: int, end: int) -> Iterable[bytes]:
    """The stored leaf hashes of [start, end), in order."""
    lv = t.log_leaves
    rows = conn.execute(select(lv.c.leaf_hash).where(and_(
        lv.c.election_id == election, lv.c.idx >= start, lv.c.idx < end)).order_by(lv.c.idx))
    return (bytes.fromhex(h) for (h,) in rows)


def leaf_data(conn: Connection, election: str, idx: int) -> tuple[str, str] | None:
    """Leaf `idx` of the log: its stored text and its stored leaf hash (hex), or None."""
    if not 0 <= idx < _BIGINT:
        return None
    lv = t.log_leaves
    r = conn.execute(select(lv.c.data, lv.c.leaf_hash).where(and_(
        lv.c.election_id == election, lv.c.idx == idx))).first()
    return None if r is None else (str(r[0]), str(r[1]))


def leaves(conn: Connection, election: str, start: int = 0, limit: int | None = None
           ) -> list[tuple[int, str]]:
    """(index, text) of the leaves from `start`, at most `limit` of them, in order."""
    if start >= _BIGINT:
        return []
    lv = t.log_leaves
    q = select(lv.c.idx, lv.c.data).where(and_(
        lv.c.election_id == election, lv.c.idx >= start)).order_by(lv.c.idx)
    if limit is not None:
        q = q.limit(limit)
    return [(int(i), str(d)) for i, d in conn.execute(q)]


def leaves_between(conn: Connection, election: str, after: int, upto: int
                   ) -> Iterator[tuple[int, str]]:
    """(index, text) of the leaves with after < index <= upto, in order."""
    lv = t.log_leaves
    for i, d in conn.execute(select(lv.c.idx, lv.c.data).where(and_(
            lv.c.election_id == election, lv.c.idx > after, lv.c.idx <= upto))
            .order_by(lv.c.idx)):
        yield int(i), str(d)


def leaf_rows(conn: Connection, election: str) -> list[tuple[int, str, str]]:
    """Every stored leaf of the log as (index, text, stored leaf hash), in index order: what
    a verifier that trusts nothing stored rechecks."""
    lv = t.log_leaves
    return [(int(i), str(d), str(h)) for i, d, h in conn.execute(
        select(lv.c.idx, lv.c.data, lv.c.leaf_hash).where(lv.c.election_id == election)
        .order_by(lv.c.idx))]


def leaf_texts(conn: Connection, election: str) -> Iterator[str]:
    """Every leaf's text in order, read in batches (a million leaves never sit in memory)."""
    lv = t.log_leaves
    for (data,) in conn.execute(select(lv.c.data).where(lv.c.election_id == election)
                                .order_by(lv.c.idx)).yield_per(20_000):
        yield str(data)


def leaves_containing(conn: Connection, election: str, type_: str, needles: Iterable[str]
                      ) -> list[tuple[int, str]]:
    """(index, text) of the leaves of `type_` whose text contains every one of `needles`: a
    coarse filter in the database, which the caller refines by parsing."""
    lv = t.log_leaves
    where = and_(lv.c.election_id == election, lv.c.type == type_,
                 *(lv.c.data.contains(n) for n in needles))
    return [(int(i), str(d)) for i, d in conn.execute(
        select(lv.c.idx, lv.c.data).where(where).order_by(lv.c.idx))]


__all__ = [
    "SEQUENCED_TABLES",
    "HeadSigner",
    "LogTurn",
    "append",
    "append_encoded",
    "append_many",
    "forget_turns",
    "head_at",
    "heads",
    "hold",
    "insert_head",
    "latest_head",
    "leaf_data",
    "leaf_hashes",
    "leaf_rows",
    "leaf_texts",
    "leaves",
    "leaves_between",
    "leaves_containing",
    "log_size",
    "seal",
    "take_turn",
]
