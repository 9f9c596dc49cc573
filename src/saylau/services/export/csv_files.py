"""The open data as CSV: one file per contest and level (units, stations, Senate sessions) and
the two files its columns refer to (contests, options). UTF-8 with a byte-order mark, so that
spreadsheet programs open Kazakh and Russian names correctly; text a spreadsheet would run as a
formula is escaped (saylau.domain.spreadsheet). Pure: snapshots in, text out."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from saylau.domain.contests import Election
from saylau.domain.names import LANGUAGES
from saylau.domain.spreadsheet import escape
from saylau.services.export.figures import (
    ContestSnapshot,
    contest_summary,
    counts_of,
    option_columns,
    session_records,
    station_records,
    unit_records,
)


def _csv(header: Sequence[str], rows: Iterator[Sequence[object]]) -> str:
    buf = io.StringIO()
    buf.write("\ufeff")  # a byte-order mark: spreadsheets then read the file as UTF-8
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for row in rows:
        w.writerow(["" if v is None else _cell(v) for v in row])
    return buf.getvalue()


def _cell(v: object) -> object:
    """A value as a CSV cell: booleans as true/false, numbers as they are, text that a
    spreadsheet would run as a formula behind an apostrophe (saylau.domain.spreadsheet)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return escape(v)
    return v


def units_csv(s: ContestSnapshot) -> str:
    c = s.contest
    counts = counts_of(c)
    header = ["contest", "unit", "parent", "kind", "code", "name_kk", "name_ru", "name_en",
              "stations_expected", "stations_reported", "complete", "list_size", *counts,
              "participants", "turnout_percent", *option_columns(c), "as_of"]

    def rows() -> Iterator[list[object]]:
        for rec in unit_records(s):
            yield [c.id, rec["unit"], rec["parent"], rec["kind"], rec["code"],
                   *(rec["name"][lang] for lang in LANGUAGES),
                   rec["stations_expected"], rec["stations_reported"], rec["complete"],
                   rec["list_size"], *(rec[f] for f in counts), rec["participants"],
                   rec["turnout"]["percent"], *(rec["votes"][o.id] for o in c.options),
                   s.as_of]

    return _csv(header, rows())


def stations_csv(s: ContestSnapshot) -> str:
    c = s.contest
    counts = counts_of(c)
    header = ["contest", "station", "parent", "top_level", "name_kk", "name_ru", "name_en",
              "abroad", "list_size", "reported", "version", *counts, "participants",
              *option_columns(c), "content_hash", "warnings", "as_of"]

    def rows() -> Iterator[list[object]]:
        for rec in station_records(s):
            votes = rec["votes"] or {}
            yield [c.id, rec["station"], rec["parent"], rec["top_level"],
                   *(rec["name"][lang] for lang in LANGUAGES), rec["abroad"],
                   rec["list_size"], rec["reported"], rec["version"],
                   *(rec[f] for f in counts), rec["participants"],
                   *(votes.get(o.id) for o in c.options), rec["content_hash"],
                   " ".join(rec["warnings"]), s.as_of]

    return _csv(header, rows())


def sessions_csv(s: ContestSnapshot) -> str:
    c = s.contest
    header = ["contest", "unit", "round", "version", "electors", "electors_present", "invalid",
              *option_columns(c), "as_of"]

    def rows() -> Iterator[list[object]]:
        for rec in session_records(s):
            yield [c.id, rec["unit"], rec["round"], rec["version"], rec["electors"],
                   rec["electors_present"], rec["invalid"],
                   *(rec["votes"].get(o.id) for o in c.options), s.as_of]

    return _csv(header, rows())


def contests_csv(election: Election, snaps: Sequence[ContestSnapshot]) -> str:
    header = ["election", "contest", "kind", "name_kk", "name_ru", "name_en", "area", "district",
              "constitutional", "stations_expected", "stations_reported", "complete", "as_of"]

    def rows() -> Iterator[list[object]]:
        for s in snaps:
            d = contest_summary(s)
            yield [election.id, d["contest"], d["kind"], *(d["name"][g] for g in LANGUAGES),
                   d["area"], d["district"], d["constitutional"], d["stations_expected"],
                   d["stations_reported"], d["complete"], d["as_of"]]

    return _csv(header, rows())


def options_csv(snaps: Sequence[ContestSnapshot]) -> str:
    header = ["contest", "option", "kind", "name_kk", "name_ru", "name_en", "party",
              "registration_order"]

    def rows() -> Iterator[list[object]]:
        for s in snaps:
            for o in s.contest.options:
                yield [s.contest.id, o.id, o.kind.value, *(o.name.get(g) for g in LANGUAGES),
                       o.party, o.registration_order]

    return _csv(header, rows())
