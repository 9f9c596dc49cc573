"""Party registration's rows: applications, their status events, member-list row versions,
the barred register. Rows to values and back; never commits (the service owns the
transaction); nothing is updated or deleted (a status is its latest event, a row its latest
version, a barred entry its latest line)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, RowMapping, func, insert, select

from saylau.store import tables as t


@dataclass(frozen=True, slots=True)
class ApplicationRow:
    id: str
    names: tuple[str, str, str]  # kk, ru, en
    ruleset: str
    founders: int
    founder_regions: tuple[str, ...]
    initiative_formed: str | None
    congress_held: str | None
    submitted_on: str
    submitted_by: str
    submitted_at: str


@dataclass(frozen=True, slots=True)
class EventRow:
    seq: int
    party: str
    status: str
    decision: dict[str, Any] | None
    reason: str | None
    by: str
    at: str


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One version of one row of a party's member list (no raw IIN: its keyed hash)."""

    party: str
    row_no: int
    version: int
    source_line: int
    full_name: str
    birth_date: str
    iin_hash: str
    iin_last4: str
    key_id: str
    region: str
    joined: str
    signature: bool
    withdrawn: bool
    findings: tuple[dict[str, Any], ...]
    content_hash: str
    reason: str | None
    submitted_by: str
    submitted_at: str
    seq: int = 0
    """The store's sequence number (0 before insert); the first version's is the row's
    receipt order (domain/parties/members.py CONFLICT_RULE)."""


@dataclass(frozen=True, slots=True)
class BarredRow:
    iin_hash: str
    iin_last4: str
    key_id: str
    category: str
    withdrawn: bool
    imported_by: str
    imported_at: str


def _application(r: RowMapping) -> ApplicationRow:
    return ApplicationRow(r["id"], (r["name_kk"], r["name_ru"], r["name_en"]), r["ruleset"],
                          int(r["founders"]), tuple(json.loads(r["founder_regions"])),
                          r["initiative_formed"], r["congress_held"], r["submitted_on"],
                          r["submitted_by"], r["submitted_at"])


def insert_application(conn: Connection, a: ApplicationRow) -> None:
    conn.execute(insert(t.party_applications).values(
        id=a.id, name_kk=a.names[0], name_ru=a.names[1], name_en=a.names[2],
        ruleset=a.ruleset, founders=a.founders,
        founder_regions=json.dumps(list(a.founder_regions)),
        initiative_formed=a.initiative_formed, congress_held=a.congress_held,
        submitted_on=a.submitted_on, submitted_by=a.submitted_by,
        submitted_at=a.submitted_at))


def application(conn: Connection, party: str) -> ApplicationRow | None:
    r = conn.execute(select(t.party_applications).where(t.party_applications.c.id == party)
                     ).mappings().first()
    return None if r is None else _application(r)


def applications(conn: Connection) -> list[ApplicationRow]:
    pa = t.party_applications
    return [_application(r) for r in conn.execute(select(pa).order_by(pa.c.submitted_at,
                                                                      pa.c.id)).mappings()]


def _event(r: RowMapping) -> EventRow:
    return EventRow(int(r["seq"]), r["party_id"], r["status"],
                    None if r["decision"] is None else json.loads(r["decision"]),
                    r["reason"], r["by"], r["at"])


def insert_event(conn: Connection, party: str, status: str, by: str, at: str,
                 decision: dict[str, Any] | None = None, reason: str | None = None) -> None:
    conn.execute(insert(t.party_events).values(
        party_id=party, status=status, by=by, at=at, reason=reason,
        decision=None if decision is None else json.dumps(decision, sort_keys=True,
                                                          ensure_ascii=False)))


def events(conn: Connection, party: str | None = None) -> list[EventRow]:
    pe = t.party_events
    q = select(pe).order_by(pe.c.seq)
    if party is not None:
        q = q.where(pe.c.party_id == party)
    return [_event(r) for r in conn.execute(q).mappings()]


def _member(r: RowMapping) -> MemberRow:
    return MemberRow(
        r["party_id"], int(r["row_no"]), int(r["version"]), int(r["source_line"]),
        r["full_name"], r["birth_date"], r["iin_hash"], r["iin_last4"], r["key_id"],
        r["region"], r["joined"], bool(r["signature"]), bool(r["withdrawn"]),
        tuple(json.loads(r["findings"])), r["content_hash"], r["reason"], r["submitted_by"],
        r["submitted_at"], int(r["seq"]))


def insert_members(conn: Connection, rows: Sequence[MemberRow]) -> None:
    if not rows:
        return
    conn.execute(insert(t.party_member_rows), [{
        "party_id": m.party, "row_no": m.row_no, "version": m.version,
        "source_line": m.source_line, "full_name": m.full_name, "birth_date": m.birth_date,
        "iin_hash": m.iin_hash, "iin_last4": m.iin_last4, "key_id": m.key_id,
        "region": m.region, "joined": m.joined, "signature": m.signature,
        "withdrawn": m.withdrawn,
        "findings": json.dumps(list(m.findings), sort_keys=True, ensure_ascii=False),
        "content_hash": m.content_hash, "reason": m.reason, "submitted_by": m.submitted_by,
        "submitted_at": m.submitted_at} for m in rows])


def member_versions(conn: Connection, party: str, row_no: int | None = None
                    ) -> list[MemberRow]:
    """Every version of the party's rows (of one row, if given), by row then version."""
    pm = t.party_member_rows
    q = select(pm).where(pm.c.party_id == party).order_by(pm.c.row_no, pm.c.version)
    if row_no is not None:
        q = q.where(pm.c.row_no == row_no)
    return [_member(r) for r in conn.execute(q).mappings()]


def current_members(conn: Connection, parties: Iterable[str] | None = None
                    ) -> dict[str, list[tuple[MemberRow, int]]]:
    """Each party's rows at their latest version, with the row's receipt order (the seq of
    its first version), by row number."""
    pm = t.party_member_rows
    latest = (select(pm.c.party_id, pm.c.row_no, func.max(pm.c.version).label("v"),
                     func.min(pm.c.seq).label("first_seq"))
              .group_by(pm.c.party_id, pm.c.row_no).subquery())
    q = (select(pm, latest.c.first_seq)
         .join(latest, (pm.c.party_id == latest.c.party_id) & (pm.c.row_no == latest.c.row_no)
               & (pm.c.version == latest.c.v))
         .order_by(pm.c.party_id, pm.c.row_no))
    if parties is not None:
        q = q.where(pm.c.party_id.in_(list(parties)))
    out: dict[str, list[tuple[MemberRow, int]]] = {}
    for r in conn.execute(q).mappings():
        out.setdefault(r["party_id"], []).append((_member(r), int(r["first_seq"])))
    return out


def next_row_no(conn: Connection, party: str) -> int:
    pm = t.party_member_rows
    got = conn.execute(select(func.max(pm.c.row_no)).where(pm.c.party_id == party)).scalar()
    return 1 if got is None else int(got) + 1


def insert_barred(conn: Connection, rows: Sequence[BarredRow]) -> None:
    if rows:
        conn.execute(insert(t.party_barred), [{
            "iin_hash": b.iin_hash, "iin_last4": b.iin_last4, "key_id": b.key_id,
            "category": b.category, "withdrawn": b.withdrawn, "imported_by": b.imported_by,
            "imported_at": b.imported_at} for b in rows])


def barred(conn: Connection) -> dict[str, str]:
    """The register as it stands: keyed hash -> category, the latest line of each hash
    (a withdrawn one is not in it)."""
    pb = t.party_barred
    out: dict[str, str] = {}
    for r in conn.execute(select(pb.c.iin_hash, pb.c.category, pb.c.withdrawn)
                          .order_by(pb.c.seq)):
        if r[2]:
            out.pop(r[0], None)
        else:
            out[r[0]] = r[1]
    return out


__all__ = [
    "ApplicationRow", "BarredRow", "EventRow", "MemberRow", "application", "applications",
    "barred", "current_members", "events", "insert_application", "insert_barred",
    "insert_event", "insert_members", "member_versions", "next_row_no",
]
