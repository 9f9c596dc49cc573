"""Senate joint sessions: each round's protocol, versioned (one slot per round, corrections
as new versions). Rows to values and back; never commits (the service owns the
transaction)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Connection, RowMapping, insert, select

from saylau.store import tables as t
from saylau.store.log import LogTurn


@dataclass(frozen=True, slots=True)
class SessionProtocol:
    contest: str
    round: int
    version: int
    electors: int
    electors_present: int
    invalid: int
    votes: tuple[tuple[str, int], ...]
    submitted_by: str
    submitted_at: str
    reason: str | None

    def same_figures(self, other: SessionProtocol) -> bool:
        return (self.electors, self.electors_present, self.invalid, self.votes) == (
            other.electors, other.electors_present, other.invalid, other.votes)


def _session(r: RowMapping) -> SessionProtocol:
    return SessionProtocol(r["contest_id"], int(r["round"]), int(r["version"]),
                           int(r["electors"]), int(r["electors_present"]), int(r["invalid"]),
                           tuple(sorted(json.loads(r["votes"]).items())), r["submitted_by"],
                           r["submitted_at"], r["reason"])


def sessions(conn: Connection, contest: str, round_: int | None = None
             ) -> list[SessionProtocol]:
    """Every stored version of the seat's session protocols (of one round, if given), by
    round then version."""
    ss = t.senate_sessions
    q = select(ss).where(ss.c.contest_id == contest).order_by(ss.c.round, ss.c.version)
    if round_ is not None:
        q = q.where(ss.c.round == round_)
    return [_session(r) for r in conn.execute(q).mappings()]


def latest(conn: Connection, contest: str, round_: int) -> SessionProtocol | None:
    """The round's latest version, or None before its first protocol."""
    ss = t.senate_sessions
    r = conn.execute(select(ss).where(ss.c.contest_id == contest, ss.c.round == round_)
                     .order_by(ss.c.version.desc()).limit(1)).mappings().first()
    return None if r is None else _session(r)


def insert_session(turn: LogTurn, s: SessionProtocol) -> None:
    """Store one version of a round's protocol, under the election's log turn (its leaf is
    appended in the same turn: store.log)."""
    turn.conn.execute(insert(t.senate_sessions).values(
        contest_id=s.contest, round=s.round, version=s.version, electors=s.electors,
        electors_present=s.electors_present, invalid=s.invalid,
        votes=json.dumps(dict(s.votes), sort_keys=True), submitted_by=s.submitted_by,
        submitted_at=s.submitted_at, reason=s.reason))


__all__ = ["SessionProtocol", "insert_session", "latest", "sessions"]
