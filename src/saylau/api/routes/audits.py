"""Risk-limiting audits (issue 15): the seed, the sample, the rounds, the hand counts and the
risk measured. The audit is public (its seed, sample, progress and risk); the central
commission begins it, assigns stations, enters the seed ceremony, draws and measures; an
auditor enters hand counts for the stations assigned to it only (services/audits checks)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from saylau.api.policies import Admin, AuditCounter, Public, saylau_of
from saylau.api.schemas.audits import (
    AssignmentIn,
    AuditIn,
    CountIn,
    ReadingsIn,
    SampleIn,
    SeedIn,
)
from saylau.services import audits as svc

router = APIRouter()


@router.get("/api/audits", tags=["audits"])
def list_audits(request: Request, _who: Public) -> list[dict[str, str]]:
    """Every risk-limiting audit: its id, election and contest."""
    return [{"audit": a, "election": e, "contest": c}
            for a, e, c in svc.list_audits(saylau_of(request))]


@router.get("/api/audits/{audit_id}", tags=["audits"])
def audit_report(audit_id: str, request: Request, _who: Public) -> dict[str, Any]:
    """The audit: assertions, each round's seed (dice, observers), sample and risk, the hand
    counts' progress, the discrepancy report, the retrieval lists, the state."""
    return svc.report(saylau_of(request), audit_id).as_json()


@router.get("/api/audits/{audit_id}/plan", tags=["audits"])
def audit_plan(audit_id: str, request: Request, _who: Public,
               error_rate: Annotated[float, Query(ge=0, lt=1)] = 0.0,
               taint: Annotated[float, Query(ge=0, lt=1)] = 0.0) -> dict[str, Any]:
    """The draws for a 70%, 80% and 90% chance of finishing in one round."""
    p = svc.plan(saylau_of(request), audit_id, error_rate=error_rate, taint=taint)
    return {"kind": p.kind, "risk_limit": p.alpha, "total_error_bound": p.total_bound,
            "assumption": p.assumption,
            "rows": [{"chance": r.chance, "draws": r.draws, "stations": r.stations}
                     for r in p.rows]}


@router.post("/api/audits", tags=["audits"], status_code=201)
def begin_audit(body: AuditIn, request: Request, who: Admin) -> dict[str, str]:
    """Begin an audit of a contest's reported outcome (logged): a batch comparison with the
    polling stations as batches, or ballot polling measured by BRAVO or Minerva."""
    audit = svc.begin(saylau_of(request), body.contest, risk_limit=body.risk_limit,
                      max_rounds=body.max_rounds, by=who.name, kind=body.kind,
                      method=body.method)
    return {"audit": audit}


@router.post("/api/audits/{audit_id}/assignments", tags=["audits"], status_code=201)
def assign(audit_id: str, body: AssignmentIn, request: Request, who: Admin) -> dict[str, Any]:
    """Give stations of the audit to an auditor (logged)."""
    leaf = svc.assign(saylau_of(request), audit_id, body.auditor, body.stations, by=who.name)
    return {"audit": audit_id, "auditor": body.auditor, "leaf": leaf}


@router.post("/api/audits/{audit_id}/seed", tags=["audits"], status_code=201)
def seed(audit_id: str, body: SeedIn, request: Request, who: Admin) -> dict[str, Any]:
    """The next round's seed ceremony: the dice as rolled and the observers' names, logged
    before the sample."""
    round_ = svc.enter_seed(saylau_of(request), audit_id, body.dice, body.observers,
                            by=who.name)
    return {"audit": audit_id, "round": round_}


@router.post("/api/audits/{audit_id}/sample", tags=["audits"], status_code=201)
def sample(audit_id: str, body: SampleIn, request: Request, who: Admin) -> dict[str, Any]:
    """The round's draws from its seed (logged); the stations in draw order."""
    stations = svc.draw(saylau_of(request), audit_id, body.draws, by=who.name)
    return {"audit": audit_id, "stations": stations}


@router.post("/api/audits/{audit_id}/counts", tags=["audits"], status_code=201)
def enter_count(audit_id: str, body: CountIn, request: Request,
                who: AuditCounter) -> dict[str, str]:
    """One auditor's hand count of a drawn station assigned to it, or of any station in a
    full hand count after an escalation (logged; two auditors enter each station; differing
    entries are both kept)."""
    status = svc.enter_count(saylau_of(request), audit_id, body.station, body.counts, who)
    return {"audit": audit_id, "station": body.station, "status": status}


@router.post("/api/audits/{audit_id}/measure", tags=["audits"], status_code=201)
def measure(audit_id: str, request: Request, who: Admin) -> dict[str, Any]:
    """Measure the risk from the agreed hand counts and decide the round (logged)."""
    m = svc.measure(saylau_of(request), audit_id, by=who.name)
    return {"audit": audit_id, "round": m.round, "risk": m.risk, "draws": m.draws,
            "decision": m.decision, "discrepancies": m.discrepancies}


@router.post("/api/audits/{audit_id}/readings", tags=["audits"], status_code=201)
def enter_readings(audit_id: str, body: ReadingsIn, request: Request,
                   who: AuditCounter) -> dict[str, str]:
    """Ballot polling: one auditor's readings of a station's ballots drawn this round, by
    place (logged; two auditors read each; differing entries are both kept)."""
    status = svc.enter_readings(saylau_of(request), audit_id, body.station, body.readings, who)
    return {"audit": audit_id, "station": body.station, "status": status}


@router.post("/api/audits/{audit_id}/conclude", tags=["audits"], status_code=201)
def conclude(audit_id: str, request: Request, who: Admin) -> dict[str, Any]:
    """After an escalation, once every station is counted by hand twice alike: the outcome the
    hand count gives, confirmed or overturned (logged)."""
    o = svc.conclude(saylau_of(request), audit_id, by=who.name)
    return {"audit": audit_id, "outcome": o.outcome, "totals": o.totals,
            "reported": o.reported, "counted": o.counted, "leaf": o.leaf}
