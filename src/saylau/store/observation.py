"""Observation's rows (issue 12): missions, observers, accreditation and deployment events,
forms, reports and protocol copies (versioned, read by seq: inserted under a LogTurn), refused
submissions and photos. Rows to values and back; never commits (the service owns the
transaction). Events are only appended: an observer's status and stations are the replay of
their events, so nothing is overwritten."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select

from saylau.domain.observation.forms import Form
from saylau.domain.observation.missions import Mission, Organisation, Status
from saylau.domain.protocols.values import COUNT_FIELDS
from saylau.store import tables as t
from saylau.store.log import LogTurn

DEPLOY = "deploy"
WITHDRAW = "withdraw"


# --- missions and observers ------------------------------------------------------------------


def insert_mission(conn: Connection, election: str, m: Mission, by: str, at: str) -> None:
    conn.execute(insert(t.obs_missions).values(
        election_id=election, code=m.code, name=m.name, organisation=m.organisation.value,
        signed_reports=m.signed_reports, created_by=by, created_at=at))


def _mission(r: Any) -> Mission:
    return Mission(r["code"], r["name"], Organisation(r["organisation"]),
                   bool(r["signed_reports"]))


def missions(conn: Connection, election: str) -> list[Mission]:
    m = t.obs_missions
    return [_mission(r) for r in conn.execute(
        select(m).where(m.c.election_id == election).order_by(m.c.code)).mappings()]


def mission(conn: Connection, election: str, code: str) -> Mission | None:
    m = t.obs_missions
    r = conn.execute(select(m).where(and_(m.c.election_id == election, m.c.code == code))
                     ).mappings().first()
    return None if r is None else _mission(r)


@dataclass(frozen=True, slots=True)
class ObserverRow:
    badge: str
    mission: str
    serial: int
    name: str
    public_key: str | None


def next_serial(conn: Connection, election: str, mission_code: str) -> int:
    o = t.obs_observers
    last = conn.execute(select(func.max(o.c.serial)).where(and_(
        o.c.election_id == election, o.c.mission_code == mission_code))).scalar()
    return 1 if last is None else int(last) + 1


def insert_observer(conn: Connection, election: str, row: ObserverRow, by: str, at: str
                    ) -> None:
    conn.execute(insert(t.obs_observers).values(
        election_id=election, badge=row.badge, mission_code=row.mission, serial=row.serial,
        name=row.name, public_key=row.public_key, applied_by=by, applied_at=at))


def _observer(r: Any) -> ObserverRow:
    return ObserverRow(r["badge"], r["mission_code"], int(r["serial"]), r["name"],
                       r["public_key"])


def observer(conn: Connection, election: str, badge: str) -> ObserverRow | None:
    o = t.obs_observers
    r = conn.execute(select(o).where(and_(o.c.election_id == election, o.c.badge == badge))
                     ).mappings().first()
    return None if r is None else _observer(r)


def observers(conn: Connection, election: str, mission_code: str | None = None
              ) -> list[ObserverRow]:
    o = t.obs_observers
    q = select(o).where(o.c.election_id == election)
    if mission_code is not None:
        q = q.where(o.c.mission_code == mission_code)
    return [_observer(r) for r in conn.execute(q.order_by(o.c.badge)).mappings()]


def insert_status(conn: Connection, election: str, badge: str, status: Status,
                  reason: str | None, by: str, at: str) -> None:
    conn.execute(insert(t.obs_accreditations).values(
        election_id=election, badge=badge, status=status.value, reason=reason, by=by, at=at))


def statuses(conn: Connection, election: str, badge: str | None = None
             ) -> dict[str, tuple[Status, str | None, str]]:
    """Badge -> (current status, its reason, when): the latest event of each observer."""
    a = t.obs_accreditations
    q = select(a.c.badge, a.c.status, a.c.reason, a.c.at).where(a.c.election_id == election)
    if badge is not None:
        q = q.where(a.c.badge == badge)
    out: dict[str, tuple[Status, str | None, str]] = {}
    for b, s, reason, at in conn.execute(q.order_by(a.c.id)):
        out[str(b)] = (Status(s), reason, str(at))
    return out


def insert_deployment(conn: Connection, election: str, badge: str, station: str, action: str,
                      by: str, at: str) -> None:
    conn.execute(insert(t.obs_deployments).values(
        election_id=election, badge=badge, station_id=station, action=action, by=by, at=at))


def deployments(conn: Connection, election: str, badge: str | None = None
                ) -> dict[str, set[str]]:
    """Badge -> the stations the observer is deployed to now (the events replayed)."""
    d = t.obs_deployments
    q = select(d.c.badge, d.c.station_id, d.c.action).where(d.c.election_id == election)
    if badge is not None:
        q = q.where(d.c.badge == badge)
    out: dict[str, set[str]] = {}
    for b, station, action in conn.execute(q.order_by(d.c.id)):
        stations = out.setdefault(str(b), set())
        if action == DEPLOY:
            stations.add(str(station))
        else:
            stations.discard(str(station))
    return out


# --- forms -----------------------------------------------------------------------------------


def insert_form(conn: Connection, election: str, form: Form, version: int, owner: str | None,
                content_hash: str, by: str, at: str) -> None:
    conn.execute(insert(t.obs_forms).values(
        election_id=election, form_id=form.id, version=version, owner=owner,
        definition=json.dumps(form.as_dict(), sort_keys=True), content_hash=content_hash,
        by=by, at=at))


@dataclass(frozen=True, slots=True)
class FormRow:
    form: Form
    version: int
    owner: str | None
    content_hash: str


def forms(conn: Connection, election: str) -> list[FormRow]:
    """Every form's latest version."""
    f = t.obs_forms
    rows = conn.execute(select(f).where(f.c.election_id == election)
                        .order_by(f.c.form_id, f.c.version)).mappings().all()
    latest: dict[str, FormRow] = {}
    for r in rows:
        latest[r["form_id"]] = FormRow(Form.from_dict(json.loads(r["definition"])),
                                       int(r["version"]), r["owner"], r["content_hash"])
    return list(latest.values())


def form(conn: Connection, election: str, form_id: str, version: int | None = None
         ) -> FormRow | None:
    f = t.obs_forms
    q = select(f).where(and_(f.c.election_id == election, f.c.form_id == form_id))
    q = q.where(f.c.version == version) if version is not None else \
        q.order_by(f.c.version.desc()).limit(1)
    r = conn.execute(q).mappings().first()
    if r is None:
        return None
    return FormRow(Form.from_dict(json.loads(r["definition"])), int(r["version"]), r["owner"],
                   r["content_hash"])


# --- reports and copies ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VersionRow:
    version: int
    content_hash: str
    submitted_by: str
    submitted_at: str
    leaf_idx: int


def report_head(conn: Connection, election: str, badge: str, station: str, slot: str
                ) -> VersionRow | None:
    r_ = t.obs_reports
    r = conn.execute(select(r_).where(and_(
        r_.c.election_id == election, r_.c.badge == badge, r_.c.station_id == station,
        r_.c.slot == slot)).order_by(r_.c.version.desc()).limit(1)).mappings().first()
    return None if r is None else VersionRow(int(r["version"]), r["content_hash"],
                                             r["submitted_by"], r["submitted_at"],
                                             int(r["leaf_idx"]))


def insert_report(turn: LogTurn, values: Mapping[str, Any]) -> None:
    turn.conn.execute(insert(t.obs_reports).values(**values))


def reports(conn: Connection, election: str, *, kind: str | None = None,
            badges: set[str] | None = None) -> list[dict[str, Any]]:
    """The current version of every report slot (answers decoded), in seq order."""
    r_ = t.obs_reports
    q = select(r_).where(r_.c.election_id == election)
    if kind is not None:
        q = q.where(r_.c.kind == kind)
    latest: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in conn.execute(q.order_by(r_.c.seq)).mappings():
        if badges is not None and r["badge"] not in badges:
            continue
        d = dict(r)
        d["answers"] = json.loads(d["answers"])
        latest[(d["badge"], d["station_id"], d["slot"])] = d
    return sorted(latest.values(), key=lambda d: int(d["seq"]))


def copy_head(conn: Connection, contest: str, station: str, badge: str) -> VersionRow | None:
    c = t.obs_copies
    r = conn.execute(select(c).where(and_(
        c.c.contest_id == contest, c.c.station_id == station, c.c.badge == badge))
        .order_by(c.c.version.desc()).limit(1)).mappings().first()
    return None if r is None else VersionRow(int(r["version"]), r["content_hash"],
                                             r["submitted_by"], r["submitted_at"],
                                             int(r["leaf_idx"]))


def insert_copy(turn: LogTurn, values: Mapping[str, Any]) -> None:
    turn.conn.execute(insert(t.obs_copies).values(**values))


def current_copies(conn: Connection, contest: str, station: str | None = None
                   ) -> dict[str, list[tuple[str, dict[str, int], int]]]:
    """Station -> every observer's current copy as (badge, figures, version)."""
    c = t.obs_copies
    q = select(c.c.station_id, c.c.badge, c.c.version, c.c.figures).where(
        c.c.contest_id == contest)
    if station is not None:
        q = q.where(c.c.station_id == station)
    latest: dict[tuple[str, str], tuple[int, str]] = {}
    for s, b, v, figs in conn.execute(q.order_by(c.c.seq)):
        key = (str(s), str(b))
        if key not in latest or int(v) > latest[key][0]:
            latest[key] = (int(v), str(figs))
    items = sorted(latest.items())
    # one parse for every figure set (far fewer calls than one json.loads per copy)
    parsed = json.loads("[" + ",".join(figs for _, (_, figs) in items) + "]")
    out: dict[str, list[tuple[str, dict[str, int], int]]] = {}
    for ((s, b), (v, _)), figs in zip(items, parsed, strict=True):
        out.setdefault(s, []).append((b, figs, v))
    return out


def copy_versions(conn: Connection, contest: str, station: str) -> list[dict[str, Any]]:
    """Every version of every copy of the station, oldest first (the drill-down)."""
    c = t.obs_copies
    rows = conn.execute(select(c).where(and_(c.c.contest_id == contest,
                                             c.c.station_id == station))
                        .order_by(c.c.seq)).mappings().all()
    out = []
    for r in rows:
        d = dict(r)
        d["figures"] = json.loads(d["figures"])
        out.append(d)
    return out


def official_figures(conn: Connection, contest: str, station: str | None = None
                     ) -> dict[str, dict[str, int]]:
    """Station -> the current official protocol's figures (counts and votes.<option>)."""
    pv = t.protocol_versions
    latest = select(pv.c.station_id, func.max(pv.c.version).label("version")).where(
        pv.c.contest_id == contest)
    if station is not None:
        latest = latest.where(pv.c.station_id == station)
    sub = latest.group_by(pv.c.station_id).subquery()
    q = select(pv.c.station_id, pv.c.votes, *(pv.c[f] for f in COUNT_FIELDS)).join(
        sub, and_(pv.c.station_id == sub.c.station_id, pv.c.version == sub.c.version)
    ).where(pv.c.contest_id == contest)
    rows = conn.execute(q).all()
    votes = json.loads("[" + ",".join(r[1] for r in rows) + "]")
    out: dict[str, dict[str, int]] = {}
    for r, vs in zip(rows, votes, strict=True):
        figs = dict(zip(COUNT_FIELDS, (int(x) for x in r[2:]), strict=True))
        figs.update({f"votes.{o}": int(v) for o, v in vs.items()})
        out[str(r[0])] = figs
    return out


# --- refused submissions and photos ----------------------------------------------------------


def insert_rejection(conn: Connection, election: str, badge: str | None, station: str | None,
                     kind: str, submitted: Mapping[str, Any], code: str, message: str,
                     at: str) -> None:
    conn.execute(insert(t.obs_rejections).values(
        election_id=election, badge=badge, station_id=station, kind=kind,
        submitted=json.dumps(submitted, sort_keys=True, default=str), code=code,
        message=message, at=at))


def rejections(conn: Connection, election: str) -> list[dict[str, Any]]:
    r_ = t.obs_rejections
    return [dict(r) for r in conn.execute(select(r_).where(r_.c.election_id == election)
                                          .order_by(r_.c.id)).mappings()]


def photo_exists(conn: Connection, digest: str) -> bool:
    p = t.obs_photos
    return conn.execute(select(p.c.hash).where(p.c.hash == digest)).first() is not None


def insert_photo(conn: Connection, election: str, digest: str, media_type: str, data: bytes,
                 by: str, at: str) -> None:
    conn.execute(insert(t.obs_photos).values(
        hash=digest, election_id=election, media_type=media_type, size=len(data), data=data,
        stored_by=by, stored_at=at))


def photo(conn: Connection, digest: str) -> tuple[str, bytes] | None:
    p = t.obs_photos
    r = conn.execute(select(p.c.media_type, p.c.data).where(p.c.hash == digest)).first()
    return None if r is None else (str(r[0]), bytes(r[1]))


def last_seqs(conn: Connection, election: str) -> tuple[int, int, int, int]:
    """The latest seq of the election's copies and reports, and the number of accreditation
    and deployment events: what changes the Observation pages."""
    c, r, a, d = t.obs_copies, t.obs_reports, t.obs_accreditations, t.obs_deployments
    return tuple(int(conn.execute(q).scalar() or 0) for q in (  # type: ignore[return-value]
        select(func.max(c.c.seq)).where(c.c.election_id == election),
        select(func.max(r.c.seq)).where(r.c.election_id == election),
        select(func.max(a.c.id)).where(a.c.election_id == election),
        select(func.max(d.c.id)).where(d.c.election_id == election)))
