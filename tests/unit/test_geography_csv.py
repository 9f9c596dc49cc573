"""Geography CSV: every bad row named with its line, several at once, nothing imported."""

from __future__ import annotations

from typing import Any

import pytest

from saylau.domain.errors import ImportFailed, SaylauError, ValidationFailed
from saylau.domain.geography import Geography, UnitKind
from saylau.domain.geography_csv import (
    COLUMNS,
    geography_to_csv,
    parse_geography_csv,
    units_to_csv,
)
from saylau.domain.ids import UnitId

HEADER = "id,parent,kind,name_kk,name_ru,name_en,code,registered,abroad"

# line numbers:  1 = header
GOOD_ROWS = [
    "KZ,,country,Қазақстан Республикасы,Республика Казахстан,Republic of Kazakhstan,,,",  # 2
    "KZ-71,KZ,city,Астана қаласы,город Астана,Astana city,KZ-71,,",  # 3
    "KZ-11,KZ,region,Ақмола облысы,Акмолинская область,Akmola Region,KZ-11,,",  # 4
    'KZ-71-D01,KZ-71,district,"Астана, 1-аудан","Астана, район № 1","Astana, district 1",,,',  # 5
    "KZ-71-ABROAD,KZ-71,district,Шетел,За рубежом,Abroad,,,",  # 6
    "KZ-11-D01,KZ-11,district,,,Kokshetau,,,",  # 7
    "KZ-71-D01-S0001,KZ-71-D01,station,№ 1,№ 1,No. 1,,1234,false",  # 8
    "KZ-71-D01-S0002,KZ-71-D01,station,№ 2,№ 2,No. 2,,0,",  # 9
    "KZ-71-ABROAD-S0001,KZ-71-ABROAD,station,,,Moscow,,177,true",  # 10
    "KZ-11-D01-S0001,KZ-11-D01,station,,,No. 1,,2999,FALSE",  # 11
]


def csv_bytes(rows: list[str], header: str = HEADER, end: str = "\n") -> bytes:
    return end.join([header, *rows, ""]).encode("utf-8")


def refused(data: bytes) -> ImportFailed:
    with pytest.raises(ImportFailed) as err:
        parse_geography_csv(data)
    return err.value


def lines_and_fields(err: ImportFailed) -> list[tuple[int | None, str]]:
    return [(r["line"], r["field"]) for r in err.rows]


def with_row(line: int, row: str) -> list[str]:
    """GOOD_ROWS with the row on file line `line` replaced (line 2 is GOOD_ROWS[0])."""
    rows = list(GOOD_ROWS)
    rows[line - 2] = row
    return rows


# --- good files ------------------------------------------------------------------------------


def test_a_good_file_gives_its_geography() -> None:
    geo = parse_geography_csv(csv_bytes(GOOD_ROWS))
    assert isinstance(geo, Geography)
    assert len(geo.units) == 10
    assert geo.root.kind is UnitKind.COUNTRY
    assert geo.root.name.kk == "Қазақстан Республикасы"
    astana = geo.unit(UnitId("KZ-71"))
    assert (astana.kind, astana.code, astana.registered) == (UnitKind.CITY, "KZ-71", 0)
    district = geo.unit(UnitId("KZ-71-D01"))
    assert district.name.ru == "Астана, район № 1"  # a quoted comma
    assert district.code is None
    assert geo.unit(UnitId("KZ-11-D01")).name.kk == ""
    s1 = geo.unit(UnitId("KZ-71-D01-S0001"))
    assert (s1.registered, s1.abroad) == (1234, False)
    abroad = geo.unit(UnitId("KZ-71-ABROAD-S0001"))
    assert (abroad.registered, abroad.abroad) == (177, True)
    assert geo.unit(UnitId("KZ-11-D01-S0001")).abroad is False  # FALSE, any case
    assert sum(u.registered for u in geo.stations()) == 1234 + 0 + 177 + 2999


def test_a_utf8_byte_order_mark_is_accepted() -> None:
    plain = parse_geography_csv(csv_bytes(GOOD_ROWS))
    assert parse_geography_csv(b"\xef\xbb\xbf" + csv_bytes(GOOD_ROWS)) == plain


def test_crlf_line_ends_blank_lines_and_blank_rows_are_accepted() -> None:
    plain = parse_geography_csv(csv_bytes(GOOD_ROWS))
    rows = [*GOOD_ROWS[:3], "", ",,,,,,,,", *GOOD_ROWS[3:], ""]
    assert parse_geography_csv(csv_bytes(rows, end="\r\n")) == plain


def test_old_mac_cr_line_ends_are_accepted() -> None:
    plain = parse_geography_csv(csv_bytes(GOOD_ROWS))
    assert parse_geography_csv(csv_bytes(GOOD_ROWS, end="\r")) == plain


def test_columns_may_come_in_any_order_and_case_with_spaces_around_values() -> None:
    header = "Name_EN, ID ,parent,kind,name_kk,name_ru,code,registered,abroad"
    rows = [
        "Kazakhstan,KZ,,country,,,,,",
        "Astana, KZ-71 , KZ ,City,,, KZ-71 ,,",
        " D1 ,D1,KZ-71,district,,,,,",
        "S1,S1,D1,STATION,,,, 12 , true ",
    ]
    geo = parse_geography_csv(csv_bytes(rows, header=header))
    assert [u.id for u in geo.units] == ["KZ", "KZ-71", "D1", "S1"]
    assert geo.unit(UnitId("D1")).name.en == " D1 "  # names are kept exactly
    s1 = geo.unit(UnitId("S1"))
    assert (s1.kind, s1.registered, s1.abroad) == (UnitKind.STATION, 12, True)
    assert geo.unit(UnitId("KZ-71")).code == "KZ-71"


def test_a_top_level_unit_may_have_no_code() -> None:
    geo = parse_geography_csv(csv_bytes(with_row(4, "KZ-11,KZ,region,,,Akmola,,,")))
    assert geo.unit(UnitId("KZ-11")).code is None
    assert parse_geography_csv(geography_to_csv(geo).encode()) == geo


def test_children_may_come_before_their_parents() -> None:
    forward = parse_geography_csv(csv_bytes(GOOD_ROWS))
    backward = parse_geography_csv(csv_bytes(GOOD_ROWS[::-1]))
    assert set(backward.units) == set(forward.units)


def test_export_reads_back_equal_and_writes_the_documented_shape() -> None:
    geo = parse_geography_csv(csv_bytes(GOOD_ROWS))
    text = geography_to_csv(geo)
    assert text.splitlines()[0] == ",".join(COLUMNS) == HEADER
    assert text.endswith("\n")
    assert "\r" not in text
    assert parse_geography_csv(text.encode("utf-8")) == geo
    assert geography_to_csv(parse_geography_csv(text.encode("utf-8"))) == text
    lines = text.splitlines()
    assert lines[1] == GOOD_ROWS[0]  # the country: no code, no list, no abroad
    assert "KZ-71-D01-S0002,KZ-71-D01,station,№ 2,№ 2,No. 2,,0,false" in lines
    assert "KZ-71-ABROAD-S0001,KZ-71-ABROAD,station,,,Moscow,,177,true" in lines
    assert units_to_csv(geo.units) == text


def test_the_documented_example_reads() -> None:
    example = """\
id,parent,kind,name_kk,name_ru,name_en,code,registered,abroad
KZ,,country,Қазақстан Республикасы,Республика Казахстан,Republic of Kazakhstan,,,
KZ-71,KZ,city,Астана қаласы,город Астана,Astana city,KZ-71,,
KZ-71-D01,KZ-71,district,"Астана қаласы, 1-аудан","город Астана, район № 1","Astana city, district 1",,,
KZ-71-ABROAD,KZ-71,district,Шетелдегі сайлау учаскелері,Избирательные участки за рубежом,Polling stations abroad,,,
KZ-71-D01-S0001,KZ-71-D01,station,№ 1 сайлау учаскесі,Избирательный участок № 1,Polling station No. 1,,1234,false
KZ-71-ABROAD-S0001,KZ-71-ABROAD,station,Шетелдегі № 1 сайлау учаскесі,Избирательный участок № 1 за рубежом,Polling station No. 1 abroad,,177,true
"""  # noqa: E501 - the example in docs/geography-csv.md, verbatim
    geo = parse_geography_csv(example.encode("utf-8"))
    assert [u.registered for u in geo.stations()] == [1234, 177]
    assert geography_to_csv(geo) == example


# --- each bad row, with its line ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            with_row(9, "KZ-71-D01-S0002,KZ-71-D09,station,,,No. 2,,10,"),
            [(9, "parent")],
            id="unknown parent",
        ),
        pytest.param(
            [*GOOD_ROWS, "KZ-71-D01-S0001,KZ-71-D01,station,,,again,,5,"],
            [(12, "id")],
            id="duplicate id",
        ),
        pytest.param(
            [*GOOD_ROWS, "C1,C2,district,,,c1,,,", "C2,C1,district,,,c2,,,"],
            [(12, "parent"), (13, "parent")],
            id="cycle",
        ),
        pytest.param(
            with_row(9, "KZ-71-D01-S0002,KZ-71-D01,station,,,No. 2,,-12,"),
            [(9, "registered")],
            id="negative count",
        ),
        pytest.param(
            with_row(9, "KZ-71-D01-S0002,KZ-71-D01,station,,,No. 2,,12.5,"),
            [(9, "registered")],
            id="decimal count",
        ),
        pytest.param(
            with_row(9, "KZ-71-D01-S0002,KZ-71-D01,station,,,No. 2,,abc,"),
            [(9, "registered")],
            id="text count",
        ),
        pytest.param(
            with_row(9, "KZ-71-D01-S0002,KZ-71-D01,station,,,No. 2,,+12,"),
            [(9, "registered")],
            id="signed count",
        ),
        pytest.param(
            with_row(9, 'KZ-71-D01-S0002,KZ-71-D01,station,,,No. 2,,"1,200",'),
            [(9, "registered")],
            id="count with a thousands separator",
        ),
        pytest.param(
            with_row(9, "KZ-71-D01-S0002,KZ-71-D01,station,,,No. 2,,١٢,"),
            [(9, "registered")],
            id="count in non-ASCII digits",
        ),
        pytest.param(
            with_row(9, "KZ-71-D01-S0002,KZ-71-D01,station,,,No. 2,,,"),
            [(9, "registered")],
            id="station without a count",
        ),
        pytest.param(
            with_row(7, "KZ-11-D01,KZ-11,district,,,Kokshetau,,300,"),
            [(7, "registered")],
            id="count on a district",
        ),
        pytest.param(
            with_row(9, "KZ-71-D01-S0002,KZ-71-D01,polling station,,,No. 2,,10,"),
            [(9, "kind")],
            id="unknown kind",
        ),
        pytest.param(
            with_row(9, "KZ-71-D01-S0002,KZ-71-D01,station,,,No. 2,,10"),
            [(9, "row")],
            id="too few fields",
        ),
        pytest.param(
            with_row(9, "KZ-71-D01-S0002,KZ-71-D01,station,,,No, 2,,10,"),
            [(9, "row")],
            id="too many fields",
        ),
        pytest.param(with_row(9, ",KZ-71-D01,station,,,No. 2,,10,"), [(9, "id")], id="empty id"),
        pytest.param(
            with_row(9, "KZ-71-D01-S0002,KZ-71-D01,station,,,No. 2,,10,yes"),
            [(9, "abroad")],
            id="bad abroad",
        ),
        pytest.param(
            with_row(6, "KZ-71-ABROAD,KZ-71,district,,,Abroad,,,true"),
            [(6, "abroad")],
            id="district abroad",
        ),
        pytest.param(
            with_row(9, "KZ-71-D01-S0002,KZ-71-D01,station,  ,,,,10,"),
            [(9, "name_kk,name_ru,name_en")],
            id="no name",
        ),
        pytest.param(
            with_row(4, "KZ-11,KZ,region,,,Akmola,Akmola,,"), [(4, "code")], id="malformed code"
        ),
        pytest.param(
            with_row(7, "KZ-11-D01,KZ-11,district,,,Kokshetau,KZ-11,,"),
            [(7, "code")],
            id="code on a district",
        ),
        pytest.param(
            [*GOOD_ROWS, "S9,KZ-71-D01-S0001,station,,,x,,5,"],
            [(12, "parent")],
            id="station as parent",
        ),
        pytest.param(
            [*GOOD_ROWS, "D9,KZ,district,,,x,,,"], [(12, "kind")], id="district under country"
        ),
        pytest.param([*GOOD_ROWS, "KZ2,,country,,,x,,,"], [(12, "parent")], id="second root"),
        pytest.param(
            [*GOOD_ROWS, 'S9,KZ-71-D01,station,,,"x,,5,'],
            [(12, "row")],
            id="unclosed quote swallows the rest",
        ),
    ],
)
def test_each_bad_row_is_refused_with_its_line_and_field(
    rows: list[str], expected: list[tuple[int, str]]
) -> None:
    err = refused(csv_bytes(rows))
    assert lines_and_fields(err) == expected
    for row in err.rows:
        assert set(row) == {"line", "unit", "field", "expected", "actual", "message"}
        assert row["expected"]
        assert row["message"]


def test_a_bad_count_names_field_expected_and_actual() -> None:
    err = refused(csv_bytes(with_row(9, "KZ-71-D01-S0002,KZ-71-D01,station,,,No. 2,,12.5,")))
    (row,) = err.rows
    assert row == {
        "line": 9,
        "unit": "KZ-71-D01-S0002",
        "field": "registered",
        "expected": "voters on the list: a whole number >= 0 (required for stations)",
        "actual": "12.5",
        "message": "unit 'KZ-71-D01-S0002': voters on the list must be a whole number of "
        "voters, found '12.5'",
    }
    assert err.message.startswith("the geography file was refused, nothing was imported")
    assert "line 9" in err.message


def test_every_bad_row_is_reported_together_row_and_tree_problems_alike() -> None:
    rows = list(GOOD_ROWS)
    rows[4] = "KZ-71-ABROAD,KZ-71,distrikt,,,Abroad,,,"  # line 6: unknown kind
    rows[7] = "KZ-71-D01-S0002,KZ-71-D01,station,,,No. 2,,12.5,"  # line 9: not whole
    rows += [
        "S10,KZ-71-D07,station,,,x,,10,",  # 12: unknown parent
        "S11,KZ-71-D01,station,,,x,,-1,maybe",  # 13: negative and bad abroad
        "KZ-71-D01-S0001,KZ-71-D01,station,,,dup,,1,",  # 14: duplicate
        "S12,KZ-71-D01,station,,,x,,1",  # 15: 8 fields
        "C1,C1,district,,,loop,,,",  # 16: its own parent
    ]
    err = refused(csv_bytes(rows))
    assert lines_and_fields(err) == [
        (6, "kind"),
        (9, "registered"),
        (12, "parent"),
        (13, "abroad"),
        (13, "registered"),
        (14, "id"),
        (15, "row"),
        (16, "parent"),
    ]
    # the abroad station under the refused district is not also blamed for its parent
    assert all(r["unit"] != "KZ-71-ABROAD-S0001" for r in err.rows)
    assert "8 problem(s) on 7 line(s)" in err.message
    assert err.details["rows"] == err.rows


def test_a_refused_root_does_not_also_count_as_no_root() -> None:
    err = refused(csv_bytes(with_row(2, "KZ,,kountry,,,Kazakhstan,,,")))
    assert lines_and_fields(err) == [(2, "kind")]


def test_a_duplicate_of_a_refused_row_is_reported() -> None:
    rows = [*with_row(9, "KZ-71-D01-S0002,KZ-71-D01,statoin,,,No. 2,,10,")]
    rows.append("KZ-71-D01-S0002,KZ-71-D01,station,,,No. 2,,10,")  # line 12
    rows.append("KZ-71-D01-S0002,KZ-71-D01,station,,,No. 2,,10,")  # line 13
    err = refused(csv_bytes(rows))
    assert lines_and_fields(err) == [(9, "kind"), (12, "id"), (13, "id")]
    assert "first at line 9" in err.rows[1]["message"]


def test_a_quoted_line_break_keeps_later_lines_numbered_by_the_file() -> None:
    rows = [*GOOD_ROWS, 'S9,KZ-71-D01,station,,,"two\nlines",,5,', "S10,KZ-71-D01,station,,,x,,x,"]
    err = refused(csv_bytes(rows))
    assert lines_and_fields(err) == [(14, "registered")]  # S9 spans lines 12-13


def test_a_row_the_csv_reader_cannot_read_is_named_and_later_lines_keep_their_numbers() -> None:
    huge = "x" * 200_000  # beyond the csv module's field size limit
    rows = [*GOOD_ROWS, f"S9,KZ-71-D01,station,,,{huge},,5,", "S10,KZ-71-D01,station,,,x,,x,"]
    err = refused(csv_bytes(rows))
    assert lines_and_fields(err) == [(12, "row"), (13, "registered")]
    assert err.rows[0]["message"].startswith("line 12 cannot be read as CSV")


def test_failure_is_a_validation_error_with_a_stable_code() -> None:
    err = refused(csv_bytes(with_row(9, "KZ-71-D01-S0002,KZ-71-D01,station,,,No. 2,,x,")))
    assert isinstance(err, ValidationFailed)
    assert isinstance(err, SaylauError)
    assert err.code == "import_failed"


# --- header ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param(
            "id,parent,kind,name_kk,name_ru,name_en,code,abroad", [(1, "registered")], id="missing"
        ),
        pytest.param(HEADER + ",notes", [(1, "header")], id="unknown column"),
        pytest.param(HEADER + ",kind", [(1, "kind")], id="repeated column"),
        pytest.param(
            "id,parent,kind,name_kk,name_ru,name_en,cod,registred,abroad",
            [(1, "code"), (1, "header"), (1, "header"), (1, "registered")],
            id="misspelt columns",
        ),
        pytest.param(GOOD_ROWS[0], [(1, "header")], id="no header, data first"),
        pytest.param("", [(1, "header")], id="blank first line"),
    ],
)
def test_a_bad_header_is_refused_on_line_1(header: str, expected: list[tuple[int, str]]) -> None:
    err = refused(csv_bytes(GOOD_ROWS, header=header))
    assert lines_and_fields(err) == expected


def test_an_empty_file_is_refused() -> None:
    assert lines_and_fields(refused(b"")) == [(1, "header")]
    assert lines_and_fields(refused(b"\xef\xbb\xbf")) == [(1, "header")]


def test_a_header_alone_has_no_country() -> None:
    err = refused(csv_bytes([]))
    assert lines_and_fields(err) == [(None, "parent")]
    assert "country is missing" in err.rows[0]["message"]


# --- encoding --------------------------------------------------------------------------------


def test_bytes_that_are_not_utf8_are_refused_naming_each_line() -> None:
    data = csv_bytes(GOOD_ROWS).split(b"\n")
    data[3] = "KZ-11,KZ,region,,Акмолинская область,Akmola,KZ-11,,".encode("cp1251")
    data[7] = data[7].replace("№".encode(), b"\xb9")
    err = refused(b"\n".join(data))
    assert lines_and_fields(err) == [(4, "encoding"), (8, "encoding")]
    first = err.rows[0]
    assert first["expected"] == "UTF-8 text"
    assert first["actual"].startswith("bytes ")
    assert "line 4 is not UTF-8" in first["message"]


def test_a_truncated_character_at_the_end_is_refused() -> None:
    err = refused(csv_bytes(GOOD_ROWS)[:-1] + "Қ".encode()[:1])  # no final line end
    assert lines_and_fields(err) == [(11, "encoding")]


def _field(err: ImportFailed, key: str) -> list[Any]:
    return [r[key] for r in err.rows]


def test_encoding_problems_come_before_anything_else() -> None:
    rows = [*GOOD_ROWS, "S9,nowhere,station,,,x,,x,"]
    data = csv_bytes(rows).replace(b"Moscow", b"Moskv\xe0")
    err = refused(data)
    assert _field(err, "field") == ["encoding"]
    assert _field(err, "line") == [10]
