"""Drawing the districts and polling stations of a synthetic Kazakhstan from a seed."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from typing import Any

from saylau.domain.errors import ValidationFailed, field_error
from saylau.domain.generator.data import (
    ABROAD_DISTRICT_ID,
    ABROAD_DISTRICT_NAMES,
    ABROAD_LIST_MAX,
    ABROAD_LIST_MEDIAN,
    ABROAD_LIST_MIN,
    ABROAD_LIST_SIGMA,
    CAPITAL_CODE,
    CITY_DISTRICTS,
    LIST_MAX,
    LIST_MEDIAN,
    LIST_MIN,
    LIST_SIGMA,
    POPULATION_THOUSANDS,
    ROOT_ID,
    ROOT_NAMES,
    kz_top_level_units,
    population_weights,
)
from saylau.domain.geography import Geography, Unit, UnitKind
from saylau.domain.ids import UnitId
from saylau.domain.names import Names


def generate_kazakhstan_units(
    data: Mapping[str, Any], *, stations: int = 10_000, seed: int = 2022, abroad: int = 70,
    as_of: str | None = None,
) -> list[Unit]:
    """The units of a synthetic Kazakhstan, parents before children (breadth-first, each
    parent's children together, in the order `Geography.build` keeps).

    `stations` is the exact total number of stations, `abroad` of them abroad; `as_of` (an
    ISO date) the day whose top-level units to use (None: today's 20). See the module
    docstring for how everything is drawn. Raises ValidationFailed when the counts cannot make
    a country (every top-level unit needs a station).
    """
    top = kz_top_level_units(data, as_of)
    _check_counts(top, stations, abroad)
    weight = population_weights(data, top)
    rng = random.Random(seed)
    codes = [u.id for u in top]

    domestic = _apportion(stations - abroad, [weight[c] for c in codes], 1)
    largest_region = max(
        (weight[u.id] for u in top if u.id not in CITY_DISTRICTS), default=1
    )
    per_unit_districts: list[list[int]] = []
    for u, n in zip(top, domestic, strict=True):
        wanted = CITY_DISTRICTS.get(u.id) or _region_districts(weight[u.id], largest_region)
        count = min(wanted, n)
        weights = [rng.randint(50, 150) for _ in range(count)]
        per_unit_districts.append(_apportion(n, weights, 1))

    widest = max([*domestic, abroad])
    s_width = max(4, len(str(widest)))
    d_width = max(2, len(str(max(len(d) for d in per_unit_districts))))

    root = Unit(id=ROOT_ID, parent=None, kind=UnitKind.COUNTRY, name=ROOT_NAMES)
    districts: list[Unit] = []
    plan: list[tuple[UnitId, range, bool]] = []  # (district, its station numbers, abroad)
    for u, sizes in zip(top, per_unit_districts, strict=True):
        if u.id == CAPITAL_CODE and abroad:  # first, as "ABROAD" sorts before "D01"
            districts.append(
                Unit(
                    id=ABROAD_DISTRICT_ID,
                    parent=u.id,
                    kind=UnitKind.DISTRICT,
                    name=ABROAD_DISTRICT_NAMES,
                )
            )
            plan.append((ABROAD_DISTRICT_ID, range(1, abroad + 1), True))
        first = 1  # station numbers run on through a top-level unit's districts
        for k, size in enumerate(sizes, start=1):
            did = UnitId(f"{u.id}-D{k:0{d_width}d}")
            districts.append(
                Unit(
                    id=did,
                    parent=u.id,
                    kind=UnitKind.DISTRICT,
                    name=Names(
                        kk=f"{u.name.kk}, {k}-аудан",
                        ru=f"{u.name.ru}, район № {k}",
                        en=f"{u.name.en}, district {k}",
                    ),
                )
            )
            plan.append((did, range(first, first + size), False))
            first += size

    out: list[Unit] = [root, *top, *districts]
    # Station names depend only on the number (and abroad), which repeats in every top-level
    # unit: share the frozen Names objects to keep a million stations in modest memory.
    named: tuple[dict[int, Names], dict[int, Names]] = ({}, {})
    home = (math.log(LIST_MEDIAN), LIST_SIGMA, LIST_MIN, LIST_MAX)
    away = (math.log(ABROAD_LIST_MEDIAN), ABROAD_LIST_SIGMA, ABROAD_LIST_MIN, ABROAD_LIST_MAX)
    gauss, exp = rng.gauss, math.exp
    station = UnitKind.STATION
    for did, numbers, is_abroad in plan:
        mu, sigma, low, high = away if is_abroad else home
        cache = named[is_abroad]
        for n in numbers:
            name = cache.get(n)
            if name is None:
                name = cache[n] = _station_names(n, is_abroad)
            size = round(exp(gauss(mu, sigma)))
            while not low <= size <= high:  # redraw: a truncated log-normal, no pile-up
                size = round(exp(gauss(mu, sigma)))
            out.append(
                Unit(
                    id=UnitId(f"{did}-S{n:0{s_width}d}"),
                    parent=did,
                    kind=station,
                    name=name,
                    registered=size,
                    abroad=is_abroad,
                )
            )
    return out


def generate_kazakhstan(
    data: Mapping[str, Any], *, stations: int = 10_000, seed: int = 2022, abroad: int = 70,
    as_of: str | None = None,
) -> Geography:
    """`generate_kazakhstan_units` built into a validated `Geography`."""
    return Geography.build(
        generate_kazakhstan_units(data, stations=stations, seed=seed, abroad=abroad,
                                  as_of=as_of)
    )


def _station_names(number: int, abroad: bool) -> Names:
    if abroad:
        return Names(
            kk=f"Шетелдегі № {number} сайлау учаскесі",
            ru=f"Избирательный участок № {number} за рубежом",
            en=f"Polling station No. {number} abroad",
        )
    return Names(
        kk=f"№ {number} сайлау учаскесі",
        ru=f"Избирательный участок № {number}",
        en=f"Polling station No. {number}",
    )


def _check_counts(top: Sequence[Unit], stations: int, abroad: int) -> None:
    findings: list[dict[str, Any]] = []
    missing = [u.id for u in top if u.id not in POPULATION_THOUSANDS]
    if missing:
        findings.append(
            field_error(
                "units",
                f"units with a population weight ({', '.join(POPULATION_THOUSANDS)})",
                missing,
                f"no population weight for {', '.join(missing)}",
            )
        )
    if CAPITAL_CODE not in {u.id for u in top}:
        findings.append(
            field_error(
                "units",
                f"the capital {CAPITAL_CODE} among the units",
                [u.id for u in top],
                f"the capital {CAPITAL_CODE} is missing, so stations abroad have no unit",
            )
        )
    if abroad < 0:
        findings.append(
            field_error("abroad", "an integer >= 0", abroad, f"abroad is {abroad}, below 0")
        )
    if stations - max(abroad, 0) < len(top):
        findings.append(
            field_error(
                "stations",
                f"at least {len(top)} stations in the country (one per top-level unit) "
                f"plus {max(abroad, 0)} abroad = {len(top) + max(abroad, 0)}",
                stations,
                f"{stations} stations cannot give each of the {len(top)} top-level units "
                f"one station and put {max(abroad, 0)} abroad",
            )
        )
    if findings:
        raise ValidationFailed(
            f"cannot generate this country: {len(findings)} problem(s)",
            code="generator_invalid",
            details={"findings": findings},
        )


def _region_districts(population: int, largest: int) -> int:
    """6 districts for the smallest region, up to 20 for the most populous (rounded half-up)."""
    return 6 + (2 * 14 * population + largest) // (2 * largest)


def _apportion(total: int, weights: Sequence[int], minimum: int) -> list[int]:
    """Share `total` among `weights` (positive integers): `minimum` each, then the rest by
    exact largest remainders; equal remainders go to the earlier weight."""
    base = total - minimum * len(weights)
    whole = sum(weights)
    shares = [minimum + base * w // whole for w in weights]
    left = total - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-(base * weights[i] % whole), i))
    for i in order[:left]:
        shares[i] += 1
    return shares
