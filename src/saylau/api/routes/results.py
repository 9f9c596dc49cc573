"""Results and the law's decisions: a unit's tally, a contest's decision, the chamber, the
same votes under several rulesets, the Senate's make-up."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from saylau import settings
from saylau.api.policies import (
    Public,
    saylau_of,
)
from saylau.api.results_json import CHILDREN_LIMIT, results_response
from saylau.api.schemas.results import ResultsOut, decision_wire
from saylau.domain.law.parliament import decision_json as list_json
from saylau.domain.law.referendum import (
    ParticipantsReading,
    ReferendumReadings,
    TwoThirdsReading,
)
from saylau.domain.names import Lang
from saylau.services import parliament as parliament_svc
from saylau.services import results as results_svc

router = APIRouter()


def _results_max_age() -> float:
    """Seconds a tally may be reused before it is brought up to date (0: every read is
    current). A busy national server sets e.g. 1 so a flood of reads does not re-sum the
    tree after every single protocol."""
    return settings.results_max_age()


@router.get("/api/contests/{contest_id}/results", response_model=ResultsOut, tags=["results"])
def results(
    contest_id: str, request: Request, _who: Public,
    unit: Annotated[str | None, Query(max_length=64)] = None,
    children_offset: Annotated[int, Query(ge=0)] = 0,
    children_limit: Annotated[int, Query(ge=0, le=10_000)] = CHILDREN_LIMIT,
) -> Response:
    """A unit's results and a page of its children's (`children_total` says how many).

    With an ETag (the record it counts and the tree head it carries): send it back in
    If-None-Match for a 304 while nothing changed (api/results_json.py)."""
    return results_response(saylau_of(request), contest_id, unit, children_offset,
                            children_limit, request.headers.get("if-none-match"),
                            _results_max_age())

@router.get("/api/contests/{contest_id}/decision", tags=["results"])
def decision(
    contest_id: str, request: Request, _who: Public,
    participants: ParticipantsReading = ParticipantsReading.BALLOTS_IN_BOXES,
    two_thirds: TwoThirdsReading = TwoThirdsReading.EXACT,
    lang: Lang = Lang.EN,
) -> dict[str, object]:
    """The law's decision on the contest, its explanation in `lang` (kk, ru, en) with each
    step's code and figures."""
    readings = ReferendumReadings(participants=participants, two_thirds=two_thirds)
    d, seq = results_svc.decision(saylau_of(request), contest_id, readings=readings,
                                  max_age=_results_max_age())
    return decision_wire(d, lang, seq)

@router.get("/api/elections/{election_id}/composition", tags=["results"])
def chamber(election_id: str, request: Request, _who: Public) -> dict[str, object]:
    """The chamber the current record gives: list seats + district winners, vacancies."""
    return parliament_svc.composition_json(
        parliament_svc.composition(saylau_of(request), election_id))

@router.get("/api/elections/{election_id}/compare", tags=["results"])
def compare(
    election_id: str, request: Request, _who: Public,
    rulesets: Annotated[str, Query(max_length=200)] = "kz-2007,kz-2022",
) -> dict[str, object]:
    """The same list votes decided under each ruleset, seats side by side."""
    names = [r.strip() for r in rulesets.split(",") if r.strip()]
    decided = parliament_svc.compare(saylau_of(request), election_id, names)
    return {"rulesets": names,
            "seats": {n: d.seats for n, d in decided.items()},
            "decisions": {n: list_json(d) for n, d in decided.items()}}

@router.get("/api/senate", tags=["results"])
def senate(
    request: Request, _who: Public, ruleset: Annotated[str, Query(max_length=16)] = "kz-2022"
) -> dict[str, object]:
    """The Senate's make-up under a ruleset: 2 per top-level unit + the appointed."""
    return parliament_svc.senate_json(parliament_svc.senate(saylau_of(request), ruleset))
