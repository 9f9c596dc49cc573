"""A geography as CSV: the one file format for importing and exporting units.

Pure: `parse_geography_csv` takes the file's bytes, `geography_to_csv` returns text; reading
and writing files belongs to the shell. The same specification is in docs/geography-csv.md.

Format
------
UTF-8 (a leading byte order mark is accepted and ignored), comma-separated, a field quoted
with ``"`` when it holds a comma, a quote or a line break (RFC 4180: a quote inside a quoted
field is doubled). Lines end with LF, CRLF or CR. Line 1 is the header; it names these nine
columns, each exactly once, in any order (matched ignoring case and surrounding spaces; no
other column is allowed)::

    id,parent,kind,name_kk,name_ru,name_en,code,registered,abroad

- ``id``: the unit's id, unique in the file, not empty, at most 64 characters, printable,
  without ``/`` (saylau.domain.limits).
- ``parent``: the parent's id; empty only for the root (the country).
- ``kind``: ``country``, ``region``, ``city``, ``district`` or ``station`` (any case). The
  root is the country and no other unit is; the root's children are regions and cities (the
  top-level units) and no other unit is a region or a city; stations are leaves.
- ``name_kk``, ``name_ru``, ``name_en``: the name in Kazakh (Cyrillic), Russian and English.
  At least one of the three is not blank; each at most 2,000 characters, without NUL; names
  are kept exactly as written, spaces included.
- ``code``: the ISO 3166-2 code (two capital letters, a hyphen, 1-3 capitals or digits, e.g.
  ``KZ-71``) of a region or city, or empty when it has none (e.g. an imported foreign
  geography); always empty for every other kind.
- ``registered``: voters on the list, stations only: a whole number >= 0 in the digits 0-9
  (no ``+``, no separators, no decimals; ``-12`` is reported as a negative count); required
  for stations; empty or ``0`` for other kinds.
- ``abroad``: ``true`` or ``false`` (any case); empty means false; only stations can be
  abroad.

A text cell that a spreadsheet would run as a formula is written behind an apostrophe and
read back without it (saylau.domain.spreadsheet: reversible, so the round trip is exact).
Surrounding spaces are removed from every field except the names. Rows may come in any order
(a child may come before its parent). Blank lines, and rows whose fields are all blank, are
skipped. The export writes the columns in the order above, LF line ends, no byte order mark,
units parents first (the order of `Geography.units`), ``registered`` and ``abroad`` empty for
units that are not stations and ``true``/``false`` in ``abroad`` for stations; reading the
export gives back an equal `Geography`.

All or nothing
--------------
A file with any bad row imports nothing. `ImportFailed` lists every problem at once in
``rows``, each a dict with ``line`` (1-based physical line, the header is line 1; a row with
a quoted line break is named by its first line), ``unit`` (the row's id, as far as readable),
``field`` (a column; ``row`` for a row with the wrong number of fields or broken quoting;
``header``; ``encoding``), ``expected``, ``actual`` and ``message``, sorted by line:

1. Bytes that are not UTF-8: every line that holds them (the bytes in hex, their place in
   the line); nothing else is reported.
2. A bad header (no header, a missing, unknown or repeated column): reported alone, as rows
   cannot be read without it.
3. Otherwise, together: row problems (wrong number of fields, empty id, unknown kind, a voter
   count that is not a whole number or missing for a station, a bad ``abroad`` or ``code``, no
   name) and tree problems (duplicate id, unknown parent, a cycle of parents (each unit on it),
   a negative voter count, a station used as a parent, a voter list or ``abroad`` on a unit
   that is not a station, a unit of the wrong kind for its level, no root or more than one).
   A child whose parent's row was itself refused is not reported again as having an unknown
   parent.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterable, Iterator

from saylau.domain.errors import ImportFailed, ValidationFailed
from saylau.domain.geography import (
    TOP_LEVEL_KINDS,
    Geography,
    GeographyProblem,
    Unit,
    UnitKind,
    limit_problems,
    structural_problems,
)
from saylau.domain.ids import UnitId
from saylau.domain.names import Names
from saylau.domain.spreadsheet import escape, unescape

COLUMNS: tuple[str, ...] = (
    "id",
    "parent",
    "kind",
    "name_kk",
    "name_ru",
    "name_en",
    "code",
    "registered",
    "abroad",
)
"""The columns of a geography file, in the order the export writes them."""

_KINDS = ", ".join(k.value for k in UnitKind)
_INTEGER = re.compile(r"-?[0-9]+", re.ASCII)
_ISO_3166_2 = re.compile(r"[A-Z]{2}-[A-Z0-9]{1,3}", re.ASCII)
_NEEDS_QUOTES = re.compile(r'[,"\r\n]')
_SHOWN = 60  # how much of a bad value a message quotes


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


def geography_to_csv(geo: Geography) -> str:
    """The geography as CSV text (encode it as UTF-8); `parse_geography_csv` reads it back to
    an equal geography."""
    return units_to_csv(geo.units)


def units_to_csv(units: Iterable[Unit]) -> str:
    """Units as CSV text in the given order, e.g. straight from the generator without building
    a Geography first. Only a valid geography's units read back without problems."""
    station = UnitKind.STATION
    lines = [",".join(COLUMNS)]
    append = lines.append
    for u in units:
        is_station = u.kind is station
        append(
            ",".join(
                (
                    _cell(u.id),
                    _cell(u.parent or ""),
                    u.kind.value,
                    _cell(u.name.kk),
                    _cell(u.name.ru),
                    _cell(u.name.en),
                    _cell(u.code or ""),
                    str(u.registered) if is_station or u.registered else "",
                    "true" if u.abroad else ("false" if is_station else ""),
                )
            )
        )
    append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    """A field as RFC 4180 writes it: quoted when it holds a comma, a quote, CR or LF, after
    a formula's start is neutralised (saylau.domain.spreadsheet; the reader undoes it).
    (The csv module's writer leaves a lone CR unquoted when lines end with LF, which would
    split the record on reading; hence this small writer.)"""
    text = escape(text)
    if _NEEDS_QUOTES.search(text) is None:
        return text
    return '"' + text.replace('"', '""') + '"'


# --- reading ------------------------------------------------------------------------------


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
