"""The page of a single contest: a single-member district, the President, a Senate seat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from saylau.domain.contests import Contest, ContestKind
from saylau.domain.explain import share
from saylau.domain.geography import Unit
from saylau.domain.law.candidates import CandidateDecision
from saylau.domain.tally import UnitResult
from saylau.services import results as results_svc
from saylau.services import senate as senate_svc
from saylau.services.context import Saylau
from saylau.web.views.election import (
    ElectionInfo,
    OptionRow,
    record_version,
    results_max_age,
)


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
    # the one decision every publisher shows (services.results.decision): its candidates
    dec = results_svc.decision(app, c.id, max_age=results_max_age())[0].candidates
    if c.kind is ContestKind.SENATE_SEAT:
        sessions = tuple(senate_svc.session_history(app, c.id))
        empty = UnitResult(c.area, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ())
        opts = tuple(OptionRow(o, 0, share(0, 0)) for o in c.options)
        return ContestView(info, c, geo.unit(c.area), empty, opts, dec, 0, 0,
                           "pending" if dec is None else dec.outcome.value, version,
                           app.clock(), sessions)
    area = c.district.unit if c.district is not None else c.area
    v = results_svc.results(app, c.id, area, max_age=results_max_age(), with_decision=False)
    r = v.result
    dec2 = dec
    options = tuple(
        OptionRow(o, r.vote(o.id), share(r.vote(o.id), r.participants),
                  party=parties.get(o.party) if o.party is not None else None)
        for o in sorted(c.options, key=lambda o: -r.vote(o.id)))
    state = "pending" if not r.complete or dec2 is None else dec2.outcome.value
    return ContestView(info, c, v.unit, r, options, dec2, r.stations_reported,
                       r.stations_expected, state, version, app.clock())
