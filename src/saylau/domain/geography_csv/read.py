"""Reading a geography file whole: every bad row at once, or the geography."""

from __future__ import annotations

import csv

from saylau.domain.errors import ValidationFailed
from saylau.domain.geography import (
    Geography,
    GeographyProblem,
    Unit,
    limit_problems,
    structural_problems,
)
from saylau.domain.geography_csv.columns import COLUMNS
from saylau.domain.geography_csv.rows import (
    _failed,
    _header_problems,
    _lines,
    _read_on,
    _read_row,
    _row_error,
)
from saylau.domain.ids import UnitId


def parse_geography_csv(data: bytes) -> Geography:
    """The geography in a CSV file's bytes, validated whole (see the module docstring).

    Raises ImportFailed listing every bad row with its line; nothing is returned then.
    """
    encoding: list[GeographyProblem] = []
    reader = csv.reader(_lines(data, encoding))
    problems: list[GeographyProblem] = []
    try:
        header = next(reader)
    except StopIteration:
        header = []
    except csv.Error as exc:
        header = []
        problems.append(_row_error(1, exc))
    if not problems:
        columns = _header_problems(header, problems)
    if problems:
        _read_on(reader)  # only to find every line that is not UTF-8
        raise _failed(encoding or problems)
    positions = tuple(columns[c] for c in COLUMNS)
    quoted = b"'" in data  # else no cell was neutralised (saylau.domain.spreadsheet)

    units: list[Unit] = []
    unit_lines: list[int] = []  # the line of each unit in `units`
    refused_rows: list[tuple[int, str]] = []  # (line, id) of rows refused with an id
    refused_root = False
    parents: dict[str, UnitId] = {}  # one string per parent id, not one per row
    last_line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(_row_error(last_line + 1, exc))
            last_line = reader.line_num
            continue
        line = last_line + 1
        last_line = reader.line_num
        unit, row_problems, uid, parent_blank = _read_row(row, positions, line, parents,
                                                          quoted)
        if unit is not None:
            units.append(unit)
            unit_lines.append(line)
        elif row_problems:
            refused_rows.append((line, uid))
            refused_root = refused_root or parent_blank
        problems.extend(row_problems)  # none for a blank row, which is skipped
    if encoding:
        raise _failed(encoding)

    lines = dict(enumerate(unit_lines))
    problems.extend(limit_problems(units, lines))  # ids and names (saylau.domain.limits)
    if not problems:  # the usual case: validate once, while building
        try:
            return Geography.build(units)
        except ValidationFailed:
            pass  # found again below, with their lines
    refused = {uid for _, uid in refused_rows if uid}
    problems.extend(_duplicates_of_refused(refused_rows, refused, units, unit_lines))
    good_ids = {u.id for u in units}
    for p in structural_problems(units, lines=lines):
        if p.field == "parent" and p.actual in refused and p.actual not in good_ids:
            continue  # the parent's own row was refused and is reported already
        if p.line is None and p.field == "parent" and p.actual == "0" and refused_root:
            continue  # "no root": the root's row was refused and is reported already
        problems.append(p)
    raise _failed(problems)


def _duplicates_of_refused(
    refused_rows: list[tuple[int, str]],
    refused: set[str],
    units: list[Unit],
    unit_lines: list[int],
) -> list[GeographyProblem]:
    """Duplicate ids that involve a refused row (the tree checks see accepted rows only, and
    report the duplicates among them): every refused row whose id came before, and the first
    accepted row of an id whose first row was refused."""
    rows = sorted(
        [(line, uid, True) for line, uid in refused_rows if uid]
        + [
            (line, u.id, False)
            for u, line in zip(units, unit_lines, strict=True)
            if u.id in refused
        ]
    )
    first: dict[str, tuple[int, bool]] = {}  # id -> (first line, all its rows so far refused)
    found: list[GeographyProblem] = []
    for line, uid, was_refused in rows:
        seen = first.get(uid)
        if seen is None:
            first[uid] = (line, was_refused)
            continue
        if was_refused or seen[1]:
            found.append(
                GeographyProblem(
                    unit=uid,
                    field="id",
                    expected="a unique id",
                    actual=uid,
                    message=f"duplicate unit id {uid!r} (first at line {seen[0]})",
                    line=line,
                )
            )
        if not was_refused:
            first[uid] = (seen[0], False)
    return found
