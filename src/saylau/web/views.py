"""What the public pages show, gathered from the services: plain values, no language yet.

The routes (live pages) and the publisher (static snapshot) build the same views, then render
them in each language. Only what is public is gathered: results, decisions, the chamber, and
the accepted protocols with their checks and versions (who, when, why). Rejected submissions,
tokens and scopes stay with the commissions.
"""

from __future__ import annotations

import os
import threading
import time as _time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction

from saylau.domain.contests import Contest, ContestKind, Election, Option, OptionKind
from saylau.domain.errors import NotFound, RuleError
from saylau.domain.explain import share
from saylau.domain.geography import Geography, Unit
from saylau.domain.ids import OptionId, StationId, UnitId
from saylau.domain.law.candidates import CandidateDecision
from saylau.domain.law.parliament import ListDecision
from saylau.domain.law.referendum import ReferendumDecision
from saylau.domain.protocols import (
    PROTOCOL_CHECKS,
    AcceptedProtocol,
    Finding,
    ProtocolCheckContext,
)
from saylau.domain.tally import TurnoutPoint, UnitResult
from saylau.services import elections as election_svc
from saylau.services import parliament as parliament_svc
from saylau.services import protocols as protocol_svc
from saylau.services import results as results_svc
from saylau.services import senate as senate_svc
from saylau.services.context import Saylau

MAIN_KINDS = (ContestKind.REFERENDUM, ContestKind.PARTY_LIST, ContestKind.PRESIDENTIAL,
              ContestKind.SENATE_SEAT, ContestKind.SINGLE_MEMBER)
"""Which contest an election's pages are about, in order of preference."""

PROBE_SECONDS = 1.0
"""The live pages' "anything new?" probe is computed at most once a second per election,
however many readers poll: election-night traffic costs the database nothing more."""


_FROZEN: ContextVar[bool] = ContextVar("saylau_web_frozen", default=False)


@contextmanager
def frozen_record() -> Iterator[None]:
    """Within the block, every tally is the one already computed (no re-reading): a static
    snapshot's pages all show the same record."""
    token = _FROZEN.set(True)
    try:
        yield
    finally:
        _FROZEN.reset(token)


def results_max_age() -> float:
    """As the API: seconds a tally may be reused ($SAYLAU_RESULTS_MAX_AGE, default 0)."""
    if _FROZEN.get():
        return float("inf")
    try:
        return max(0.0, float(os.environ.get("SAYLAU_RESULTS_MAX_AGE", "0")))
    except ValueError:
        return 0.0


# --- the election -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ElectionInfo:
    election: Election
    contests: tuple[Contest, ...]
    main: Contest

    @property
    def districts(self) -> tuple[Contest, ...]:
        return tuple(c for c in self.contests
                     if c.kind is ContestKind.SINGLE_MEMBER and c.district is not None)

    @property
    def senate_seats(self) -> tuple[Contest, ...]:
        return tuple(c for c in self.contests if c.kind is ContestKind.SENATE_SEAT)

    def contest(self, contest_id: str) -> Contest:
        for c in self.contests:
            if c.id == contest_id:
                return c
        raise NotFound(f"election {self.election.id!r} has no contest {contest_id!r}",
                       details={"election": self.election.id, "contest": contest_id})

    @property
    def has_stations(self) -> bool:
        """Whether polling stations vote (not a Senate election of electors)."""
        return self.main.kind is not ContestKind.SENATE_SEAT


def election_info(app: Saylau, election_id: str | None = None) -> ElectionInfo:
    """The named election (else the latest) with its contests (cached: they never change)."""
    e = election_svc.get_election(app, election_id)
    key = f"web:election:{e.id}"
    cached = app.caches.get(key)
    if isinstance(cached, ElectionInfo):
        return cached
    cs = tuple(election_svc.contests(app, e.id))
    if not cs:
        raise NotFound(f"election {e.id!r} has no contest yet", details={"election": e.id})
    main = next((c for k in MAIN_KINDS for c in cs if c.kind is k), cs[0])
    info = ElectionInfo(e, cs, main)
    app.caches[key] = info
    return info


def elections(app: Saylau) -> list[Election]:
    return election_svc.list_elections(app)


@dataclass
class _Probe:
    at: float = -1.0
    value: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)


def record_version(app: Saylau, info: ElectionInfo, *, fresh: bool = False) -> str:
    """Which record the pages are built from: every contest's last protocol and turnout
    sequence numbers (and Senate session versions). Changes whenever a figure can change.
    Computed at most once a second per election unless `fresh`."""
    key = f"web:probe:{info.election.id}"
    probe = app.caches.get(key)
    if not isinstance(probe, _Probe):
        probe = app.caches.setdefault(key, _Probe())
    assert isinstance(probe, _Probe)
    with probe.lock:
        now = _time.monotonic()
        if fresh or now - probe.at >= PROBE_SECONDS:
            parts: list[str] = []
            for c in info.contests:
                if c.kind is ContestKind.SENATE_SEAT:
                    parts.append(str(sum(s.version for s in senate_svc.session_history(
                        app, c.id))))
                    continue
                _t, cache = results_svc.refresh(app, c.id, max_age=results_max_age())
                parts.append(f"{cache.seq}.{cache.turnout_seq}")
            probe.value = "-".join(parts) if len(parts) <= 4 else _digest(parts)
            probe.at = now
        return probe.value


def _digest(parts: Sequence[str]) -> str:
    import hashlib

    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


# --- a unit of the geography (the country included) --------------------------------------


@dataclass(frozen=True)
class OptionRow:
    option: Option
    votes: int
    share: Fraction
    """: the votes over the participants (referendums, candidates) or over the
    threshold base (party lists)."""
    passed: bool | None = None
    seats: int | None = None
    party: Option | None = None
    """A candidate's nominating party (an option of the list contest)."""


@dataclass(frozen=True)
class DistrictRow:
    contest: Contest
    number: int
    unit: Unit
    decision: CandidateDecision | None
    winner: Option | None
    winner_party: Option | None
    stations_reported: int
    stations_expected: int
    state: str
    """elected | repeat | tie | runoff | pending (protocols outstanding) | invalid"""


@dataclass(frozen=True)
class Chamber:
    name: str
    size: int
    filled: int
    rows: tuple[tuple[str, Option | None, dict[str, int]], ...]
    """(key, party option or None, {list, district, other, total}), largest first."""
    seats: tuple[tuple[str, Option | None], ...]
    """Every seat in chamber order (left to right): (key, party or None). Keys of empty
    seats: 'pending' (protocols outstanding), 'vacant' (a repeat election is due)."""
    vacancies: int
    pending: int
    list_decision: ListDecision


@dataclass(frozen=True)
class UnitView:
    info: ElectionInfo
    contest: Contest
    unit: Unit
    path: tuple[Unit, ...]
    """From the country down to the unit's parent."""
    result: UnitResult
    children: tuple[tuple[Unit, UnitResult], ...]
    turnout: tuple[TurnoutPoint, ...]
    options: tuple[OptionRow, ...]
    referendum: ReferendumDecision | None
    chamber: Chamber | None
    list_decision: ListDecision | None
    candidate: CandidateDecision | None
    districts: tuple[DistrictRow, ...]
    senate: tuple[tuple[Contest, CandidateDecision | None], ...]
    as_of: int
    turnout_as_of: int
    version: str
    built: datetime
    geo: Geography

    @property
    def is_root(self) -> bool:
        return self.unit.parent is None

    @property
    def leading(self) -> dict[str, Option | None]:
        """Each child unit's leading option (most votes; None with no votes or a tie)."""
        out: dict[str, Option | None] = {}
        for u, r in self.children:
            out[u.id] = leading_option(self.contest, r)
        return out


def leading_option(contest: Contest, r: UnitResult) -> Option | None:
    votes = [(v, o) for o, v in r.votes
             if contest.option(o).kind is OptionKind.CHOICE and v > 0]
    if not votes:
        return None
    votes.sort(key=lambda x: -x[0])
    if len(votes) > 1 and votes[0][0] == votes[1][0]:
        return None
    return contest.option(votes[0][1])


def _path(geo: Geography, unit: Unit) -> tuple[Unit, ...]:
    return tuple(reversed(geo.ancestors(unit.id)))


def unit_view(app: Saylau, info: ElectionInfo, unit_id: str | None = None) -> UnitView:
    geo = app.geography()
    contest = info.main
    max_age = results_max_age()
    version = record_version(app, info)
    if contest.kind is ContestKind.SENATE_SEAT:
        unit = geo.unit(UnitId(unit_id)) if unit_id is not None else geo.root
        seats = tuple((c, senate_svc.seat_decision(app, c.id)) for c in info.senate_seats)
        empty = UnitResult(unit.id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ())
        return UnitView(info, contest, unit, _path(geo, unit), empty, (), (), (), None, None,
                        None, None, (), seats, 0, 0, version, datetime.now(UTC), geo)
    v = results_svc.results(app, contest.id, unit_id, max_age=max_age,
                            with_decision=unit_id is None or unit_id == geo.root.id)
    unit = v.unit
    chamber: Chamber | None = None
    ld: ListDecision | None = None
    cd: CandidateDecision | None = None
    districts: tuple[DistrictRow, ...] = ()
    r = v.result
    options: list[OptionRow] = []
    comp = None
    if contest.kind is ContestKind.PARTY_LIST and unit.parent is None:
        try:
            comp = parliament_svc.composition(app, info.election.id)
        except RuleError:
            # no seats can be allocated from these figures yet (no votes at all, or no party
            # over the threshold so far): the page shows the votes without a chamber
            comp = None
    if contest.kind is ContestKind.PARTY_LIST:
        if comp is not None:
            ld = comp.list_decision
            chamber = _chamber(info, comp)
            rows = {row.party: row for row in ld.rows}
            for o in contest.options:
                row = rows.get(o.id)
                if row is None:  # against all: in the threshold base, not a party
                    options.append(OptionRow(o, r.vote(o.id), _share(r.vote(o.id),
                                                                     ld.threshold_base)))
                else:
                    options.append(OptionRow(o, row.votes, row.share, row.passed, row.seats))
        else:
            base = sum(v_ for _, v_ in r.votes)
            options = [OptionRow(o, r.vote(o.id), _share(r.vote(o.id), base))
                       for o in contest.options]
        if info.districts and (unit.parent is None or unit.parent == geo.root.id):
            districts = district_rows(app, info, None if unit.parent is None else unit.id)
    else:
        options = [OptionRow(o, r.vote(o.id), r.vote_share(o.id)) for o in contest.options]
        if contest.kind is ContestKind.PRESIDENTIAL and unit.parent is None:
            cd, _p = parliament_svc.candidate_decision(app, contest.id)
    return UnitView(
        info=info, contest=contest, unit=unit, path=_path(geo, unit), result=r,
        children=v.children, turnout=v.turnout, options=tuple(options),
        referendum=v.decision, chamber=chamber, list_decision=ld, candidate=cd,
        districts=districts, senate=(), as_of=v.as_of, turnout_as_of=v.turnout_as_of,
        version=version, built=datetime.now(UTC), geo=geo,
    )


def _share(part: int, whole: int) -> Fraction:
    return share(part, whole)


def _chamber(info: ElectionInfo, comp: parliament_svc.Composition) -> Chamber:
    parties = {o.id: o for o in info.main.options}
    by_party = comp.by_party()
    rows = sorted(by_party.items(), key=lambda kv: (-kv[1]["total"], _order(parties, kv[0])))
    seats: list[tuple[str, Option | None]] = []
    for key, _counts in sorted(by_party.items(), key=lambda kv: _order(parties, kv[0])):
        seats.extend((key, parties.get(OptionId(key))) for _ in range(by_party[key]["total"]))
    vacancies = len(comp.vacancies)
    pending_seats = comp.size - len(comp.seats) - vacancies
    seats.extend(("vacant", None) for _ in range(vacancies))
    seats.extend(("pending", None) for _ in range(max(0, pending_seats)))
    return Chamber(
        name=comp.chamber, size=comp.size, filled=len(comp.seats),
        rows=tuple((k, parties.get(OptionId(k)), c) for k, c in rows),
        seats=tuple(seats), vacancies=vacancies, pending=max(0, pending_seats),
        list_decision=comp.list_decision,
    )


def _order(parties: dict[OptionId, Option], key: str) -> tuple[int, str]:
    o = parties.get(OptionId(key))
    if o is not None and o.registration_order is not None:
        return (o.registration_order, key)
    return (10_000, key)


def district_rows(app: Saylau, info: ElectionInfo, unit_id: str | None) -> tuple[
        DistrictRow, ...]:
    """The single-member districts (all, or those of one top-level unit) and their winners."""
    geo = app.geography()
    parties = {o.id: o for o in info.main.options}
    out: list[DistrictRow] = []
    for c in info.districts:
        d = c.district
        assert d is not None
        if unit_id is not None and d.unit != unit_id:
            continue
        dec, progress = parliament_svc.candidate_decision(app, c.id)
        winner = c.option(OptionId(dec.winner)) if dec.winner is not None else None
        party = parties.get(winner.party) if winner is not None and winner.party else None
        state = dec.outcome.value if progress.complete else "pending"
        out.append(DistrictRow(c, d.number, geo.unit(d.unit), dec, winner, party,
                               progress.stations_reported, progress.stations_expected, state))
    out.sort(key=lambda row: row.number)
    return tuple(out)


# --- a single contest: a district, the president ------------------------------------------


@dataclass(frozen=True)
class ContestView:
    info: ElectionInfo
    contest: Contest
    unit: Unit
    result: UnitResult
    options: tuple[OptionRow, ...]
    decision: CandidateDecision | None
    stations_reported: int
    stations_expected: int
    state: str
    version: str
    built: datetime
    sessions: tuple[senate_svc.SessionProtocol, ...] = ()


def contest_view(app: Saylau, info: ElectionInfo, contest_id: str) -> ContestView:
    c = info.contest(contest_id)
    geo = app.geography()
    version = record_version(app, info)
    parties = {o.id: o for o in info.main.options}
    if c.kind is ContestKind.SENATE_SEAT:
        dec = senate_svc.seat_decision(app, c.id)
        sessions = tuple(senate_svc.session_history(app, c.id))
        empty = UnitResult(c.area, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ())
        opts = tuple(OptionRow(o, 0, _share(0, 0)) for o in c.options)
        return ContestView(info, c, geo.unit(c.area), empty, opts, dec, 0, 0,
                           "pending" if dec is None else dec.outcome.value, version,
                           datetime.now(UTC), sessions)
    area = c.district.unit if c.district is not None else c.area
    v = results_svc.results(app, c.id, area, max_age=results_max_age(), with_decision=False)
    r = v.result
    dec2: CandidateDecision | None = None
    if c.kind in (ContestKind.SINGLE_MEMBER, ContestKind.PRESIDENTIAL):
        dec2, _p = parliament_svc.candidate_decision(app, c.id)
    options = tuple(
        OptionRow(o, r.vote(o.id), _share(r.vote(o.id), r.participants),
                  party=parties.get(o.party) if o.party is not None else None)
        for o in sorted(c.options, key=lambda o: -r.vote(o.id)))
    state = "pending" if not r.complete or dec2 is None else dec2.outcome.value
    return ContestView(info, c, v.unit, r, options, dec2, r.stations_reported,
                       r.stations_expected, state, version, datetime.now(UTC))


# --- a polling station ----------------------------------------------------------------------


@dataclass(frozen=True)
class CheckRow:
    name: str
    """The check function's name (its label is translated on the page)."""
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class VersionView:
    protocol: AcceptedProtocol
    checks: tuple[CheckRow, ...]
    changed: tuple[str, ...]
    """Fields that differ from the previous version (corrections)."""


@dataclass(frozen=True)
class StationContest:
    contest: Contest
    versions: tuple[VersionView, ...]
    """Oldest first; the last is the current protocol."""
    turnout: tuple[TurnoutPoint, ...]

    @property
    def current(self) -> VersionView | None:
        return self.versions[-1] if self.versions else None


@dataclass(frozen=True)
class StationView:
    info: ElectionInfo
    unit: Unit
    path: tuple[Unit, ...]
    contests: tuple[StationContest, ...]
    version: str
    built: datetime


def contests_at(app: Saylau, info: ElectionInfo, station: StationId) -> list[Contest]:
    """The election's contests a station votes in (the list and its district, ...)."""
    geo = app.geography()
    return [c for c in info.contests
            if c.kind is not ContestKind.SENATE_SEAT and c.votes_at(geo, station)]


def check_rows(contest: Contest, p: AcceptedProtocol, list_size: int) -> tuple[CheckRow, ...]:
    """Every protocol check run again on an accepted version, with its findings. The check
    against the last turnout report takes the figure the stored warning names (the report
    itself is not part of the protocol)."""
    last: int | None = None
    for w in p.warnings:
        numbers = dict(w.numbers)
        if "last_turnout" in numbers:
            last = numbers["last_turnout"]
    ctx = ProtocolCheckContext(contest, p.station, list_size, last_turnout=last)
    return tuple(CheckRow(check.__name__, tuple(check(ctx, p.counts)))
                 for check in PROTOCOL_CHECKS)


def _changed(prev: AcceptedProtocol | None, p: AcceptedProtocol) -> tuple[str, ...]:
    if prev is None:
        return ()
    a, b = prev.counts.as_dict(), p.counts.as_dict()
    out = [k for k in a if k != "votes" and a[k] != b[k]]
    va, vb = dict(prev.counts.votes), dict(p.counts.votes)
    out.extend(f"votes.{o}" for o in sorted(set(va) | set(vb)) if va.get(o) != vb.get(o))
    return tuple(out)


def station_contest(app: Saylau, contest: Contest, unit: Unit,
                    history: Sequence[AcceptedProtocol] | None = None,
                    turnout: Sequence[TurnoutPoint] | None = None) -> StationContest:
    if history is None:
        history = protocol_svc.protocol_history(app, contest.id, unit.id)
    if turnout is None:
        turnout = results_svc.results(app, contest.id, unit.id, max_age=results_max_age(),
                                      with_decision=False).turnout
    versions: list[VersionView] = []
    prev: AcceptedProtocol | None = None
    for p in history:
        versions.append(VersionView(p, check_rows(contest, p, unit.registered),
                                    _changed(prev, p)))
        prev = p
    return StationContest(contest, tuple(versions), tuple(turnout))


def station_view(app: Saylau, info: ElectionInfo, station_id: str) -> StationView:
    geo = app.geography()
    unit = geo.unit(UnitId(station_id))
    if not unit.is_station:
        raise NotFound(f"{station_id!r} is not a polling station", details={"unit": station_id})
    contests = tuple(station_contest(app, c, unit)
                     for c in contests_at(app, info, StationId(unit.id)))
    return StationView(info, unit, _path(geo, unit), contests, record_version(app, info),
                       datetime.now(UTC))


__all__ = ["ContestView", "ElectionInfo", "StationView", "UnitView", "contest_view",
           "election_info", "frozen_record", "record_version", "station_view", "unit_view"]

