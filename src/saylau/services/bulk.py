"""Bulk import of protocols from CSV: every row checked, all or nothing.

The file is parsed to columns, the protocol checks run vectorised over all rows
(domain/protocol_batch.py), and only the flagged rows go through the scalar checks for their
messages. Any bad row (a failed check, an unknown or duplicated station, a station outside the
importer's scope, a protocol that differs from the one already accepted) refuses the whole file
with every bad row listed. Rows are judged by the one versioning rule (saylau.domain.versions):
identical to the station's current protocol, idempotent; different, refused as a conflict.
Corrections are not taken in bulk: each needs its own reason (`POST .../protocols` with
`correction: true`).
"""

from __future__ import annotations

import gc
import itertools
import operator
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy.exc import IntegrityError

from saylau.domain.access import Principal, Role, require_write_scope
from saylau.domain.contests import Contest
from saylau.domain.errors import Conflict, Forbidden, ImportFailed, ValidationFailed
from saylau.domain.geography import Geography
from saylau.domain.ids import StationId, UnitId
from saylau.domain.protocol_batch import batch_flags, canonical_hashes, votes_json
from saylau.domain.protocol_csv import ProtocolColumns, parse_protocols_csv
from saylau.domain.protocols import (
    COUNT_FIELDS,
    Finding,
    ProtocolCheckContext,
    errors_of,
    run_checks,
    warnings_of,
)
from saylau.domain.record.envelope import format_timestamp, protocol_leaves_fast
from saylau.domain.versions import FIRST_VERSION, Head, Refused, Submission, Unchanged, judge
from saylau.services import logs
from saylau.services.context import Saylau
from saylau.services.elections import get_contest
from saylau.services.signatures import SIGNATURES_REQUIRED, own_keys, signatures_rule
from saylau.store import protocols as report_store


@dataclass(frozen=True, slots=True)
class ImportReport:
    rows: int
    accepted: int
    unchanged: int
    flagged: int
    """Accepted rows that carry warnings."""
    warnings: tuple[dict[str, object], ...] = ()
    """Every warning of the accepted rows, in line order: line, station, field, code,
    expected, actual (in words) and message, as a refused row's problems are given."""


def import_protocols(app: Saylau, who: Principal, contest_id: str, data: bytes) -> ImportReport:
    with collector_paused():
        return _import(app, who, contest_id, data)


@contextmanager
def collector_paused() -> Iterator[None]:
    """A million-row file makes millions of small objects that hold no cycles; the cyclic
    garbage collector would rescan them all again and again (seconds). It runs again after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import(app: Saylau, who: Principal, contest_id: str, data: bytes) -> ImportReport:
    contest = get_contest(app, contest_id)
    geo = app.geography()
    bad: list[dict[str, object]] = []
    try:
        cols: ProtocolColumns = parse_protocols_csv(data, contest)
    except ImportFailed as exc:
        partial = exc.partial
        if not isinstance(partial, ProtocolColumns):
            raise
        # bad values on some rows: check the rows that did read as well, so that one
        # correction of the file is enough (docs/protocols-csv.md)
        bad.extend(exc.rows)
        cols = partial
    n = len(cols.stations)
    idx = _station_indices(geo, contest, who, cols.stations)
    if idx is None:  # some row names a bad station: find each one, with its message
        idx = _station_problems(geo, contest, who, cols, bad)
    known = idx >= 0
    list_sizes = np.zeros(n, dtype=np.int64)
    if known.any():
        list_sizes[known] = _voter_lists(app, geo)[idx[known]]
    last_turnout = _last_turnout(app, contest_id, cols.stations)
    flags = batch_flags(cols.counts, has_both_marked=contest.has_both_marked,
                        list_sizes=list_sizes, last_turnout=last_turnout)
    warn_findings: dict[int, str] = {}
    warn_rows: dict[int, list[dict[str, object]]] = {}
    for k in (int(x) for x in np.flatnonzero((flags.error | flags.warning) & known)):
        lt = int(last_turnout[k])
        ctx = ProtocolCheckContext(contest, StationId(UnitId(cols.stations[k])),
                                   int(list_sizes[k]), None if lt < 0 else lt)
        findings = run_checks(ctx, cols.row(k))
        line = int(cols.lines[k])
        for f in errors_of(findings):
            bad.append(_row(line, cols.stations[k], f))
        ws = warnings_of(findings)
        if ws:
            warn_findings[k] = report_store.findings_json(ws)
            warn_rows[k] = [_row(line, cols.stations[k], f) for f in ws]
    # hashes, and what is already stored
    hashes = canonical_hashes(contest.id, cols.stations, cols.options, cols.counts)
    unchanged = _judge_rows(app, contest_id, cols, hashes, bad)
    if bad:
        bad.sort(key=lambda r: (int(str(r["line"])), str(r["field"])))
        raise ImportFailed(
            f"{len(bad)} problem(s) in {n:,} rows; nothing was imported", rows=bad
        )
    now = app.clock()
    rows = _stored_rows(contest.id, who.name, now.isoformat(), cols, hashes,
                        warn_findings, unchanged)
    keep = ~unchanged
    leaves = protocol_leaves_fast(
        contest.id, [s for s, k in zip(cols.stations, keep.tolist(), strict=True) if k],
        cols.counts[keep, : len(COUNT_FIELDS)].tolist(), list(cols.options),
        cols.counts[keep, len(COUNT_FIELDS) :].tolist(),
        recorded_by=who.name, recorded_at=format_timestamp(now))
    try:
        with app.write() as conn:
            if signatures_rule(conn, contest.election) == SIGNATURES_REQUIRED:
                raise ValidationFailed(
                    f"election {contest.election} requires each protocol signed by its "
                    "commission; a CSV file carries no signatures: send the protocols one by "
                    "one (POST .../protocols with a signature)",
                    code="signature_missing",
                    details={"field": "signature", "expected": "signed protocols",
                             "actual": "a CSV file"})
            new = [k for k, same in enumerate(unchanged.tolist()) if not same]
            keyed = own_keys(conn, contest.election, [cols.stations[k] for k in new])
            if keyed:  # a station with its own key signs (saylau.domain.contests.must_sign)
                raise ImportFailed(
                    f"{len(keyed)} station(s) of the file have a registered commission key and "
                    "must sign their protocols; a CSV file carries no signatures: those send "
                    "theirs one by one (POST .../protocols with a signature); nothing was "
                    "imported", rows=[{
                        "line": int(cols.lines[k]), "field": "station",
                        "expected": "a station without a registered key",
                        "actual": cols.stations[k],
                        "message": f"line {int(cols.lines[k])}: station {cols.stations[k]!r} "
                        f"has key {keyed[cols.stations[k]]}: its protocol must be signed"}
                        for k in new if cols.stations[k] in keyed])
            if rows:
                turn = logs.sequence(conn, contest.election)  # seq in commit order
                report_store.insert_protocol_rows(turn, rows)
                end = logs.append_many(conn, contest.election,
                                         [("protocol", leaf) for leaf in leaves])
                logs.log_action(conn, app, logs.Action.PROTOCOLS_IMPORTED, who.name,
                                election=contest.election, contest=contest.id,
                                rows=n, accepted=len(rows), leaf=end - len(rows))
    except IntegrityError as exc:
        raise Conflict(
            "another protocol for a station in the file was accepted while the file was being "
            "checked; nothing was imported; import the file again",
            code="import_raced",
        ) from exc
    kept = sorted(k for k in warn_rows if not unchanged[k])
    return ImportReport(rows=n, accepted=len(rows), unchanged=int(unchanged.sum()),
                        flagged=len(kept),
                        warnings=tuple(w for k in kept for w in warn_rows[k]))


def _judge_rows(app: Saylau, contest_id: str, cols: ProtocolColumns, hashes: list[str],
                bad: list[dict[str, object]]) -> npt.NDArray[np.bool_]:
    """Each row against its station's current version by the one versioning rule
    (`saylau.domain.versions.judge`; a file sends first versions only, never corrections):
    the same protocol again is unchanged (the mask returned), a different one is refused
    into `bad` naming its line; an empty slot takes version `FIRST_VERSION`."""
    with app.read() as conn:
        heads = report_store.current_heads(conn, contest_id)
    unchanged = np.zeros(len(cols.stations), dtype=bool)
    if not heads:
        return unchanged
    for k, s in enumerate(cols.stations):
        head = heads.get(s)
        if head is None:
            continue
        verdict = judge(Head(*head), Submission(hashes[k]))
        if isinstance(verdict, Unchanged):
            unchanged[k] = True
        elif isinstance(verdict, Refused):
            line = int(cols.lines[k])
            bad.append({"line": line, "field": "station", "code": verdict.code,
                        "expected": "no accepted protocol yet", "actual": s,
                        "message": f"line {line}: "
                        f"{verdict.message(f'station {s}')}"})
    return unchanged


def _row(line: int, station: str, f: Finding) -> dict[str, object]:
    """A finding of a file's row as the import reports it: line, field, expected, actual."""
    return {"line": line, "station": station, "field": f.field, "code": f.code,
            "severity": f.severity.value, "expected": f.expected, "actual": f.actual,
            "message": f"line {line}: station {station}: {f.message}"}


def _stored_rows(
    contest_id: str, by: str, now: str, cols: ProtocolColumns, hashes: list[str],
    warn_findings: dict[int, str], unchanged: npt.NDArray[np.bool_],
) -> list[tuple[object, ...]]:
    """The rows of protocol_versions to insert (columns: report_store.PROTOCOL_ROW_COLUMNS),
    built column by column: version 1, the counts, the votes text, the hash, the warnings."""
    counts = [cols.counts[:, j].tolist() for j in range(len(COUNT_FIELDS))]
    votes = votes_json(cols.options, cols.counts)
    n = len(cols.stations)
    warnings = ([warn_findings.get(k, "[]") for k in range(n)] if warn_findings
                else itertools.repeat("[]", n))
    rep = itertools.repeat
    rows = list(zip(rep(contest_id, n), cols.stations, rep(FIRST_VERSION, n), *counts, votes,
                    hashes, warnings, rep(by, n), rep(now, n), rep(None, n), strict=True))
    if unchanged.any():
        rows = [r for r, same in zip(rows, unchanged.tolist(), strict=True) if not same]
    return rows


def _station_indices(  # noqa: PLR0911 - one early exit per kind of bad row
    geo: Geography, contest: Contest, who: Principal, stations: list[str]
) -> npt.NDArray[np.int64] | None:
    """Each row's station index, when every row names a distinct polling station of the
    contest's area within the importer's write scope; None when any row does not."""
    if not stations:
        return np.zeros(0, dtype=np.int64)
    try:  # one lookup call for all rows; any unknown station goes row by row
        found = operator.itemgetter(*stations)(geo.index)
    except KeyError:
        return None
    idx = np.array([found] if len(stations) == 1 else found, dtype=np.int64)
    is_station = np.zeros(len(geo.units), dtype=bool)
    is_station[geo.station_indices] = True
    if not bool(is_station[idx].all()):
        return None
    if int(np.bincount(idx, minlength=len(geo.units)).max()) > 1:
        return None  # a station on two rows
    if contest.district is not None:  # the district's own stations (`Contest.votes_at`)
        votes_here = np.zeros(len(geo.units), dtype=bool)
        votes_here[[geo.index[s] for s in contest.district.stations if s in geo.index]] = True
        if not bool(votes_here[idx].all()):
            return None
    elif contest.area != geo.root.id and not bool(_within(geo, contest.area)[idx].all()):
        return None
    if who.role is Role.ADMIN:
        return idx
    if who.role is Role.TERRITORIAL and who.scope is not None and who.scope in geo:
        return idx if bool(_within(geo, who.scope)[idx].all()) else None
    return None  # precinct commissions (one station each) and anyone else: row by row


def _voter_lists(app: Saylau, geo: Geography) -> npt.NDArray[np.int64]:
    """Every unit's voter list (0 for units that are not stations), kept per process with the
    geography it comes from (a loaded geography never changes)."""
    cached = app.caches.get("bulk:voter_lists")
    if isinstance(cached, tuple) and cached[0] is geo:
        return cached[1]  # type: ignore[no-any-return]  # the array stored below
    lists = np.fromiter((u.registered for u in geo.units), dtype=np.int64, count=len(geo.units))
    app.caches["bulk:voter_lists"] = (geo, lists)
    return lists


def _within(geo: Geography, unit: UnitId) -> npt.NDArray[np.bool_]:
    """Mask of the units that are `unit` or lie below it (parents precede children)."""
    a = geo.index[unit]
    mask = np.zeros(len(geo.units), dtype=bool)
    mask[a] = True
    for d in range(int(geo.depth[a]) + 1, int(geo.depth.max()) + 1):
        level = np.flatnonzero(geo.depth == d)
        mask[level] |= mask[geo.parent_index[level]]
    return mask


def _station_problems(
    geo: Geography, contest: Contest, who: Principal, cols: ProtocolColumns,
    bad: list[dict[str, object]],
) -> npt.NDArray[np.int64]:
    """Row by row: each row's station index (-1 for a bad one, reported into `bad`)."""
    n = len(cols.stations)
    idx = np.full(n, -1, dtype=np.int64)
    seen: dict[str, int] = {}
    area = contest.area if contest.district is None else f"district {contest.district.id}"
    for k, s in enumerate(cols.stations):
        line = int(cols.lines[k])
        i = geo.index.get(UnitId(s))
        if i is None or not geo.units[i].is_station:
            bad.append({"line": line, "field": "station", "expected": "a polling station id",
                        "actual": s, "message": f"line {line}: no polling station {s!r}"})
            continue
        if not contest.votes_at(geo, StationId(UnitId(s))):
            bad.append({"line": line, "field": "station", "expected": f"a station in {area}",
                        "actual": s,
                        "message": f"line {line}: {s!r} does not vote in this contest"})
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
    return idx


def _last_turnout(
    app: Saylau, contest_id: str, stations: list[str]
) -> npt.NDArray[np.int64]:
    with app.read() as conn:
        last = report_store.last_turnout(conn, contest_id)
    if not last:
        return np.full(len(stations), -1, dtype=np.int64)
    return np.array([last.get(s, -1) for s in stations], dtype=np.int64)
