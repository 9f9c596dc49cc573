"""The packaged maps (data/kz_units_2022.geojson, data/kz_units_17_june2022.geojson).

Built by scripts/build_map.py (see data/MAPS.md); checked here with the standard library only:
the units match kz_units.json, rings are closed and wound as d3-geo (Vega, Vega-Lite) expects,
the 17-unit map of June 2022 is the 20-unit map with three units merged into their parents,
and a known town of every unit falls inside that unit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib.resources import files
from itertools import pairwise
from typing import Any

import pytest

from saylau.data import load_kz_units

MAP_20 = "kz_units_2022.geojson"
MAP_17 = "kz_units_17_june2022.geojson"
MAX_BYTES = 150_000
CARVED_ISO = {"KZ-10", "KZ-33", "KZ-62"}  # Abai, Jetisu, Ulytau: units since 8 June 2022

Ring = list[list[float]]

# One town well inside each unit (longitude, latitude), to catch a feature under the wrong name.
TOWNS: dict[str, tuple[str, float, float]] = {
    "abai": ("Semey", 80.23, 50.41),
    "akmola": ("Kokshetau", 69.39, 53.28),
    "aktobe": ("Aktobe", 57.17, 50.28),
    "almaty_region": ("Konaev", 77.07, 43.87),
    "atyrau": ("Atyrau", 51.88, 47.11),
    "west_kazakhstan": ("Oral", 51.37, 51.23),
    "zhambyl": ("Taraz", 71.37, 42.90),
    "jetisu": ("Taldykorgan", 78.37, 45.02),
    "karaganda": ("Karaganda", 73.10, 49.80),
    "kostanay": ("Kostanay", 63.62, 53.21),
    "kyzylorda": ("Kyzylorda", 65.51, 44.85),
    "mangystau": ("Zhanaozen", 52.86, 43.34),
    "pavlodar": ("Pavlodar", 76.97, 52.29),
    "north_kazakhstan": ("Petropavl", 69.15, 54.87),
    "turkistan": ("Turkistan", 68.27, 43.30),
    "ulytau": ("Zhezkazgan", 67.71, 47.80),
    "east_kazakhstan": ("Oskemen", 82.61, 49.95),
    "astana": ("Astana", 71.43, 51.13),
    "almaty_city": ("Almaty", 76.93, 43.25),
    "shymkent": ("Shymkent", 69.59, 42.32),
}


def load(name: str) -> dict[str, Any]:
    data = json.loads(files("saylau.data").joinpath(name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def polygons(geometry: dict[str, Any]) -> list[list[Ring]]:
    """A Polygon or MultiPolygon as a list of polygons, each a list of rings (exterior first)."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    assert geometry["type"] == "MultiPolygon"
    return list(geometry["coordinates"])


def rings(feature: dict[str, Any]) -> Iterator[tuple[bool, Ring]]:
    """(is_exterior, ring) for every ring of a feature."""
    for polygon in polygons(feature["geometry"]):
        for index, ring in enumerate(polygon):
            yield index == 0, ring


def signed_area(ring: Ring) -> float:
    """Shoelace area in longitude/latitude: positive when anticlockwise with north up."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(ring)) / 2


def area(feature: dict[str, Any]) -> float:
    """Planar area in square degrees: exteriors are clockwise (negative), holes positive."""
    return -sum(signed_area(ring) for _, ring in rings(feature))


def contains(feature: dict[str, Any], lon: float, lat: float) -> bool:
    """Even-odd ray casting over each polygon's rings (valid polygons: holes lie inside)."""
    for polygon in polygons(feature["geometry"]):
        inside = False
        for ring in polygon:
            for (x0, y0), (x1, y1) in pairwise(ring):
                if (y0 > lat) != (y1 > lat) and lon < x0 + (lat - y0) * (x1 - x0) / (y1 - y0):
                    inside = not inside
        if inside:
            return True
    return False


def by_key(collection: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["properties"]["key"]: f for f in collection["features"]}


@pytest.fixture(scope="module")
def units() -> dict[str, Any]:
    return load_kz_units()


def expected_keys(units: dict[str, Any], name: str) -> set[str]:
    keys = {u["key"] for u in units["units"]}
    if name == MAP_17:
        keys -= set(units["carved_2022"]["new_unit_from_parent"])
    return keys


@pytest.mark.parametrize(("name", "count"), [(MAP_20, 20), (MAP_17, 17)])
def test_units_are_those_of_kz_units_json(name: str, count: int, units: dict[str, Any]) -> None:
    collection = load(name)
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert len(features) == count
    unit_of = {u["key"]: u for u in units["units"]}
    keys = [f["properties"]["key"] for f in features]
    assert set(keys) == expected_keys(units, name) and len(set(keys)) == count
    isos = {f["properties"]["iso3166_2"] for f in features}
    all_isos = {u["iso3166_2"] for u in units["units"]}
    assert isos == (all_isos if name == MAP_20 else all_isos - CARVED_ISO)
    for feature in features:
        props = feature["properties"]
        unit = unit_of[props["key"]]
        assert props["iso3166_2"] == unit["iso3166_2"]
        assert props["name"] == unit["name"]["en"]
        assert props["kind"] == unit["kind"]
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}


@pytest.mark.parametrize("name", [MAP_20, MAP_17])
def test_rings_are_closed_wound_for_d3_and_inside_kazakhstan(name: str) -> None:
    """d3-geo's spherical convention: exterior rings clockwise, holes anticlockwise.

    With north up, clockwise is a negative shoelace area. RFC 7946 asks for the opposite;
    d3 (and so Vega) would read such a ring as the whole globe minus the unit.
    """
    for feature in load(name)["features"]:
        key = feature["properties"]["key"]
        assert area(feature) > 0, key
        for exterior, ring in rings(feature):
            assert len(ring) >= 4 and ring[0] == ring[-1], key
            if exterior:
                assert signed_area(ring) < 0, f"{key}: exterior ring is not clockwise"
            else:
                assert signed_area(ring) > 0, f"{key}: hole is not anticlockwise"
            for position in ring:
                assert len(position) == 2, key
                lon, lat = position
                assert 46 <= lon <= 88 and 40 <= lat <= 56, (key, position)
                assert round(lon, 3) == lon and round(lat, 3) == lat, (key, position)


@pytest.mark.parametrize("name", [MAP_20, MAP_17])
def test_files_are_small(name: str) -> None:
    assert len(files("saylau.data").joinpath(name).read_bytes()) < MAX_BYTES


@pytest.mark.parametrize("name", [MAP_20, MAP_17])
def test_every_unit_contains_its_town_and_no_other_does(name: str, units: dict[str, Any]) -> None:
    parent_of: dict[str, str] = units["carved_2022"]["new_unit_from_parent"]
    features = load(name)["features"]
    for key, (town, lon, lat) in TOWNS.items():
        holder = key if name == MAP_20 else parent_of.get(key, key)
        found = [f["properties"]["key"] for f in features if contains(f, lon, lat)]
        assert found == [holder], f"{town} ({lon}, {lat}) found in {found}, not {holder}"


def test_the_june_2022_map_merges_the_three_new_units_into_their_parents(
    units: dict[str, Any],
) -> None:
    now, then = by_key(load(MAP_20)), by_key(load(MAP_17))
    parent_of: dict[str, str] = units["carved_2022"]["new_unit_from_parent"]
    assert parent_of == {
        "abai": "east_kazakhstan",
        "jetisu": "almaty_region",
        "ulytau": "karaganda",
    }
    assert area(then["east_kazakhstan"]) > area(now["east_kazakhstan"])
    for child, parent in parent_of.items():
        assert then[parent]["properties"].get("merged") == [child]
        merged, parts = area(then[parent]), area(now[parent]) + area(now[child])
        assert merged == pytest.approx(parts, rel=1e-9), (child, parent)
    for key, feature in then.items():
        if key not in parent_of.values():
            assert feature == now[key], f"{key} differs between the two maps"
    total_now = sum(area(f) for f in now.values())
    assert sum(area(f) for f in then.values()) == pytest.approx(total_now, rel=1e-9)
