"""Electoral districts: drawn over the geography, validated against it."""

from __future__ import annotations

import pytest

from saylau.data import load_kz_units
from saylau.domain.districts import ElectoralDistrict, district_problems, draw_districts
from saylau.domain.errors import ValidationFailed
from saylau.domain.generator import generate_kazakhstan
from saylau.domain.ids import StationId, UnitId
from saylau.domain.names import Names
from tests.conftest import small_country


def test_29_districts_cover_every_station_once_and_every_unit() -> None:
    geo = generate_kazakhstan(load_kz_units(), stations=3000, seed=5)
    ds = draw_districts(geo, 29)
    assert len(ds) == 29
    assert [d.number for d in ds] == list(range(1, 30))
    assert district_problems(geo, ds) == []
    assert {d.unit for d in ds} == {u.id for u in geo.top_level()}
    owners = [s for d in ds for s in d.stations]
    assert len(owners) == len(set(owners)) == len(geo.station_indices)
    # abroad stations vote in one of the capital's districts
    abroad = [s for s in geo.stations() if s.abroad]
    assert abroad
    for s in abroad:
        [d] = [d for d in ds if StationId(s.id) in d.stations]
        assert d.unit == "KZ-71"


def test_the_largest_units_get_the_extra_districts() -> None:
    geo = generate_kazakhstan(load_kz_units(), stations=3000, seed=5)
    ds = draw_districts(geo, 29)
    per_unit = {u.id: sum(1 for d in ds if d.unit == u.id) for u in geo.top_level()}
    voters = {u.id: sum(s.registered for s in geo.descendant_stations(u.id))
              for u in geo.top_level()}
    biggest = max(voters, key=lambda k: voters[k])
    smallest = min(voters, key=lambda k: voters[k])
    assert per_unit[biggest] > per_unit[smallest] == 1


def test_too_few_districts_for_the_units_is_refused() -> None:
    with pytest.raises(ValidationFailed) as e:
        draw_districts(small_country(), 2)
    assert e.value.details["expected"] == ">= 3"


def test_a_district_crossing_a_top_level_unit_is_named() -> None:
    geo = small_country()
    ds = list(draw_districts(geo, 3))
    stray = StationId(UnitId("KZ-75-D0-S0"))
    bad = ElectoralDistrict(ds[0].id, ds[0].number, ds[0].name, ds[0].unit,
                            ds[0].stations | {stray})
    problems = district_problems(geo, [bad, *ds[1:]])
    messages = " ".join(str(p["message"]) for p in problems)
    assert "would cross a top-level unit" in messages
    assert f"station {stray} is in" in messages  # now in two districts


def test_a_unit_without_a_district_and_uncovered_stations_are_named() -> None:
    geo = small_country()
    ds = draw_districts(geo, 3)
    problems = district_problems(geo, ds[:2])
    fields = {(p["field"], p["actual"]) for p in problems}
    assert ("unit", ds[2].unit) in fields
    assert any(p["field"] == "stations" and "lie in no district" in str(p["message"])
               for p in problems)


def test_unknown_station_and_non_top_level_unit() -> None:
    geo = small_country()
    d = ElectoralDistrict("X", 1, Names.same("X"), UnitId("KZ-71-D0"),
                          frozenset({StationId(UnitId("nope"))}))
    problems = district_problems(geo, [d])
    assert any(p["field"] == "unit" and p["actual"] == "KZ-71-D0" for p in problems)
