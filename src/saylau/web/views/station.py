"""The page of a polling station: every protocol version with its checks run again, and the
day's turnout reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from saylau.domain.contests import Contest, ContestKind
from saylau.domain.errors import NotFound
from saylau.domain.geography import Unit
from saylau.domain.ids import StationId, UnitId
from saylau.domain.protocols import (
    PROTOCOL_CHECKS,
    AcceptedProtocol,
    Finding,
    ProtocolCheckContext,
)
from saylau.domain.tally import TurnoutPoint
from saylau.services import protocols as protocol_svc
from saylau.services import results as results_svc
from saylau.services.context import Saylau
from saylau.web.views.election import (
    ElectionInfo,
    path_of,
    record_version,
    results_max_age,
)


@dataclass(frozen=True)
class CheckRow:
    name: str
    """The check function's name (its label is translated on the page)."""
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class VersionView:
    protocol: AcceptedProtocol
    checks: tuple[CheckRow, ...]
    changed: tuple[str, ...]
    """Fields that differ from the previous version (corrections)."""


@dataclass(frozen=True)
class StationContest:
    contest: Contest
    versions: tuple[VersionView, ...]
    """Oldest first; the last is the current protocol."""
    turnout: tuple[TurnoutPoint, ...]

    @property
    def current(self) -> VersionView | None:
        return self.versions[-1] if self.versions else None


@dataclass(frozen=True)
class StationView:
    info: ElectionInfo
    unit: Unit
    path: tuple[Unit, ...]
    contests: tuple[StationContest, ...]
    version: str
    built: datetime


def contests_at(app: Saylau, info: ElectionInfo, station: StationId) -> list[Contest]:
    """The election's contests a station votes in (the list and its district, ...)."""
    geo = app.geography()
    return [c for c in info.contests
            if c.kind is not ContestKind.SENATE_SEAT and c.votes_at(geo, station)]


def check_rows(contest: Contest, p: AcceptedProtocol, list_size: int) -> tuple[CheckRow, ...]:
    """Every protocol check run again on an accepted version, with its findings. The check
    against the last turnout report takes the figure the stored warning names (the report
    itself is not part of the protocol)."""
    last: int | None = None
    for w in p.warnings:
        numbers = dict(w.numbers)
        if "last_turnout" in numbers:
            last = numbers["last_turnout"]
    ctx = ProtocolCheckContext(contest, p.station, list_size, last_turnout=last)
    return tuple(CheckRow(check.__name__, tuple(check(ctx, p.counts)))
                 for check in PROTOCOL_CHECKS)


def _changed(prev: AcceptedProtocol | None, p: AcceptedProtocol) -> tuple[str, ...]:
    if prev is None:
        return ()
    a, b = prev.counts.as_dict(), p.counts.as_dict()
    out = [k for k in a if k != "votes" and a[k] != b[k]]
    va, vb = dict(prev.counts.votes), dict(p.counts.votes)
    out.extend(f"votes.{o}" for o in sorted(set(va) | set(vb)) if va.get(o) != vb.get(o))
    return tuple(out)


def station_contest(app: Saylau, contest: Contest, unit: Unit,
                    history: Sequence[AcceptedProtocol] | None = None,
                    turnout: Sequence[TurnoutPoint] | None = None) -> StationContest:
    if history is None:
        history = protocol_svc.protocol_history(app, contest.id, unit.id)
    if turnout is None:
        turnout = results_svc.results(app, contest.id, unit.id, max_age=results_max_age(),
                                      with_decision=False).turnout
    versions: list[VersionView] = []
    prev: AcceptedProtocol | None = None
    for p in history:
        versions.append(VersionView(p, check_rows(contest, p, unit.registered),
                                    _changed(prev, p)))
        prev = p
    return StationContest(contest, tuple(versions), tuple(turnout))


def station_view(app: Saylau, info: ElectionInfo, station_id: str) -> StationView:
    geo = app.geography()
    unit = geo.unit(UnitId(station_id))
    if not unit.is_station:
        raise NotFound(f"{station_id!r} is not a polling station", details={"unit": station_id})
    contests = tuple(station_contest(app, c, unit)
                     for c in contests_at(app, info, StationId(unit.id)))
    return StationView(info, unit, path_of(geo, unit), contests, record_version(app, info),
                       app.clock())
