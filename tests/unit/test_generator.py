"""The synthetic Kazakhstan: the real top-level units (the 20 of today, or the 17 of 5 June
2022), exact station counts, realistic lists."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from typing import Any

import pytest

from saylau.data import load_kz_units
from saylau.domain.errors import ValidationFailed
from saylau.domain.generator import (
    ABROAD_DISTRICT_ID,
    CITY_DISTRICTS,
    POPULATION_THOUSANDS,
    ROOT_ID,
    generate_kazakhstan,
    generate_kazakhstan_units,
    kz_top_level_units,
    population_weights,
)
from saylau.domain.geography import Geography, Unit, UnitKind
from saylau.domain.geography_csv import geography_to_csv, units_to_csv
from saylau.domain.ids import UnitId


@cache
def kz() -> dict[str, Any]:
    return load_kz_units()


@cache
def default_country() -> Geography:
    return generate_kazakhstan(kz())


def test_the_shipped_file_has_the_20_top_level_units() -> None:
    top = kz_top_level_units(kz())
    assert len(top) == 20
    assert len({u.id for u in top}) == 20
    assert all(u.parent == ROOT_ID and u.code == u.id for u in top)
    assert all(re.fullmatch(r"KZ-\d\d", u.id) for u in top)
    assert {u.id for u in top if u.kind is UnitKind.CITY} == {"KZ-71", "KZ-75", "KZ-79"}
    assert {u.id for u in top} == set(POPULATION_THOUSANDS)
    astana = next(u for u in top if u.id == "KZ-71")
    assert (astana.name.kk, astana.name.ru, astana.name.en) == (
        "Астана қаласы",
        "город Астана",
        "Astana city",
    )


def test_population_weights_are_plausible_2022_shares() -> None:
    total = sum(POPULATION_THOUSANDS.values())
    assert 19_000 < total < 20_500  # about 19.8 million at the start of 2023
    biggest = sorted(POPULATION_THOUSANDS, key=POPULATION_THOUSANDS.__getitem__)
    assert set(biggest[-2:]) == {"KZ-61", "KZ-75"}  # Turkistan and Almaty city
    assert biggest[0] == "KZ-62"  # Ulytau


def test_default_country_shape() -> None:
    geo = default_country()
    root = geo.root
    assert (root.id, root.kind, root.parent) == ("KZ", UnitKind.COUNTRY, None)
    assert (root.name.kk, root.name.ru, root.name.en) == (
        "Қазақстан Республикасы",
        "Республика Казахстан",
        "Republic of Kazakhstan",
    )
    assert [u.id for u in geo.top_level()] == [u.id for u in kz_top_level_units(kz())]
    stations = list(geo.stations())
    assert len(stations) == 10_000
    assert sum(u.abroad for u in stations) == 70
    total = sum(u.registered for u in stations)
    assert 10_500_000 <= total <= 12_500_000  # 11.7 million on the lists in 2022
    assert all(40 <= u.registered <= 3_500 for u in stations if not u.abroad)
    assert all(10 <= u.registered <= 3_000 for u in stations if u.abroad)
    home = [u.registered for u in stations if not u.abroad]
    assert 1_050 <= total / len(stations) <= 1_250
    assert sum(300 <= n <= 3_000 for n in home) / len(home) > 0.95
    assert len(set(home)) > 1_500  # spread out, not a handful of values


def test_stations_are_shared_by_population() -> None:
    geo = default_country()
    per_unit = Counter(geo.top_level_of(u.id).id for u in geo.stations())  # type: ignore[union-attr]
    per_unit[UnitId("KZ-71")] -= 70  # abroad
    domestic = 10_000 - 70
    total = sum(POPULATION_THOUSANDS.values())
    for code, weight in POPULATION_THOUSANDS.items():
        assert abs(per_unit[UnitId(code)] - domestic * weight / total) < 1.5, code
    assert per_unit[UnitId("KZ-61")] > 5 * per_unit[UnitId("KZ-62")]


def test_districts_per_top_level_unit() -> None:
    geo = default_country()
    for top in geo.top_level():
        districts = [geo.unit(c) for c in geo.children[top.id]]
        assert all(d.kind is UnitKind.DISTRICT for d in districts)
        normal = [d for d in districts if d.id != ABROAD_DISTRICT_ID]
        if top.id in CITY_DISTRICTS:
            assert len(normal) == CITY_DISTRICTS[top.id]
        else:
            assert 6 <= len(normal) <= 20
        for d in districts:
            assert d.id.startswith(f"{top.id}-")
            kids = [geo.unit(c) for c in geo.children[d.id]]
            assert kids
            assert all(k.is_station for k in kids)


def test_abroad_stations_are_under_the_capital_in_their_own_district() -> None:
    geo = default_country()
    abroad = [u for u in geo.stations() if u.abroad]
    assert {u.parent for u in abroad} == {ABROAD_DISTRICT_ID}
    assert geo.unit(ABROAD_DISTRICT_ID).parent == "KZ-71"
    assert set(geo.children[ABROAD_DISTRICT_ID]) == {u.id for u in abroad}
    assert sum(u.registered for u in abroad) < sum(u.registered for u in geo.stations()) / 100


def test_ids_are_unique_sortable_and_name_their_place() -> None:
    geo = default_country()
    district_id = re.compile(r"KZ-\d\d-(D\d\d|ABROAD)")
    station_id = re.compile(r"(KZ-\d\d-(?:D\d\d|ABROAD))-S(\d{4})")
    numbers: dict[str, set[str]] = {}
    for u in geo.units:
        if u.kind is UnitKind.DISTRICT:
            assert district_id.fullmatch(u.id)
        if u.is_station:
            m = station_id.fullmatch(u.id)
            assert m
            assert m.group(1) == u.parent
            assert u.name.en.startswith(f"Polling station No. {int(m.group(2))}")
            key = "abroad" if u.abroad else u.id[:5]
            assert m.group(2) not in numbers.setdefault(key, set())  # unique in its unit
            numbers[key].add(m.group(2))
    stations = [u.id for u in geo.stations()]
    assert stations == sorted(stations)  # tree order is id order


def test_station_numbers_widen_past_9999_in_a_unit() -> None:
    units = generate_kazakhstan_units(kz(), stations=120_000, abroad=3)
    last = units[-1]
    assert re.fullmatch(r"KZ-79-D\d\d-S\d{5}", last.id)
    assert sum(u.is_station for u in units) == 120_000


def test_same_seed_same_country_other_seed_other_country() -> None:
    a = units_to_csv(generate_kazakhstan_units(kz(), stations=3_000, seed=7))
    b = units_to_csv(generate_kazakhstan_units(kz(), stations=3_000, seed=7))
    c = units_to_csv(generate_kazakhstan_units(kz(), stations=3_000, seed=8))
    assert a.encode() == b.encode()
    assert a != c


def test_units_come_in_the_order_geography_keeps() -> None:
    units = generate_kazakhstan_units(kz(), stations=1_000, abroad=5)
    geo = Geography.build(units)
    assert geo.units == tuple(units)
    assert units_to_csv(units) == geography_to_csv(geo)


def test_smallest_country_has_one_station_per_unit() -> None:
    geo = generate_kazakhstan(kz(), stations=20, abroad=0)
    assert len(list(geo.stations())) == 20
    assert ABROAD_DISTRICT_ID not in geo
    for top in geo.top_level():
        assert len(geo.descendant_stations(top.id)) == 1


@pytest.mark.parametrize(
    ("stations", "abroad", "field"),
    [(89, 70, "stations"), (19, 0, "stations"), (100, -1, "abroad")],
)
def test_impossible_counts_are_refused(stations: int, abroad: int, field: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        generate_kazakhstan_units(kz(), stations=stations, abroad=abroad)
    findings = err.value.details["findings"]
    assert [f["field"] for f in findings] == [field]
    assert findings[0]["actual"] == (stations if field == "stations" else abroad)


def test_a_malformed_units_file_is_refused_listing_every_entry() -> None:
    data = {
        "units": [
            {"iso3166_2": "KZ-71", "kind": "city", "name": {"kk": "А", "ru": "А", "en": "A"}},
            {"iso3166_2": "71", "kind": "city", "name": {"kk": "А", "ru": "А", "en": "A"}},
            {"iso3166_2": "KZ-75", "kind": "town", "name": {"kk": "А", "ru": "А", "en": "A"}},
            {"iso3166_2": "KZ-79", "kind": "city", "name": {"kk": "А", "en": "A"}},
            "not an object",
        ]
    }
    with pytest.raises(ValidationFailed) as err:
        kz_top_level_units(data)
    fields = [f["field"] for f in err.value.details["findings"]]
    assert fields == ["units[1].iso3166_2", "units[2].kind", "units[3].name", "units[4]"]
    with pytest.raises(ValidationFailed):
        kz_top_level_units({"units": []})


def test_a_unit_without_a_population_weight_is_refused() -> None:
    data = {"units": [*kz()["units"], {**kz()["units"][0], "iso3166_2": "KZ-99"}]}
    with pytest.raises(ValidationFailed) as err:
        generate_kazakhstan_units(data)
    assert "KZ-99" in err.value.details["findings"][0]["message"]


def test_generated_units_are_plain_frozen_values() -> None:
    unit = default_country().units[-1]
    assert isinstance(unit, Unit)
    with pytest.raises(AttributeError):
        unit.registered = 0  # type: ignore[misc]


# --- the country of a given day: the 17 units of the 5 June 2022 referendum -------------------

CARVED_2022 = {"KZ-10": "KZ-63", "KZ-33": "KZ-19", "KZ-62": "KZ-35"}
"""Abai from East Kazakhstan, Jetisu from Almaty Region, Ulytau from Karaganda (8 June 2022)."""


def test_the_referendum_day_has_17_top_level_units() -> None:
    top = kz_top_level_units(kz(), "2022-06-05")
    assert len(top) == 17
    assert {u.id for u in kz_top_level_units(kz())} - {u.id for u in top} == set(CARVED_2022)
    assert len(kz_top_level_units(kz(), "2022-06-08")) == 20  # the day they were created
    assert len(kz_top_level_units(kz(), "2024-10-06")) == 20


def test_a_carved_unit_weighs_in_its_parent_until_it_exists() -> None:
    top = kz_top_level_units(kz(), "2022-06-05")
    weights = population_weights(kz(), top)
    assert sum(weights.values()) == sum(POPULATION_THOUSANDS.values())  # nobody is lost
    for new, parent in CARVED_2022.items():
        assert weights[parent] == POPULATION_THOUSANDS[parent] + POPULATION_THOUSANDS[new]
    assert population_weights(kz(), kz_top_level_units(kz())) == dict(POPULATION_THOUSANDS)


def test_the_2022_country_generates_on_17_units() -> None:
    geo = generate_kazakhstan(kz(), stations=2_000, abroad=14, as_of="2022-06-05")
    assert [u.id for u in geo.top_level()] == sorted(
        set(POPULATION_THOUSANDS) - set(CARVED_2022))
    assert len(geo.station_indices) == 2_000
    per_top: Counter[str] = Counter()
    for st in geo.stations():
        top = geo.top_level_of(st.id)
        assert top is not None
        per_top[top.id] += 1
    # East Kazakhstan then included Abai: more stations than its 2023 territory gets
    today = generate_kazakhstan(kz(), stations=2_000, abroad=14)
    east_today = sum(1 for st in today.stations() if st.id.startswith("KZ-63-"))
    assert per_top["KZ-63"] > east_today
    # no day given: today's 20 units, the same country as the default
    assert geography_to_csv(generate_kazakhstan(kz(), as_of=None)) == \
        geography_to_csv(default_country())


@pytest.mark.parametrize("as_of", ["5 June 2022", "2022-6-5", ""])
def test_a_day_that_is_no_date_is_refused(as_of: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        kz_top_level_units(kz(), as_of)
    (finding,) = err.value.details["findings"]
    assert (finding["field"], finding["actual"]) == ("as_of", as_of)
