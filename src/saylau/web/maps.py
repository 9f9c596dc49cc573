"""The outlines of the top-level units for the choropleth maps (packaged GeoJSON, saylau.data).

A geography gets the map whose features are exactly its top-level units' ISO 3166-2 codes:
the 20 units in force since June 2022, or the 17 of the referendum of 5 June 2022. A geography
with other units (an imported one) gets no map; its pages keep the table.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from importlib.abc import Traversable

from saylau.domain.geography import Geography

MAP_FILES: tuple[str, ...] = ("kz_units_2022.geojson", "kz_units_17_june2022.geojson")


def _file(name: str) -> Traversable:
    return resources.files("saylau.data").joinpath(name)


@functools.cache
def map_codes(name: str) -> frozenset[str] | None:
    """The ISO 3166-2 codes a packaged map outlines (None when the file is not there)."""
    f = _file(name)
    if not f.is_file():
        return None
    data = json.loads(f.read_text(encoding="utf-8"))
    return frozenset(str(feat["properties"]["iso3166_2"]) for feat in data["features"])


def map_for(geo: Geography) -> str | None:
    """The packaged map file that outlines exactly the geography's top-level units."""
    codes: set[str] = set()
    for u in geo.top_level():
        if u.code is None:
            return None
        codes.add(u.code)
    for name in MAP_FILES:
        if map_codes(name) == frozenset(codes):
            return name
    return None


def map_bytes(name: str) -> bytes | None:
    if name not in MAP_FILES or map_codes(name) is None:
        return None
    return _file(name).read_bytes()
