"""A member list file, read: its header and rows of text cells in, the list's columns out, or
the whole file refused naming what is wrong (wrong or missing columns, a row of the wrong
width, a signature cell that says neither yes nor no, an empty file, too many rows). Nothing of
a refused file is kept. CSV is read here (UTF-8); an XLSX workbook is turned into the same
header and rows by the shell (services/parties/member_files.py, openpyxl) and comes through
`parse_rows` too.

Whether a row's IIN is valid, its region real, its person already in another party are not
reasons to refuse the file: they are the row's findings (members.py), which the party sees.
No message here quotes an IIN cell beyond its last four characters.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from saylau.domain.errors import ImportFailed, TooLarge, ValidationFailed
from saylau.domain.limits import MAX_TEXT
from saylau.domain.parties.iin import masked
from saylau.domain.parties.members import COLUMNS, MemberColumns
from saylau.domain.spreadsheet import unescape

MAX_ROWS = 1_000_000
"""A party's list: 20,000 members were needed before 2022; a file past a million rows is
refused before it is read further."""
MAX_CELL = {"full_name": MAX_TEXT, "birth_date": 32, "region": 16, "joined": 32,
            "iin": 32, "signature": 32}
"""The longest cell each column may hold (the store's columns; a name: saylau.domain.limits)."""
MAX_LISTED = 50
"""At most this many bad rows are listed in a refusal (their count is always given)."""

YES = frozenset({"yes", "y", "1", "true", "да", "иә", "+"})
NO = frozenset({"no", "n", "0", "false", "нет", "жоқ", "-", ""})


def _bad(line: int, field: str, expected: str, actual: object, message: str) -> dict[str, Any]:
    return {"line": line, "field": field, "expected": expected, "actual": actual,
            "message": message}


def refuse(message: str, rows: Sequence[dict[str, Any]]) -> ImportFailed:
    listed = list(rows[:MAX_LISTED])
    more = len(rows) - len(listed)
    return ImportFailed(message + (f" (the first {len(listed)} of {len(rows)} listed)"
                                   if more > 0 else ""), rows=listed)


def decode(data: bytes) -> str:
    """UTF-8 (a byte-order mark allowed); anything else is refused naming the line, with the
    usual cause (a list saved from Excel as Windows-1251)."""
    if not data.strip():
        raise ImportFailed("the file is empty; expected a header line and one row per member",
                           rows=[_bad(1, "file", "a header line", "", "the file is empty")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFailed(
            f"the file is not UTF-8: byte {exc.start} (line {line}) cannot be decoded; save "
            "the list as CSV UTF-8 (a list saved as Windows-1251 or another code page is "
            "refused whole, nothing is imported)",
            rows=[_bad(line, "encoding", "UTF-8", f"byte 0x{data[exc.start]:02x}",
                       f"line {line} is not valid UTF-8")]) from None


def csv_rows(text: str) -> tuple[list[str] | None, Iterator[tuple[int, list[str]]]]:
    """The header and the (line, cells) of every other non-blank line."""
    reader = csv.reader(io.StringIO(text, newline=""))

    def rows() -> Iterator[tuple[int, list[str]]]:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                line = reader.line_num or 1
                raise ImportFailed(f"line {line} cannot be read as CSV: {exc}", rows=[
                    _bad(line, "row", "a well-formed CSV row", "", f"line {line}: {exc}")],
                ) from None
            if any(c.strip() for c in row):
                yield reader.line_num, row

    it = rows()
    first = next(it, None)
    return (None if first is None else first[1]), it


def parse_csv(data: bytes, max_rows: int = MAX_ROWS) -> MemberColumns:
    header, rows = csv_rows(decode(data))
    return parse_rows(header, rows, max_rows)


def _header(header: Sequence[str] | None) -> dict[str, int]:
    if header is None:
        raise ImportFailed("the file is empty; expected a header line: " + ",".join(COLUMNS),
                           rows=[_bad(1, "header", ",".join(COLUMNS), "", "no header line")])
    names = [masked(h.strip().lower()) for h in header]
    missing = [c for c in COLUMNS if c not in names]
    unknown = [h for h in names if h not in COLUMNS]
    twice = sorted({h for h in names if names.count(h) > 1})
    if missing or unknown or twice:
        problems = []
        if missing:
            problems.append("missing " + ", ".join(missing))
        if unknown:
            problems.append("unknown " + ", ".join(repr(u) for u in unknown))
        if twice:
            problems.append("given twice " + ", ".join(twice))
        raise ImportFailed(
            "the header does not name the member list's columns: " + "; ".join(problems)
            + f"; expected exactly: {','.join(COLUMNS)}",
            rows=[_bad(1, "header", ",".join(COLUMNS), ",".join(names), "; ".join(problems))])
    return {c: names.index(c) for c in COLUMNS}


def parse_rows(header: Sequence[str] | None, rows: Iterable[tuple[int, Sequence[str]]],
               max_rows: int = MAX_ROWS) -> MemberColumns:
    """Every row read, or the file refused with every structural problem listed."""
    at = _header(header)
    width = len(header or ())
    cols: dict[str, list[str]] = {c: [] for c in COLUMNS}
    lines: list[int] = []
    signatures: list[bool] = []
    bad: list[dict[str, Any]] = []
    for line, cells in rows:
        if len(lines) >= max_rows:
            raise TooLarge(f"the list has more than {max_rows:,} rows; nothing was imported",
                           details={"field": "rows", "expected": f"at most {max_rows:,}",
                                    "actual": f"more than {max_rows:,}"})
        if len(cells) != width:
            bad.append(_bad(line, "row", f"{width} cells", len(cells),
                            f"line {line} has {len(cells)} cells; the header has {width}"))
            continue
        values = {c: cells[at[c]].strip() for c in COLUMNS}
        for c in COLUMNS:
            if "\x00" in values[c]:
                bad.append(_bad(line, c, "text without NUL characters", "a NUL character",
                                f"line {line}: the {c} cell holds a NUL character"))
            elif len(values[c]) > MAX_CELL[c]:
                bad.append(_bad(line, c, f"at most {MAX_CELL[c]} characters",
                                f"{len(values[c])} characters",
                                f"line {line}: the {c} cell has {len(values[c])} characters; "
                                f"at most {MAX_CELL[c]}"))
        sig = values["signature"].lower()
        if sig not in YES and sig not in NO:
            said = masked(sig[:20])
            bad.append(_bad(line, "signature", "yes or no", said,
                            f"line {line}: the signature cell says {said!r}, neither yes "
                            "nor no"))
        lines.append(line)
        signatures.append(sig in YES)
        for c in COLUMNS:
            cols[c].append(values[c])
    if bad:
        raise refuse(f"{len(bad)} row(s) cannot be read (first: {bad[0]['message']}); nothing "
                     "was imported", bad)
    if not lines:
        raise ImportFailed("the file has a header but no members; nothing was imported",
                           rows=[_bad(2, "rows", "one row per member", 0, "no rows")])
    return MemberColumns(
        lines=tuple(lines), full_names=tuple(unescape(n) for n in cols["full_name"]),
        birth_dates=tuple(cols["birth_date"]), iins=tuple(cols["iin"]),
        regions=tuple(c.upper() for c in cols["region"]), joined=tuple(cols["joined"]),
        signatures=tuple(signatures))



def check_cells(**values: str | None) -> None:
    """A correction's cells within the same limits as a file's (ValidationFailed naming the
    field, never the value of an IIN)."""
    for field, value in values.items():
        if value is not None and len(value) > MAX_CELL[field]:
            raise ValidationFailed(
                f"{field}: {len(value)} characters; at most {MAX_CELL[field]}",
                details={"field": field, "expected": f"at most {MAX_CELL[field]} characters",
                         "actual": f"{len(value)} characters"})
