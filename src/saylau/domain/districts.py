"""Electoral districts: sets of polling stations that elect one deputy each (kz-2022: 29).

A district is made of stations, never crosses a top-level unit, and every top-level unit has at
least one (docs/law.md §5.8; Constitutional Law on Elections Art. 9). Every station of
the country, abroad included (abroad belongs to the capital), lies in exactly one district.
Districts are not administrative units: they are an overlay on the geography, so they are
their own value here rather than nodes of the tree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from saylau.domain.errors import ValidationFailed
from saylau.domain.geography import Geography
from saylau.domain.ids import StationId, UnitId
from saylau.domain.names import Names


@dataclass(frozen=True, slots=True)
class ElectoralDistrict:
    id: str
    number: int
    name: Names
    unit: UnitId
    """The top-level unit the district lies in."""
    stations: frozenset[StationId]


def district_problems(geo: Geography, districts: Sequence[ElectoralDistrict]) -> list[dict[
        str, object]]:
    """Every problem of a set of districts against the geography, all at once."""
    problems: list[dict[str, object]] = []
    owner: dict[StationId, str] = {}
    ids: set[str] = set()
    numbers: set[int] = set()
    for d in districts:
        if d.id in ids:
            problems.append({"district": d.id, "field": "id", "expected": "unique",
                             "actual": d.id, "message": f"district {d.id} appears twice"})
        ids.add(d.id)
        if d.number in numbers:
            problems.append({"district": d.id, "field": "number", "expected": "unique",
                             "actual": d.number, "message": f"number {d.number} used twice"})
        numbers.add(d.number)
        if d.unit not in geo or geo.top_level_of(d.unit) != geo.unit(d.unit):
            problems.append({"district": d.id, "field": "unit", "expected": "a top-level unit",
                             "actual": d.unit, "message": f"{d.unit!r} is not a top-level unit"})
            continue
        if not d.stations:
            problems.append({"district": d.id, "field": "stations", "expected": "at least one",
                             "actual": 0, "message": f"district {d.id} has no stations"})
        for s in sorted(d.stations):
            if s not in geo or not geo.unit(s).is_station:
                problems.append({"district": d.id, "field": "stations", "expected": "a station",
                                 "actual": s, "message": f"{s!r} is not a polling station"})
                continue
            top = geo.top_level_of(s)
            if top is None or top.id != d.unit:
                problems.append({
                    "district": d.id, "field": "stations", "expected": f"a station in {d.unit}",
                    "actual": s, "message": f"district {d.id} would cross a top-level unit: "
                    f"station {s} lies in {top.id if top else None}, the district in {d.unit}"})
            if s in owner:
                problems.append({"district": d.id, "field": "stations", "expected":
                                 "each station in one district", "actual": s,
                                 "message": f"station {s} is in {owner[s]} and {d.id}"})
            owner[s] = d.id
    covered = {d.unit for d in districts}
    for u in geo.top_level():
        if u.id not in covered:
            problems.append({"district": None, "field": "unit", "expected": "at least one "
                             "district", "actual": u.id,
                             "message": f"top-level unit {u.id} has no district"})
    missing = [s for s in geo.station_ids() if s not in owner]
    if missing:
        problems.append({"district": None, "field": "stations", "expected": "every station in a "
                         "district", "actual": len(missing), "message": f"{len(missing)} "
                         f"station(s) lie in no district, e.g. {missing[0]}"})
    return problems


def validate_districts(geo: Geography, districts: Sequence[ElectoralDistrict]) -> None:
    problems = district_problems(geo, districts)
    if problems:
        raise ValidationFailed(
            f"the electoral districts have {len(problems)} problem(s)",
            code="districts_invalid", details={"rows": problems},
        )


def draw_districts(geo: Geography, count: int = 29) -> tuple[ElectoralDistrict, ...]:
    """Districts for a synthetic election: one per top-level unit, the rest shared out by
    voters with the largest remainders (ties to the unit listed first); each unit's stations,
    in geography order, cut into runs of about equal voters. Deterministic."""
    tops = list(geo.top_level())
    if count < len(tops):
        raise ValidationFailed(
            f"{count} districts cannot give each of the {len(tops)} top-level units one",
            details={"field": "count", "expected": f">= {len(tops)}", "actual": count},
        )
    stations = {u.id: geo.descendant_stations(u.id) for u in tops}
    voters = {u.id: sum(s.registered for s in stations[u.id]) for u in tops}
    total = sum(voters.values()) or 1
    extra = count - len(tops)
    quotas = {u.id: Fraction(voters[u.id] * extra, total) for u in tops}
    seats = {u.id: 1 + int(quotas[u.id]) for u in tops}
    left = count - sum(seats.values())
    order = sorted(tops, key=lambda u: -(quotas[u.id] - int(quotas[u.id])))
    for u in order[:left]:
        seats[u.id] += 1
    out: list[ElectoralDistrict] = []
    number = 0
    for u in tops:
        ss = stations[u.id]
        k = min(seats[u.id], max(1, len(ss)))
        target = Fraction(voters[u.id], k)
        runs: list[list[StationId]] = [[] for _ in range(k)]
        acc = 0
        for s in ss:
            j = min(k - 1, int(Fraction(acc) / target)) if target else 0
            runs[j].append(StationId(s.id))
            acc += s.registered
        for run in runs:
            if not run:
                continue
            number += 1
            out.append(ElectoralDistrict(
                id=f"SMD-{number:02d}", number=number,
                name=Names(kk=f"№{number} сайлау округі", ru=f"Избирательный округ №{number}",
                           en=f"Electoral district No. {number}"),
                unit=u.id, stations=frozenset(run)))
    return tuple(out)
