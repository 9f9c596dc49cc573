"""Properties: CSV round trips exactly; any row order reads the same tree; a bad cell is named
by its line; the generator is deterministic and puts every station where the law says."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saylau.data import load_kz_units
from saylau.domain.errors import ImportFailed
from saylau.domain.generator import ABROAD_DISTRICT_ID, generate_kazakhstan, kz_top_level_units
from saylau.domain.geography import Geography, Unit, UnitKind
from saylau.domain.geography_csv import COLUMNS, geography_to_csv, parse_geography_csv
from saylau.domain.ids import UnitId
from saylau.domain.names import Names

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# any text, including the characters CSV must quote: comma, quote, CR, LF; no surrogates and
# no NUL (no name may hold them: saylau.domain.limits)
_chars = st.one_of(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
    st.sampled_from([",", '"', "\r", "\n", " ", "№", "Қ", "ә", "=", "+", "-", "@", "\t", "'"]),
)
_text = st.text(_chars, max_size=12)
_name_text = _text.filter(lambda t: t.strip() != "")


@st.composite
def names(draw: st.DrawFn) -> Names:
    kk, ru, en = draw(_text), draw(_text), draw(_text)
    if not (kk.strip() or ru.strip() or en.strip()):
        en = draw(_name_text)  # at least one name that is not blank
    return Names(kk=kk, ru=ru, en=en)


@st.composite
def geographies(draw: st.DrawFn) -> Geography:
    """A valid tree: the country, 1-4 top-level units, districts up to 3 deep, stations;
    at most about 40 units, so that examples stay quick to draw."""
    units = [Unit(UnitId("KZ"), None, UnitKind.COUNTRY, draw(names()))]
    for t in range(draw(st.integers(1, 4))):
        tid = UnitId(f"KZ-{10 + t}")
        kind = draw(st.sampled_from([UnitKind.REGION, UnitKind.CITY]))
        code = draw(st.sampled_from([tid, None]))  # imported geographies may lack codes
        units.append(Unit(tid, UnitId("KZ"), kind, draw(names()), code=code))
        stack = [(tid, 1)]
        while stack:
            parent, depth = stack.pop()
            for c in range(draw(st.integers(0, 3)) if len(units) < 40 else 0):
                cid = UnitId(f"{parent}.{c}")  # no '/': ids are segments of URLs
                if depth < 4 and draw(st.booleans()):
                    units.append(Unit(cid, parent, UnitKind.DISTRICT, draw(names())))
                    stack.append((cid, depth + 1))
                else:
                    units.append(
                        Unit(
                            cid,
                            parent,
                            UnitKind.STATION,
                            draw(names()),
                            registered=draw(st.integers(0, 10**12)),
                            abroad=draw(st.booleans()),
                        )
                    )
    return Geography.build(units)


@SETTINGS
@given(geographies())
def test_csv_round_trips_exactly(geo: Geography) -> None:
    text = geography_to_csv(geo)
    back = parse_geography_csv(text.encode("utf-8"))
    assert back == geo
    assert back.units == geo.units
    assert geography_to_csv(back) == text


@SETTINGS
@given(geographies(), st.randoms(use_true_random=False), st.booleans(), st.booleans())
def test_any_row_order_line_ending_and_bom_read_the_same_units(
    geo: Geography, rnd: Any, crlf: bool, bom: bool
) -> None:
    header, *rows = _records(geography_to_csv(geo))
    rnd.shuffle(rows)
    text = ("\r\n" if crlf else "\n").join([header, *rows, ""])
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    back = parse_geography_csv(data)
    assert set(back.units) == set(geo.units)
    assert back.root == geo.root


@SETTINGS
@given(geographies(), st.data())
def test_a_bad_count_is_refused_naming_its_line(geo: Geography, data: st.DataObject) -> None:
    stations = [i for i, u in enumerate(geo.units) if u.is_station]
    if not stations:
        return
    i = data.draw(st.sampled_from(stations))
    bad = data.draw(st.sampled_from(["12.5", "abc", "-1", "1e3", "", "0x10", "1 000"]))
    header, *rows = _records(geography_to_csv(geo))
    lines = _first_lines(header, rows)
    fields = _split(rows[i])
    fields[COLUMNS.index("registered")] = bad
    rows[i] = _join(fields)
    with pytest.raises(ImportFailed) as err:
        parse_geography_csv("\n".join([header, *rows, ""]).encode("utf-8"))
    assert [(r["line"], r["field"], r["unit"]) for r in err.value.rows] == [
        (lines[i], "registered", geo.units[i].id)
    ]


# --- the generator -------------------------------------------------------------------------


@cache
def _kz() -> dict[str, Any]:
    return load_kz_units()


@settings(max_examples=15, deadline=None)
@given(
    stations=st.integers(90, 2_500),
    seed=st.integers(0, 2**64),
    abroad=st.integers(0, 70),
)
def test_the_generator_is_deterministic_and_puts_stations_where_the_law_says(
    stations: int, seed: int, abroad: int
) -> None:
    geo = generate_kazakhstan(_kz(), stations=stations, seed=seed, abroad=abroad)
    again = generate_kazakhstan(_kz(), stations=stations, seed=seed, abroad=abroad)
    assert geography_to_csv(geo).encode() == geography_to_csv(again).encode()

    top_ids = {u.id for u in kz_top_level_units(_kz())}
    all_stations = list(geo.stations())
    assert len(all_stations) == stations
    assert sum(u.abroad for u in all_stations) == abroad
    for s in all_stations:
        top = geo.top_level_of(s.id)
        assert top is not None
        assert top.id in top_ids
        if s.abroad:
            assert s.parent == ABROAD_DISTRICT_ID
            assert top.id == "KZ-71"
    assert {t.id for t in geo.top_level()} == top_ids
    assert all(geo.descendant_stations(t) for t in top_ids)  # every unit has a station
    assert parse_geography_csv(geography_to_csv(geo).encode()) == geo


# --- helpers: split an exported CSV into records without the csv module ---------------------


def _records(text: str) -> list[str]:
    """Records of an exported CSV (LF ends), keeping quoted line breaks inside a record."""
    out: list[str] = []
    current = ""
    for piece in text.split("\n")[:-1]:
        current = piece if not current else current + "\n" + piece
        if current.count('"') % 2 == 0:
            out.append(current)
            current = ""
    assert current == ""
    return out


def _first_lines(header: str, rows: list[str]) -> list[int]:
    """The file line on which each row starts (the header is line 1)."""
    line = 1 + _physical_lines(header)
    starts = []
    for row in rows:
        starts.append(line)
        line += _physical_lines(row)
    return starts


def _physical_lines(record: str) -> int:
    # a reader splits lines at LF, CR and CRLF; a quoted CR inside a record starts a line too
    return len(record.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def _split(record: str) -> list[str]:
    fields, cur, quoted, i = [], "", False, 0
    while i < len(record):
        ch = record[i]
        if quoted:
            if ch == '"' and record[i + 1 : i + 2] == '"':
                cur += '"'
                i += 1
            elif ch == '"':
                quoted = False
            else:
                cur += ch
        elif ch == '"':
            quoted = True
        elif ch == ",":
            fields.append(cur)
            cur = ""
        else:
            cur += ch
        i += 1
    fields.append(cur)
    return fields


def _join(fields: list[str]) -> str:
    return ",".join(
        '"' + f.replace('"', '""') + '"' if any(c in f for c in ',"\r\n') else f for f in fields
    )
