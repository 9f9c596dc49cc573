"""A geography as CSV: the one file format for importing and exporting units.

Pure: `parse_geography_csv` takes the file's bytes, `geography_to_csv` returns text; reading
and writing files belongs to the shell. The same text is in docs/geography-csv.md.

Format
------
UTF-8 (a leading byte order mark is accepted and ignored), comma-separated, fields quoted with
``"`` when they contain a comma, a quote or a line break (RFC 4180; a quote inside a quoted
field is doubled). Lines end with LF or CRLF. Line 1 is the header; it names these nine
columns, each exactly once, in any order (names are matched ignoring case and surrounding
spaces; no other column is allowed)::

    id,parent,kind,name_kk,name_ru,name_en,code,registered,abroad

==========  ===================================================================================
column      content
==========  ===================================================================================
id          the unit's id, unique in the file, not empty
parent      the parent's id; empty only for the root (the country)
kind        ``country``, ``region``, ``city``, ``district`` or ``station``; the root is the
            country; its children, and only they, are regions and cities (top-level units)
name_kk     name in Kazakh (Cyrillic) \
name_ru     name in Russian            | at least one of the three is not blank; names are kept
name_en     name in English           /  exactly as written, spaces included
code        ISO 3166-2 code (e.g. ``KZ-71``) for regions and cities; empty for other kinds
registered  voters on the list: stations only, an integer >= 0 written with the digits 0-9
            (no sign, no separators, no decimals); empty (or 0) for other kinds
abroad      ``true`` or ``false`` (any case) for stations, empty means false; only stations
            can be abroad
==========  ===================================================================================

Surrounding spaces are removed from every field except the names. Rows may come in any order
(a child may precede its parent). Blank lines, and rows whose fields are all blank, are
skipped. The export writes the columns in the order above, LF line ends, no byte order mark,
units parents first (the order of `Geography.units`), ``registered`` empty and ``abroad``
empty for units that are not stations, ``true``/``false`` for stations.

All or nothing
--------------
A file with any bad row imports nothing: `ImportFailed` lists every problem at once, each with
its line (1-based, counting physical lines, the header being line 1; a row with a quoted line
break is named by its first line), the unit's id, the field, what was expected, what was found
and a message. Row problems (wrong number of fields, empty id, unknown kind, a voter count that
is not a whole number, a bad ``abroad`` or ``code``, no name) and tree problems (duplicate id,
unknown parent, a cycle of parents, a negative voter count, a station used as a parent, a unit
of the wrong kind at a level, more than one root) are reported together; a child whose parent's
row was itself refused is not reported again as having an unknown parent. Bytes that are not
UTF-8 are reported for every line that holds them, before anything else is read.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable

from saylau.domain.errors import ImportFailed
from saylau.domain.geography import (
    TOP_LEVEL_KINDS,
    Geography,
    GeographyProblem,
    Unit,
    UnitKind,
    structural_problems,
)
from saylau.domain.ids import UnitId
from saylau.domain.names import Names

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
_SHOWN = 60  # how much of a bad value a message quotes


def parse_geography_csv(data: bytes) -> Geography:
    """The geography in a CSV file's bytes, validated whole (see the module docstring).

    Raises ImportFailed listing every bad row with its line; nothing is returned then.
    """
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    problems: list[GeographyProblem] = []
    try:
        header = next(reader)
    except StopIteration:
        header = []
    except csv.Error as exc:
        raise _failed([_problem(1, "", "header", "a header line", "", str(exc))]) from None
    columns = _header_problems(header, problems)
    if problems:
        raise _failed(problems)

    units: list[Unit] = []
    lines: dict[int, int] = {}
    good_ids: set[str] = set()
    refused: dict[str, int] = {}  # id of a refused row -> its line
    refused_root = False
    first_line: dict[str, tuple[int, bool]] = {}  # id -> (line of its first row, row refused)
    first_good: set[str] = set()
    last_line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(
                _problem(last_line + 1, "", "row", "a well-formed CSV row", "", str(exc))
            )
            last_line = reader.line_num
            continue
        line = last_line + 1
        last_line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        unit, row_problems, uid, parent_blank = _read_row(row, columns, line)
        problems.extend(row_problems)
        # duplicates that involve a refused row (tree checks only see accepted rows)
        if uid:
            seen = first_line.get(uid)
            if seen is None:
                first_line[uid] = (line, unit is None)
            elif unit is None or (seen[1] and uid not in first_good):
                problems.append(
                    _problem(
                        line, uid, "id", "a unique id", uid,
                        f"duplicate unit id {uid!r} (first at line {seen[0]})",
                    )
                )
            if unit is not None:
                first_good.add(uid)
        if unit is None:
            if uid:
                refused.setdefault(uid, line)
            refused_root = refused_root or parent_blank
            continue
        lines[len(units)] = line
        units.append(unit)
        good_ids.add(unit.id)

    for p in structural_problems(units, lines=lines):
        if p.field == "parent" and p.actual in refused and p.actual not in good_ids:
            continue  # the parent's own row was refused and is reported already
        if p.line is None and p.field == "parent" and p.actual == "0" and refused_root:
            continue  # "no root": the root's row was refused and is reported already
        problems.append(p)
    if problems:
        raise _failed(problems)
    return Geography.build(units)


def geography_to_csv(geo: Geography) -> str:
    """The geography as CSV text (encode it as UTF-8); `parse_geography_csv` reads it back to
    an equal geography."""
    return units_to_csv(geo.units)


def units_to_csv(units: Iterable[Unit]) -> str:
    """Units as CSV text in the given order, e.g. straight from the generator without building
    a Geography first. Only a valid geography's units read back without problems."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    station = UnitKind.STATION
    writer.writerows(
        (
            u.id,
            u.parent or "",
            u.kind.value,
            u.name.kk,
            u.name.ru,
            u.name.en,
            u.code or "",
            str(u.registered) if u.kind is station or u.registered else "",
            "true" if u.abroad else ("false" if u.kind is station else ""),
        )
        for u in units
    )
    return out.getvalue()


# --- reading ------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    problems: list[GeographyProblem] = []
    for k, raw in enumerate(body.splitlines(), start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad = raw[exc.start : exc.end].hex(" ")
            problems.append(
                _problem(
                    k, "", "encoding", "UTF-8 text", f"bytes {bad}",
                    f"line {k} is not UTF-8: byte {exc.start + 1} of the line starts "
                    f"{bad} ({exc.reason}); save the file as UTF-8",
                )
            )
    if not problems:  # pragma: no cover - a decoding error always lies within some line
        problems.append(_problem(1, "", "encoding", "UTF-8 text", "", "the file is not UTF-8"))
    raise _failed(problems)


def _header_problems(header: list[str], problems: list[GeographyProblem]) -> dict[str, int]:
    """Column name -> position; appends every header problem (line 1) to `problems`."""
    names = [h.strip().lower() for h in header]
    wanted = ",".join(COLUMNS)
    if not any(names):
        problems.append(
            _problem(
                1, "", "header", wanted, "",
                f"line 1 must be the header {wanted}; the file has no header",
            )
        )
        return {}
    if not set(names) & set(COLUMNS):
        problems.append(
            _problem(
                1, "", "header", wanted, _show(",".join(header)),
                f"line 1 must be the header {wanted}; found {_show(','.join(header))!r}",
            )
        )
        return {}
    columns: dict[str, int] = {}
    for pos, name in enumerate(names):
        if name not in COLUMNS:
            problems.append(
                _problem(
                    1, "", "header", f"only the columns {wanted}", _show(header[pos]),
                    f"unknown column {header[pos]!r} (column {pos + 1} of the header)",
                )
            )
        elif name in columns:
            problems.append(
                _problem(
                    1, "", name, "each column once", name,
                    f"column {name!r} appears twice in the header "
                    f"(columns {columns[name] + 1} and {pos + 1})",
                )
            )
        else:
            columns[name] = pos
    for name in COLUMNS:
        if name not in columns:
            problems.append(
                _problem(
                    1, "", name, f"a column {name!r}", "missing",
                    f"the header has no column {name!r}; it needs {wanted}",
                )
            )
    return columns


def _read_row(
    row: list[str], columns: dict[str, int], line: int
) -> tuple[Unit | None, list[GeographyProblem], str, bool]:
    """(the unit, or None when the row cannot enter the tree checks; the row's problems;
    its id as far as readable; whether its parent column is blank)."""
    id_pos = columns["id"]
    parent_pos = columns["parent"]
    uid = row[id_pos].strip() if id_pos < len(row) else ""
    parent_blank = parent_pos >= len(row) or not row[parent_pos].strip()
    if len(row) != len(columns):
        problem = _problem(
            line, uid, "row", f"{len(columns)} fields", str(len(row)),
            f"line {line} has {len(row)} fields, the header has {len(columns)} "
            "(a comma inside a name needs the name in double quotes)",
        )
        return None, [problem], uid, parent_blank

    def cell(name: str) -> str:
        return row[columns[name]]

    problems: list[GeographyProblem] = []
    usable = True  # False when the row cannot take part in the tree checks
    if not uid:
        problems.append(_problem(line, "", "id", "a non-empty id", "", f"line {line} has no id"))
        usable = False
    parent = cell("parent").strip()
    kind_text = cell("kind").strip()
    kind: UnitKind | None
    try:
        kind = UnitKind(kind_text.lower())
    except ValueError:
        kind = None
        problems.append(
            _problem(
                line, uid, "kind", f"one of {_KINDS}", _show(kind_text),
                f"unit {uid!r} has unknown kind {_show(kind_text)!r}",
            )
        )
        usable = False
    names = Names(kk=cell("name_kk"), ru=cell("name_ru"), en=cell("name_en"))
    if not (names.kk.strip() or names.ru.strip() or names.en.strip()):
        problems.append(
            _problem(
                line, uid, "name_kk,name_ru,name_en", "at least one name", "",
                f"unit {uid!r} has no name in any language",
            )
        )
    code = cell("code").strip()
    if kind in TOP_LEVEL_KINDS and not _ISO_3166_2.fullmatch(code):
        problems.append(
            _problem(
                line, uid, "code", "an ISO 3166-2 code like 'KZ-71' (top-level units)",
                _show(code),
                f"{kind} {uid!r} needs its ISO 3166-2 code, found {_show(code)!r}",
            )
        )
    elif kind is not None and kind not in TOP_LEVEL_KINDS and code:
        problems.append(
            _problem(
                line, uid, "code", "empty (only regions and cities have a code)", _show(code),
                f"{kind} {uid!r} has code {_show(code)!r}; only top-level units have one",
            )
        )
    registered_text = cell("registered").strip()
    registered = 0
    if _INTEGER.fullmatch(registered_text):
        registered = int(registered_text)
    elif registered_text or kind is UnitKind.STATION:
        problems.append(
            _problem(
                line, uid, "registered",
                "voters on the list: a whole number >= 0"
                + (" (required for stations)" if kind is UnitKind.STATION else ""),
                _show(registered_text),
                f"unit {uid!r}: voters on the list must be a whole number of voters, "
                f"found {_show(registered_text)!r}",
            )
        )
    abroad_text = cell("abroad").strip()
    abroad = abroad_text.lower() == "true"
    if abroad_text.lower() not in {"", "true", "false"}:
        problems.append(
            _problem(
                line, uid, "abroad", "true, false or empty", _show(abroad_text),
                f"unit {uid!r}: abroad must be true or false, found {_show(abroad_text)!r}",
            )
        )
    if not usable or kind is None:
        return None, problems, uid, parent_blank
    unit = Unit(
        id=UnitId(uid),
        parent=UnitId(parent) if parent else None,
        kind=kind,
        name=names,
        code=code or None,
        registered=registered,
        abroad=abroad,
    )
    return unit, problems, uid, parent_blank


def _problem(
    line: int, unit: str, field: str, expected: str, actual: str, message: str
) -> GeographyProblem:
    return GeographyProblem(unit, field, expected, actual, message, line)


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
