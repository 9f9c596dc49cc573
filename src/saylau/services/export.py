"""Open data: every contest's results per unit and per station as CSV and JSON, and the whole
election as a NIST SP 1500-100 v2 ("CDF") JSON election report.

Everything is built from one consistent snapshot per contest (`snapshot`): the tally of every
unit, the current protocol of every station (its version, content hash and warning codes) and
the law's decision, all as of the same protocol record (`as_of`, the sequence number of the
last protocol version included). Only `snapshot` and `election_snapshots` read the store; the
builders below are pure functions of snapshots that return text (CSV) or plain dicts (JSON),
so a route or a command can call them as they are. None reads the clock: the CDF report's
GeneratedDate is passed in.

    units_csv / units_json          one row per unit (country, top-level units, districts)
    stations_csv / stations_json    one row per polling station voting in the contest
    sessions_csv / sessions_json    Senate seats: one row per round of the joint session
    contests_csv, options_csv       what the columns of the files above refer to
    election_json, decision_json    the index of a JSON export; the law's decision per contest
    open_data_files                 every file of a CSV or JSON export: {file name: text}
    cdf_report                      the NIST SP 1500-100 v2 ElectionReport

CSV text is UTF-8 and starts with a byte-order mark (U+FEFF) so that spreadsheet programs
open Kazakh and Russian names correctly. docs/open-data.md documents every file, column and
CDF field, and how the Kazakhstan-specific figures map onto the format.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import and_, func, select

from saylau import __version__
from saylau.domain.contests import Contest, ContestKind, Election, Option, OptionKind
from saylau.domain.decisions import unit_figures
from saylau.domain.errors import RuleError, ValidationFailed
from saylau.domain.explain import share_json
from saylau.domain.geography import Geography, Unit, UnitKind
from saylau.domain.ids import OptionId
from saylau.domain.law.candidates import CandidateDecision, Outcome
from saylau.domain.law.candidates import decision_json as candidate_json
from saylau.domain.law.parliament import ListDecision
from saylau.domain.law.parliament import decision_json as list_json
from saylau.domain.law.referendum import (
    ReferendumDecision,
    ReferendumReadings,
    decide_referendum,
)
from saylau.domain.law.referendum import decision_json as referendum_json
from saylau.domain.names import LANGUAGES, Names
from saylau.domain.rulesets import RulesetName
from saylau.domain.spreadsheet import escape
from saylau.domain.tally import Tally, UnitResult
from saylau.services.context import Saylau
from saylau.services.elections import contests, get_contest, get_election
from saylau.services.results import refresh
from saylau.store import repository
from saylau.store import tables as t

JsonDict = dict[str, Any]

FORMAT_VERSION = 1
"""Version of the CSV/JSON layout described in docs/open-data.md (not of the CDF)."""
ISSUER = "Central Election Commission of the Republic of Kazakhstan"
ISSUER_ABBREVIATION = "CEC"
CDF_COUNTS = ("registered", "ballots_received", "ballots_issued", "ballots_cancelled",
              "ballots_in_boxes", "invalid")
"""The protocol's counts every contest has (referendums add both_marked)."""


# --- the snapshot ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StationProtocol:
    """A station's current protocol version as of the snapshot (its figures are the tally's)."""

    version: int
    content_hash: str
    warnings: tuple[str, ...]
    """Codes of the warnings the protocol was accepted with (e.g. ballots.unaccounted)."""


@dataclass(frozen=True, slots=True)
class SessionRound:
    """A Senate seat's joint session protocol of one round, in its current version."""

    round: int
    version: int
    electors: int
    electors_present: int
    invalid: int
    votes: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class ContestSnapshot:
    """One contest's figures and decision, all as of the protocol record `as_of`."""

    election: Election
    contest: Contest
    geo: Geography
    tally: Tally
    as_of: int
    protocols: Mapping[str, StationProtocol]
    """Station id -> its current protocol (reported stations only)."""
    sessions: tuple[SessionRound, ...] = ()
    referendum: ReferendumDecision | None = None
    list_seats: ListDecision | None = None
    candidates: CandidateDecision | None = None
    undecidable: str | None = None
    """Why the law cannot decide on these figures yet (e.g. no party has a vote)."""

    @property
    def total(self) -> UnitResult:
        """The contest's own total: all of its stations (its area or its district)."""
        return self.tally.result(self.contest.area)

    @property
    def complete(self) -> bool:
        if self.contest.kind is ContestKind.SENATE_SEAT:
            d = self.candidates
            return d is not None and d.outcome is not Outcome.RUNOFF
        r = self.total
        return r.stations_expected > 0 and r.complete

    @property
    def has_results(self) -> bool:
        if self.contest.kind is ContestKind.SENATE_SEAT:
            return bool(self.sessions)
        return self.total.stations_reported > 0


def _tally_now(app: Saylau, contest_id: str) -> tuple[Tally, int]:
    """The contest's tally brought up to date, with the record sequence it was computed from."""
    _, cache = refresh(app, contest_id)
    with cache.lock:  # the tally and its sequence number as one pair
        tally, seq = cache.tally, cache.seq
    assert tally is not None  # refresh always leaves a tally
    return tally, seq


def _station_protocols(app: Saylau, contest_id: str, as_of: int) -> dict[str, StationProtocol]:
    """The current version of every reported station among the versions up to `as_of`."""
    pv = t.protocol_versions
    latest = (
        select(pv.c.station_id, func.max(pv.c.version).label("version"))
        .where(and_(pv.c.contest_id == contest_id, pv.c.seq <= as_of))
        .group_by(pv.c.station_id)
        .subquery()
    )
    query = select(pv.c.station_id, pv.c.version, pv.c.content_hash, pv.c.warnings).join(
        latest, and_(pv.c.station_id == latest.c.station_id, pv.c.version == latest.c.version)
    ).where(pv.c.contest_id == contest_id)
    out: dict[str, StationProtocol] = {}
    with app.read() as conn:
        for station, version, content_hash, warnings in conn.execute(query):
            codes = tuple(f.code for f in repository.findings_from_json(warnings))
            out[str(station)] = StationProtocol(int(version), str(content_hash), codes)
    return out


def _sessions(app: Saylau, contest_id: str) -> tuple[SessionRound, ...]:
    from saylau.services.senate import session_history

    current: dict[int, SessionRound] = {}
    for s in session_history(app, contest_id):  # oldest first: later versions replace
        current[s.round] = SessionRound(s.round, s.version, s.electors, s.electors_present,
                                        s.invalid, s.votes)
    return tuple(current[r] for r in sorted(current))


def snapshot(app: Saylau, contest_id: str) -> ContestSnapshot:
    """The contest's figures, current protocols and decision as of one protocol record.

    The decision is taken from the same tally: if protocols arrive while it is computed, the
    snapshot is taken again (three tries, then the last one is used and its `as_of` says which
    record the figures are from)."""
    from saylau.services import parliament

    contest = get_contest(app, contest_id)
    election = get_election(app, contest.election)
    geo = app.geography()
    for _attempt in range(3):
        tally, seq = _tally_now(app, contest_id)
        total = tally.result(contest.area)
        referendum: ReferendumDecision | None = None
        seats: ListDecision | None = None
        cands: CandidateDecision | None = None
        sessions: tuple[SessionRound, ...] = ()
        undecidable: str | None = None
        try:
            if contest.kind is ContestKind.REFERENDUM:
                if contest.referendum is not None and contest.area == geo.root.id:
                    referendum = decide_referendum(
                        unit_figures(tally, geo), constitutional=contest.referendum.constitutional,
                        readings=ReferendumReadings(), ruleset=election.ruleset.value,
                    )
            elif contest.kind is ContestKind.SENATE_SEAT:
                from saylau.services.senate import seat_decision

                sessions = _sessions(app, contest_id)
                cands = seat_decision(app, contest_id)
            elif total.stations_reported > 0:
                if contest.kind is ContestKind.PARTY_LIST:
                    seats, _ = parliament.list_decision(app, contest_id)
                else:
                    cands, _ = parliament.candidate_decision(app, contest_id)
        except RuleError as exc:  # e.g. the first protocols give no party a vote
            undecidable = exc.message
        if _tally_now(app, contest_id)[1] == seq:
            break
    return ContestSnapshot(
        election=election, contest=contest, geo=geo, tally=tally, as_of=seq,
        protocols=_station_protocols(app, contest_id, seq), sessions=sessions,
        referendum=referendum, list_seats=seats, candidates=cands, undecidable=undecidable,
    )


def election_snapshots(
    app: Saylau, election_id: str | None = None
) -> tuple[Election, list[ContestSnapshot]]:
    """The election (the named one, else the only or latest) and a snapshot of each contest."""
    election = get_election(app, election_id)
    return election, [snapshot(app, c.id) for c in contests(app, election.id)]


# --- rows --------------------------------------------------------------------------------------


def _counts(c: Contest) -> tuple[str, ...]:
    return (*CDF_COUNTS, "both_marked") if c.has_both_marked else CDF_COUNTS


def _within_area(s: ContestSnapshot) -> npt.NDArray[np.bool_]:
    """The contest's area and the units below it (a district contest: its top-level unit)."""
    geo = s.geo
    a = geo.index[s.contest.area]
    if a == 0:
        return np.ones(len(geo.units), dtype=bool)
    if int(geo.depth[a]) == 1:
        return np.asarray(geo.top_level_index == a)
    mask = np.zeros(len(geo.units), dtype=bool)
    mask[a] = True
    parent = geo.parent_index
    for i in range(a + 1, len(geo.units)):  # parents come before their children
        p = int(parent[i])
        mask[i] = p >= 0 and bool(mask[p])
    return mask


def _unit_indices(s: ContestSnapshot, *, stations: bool | None, reported: bool = False
                  ) -> Iterator[int]:
    """The units of the contest, geography order: its area and the units below it with at
    least one of its stations (with `reported`: one that reported); the stations only, or
    every other unit."""
    counted = s.tally.totals[:, 1 if reported else 0] > 0
    is_station = np.zeros(len(s.geo.units), dtype=bool)
    is_station[s.geo.station_indices] = True
    if stations is not None:
        counted &= is_station if stations else ~is_station
    for i in np.flatnonzero(counted & _within_area(s)):
        yield int(i)


def _option_columns(c: Contest) -> list[str]:
    return [f"votes.{o.id}" for o in c.options]


def file_stem(contest_id: str) -> str:
    """A contest's id as a file name (characters other than A-Z a-z 0-9 _ . - become _)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", contest_id)


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


def _unit_record(s: ContestSnapshot, u: Unit, r: UnitResult) -> JsonDict:
    c = s.contest
    rec: JsonDict = {
        "unit": u.id, "parent": u.parent, "kind": u.kind.value, "code": u.code,
        "name": u.name.as_dict(),
        "stations_expected": r.stations_expected, "stations_reported": r.stations_reported,
        "complete": r.complete, "list_size": r.list_size,
    }
    for f in _counts(c):
        rec[f] = getattr(r, f)
    rec["participants"] = r.participants
    rec["turnout"] = share_json(r.turnout)
    rec["votes"] = dict(r.votes)
    rec["shares"] = {o: share_json(r.vote_share(o)) for o, _ in r.votes}
    return rec


def unit_records(s: ContestSnapshot) -> list[JsonDict]:
    """One record per unit voting in the contest (not the stations), geography order."""
    geo = s.geo
    return [_unit_record(s, geo.units[i], s.tally.result(geo.units[i].id))
            for i in _unit_indices(s, stations=False)]


def _station_record(s: ContestSnapshot, u: Unit) -> JsonDict:
    geo, c = s.geo, s.contest
    top = geo.top_level_of(u.id)
    p = s.protocols.get(u.id)
    rec: JsonDict = {
        "station": u.id, "parent": u.parent, "top_level": None if top is None else top.id,
        "name": u.name.as_dict(), "abroad": u.abroad, "list_size": u.registered,
        "reported": p is not None,
    }
    if p is None:
        rec.update({"version": None, **dict.fromkeys(_counts(c)), "participants": None,
                    "votes": None, "content_hash": None, "warnings": []})
        return rec
    r = s.tally.result(u.id)
    rec["version"] = p.version
    for f in _counts(c):
        rec[f] = getattr(r, f)
    rec["participants"] = r.participants
    rec["votes"] = dict(r.votes)
    rec["content_hash"] = p.content_hash
    rec["warnings"] = list(p.warnings)
    return rec


def station_records(s: ContestSnapshot) -> list[JsonDict]:
    """One record per station voting in the contest (reported or not), geography order."""
    geo = s.geo
    return [_station_record(s, geo.units[i]) for i in _unit_indices(s, stations=True)]


def session_records(s: ContestSnapshot) -> list[JsonDict]:
    """A Senate seat: one record per round of the joint session (its current version)."""
    return [{"unit": s.contest.area, "round": r.round, "version": r.version,
             "electors": r.electors, "electors_present": r.electors_present,
             "invalid": r.invalid, "votes": dict(r.votes)} for r in s.sessions]


def _header(s: ContestSnapshot, level: str) -> JsonDict:
    return {"format": "saylau-open-data", "format_version": FORMAT_VERSION, "level": level,
            "election": s.election.id, "contest": s.contest.id, "kind": s.contest.kind.value,
            "as_of": s.as_of, "options": [o.id for o in s.contest.options]}


def units_json(s: ContestSnapshot) -> JsonDict:
    return {**_header(s, "units"), "rows": unit_records(s)}


def stations_json(s: ContestSnapshot) -> JsonDict:
    return {**_header(s, "stations"), "rows": station_records(s)}


def sessions_json(s: ContestSnapshot) -> JsonDict:
    return {**_header(s, "sessions"), "rows": session_records(s)}


def units_csv(s: ContestSnapshot) -> str:
    c = s.contest
    counts = _counts(c)
    header = ["contest", "unit", "parent", "kind", "code", "name_kk", "name_ru", "name_en",
              "stations_expected", "stations_reported", "complete", "list_size", *counts,
              "participants", "turnout_percent", *_option_columns(c), "as_of"]

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
    counts = _counts(c)
    header = ["contest", "station", "parent", "top_level", "name_kk", "name_ru", "name_en",
              "abroad", "list_size", "reported", "version", *counts, "participants",
              *_option_columns(c), "content_hash", "warnings", "as_of"]

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
              *_option_columns(c), "as_of"]

    def rows() -> Iterator[list[object]]:
        for rec in session_records(s):
            yield [c.id, rec["unit"], rec["round"], rec["version"], rec["electors"],
                   rec["electors_present"], rec["invalid"],
                   *(rec["votes"].get(o.id) for o in c.options), s.as_of]

    return _csv(header, rows())


def _contest_files(s: ContestSnapshot, ext: str) -> dict[str, str]:
    stem = file_stem(s.contest.id)
    if s.contest.kind is ContestKind.SENATE_SEAT:
        return {"sessions": f"{stem}.sessions.{ext}"}
    return {"units": f"{stem}.units.{ext}", "stations": f"{stem}.stations.{ext}"}


def _progress(s: ContestSnapshot) -> JsonDict:
    """Stations expected and reported (None for a Senate seat: no station votes on it)."""
    if s.contest.kind is ContestKind.SENATE_SEAT:
        return {"stations_expected": None, "stations_reported": None, "complete": s.complete}
    r = s.total
    return {"stations_expected": r.stations_expected, "stations_reported": r.stations_reported,
            "complete": s.complete}


def _contest_summary(s: ContestSnapshot) -> JsonDict:
    c = s.contest
    return {
        "contest": c.id, "kind": c.kind.value, "name": c.name.as_dict(), "area": c.area,
        "district": None if c.district is None else c.district.id,
        "constitutional": None if c.referendum is None else c.referendum.constitutional,
        "as_of": s.as_of, **_progress(s),
    }


def _option_summary(o: Option) -> JsonDict:
    return {"option": o.id, "kind": o.kind.value, "name": o.name.as_dict(), "party": o.party,
            "registration_order": o.registration_order}


def contests_csv(election: Election, snaps: Sequence[ContestSnapshot]) -> str:
    header = ["election", "contest", "kind", "name_kk", "name_ru", "name_en", "area", "district",
              "constitutional", "stations_expected", "stations_reported", "complete", "as_of"]

    def rows() -> Iterator[list[object]]:
        for s in snaps:
            d = _contest_summary(s)
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


def decision_json(s: ContestSnapshot) -> JsonDict:
    """The law's decision on the snapshot's figures, as the API gives it, with its progress."""
    out: JsonDict = {"contest": s.contest.id, "as_of": s.as_of, **_progress(s)}
    if s.referendum is not None:
        out["decision"] = referendum_json(s.referendum)
    elif s.list_seats is not None:
        out["decision"] = list_json(s.list_seats)
    elif s.candidates is not None:
        out["decision"] = candidate_json(s.candidates)
    else:
        out["decision"] = None
        out["state"] = "undecidable" if s.undecidable else "pending"
        out["reason"] = s.undecidable or "no results yet"
    return out


def election_json(election: Election, snaps: Sequence[ContestSnapshot]) -> JsonDict:
    """The index of a JSON export: the election, its contests, their options and files."""
    return {
        "format": "saylau-open-data", "format_version": FORMAT_VERSION,
        "election": {"id": election.id, "name": election.name.as_dict(),
                     "ruleset": election.ruleset.value, "date": election.date},
        "contests": [
            {**_contest_summary(s),
             "options": [_option_summary(o) for o in s.contest.options],
             "files": {**_contest_files(s, "json"),
                       "decision": f"{file_stem(s.contest.id)}.decision.json"}}
            for s in snaps
        ],
    }


def _dumps(doc: JsonDict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def open_data_files(
    election: Election, snaps: Sequence[ContestSnapshot], fmt: str
) -> dict[str, str]:
    """Every file of a CSV or JSON export, {file name: text}, names as in docs/open-data.md."""
    if fmt not in ("csv", "json"):
        raise ValidationFailed(f"unknown export format {fmt!r}",
                               details={"field": "format", "expected": "csv | json",
                                        "actual": fmt})
    files: dict[str, str] = {}
    if fmt == "csv":
        files["contests.csv"] = contests_csv(election, snaps)
        files["options.csv"] = options_csv(snaps)
    else:
        files["election.json"] = _dumps(election_json(election, snaps))
    for s in snaps:
        names = _contest_files(s, fmt)
        if fmt == "json":
            files[f"{file_stem(s.contest.id)}.decision.json"] = _dumps(decision_json(s))
        for level, name in names.items():
            if fmt == "csv":
                build_csv = {"units": units_csv, "stations": stations_csv,
                             "sessions": sessions_csv}[level]
                files[name] = build_csv(s)
            else:
                build_json = {"units": units_json, "stations": stations_json,
                              "sessions": sessions_json}[level]
                files[name] = _dumps(build_json(s))
    return files


# --- NIST SP 1500-100 v2 ------------------------------------------------------------------------

_NC = re.compile(r"[^A-Za-z0-9_.-]")


class _Ids:
    """CDF @ids: a prefix per object type, then our id (characters outside A-Z a-z 0-9 _ . -
    replaced by _), made unique by a -2, -3 ... suffix when two would coincide."""

    def __init__(self) -> None:
        self._used: set[str] = set()
        self._given: dict[tuple[str, ...], str] = {}

    def __call__(self, kind: str, *parts: str) -> str:
        key = (kind, *parts)
        got = self._given.get(key)
        if got is None:
            base = "-".join([kind, *(_NC.sub("_", p) for p in parts)])
            got, n = base, 2
            while got in self._used:
                got, n = f"{base}-{n}", n + 1
            self._used.add(got)
            self._given[key] = got
        return got


def _text(n: Names) -> JsonDict:
    """An InternationalizedText with a LanguageString for each of kk, ru, en that is given."""
    given = [(lang, getattr(n, lang)) for lang in LANGUAGES if getattr(n, lang)]
    return {"@type": "ElectionResults.InternationalizedText",
            "Text": [{"@type": "ElectionResults.LanguageString", "Language": lang,
                      "Content": text} for lang, text in (given or [("en", n.en)])]}


def _status(reported: int, expected: int) -> str:
    if expected > 0 and reported >= expected:
        return "completed"
    return "in-process" if reported > 0 else "not-processed"


def _count_status(kind: str, status: str) -> JsonDict:
    return {"@type": "ElectionResults.CountStatus", "Type": kind, "Status": status}


def _generated(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValidationFailed("the report's GeneratedDate needs a time zone",
                               details={"field": "generated", "expected": "an aware datetime",
                                        "actual": at.isoformat()})
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_UNIT_TYPES = {UnitKind.COUNTRY: "country", UnitKind.REGION: "state", UnitKind.CITY: "state",
               UnitKind.STATION: "precinct"}

PASSAGE = {
    True: Names(
        kk="",
        ru="Решение принято, если за него проголосовало более половины граждан, принявших "
        "участие в голосовании, не менее чем в двух третях областей, городов республиканского "
        "значения и столицы; референдум состоялся, если в нём приняли участие более половины "
        "граждан, внесённых в списки.",
        en="Adopted if more than half of the participants vote yes in no fewer than two-thirds "
        "of the top-level units (regions, cities of republican significance and the capital); "
        "valid if more than half of the citizens on the voter lists take part.",
    ),
    False: Names(
        kk="",
        ru="Решение принято, если за него проголосовало более половины граждан, принявших "
        "участие в голосовании; референдум состоялся, если в нём приняли участие более "
        "половины граждан, внесённых в списки.",
        en="Adopted if more than half of the participants vote yes; valid if more than half "
        "of the citizens on the voter lists take part.",
    ),
}
"""The referendum's passage rule (docs/law.md §3.1, §3.5, §3.6), for BallotMeasureContest's
PassageThreshold. No Kazakh wording is given until a checked translation is available."""


def _principal(snaps: Sequence[ContestSnapshot]) -> ContestSnapshot | None:
    """The contest every voter of the country votes in (the referendum question, the party
    list, the presidency): its figures describe the reporting units themselves."""
    for s in snaps:
        if s.contest.area == s.geo.root.id and s.contest.kind in (
                ContestKind.REFERENDUM, ContestKind.PARTY_LIST, ContestKind.PRESIDENTIAL):
            return s
    return None


def _reporting_units(geo: Geography, ids: _Ids, principal: ContestSnapshot | None,
                     snaps: Sequence[ContestSnapshot]) -> list[JsonDict]:
    out: list[JsonDict] = []
    for i, u in enumerate(geo.units):
        ru: JsonDict = {"@id": ids("ru", u.id), "@type": "ElectionResults.ReportingUnit"}
        kind = _UNIT_TYPES.get(u.kind)
        if kind is None:  # districts: second-level units are counties, deeper ones 'other'
            kind = "county" if int(geo.depth[i]) == 2 else "other"
        ru["Type"] = kind
        if kind == "other":
            ru["OtherType"] = "district"
        ru["Name"] = _text(u.name)
        kids = geo.children[u.id]
        if kids:
            ru["ComposingGpUnitIds"] = [ids("ru", k) for k in kids]
        if u.code:
            ru["ExternalIdentifier"] = [{"@type": "ElectionResults.ExternalIdentifier",
                                         "Type": "other", "OtherType": "iso-3166-2",
                                         "Value": u.code}]
        if principal is not None:
            r = principal.tally.result(u.id)
            if r.stations_expected > 0:
                ru["CountStatus"] = [_count_status(
                    "total", _status(r.stations_reported, r.stations_expected))]
                if not u.is_station:
                    ru["SubUnitsReported"] = r.stations_reported
                    ru["TotalSubUnits"] = r.stations_expected
                if r.stations_reported > 0:
                    ru["VotersRegistered"] = r.registered
                    ru["VotersParticipated"] = r.participants
        out.append(ru)
    seen: set[str] = set()
    for s in snaps:
        d = s.contest.district
        if d is None or d.id in seen:
            continue
        seen.add(d.id)
        out.append({
            "@id": ids("ed", d.id), "@type": "ElectionResults.ReportingUnit", "Type": "other",
            "OtherType": "single-member-district", "Name": _text(d.name), "Number": str(d.number),
            "ComposingGpUnitIds": [ids("ru", st)
                                   for st in sorted(d.stations, key=lambda st: geo.index[st])],
            "CountStatus": [_count_status("total", _status(s.total.stations_reported,
                                                             s.total.stations_expected))],
            "SubUnitsReported": s.total.stations_reported,
            "TotalSubUnits": s.total.stations_expected,
        })
    return out


def _reported_units(s: ContestSnapshot) -> Iterator[tuple[Unit, UnitResult]]:
    """The contest's units (stations included) with at least one reported station."""
    for i in _unit_indices(s, stations=None, reported=True):
        u = s.geo.units[i]
        yield u, s.tally.result(u.id)


def _district_gpu(s: ContestSnapshot, ids: _Ids) -> str:
    d = s.contest.district
    return ids("ed", d.id) if d is not None else ids("ru", s.contest.area)


def _vote_counts(s: ContestSnapshot, ids: _Ids, option: OptionId,
                 units: Sequence[tuple[Unit, UnitResult]]) -> list[JsonDict]:
    out = [{"@type": "ElectionResults.VoteCounts", "GpUnitId": ids("ru", u.id),
            "Type": "total", "Count": r.vote(option)} for u, r in units]
    if s.contest.district is not None and s.has_results:  # the district's own total
        out.insert(0, {"@type": "ElectionResults.VoteCounts", "GpUnitId": _district_gpu(s, ids),
                       "Type": "total", "Count": s.total.vote(option)})
    return out


def _against_all(s: ContestSnapshot, ids: _Ids, o: Option, order: int,
                 counts: list[JsonDict]) -> JsonDict:
    """"Against all": the one CDF selection that carries its own (three-language) name."""
    return {"@id": ids("sel", s.contest.id, o.id),
            "@type": "ElectionResults.BallotMeasureSelection", "Selection": _text(o.name),
            "SequenceOrder": order, "VoteCounts": counts}


def _contest_common(s: ContestSnapshot, ids: _Ids, order: int, cdf_type: str) -> JsonDict:
    r = s.total
    status = [_count_status("total", _status(r.stations_reported, r.stations_expected))]
    return {
        "@id": ids("contest", s.contest.id), "@type": cdf_type,
        "ElectionDistrictId": _district_gpu(s, ids),
        "Name": s.contest.name.en or s.contest.id, "BallotTitle": _text(s.contest.name),
        "SequenceOrder": order, "CountStatus": status,
        "SubUnitsReported": r.stations_reported, "TotalSubUnits": r.stations_expected,
    }


def _other_counts(s: ContestSnapshot, ids: _Ids,
                  units: Sequence[tuple[Unit, UnitResult]]) -> list[JsonDict]:
    """Both-marked referendum ballots: overvotes (valid ballots that count for neither)."""
    return [{"@type": "ElectionResults.OtherCounts", "GpUnitId": ids("ru", u.id),
             "Overvotes": r.both_marked} for u, r in units]


def _post_status(d: CandidateDecision | None, final: bool, option: str) -> str | None:
    if d is None or not final:
        return None
    if d.outcome is Outcome.ELECTED:
        return "winner" if d.winner == option else "defeated"
    if d.outcome is Outcome.RUNOFF and d.runoff is not None:
        return "advanced-to-runoff" if option in d.runoff else "defeated"
    if d.outcome is Outcome.REPEAT:
        return "defeated"
    return None  # a tie or an invalid vote: nobody's status is settled by the count


def _senate_counts(s: ContestSnapshot, ids: _Ids, option: str) -> list[JsonDict]:
    gpu = ids("ru", s.contest.area)
    return [{"@type": "ElectionResults.VoteCounts", "GpUnitId": gpu, "Type": "total",
             "Round": r.round, "Count": dict(r.votes).get(option, 0)}
            for r in s.sessions if option in dict(r.votes)]


_CONTEST_TYPES = {
    ContestKind.REFERENDUM: "ElectionResults.BallotMeasureContest",
    ContestKind.PARTY_LIST: "ElectionResults.PartyContest",
    ContestKind.SINGLE_MEMBER: "ElectionResults.CandidateContest",
    ContestKind.PRESIDENTIAL: "ElectionResults.CandidateContest",
    ContestKind.SENATE_SEAT: "ElectionResults.CandidateContest",
}


def _contest(s: ContestSnapshot, ids: _Ids, order: int, candidates: list[JsonDict]
             ) -> JsonDict:
    c = s.contest
    units = list(_reported_units(s)) if c.kind is not ContestKind.SENATE_SEAT else []
    out = _contest_common(s, ids, order, _CONTEST_TYPES[c.kind])
    selections: list[JsonDict] = []
    if c.kind is ContestKind.REFERENDUM:
        assert c.referendum is not None
        out["Type"] = "referendum"
        out["FullText"] = _text(c.referendum.question)
        out["PassageThreshold"] = _text(PASSAGE[c.referendum.constitutional])
        if c.referendum.constitutional:
            out["VoteVariation"] = "other"
            out["OtherVoteVariation"] = "majority-in-two-thirds-of-top-level-units"
        else:
            out["VoteVariation"] = "majority"
        for k, o in enumerate(c.options, 1):
            selections.append({"@id": ids("sel", c.id, o.id),
                               "@type": "ElectionResults.BallotMeasureSelection",
                               "Selection": _text(o.name), "SequenceOrder": k,
                               "VoteCounts": _vote_counts(s, ids, o.id, units)})
        if units:
            out["OtherCounts"] = _other_counts(s, ids, units)
    elif c.kind is ContestKind.PARTY_LIST:
        out["VoteVariation"] = "proportional"
        d = s.list_seats
        seats = d.seats if d is not None else {}
        for k, o in enumerate(c.options, 1):
            counts = _vote_counts(s, ids, o.id, units)
            if o.kind is OptionKind.AGAINST_ALL:
                selections.append(_against_all(s, ids, o, k, counts))
                continue
            if d is not None:
                counts.append({"@type": "ElectionResults.VoteCounts",
                               "GpUnitId": _district_gpu(s, ids), "Type": "seats",
                               "Count": seats.get(o.id, 0)})
            selections.append({"@id": ids("sel", c.id, o.id),
                               "@type": "ElectionResults.PartySelection",
                               "PartyIds": [ids("party", o.id)], "SequenceOrder": k,
                               "VoteCounts": counts})
        if d is not None:
            final = s.complete and d.undecided == 0
            out["CountStatus"].append(_count_status("seats",
                                                    "completed" if final else "in-process"))
    else:
        out["VotesAllowed"] = 1
        out["NumberElected"] = 1
        if c.kind is ContestKind.SINGLE_MEMBER:
            out["VoteVariation"] = "plurality"
        else:  # the presidency and a Senate seat: a majority, else the top two go to round 2
            out["VoteVariation"] = "majority"
            out["NumberRunoff"] = 2
        senate = c.kind is ContestKind.SENATE_SEAT
        if senate:
            r1 = [r for r in s.sessions if r.round == 1]
            out["CountStatus"] = [_count_status("total", "completed" if s.complete else (
                "in-process" if r1 else "not-processed"))]
            del out["SubUnitsReported"], out["TotalSubUnits"]
        for k, o in enumerate(c.options, 1):
            counts = (_senate_counts(s, ids, o.id) if senate
                      else _vote_counts(s, ids, o.id, units))
            if o.kind is OptionKind.AGAINST_ALL:
                selections.append(_against_all(s, ids, o, k, counts))
                continue
            cand: JsonDict = {"@id": ids("cand", c.id, o.id),
                              "@type": "ElectionResults.Candidate", "BallotName": _text(o.name)}
            if o.party is not None:
                cand["PartyId"] = ids("party", o.party)
            status = _post_status(s.candidates, s.complete, o.id)
            if status is not None:
                cand["PostElectionStatus"] = status
            candidates.append(cand)
            selections.append({"@id": ids("sel", c.id, o.id),
                               "@type": "ElectionResults.CandidateSelection",
                               "CandidateIds": [cand["@id"]], "SequenceOrder": k,
                               "VoteCounts": counts})
    out["ContestSelection"] = selections
    return out


def _ballot_counts(s: ContestSnapshot, ids: _Ids, principal: bool) -> list[JsonDict]:
    """Ballots found in the boxes and invalid ones, per unit, for the contest's ballot paper:
    `total` for the principal contest, `other` naming the contest for the others."""
    kind: JsonDict = ({"Type": "total"} if principal else
                      {"Type": "other", "OtherType": f"ballot:{ids('contest', s.contest.id)}"})
    if s.contest.kind is ContestKind.SENATE_SEAT:
        gpu = ids("ru", s.contest.area)
        return [{"@type": "ElectionResults.BallotCounts", "GpUnitId": gpu, **kind,
                 "Round": r.round, "BallotsCast": sum(v for _, v in r.votes) + r.invalid,
                 "BallotsRejected": r.invalid} for r in s.sessions]
    out = [{"@type": "ElectionResults.BallotCounts", "GpUnitId": ids("ru", u.id), **kind,
            "BallotsCast": r.ballots_in_boxes, "BallotsRejected": r.invalid}
           for u, r in _reported_units(s)]
    if s.contest.district is not None and s.has_results:
        out.insert(0, {"@type": "ElectionResults.BallotCounts", "GpUnitId": _district_gpu(s, ids),
                       **kind, "BallotsCast": s.total.ballots_in_boxes,
                       "BallotsRejected": s.total.invalid})
    return out


def _parties(snaps: Sequence[ContestSnapshot], ids: _Ids) -> list[JsonDict]:
    names: dict[str, Names] = {}
    for s in snaps:
        if s.contest.kind is ContestKind.PARTY_LIST:
            for o in s.contest.options:
                if o.kind is OptionKind.CHOICE:
                    names.setdefault(o.id, o.name)
    for s in snaps:  # candidates' parties with no list in this election: named by their id
        for o in s.contest.options:
            if o.party is not None:
                names.setdefault(o.party, Names.same(o.party))
    return [{"@id": ids("party", p), "@type": "ElectionResults.Party", "Name": _text(n)}
            for p, n in names.items()]


def _election_type(election: Election, snaps: Sequence[ContestSnapshot]) -> JsonDict:
    kinds = {s.contest.kind for s in snaps}
    if kinds == {ContestKind.REFERENDUM}:
        return {"Type": "other", "OtherType": "referendum"}
    if kinds == {ContestKind.SENATE_SEAT}:
        return {"Type": "other", "OtherType": "indirect"}
    return {"Type": "general"}


def _report_status(snaps: Sequence[ContestSnapshot]) -> str:
    if snaps and all(s.complete for s in snaps):
        return "unofficial-complete"
    if any(s.has_results for s in snaps):
        return "unofficial-partial"
    return "pre-election"


def cdf_report(
    election: Election, snaps: Sequence[ContestSnapshot], generated: datetime, *,
    is_test: bool = False,
) -> JsonDict:
    """The election as a NIST SP 1500-100 v2 ElectionReport (JSON), precinct level.

    `generated` (an aware datetime) becomes GeneratedDate. The mapping of every figure is in
    docs/open-data.md; the report validates against the official JSON schema."""
    if not snaps:
        raise ValidationFailed(f"election {election.id!r} has no contests to report",
                               details={"field": "contests", "expected": "at least one",
                                        "actual": 0})
    geo = snaps[0].geo
    ids = _Ids()
    principal = _principal(snaps)
    gp_units = _reporting_units(geo, ids, principal, snaps)
    parties = _parties(snaps, ids)
    candidates: list[JsonDict] = []
    contests_out = [_contest(s, ids, k, candidates) for k, s in enumerate(snaps, 1)]
    ballots = [b for s in snaps for b in _ballot_counts(s, ids, s is principal)]
    complete = all(s.complete for s in snaps)
    any_results = any(s.has_results for s in snaps)
    election_out: JsonDict = {
        "@type": "ElectionResults.Election", "Name": _text(election.name),
        "StartDate": election.date, "EndDate": election.date,
        **_election_type(election, snaps),
        "ElectionScopeId": ids("ru", geo.root.id),
        "CountStatus": [_count_status("total", "completed" if complete else (
            "in-process" if any_results else "not-processed"))],
        "Contest": contests_out,
    }
    if candidates:
        election_out["Candidate"] = candidates
    if ballots:
        election_out["BallotCounts"] = ballots
    as_of = ", ".join(f"{s.contest.id} as of protocol record {s.as_of}" for s in snaps)
    report: JsonDict = {
        "@type": "ElectionResults.ElectionReport",
        "Format": "precinct-level",
        "GeneratedDate": _generated(generated),
        "Issuer": ISSUER,
        "IssuerAbbreviation": ISSUER_ABBREVIATION,
        "VendorApplicationId": f"saylau {__version__}",
        "SequenceStart": 1,
        "SequenceEnd": 1,
        "Status": _report_status(snaps),
        "IsTest": is_test,
        "Notes": f"Election {election.id} under ruleset {election.ruleset.value}; {as_of}. "
                 "Unofficial: figures of the accepted protocols, not the certified result.",
        "GpUnit": gp_units,
        "Election": [election_out],
    }
    if parties:
        report["Party"] = parties
    if election.ruleset is RulesetName.GENERIC:
        report["Notes"] += " Generic ruleset: not a Kazakhstan statute."
    return report


def cdf_json(report: JsonDict) -> str:
    """The report as the text of a .json file (UTF-8, names unescaped)."""
    return _dumps(report)


__all__ = [
    "ContestSnapshot", "SessionRound", "StationProtocol", "cdf_json", "cdf_report",
    "contests_csv", "decision_json", "election_json", "election_snapshots", "file_stem",
    "open_data_files", "options_csv", "session_records", "sessions_csv", "sessions_json",
    "snapshot", "station_records", "stations_csv", "stations_json", "unit_records",
    "units_csv", "units_json",
]
