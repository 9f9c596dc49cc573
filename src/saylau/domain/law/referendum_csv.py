"""The referendum calculator's input: one CSV row per top-level unit, parsed purely.

::

    unit,registered,ballots_issued,ballots_in_boxes,yes,no,both_marked,invalid
    akmola,560000,400000,399000,300000,80000,7000,12000

Optional columns: `name` (defaults to the unit id), `stations_expected` and
`stations_reported` (default 0/0: the figures are complete and final). `ballots_issued` may be
empty when unknown, unless the ballots-issued reading is chosen. Text in, values out: the caller
reads the file; a file that breaks any rule is refused whole with `ImportFailed`, listing every
bad row with its line, field, expected and actual value.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from saylau.domain.errors import ImportFailed
from saylau.domain.law.referendum import ReferendumReadings, UnitFigures, unit_findings

REQUIRED_COLUMNS: tuple[str, ...] = (
    "unit",
    "registered",
    "ballots_issued",
    "ballots_in_boxes",
    "yes",
    "no",
    "both_marked",
    "invalid",
)
OPTIONAL_COLUMNS: tuple[str, ...] = ("name", "stations_expected", "stations_reported")
_OPTIONAL_COUNTS = frozenset({"ballots_issued", "stations_expected", "stations_reported"})
_DIGITS = frozenset("0123456789")


@dataclass(frozen=True, slots=True)
class ReferendumCsv:
    """The parsed file: the units in file order and the line each came from."""

    units: tuple[UnitFigures, ...]
    lines: tuple[int, ...]

    def line_of(self, unit: str) -> int | None:
        for u, line in zip(self.units, self.lines, strict=True):
            if u.unit == unit:
                return line
        return None


def _row(line: int, field: str, expected: str, actual: object, message: str) -> dict[str, Any]:
    return {
        "line": line,
        "field": field,
        "expected": expected,
        "actual": actual,
        "message": message,
    }


def _refuse(rows: Sequence[dict[str, Any]]) -> ImportFailed:
    first = rows[0]
    more = f" (and {len(rows) - 1} more problem(s))" if len(rows) > 1 else ""
    return ImportFailed(
        f"line {first['line']}, field {first['field']}: {first['message']}{more}", rows=rows
    )


def decode_csv(data: bytes) -> str:
    """`data` as UTF-8 text (a leading byte-order mark is dropped); refuses other encodings."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 1].hex()
        raise _refuse(
            [
                _row(
                    line,
                    "encoding",
                    "UTF-8 text",
                    f"byte 0x{bad} at offset {exc.start}",
                    f"the file is not UTF-8 (byte 0x{bad} at offset {exc.start}); "
                    f"save it as UTF-8 CSV",
                )
            ]
        ) from None
    return text.removeprefix("\ufeff")


def _count(cell: str, *, line: int, field: str, problems: list[dict[str, Any]]) -> int | None:
    text = cell.strip()
    if not text:
        if field in _OPTIONAL_COUNTS:
            return None
        problems.append(
            _row(line, field, "a non-negative integer", "", f"{field} is empty; write a number")
        )
        return None
    body = text[1:] if text[0] in "+-" else text
    if body and set(body) <= _DIGITS:
        value = int(text)
        if value < 0:
            problems.append(
                _row(
                    line,
                    field,
                    "a non-negative integer",
                    text,
                    f"{field} is {text}; counts cannot be negative",
                )
            )
            return None
        return value
    problems.append(
        _row(
            line,
            field,
            "a non-negative integer (digits only, no separators)",
            text,
            f"{field} is {text!r}, not a whole number",
        )
    )
    return None


def parse_referendum_csv(text: str, *, readings: ReferendumReadings | None = None) -> ReferendumCsv:
    """Parse the calculator's CSV. With `readings`, also check each unit's figures add up.

    Raises `ImportFailed` with every bad row (line, field, expected, actual, message).
    """
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise _refuse(
            [
                _row(
                    1,
                    "header",
                    "a header line: " + ",".join(REQUIRED_COLUMNS),
                    "an empty file",
                    "the file is empty",
                )
            ]
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    problems: list[dict[str, Any]] = []
    try:
        header_cells = next(reader)
    except csv.Error as exc:
        raise _refuse(
            [_row(1, "header", "a CSV header line", str(exc), f"unreadable header: {exc}")]
        ) from None
    header = [c.strip().lower() for c in header_cells]
    header_line = reader.line_num
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
    for column in REQUIRED_COLUMNS:
        if column not in header:
            problems.append(
                _row(
                    header_line,
                    column,
                    f"a column named {column!r}",
                    ",".join(header),
                    f"the header has no {column!r} column",
                )
            )
    for column in header:
        if column not in known:
            problems.append(
                _row(
                    header_line,
                    column or "(empty)",
                    "one of " + ",".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS),
                    column,
                    f"unknown column {column!r}",
                )
            )
    for column, times in Counter(header).items():
        if times > 1 and column in known:
            problems.append(
                _row(
                    header_line,
                    column,
                    "each column once",
                    f"{times} times",
                    f"column {column!r} appears {times} times",
                )
            )
    if problems:
        raise _refuse(_dedupe(problems))

    units: list[UnitFigures] = []
    lines: list[int] = []
    first_line: dict[str, int] = {}
    line = header_line
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(
                _row(reader.line_num, "row", "a CSV row", str(exc), f"unreadable row: {exc}")
            )
            break
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                _row(
                    line,
                    "row",
                    f"{len(header)} cells (one per column)",
                    f"{len(cells)} cells",
                    f"the row has {len(cells)} cells, the header {len(header)}",
                )
            )
            continue
        record = dict(zip(header, cells, strict=True))
        before = len(problems)
        unit = record["unit"].strip()
        if not unit:
            problems.append(_row(line, "unit", "a unit id", "", "the unit id is empty"))
        counts: dict[str, int | None] = {}
        for field in REQUIRED_COLUMNS[1:] + OPTIONAL_COLUMNS[1:]:
            counts[field] = _count(record.get(field, ""), line=line, field=field, problems=problems)
        if unit in first_line:
            problems.append(
                _row(
                    line,
                    "unit",
                    "each unit once",
                    f"{unit} (also on line {first_line[unit]})",
                    f"unit {unit!r} appears again (first on line {first_line[unit]})",
                )
            )
        elif unit:
            first_line[unit] = line
        if len(problems) > before:
            continue
        figures = UnitFigures(
            unit=unit,
            name=record.get("name", "").strip() or unit,
            registered=counts["registered"] or 0,
            ballots_issued=counts["ballots_issued"],
            ballots_in_boxes=counts["ballots_in_boxes"] or 0,
            yes=counts["yes"] or 0,
            no=counts["no"] or 0,
            both_marked=counts["both_marked"] or 0,
            invalid=counts["invalid"] or 0,
            stations_expected=counts["stations_expected"] or 0,
            stations_reported=counts["stations_reported"] or 0,
        )
        if readings is not None:
            for finding in unit_findings(figures, readings):
                problems.append(
                    {
                        **_row(
                            line,
                            finding["field"],
                            finding["expected"],
                            finding["actual"],
                            finding["message"],
                        ),
                        "unit": unit,
                    }
                )
        units.append(figures)
        lines.append(line)
    if not units and not problems:
        problems.append(
            _row(
                line + 1,
                "units",
                "at least one unit row after the header",
                "none",
                "the file has a header but no units",
            )
        )
    if problems:
        raise _refuse(problems)
    return ReferendumCsv(units=tuple(units), lines=tuple(lines))


def _dedupe(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[tuple[object, ...]] = set()
    out: list[dict[str, Any]] = []
    for r in rows:
        key = (r["line"], r["field"], r["message"])
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out
