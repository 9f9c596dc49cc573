"""A realistic synthetic Kazakhstan: the real top-level units, made-up districts and stations.

For demonstrations, load tests and benchmarks: the top-level units (ids = ISO 3166-2 codes,
names in kk, ru, en) come from the shipped `data/kz_units.json` (passed in already parsed:
reading the file belongs to the shell, see `saylau.data.load_kz_units`); everything below
them is invented:

- the root is ``KZ`` (kind ``country``), its children the top-level units in file order: the
  20 in force since 8 June 2022, or, with ``as_of`` an earlier date (e.g. ``2022-06-05``, the
  day of the constitutional referendum), the 17 of that day: Abai, Jetisu and Ulytau (each
  unit's ``exists_since``) are then still part of East Kazakhstan, Almaty Region and Karaganda
  (the file's ``carved_2022``), whose population weights include theirs;
- each unit's stations are its share of ``stations - abroad`` by `POPULATION_THOUSANDS`
  (exact largest-remainder apportionment, at least one station per unit);
- districts: the three cities get their real number of city districts (`CITY_DISTRICTS`),
  regions 6 to 20 districts growing with population (`_region_districts`); never more
  districts than stations; stations are shared among a unit's districts by random weights;
- ids sort in tree order (the units come parents first, and each level in id order):
  districts ``KZ-71-D03``, stations ``KZ-71-D03-S0042``, where the station number is unique
  within its top-level unit and zero-padded to a common width (4 digits, more when a unit
  has 10,000 stations or more);
- voter lists are log-normal, truncated by redrawing (median 1,000, sigma 0.6, within
  40..3,500: mean about 1,140 and 98% of lists between 250 and 3,150; in 2022 11,734,642
  voters were on the lists of about 10,100 stations, 1,160 each);
- ``abroad`` stations (65-74 in recent votes, docs/law.md §13.3) sit in the district
  ``KZ-71-ABROAD`` (the capital's first district; numbered ``KZ-71-ABROAD-S0001`` on) under
  the capital (docs/law.md §3.7), with smaller lists
  (median 250, sigma 0.8, within 10..3,000) and ``abroad=True``.

Everything random comes from one ``random.Random(seed)``, consumed in a fixed order: the
same arguments give the same units (and the same CSV bytes) on the same Python and platform
(log-normal draws use the platform's libm, which could in principle differ in the last bit
between platforms).
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from saylau.domain.errors import ValidationFailed, field_error
from saylau.domain.geography import TOP_LEVEL_KINDS, Geography, Unit, UnitKind
from saylau.domain.ids import UnitId
from saylau.domain.names import Names

ROOT_ID = UnitId("KZ")
ROOT_NAMES = Names(
    kk="Қазақстан Республикасы", ru="Республика Казахстан", en="Republic of Kazakhstan"
)
CAPITAL_CODE = "KZ-71"
"""Astana: stations abroad belong to the capital's unit (docs/law.md §3.7)."""
ABROAD_DISTRICT_ID = UnitId(f"{CAPITAL_CODE}-ABROAD")
ABROAD_DISTRICT_NAMES = Names(
    kk="Шетелдегі сайлау учаскелері",
    ru="Избирательные участки за рубежом",
    en="Polling stations abroad",
)

POPULATION_THOUSANDS: Mapping[str, int] = MappingProxyType(
    {
        "KZ-10": 608,  # Abai
        "KZ-11": 786,  # Akmola
        "KZ-15": 920,  # Aktobe
        "KZ-19": 1_500,  # Almaty Region (without Jetisu)
        "KZ-23": 690,  # Atyrau
        "KZ-27": 688,  # West Kazakhstan
        "KZ-31": 1_212,  # Zhambyl
        "KZ-33": 697,  # Jetisu
        "KZ-35": 1_130,  # Karaganda (without Ulytau)
        "KZ-39": 832,  # Kostanay
        "KZ-43": 825,  # Kyzylorda
        "KZ-47": 760,  # Mangystau
        "KZ-55": 752,  # Pavlodar
        "KZ-59": 535,  # North Kazakhstan
        "KZ-61": 2_110,  # Turkistan
        "KZ-62": 221,  # Ulytau
        "KZ-63": 727,  # East Kazakhstan (without Abai)
        "KZ-71": 1_354,  # Astana
        "KZ-75": 2_161,  # Almaty city
        "KZ-79": 1_180,  # Shymkent
    }
)
"""Residents in thousands, approximate, at the end of 2022 (the first year with 20 units):
rounded from the Bureau of National Statistics' published estimates (1 January 2023, about
19.8 million in all). Used only as weights for sharing stations among units."""

CITY_DISTRICTS: Mapping[str, int] = MappingProxyType({"KZ-71": 5, "KZ-75": 8, "KZ-79": 5})
"""City districts (audan) of the three cities of republican significance in 2022."""

LIST_MEDIAN = 1_000
LIST_SIGMA = 0.6
LIST_MIN, LIST_MAX = 40, 3_500
ABROAD_LIST_MEDIAN = 250
ABROAD_LIST_SIGMA = 0.8
ABROAD_LIST_MIN, ABROAD_LIST_MAX = 10, 3_000


def kz_top_level_units(data: Mapping[str, Any], as_of: str | None = None
                       ) -> tuple[Unit, ...]:
    """The top-level units of the parsed `kz_units.json`, as children of ``KZ``: those that
    exist on `as_of` (an ISO date; None: today's units), i.e. whose ``exists_since`` is not
    later.

    Each unit's id and code are its ISO 3166-2 code, its kind ``region`` or ``city``.
    Raises ValidationFailed listing every malformed entry.
    """
    if as_of is not None and not _ISO_DATE.fullmatch(as_of):
        raise ValidationFailed(
            f"not a date: {as_of!r}", code="generator_invalid",
            details={"findings": [field_error("as_of", "a date YYYY-MM-DD, e.g. 2022-06-05",
                                              as_of, "the day whose units to use")]})
    entries = data.get("units")
    if not isinstance(entries, list) or not entries:
        raise ValidationFailed(
            "the units file has no list of units",
            code="units_file_invalid",
            details={"findings": [field_error("units", "a non-empty list", entries, "")]},
        )
    findings: list[dict[str, Any]] = []
    out: list[Unit] = []
    for k, entry in enumerate(entries):
        where = f"units[{k}]"
        if not isinstance(entry, Mapping):
            findings.append(field_error(where, "an object", entry, f"{where} is not an object"))
            continue
        code = entry.get("iso3166_2")
        kind = entry.get("kind")
        name = entry.get("name")
        names = _names_of(name)
        if not isinstance(code, str) or not code.startswith("KZ-"):
            findings.append(
                field_error(
                    f"{where}.iso3166_2",
                    "an ISO 3166-2 code like 'KZ-71'",
                    code,
                    f"{where} has no ISO 3166-2 code",
                )
            )
        if kind not in _TOP_LEVEL_KIND_NAMES:
            findings.append(
                field_error(f"{where}.kind", "region or city", kind, f"{where} has kind {kind!r}")
            )
        if names is None:
            findings.append(
                field_error(
                    f"{where}.name",
                    "names in kk, ru and en",
                    name,
                    f"{where} lacks a name in kk, ru or en",
                )
            )
        since = entry.get("exists_since")
        if since is not None and not (isinstance(since, str) and _ISO_DATE.fullmatch(since)):
            findings.append(field_error(f"{where}.exists_since", "a date YYYY-MM-DD or null",
                                        since, f"{where} has exists_since {since!r}"))
            continue
        if as_of is not None and since is not None and since > as_of:
            continue  # created after that day: its territory was still its parent's
        if isinstance(code, str) and kind in _TOP_LEVEL_KIND_NAMES and names is not None:
            out.append(
                Unit(
                    id=UnitId(code),
                    parent=ROOT_ID,
                    kind=UnitKind(str(kind)),
                    name=names,
                    code=code,
                )
            )
    if findings:
        raise ValidationFailed(
            f"the units file has {len(findings)} problem(s)",
            code="units_file_invalid",
            details={"findings": findings},
        )
    return tuple(out)


_TOP_LEVEL_KIND_NAMES = frozenset(kind.value for kind in TOP_LEVEL_KINDS)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def carved_units(data: Mapping[str, Any]) -> dict[str, str]:
    """{ISO code of a unit created in 2022: ISO code of the unit it was carved from}, from the
    file's ``carved_2022.new_unit_from_parent`` (given by the units' keys)."""
    carved = data.get("carved_2022")
    pairs = carved.get("new_unit_from_parent") if isinstance(carved, Mapping) else None
    if not isinstance(pairs, Mapping):
        return {}
    codes = {e.get("key"): e.get("iso3166_2") for e in data.get("units") or ()
             if isinstance(e, Mapping)}
    return {str(codes[new]): str(codes[old]) for new, old in pairs.items()
            if codes.get(new) and codes.get(old)}


def population_weights(data: Mapping[str, Any], top: Sequence[Unit]) -> dict[str, int]:
    """Each top-level unit's weight (`POPULATION_THOUSANDS`), with the weights of the units
    later carved out of it added when they are not among `top` (the 17 units of 5 June 2022)."""
    present = {str(u.id) for u in top}
    weights = {str(u.id): POPULATION_THOUSANDS[u.id] for u in top
               if u.id in POPULATION_THOUSANDS}
    for new, parent in carved_units(data).items():
        if new not in present and parent in weights and new in POPULATION_THOUSANDS:
            weights[parent] += POPULATION_THOUSANDS[new]
    return weights


def _names_of(value: object) -> Names | None:
    """Names from a JSON object with non-empty strings under kk, ru and en, else None."""
    if not isinstance(value, Mapping):
        return None
    kk, ru, en = value.get("kk"), value.get("ru"), value.get("en")
    if not (isinstance(kk, str) and isinstance(ru, str) and isinstance(en, str)):
        return None
    if not (kk and ru and en):
        return None
    return Names(kk=kk, ru=ru, en=en)


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
