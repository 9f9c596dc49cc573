"""What a mission's printable page shows (issue 12): the mission, its accredited observers with
their badge numbers, where each is deployed (station by station), its coverage by unit, and
the comparison of observers' copies with the official protocols at the mission's stations.
The mission's own view (its head or the central commission): observers' names are shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from saylau.domain.access import Principal
from saylau.domain.contests import Contest
from saylau.domain.ids import UnitId
from saylau.domain.observation.comparison import Status as CompareStatus
from saylau.domain.observation.missions import Mission, Status
from saylau.services.context import Saylau
from saylau.services.observation import compare, deployment, missions
from saylau.web.views.election import ElectionInfo


@dataclass(frozen=True)
class Deployed:
    station: str
    names: Any
    """The station's names (kk/ru/en), or None for a station outside the geography."""
    badges: tuple[str, ...]


@dataclass(frozen=True)
class MissionComparison:
    contest: Contest
    summary: dict[str, int]
    """Stations of the mission per status; `not_compared`: neither side has arrived yet."""
    problems: list[dict[str, Any]]
    """The mission's stations whose copies and protocol do not match."""


@dataclass(frozen=True)
class MissionPrintView:
    info: ElectionInfo
    mission: Mission
    observers: list[missions.ObserverState]
    """Accredited observers, by badge."""
    others: dict[str, int]
    """Observers in another status (applied, refused, revoked): counts."""
    deployed: list[Deployed]
    coverage: list[dict[str, Any]]
    unit_names: dict[str, Any]
    comparisons: list[MissionComparison]


def mission_print_view(app: Saylau, who: Principal, info: ElectionInfo, code: str
                       ) -> MissionPrintView:
    e = info.election.id
    m = missions.get_mission(app, e, code)
    people = missions.observers(app, who, e, code)  # refuses another mission's head
    accredited = sorted((o for o in people if o.status is Status.ACCREDITED),
                        key=lambda o: o.badge)
    others: dict[str, int] = {}
    for o in people:
        if o.status is not Status.ACCREDITED:
            others[o.status.value] = others.get(o.status.value, 0) + 1
    by_station: dict[str, list[str]] = {}
    for o in accredited:
        for s in o.stations:
            by_station.setdefault(s, []).append(o.badge)
    geo = app.geography()
    deployed = [Deployed(s, geo.unit(UnitId(s)).name if s in geo else None,
                         tuple(sorted(b))) for s, b in sorted(by_station.items())]
    comparisons = []
    for c in info.contests:
        mine = {s for s in by_station if c.votes_at(geo, UnitId(s))}  # type: ignore[arg-type]
        if not mine:
            continue
        got = {x.station: x for x in compare.station_comparisons(app, c.id) if x.station in mine}
        summary = {s.value: 0 for s in CompareStatus}
        for x in got.values():
            summary[x.status.value] += 1
        summary["not_compared"] = len(mine) - len(got)
        problems = [x.as_dict() for s, x in sorted(got.items())
                    if x.status is not CompareStatus.MATCHES]
        comparisons.append(MissionComparison(c, summary, problems))
    return MissionPrintView(info, m, accredited, others, deployed,
                            deployment.coverage(app, e, code),
                            {u.id: u.name for u in geo.top_level()}, comparisons)
