"""Station figures for the integrity tests from the real files of ../shared/data/forensics:
Russia 2011 (Duma), 2012 (president), 2020 (constitutional vote) and Albania 2013
(parliament). Pure parsers (bytes in, `StationFigures` and a report out); the column mappings
are documented here and in docs/importers.md ("Station figures for integrity analytics").

Every row becomes a station or a reported problem (line, field, code, expected, actual):
nothing is dropped silently. A row with a cell that is not a whole number written in digits
(an empty cell included) is left out and reported; a station with `registered = 0` is kept and
listed as a note (the tests' inclusion criteria leave it out, saying so). A precinct number
seen twice in the same unit (60 times in the Albanian file) is kept, its second row's id
suffixed " #2", and listed as a note.

Mappings (`KINDS`):

russia-2011, russia-2012 (columns of the README of ../shared/data/forensics)
    registered = registered; given = ballots_given (checked = ballots_early +
    ballots_in_station + ballots_outside); in_boxes = ballots_portable_box +
    ballots_stationary_box (checked = valid + invalid); valid = valid (checked = the sum of the
    party or candidate columns); votes = the party (2011: SR, LDPR, Patriots, KPRF, Yabloko, UR,
    PravoeDelo) or candidate (2012: Zhirinovsky, Zyuganov, Mironov, Prokhorov, Putin) columns;
    units: level 0 = region, level 1 = region / tik; station id "region / tik / precinct_id".
russia-2020
    registered, given = ballots_given, in_boxes = ballots_in_boxes, valid, votes = yes, no
    (checked: valid = yes + no); units and ids as above.
albania-2013
    registered = registered; given = in_boxes = ballots (the file has one ballot figure);
    valid = the sum of the party columns C007-C072 (the file has no invalid-ballot figure);
    votes = C007-C072 (party names are not in the source); units: level 0 = prefecture,
    level 1 = prefecture / commune; station id "prefecture / commune / precinct_id".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from saylau.domain.errors import ImportFailed, ValidationFailed, field_error
from saylau.domain.integrity.figures import StationFigures

MAX_DIGITS = 12


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    field: str
    code: str
    expected: str
    actual: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "field": self.field, "code": self.code,
                "expected": self.expected, "actual": self.actual, "message": self.message}


@dataclass(frozen=True)
class Mapped:
    """The file read: its stations' figures, every problem and note with its line."""

    kind: str
    figures: StationFigures
    rows: int
    problems: tuple[Problem, ...]
    notes: tuple[Problem, ...]

    def report(self) -> dict[str, object]:
        return {"kind": self.kind, "rows": self.rows, "stations": len(self.figures),
                "problems": [p.as_dict() for p in self.problems],
                "notes": [p.as_dict() for p in self.notes]}


@dataclass(frozen=True, slots=True)
class Layout:
    names: tuple[str, str, str]
    """The columns naming the top-level unit, the second level and the station."""
    counts: tuple[str, ...]
    """Every count column read (all must be whole numbers)."""
    options: tuple[str, ...] | None
    """The vote columns; None: every count column after `first_option`."""
    first_option: str = ""
    figures: Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]] | None = None
    checks: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(column, its parts): the column must equal the sum of the parts."""


RU_NAMES = ("region", "tik", "precinct_id")
RU_BALLOTS = ("registered", "ballots_early", "ballots_in_station", "ballots_outside",
              "ballots_given", "ballots_portable_box", "ballots_stationary_box", "invalid",
              "valid")
RU2011_PARTIES = ("SR", "LDPR", "Patriots", "KPRF", "Yabloko", "UR", "PravoeDelo")
RU2012_CANDIDATES = ("Zhirinovsky", "Zyuganov", "Mironov", "Prokhorov", "Putin")


def _ru_figures(c: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"registered": c["registered"], "given": c["ballots_given"],
            "in_boxes": c["ballots_portable_box"] + c["ballots_stationary_box"],
            "valid": c["valid"]}


def _ru_layout(options: tuple[str, ...]) -> Layout:
    return Layout(
        names=RU_NAMES, counts=RU_BALLOTS + options, options=options, figures=_ru_figures,
        checks=(("ballots_given", ("ballots_early", "ballots_in_station", "ballots_outside")),
                ("valid", options)),
    )


def _ru2020_figures(c: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"registered": c["registered"], "given": c["ballots_given"],
            "in_boxes": c["ballots_in_boxes"], "valid": c["valid"]}


def _al_figures(c: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"registered": c["registered"], "given": c["ballots"], "in_boxes": c["ballots"]}


KINDS: dict[str, Layout] = {
    "russia-2011": _ru_layout(RU2011_PARTIES),
    "russia-2012": _ru_layout(RU2012_CANDIDATES),
    "russia-2020": Layout(
        names=RU_NAMES,
        counts=("registered", "ballots_given", "ballots_in_boxes", "invalid", "valid", "yes",
                "no"),
        options=("yes", "no"), figures=_ru2020_figures, checks=(("valid", ("yes", "no")),)),
    "albania-2013": Layout(
        names=("prefecture", "commune", "precinct_id"), counts=(), options=None,
        first_option="C007", figures=_al_figures),
}


def map_file(kind: str, data: bytes, *, strict: bool = False) -> Mapped:
    """Read one of the forensic files (`kind` in KINDS) into station figures.

    With `strict`, any bad row refuses the whole file (ImportFailed listing every one);
    otherwise bad rows are left out and listed."""
    layout = KINDS.get(kind)
    if layout is None:
        raise ValidationFailed(
            f"unknown file kind {kind!r}: one of {', '.join(sorted(KINDS))}",
            code="integrity_import_kind",
            details=field_error("kind", " | ".join(sorted(KINDS)), kind, "unknown kind"))
    text = data.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise ImportFailed("the file is empty", rows=[])
    header = [h.strip() for h in header]
    if layout.options is not None:
        options: tuple[str, ...] = layout.options
    elif layout.first_option in header:
        options = tuple(header[header.index(layout.first_option):])
    else:
        options = ()
    extra = ("ballots", "registered") if layout.options is None else ()
    counts = tuple(dict.fromkeys((*layout.counts, *extra, *options)))
    missing = [c for c in (*layout.names, *counts) if c not in header]
    if missing or not options:
        raise ImportFailed(
            f"the header lacks column(s) {', '.join(missing) or 'of votes'} for {kind}",
            rows=[{"line": 1, "field": "header", "code": "source.columns",
                   "expected": ",".join((*layout.names, *counts)), "actual": ",".join(header),
                   "message": "missing columns"}])
    pos = {h: i for i, h in enumerate(header)}
    problems: list[Problem] = []
    notes: list[Problem] = []
    ids: list[str] = []
    top: list[str] = []
    second: list[str] = []
    values: list[list[int]] = []
    lines_of: list[int] = []
    seen: dict[str, int] = {}
    rows = 0
    for line, row in enumerate(reader, start=2):
        if not row or all(not c.strip() for c in row):
            continue
        rows += 1
        if len(row) != len(header):
            problems.append(Problem(line, "row", "source.row_width", f"{len(header)} fields",
                                    f"{len(row)} fields", "wrong number of fields"))
            continue
        bad = False
        vals: list[int] = []
        for c in counts:
            cell = row[pos[c]].strip()
            if not cell.isdigit() or not cell.isascii() or len(cell) > MAX_DIGITS:
                problems.append(Problem(line, c, "source.not_a_count",
                                        "a whole number written in digits", cell,
                                        f"{c} is not a count"))
                bad = True
            else:
                vals.append(int(cell))
        if bad:
            continue
        a, b, s = (row[pos[n]].strip() for n in layout.names)
        sid = f"{a} / {b} / {s}"
        seen[sid] = seen.get(sid, 0) + 1
        if seen[sid] > 1:
            notes.append(Problem(line, layout.names[2], "source.duplicate_precinct",
                                 "a precinct once per unit", s,
                                 f"precinct {s} appears again in {a} / {b}: kept as "
                                 f"{sid} #{seen[sid]}"))
            sid = f"{sid} #{seen[sid]}"
        ids.append(sid)
        top.append(a)
        second.append(f"{a} / {b}")
        values.append(vals)
        lines_of.append(line)
    arr = np.array(values, dtype=np.int64).reshape(len(values), len(counts))
    col = {c: arr[:, j] for j, c in enumerate(counts)}
    keep = np.ones(len(values), dtype=bool)
    for total, parts in layout.checks:
        diff = col[total] != sum((col[p] for p in parts), start=np.zeros(len(values), np.int64))
        for k in np.flatnonzero(diff & keep):
            problems.append(Problem(
                lines_of[k], total, "source.sum", f"{' + '.join(parts)} = "
                f"{int(sum(col[p][k] for p in parts))}", str(int(col[total][k])),
                f"{total} differs from the sum of its parts"))
        keep &= ~diff
    if strict and problems:
        raise ImportFailed(f"{len({p.line for p in problems})} row(s) of {rows} cannot be read "
                           "as they are; nothing was read", rows=[p.as_dict() for p in problems])
    for k in np.flatnonzero(keep & (col["registered"] == 0)):
        notes.append(Problem(lines_of[k], "registered", "source.empty_list", "> 0", "0",
                             "a station with no voter on its list (left out by the tests)"))
    fig = layout.figures(col) if layout.figures else {}
    votes = np.stack([col[o] for o in options], axis=1) if values else np.zeros(
        (0, len(options)), dtype=np.int64)
    valid = fig.get("valid", votes.sum(axis=1))
    idx = np.flatnonzero(keep)
    figures = StationFigures(
        stations=tuple(ids[int(k)] for k in idx),
        registered=fig["registered"][idx], given=fig["given"][idx],
        in_boxes=fig["in_boxes"][idx], valid=valid[idx], votes=votes[idx],
        options=tuple(options),
        units=(tuple(top[int(k)] for k in idx), tuple(second[int(k)] for k in idx)),
    )
    return Mapped(kind=kind, figures=figures, rows=rows,
                  problems=tuple(sorted(problems, key=lambda p: p.line)), notes=tuple(notes))
