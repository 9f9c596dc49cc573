"""Member list files: CSV and XLSX read into the list's columns, or refused whole with an
error naming what is wrong (never half-imported, never quoting an IIN)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook

from saylau.domain.errors import ImportFailed, TooLarge
from saylau.domain.parties.member_file import parse_csv
from saylau.services.parties.member_files import read_member_file

HEADER = "full_name,birth_date,iin,region,joined,signature\n"
ROW = "Abenov Nurlan,1990-01-01,061211600012,KZ-11,2022-10-01,yes\n"
IIN = "061211600012"


def _xlsx(rows: list[list[object]], sheets: int = 1) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for r in rows:
        ws.append(r)
    for k in range(1, sheets):
        wb.create_sheet(f"extra{k}")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _refusal(data: bytes, name: str = "") -> ImportFailed:
    with pytest.raises(ImportFailed) as e:
        read_member_file(data, name)
    assert IIN not in str(e.value) and IIN not in repr(e.value.details)
    return e.value


def test_a_good_csv_is_read_with_lines() -> None:
    cols = parse_csv(("\ufeff" + HEADER + ROW + "\n" + ROW.replace("yes", "no")).encode())
    assert cols.lines == (2, 4)
    assert cols.iins == (IIN, IIN)
    assert cols.signatures == (True, False)
    assert cols.regions == ("KZ-11", "KZ-11")


def test_columns_in_another_order_are_read_by_name() -> None:
    data = "IIN,Region,full_name,birth_date,joined,signature\n" \
           f"{IIN},kz-11,A B,1990-01-01,2022-10-01,да\n"
    cols = parse_csv(data.encode())
    assert (cols.iins, cols.regions, cols.signatures) == ((IIN,), ("KZ-11",), (True,))


@pytest.mark.parametrize(("data", "words"), [
    (b"", "empty"),
    (b"  \n\n", "empty"),
    (HEADER.encode(), "no members"),
    (b"name,iin\nA," + IIN.encode() + b"\n", "missing full_name, birth_date, region"),
    ((HEADER.strip() + ",extra\n").encode(), "unknown 'extra'"),
    ((HEADER + ROW).encode("utf-16"), "not UTF-8"),
    ("full_name,birth_date,iin,region,joined,signature\nАбенов,1990-01-01,1,KZ-11,"
     "2022-10-01,yes\n".encode("cp1251"), "Windows-1251"),
    ((HEADER + ROW + "A,1990-01-01\n").encode(), "line 3 has 2 cells"),
    ((HEADER + ROW.replace("yes", "maybe")).encode(), "1 row(s) cannot be read"),
])
def test_bad_csv_files_are_refused_whole(data: bytes, words: str) -> None:
    err = _refusal(data)
    assert words in err.message
    assert err.rows and all({"line", "field", "expected", "actual"} <= set(r) for r in err.rows)


def test_too_many_rows_is_refused_before_reading_on() -> None:
    with pytest.raises(TooLarge):
        parse_csv((HEADER + ROW * 11).encode(), max_rows=10)


def test_a_good_xlsx_is_read_dates_and_booleans_as_text() -> None:
    data = _xlsx([HEADER.strip().split(","),
                  ["A B", date(1990, 1, 1), IIN, "KZ-11", date(2022, 10, 1), True],
                  ["C D", "1991-02-02", IIN, "KZ-75", "2022-10-02", None]])
    cols = read_member_file(data, "list.xlsx")
    assert cols.birth_dates == ("1990-01-01", "1991-02-02")
    assert cols.signatures == (True, False)
    assert cols.lines == (2, 3)


def test_xlsx_with_several_sheets_formulas_or_number_iins_is_refused() -> None:
    head = HEADER.strip().split(",")
    good = ["A B", "1990-01-01", IIN, "KZ-11", "2022-10-01", "yes"]
    err = _refusal(_xlsx([head, good], sheets=2))
    assert "2 sheets" in err.message
    err = _refusal(_xlsx([head, good, ["=A2", "1990-01-01", IIN, "KZ-11", "2022-10-01",
                                       "yes"]]))
    assert "formulas" in err.message
    assert err.rows[0]["field"] == "A3"
    err = _refusal(_xlsx([head, ["A B", "1990-01-01", 61211600012, "KZ-11", "2022-10-01",
                                 "yes"]]))
    assert "leading zeros" in err.message
    assert err.rows[0]["line"] == 2
    err = _refusal(b"PK\x03\x04 not really a zip", "x.xlsx")
    assert "not a readable XLSX" in err.message
    err = _refusal(_xlsx([]), "x.xlsx")
    assert "empty" in err.message


def test_cells_past_their_column_or_with_nul_are_refused_naming_line_and_field() -> None:
    long_region = ROW.replace("KZ-11", "K" * 17)
    err = _refusal((HEADER + ROW + long_region).encode())
    assert err.rows[0]["line"] == 3 and err.rows[0]["field"] == "region"
    err = _refusal((HEADER + ROW.replace("Abenov", "Ab\x00enov")).encode())
    assert err.rows[0]["field"] == "full_name" and "NUL" in err.rows[0]["message"]
    err = _refusal((HEADER + ROW.replace("Abenov Nurlan", "Ж" * 2001)).encode())
    assert err.rows[0]["actual"] == "2001 characters"
