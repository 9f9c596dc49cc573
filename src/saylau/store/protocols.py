"""What stations report: protocol versions, their rejections, turnout reports. Rows to domain
values and back; never commits (the service owns the transaction).

Rows of SEQUENCED_TABLES (store.log) are inserted only under their election's log turn: the
insert functions take a LogTurn, not a connection, so their seqs commit in order (issue 20).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import datetime, time
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, and_, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from saylau.domain.ids import ActorId, ContestId, OptionId, StationId, UnitId
from saylau.domain.protocols import (
    COUNT_FIELDS,
    AcceptedProtocol,
    Finding,
    ProtocolCounts,
    Severity,
    SubmittedProtocol,
)
from saylau.domain.turnout import TurnoutReport
from saylau.store import tables as t
from saylau.store.log import LogTurn

# --- protocols -----------------------------------------------------------------------------


def findings_json(findings: Iterable[Finding]) -> str:
    return json.dumps([f.as_dict() for f in findings], ensure_ascii=False, sort_keys=True)


def findings_from_json(text: str) -> tuple[Finding, ...]:
    return tuple(
        Finding(
            code=d["code"], severity=Severity(d["severity"]), field=d["field"],
            message=d["message"], numbers=tuple((k, int(v)) for k, v in d["numbers"].items()),
            expected=str(d.get("expected", "")), actual=str(d.get("actual", "")),
        )
        for d in json.loads(text)
    )


def votes_json(counts: ProtocolCounts) -> str:
    return json.dumps(dict(counts.votes), sort_keys=True, separators=(",", ":"))


def protocol_row(p: AcceptedProtocol) -> dict[str, Any]:
    row: dict[str, Any] = {f: getattr(p.counts, f) for f in COUNT_FIELDS}
    row.update(
        contest_id=p.contest, station_id=p.station, version=p.version,
        votes=votes_json(p.counts), content_hash=p.content_hash,
        warnings=findings_json(p.warnings), submitted_by=p.submitted_by,
        submitted_at=p.submitted_at.isoformat(), reason=p.reason,
    )
    return row


def _accepted(r: Any) -> AcceptedProtocol:
    votes = json.loads(r["votes"])
    counts = ProtocolCounts(
        votes=tuple(sorted((OptionId(k), int(v)) for k, v in votes.items())),
        **{f: int(r[f]) for f in COUNT_FIELDS},
    )
    return AcceptedProtocol(
        contest=ContestId(r["contest_id"]), station=StationId(UnitId(r["station_id"])),
        version=int(r["version"]), counts=counts, content_hash=r["content_hash"],
        warnings=findings_from_json(r["warnings"]), submitted_by=ActorId(r["submitted_by"]),
        submitted_at=datetime.fromisoformat(r["submitted_at"]), reason=r["reason"],
    )


def insert_protocol(turn: LogTurn, p: AcceptedProtocol) -> int:
    res = turn.conn.execute(insert(t.protocol_versions).values(**protocol_row(p)))
    pk = res.inserted_primary_key
    return int(pk[0]) if pk else 0


def insert_protocols(turn: LogTurn, ps: Sequence[AcceptedProtocol]) -> None:
    if ps:
        turn.conn.execute(insert(t.protocol_versions), [protocol_row(p) for p in ps])


PROTOCOL_ROW_COLUMNS: tuple[str, ...] = (
    "contest_id", "station_id", "version", *COUNT_FIELDS, "votes", "content_hash", "warnings",
    "submitted_by", "submitted_at", "reason",
)
"""The columns of a protocol_versions row as `insert_protocol_rows` takes it (a tuple)."""


def insert_protocol_rows(turn: LogTurn, rows: Sequence[tuple[Any, ...]]) -> None:
    """Append many protocol versions at once, each a tuple in PROTOCOL_ROW_COLUMNS order
    (bulk import): PostgreSQL through COPY, SQLite through the driver's executemany, both in
    the caller's transaction. A taken version slot raises sqlalchemy's IntegrityError on both,
    as a single insert would."""
    if not rows:
        return
    conn = turn.conn
    names = ", ".join(PROTOCOL_ROW_COLUMNS)
    if conn.dialect.name == "postgresql":
        import psycopg

        raw = conn.connection.driver_connection
        assert isinstance(raw, psycopg.Connection)
        statement = f"COPY protocol_versions ({names}) FROM STDIN"
        try:
            with raw.cursor() as cur, cur.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        except psycopg.IntegrityError as exc:
            raise IntegrityError(statement, None, exc) from exc
        return
    marks = ", ".join("?" * len(PROTOCOL_ROW_COLUMNS))
    sql = f"INSERT INTO protocol_versions ({names}) VALUES ({marks})"  # noqa: S608 - fixed text
    conn.exec_driver_sql(sql, list(rows))


def current_protocol(conn: Connection, contest: str, station: str) -> AcceptedProtocol | None:
    pv = t.protocol_versions
    r = conn.execute(
        select(pv)
        .where(and_(pv.c.contest_id == contest, pv.c.station_id == station))
        .order_by(pv.c.version.desc())
        .limit(1)
    ).mappings().first()
    return None if r is None else _accepted(r)


def current_protocols(conn: Connection, contest: str, stations: Collection[str]
                      ) -> dict[str, AcceptedProtocol]:
    """The current (latest) version of each of `stations` that has one, in one query: what
    a batch of submissions is classified against (services.protocols)."""
    if not stations:
        return {}
    # every version of these stations (a station has a handful), the latest kept: a plain
    # lookup on the (contest, station, version) key. A join with a max() per station was
    # planned by PostgreSQL as a scan of the contest's whole index (76 ms at 540 rows).
    pv = t.protocol_versions
    rows = conn.execute(select(pv).where(and_(
        pv.c.contest_id == contest, pv.c.station_id.in_(set(stations))))
        .order_by(pv.c.station_id, pv.c.version)).mappings()
    return {str(r["station_id"]): _accepted(r) for r in rows}  # the latest version wins


def protocol_history(conn: Connection, contest: str, station: str) -> list[AcceptedProtocol]:
    pv = t.protocol_versions
    rows = conn.execute(
        select(pv)
        .where(and_(pv.c.contest_id == contest, pv.c.station_id == station))
        .order_by(pv.c.version)
    ).mappings()
    return [_accepted(r) for r in rows]


def stations_with_protocols(conn: Connection, contest: str) -> set[str]:
    pv = t.protocol_versions
    rows = conn.execute(select(pv.c.station_id).where(pv.c.contest_id == contest).distinct())
    return {r[0] for r in rows}


def protocol_rows_after(
    conn: Connection, contest: str, after_seq: int
) -> Iterator[tuple[Any, ...]]:
    """Every protocol version of `contest` with seq > after_seq, in seq order: what a
    results cache needs to bring itself up to date (later versions replace earlier ones)."""
    pv = t.protocol_versions
    cols = [pv.c.seq, pv.c.station_id, pv.c.version, *(pv.c[f] for f in COUNT_FIELDS), pv.c.votes]
    result = conn.execute(
        select(*cols)
        .where(and_(pv.c.contest_id == contest, pv.c.seq > after_seq))
        .order_by(pv.c.seq)
        .execution_options(yield_per=50_000)
    )
    for row in result:
        yield tuple(row)


_STATION_SEP = "\n"


def protocol_columns_after(
    conn: Connection, contest: str, after_seq: int, options: Sequence[str]
) -> tuple[npt.NDArray[np.int64], list[str], npt.NDArray[np.int64]] | None:
    """The rows of `protocol_rows_after`, as columns and fast (a million in seconds): (seq of
    each row, station of each row, counts with the columns COUNT_FIELDS + `options`, an option
    missing from a row's votes being 0). Rows come in no particular order: sort by seq.

    The database packs each column into one text (all aggregates of one query read the rows
    in the same order), numpy and json read them back. The rows are found through the seq
    range (the primary key), not the contest's index, and a refresh with nothing new stops
    at the newest seq: it costs next to nothing even without planner statistics. None when a
    station id holds a line break: use `protocol_rows_after` then."""
    width = len(COUNT_FIELDS) + len(options)
    newest = conn.execute(select(func.max(t.protocol_versions.c.seq))).scalar()
    if newest is None or int(newest) <= after_seq:  # nothing new (primary key: instant)
        return np.zeros(0, dtype=np.int64), [], np.zeros((0, width), dtype=np.int64)
    numbers = ("seq", *COUNT_FIELDS)
    if conn.dialect.name == "postgresql":
        packed = [f"string_agg({c}::text, ',')" for c in numbers]
        station_agg, votes_agg = "string_agg(station_id, :sep)", "string_agg(votes, ',')"
    else:
        packed = [f"group_concat({c}, ',')" for c in numbers]
        station_agg, votes_agg = "group_concat(station_id, :sep)", "group_concat(votes, ',')"
    sql = (
        f"SELECT count(*), {station_agg}, {votes_agg}, {', '.join(packed)} "  # noqa: S608
        "FROM protocol_versions WHERE contest_id || '' = :contest "
        "AND seq > :after AND seq <= :newest"
    )  # (a closed seq range, and `|| ''`, keep the planner on the primary key)
    n, station_text, votes_text, *columns = conn.execute(
        text(sql), {"contest": contest, "after": after_seq, "newest": int(newest),
                    "sep": _STATION_SEP},
    ).one()
    if not n:
        return np.zeros(0, dtype=np.int64), [], np.zeros((0, width), dtype=np.int64)
    stations = str(station_text).split(_STATION_SEP)
    if len(stations) != n:
        return None
    values = [np.fromstring(str(c), dtype=np.int64, sep=",") for c in columns]
    votes = json.loads("[" + str(votes_text) + "]")
    counts = np.zeros((n, width), dtype=np.int64)
    for j, v in enumerate(values[1:]):
        counts[:, j] = v
    for k, o in enumerate(options):
        counts[:, len(COUNT_FIELDS) + k] = np.fromiter(
            (d.get(o, 0) for d in votes), dtype=np.int64, count=n)
    return values[0], stations, counts


def max_protocol_seq(conn: Connection, contest: str) -> int:
    pv = t.protocol_versions
    v = conn.execute(select(func.max(pv.c.seq)).where(pv.c.contest_id == contest)).scalar()
    return int(v or 0)


def _current_versions(contest: str, as_of: int | None) -> Any:
    """The (station, version) of each station's current protocol version of `contest`, among
    the versions up to `as_of` (all when None), as a subquery."""
    pv = t.protocol_versions
    where = pv.c.contest_id == contest
    if as_of is not None:
        where = and_(where, pv.c.seq <= as_of)
    return (select(pv.c.station_id, func.max(pv.c.version).label("version"))
            .where(where).group_by(pv.c.station_id).subquery())


def current_heads(conn: Connection, contest: str) -> dict[str, tuple[int, str]]:
    """Station -> the version number and content hash of its current protocol version
    (reported stations)."""
    pv = t.protocol_versions
    latest = _current_versions(contest, None)
    q = select(pv.c.station_id, pv.c.version, pv.c.content_hash).join(latest, and_(
        pv.c.station_id == latest.c.station_id, pv.c.version == latest.c.version)
    ).where(pv.c.contest_id == contest)
    return {str(s): (int(v), str(h)) for s, v, h in conn.execute(q)}


def current_hashes(conn: Connection, contest: str) -> dict[str, str]:
    """Station -> the content hash of its current protocol version (reported stations)."""
    return {s: h for s, (_v, h) in current_heads(conn, contest).items()}


def current_versions(conn: Connection, contest: str, as_of: int
                     ) -> Iterator[tuple[str, int, str, tuple[Finding, ...]]]:
    """Each reported station's current version among the versions up to `as_of`: (station,
    version, content hash, the warnings it was accepted with)."""
    pv = t.protocol_versions
    latest = _current_versions(contest, as_of)
    q = select(pv.c.station_id, pv.c.version, pv.c.content_hash, pv.c.warnings).join(
        latest, and_(pv.c.station_id == latest.c.station_id,
                     pv.c.version == latest.c.version)).where(pv.c.contest_id == contest)
    for station, version, content_hash, warnings in conn.execute(q):
        yield str(station), int(version), str(content_hash), findings_from_json(warnings)


def insert_rejection(
    conn: Connection, p: SubmittedProtocol, findings: Iterable[Finding], by: str, at: datetime
) -> None:
    conn.execute(
        insert(t.protocol_rejections).values(
            contest_id=p.contest, station_id=p.station,
            submitted=json.dumps(p.canonical(), sort_keys=True, ensure_ascii=False),
            findings=findings_json(findings), submitted_by=by, submitted_at=at.isoformat(),
        )
    )


def rejections(conn: Connection, contest: str, station: str | None = None) -> list[dict[str, Any]]:
    pr = t.protocol_rejections
    q = select(pr).where(pr.c.contest_id == contest).order_by(pr.c.seq)
    if station is not None:
        q = q.where(pr.c.station_id == station)
    return [
        {
            "station": r["station_id"],
            "submitted": json.loads(r["submitted"]),
            "findings": json.loads(r["findings"]),
            "submitted_by": r["submitted_by"],
            "submitted_at": r["submitted_at"],
        }
        for r in conn.execute(q).mappings()
    ]


# --- turnout -------------------------------------------------------------------------------


def _turnout(r: Any) -> TurnoutReport:
    return TurnoutReport(
        contest=ContestId(r["contest_id"]), station=StationId(UnitId(r["station_id"])),
        at=time.fromisoformat(r["at"]), ballots_issued=int(r["ballots_issued"]),
    )


def station_turnout(conn: Connection, contest: str, station: str) -> list[TurnoutReport]:
    tr = t.turnout_reports
    rows = conn.execute(
        select(tr)
        .where(and_(tr.c.contest_id == contest, tr.c.station_id == station))
        .order_by(tr.c.at)
    ).mappings()
    return [_turnout(r) for r in rows]


def last_turnouts(conn: Connection, contest: str, stations: Collection[str]
                  ) -> dict[str, int]:
    """Ballots issued by the latest time of day reported, for each of `stations` that has a
    turnout report, in one query (a protocol's check against the day's turnout)."""
    if not stations:
        return {}
    tr = t.turnout_reports
    rows = conn.execute(select(tr.c.station_id, tr.c.ballots_issued).where(and_(
        tr.c.contest_id == contest, tr.c.station_id.in_(set(stations)))).order_by(tr.c.at))
    return {str(station): int(issued) for station, issued in rows}  # the latest wins


def all_turnout(conn: Connection, contest: str) -> list[TurnoutReport]:
    tr = t.turnout_reports
    rows = conn.execute(select(tr).where(tr.c.contest_id == contest).order_by(tr.c.seq)).mappings()
    return [_turnout(r) for r in rows]


def max_turnout_seq(conn: Connection, contest: str) -> int:
    tr = t.turnout_reports
    v = conn.execute(select(func.max(tr.c.seq)).where(tr.c.contest_id == contest)).scalar()
    return int(v or 0)


def insert_turnouts(turn: LogTurn, rs: Sequence[TurnoutReport], by: Sequence[str],
                    at: datetime) -> None:
    """Many reports in one statement; `by[k]` sent `rs[k]`."""
    if len(by) != len(rs):
        raise ValueError(f"insert_turnouts: {len(rs)} reports but {len(by)} senders")
    if rs:
        turn.conn.execute(insert(t.turnout_reports), [
            {"contest_id": r.contest, "station_id": r.station, "at": r.at.strftime("%H:%M"),
             "ballots_issued": r.ballots_issued, "submitted_by": who,
             "submitted_at": at.isoformat()}
            for r, who in zip(rs, by, strict=True)
        ])


def last_turnout(conn: Connection, contest: str) -> dict[str, int]:
    """Station -> the ballots issued at its latest reported time of day (stations that
    reported turnout)."""
    tr = t.turnout_reports
    last: dict[str, tuple[str, int]] = {}
    for s, at, v in conn.execute(select(tr.c.station_id, tr.c.at, tr.c.ballots_issued)
                                 .where(tr.c.contest_id == contest)):
        if s not in last or at > last[s][0]:
            last[s] = (at, int(v))
    return {s: v for s, (_at, v) in last.items()}
