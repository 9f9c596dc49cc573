"""The figures every open-data file is made from: one consistent snapshot of a contest
(`ContestSnapshot`: the tally of every unit, the current protocol of every station, the law's
decision, all as of one protocol record) and the records built from it, one per unit, station
or Senate round, that the CSV, JSON and CDF writers share. Pure: values in, values out; no
database, no clock (services.export.snapshot reads the store)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from saylau.domain.contests import Contest, ContestKind, Election, Option
from saylau.domain.decide import SessionRound
from saylau.domain.explain import share_json
from saylau.domain.geography import Geography, Unit
from saylau.domain.law.candidates import CandidateDecision, Outcome
from saylau.domain.law.parliament import ListDecision
from saylau.domain.law.referendum import ReferendumDecision
from saylau.domain.tally import Tally, UnitResult

JsonDict = dict[str, Any]

FORMAT_VERSION = 1
"""Version of the CSV/JSON layout described in docs/open-data.md (not of the CDF)."""
CDF_COUNTS = ("registered", "ballots_received", "ballots_issued", "ballots_cancelled",
              "ballots_in_boxes", "invalid")
"""The protocol's counts every contest has (referendums add both_marked)."""


@dataclass(frozen=True, slots=True)
class StationProtocol:
    """A station's current protocol version as of the snapshot (its figures are the tally's)."""

    version: int
    content_hash: str
    warnings: tuple[str, ...]
    """Codes of the warnings the protocol was accepted with (e.g. ballots.unaccounted)."""


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


# --- rows ------------------------------------------------------------------------------------


def counts_of(c: Contest) -> tuple[str, ...]:
    return (*CDF_COUNTS, "both_marked") if c.has_both_marked else CDF_COUNTS


def within_area(s: ContestSnapshot) -> npt.NDArray[np.bool_]:
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


def unit_indices(s: ContestSnapshot, *, stations: bool | None, reported: bool = False
                  ) -> Iterator[int]:
    """The units of the contest, geography order: its area and the units below it with at
    least one of its stations (with `reported`: one that reported); the stations only, or
    every other unit."""
    counted = s.tally.totals[:, 1 if reported else 0] > 0
    is_station = np.zeros(len(s.geo.units), dtype=bool)
    is_station[s.geo.station_indices] = True
    if stations is not None:
        counted &= is_station if stations else ~is_station
    for i in np.flatnonzero(counted & within_area(s)):
        yield int(i)


def option_columns(c: Contest) -> list[str]:
    return [f"votes.{o.id}" for o in c.options]


def file_stem(contest_id: str) -> str:
    """A contest's id as a file name (characters other than A-Z a-z 0-9 _ . - become _)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", contest_id)


def _unit_record(s: ContestSnapshot, u: Unit, r: UnitResult) -> JsonDict:
    c = s.contest
    rec: JsonDict = {
        "unit": u.id, "parent": u.parent, "kind": u.kind.value, "code": u.code,
        "name": u.name.as_dict(),
        "stations_expected": r.stations_expected, "stations_reported": r.stations_reported,
        "complete": r.complete, "list_size": r.list_size,
    }
    for f in counts_of(c):
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
            for i in unit_indices(s, stations=False)]


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
        rec.update({"version": None, **dict.fromkeys(counts_of(c)), "participants": None,
                    "votes": None, "content_hash": None, "warnings": []})
        return rec
    r = s.tally.result(u.id)
    rec["version"] = p.version
    for f in counts_of(c):
        rec[f] = getattr(r, f)
    rec["participants"] = r.participants
    rec["votes"] = dict(r.votes)
    rec["content_hash"] = p.content_hash
    rec["warnings"] = list(p.warnings)
    return rec


def station_records(s: ContestSnapshot) -> list[JsonDict]:
    """One record per station voting in the contest (reported or not), geography order."""
    geo = s.geo
    return [_station_record(s, geo.units[i]) for i in unit_indices(s, stations=True)]


def session_records(s: ContestSnapshot) -> list[JsonDict]:
    """A Senate seat: one record per round of the joint session (its current version)."""
    return [{"unit": s.contest.area, "round": r.round, "version": r.version,
             "electors": r.electors, "electors_present": r.electors_present,
             "invalid": r.invalid, "votes": dict(r.votes)} for r in s.sessions]


def contest_files(s: ContestSnapshot, ext: str) -> dict[str, str]:
    stem = file_stem(s.contest.id)
    if s.contest.kind is ContestKind.SENATE_SEAT:
        return {"sessions": f"{stem}.sessions.{ext}"}
    return {"units": f"{stem}.units.{ext}", "stations": f"{stem}.stations.{ext}"}


def progress(s: ContestSnapshot) -> JsonDict:
    """Stations expected and reported (None for a Senate seat: no station votes on it)."""
    if s.contest.kind is ContestKind.SENATE_SEAT:
        return {"stations_expected": None, "stations_reported": None, "complete": s.complete}
    r = s.total
    return {"stations_expected": r.stations_expected, "stations_reported": r.stations_reported,
            "complete": s.complete}


def contest_summary(s: ContestSnapshot) -> JsonDict:
    c = s.contest
    return {
        "contest": c.id, "kind": c.kind.value, "name": c.name.as_dict(), "area": c.area,
        "district": None if c.district is None else c.district.id,
        "constitutional": None if c.referendum is None else c.referendum.constitutional,
        "as_of": s.as_of, **progress(s),
    }


def option_summary(o: Option) -> JsonDict:
    return {"option": o.id, "kind": o.kind.value, "name": o.name.as_dict(), "party": o.party,
            "registration_order": o.registration_order}


def dumps(doc: JsonDict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
