"""Kazakhstan's top-level units, their populations and the shape of its voter lists (the
figures the synthetic country is drawn from, with their sources in saylau/data/MAPS.md)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from saylau.domain.errors import ValidationFailed, field_error
from saylau.domain.geography import TOP_LEVEL_KINDS, Unit, UnitKind
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
