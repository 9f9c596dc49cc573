"""Turnout reports: ballots issued so far at a time of day, per station (docs/law.md §3.3).

The CEC reports turnout at fixed times (10:00, 12:00, ..., 22:00 capital time). A station's
snapshots never decrease during the day and never exceed its list; both are errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time

from saylau.domain.errors import ValidationFailed
from saylau.domain.ids import ActorId, ContestId, StationId
from saylau.domain.protocols import MAX_COUNT, Finding, Severity

CEC_REPORT_TIMES: tuple[time, ...] = tuple(time(h) for h in (10, 12, 14, 16, 18, 20, 22))


@dataclass(frozen=True, slots=True)
class TurnoutReport:
    contest: ContestId
    station: StationId
    at: time
    """Time of day (capital time, UTC+5 since 1 March 2024)."""
    ballots_issued: int


@dataclass(frozen=True, slots=True)
class AcceptedTurnoutReport:
    report: TurnoutReport
    submitted_by: ActorId


def check_turnout(
    report: TurnoutReport, list_size: int, earlier: Iterable[TurnoutReport]
) -> tuple[Finding, ...]:
    """Every finding of a turnout report against the list and the station's other reports."""
    out: list[Finding] = []
    n = report.ballots_issued
    if n < 0:
        out.append(Finding("count.negative", Severity.ERROR, "ballots_issued",
                           f"ballots_issued is {n}; counts cannot be negative",
                           (("ballots_issued", n),), "0 or more", f"{n:,}"))
    elif n > MAX_COUNT:
        out.append(Finding("count.too_large", Severity.ERROR, "ballots_issued",
                           f"ballots_issued is {n:,}; above {MAX_COUNT:,}",
                           (("ballots_issued", n),), f"at most {MAX_COUNT:,}", f"{n:,}"))
    if n > list_size:
        out.append(Finding(
            "turnout.exceed_registered", Severity.ERROR, "ballots_issued",
            f"{n:,} ballots issued by {report.at:%H:%M}, but only {list_size:,} voters are on "
            f"the list of station {report.station}",
            (("ballots_issued", n), ("registered", list_size)),
            f"at most {list_size:,} (the voters on the list)", f"{n:,}",
        ))
    earlier = tuple(earlier)
    for e in earlier:
        if e.at == report.at and e.ballots_issued != n:
            out.append(Finding(
                "turnout.conflict", Severity.ERROR, "ballots_issued",
                f"station {report.station} already reported {e.ballots_issued:,} at "
                f"{e.at:%H:%M}; a report for that time cannot change",
                (("ballots_issued", n), ("reported", e.ballots_issued)),
                f"{e.ballots_issued:,} (already reported for {e.at:%H:%M})", f"{n:,}",
            ))
    before = [e for e in earlier if e.at < report.at]
    after = [e for e in earlier if e.at > report.at]
    if before:
        last = max(before, key=lambda e: e.at)
        if last.ballots_issued > n:
            out.append(Finding(
                "turnout.decreased", Severity.ERROR, "ballots_issued",
                f"{n:,} ballots issued by {report.at:%H:%M} is fewer than the "
                f"{last.ballots_issued:,} already reported by {last.at:%H:%M}: turnout cannot "
                "go down",
                (("ballots_issued", n), ("earlier", last.ballots_issued)),
                f"at least {last.ballots_issued:,} (reported by {last.at:%H:%M})", f"{n:,}",
            ))
    if after:
        first = min(after, key=lambda e: e.at)
        if first.ballots_issued < n:
            out.append(Finding(
                "turnout.decreased", Severity.ERROR, "ballots_issued",
                f"{n:,} ballots issued by {report.at:%H:%M} is more than the "
                f"{first.ballots_issued:,} already reported for the later time {first.at:%H:%M}",
                (("ballots_issued", n), ("later", first.ballots_issued)),
                f"at most {first.ballots_issued:,} (reported for {first.at:%H:%M})", f"{n:,}",
            ))
    return tuple(out)


def turnout_rejected(report: TurnoutReport, findings: tuple[Finding, ...]) -> ValidationFailed:
    return ValidationFailed(
        f"turnout report of station {report.station} at {report.at:%H:%M} rejected: "
        + "; ".join(f.message for f in findings),
        code="turnout_rejected",
        details={"station": report.station, "findings": [f.as_dict() for f in findings]},
    )
