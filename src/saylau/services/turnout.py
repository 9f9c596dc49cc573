"""Submit turnout reports through the day: one by one (written together with whatever
arrives at the same time, services.group_commit) or a territorial commission's batch (all or
none)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from saylau.domain.access import Principal, require_write_scope
from saylau.domain.errors import Forbidden, SaylauError, ValidationFailed
from saylau.domain.geography import Unit
from saylau.domain.ids import ContestId, StationId
from saylau.domain.record.envelope import (
    RecordType,
    format_timestamp,
    leaf_bytes,
    turnout_record,
)
from saylau.domain.turnout import TurnoutReport, check_turnout, turnout_rejected
from saylau.services import logs
from saylau.services.context import Saylau, retry_lost_races
from saylau.services.elections import get_contest
from saylau.services.group_commit import Group, Outcome
from saylau.services.protocols import election_group, station_in_contest
from saylau.store import protocols as report_store


def _turnout_record(r: TurnoutReport, by: str, at: datetime) -> dict[str, Any]:
    return turnout_record(contest=r.contest, station=r.station, at=r.at.strftime("%H:%M"),
                          ballots_issued=r.ballots_issued, recorded_by=by,
                          recorded_at=format_timestamp(at))



_HH_MM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def _time_of_day(value: str) -> time:
    # strictly HH:MM: time.fromisoformat alone also takes "10.00", "T1000" and "1000Z" (a
    # time with a zone, which cannot be compared with the stored ones)
    at = time.fromisoformat(value) if _HH_MM.fullmatch(value) else None
    if at is None:
        raise ValidationFailed(
            f"time {value!r} is not a time of day in whole minutes",
            details={"field": "at", "expected": "HH:MM", "actual": value},
        )
    return at


def submit_turnout(
    app: Saylau, who: Principal, contest_id: str, station: str, at_: str, ballots_issued: int
) -> tuple[TurnoutReport, bool]:
    """Store a turnout report; returns (report, stored) where stored is False when the
    identical report was already there (idempotent). Reports arriving together are written in
    one transaction of the election's log (services.group_commit), as protocols are; each is
    checked, answered and refused on its own, and acknowledged only after that COMMIT."""
    contest = get_contest(app, contest_id)
    geo = app.geography()
    unit = station_in_contest(geo, contest, station)
    require_write_scope(who, geo, unit.id)
    report = TurnoutReport(ContestId(contest.id), StationId(unit.id), _time_of_day(at_),
                           ballots_issued)
    job = _TurnoutJob(who.name, contest.election, unit, report)
    return _turnout_group(app, contest.election).submit(job)


@dataclass(frozen=True, slots=True)
class _TurnoutJob:
    """One turnout report waiting for its batch (services.group_commit)."""

    by: str
    election: str
    unit: Unit
    report: TurnoutReport


def _turnout_group(app: Saylau, election: str) -> Group[_TurnoutJob, tuple[TurnoutReport,
                                                                          bool]]:
    """The election's group of turnout writes in this process (beside its protocols' group:
    both take the same log's turn in the store, one batch at a time)."""
    return election_group(app, f"turnout-writes:{election}",
                          lambda jobs: _write_turnout_batch(app, jobs))


def _write_turnout_batch(app: Saylau, jobs: Sequence[_TurnoutJob]
                         ) -> list[Outcome[tuple[TurnoutReport, bool]]]:
    """Check and store a batch of turnout reports of one election in one transaction: one
    turn of its log, one signed tree head, one COMMIT. Each report is checked against what is
    stored and what came before it in the batch, exactly as if sent alone in that order."""
    now: datetime = app.clock()
    election = jobs[0].election
    outcomes: list[Outcome[tuple[TurnoutReport, bool]]] = []
    fresh: list[_TurnoutJob] = []
    with app.write() as conn:
        # the log's turn before reading: the rows' seq then commit in order (store.log) and no
        # concurrent report of a station slips between the check and the insert
        turn = logs.sequence(conn, election)
        seen: dict[tuple[str, str], list[TurnoutReport]] = {}
        for job in jobs:
            r = job.report
            slot = (str(r.contest), str(r.station))
            if slot not in seen:
                seen[slot] = report_store.station_turnout(conn, r.contest, r.station)
            earlier = seen[slot]
            if any(e == r for e in earlier):
                outcomes.append((r, False))
                continue
            findings = check_turnout(r, job.unit.registered, earlier)
            if findings:
                outcomes.append(turnout_rejected(r, findings))
                continue
            earlier.append(r)
            fresh.append(job)
            outcomes.append((r, True))
        report_store.insert_turnouts(turn, [j.report for j in fresh], [j.by for j in fresh],
                                     now)
        logs.append_many(conn, election, [
            (RecordType.TURNOUT.value, leaf_bytes(_turnout_record(j.report, j.by, now)))
            for j in fresh])
    return outcomes


def submit_turnout_batch(
    app: Saylau, who: Principal, contest_id: str, reports: list[tuple[str, str, int]]
) -> tuple[int, int]:
    """Many stations' turnout at once, as a territorial commission relays them: all or none.
    Each item is (station, HH:MM, ballots issued). Returns (stored, unchanged); any bad item
    refuses the batch with every bad item listed by its index."""
    contest = get_contest(app, contest_id)
    geo = app.geography()
    problems: list[dict[str, object]] = []
    parsed: list[tuple[int, Unit, TurnoutReport]] = []
    out_of_scope = False
    for k, (station, at_, issued) in enumerate(reports):
        try:
            unit = station_in_contest(geo, contest, station)
            require_write_scope(who, geo, unit.id)
            parsed.append((k, unit, TurnoutReport(ContestId(contest.id), StationId(unit.id),
                                                  _time_of_day(at_), issued)))
        except SaylauError as exc:
            out_of_scope = out_of_scope or isinstance(exc, Forbidden)
            problems.append({"index": k, "station": station, "message": exc.message,
                             **{k2: v for k2, v in exc.details.items() if k2 != "station"}})
    now: datetime = app.clock()
    return retry_lost_races(lambda: _store_turnout_batch(
        app, who, contest.id, len(reports), parsed, list(problems), out_of_scope, now),
        "station")


def _store_turnout_batch(
    app: Saylau, who: Principal, contest_id: str, size: int,
    parsed: list[tuple[int, Unit, TurnoutReport]], problems: list[dict[str, object]],
    out_of_scope: bool, now: datetime,
) -> tuple[int, int]:
    unchanged = 0
    election = get_contest(app, contest_id).election
    with app.write() as conn:
        # the log's turn before reading: seqs commit in order (store.log), checks see every
        # concurrent report
        turn = logs.sequence(conn, election)
        seen: dict[str, list[TurnoutReport]] = {}
        fresh: list[TurnoutReport] = []
        for k, unit, report in parsed:
            if unit.id not in seen:
                seen[unit.id] = report_store.station_turnout(conn, contest_id, unit.id)
            earlier = seen[unit.id]
            if any(e == report for e in earlier):
                unchanged += 1
                continue
            findings = check_turnout(report, unit.registered, earlier)
            if findings:
                problems.extend({"index": k, "station": unit.id, **f.as_dict()}
                                for f in findings)
                continue
            earlier.append(report)
            fresh.append(report)
        if problems:
            problems.sort(key=lambda p: int(str(p["index"])))
            if out_of_scope:  # writing for a station outside one's scope is refused as such
                raise Forbidden(
                    f"{who.role} {who.name!r} may not write for every station of the batch "
                    f"({len(problems)} problem(s)); nothing was stored",
                    code="out_of_scope", details={"rows": problems},
                )
            raise ValidationFailed(
                f"{len(problems)} problem(s) in a batch of {size:,} turnout reports; "
                "nothing was stored",
                code="turnout_batch_rejected", details={"rows": problems},
            )
        report_store.insert_turnouts(turn, fresh, [who.name] * len(fresh), now)
        logs.append_many(conn, election, [
            (RecordType.TURNOUT.value, leaf_bytes(_turnout_record(r, who.name, now)))
            for r in fresh])
        stored = len(fresh)
    return stored, unchanged
