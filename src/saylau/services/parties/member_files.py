"""Member list files in: CSV (the domain's reader) and XLSX (openpyxl), both refused whole
with a clear error when their shape is wrong. An XLSX workbook must have one sheet, no
formulas (a formula's value is whatever the spreadsheet last computed, and a list of members
is a list of facts) and its IINs as text (a number loses its leading zeros)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from saylau.domain.errors import ImportFailed
from saylau.domain.parties.member_file import MAX_ROWS, parse_csv, parse_rows, refuse
from saylau.domain.parties.members import MemberColumns

XLSX_MAGIC = b"PK\x03\x04"


def read_member_file(data: bytes, filename: str = "", max_rows: int = MAX_ROWS
                     ) -> MemberColumns:
    """The list in `data`: XLSX when the name ends in .xlsx or the bytes are a ZIP archive,
    CSV otherwise."""
    if filename.lower().endswith(".xlsx") or data.startswith(XLSX_MAGIC):
        return parse_xlsx(data, max_rows)
    return parse_csv(data, max_rows)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def parse_xlsx(data: bytes, max_rows: int = MAX_ROWS) -> MemberColumns:
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ImportFailed(
            f"the file is not a readable XLSX workbook ({type(exc).__name__}); nothing was "
            "imported", rows=[{"line": 0, "field": "file", "expected": "an XLSX workbook",
                               "actual": type(exc).__name__,
                               "message": "not an XLSX workbook"}]) from None
    try:
        if len(wb.sheetnames) != 1:
            raise ImportFailed(
                f"the workbook has {len(wb.sheetnames)} sheets "
                f"({', '.join(repr(n) for n in wb.sheetnames)}); a member list is one sheet: "
                "nothing was imported",
                rows=[{"line": 0, "field": "sheets", "expected": 1,
                       "actual": len(wb.sheetnames), "message": "several sheets"}])
        rows = list(_sheet_rows(wb.worksheets[0], max_rows))
    finally:
        wb.close()
    formulas = [r for r in rows if r[0] == "formula"]
    numbers = [r for r in rows if r[0] == "iin_number"]
    if formulas:
        raise refuse(f"{len(formulas)} cell(s) hold formulas; a member list holds values only "
                     "(paste the values): nothing was imported", [r[2] for r in formulas])
    cells = [(r[1], r[2]) for r in rows if r[0] == "row"]
    if not cells:
        return parse_rows(None, iter(()), max_rows)
    header = [c.strip().lower() for c in cells[0][1]]
    if numbers and "iin" in header:
        raise refuse(f"{len(numbers)} IIN cell(s) are numbers, which lose leading zeros: "
                     "format the iin column as text; nothing was imported",
                     [r[2] for r in numbers])
    return parse_rows(cells[0][1], iter(cells[1:]), max_rows)


def _sheet_rows(ws: Any, max_rows: int) -> Iterator[tuple[str, int, Any]]:
    """("row", line, cells), ("formula", line, problem) and ("iin_number", line, problem);
    the header decides which column is the IIN's."""
    iin_col: int | None = None
    width = 0
    for line, row in enumerate(ws.iter_rows(), start=1):
        if line > max_rows + 1:
            return  # parse_rows refuses the size
        cells = []
        for k, cell in enumerate(row):
            value = cell.value
            if getattr(cell, "data_type", None) == "f" or (
                    isinstance(value, str) and value.startswith("=")):
                ref = f"{get_column_letter(k + 1)}{line}"
                yield "formula", line, {"line": line, "field": ref, "expected": "a value",
                                        "actual": "a formula",
                                        "message": f"cell {ref} holds a formula"}
                value = ""
            elif k == iin_col and isinstance(value, int | float) and not isinstance(
                    value, bool):
                ref = f"{get_column_letter(k + 1)}{line}"
                yield "iin_number", line, {"line": line, "field": "iin", "expected": "text",
                                           "actual": "a number",
                                           "message": f"cell {ref}: the IIN is a number"}
            cells.append(_text(value))
        if line == 1:
            while cells and cells[-1] == "":
                cells.pop()
            width = len(cells)
            names = [c.strip().lower() for c in cells]
            iin_col = names.index("iin") if "iin" in names else None
        else:  # a row as wide as the header, unless it has values beyond it
            while len(cells) > width and cells[-1] == "":
                cells.pop()
            cells += [""] * (width - len(cells))
        if any(c.strip() for c in cells):
            yield "row", line, cells
