"""Integrity analytics (issue 14): forensic signals by unit, the quick count against the
official result. Reads are public; fixing the tests' parameters, committing the quick count's
seed and running the tests are the central commission's (they go in the election's record).

Every answer carries the caveat: signals that warrant a look, not proof of fraud.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import Field

from saylau.api.policies import Admin, Public, saylau_of
from saylau.api.schemas.common import Strict
from saylau.domain.errors import NotFound
from saylau.domain.integrity import CAVEAT, pvt
from saylau.domain.integrity.suite import IntegrityParams
from saylau.services import elections as election_svc
from saylau.services import integrity as svc

router = APIRouter()


class ParamsIn(Strict):
    """The tests' parameters (any left out take their default): integer, fingerprint,
    digits, calibration (objects of the domain's parameter fields), unit_level."""

    integer: dict[str, Any] = Field(default_factory=dict)
    fingerprint: dict[str, Any] = Field(default_factory=dict)
    digits: dict[str, Any] = Field(default_factory=dict)
    calibration: dict[str, Any] = Field(default_factory=dict)
    unit_level: int = 0


class CommitmentIn(Strict):
    commitment: str = Field(pattern=r"^[0-9a-f]{64}$",
                            description="SHA-256 of the seed, lowercase hex")
    margin: float = Field(gt=0, lt=1)
    sigma: float = Field(default=0.1, gt=0, lt=1)


@router.get("/api/elections/{election_id}/integrity", tags=["integrity"])
def latest(election_id: str, request: Request, _who: Public) -> dict[str, Any]:
    """The latest stored run of the integrity tests (404 before the first)."""
    s = saylau_of(request)
    election_svc.get_election(s, election_id)
    run = svc.latest_run(s, election_id)
    if run is None:
        raise NotFound(f"no integrity run of {election_id} yet",
                       details={"field": "election", "actual": election_id})
    return {"run": run["id"], "run_at": run["run_at"], "result": run["result"],
            "caveat": CAVEAT}


@router.get("/api/elections/{election_id}/integrity/params", tags=["integrity"])
def params(election_id: str, request: Request, _who: Public) -> dict[str, Any]:
    """The parameters fixed in the record before results (404 when none were)."""
    s = saylau_of(request)
    election_svc.get_election(s, election_id)
    fixed = svc.stored_params(s, election_id)
    if fixed is None:
        raise NotFound(f"no integrity parameters fixed for {election_id}",
                       details={"field": "election", "actual": election_id})
    return {"params": fixed["params"], "sha256": fixed["sha256"], "leaf": fixed["leaf"],
            "fixed_at": fixed["fixed_at"]}


@router.post("/api/elections/{election_id}/integrity/params", tags=["integrity"],
             status_code=201)
def fix_params(election_id: str, body: ParamsIn, request: Request, who: Admin,
               ) -> dict[str, Any]:
    """Fix the parameters in the record; refused once results have begun (409)."""
    p = IntegrityParams.from_dict(body.model_dump())
    leaf = svc.fix_params(saylau_of(request), election_id, p, by=str(who.name))
    return {"leaf": leaf, "sha256": p.digest()}


@router.post("/api/elections/{election_id}/pvt/commitment", tags=["integrity"],
             status_code=201)
def commit(election_id: str, body: CommitmentIn, request: Request, who: Admin,
           ) -> dict[str, Any]:
    """Publish the quick count's seed commitment in the record, before results (409 after)."""
    leaf = svc.commit_seed(saylau_of(request), election_id, body.commitment, body.margin,
                           body.sigma, by=str(who.name))
    return {"leaf": leaf, "commitment": body.commitment}


@router.post("/api/elections/{election_id}/integrity/run", tags=["integrity"])
def run(election_id: str, request: Request, _who: Admin,
        calibrate: Annotated[bool, Query()] = True) -> dict[str, Any]:
    """Run every test on the current protocols, with the fixed parameters; stored."""
    result = svc.run_election(saylau_of(request), election_id, calibrate_tests=calibrate)
    return {"run": result["run"], "params_source": result["params_source"],
            "signal": result["integer"]["signal"], "caveat": CAVEAT}


class RevealIn(Strict):
    seed: str = Field(min_length=1, max_length=1000)


class ReportIn(Strict):
    station: str = Field(min_length=1, max_length=64)
    registered: int = Field(ge=0, le=10**9)
    given: int = Field(ge=0, le=10**9)
    valid: int = Field(ge=0, le=10**9)
    votes: dict[str, Annotated[int, Field(ge=0, le=10**9)]]


class ReportsIn(Strict):
    reports: list[ReportIn] = Field(max_length=100_000)
    source: str = Field(default="api", pattern=r"^[a-z][a-z0-9-]{0,31}$",
                        description="where the figures come from: csv, observer, ...")


@router.get("/api/elections/{election_id}/pvt", tags=["integrity"])
def quick_count(election_id: str, request: Request, _who: Public) -> dict[str, Any]:
    """The quick count: its commitment, and once the seed is revealed, the sample's estimate
    against the official figures (404 when none was committed)."""
    s = saylau_of(request)
    election_svc.get_election(s, election_id)
    qc = svc.quick_count(s, election_id)
    return {"quick_count": qc, "revealed": qc is not None, "caveat": CAVEAT}


@router.post("/api/elections/{election_id}/pvt/reveal", tags=["integrity"])
def reveal(election_id: str, body: RevealIn, request: Request, _who: Admin,
           ) -> dict[str, Any]:
    """Reveal the seed after the count (checked against the commitment): the sample."""
    return {"sample": list(svc.reveal_seed(saylau_of(request), election_id, body.seed))}


@router.post("/api/elections/{election_id}/pvt/reports", tags=["integrity"], status_code=201)
def reports(election_id: str, body: ReportsIn, request: Request, who: Admin,
            ) -> dict[str, Any]:
    """Sampled stations' figures (a mission's copies, a CSV...); outside the sample: 422."""
    rs = [pvt.StationReport(r.station, r.registered, r.given, r.valid, dict(r.votes))
          for r in body.reports]
    n = svc.add_reports(saylau_of(request), election_id, rs, source=body.source,
                        by=str(who.name))
    return {"stored": n}


@router.post("/api/elections/{election_id}/pvt/from-observers", tags=["integrity"])
def from_observers(election_id: str, request: Request, who: Admin,
                   contest: str | None = None) -> dict[str, Any]:
    """The sampled stations' figures taken from the observers' protocol copies in the store
    (agreeing copies only; conflicts, incomplete and missing copies are listed, copies outside
    the sample not used), then the quick count against the official figures."""
    from saylau.services.integrity.observers import reports_from_observers

    s = saylau_of(request)
    election_svc.get_election(s, election_id)
    return reports_from_observers(s, election_id, contest=contest, by=str(who.name))
