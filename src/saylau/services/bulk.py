"""Bulk import of protocols from CSV: every row checked, all or nothing.

The file is parsed to columns, the protocol checks run vectorised over all rows
(domain/protocol_batch.py), and only the flagged rows go through the scalar checks for their
messages. Any bad row (a failed check, an unknown or duplicated station, a station outside the
importer's scope, a protocol that differs from the one already accepted) refuses the whole file
with every bad row listed. Rows identical to the station's current protocol are idempotent.
Corrections are not taken in bulk: each needs its own reason (`POST .../protocols` with
`correction: true`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import numpy as np
from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError

from saylau.domain.access import Principal, require_write_scope
from saylau.domain.errors import Conflict, Forbidden, ImportFailed
from saylau.domain.ids import StationId, UnitId
from saylau.domain.protocol_batch import batch_flags
from saylau.domain.protocol_csv import ProtocolColumns, parse_protocols_csv
from saylau.domain.protocols import (
    COUNT_FIELDS,
    ProtocolCheckContext,
    canonical_json_fast,
    errors_of,
    run_checks,
    warnings_of,
)
from saylau.services.context import Saylau
from saylau.services.elections import get_contest
from saylau.store import repository
from saylau.store import tables as t


@dataclass(frozen=True, slots=True)
class ImportReport:
    rows: int
    accepted: int
    unchanged: int
    flagged: int
    """Accepted rows that carry warnings."""


def import_protocols(app: Saylau, who: Principal, contest_id: str, data: bytes) -> ImportReport:
    contest = get_contest(app, contest_id)
    geo = app.geography()
    cols: ProtocolColumns = parse_protocols_csv(data, contest)
    n = len(cols.stations)
    bad: list[dict[str, object]] = []
    idx = np.full(n, -1, dtype=np.int64)
    seen: dict[str, int] = {}
    area_root = contest.area == geo.root.id
    for k, s in enumerate(cols.stations):
        line = int(cols.lines[k])
        i = geo.index.get(UnitId(s))
        if i is None or not geo.units[i].is_station:
            bad.append({"line": line, "field": "station", "expected": "a polling station id",
                        "actual": s, "message": f"line {line}: no polling station {s!r}"})
            continue
        if not area_root and not geo.is_within(UnitId(s), contest.area):
            bad.append({"line": line, "field": "station", "expected": f"a station in {contest.area}",
                        "actual": s, "message": f"line {line}: {s!r} does not vote in this contest"})
            continue
        if s in seen:
            bad.append({"line": line, "field": "station", "expected": "one row per station",
                        "actual": s, "message": f"line {line}: station {s!r} already on line "
                        f"{seen[s]}"})
            continue
        seen[s] = line
        try:
            require_write_scope(who, geo, UnitId(s))
        except Forbidden as exc:
            bad.append({"line": line, "field": "station", "expected": f"within {who.scope}",
                        "actual": s, "message": f"line {line}: {exc.message}"})
            continue
        idx[k] = i
    known = idx >= 0
    list_sizes = np.zeros(n, dtype=np.int64)
    if known.any():
        registered = np.fromiter((u.registered for u in geo.units), dtype=np.int64,
                                 count=len(geo.units))
        list_sizes[known] = registered[idx[known]]
    last_turnout = _last_turnout(app, contest_id, cols.stations)
    flags = batch_flags(cols.counts, has_both_marked=contest.has_both_marked,
                        list_sizes=list_sizes, last_turnout=last_turnout)
    warn_findings: dict[int, str] = {}
    for k in np.flatnonzero((flags.error | flags.warning) & known):
        k = int(k)
        lt = int(last_turnout[k])
        ctx = ProtocolCheckContext(contest, StationId(UnitId(cols.stations[k])),
                                   int(list_sizes[k]), None if lt < 0 else lt)
        findings = run_checks(ctx, cols.row(k))
        for f in errors_of(findings):
            bad.append({"line": int(cols.lines[k]), "field": f.field, "code": f.code,
                        "expected": "", "actual": dict(f.numbers), "message":
                        f"line {int(cols.lines[k])}: {f.message}"})
        ws = warnings_of(findings)
        if ws:
            warn_findings[k] = repository.findings_json(ws)
    # hashes, and what is already stored
    hashes = [
        hashlib.sha256(
            canonical_json_fast(
                contest.id, cols.stations[k], tuple(int(x) for x in cols.counts[k, :7]),
                tuple(sorted((o, int(cols.counts[k, 7 + j])) for j, o in enumerate(cols.options))),
            ).encode("utf-8")
        ).hexdigest()
        for k in range(n)
    ]
    current = _current_hashes(app, contest_id)
    unchanged = np.zeros(n, dtype=bool)
    for k, s in enumerate(cols.stations):
        h = current.get(s)
        if h is None:
            continue
        if h == hashes[k]:
            unchanged[k] = True
        else:
            line = int(cols.lines[k])
            bad.append({"line": line, "field": "station", "expected": "no accepted protocol yet",
                        "actual": s, "message": f"line {line}: station {s!r} already has a "
                        "different accepted protocol; send a correction with a reason instead"})
    if bad:
        bad.sort(key=lambda r: (int(str(r["line"])), str(r["field"])))
        raise ImportFailed(
            f"{len(bad)} problem(s) in {n:,} rows; nothing was imported", rows=bad
        )
    now = app.clock().isoformat()
    empty = "[]"
    rows = [
        (contest.id, cols.stations[k], 1, *(int(x) for x in cols.counts[k, :7]),
         json.dumps({o: int(cols.counts[k, 7 + j]) for j, o in sorted(
             enumerate(cols.options), key=lambda p: p[1])}, separators=(",", ":")),
         hashes[k], warn_findings.get(k, empty), who.name, now, None)
        for k in range(n) if not unchanged[k]
    ]
    cols_sql = ("contest_id, station_id, version, " + ", ".join(COUNT_FIELDS)
                + ", votes, content_hash, warnings, submitted_by, submitted_at, reason")
    ph = "?" if app.engine.dialect.name == "sqlite" else "%s"
    params = ", ".join([ph] * 16)
    sql = f"INSERT INTO protocol_versions ({cols_sql}) VALUES ({params})"  # noqa: S608 - fixed
    try:
        with app.write() as conn:
            if rows:
                conn.exec_driver_sql(sql, rows)  # type: ignore[arg-type]
    except IntegrityError as exc:
        raise Conflict(
            "another protocol for a station in the file was accepted while the file was being "
            "checked; nothing was imported; import the file again",
            code="import_raced",
        ) from exc
    return ImportReport(rows=n, accepted=len(rows), unchanged=int(unchanged.sum()),
                        flagged=len(warn_findings))


def _current_hashes(app: Saylau, contest_id: str) -> dict[str, str]:
    pv = t.protocol_versions
    latest = (
        select(pv.c.station_id, func.max(pv.c.version).label("v"))
        .where(pv.c.contest_id == contest_id)
        .group_by(pv.c.station_id)
        .subquery()
    )
    q = select(pv.c.station_id, pv.c.content_hash).join(
        latest, and_(pv.c.station_id == latest.c.station_id, pv.c.version == latest.c.v)
    ).where(pv.c.contest_id == contest_id)
    with app.read() as conn:
        return {r[0]: r[1] for r in conn.execute(q)}


def _last_turnout(app: Saylau, contest_id: str, stations: list[str]) -> np.ndarray:  # type: ignore[type-arg]
    tr = t.turnout_reports
    q = select(tr.c.station_id, tr.c.at, tr.c.ballots_issued).where(tr.c.contest_id == contest_id)
    last: dict[str, tuple[str, int]] = {}
    with app.read() as conn:
        for s, at, v in conn.execute(q):
            if s not in last or at > last[s][0]:
                last[s] = (at, int(v))
    return np.array([last[s][1] if s in last else -1 for s in stations], dtype=np.int64)
