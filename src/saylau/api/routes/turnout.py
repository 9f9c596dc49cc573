"""Turnout reports through polling day, one by one or in batches from a territorial
commission."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from saylau.api.policies import (
    Commission,
    saylau_of,
)
from saylau.api.schemas.protocols import (
    TurnoutBatchIn,
    TurnoutBatchOut,
    TurnoutIn,
    TurnoutOut,
)
from saylau.services import turnout as turnout_svc

router = APIRouter()


@router.post("/api/contests/{contest_id}/turnout", response_model=TurnoutOut,
          tags=["protocols"], responses={201: {"model": TurnoutOut}})
def submit_turnout(
    contest_id: str, body: TurnoutIn, request: Request, response: Response, who: Commission
) -> TurnoutOut:
    report, stored = turnout_svc.submit_turnout(
        saylau_of(request), who, contest_id, body.station, body.at, body.ballots_issued
    )
    response.status_code = 201 if stored else 200
    return TurnoutOut(status="accepted" if stored else "unchanged", contest=report.contest,
                      station=report.station, at=report.at.strftime("%H:%M"),
                      ballots_issued=report.ballots_issued)

@router.post("/api/contests/{contest_id}/turnout/batch", response_model=TurnoutBatchOut,
          tags=["protocols"])
def submit_turnout_batch(
    contest_id: str, body: TurnoutBatchIn, request: Request, who: Commission
) -> TurnoutBatchOut:
    stored, unchanged = turnout_svc.submit_turnout_batch(
        saylau_of(request), who, contest_id,
        [(r.station, r.at, r.ballots_issued) for r in body.reports],
    )
    return TurnoutBatchOut(stored=stored, unchanged=unchanged)
