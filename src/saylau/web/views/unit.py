"""The page of a unit of the geography (the country included): its results, children,
turnout through the day, the decision, the chamber and the districts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from saylau.domain.contests import Contest, ContestKind, Option
from saylau.domain.errors import RuleError
from saylau.domain.explain import share
from saylau.domain.geography import Geography, Unit
from saylau.domain.ids import OptionId, UnitId
from saylau.domain.law.candidates import CandidateDecision
from saylau.domain.law.parliament import ListDecision
from saylau.domain.law.referendum import ReferendumDecision
from saylau.domain.tally import TurnoutPoint, UnitResult
from saylau.services import parliament as parliament_svc
from saylau.services import results as results_svc
from saylau.services import senate as senate_svc
from saylau.services.context import Saylau
from saylau.web.views.election import (
    ElectionInfo,
    OptionRow,
    leading_option,
    path_of,
    record_version,
    results_max_age,
)


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


def unit_view(app: Saylau, info: ElectionInfo, unit_id: str | None = None) -> UnitView:
    geo = app.geography()
    contest = info.main
    max_age = results_max_age()
    version = record_version(app, info)
    if contest.kind is ContestKind.SENATE_SEAT:
        unit = geo.unit(UnitId(unit_id)) if unit_id is not None else geo.root
        seats = tuple((c, senate_svc.seat_decision(app, c.id)) for c in info.senate_seats)
        empty = UnitResult(unit.id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ())
        return UnitView(info, contest, unit, path_of(geo, unit), empty, (), (), (), None, None,
                        None, None, (), seats, 0, 0, version, app.clock(), geo)
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
        info=info, contest=contest, unit=unit, path=path_of(geo, unit), result=r,
        children=v.children, turnout=v.turnout, options=tuple(options),
        referendum=v.decision, chamber=chamber, list_decision=ld, candidate=cd,
        districts=districts, senate=(), as_of=v.as_of, turnout_as_of=v.turnout_as_of,
        version=version, built=app.clock(), geo=geo,
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
