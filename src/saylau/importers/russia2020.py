"""Russia, 1 July 2020: the nationwide vote on constitutional amendments, mapped into saylau.

The input is `ru2020_constitutional_vote.csv` of ../shared/data/forensics (one row per
precinct commission, 96,765 rows; see that folder's README for its source). Its columns:

    region, tik, precinct_id, registered, ballots_given, ballots_in_boxes, invalid, valid,
    yes, no

The mapping (also in docs/importers.md):

Geography
    - the root: ``RU`` (kind ``country``), "Российская Федерация" / "Russian Federation";
    - each distinct ``region`` is a top-level unit ``RU-001``, ``RU-002``, ... numbered in the
      order of its first row in the file (the CEC's own order: republics, krais, oblasts, the
      federal cities, autonomous areas, Baikonur, abroad). Kind ``city`` for the three federal
      cities (город Москва, город Санкт-Петербург, город Севастополь), ``region`` otherwise;
      no ISO 3166-2 code (``code`` is empty);
    - each distinct ``tik`` (territorial commission) of a region is a district
      ``RU-001-T001``, ``RU-001-T002``, ... numbered in order of first appearance within its
      region;
    - each row is a station under its TIK: ``RU-001-T001-U1234`` when ``precinct_id`` reads
      "УИК №1234" (the digits as written), else ``RU-001-T001-X1``, ``-X2``, ... in order of
      appearance within the TIK (a precinct number or text seen twice in a TIK is a duplicate
      row). Its voter list is ``registered``. Stations of the region
      "Территория за пределами РФ" carry ``abroad=True``;
    - names: ``kk`` and ``ru`` both hold the Russian text of the file (no Kazakh names exist
      for these units), ``en`` a transliteration of it (`transliterate`: a simplified
      BGN/PCGN table, no context rules, ``№`` as ``No.``).

Contest
    One referendum question with the options ``yes`` and ``no``, over the whole country,
    created as an *ordinary* question (``constitutional=False``): the two-thirds-of-units rule
    of saylau's constitutional referendums is Kazakhstan's (Constitution, Art. 91) and not the
    rule of the 2020 vote. Election ``ru-2020`` of 2020-07-01 under the ``generic`` ruleset.

Protocols (one per station, in saylau's import format, `protocol_csv`)
    ===================== ===========================================================
    registered            registered
    ballots_received      ballots_given (the file has no figure for ballots received)
    ballots_issued        ballots_given
    ballots_cancelled     0 (the file has no figure for cancelled or unused ballots)
    ballots_in_boxes      ballots_in_boxes
    invalid               invalid
    both_marked           0 (the 2020 ballot had no such category)
    yes, no               yes, no
    valid                 not stored: checked to equal yes + no
    ===================== ===========================================================

So received = issued + cancelled holds by construction and the ballot-accounting check of
saylau neither fails nor warns on these rows.

Messy rows
    A row is *bad* when it has the wrong number of fields, an empty region, TIK or precinct, a
    count that is not a whole number written in digits (empty cells included), ``valid`` other
    than ``yes + no``, repeats a precinct of its TIK, or fails one of saylau's protocol checks
    with an error (in the boxes > given, given > registered, in the boxes other than invalid +
    yes + no, a count above 10^9). Every bad row is reported with its line (the header is line
    1), field, code, expected and actual values; nothing crashes. The caller chooses
    (`OnBadRows`): ``strict`` refuses the whole file, ``skip`` imports the rest and lists the
    bad rows, ``reject`` does the same and also records every row that fails saylau's checks as
    a rejected protocol (the record the API keeps of refused submissions). A row whose
    ``registered`` is usable still places its station in the geography (the station exists; it
    is counted as not reported); a row whose ``registered`` is unusable does not. Stations with
    ``registered = 0`` are not errors: they are listed as notes.

The mapping is pure (`map_file`: bytes in, values and a report out); `load` puts it into a
store through the services, so every check of saylau runs on the way in.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from saylau.domain.access import Principal, Role
from saylau.domain.contests import Contest, referendum_contest
from saylau.domain.errors import ImportFailed, ValidationFailed
from saylau.domain.geography import Geography, Unit, UnitKind
from saylau.domain.ids import ActorId, ContestId, ElectionId, OptionId, StationId, UnitId
from saylau.domain.names import Names
from saylau.domain.protocol_batch import batch_flags
from saylau.domain.protocol_csv import decode, read_rows
from saylau.domain.protocols import (
    COUNT_FIELDS,
    ProtocolCheckContext,
    ProtocolCounts,
    errors_of,
    run_checks,
    warnings_of,
)
from saylau.services.bulk import import_protocols
from saylau.services.context import Saylau
from saylau.services.elections import create_referendum
from saylau.services.geography import load_geography
from saylau.services.protocols import submit_protocol

COLUMNS: tuple[str, ...] = (
    "region", "tik", "precinct_id", "registered", "ballots_given", "ballots_in_boxes",
    "invalid", "valid", "yes", "no",
)
NAME_COLUMNS: tuple[str, ...] = COLUMNS[:3]
COUNT_COLUMNS: tuple[str, ...] = COLUMNS[3:]

ROOT_ID = UnitId("RU")
ROOT_NAMES = Names(kk="Российская Федерация", ru="Российская Федерация", en="Russian Federation")
FEDERAL_CITIES = frozenset({"город Москва", "город Санкт-Петербург", "город Севастополь"})
ABROAD_REGION = "Территория за пределами РФ"

ELECTION_ID = "ru-2020"
ELECTION_DATE = "2020-07-01"
RULESET = "generic"
ELECTION_NAMES = Names(
    kk="Общероссийское голосование по вопросу одобрения изменений в Конституцию "
    "Российской Федерации",
    ru="Общероссийское голосование по вопросу одобрения изменений в Конституцию "
    "Российской Федерации",
    en="All-Russian vote on the approval of amendments to the Constitution of the Russian "
    "Federation",
)
QUESTION = Names(
    kk="Вы одобряете изменения в Конституцию Российской Федерации?",
    ru="Вы одобряете изменения в Конституцию Российской Федерации?",
    en="Do you approve the amendments to the Constitution of the Russian Federation?",
)
"""The ballot's question (English is ours)."""
IMPORTER = ActorId("import-russia-2020")

MAX_DIGITS = 12
"""Longer digit strings are reported as not a count (as saylau's protocol CSV does)."""

_PRECINCT = re.compile(r"УИК\s*№\s*(\d{1,9})")

# Simplified BGN/PCGN romanisation of Russian (no context rules: е is always e).
_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}
_TABLE: dict[int, str] = {
    **{ord(k): v for k, v in _TRANSLIT.items()},
    **{ord(k.upper()): v.capitalize() for k, v in _TRANSLIT.items()},
    ord("№"): "No.", ord("«"): '"', ord("»"): '"', ord("–"): "-", ord("—"): "-",
}


def transliterate(text: str) -> str:
    """Russian Cyrillic to ASCII Latin (simplified BGN/PCGN; a capital letter gives a capital
    first letter: Щ -> Shch); other letters lose their accents; anything else that is not
    ASCII becomes '?'."""
    out = text.translate(_TABLE)
    if out.isascii():
        return out
    return "".join(
        ch if ch.isascii()
        else unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii") or "?"
        for ch in out
    )


def _names(russian: str) -> Names:
    return Names(kk=russian, ru=russian, en=transliterate(russian))


class OnBadRows(StrEnum):
    """What to do with rows that cannot be imported as they are."""

    STRICT = "strict"
    """Refuse the whole file, listing every bad row; nothing is stored."""
    SKIP = "skip"
    """Import the other rows; list the bad ones in the report."""
    REJECT = "reject"
    """As skip, and record each row that fails saylau's checks as a rejected protocol."""


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One thing wrong (or, as a note, worth knowing) about one row of the file."""

    line: int
    station: str | None
    """The station's id when the row got that far."""
    field: str
    """The file's column (or `row`)."""
    code: str
    expected: str
    actual: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line, "station": self.station, "field": self.field, "code": self.code,
            "expected": self.expected, "actual": self.actual, "message": self.message,
        }


@dataclass(frozen=True)
class ProtocolRows:
    """Mapped protocols as columns: `counts` has COUNT_FIELDS + the options (yes, no)."""

    lines: npt.NDArray[np.int64]
    stations: tuple[StationId, ...]
    counts: npt.NDArray[np.int64]
    options: tuple[OptionId, ...]

    def __len__(self) -> int:
        return len(self.stations)

    def row(self, k: int) -> ProtocolCounts:
        reg, rec, iss, can, box, inv, both, *votes = (int(x) for x in self.counts[k])
        return ProtocolCounts.of(
            registered=reg, ballots_received=rec, ballots_issued=iss, ballots_cancelled=can,
            ballots_in_boxes=box, invalid=inv, both_marked=both,
            votes=list(zip(self.options, votes, strict=True)),
        )

    def take(self, mask: npt.NDArray[np.bool_]) -> ProtocolRows:
        keep = np.flatnonzero(mask)
        return ProtocolRows(self.lines[keep], tuple(self.stations[int(k)] for k in keep),
                            self.counts[keep], self.options)


@dataclass(frozen=True)
class RussiaMapping:
    """The file mapped: the geography, the contest, protocols that pass every check, the rows
    that fail saylau's checks (whole protocols, recordable as rejections), every problem and
    every note, each with its line."""

    geography: Geography
    contest: Contest
    accepted: ProtocolRows
    failed_checks: ProtocolRows
    problems: tuple[RowProblem, ...]
    notes: tuple[RowProblem, ...]
    rows: int
    """Data rows read (blank lines not counted)."""

    @property
    def bad_lines(self) -> tuple[int, ...]:
        """The lines of the rows that are not imported as they are, ascending."""
        return tuple(sorted({p.line for p in self.problems}))

    def protocols_csv(self) -> bytes:
        """The accepted protocols in saylau's protocol CSV format (`saylau protocols import`)."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["station", *COUNT_FIELDS, *self.accepted.options])
        counts = self.accepted.counts.tolist()
        for station, c in zip(self.accepted.stations, counts, strict=True):
            w.writerow([station, *c])
        return buf.getvalue().encode("utf-8")

    def report(self) -> dict[str, object]:
        """Everything the mapping found, as plain data (the CLI's --report file)."""
        g = self.geography
        return {
            "rows": self.rows,
            "regions": len(g.children[g.root.id]),
            "districts": sum(1 for u in g.units if u.kind is UnitKind.DISTRICT),
            "stations": len(g.station_indices),
            "protocols_accepted": len(self.accepted),
            "protocols_failing_checks": len(self.failed_checks),
            "bad_rows": len(self.bad_lines),
            "problems": [p.as_dict() for p in self.problems],
            "notes": [p.as_dict() for p in self.notes],
        }


# --- the mapping ------------------------------------------------------------------------------


@dataclass
class _Builder:
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
            self.units.append(Unit(rid, ROOT_ID, kind, _names(name)))
        return rid

    def tik(self, region: UnitId, region_name: str, name: str) -> UnitId:
        tid = self.tiks.get((region_name, name))
        if tid is None:
            k = self.tik_count.get(region, 0) + 1
            self.tik_count[region] = k
            tid = UnitId(f"{region}-T{k:03d}")
            self.tiks[(region_name, name)] = tid
            self.units.append(Unit(tid, region, UnitKind.DISTRICT, _names(name)))
        return tid

    def station_id(self, tik: UnitId, precinct: str) -> StationId:
        m = _PRECINCT.fullmatch(precinct)
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


def _read_header(header: list[str] | None) -> dict[str, int]:
    if header is None:
        raise ImportFailed(
            "the file is empty; expected a header line",
            rows=[{"line": 1, "field": "header", "expected": ",".join(COLUMNS), "actual": "",
                   "message": "empty file"}],
        )
    names = [h.strip() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    twice = sorted({h for h in names if names.count(h) > 1 and h in COLUMNS})
    if missing or twice:
        raise ImportFailed(
            "the header does not have the columns of the 2020 file: "
            + (f"missing {missing}" if missing else "")
            + ("; " if missing and twice else "")
            + (f"repeated {twice}" if twice else ""),
            rows=[{"line": 1, "field": "header", "expected": ",".join(COLUMNS),
                   "actual": ",".join(names), "message": "header mismatch"}],
        )
    return {h: i for i, h in enumerate(names)}


def contest_for(election_id: str = ELECTION_ID) -> Contest:
    """The contest the mapping checks against: what `create_referendum` creates."""
    return referendum_contest(
        ContestId(f"{election_id}.referendum"), ElectionId(election_id), QUESTION,
        constitutional=False, area=ROOT_ID,
    )


def map_file(data: bytes, *, election_id: str = ELECTION_ID) -> RussiaMapping:
    """Map the 2020 file into saylau's values; every bad row is reported, none crashes.

    Raises ImportFailed only when the file as a whole cannot be read (not UTF-8, no header, a
    missing column)."""
    reader = csv.reader(io.StringIO(decode(data), newline=""))
    col = _read_header(next(read_rows(reader), None))
    width = len(col)
    b = _Builder()
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
    contest = contest_for(election_id)
    geo = Geography.build(b.units)
    options = contest.option_ids
    counts = np.array(b.values, dtype=np.int64).reshape(len(b.values), len(COUNT_FIELDS) + 2)
    mapped = ProtocolRows(np.array(b.lines, dtype=np.int64), tuple(b.ids), counts, options)
    failing = _check(b, contest, mapped)
    problems = tuple(sorted(b.problems, key=lambda p: (p.line, COLUMNS.index(p.field)
                                                       if p.field in COLUMNS else -1, p.code)))
    return RussiaMapping(
        geography=geo, contest=contest, accepted=mapped.take(~failing),
        failed_checks=mapped.take(failing), problems=problems,
        notes=tuple(sorted(b.notes, key=lambda p: p.line)), rows=rows,
    )


def _map_row(b: _Builder, line: int, rec: Sequence[str], col: dict[str, int]) -> None:
    names = {c: rec[col[c]].strip() for c in NAME_COLUMNS}
    for c in NAME_COLUMNS:
        if not names[c]:
            b.problem(line, None, c, "source.missing_name", f"the {c} of the row", "",
                      f"line {line}: {c} is empty; the station cannot be placed")
    raws = [rec[col[c]].strip() for c in COUNT_COLUMNS]
    joined = "".join(raws)
    if joined.isdigit() and joined.isascii() and all(0 < len(r) <= MAX_DIGITS for r in raws):
        values = dict(zip(COUNT_COLUMNS, map(int, raws), strict=True))  # the usual row
    else:
        values = _slow_counts(b, line, raws)
    if any(not names[c] for c in NAME_COLUMNS):
        return
    _place(b, line, names, values)


def _slow_counts(b: _Builder, line: int, raws: list[str]) -> dict[str, int]:
    """The counts of a row with a bad cell: each bad cell reported."""
    values: dict[str, int] = {}
    for c, raw in zip(COUNT_COLUMNS, raws, strict=True):
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
    b.units.append(Unit(sid, tid, UnitKind.STATION, _names(names["precinct_id"]),
                        registered=values["registered"],
                        abroad=names["region"] == ABROAD_REGION))
    if values["registered"] == 0:
        b.notes.append(RowProblem(
            line, sid, "registered", "source.empty_list", "voters on the list", "0",
            f"line {line}: {names['precinct_id']} ({names['tik']}, {names['region']}) has no "
            "voters on its list; its protocol is imported as given"))
    if len(values) != len(COUNT_COLUMNS):
        return
    if values["valid"] != values["yes"] + values["no"]:
        total = values["yes"] + values["no"]
        b.problem(line, sid, "valid", "source.valid_mismatch", f"yes + no = {total}",
                  str(values["valid"]),
                  f"line {line}: valid is {values['valid']:,} but yes ({values['yes']:,}) + no "
                  f"({values['no']:,}) = {total:,}")
        return
    given = values["ballots_given"]
    b.lines.append(line)
    b.ids.append(sid)
    b.values.append([values["registered"], given, given, 0, values["ballots_in_boxes"],
                     values["invalid"], 0, values["yes"], values["no"]])


# saylau's protocol fields back to the file's columns, for reports in the file's own words
_SOURCE_FIELD = {"ballots_issued": "ballots_given", "ballots_received": "ballots_given"}
_EXPECTED = {
    "boxes.exceed_issued": "ballots_in_boxes <= ballots_given",
    "issued.exceed_registered": "ballots_given <= registered",
    "boxes.sum_mismatch": "ballots_in_boxes = invalid + yes + no",
    "count.too_large": "a count of at most 1,000,000,000",
}


def _check(b: _Builder, contest: Contest, rows: ProtocolRows) -> npt.NDArray[np.bool_]:
    """saylau's protocol checks over every mapped row (vectorised; the flagged rows again one
    by one for their messages). Returns the mask of rows with an error."""
    failing = np.zeros(len(rows), dtype=bool)
    if not len(rows):
        return failing
    flags = batch_flags(rows.counts, has_both_marked=contest.has_both_marked,
                        list_sizes=rows.counts[:, 0])
    for k in (int(x) for x in np.flatnonzero(flags.error | flags.warning)):
        sid = rows.stations[k]
        line = int(rows.lines[k])
        counts = rows.row(k)
        findings = run_checks(ProtocolCheckContext(contest, sid, counts.registered), counts)
        for f in errors_of(findings):
            failing[k] = True
            numbers = ", ".join(f"{_SOURCE_FIELD.get(n, n)}={v}" for n, v in f.numbers)
            b.problem(line, sid, _SOURCE_FIELD.get(f.field, f.field), f.code,
                      _EXPECTED.get(f.code, f"no {f.code} error"), numbers,
                      f"line {line}: {f.message}")
        for f in warnings_of(findings):
            b.notes.append(RowProblem(line, sid, _SOURCE_FIELD.get(f.field, f.field), f.code,
                                      "no warning", "", f"line {line}: {f.message}"))
    return failing


# --- loading into a store ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoadReport:
    mapping: RussiaMapping
    contest: str
    accepted: int
    """Protocols stored (through `saylau protocols import`'s service)."""
    flagged: int
    rejections_recorded: int
    """Rows that failed saylau's checks, recorded as rejected protocols (`reject` only)."""


def load(
    app: Saylau,
    data: bytes,
    *,
    on_bad_rows: OnBadRows = OnBadRows.STRICT,
    election_id: str = ELECTION_ID,
    mapping: RussiaMapping | None = None,
) -> LoadReport:
    """Map the file and load it into an empty store: the geography, the election and its
    contest, then the protocols through the bulk import (every check of saylau runs again).

    `strict` raises ImportFailed listing every bad row before anything is stored. The three
    steps are the services' own transactions: a store that already holds a geography or the
    election refuses the load with a Conflict (nothing of the file is stored then)."""
    m = mapping if mapping is not None else map_file(data, election_id=election_id)
    if on_bad_rows is OnBadRows.STRICT and m.problems:
        raise ImportFailed(
            f"{len(m.bad_lines):,} of {m.rows:,} rows cannot be imported as they are "
            f"({len(m.problems):,} problem(s)); nothing was imported. Fix them, or choose "
            "--on-bad-rows skip (import the rest) or reject (and record the refused protocols)",
            rows=[p.as_dict() for p in m.problems],
        )
    load_geography(app, m.geography)
    _, contest = create_referendum(
        app, election_id=election_id, name=ELECTION_NAMES, ruleset_name=RULESET,
        date=ELECTION_DATE, question=QUESTION, constitutional=False, by=IMPORTER,
    )
    who = Principal(IMPORTER, Role.ADMIN)
    rep = import_protocols(app, who, contest.id, m.protocols_csv())
    recorded = 0
    if on_bad_rows is OnBadRows.REJECT:
        for k in range(len(m.failed_checks)):
            try:
                submit_protocol(app, who, contest.id, m.failed_checks.stations[k],
                                m.failed_checks.row(k))
            except ValidationFailed as exc:
                if exc.code != "protocol_rejected":
                    raise
                recorded += 1
    return LoadReport(mapping=m, contest=contest.id, accepted=rep.accepted,
                      flagged=rep.flagged, rejections_recorded=recorded)
