"""Protocols in bulk from CSV (`saylau protocols import`), pure: bytes in, values out.

Columns (header required, any order; one row per station):

    station, registered, ballots_received, ballots_issued, ballots_cancelled,
    ballots_in_boxes, invalid, both_marked, then one column per option of the contest
    (a referendum: `yes`, `no`; a party list: each party's option id and AGAINST_ALL)

`both_marked` may be omitted for contests without that category (it is then 0). Every count
is a non-negative whole number written in digits. The file is UTF-8 (a BOM is accepted).
A file with any bad row imports nothing: `ImportFailed` lists every bad row with its line
(the header is line 1), field, expected and actual values.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from saylau.domain.contests import Contest
from saylau.domain.errors import ImportFailed, field_error
from saylau.domain.ids import OptionId
from saylau.domain.protocols import COUNT_FIELDS, ProtocolCounts

REQUIRED = ("station", *(f for f in COUNT_FIELDS if f != "both_marked"))


@dataclass(frozen=True)
class ProtocolColumns:
    """A parsed file as columns: `counts` has one row per data row and the columns
    COUNT_FIELDS + the contest's options (in contest order)."""

    lines: npt.NDArray[np.int64]
    stations: list[str]
    options: tuple[OptionId, ...]
    counts: npt.NDArray[np.int64]

    def row(self, k: int) -> ProtocolCounts:
        c = self.counts[k]
        n = len(COUNT_FIELDS)
        return ProtocolCounts(
            votes=tuple(sorted((o, int(c[n + j])) for j, o in enumerate(self.options))),
            **{f: int(c[i]) for i, f in enumerate(COUNT_FIELDS)},
        )


def _bad(line: int, field: str, expected: str, actual: object, message: str) -> dict[str, object]:
    return {"line": line, **field_error(field, expected, actual, message)}


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFailed(
            f"the file is not UTF-8: byte {exc.start} (line {line}) cannot be decoded",
            rows=[_bad(line, "encoding", "UTF-8", data[exc.start : exc.start + 4].hex(),
                       f"line {line} is not valid UTF-8")],
        ) from None


def read_rows(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    """The rows of a csv.reader; a row the csv module cannot read (a field over its size
    limit) refuses the file, naming its line, instead of escaping as csv.Error."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = getattr(reader, "line_num", 0) or 1
            raise ImportFailed(
                f"line {line} cannot be read as CSV: {exc}",
                rows=[_bad(line, "row", "a well-formed CSV row", "", f"line {line}: {exc}")],
            ) from None
        yield row


def parse_protocols_csv(
    data: bytes, contest: Contest, max_rows: int = 2_000_000
) -> ProtocolColumns:
    """Parse and type-check every row (not the protocol checks: those run after).

    A clean file (every row complete, every value plain digits) is converted column by
    column; any other file goes row by row and reports every bad value with its line."""
    text = decode(data)
    reader = read_rows(csv.reader(io.StringIO(text, newline="")))
    header = next(reader, None)
    if header is None:
        raise ImportFailed("the file is empty; expected a header line",
                           rows=[_bad(1, "header", ",".join(REQUIRED), "", "empty file")])
    header = [h.strip() for h in header]
    options = contest.option_ids
    wanted = list(REQUIRED) + list(options)
    if contest.has_both_marked:
        wanted.insert(REQUIRED.index("invalid") + 1, "both_marked")
    missing = [w for w in wanted if w not in header]
    extra = [h for h in header if h not in wanted and h != "both_marked"]
    if missing or extra or len(set(header)) != len(header):
        raise ImportFailed(
            "the header does not match the contest: "
            + (f"missing {missing}; " if missing else "")
            + (f"unknown columns {extra} (the contest's options are {list(options)})"
               if extra else "")
            + ("; a column appears twice" if len(set(header)) != len(header) else ""),
            rows=[_bad(1, "header", ",".join(wanted), ",".join(header), "header mismatch")],
        )
    col = {h: i for i, h in enumerate(header)}
    fields = list(COUNT_FIELDS) + list(options)
    idx = [col.get(f, -1) for f in fields]
    width = len(header)
    if col["station"] == 0 and width > 1 and not _SPECIAL.search(text):
        body = text.partition("\n")[2]
        plain = _parse_plain(body, width, idx, options, max_rows)
        if plain is not None:
            return plain
    records = list(itertools.islice(reader, max_rows + 1))
    fast = _parse_clean(records, width, col["station"], idx, options, max_rows)
    if fast is not None:
        return fast
    rest = itertools.chain(records, reader)
    return _parse_rows(rest, width, col["station"], fields, idx, options, max_rows)


_SPECIAL = re.compile(r'["\r\x00]')
_STATION = re.compile(r"^([^,\n]*),", re.MULTILINE)
_NOT_NUMERIC = re.compile(r"[^0-9,\n]")
_NL, _COMMA = ord("\n"), ord(",")


def _parse_plain(  # noqa: PLR0911 - one early exit per thing this path does not take
    body: str, width: int, idx: list[int], options: tuple[OptionId, ...], max_rows: int
) -> ProtocolColumns | None:
    """The fastest path, for the usual file: no quotes, LF line ends, the station first, every
    row complete and every value 1 to 12 plain digits (checked on the whole text at once).
    None when the file is anything else: the other paths then read (and report) it."""
    if body and not body.endswith("\n"):
        body += "\n"
    n = body.count("\n")
    if n > max_rows:
        return None
    raw = _STATION.findall(body)
    if len(raw) != n:
        return None
    stations = [s.strip() for s in raw]
    if not all(stations):
        return None
    numbers = _STATION.sub("", body)
    if _NOT_NUMERIC.search(numbers):
        return None
    text = np.frombuffer(numbers.encode("ascii"), dtype=np.uint8)
    seps = np.flatnonzero((text == _NL) | (text == _COMMA))
    lengths = np.diff(seps, prepend=-1) - 1
    if lengths.size and (lengths.min() < 1 or lengths.max() > 12):
        return None  # an empty value, or more than 12 digits
    ends = np.flatnonzero(text[seps] == _NL)  # which separators end a line
    if ends.size and bool((np.diff(ends, prepend=-1) != width - 1).any()):
        return None  # a row with a wrong number of fields
    values = np.zeros((n, width - 1), dtype=np.int64)
    if n:
        values = np.fromstring(  # text mode (not the deprecated binary mode)
            numbers[:-1].replace("\n", ","), dtype=np.int64, sep=","
        ).reshape(n, width - 1)
    counts = np.zeros((n, len(idx)), dtype=np.int64)
    for j, i in enumerate(idx):
        if i > 0:
            counts[:, j] = values[:, i - 1]
    return ProtocolColumns(np.arange(2, n + 2, dtype=np.int64), stations, options, counts)


def _parse_clean(
    records: list[list[str]], width: int, station_col: int, idx: list[int],
    options: tuple[OptionId, ...], max_rows: int,
) -> ProtocolColumns | None:
    """The columns of a file without a single bad value, built column by column; None when
    the file has anything `_parse_rows` would report or skip (a blank line, a wrong width, an
    empty station, a value that is not plain digits, too many rows), so that it reports it."""
    n = len(records)
    if n > max_rows or any(len(r) != width for r in records):
        return None
    columns = list(zip(*records, strict=True)) if n else [() for _ in range(width)]
    stations = [s.strip() for s in columns[station_col]]
    if not all(stations):
        return None
    counts = np.zeros((n, len(idx)), dtype=np.int64)
    for j, i in enumerate(idx):
        if i < 0:
            continue  # both_marked omitted: 0
        cells = columns[i]
        if n == 0:
            continue
        joined = "".join(cells)
        # digits only (no sign, space or separator) in every cell, 1 to 12 of them
        if not (joined.isdigit() and joined.isascii()):
            return None
        if min(map(len, cells)) < 1 or max(map(len, cells)) > 12:
            return None
        counts[:, j] = np.array(cells, dtype=np.int64)
    return ProtocolColumns(np.arange(2, n + 2, dtype=np.int64), stations, options, counts)


def _parse_rows(
    records: Iterable[list[str]], width: int, station_col: int, fields: list[str], idx: list[int],
    options: tuple[OptionId, ...], max_rows: int,
) -> ProtocolColumns:
    """Row by row, reporting every bad value with its line (any file)."""
    problems: list[dict[str, object]] = []
    stations: list[str] = []
    lines: list[int] = []
    rows: list[list[int]] = []
    for lineno, rec in enumerate(records, start=2):
        if not rec or (len(rec) == 1 and not rec[0].strip()):
            continue
        if len(stations) >= max_rows:
            raise ImportFailed(f"the file has more than {max_rows:,} rows",
                               rows=[_bad(lineno, "rows", f"at most {max_rows:,}", "more",
                                          "file too large")])
        if len(rec) != width:
            problems.append(_bad(lineno, "row", f"{width} fields", len(rec),
                                 f"line {lineno} has {len(rec)} fields, the header {width}"))
            continue
        station = rec[station_col].strip()
        if not station:
            problems.append(_bad(lineno, "station", "a station id", "", "empty station id"))
        values: list[int] = []
        for f, i in zip(fields, idx, strict=True):
            raw = rec[i].strip() if i >= 0 else "0"
            if raw.isdigit() and raw.isascii() and len(raw) <= 12:
                values.append(int(raw))
            else:
                problems.append(_bad(lineno, f, "a non-negative whole number", raw,
                                     f"line {lineno}: {f} is {raw!r}, not a count"))
                values.append(0)
        stations.append(station)
        lines.append(lineno)
        rows.append(values)
    counts = np.array(rows, dtype=np.int64).reshape(len(rows), len(fields))
    if problems:
        # the rows that did read go with the error, so the importer reports their problems too
        bad_lines = {int(str(p["line"])) for p in problems}
        keep = np.array([ln not in bad_lines for ln in lines], dtype=bool)
        partial = ProtocolColumns(
            np.array(lines, dtype=np.int64)[keep],
            [s for s, k in zip(stations, keep.tolist(), strict=True) if k], options,
            counts[keep] if rows else counts)
        raise ImportFailed(f"{len(problems)} bad value(s) in the file; nothing was imported",
                           rows=problems, partial=partial)
    return ProtocolColumns(np.array(lines, dtype=np.int64), stations, options, counts)
