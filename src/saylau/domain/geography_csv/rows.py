"""Reading a geography file line by line: the lines, the header, each row, every problem."""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator

from saylau.domain.errors import ImportFailed
from saylau.domain.geography import (
    TOP_LEVEL_KINDS,
    GeographyProblem,
    Unit,
    UnitKind,
)
from saylau.domain.geography_csv.columns import _INTEGER, _ISO_3166_2, _KINDS, _SHOWN, COLUMNS
from saylau.domain.ids import UnitId
from saylau.domain.names import Names
from saylau.domain.spreadsheet import unescape

_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
"""One physical line with its end (LF, CRLF or CR), or a last line without one."""


def _lines(data: bytes, problems: list[GeographyProblem]) -> Iterator[str]:
    """The file's lines, decoded one at a time (a million-row file is never held twice as
    text). A line that is not UTF-8 is appended to `problems` and read with U+FFFD in place
    of the bad bytes, so that the lines after it keep their numbers."""
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    for k, match in enumerate(_LINE.finditer(data, start), start=1):
        raw = match.group()
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad = raw[exc.start : exc.end].hex(" ")
            problems.append(
                GeographyProblem(
                    unit="",
                    field="encoding",
                    expected="UTF-8 text",
                    actual=f"bytes {bad}",
                    message=f"line {k} is not UTF-8: bytes {bad} at byte {exc.start + 1} of "
                    f"the line ({exc.reason}); save the file as UTF-8",
                    line=k,
                )
            )
            yield raw.decode("utf-8", errors="replace")


def _read_on(reader: Iterator[list[str]]) -> None:
    """Read the rest of a file whose rows will not be used (to find its encoding problems)."""
    while True:
        try:
            next(reader)
        except StopIteration:
            return
        except csv.Error:
            continue


def _row_error(line: int, exc: csv.Error) -> GeographyProblem:
    return GeographyProblem(
        unit="",
        field="row",
        expected="a well-formed CSV row",
        actual="",
        message=f"line {line} cannot be read as CSV: {exc}",
        line=line,
    )


def _header_problems(header: list[str], problems: list[GeographyProblem]) -> dict[str, int]:
    """Column name -> position; appends every header problem (line 1) to `problems`."""
    names = [h.strip().lower() for h in header]
    wanted = ",".join(COLUMNS)
    if not any(names):
        problems.append(
            GeographyProblem(
                unit="",
                field="header",
                expected=wanted,
                actual="",
                message=f"line 1 must be the header {wanted}; the file has no header",
                line=1,
            )
        )
        return {}
    if not set(names) & set(COLUMNS):
        problems.append(
            GeographyProblem(
                unit="",
                field="header",
                expected=wanted,
                actual=_show(",".join(header)),
                message=f"line 1 must be the header {wanted}; found {_show(','.join(header))!r}",
                line=1,
            )
        )
        return {}
    columns: dict[str, int] = {}
    for pos, name in enumerate(names):
        if name not in COLUMNS:
            problems.append(
                GeographyProblem(
                    unit="",
                    field="header",
                    expected=f"only the columns {wanted}",
                    actual=_show(header[pos]),
                    message=f"unknown column {header[pos]!r} (column {pos + 1} of the header)",
                    line=1,
                )
            )
        elif name in columns:
            problems.append(
                GeographyProblem(
                    unit="",
                    field=name,
                    expected="each column once",
                    actual=name,
                    message=f"column {name!r} appears twice in the header "
                    f"(columns {columns[name] + 1} and {pos + 1})",
                    line=1,
                )
            )
        else:
            columns[name] = pos
    for name in COLUMNS:
        if name not in columns:
            problems.append(
                GeographyProblem(
                    unit="",
                    field=name,
                    expected=f"a column {name!r}",
                    actual="missing",
                    message=f"the header has no column {name!r}; it needs {wanted}",
                    line=1,
                )
            )
    return columns


_KIND_BY_TEXT: dict[str, UnitKind] = {k.value: k for k in UnitKind}
_FLAG = {"": False, "false": False, "true": True}


def _read_row(
    row: list[str], positions: tuple[int, ...], line: int, parents: dict[str, UnitId],
    quoted: bool = True,
) -> tuple[Unit | None, list[GeographyProblem], str, bool]:
    """(the unit, or None when the row cannot enter the tree checks; the row's problems;
    its id as far as readable, '' for a blank row; whether its parent column is blank).

    `positions` are the columns' places in the order of COLUMNS; `parents` shares one
    string per parent id among the rows; `quoted` is False when the file holds no
    apostrophe at all (then no cell needs `unescape`)."""
    id_pos, parent_pos = positions[0], positions[1]
    uid = row[id_pos].strip() if id_pos < len(row) else ""
    parent_blank = parent_pos >= len(row) or not row[parent_pos].strip()
    if len(row) != len(positions):
        if not any(cell.strip() for cell in row):
            return None, [], "", parent_blank  # a blank line or a row of empty fields
        problem = GeographyProblem(
            unit=uid,
            field="row",
            expected=f"{len(positions)} fields",
            actual=str(len(row)),
            message=f"line {line} has {len(row)} fields, the header has {len(positions)} "
            "(a comma inside a name needs the name in double quotes)",
            line=line,
        )
        return None, [problem], uid, parent_blank
    parent_text, kind_text, kk, ru, en, code, registered_text, abroad_text = (
        row[p] for p in positions[1:]
    )
    if quoted:  # a formula's start neutralised by the writer (saylau.domain.spreadsheet)
        uid, parent_text, code = unescape(uid), unescape(parent_text.strip()), unescape(
            code.strip())
        kk, ru, en = unescape(kk), unescape(ru), unescape(en)
    parent_text, kind_text, code = parent_text.strip(), kind_text.strip(), code.strip()
    registered_text, abroad_text = registered_text.strip(), abroad_text.strip()

    # the usual row, accepted without building any message
    kind = _KIND_BY_TEXT.get(kind_text)
    flag = _FLAG.get(abroad_text)
    if (
        uid
        and kind is not None
        and flag is not None
        and ((kk and not kk.isspace()) or (ru and not ru.isspace()) or (en and not en.isspace()))
        and (not code or (kind in TOP_LEVEL_KINDS and _ISO_3166_2.fullmatch(code)))
        and (
            (registered_text.isascii() and registered_text.isdigit())
            or (not registered_text and kind is not UnitKind.STATION)
        )
    ):
        parent: UnitId | None = None
        if parent_text:
            parent = parents.get(parent_text)
            if parent is None:
                parent = parents[parent_text] = UnitId(parent_text)
        unit = Unit(
            id=UnitId(uid),
            parent=parent,
            kind=kind,
            name=Names(kk=kk, ru=ru, en=en),
            code=code or None,
            registered=int(registered_text) if registered_text else 0,
            abroad=flag,
        )
        return unit, [], uid, parent_blank
    if not any(cell.strip() for cell in row):
        return None, [], "", parent_blank

    problems: list[GeographyProblem] = []
    usable = True  # False when the row cannot take part in the tree checks
    if not uid:
        problems.append(
            GeographyProblem(
                unit="",
                field="id",
                expected="a non-empty id",
                actual="",
                message=f"line {line} has no id",
                line=line,
            )
        )
        usable = False
    kind = _KIND_BY_TEXT.get(kind_text.lower())
    if kind is None:
        problems.append(
            GeographyProblem(
                unit=uid,
                field="kind",
                expected=f"one of {_KINDS}",
                actual=_show(kind_text),
                message=f"unit {uid!r} has unknown kind {_show(kind_text)!r}",
                line=line,
            )
        )
        usable = False
    names = Names(kk=kk, ru=ru, en=en)
    if not (names.kk.strip() or names.ru.strip() or names.en.strip()):
        problems.append(
            GeographyProblem(
                unit=uid,
                field="name_kk,name_ru,name_en",
                expected="at least one name",
                actual="",
                message=f"unit {uid!r} has no name in any language",
                line=line,
            )
        )
    if kind in TOP_LEVEL_KINDS and code and not _ISO_3166_2.fullmatch(code):
        problems.append(
            GeographyProblem(
                unit=uid,
                field="code",
                expected="an ISO 3166-2 code like 'KZ-71', or empty",
                actual=_show(code),
                message=f"{kind} {uid!r} has code {_show(code)!r}, which is not an "
                "ISO 3166-2 code (two capital letters, '-', 1-3 capitals or digits)",
                line=line,
            )
        )
    elif kind is not None and kind not in TOP_LEVEL_KINDS and code:
        problems.append(
            GeographyProblem(
                unit=uid,
                field="code",
                expected="empty (only regions and cities have a code)",
                actual=_show(code),
                message=f"{kind} {uid!r} has code {_show(code)!r}; only top-level units have one",
                line=line,
            )
        )
    registered = 0
    if _INTEGER.fullmatch(registered_text):
        registered = int(registered_text)
    elif registered_text or kind is UnitKind.STATION:
        problems.append(
            GeographyProblem(
                unit=uid,
                field="registered",
                expected="voters on the list: a whole number >= 0"
                + (" (required for stations)" if kind is UnitKind.STATION else ""),
                actual=_show(registered_text),
                message=f"unit {uid!r}: voters on the list must be a whole number of voters, "
                f"found {_show(registered_text)!r}",
                line=line,
            )
        )
    abroad = abroad_text.lower() == "true"
    if abroad_text.lower() not in {"", "true", "false"}:
        problems.append(
            GeographyProblem(
                unit=uid,
                field="abroad",
                expected="true, false or empty",
                actual=_show(abroad_text),
                message=f"unit {uid!r}: abroad must be true or false, found {_show(abroad_text)!r}",
                line=line,
            )
        )
    if not usable or kind is None:
        return None, problems, uid, parent_blank
    unit = Unit(
        id=UnitId(uid),
        parent=UnitId(parent_text) if parent_text else None,
        kind=kind,
        name=names,
        code=code or None,
        registered=registered,
        abroad=abroad,
    )
    return unit, problems, uid, parent_blank


def _show(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _failed(problems: list[GeographyProblem]) -> ImportFailed:
    problems = sorted(problems, key=lambda p: (p.line if p.line is not None else 0, p.field))
    bad_lines = sorted({p.line for p in problems if p.line is not None})
    first = problems[0]
    where = f"line {first.line}" if first.line is not None else "the file"
    return ImportFailed(
        f"the geography file was refused, nothing was imported: {len(problems)} problem(s)"
        f" on {len(bad_lines)} line(s); first, {where}: {first.message}",
        rows=[p.as_dict() for p in problems],
    )
