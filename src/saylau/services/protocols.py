"""Submit, correct and read protocols (turnout reports: services.turnout)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError

from saylau.domain.access import Principal, require_write_scope
from saylau.domain.contests import Contest
from saylau.domain.errors import (
    NotFound,
    SaylauError,
    ValidationFailed,
)
from saylau.domain.geography import Geography, Unit
from saylau.domain.ids import ContestId, StationId, UnitId
from saylau.domain.protocols import (
    COUNT_FIELDS,
    AcceptedProtocol,
    Finding,
    NewVersion,
    ProtocolCheckContext,
    ProtocolCounts,
    SameAsCurrent,
    SlotTaken,
    SubmittedProtocol,
    accept,
    classify_submission,
    errors_of,
    rejected,
    run_checks,
)
from saylau.domain.record.envelope import (
    RecordType,
    Signature,
    format_timestamp,
    leaf_bytes,
    make_record,
    protocol_body,
)
from saylau.services import logs
from saylau.services.context import Saylau, store_busy
from saylau.services.elections import get_contest
from saylau.services.group_commit import Group, Outcome
from saylau.services.signatures import check_signature, signers
from saylau.store import protocols as report_store


class SubmissionStatus(StrEnum):
    ACCEPTED = "accepted"
    """Stored as a new version (the first, or a correction)."""
    UNCHANGED = "unchanged"
    """Identical to the current version: nothing new stored (idempotent)."""


@dataclass(frozen=True, slots=True)
class Submission:
    status: SubmissionStatus
    protocol: AcceptedProtocol
    findings: tuple[Finding, ...]


def station_in_contest(geo: Geography, contest: Contest, station: str) -> Unit:
    """The station, if it exists, is a station, and votes in the contest's area."""
    if station not in geo:
        raise NotFound(f"no polling station {station!r} in the geography",
                       code="station_unknown", details={"station": station})
    unit = geo.unit(UnitId(station))
    if not unit.is_station:
        raise ValidationFailed(
            f"{station!r} is a {unit.kind}, not a polling station",
            details={"field": "station", "expected": "a polling station", "actual": station},
        )
    if not contest.votes_at(geo, StationId(unit.id)):
        raise ValidationFailed(
            f"station {station!r} does not vote in contest {contest.id!r} (area {contest.area})",
            details={"field": "station", "expected": f"a station in {contest.area}",
                     "actual": station},
        )
    return unit


def submit_protocol(
    app: Saylau,
    who: Principal,
    contest_id: str,
    station: str,
    counts: ProtocolCounts,
    *,
    correction: bool = False,
    reason: str | None = None,
    signature: Signature | None = None,
    corrects: int | None = None,
) -> Submission:
    """Check and store a protocol. Errors reject it (recorded as a rejection, then raised as
    ValidationFailed with every finding); warnings accept and flag. The identical protocol
    again is idempotent; a different one is a Conflict unless sent as a correction with a
    reason, naming the version it `corrects`, which makes a new version; a correction of a
    version that is no longer the latest is a Conflict too. Both conflicts are kept among the
    rejections (nothing sent is lost). The version is appended to the election's log with
    the commission's signature over its record body (docs/record.md), which is checked
    before anything is stored."""
    contest = get_contest(app, contest_id)
    geo = app.geography()
    unit = station_in_contest(geo, contest, station)
    require_write_scope(who, geo, unit.id)
    submitted = SubmittedProtocol(ContestId(contest.id), StationId(unit.id), counts)
    job = _Job(who, contest, unit, submitted, correction, reason, signature, corrects)
    return _group(app, contest.election).submit(job)


@dataclass(frozen=True, slots=True)
class _Job:
    """One protocol submission waiting for its batch (services.group_commit)."""

    who: Principal
    contest: Contest
    unit: Unit
    submitted: SubmittedProtocol
    correction: bool
    reason: str | None
    signature: Signature | None
    corrects: int | None


def _group(app: Saylau, election: str) -> Group[_Job, Submission]:
    """The election's group of protocol writes in this process (one per election: one log)."""
    return election_group(app, f"protocol-writes:{election}",
                          lambda jobs: _write_batch(app, jobs))


def election_group(app: Saylau, key: str, write_batch: Callable[[Sequence[J]], list[Outcome[R]]]
                   ) -> Group[J, R]:
    """The process's group commit cached under `key` in `app`, made on first use: batches
    written by `write_batch`, and a job of a batch that failed as a whole written alone by
    `write_alone` with the same function."""
    group = app.caches.get(key)
    if not isinstance(group, Group):
        group = app.caches.setdefault(key, Group(
            write_batch=write_batch, write_alone=lambda job: write_alone(write_batch, job)))
    return group


J = TypeVar("J")
R = TypeVar("R")


def write_alone(write_batch: Callable[[Sequence[J]], list[Outcome[R]]], job: J) -> R:
    """One job (a protocol, a turnout report) in a transaction of its own, after its batch
    failed as a whole: its result, or its refusal raised. A lost race for a slot with another
    process (IntegrityError: a version or a (station, time) taken first) is checked again
    against what is now stored, up to three times."""
    for _attempt in range(3):
        try:
            (outcome,) = write_batch([job])
        except IntegrityError:
            continue
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome
    raise store_busy("station")


def _write_batch(app: Saylau, jobs: Sequence[_Job]) -> list[Outcome[Submission]]:
    """Check and store a batch of submissions of one election in one transaction: one turn of
    its log, one signed tree head, one COMMIT (services.group_commit). Each submission's outcome
    is its own: refused ones are kept among the rejections (nothing sent is lost) and their
    error is returned for their caller to raise once the batch is committed."""
    now = app.clock()
    election = jobs[0].contest.election
    outcomes: list[Outcome[Submission]] = []
    taken: list[tuple[_Job, AcceptedProtocol, dict[str, Any]]] = []
    with app.write() as conn:
        # what the checks read, for the whole batch at once: the current versions, the day's
        # last turnout and who must sign (a few queries, not a few per submission)
        latest: dict[tuple[str, str], AcceptedProtocol | None] = {}
        turnout: dict[tuple[str, str], int] = {}
        for contest in {job.contest.id for job in jobs}:
            stations = {job.unit.id for job in jobs if job.contest.id == contest}
            for station, p in report_store.current_protocols(conn, contest, stations).items():
                latest[(contest, station)] = p
            for station, n in report_store.last_turnouts(conn, contest, stations).items():
                turnout[(contest, station)] = n
        known = signers(conn, election, {job.unit.id for job in jobs if job.signature is None})
        for job in jobs:
            submitted, unit = job.submitted, job.unit
            slot = (job.contest.id, unit.id)
            try:
                ctx = ProtocolCheckContext(job.contest, submitted.station, unit.registered,
                                           last_turnout=turnout.get(slot))
                findings = run_checks(ctx, submitted.counts)
                if errors_of(findings):
                    # the record keeps what was refused
                    report_store.insert_rejection(conn, submitted, findings, job.who.name, now)
                    outcomes.append(rejected(submitted, findings))
                    continue
                outcome = classify_submission(submitted, latest.get(slot),
                                              correction=job.correction, corrects=job.corrects)
                if isinstance(outcome, SameAsCurrent):
                    outcomes.append(Submission(SubmissionStatus.UNCHANGED, outcome.current,
                                               findings))
                    continue
                assert isinstance(outcome, NewVersion)
                accepted = accept(submitted, findings, previous=outcome.previous,
                                  by=job.who.name, at=now, reason=job.reason)
                body = protocol_record_body(accepted)
                check_signature(conn, app.geography(), election, unit.id, RecordType.PROTOCOL,
                                body, job.signature, known=known)
            except SlotTaken as refused:
                # kept among the rejections, with why (nothing sent is lost)
                report_store.insert_rejection(conn, submitted, (refused.finding,),
                                              job.who.name, now)
                outcomes.append(refused)
                continue
            except SaylauError as refused:
                outcomes.append(refused)
                continue
            latest[slot] = accepted  # a second submission of the batch for it sees this one
            taken.append((job, accepted, body))
            outcomes.append(Submission(SubmissionStatus.ACCEPTED, accepted, findings))
        if taken:
            # the log's turn before the inserts: protocol rows get their seq in commit order,
            # so a results cache reading "seq > last seen" never misses one (store.log)
            turn = logs.sequence(conn, election)
            report_store.insert_protocols(turn, [accepted for _, accepted, _ in taken])
            at = format_timestamp(now)
            end = logs.append_many(conn, election, [
                (RecordType.PROTOCOL.value, leaf_bytes(make_record(
                    RecordType.PROTOCOL, body, recorded_at=at, recorded_by=job.who.name,
                    signature=job.signature)))
                for job, _, body in taken])
            first = end - len(taken)
            for k, (job, accepted, _) in enumerate(taken):
                if accepted.version > 1:
                    logs.log_action(conn, app, logs.Action.PROTOCOL_CORRECTED, job.who.name,
                                    election=election, contest=job.contest.id,
                                    station=job.unit.id, version=accepted.version,
                                    leaf=first + k, reason=job.reason)
    return outcomes


def protocol_record_body(p: AcceptedProtocol) -> dict[str, Any]:
    """The body of a protocol version's record: what the commission signs (docs/record.md)."""
    counts = {f: int(getattr(p.counts, f)) for f in COUNT_FIELDS}
    return protocol_body(contest=p.contest, station=p.station, version=p.version,
                         counts=counts, votes=dict(p.counts.votes), reason=p.reason)


def protocol_history(app: Saylau, contest_id: str, station: str) -> list[AcceptedProtocol]:
    """Every accepted version, oldest first, with who, when and why."""
    contest = get_contest(app, contest_id)
    station_in_contest(app.geography(), contest, station)
    with app.read() as conn:
        return report_store.protocol_history(conn, contest_id, station)


def protocol_rejections(app: Saylau, contest_id: str, station: str | None = None) -> list[dict[
        str, object]]:
    get_contest(app, contest_id)
    with app.read() as conn:
        return report_store.rejections(conn, contest_id, station)
