"""Protocols: submitted one by one or in bulk, their versions and the rejections; a Senate
seat's joint-session protocols."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from saylau.api.bodies import CSV_BODY, read_body
from saylau.api.policies import (
    Admin,
    Commission,
    Public,
    Reader,
    read_scope,
    saylau_of,
)
from saylau.api.schemas.protocols import (
    FindingOut,
    ProtocolIn,
    ProtocolOut,
    SessionIn,
    SubmissionOut,
)
from saylau.domain.access import Role
from saylau.domain.errors import ValidationFailed
from saylau.domain.protocols import ProtocolCounts
from saylau.domain.record.envelope import Signature
from saylau.services import protocols as protocol_svc
from saylau.services import senate as senate_svc

router = APIRouter()


@router.post("/api/contests/{contest_id}/session", tags=["protocols"], status_code=201)
def submit_session(
    contest_id: str, body: SessionIn, request: Request, response: Response, who: Commission
) -> dict[str, object]:
    """The joint session's protocol of a Senate seat (the unit's commission)."""
    p, stored = senate_svc.submit_session(
        saylau_of(request), who, contest_id, round_=body.round, electors=body.electors,
        electors_present=body.electors_present, invalid=body.invalid, votes=body.votes,
        correction=body.correction, reason=body.reason, corrects=body.corrects)
    response.status_code = 201 if stored else 200
    return {"status": "accepted" if stored else "unchanged", "round": p.round,
            "version": p.version}

@router.get("/api/contests/{contest_id}/sessions", tags=["protocols"])
def session_history(contest_id: str, request: Request, _who: Public) -> list[dict[
        str, object]]:
    """Every version of every round's session protocol, with who, when and why."""
    return [{"round": p.round, "version": p.version, "electors": p.electors,
             "electors_present": p.electors_present, "invalid": p.invalid,
             "votes": dict(p.votes), "submitted_by": p.submitted_by,
             "submitted_at": p.submitted_at, "reason": p.reason}
            for p in senate_svc.session_history(saylau_of(request), contest_id)]


@router.post("/api/contests/{contest_id}/protocols", response_model=SubmissionOut,
          tags=["protocols"], responses={201: {"model": SubmissionOut}})
def submit_protocol(
    contest_id: str, body: ProtocolIn, request: Request, response: Response, who: Commission
) -> SubmissionOut:
    counts = ProtocolCounts.of(
        registered=body.registered, ballots_received=body.ballots_received,
        ballots_issued=body.ballots_issued, ballots_cancelled=body.ballots_cancelled,
        ballots_in_boxes=body.ballots_in_boxes, invalid=body.invalid,
        both_marked=body.both_marked, votes=body.votes.items(),  # type: ignore[arg-type]
    )
    sig = None if body.signature is None else Signature(
        body.signature.key, bytes.fromhex(body.signature.value))
    sub = protocol_svc.submit_protocol(
        saylau_of(request), who, contest_id, body.station, counts,
        correction=body.correction, reason=body.reason, signature=sig,
        corrects=body.corrects,
    )
    response.status_code = 201 if sub.status is protocol_svc.SubmissionStatus.ACCEPTED else 200
    return SubmissionOut(status=sub.status.value, protocol=ProtocolOut.of(sub.protocol),
                         findings=[FindingOut.of(f) for f in sub.findings])

@router.post("/api/contests/{contest_id}/protocols/import", tags=["protocols"],
          openapi_extra=CSV_BODY)
async def import_protocols(
    contest_id: str, request: Request, who: Admin
) -> dict[str, int]:
    """Protocols in bulk (docs/protocols-csv.md): every row checked, all or none."""
    from saylau.services.bulk import import_protocols as run_import

    data = await read_body(request)
    rep = await run_in_threadpool(run_import, saylau_of(request), who, contest_id, data)
    return {"rows": rep.rows, "accepted": rep.accepted, "unchanged": rep.unchanged,
            "flagged": rep.flagged}

@router.get("/api/contests/{contest_id}/stations/{station}/protocols",
         response_model=list[ProtocolOut], tags=["protocols"])
def protocol_history(
    contest_id: str, station: str, request: Request, who: Reader
) -> list[ProtocolOut]:
    s = saylau_of(request)
    read_scope(who, s.geography(), station)
    return [ProtocolOut.of(p) for p in protocol_svc.protocol_history(s, contest_id, station)]

@router.get("/api/contests/{contest_id}/rejections", tags=["protocols"])
def rejections(
    contest_id: str, request: Request, who: Reader,
    station: Annotated[str | None, Query(max_length=64)] = None,
) -> list[dict[str, object]]:
    s = saylau_of(request)
    if who.role not in (Role.ADMIN, Role.OBSERVER):
        if station is None:
            raise ValidationFailed(
                "a commission reads the rejections of one station of its scope",
                details={"field": "station", "expected": "a station id", "actual": None},
            )
        read_scope(who, s.geography(), station)
    return protocol_svc.protocol_rejections(s, contest_id, station)
