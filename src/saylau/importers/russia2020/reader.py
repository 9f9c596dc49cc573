"""Reading the file: every row placed in the geography or reported, every protocol run
through saylau's checks (vectorised, then the flagged rows one by one for their messages)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from saylau.domain.contests import Contest, referendum_contest
from saylau.domain.errors import ImportFailed
from saylau.domain.geography import Geography, Unit, UnitKind
from saylau.domain.ids import ContestId, ElectionId, StationId, UnitId
from saylau.domain.protocol_batch import batch_flags
from saylau.domain.protocol_csv import decode, read_rows
from saylau.domain.protocols import (
    COUNT_FIELDS,
    ProtocolCheckContext,
    errors_of,
    run_checks,
    warnings_of,
)
from saylau.importers.russia2020.layout import Layout
from saylau.importers.russia2020.mapping import ProtocolRows, RowProblem, RussiaMapping
from saylau.importers.russia2020.names import (
    ABROAD_REGION,
    COLUMNS,
    ELECTION_ID,
    FEDERAL_CITIES,
    MAX_DIGITS,
    PRECINCT,
    QUESTION,
    ROOT_ID,
    ROOT_NAMES,
    names_of,
)


@dataclass
class _Builder:
    layout: Layout
    units: list[Unit] = field(default_factory=list)
    regions: dict[str, UnitId] = field(default_factory=dict)
    tiks: dict[tuple[str, str], UnitId] = field(default_factory=dict)
    tik_count: dict[UnitId, int] = field(default_factory=dict)
    odd_count: dict[UnitId, int] = field(default_factory=dict)
    stations: dict[tuple[UnitId, str], int] = field(default_factory=dict)
    station_lines: dict[StationId, int] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[RowProblem] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    ids: list[StationId] = field(default_factory=list)
    values: list[list[int]] = field(default_factory=list)

    def region(self, name: str) -> UnitId:
        rid = self.regions.get(name)
        if rid is None:
            rid = UnitId(f"RU-{len(self.regions) + 1:03d}")
            self.regions[name] = rid
            kind = UnitKind.CITY if name in FEDERAL_CITIES else UnitKind.REGION
            self.units.append(Unit(rid, ROOT_ID, kind, names_of(name)))
        return rid

    def tik(self, region: UnitId, region_name: str, name: str) -> UnitId:
        tid = self.tiks.get((region_name, name))
        if tid is None:
            k = self.tik_count.get(region, 0) + 1
            self.tik_count[region] = k
            tid = UnitId(f"{region}-T{k:03d}")
            self.tiks[(region_name, name)] = tid
            self.units.append(Unit(tid, region, UnitKind.DISTRICT, names_of(name)))
        return tid

    def station_id(self, tik: UnitId, precinct: str) -> StationId:
        m = self.layout.precinct.fullmatch(precinct)
        if m is not None:
            return StationId(UnitId(f"{tik}-U{m.group(1)}"))
        k = self.odd_count.get(tik, 0) + 1
        self.odd_count[tik] = k
        return StationId(UnitId(f"{tik}-X{k}"))

    def problem(self, line: int, station: str | None, field_: str, code: str, expected: str,
                actual: str, message: str) -> None:
        self.problems.append(RowProblem(line, station, field_, code, expected, actual, message))


def _count(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and raw.isascii() and len(raw) <= MAX_DIGITS else None


def _read_header(header: list[str] | None, layout: Layout) -> dict[str, int]:
    columns = layout.columns
    if header is None:
        raise ImportFailed(
            "the file is empty; expected a header line",
            rows=[{"line": 1, "field": "header", "expected": ",".join(columns), "actual": "",
                   "message": "empty file"}],
        )
    names = [h.strip() for h in header]
    missing = [c for c in columns if c not in names]
    twice = sorted({h for h in names if names.count(h) > 1 and h in columns})
    if missing or twice:
        raise ImportFailed(
            f"the header does not have the columns of {layout.what}: "
            + (f"missing {missing}" if missing else "")
            + ("; " if missing and twice else "")
            + (f"repeated {twice}" if twice else ""),
            rows=[{"line": 1, "field": "header", "expected": ",".join(columns),
                   "actual": ",".join(names), "message": "header mismatch"}],
        )
    return {h: i for i, h in enumerate(names)}


def contest_for(election_id: str = ELECTION_ID) -> Contest:
    """The contest the mapping checks against: what `create_referendum` creates."""
    return referendum_contest(
        ContestId(f"{election_id}.referendum"), ElectionId(election_id), QUESTION,
        constitutional=False, area=ROOT_ID,
    )


LAYOUT_2020 = Layout(
    what="the 2020 file", columns=COLUMNS, options=("yes", "no"), precinct=PRECINCT,
    contest=contest_for, election_id=ELECTION_ID, in_boxes=("ballots_in_boxes",),
    votes_label="yes + no")


def map_file(data: bytes, *, election_id: str | None = None,
             layout: Layout = LAYOUT_2020) -> RussiaMapping:
    """Map a CEC file (the 2020 one unless another layout is given) into saylau's values;
    every bad row is reported, none crashes.

    Raises ImportFailed only when the file as a whole cannot be read (not UTF-8, no header, a
    missing column)."""
    reader = csv.reader(io.StringIO(decode(data), newline=""))
    col = _read_header(next(read_rows(reader), None), layout)
    width = len(col)
    b = _Builder(layout)
    b.units.append(Unit(ROOT_ID, None, UnitKind.COUNTRY, ROOT_NAMES))
    rows = 0
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # e.g. a field over the csv module's size limit
            rows += 1
            b.problem(reader.line_num, None, "row", "source.unreadable", "a well-formed row",
                      "", f"line {reader.line_num} cannot be read as CSV: {exc}")
            continue
        line = reader.line_num
        if not rec or all(not c.strip() for c in rec):
            continue
        rows += 1
        if len(rec) != width:
            b.problem(line, None, "row", "source.row_width", f"{width} fields", str(len(rec)),
                      f"line {line} has {len(rec)} fields, the header {width}")
            continue
        _map_row(b, line, rec, col)
    contest = layout.contest(election_id or layout.election_id)
    geo = Geography.build(b.units)
    options = contest.option_ids
    counts = np.array(b.values, dtype=np.int64).reshape(len(b.values),
                                                        len(COUNT_FIELDS) + len(options))
    mapped = ProtocolRows(np.array(b.lines, dtype=np.int64), tuple(b.ids), counts, options)
    failing = _check(b, contest, mapped)
    cols = layout.columns
    problems = tuple(sorted(b.problems, key=lambda p: (p.line, cols.index(p.field)
                                                       if p.field in cols else -1, p.code)))
    return RussiaMapping(
        geography=geo, contest=contest, accepted=mapped.take(~failing),
        failed_checks=mapped.take(failing), problems=problems,
        notes=tuple(sorted(b.notes, key=lambda p: p.line)), rows=rows,
    )


def _map_row(b: _Builder, line: int, rec: Sequence[str], col: dict[str, int]) -> None:
    name_columns, count_columns = b.layout.name_columns, b.layout.count_columns
    names = {c: rec[col[c]].strip() for c in name_columns}
    for c in name_columns:
        if not names[c]:
            b.problem(line, None, c, "source.missing_name", f"the {c} of the row", "",
                      f"line {line}: {c} is empty; the station cannot be placed")
    raws = [rec[col[c]].strip() for c in count_columns]
    joined = "".join(raws)
    if joined.isdigit() and joined.isascii() and all(0 < len(r) <= MAX_DIGITS for r in raws):
        values = dict(zip(count_columns, map(int, raws), strict=True))  # the usual row
    else:
        values = _slow_counts(b, line, raws)
    if any(not names[c] for c in name_columns):
        return
    _place(b, line, names, values)


def _slow_counts(b: _Builder, line: int, raws: list[str]) -> dict[str, int]:
    """The counts of a row with a bad cell: each bad cell reported."""
    values: dict[str, int] = {}
    for c, raw in zip(b.layout.count_columns, raws, strict=True):
        v = _count(raw)
        if v is None:
            what = "empty" if not raw else f"{raw!r}, not a count"
            b.problem(line, None, c, "source.not_a_count",
                      f"a whole number of at most {MAX_DIGITS} digits", raw,
                      f"line {line}: {c} is {what}"
                      + ("; the station is left out of the geography" if c == "registered"
                         else "; the station has no protocol"))
        else:
            values[c] = v
    return values


def _place(b: _Builder, line: int, names: dict[str, str], values: dict[str, int]) -> None:
    """Put the row's station into the geography and its protocol among the mapped ones."""
    rid = b.region(names["region"])
    tid = b.tik(rid, names["region"], names["tik"])
    key = (tid, names["precinct_id"])
    sid = b.station_id(tid, names["precinct_id"])
    first = b.stations.get(key) or b.station_lines.get(sid)
    if first is not None:
        b.problem(line, None, "precinct_id", "source.duplicate_station",
                  "one row per precinct of a TIK", names["precinct_id"],
                  f"line {line}: precinct {names['precinct_id']!r} of TIK {names['tik']!r} "
                  f"is already on line {first}")
        return
    b.stations[key] = line
    b.station_lines[sid] = line
    if "registered" not in values:
        return
    b.units.append(Unit(sid, tid, UnitKind.STATION, names_of(names["precinct_id"]),
                        registered=values["registered"],
                        abroad=names["region"] == ABROAD_REGION))
    if values["registered"] == 0:
        b.notes.append(RowProblem(
            line, sid, "registered", "source.empty_list", "voters on the list", "0",
            f"line {line}: {names['precinct_id']} ({names['tik']}, {names['region']}) has no "
            "voters on its list; its protocol is imported as given"))
    lay = b.layout
    if len(values) != len(lay.count_columns):
        return
    total = sum(values[o] for o in lay.options)
    if values["valid"] != total:
        parts = " + ".join(f"{o} ({values[o]:,})" for o in lay.options)
        b.problem(line, sid, "valid", "source.valid_mismatch", f"{lay.votes_label} = {total}",
                  str(values["valid"]),
                  f"line {line}: valid is {values['valid']:,} but {parts} = {total:,}")
        return
    given = values["ballots_given"]
    if lay.given_parts and given != sum(values[c] for c in lay.given_parts):
        parts = " + ".join(f"{c} ({values[c]:,})" for c in lay.given_parts)
        given_sum = sum(values[c] for c in lay.given_parts)
        b.problem(line, sid, "ballots_given", "source.given_mismatch",
                  f"{' + '.join(lay.given_parts)} = {given_sum}", str(given),
                  f"line {line}: ballots_given is {given:,} but {parts} = {given_sum:,}")
        return
    b.lines.append(line)
    b.ids.append(sid)
    b.values.append([values["registered"], given, given, 0,
                     sum(values[c] for c in lay.in_boxes), values["invalid"], 0,
                     *(values[o] for o in lay.options)])


# saylau's protocol fields back to the file's columns, for reports in the file's own words
_SOURCE_FIELD = {"ballots_issued": "ballots_given", "ballots_received": "ballots_given"}


def _check(b: _Builder, contest: Contest, rows: ProtocolRows) -> npt.NDArray[np.bool_]:
    """saylau's protocol checks over every mapped row (vectorised; the flagged rows again one
    by one for their messages). Returns the mask of rows with an error."""
    failing = np.zeros(len(rows), dtype=bool)
    if not len(rows):
        return failing
    flags = batch_flags(rows.counts, has_both_marked=contest.has_both_marked,
                        list_sizes=rows.counts[:, 0])
    source = {**_SOURCE_FIELD, "ballots_in_boxes": b.layout.in_boxes_field}
    for k in (int(x) for x in np.flatnonzero(flags.error | flags.warning)):
        sid = rows.stations[k]
        line = int(rows.lines[k])
        counts = rows.row(k)
        findings = run_checks(ProtocolCheckContext(contest, sid, counts.registered), counts)
        for f in errors_of(findings):
            failing[k] = True
            numbers = ", ".join(f"{source.get(n, n)}={v}" for n, v in f.numbers)
            b.problem(line, sid, source.get(f.field, f.field), f.code,
                      b.layout.expected(f.code) or f"no {f.code} error", numbers,
                      f"line {line}: {f.message}")
        for f in warnings_of(findings):
            b.notes.append(RowProblem(line, sid, source.get(f.field, f.field), f.code,
                                      "no warning", "", f"line {line}: {f.message}"))
    return failing
