"""Deployment: a mission assigns its accredited observers to stations (one at a time, or from
a CSV file all at once: nothing is stored when any row is bad, and every bad row is named),
withdraws or reassigns them on the day, and sees its coverage by unit."""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

from saylau.domain.access import Principal
from saylau.domain.errors import ImportFailed, NotFound, SaylauError, ValidationFailed
from saylau.domain.geography import Geography
from saylau.domain.ids import UnitId
from saylau.domain.observation.missions import Deployment, Status, check_deployment
from saylau.domain.record.envelope import format_timestamp
from saylau.services.context import Saylau
from saylau.services.observation.identity import require_mission
from saylau.services.observation.missions import get_mission, observer_state, rules
from saylau.store import observation as obs_store

MAX_ROWS = 100_000


def _station(geo: Geography, station: str) -> None:
    if station not in geo or not geo.unit(UnitId(station)).is_station:
        raise NotFound(f"no station {station!r}", code="station_not_found",
                       details={"field": "station", "expected": "a polling station's id",
                                "actual": station})


def deploy(app: Saylau, who: Principal, election: str, badge: str, station: str) -> None:
    """Deploy `badge` to `station` (its mission's head or the admin)."""
    state = observer_state(app, election, badge)
    require_mission(who, election, state.mission)
    _station(app.geography(), station)
    r = rules(app, election)
    with app.write() as conn:
        status = obs_store.statuses(conn, election, badge)[badge][0]
        here = _at_station(conn, election, station)
        check_deployment(r, status, badge, station, state.mission, here)
        if station not in obs_store.deployments(conn, election, badge).get(badge, set()):
            obs_store.insert_deployment(conn, election, badge, station, obs_store.DEPLOY,
                                        who.name, format_timestamp(app.clock()))


def withdraw(app: Saylau, who: Principal, election: str, badge: str, station: str) -> None:
    state = observer_state(app, election, badge)
    require_mission(who, election, state.mission)
    if station not in state.stations:
        raise ValidationFailed(f"observer {badge} is not deployed to {station}",
                               code="not_deployed",
                               details={"field": "station", "expected": list(state.stations),
                                        "actual": station})
    with app.write() as conn:
        obs_store.insert_deployment(conn, election, badge, station, obs_store.WITHDRAW,
                                    who.name, format_timestamp(app.clock()))


def reassign(app: Saylau, who: Principal, election: str, badge: str, old: str, new: str
             ) -> None:
    """Move an observer from `old` to `new` (on the day)."""
    withdraw(app, who, election, badge, old)
    try:
        deploy(app, who, election, badge, new)
    except SaylauError:
        deploy(app, who, election, badge, old)  # put them back: a failed move moves nothing
        raise


def _at_station(conn: Any, election: str, station: str) -> list[Deployment]:
    observers = {o.badge: o.mission for o in obs_store.observers(conn, election)}
    return [Deployment(b, station, observers.get(b, "")) for b, stations in
            obs_store.deployments(conn, election).items() if station in stations]


def import_csv(app: Saylau, who: Principal, election: str, code: str, data: bytes) -> int:
    """Deploy from CSV (header `badge,station`): every row checked first; when any is bad,
    nothing is stored and ImportFailed lists every bad row with its line. Returns how many
    deployments were added (a row already in place is counted once, not stored again)."""
    require_mission(who, election, code)
    get_mission(app, election, code)
    geo = app.geography()
    r = rules(app, election)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed("the file is not UTF-8 text", rows=[{
            "line": 1, "field": "file", "expected": "UTF-8", "actual": str(exc)}]) from None
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or not {"badge", "station"} <= set(reader.fieldnames):
        raise ImportFailed("the header must name the columns badge and station", rows=[{
            "line": 1, "field": "header", "expected": "badge,station",
            "actual": ",".join(reader.fieldnames or [])}])
    rows: list[tuple[int, str, str]] = []
    bad: list[dict[str, Any]] = []
    for n, row in enumerate(reader, start=2):
        if n - 1 > MAX_ROWS:
            bad.append({"line": n, "field": "file", "expected": f"at most {MAX_ROWS:,} rows",
                        "actual": "more"})
            break
        rows.append((n, (row.get("badge") or "").strip(), (row.get("station") or "").strip()))
    with app.write() as conn:
        observers = {o.badge: o for o in obs_store.observers(conn, election)}
        st = obs_store.statuses(conn, election)
        dep = obs_store.deployments(conn, election)
        count: Counter[str] = Counter()
        for b, stations in dep.items():
            if observers.get(b) is not None and observers[b].mission == code:
                for s in stations:
                    count[s] += 1
        new: list[tuple[str, str]] = []
        seen: set[tuple[str, str]] = set()
        for line, badge, station in rows:
            problem = _row_problem(geo, observers, st, code, badge, station)
            if problem is None and (badge, station) in seen:
                problem = ("badge", "each badge and station once", "repeated in the file")
            if problem is None and station not in dep.get(badge, set()):
                if count[station] >= r.per_station:
                    problem = ("station", f"at most {r.per_station} observer(s) of {code} "
                               "per station (observation.per_station)",
                               f"{count[station] + 1}")
                else:
                    count[station] += 1
                    new.append((badge, station))
            seen.add((badge, station))
            if problem is not None:
                f, expected, actual = problem
                bad.append({"line": line, "badge": badge, "station": station, "field": f,
                            "expected": expected, "actual": actual,
                            "message": f"{badge or '(no badge)'} at "
                                       f"{station or '(no station)'} cannot be deployed"})
        if bad:
            raise ImportFailed(f"{len(bad)} bad row(s); nothing was imported", rows=bad)
        now = format_timestamp(app.clock())
        for badge, station in new:
            obs_store.insert_deployment(conn, election, badge, station, obs_store.DEPLOY,
                                        who.name, now)
    return len(new)


def _row_problem(geo: Geography, observers: dict[str, Any], st: dict[str, Any], code: str,
                 badge: str, station: str) -> tuple[str, str, str] | None:
    o = observers.get(badge)
    if o is None:
        return ("badge", f"a badge of mission {code}", badge or "empty")
    if o.mission != code:
        return ("badge", f"a badge of mission {code}", f"{badge} of mission {o.mission}")
    if st[badge][0] is not Status.ACCREDITED:
        return ("badge", "an accredited observer", str(st[badge][0]))
    if station not in geo or not geo.unit(UnitId(station)).is_station:
        return ("station", "a polling station's id", station or "empty")
    return None


def coverage(app: Saylau, election: str, mission: str | None = None
             ) -> list[dict[str, Any]]:
    """Per top-level unit: stations, stations with at least one observer deployed, observers
    deployed (of one mission, or all)."""
    geo = app.geography()
    with app.read() as conn:
        observers = {o.badge: o.mission for o in obs_store.observers(conn, election)}
        dep = obs_store.deployments(conn, election)
    covered: Counter[str] = Counter()
    for b, deployed_to in dep.items():
        if mission is not None and observers.get(b) != mission:
            continue
        for s in deployed_to:
            covered[s] += 1
    stations: Counter[str] = Counter()
    with_obs: Counter[str] = Counter()
    deployed: Counter[str] = Counter()
    for u in geo.stations():
        top = geo.top_level_of(u.id)
        key = top.id if top is not None else u.id
        stations[key] += 1
        if covered[u.id]:
            with_obs[key] += 1
            deployed[key] += covered[u.id]
    return [{"unit": top.id, "name": top.name.as_dict(), "stations": stations[top.id],
             "covered": with_obs[top.id], "observers": deployed[top.id]}
            for top in geo.top_level()]
