"""Risk-limiting audits (issue 15): rows to values and back. Every insert takes the log's turn
(`LogTurn`) because each row is stored together with its leaf of the election's log; nothing
is ever updated or deleted (a round's state is read from its rows). Never commits."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, insert, select

from saylau.store import tables as t
from saylau.store.log import LogTurn


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: str
    election: str
    contest: str
    kind: str
    risk_limit: str
    max_rounds: int
    manifest: dict[str, Any]
    manifest_sha256: str
    assertions: list[dict[str, Any]]
    notes: list[str]
    created_at: str
    created_by: str
    leaf: int
    method: str | None = None
    """A ballot-polling audit's method (bravo|minerva); None for a batch comparison."""


@dataclass(frozen=True, slots=True)
class OutcomeRow:
    stations: int
    totals: dict[str, int]
    reported: dict[str, Any]
    counted: dict[str, Any]
    outcome: str
    concluded_at: str
    concluded_by: str
    leaf: int


@dataclass(frozen=True, slots=True)
class SeedRow:
    round: int
    seed: str
    dice: list[int]
    observers: list[str]
    entered_at: str
    entered_by: str
    leaf: int


@dataclass(frozen=True, slots=True)
class SampleRow:
    round: int
    start: int
    stations: list[str]
    drawn_at: str
    leaf: int


@dataclass(frozen=True, slots=True)
class CountRow:
    round: int
    station: str
    auditor: str
    counts: dict[str, Any]
    """category -> ballots (a hand count), or place -> category (polled ballots' readings)."""
    entered_at: str
    leaf: int


@dataclass(frozen=True, slots=True)
class MeasureRow:
    round: int
    risk: str
    draws: int
    decision: str
    discrepancies: int
    measured_at: str
    leaf: int


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def insert_audit(turn: LogTurn, a: AuditRow) -> None:
    turn.conn.execute(insert(t.audits).values(
        id=a.id, election_id=a.election, contest_id=a.contest, kind=a.kind,
        risk_limit=a.risk_limit, max_rounds=a.max_rounds, manifest=_dumps(a.manifest),
        manifest_sha256=a.manifest_sha256, assertions=_dumps(a.assertions),
        notes=_dumps(a.notes), created_at=a.created_at, created_by=a.created_by, leaf=a.leaf,
        method=a.method))


def _audit(r: Any) -> AuditRow:
    return AuditRow(str(r.id), str(r.election_id), str(r.contest_id), str(r.kind),
                    str(r.risk_limit), int(r.max_rounds), json.loads(r.manifest),
                    str(r.manifest_sha256), json.loads(r.assertions), json.loads(r.notes),
                    str(r.created_at), str(r.created_by), int(r.leaf),
                    None if r.method is None else str(r.method))


def get_audit(conn: Connection, audit: str) -> AuditRow | None:
    r = conn.execute(select(t.audits).where(t.audits.c.id == audit)).first()
    return None if r is None else _audit(r)


def audit_ids(conn: Connection, election: str | None = None) -> list[tuple[str, str, str]]:
    """(id, election, contest) of every audit, oldest first."""
    q = select(t.audits.c.id, t.audits.c.election_id, t.audits.c.contest_id)
    if election is not None:
        q = q.where(t.audits.c.election_id == election)
    return [(str(i), str(e), str(c)) for i, e, c in conn.execute(q.order_by(t.audits.c.leaf))]


def insert_assignments(turn: LogTurn, audit: str, stations: list[str], auditor: str,
                       at: str, leaf: int) -> None:
    if stations:
        turn.conn.execute(insert(t.audit_assignments), [
            {"audit_id": audit, "station": s, "auditor": auditor, "assigned_at": at,
             "leaf": leaf} for s in stations])


def assignments(conn: Connection, audit: str) -> dict[str, set[str]]:
    """Station -> the auditors assigned to it."""
    aa = t.audit_assignments
    out: dict[str, set[str]] = {}
    for s, a in conn.execute(select(aa.c.station, aa.c.auditor).where(aa.c.audit_id == audit)):
        out.setdefault(str(s), set()).add(str(a))
    return out


def insert_seed(turn: LogTurn, audit: str, s: SeedRow) -> None:
    turn.conn.execute(insert(t.audit_seeds).values(
        audit_id=audit, round=s.round, seed=s.seed, dice=_dumps(s.dice),
        observers=_dumps(s.observers), entered_at=s.entered_at, entered_by=s.entered_by,
        leaf=s.leaf))


def seeds(conn: Connection, audit: str) -> list[SeedRow]:
    s = t.audit_seeds
    return [SeedRow(int(r.round), str(r.seed), json.loads(r.dice), json.loads(r.observers),
                    str(r.entered_at), str(r.entered_by), int(r.leaf))
            for r in conn.execute(select(s).where(s.c.audit_id == audit).order_by(s.c.round))]


def insert_sample(turn: LogTurn, audit: str, s: SampleRow, by: str) -> None:
    turn.conn.execute(insert(t.audit_samples).values(
        audit_id=audit, round=s.round, start=s.start, stations=_dumps(s.stations),
        drawn_at=s.drawn_at, drawn_by=by, leaf=s.leaf))


def samples(conn: Connection, audit: str) -> list[SampleRow]:
    s = t.audit_samples
    return [SampleRow(int(r.round), int(r.start), json.loads(r.stations), str(r.drawn_at),
                      int(r.leaf))
            for r in conn.execute(select(s).where(s.c.audit_id == audit).order_by(s.c.round))]


def insert_count(turn: LogTurn, audit: str, c: CountRow) -> None:
    turn.conn.execute(insert(t.audit_counts).values(
        audit_id=audit, round=c.round, station=c.station, auditor=c.auditor,
        counts=_dumps(c.counts), entered_at=c.entered_at, leaf=c.leaf))


def counts(conn: Connection, audit: str, station: str | None = None) -> list[CountRow]:
    """Every hand-count entry, in entry order (both entries of a double entry, and any that
    disagree: nothing is overwritten)."""
    c = t.audit_counts
    where = c.c.audit_id == audit
    if station is not None:
        where = and_(where, c.c.station == station)
    return [CountRow(int(r.round), str(r.station), str(r.auditor), json.loads(r.counts),
                     str(r.entered_at), int(r.leaf))
            for r in conn.execute(select(c).where(where).order_by(c.c.leaf))]


def insert_measure(turn: LogTurn, audit: str, m: MeasureRow, by: str) -> None:
    turn.conn.execute(insert(t.audit_measures).values(
        audit_id=audit, round=m.round, risk=m.risk, draws=m.draws, decision=m.decision,
        discrepancies=m.discrepancies, measured_at=m.measured_at, measured_by=by,
        leaf=m.leaf))


def measures(conn: Connection, audit: str) -> list[MeasureRow]:
    m = t.audit_measures
    return [MeasureRow(int(r.round), str(r.risk), int(r.draws), str(r.decision),
                       int(r.discrepancies), str(r.measured_at), int(r.leaf))
            for r in conn.execute(select(m).where(m.c.audit_id == audit).order_by(m.c.round))]


def insert_outcome(turn: LogTurn, audit: str, o: OutcomeRow) -> None:
    turn.conn.execute(insert(t.audit_outcomes).values(
        audit_id=audit, stations=o.stations, totals=_dumps(o.totals),
        reported=_dumps(o.reported), counted=_dumps(o.counted), outcome=o.outcome,
        concluded_at=o.concluded_at, concluded_by=o.concluded_by, leaf=o.leaf))


def outcome(conn: Connection, audit: str) -> OutcomeRow | None:
    o = t.audit_outcomes
    r = conn.execute(select(o).where(o.c.audit_id == audit)).first()
    if r is None:
        return None
    return OutcomeRow(int(r.stations), json.loads(r.totals), json.loads(r.reported),
                      json.loads(r.counted), str(r.outcome), str(r.concluded_at),
                      str(r.concluded_by), int(r.leaf))
