"""Observation (issue 12): missions, accreditation, deployment, checklists, incidents,
observer copies of the protocols and their comparison with the official ones, the SMS
gateway's webhook.

Policies: the central commission (admin) creates missions and accredits, refuses or revokes;
a mission's head (role mission) applies for and deploys its own observers and reads its own
mission's reports (services refuse another mission's: 403 other_mission); observers (role
observer) submit for the stations they are deployed to (403 naming why not); the public reads
the missions' counts, the incidents' counts, the forms and the comparison. Every route joins
the role matrix of tests/integration/test_policies.py.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from saylau.api.bodies import CSV_BODY, CSV_OUT, read_body
from saylau.api.policies import Admin, MissionHead, Observer, Public, saylau_of
from saylau.api.schemas.observation import (
    ApplicationIn,
    CopyIn,
    DeploymentIn,
    FormIn,
    MissionIn,
    ReasonIn,
    ReassignIn,
    ReportIn,
    SmsIn,
)
from saylau.api.schemas.protocols import SignatureIn
from saylau.domain.errors import TooLarge
from saylau.domain.record.envelope import Signature
from saylau.services.observation import compare, deployment, forms, missions, reports, sms
from saylau.services.observation.identity import require_mission
from saylau.services.observation.photos import MAX_BYTES

router = APIRouter(tags=["observation"])

E = "/api/elections/{election_id}/observation"


def _signature(s: SignatureIn | None) -> Signature | None:
    return None if s is None else Signature(s.key, bytes.fromhex(s.value))


def _observer(s: missions.ObserverState) -> dict[str, Any]:
    return {"badge": s.badge, "mission": s.mission, "name": s.name, "status": s.status.value,
            "reason": s.reason, "stations": list(s.stations)}


@router.post(f"{E}/missions", status_code=201)
def create_mission(election_id: str, body: MissionIn, request: Request, who: Admin
                   ) -> dict[str, Any]:
    m = missions.create_mission(saylau_of(request), election_id, body.code, body.name,
                                body.organisation, signed_reports=body.signed_reports,
                                by=who.name)
    return {"code": m.code, "name": m.name, "organisation": m.organisation.value,
            "kind": m.kind.value}


@router.get(f"{E}/missions")
def list_missions(election_id: str, request: Request, who: Public) -> dict[str, Any]:
    """Accredited missions and their counts, the rules' readings (no observer's name)."""
    s = saylau_of(request)
    return {"missions": compare.missions_summary(s, election_id),
            "rules": missions.explain(s, election_id),
            "coverage": deployment.coverage(s, election_id)}


@router.post(f"{E}/missions/{{code}}/observers", status_code=201)
def apply(election_id: str, code: str, body: ApplicationIn, request: Request, who: MissionHead
          ) -> dict[str, str]:
    return {"badge": missions.apply(saylau_of(request), who, election_id, code, body.name,
                                    public_key=body.public_key)}


@router.get(f"{E}/missions/{{code}}/observers")
def mission_observers(election_id: str, code: str, request: Request, who: MissionHead
                      ) -> list[dict[str, Any]]:
    return [_observer(o) for o in missions.observers(saylau_of(request), who, election_id,
                                                      code)]


@router.get(f"{E}/missions/{{code}}/report", responses=CSV_OUT, response_model=None)
def mission_report(election_id: str, code: str, request: Request, who: MissionHead,
                   format: Annotated[str, Query(pattern="^(json|csv)$")] = "json"
                   ) -> Response | dict[str, Any]:
    """The mission's own reports and copies, and its coverage (`?format=csv`: one row per
    report or copy)."""
    s = saylau_of(request)
    require_mission(who, election_id, code)
    missions.get_mission(s, election_id, code)
    report = compare.mission_reports(s, election_id, code)
    if format == "csv":
        return Response(compare.mission_report_csv(report), media_type="text/csv; "
                        "charset=utf-8", headers={"Content-Disposition": "attachment; "
                                                  f'filename="{code}-report.csv"'})
    return {**report, "coverage": deployment.coverage(s, election_id, code)}


@router.post(f"{E}/observers/{{badge}}/accredit")
def accredit(election_id: str, badge: str, request: Request, who: Admin) -> dict[str, Any]:
    """Accredit; the answer holds the observer's token, shown this once."""
    state, token = missions.accredit(saylau_of(request), election_id, badge, by=who.name)
    return {**_observer(state), "token": token}


@router.post(f"{E}/observers/{{badge}}/refuse")
def refuse(election_id: str, badge: str, body: ReasonIn, request: Request, who: Admin
           ) -> dict[str, Any]:
    return _observer(missions.refuse(saylau_of(request), election_id, badge, body.reason,
                                     by=who.name))


@router.post(f"{E}/observers/{{badge}}/revoke")
def revoke(election_id: str, badge: str, body: ReasonIn, request: Request, who: Admin
           ) -> dict[str, Any]:
    return _observer(missions.revoke(saylau_of(request), election_id, badge, body.reason,
                                     by=who.name))


@router.post(f"{E}/deployments", status_code=201)
def deploy(election_id: str, body: DeploymentIn, request: Request, who: MissionHead
           ) -> dict[str, Any]:
    s = saylau_of(request)
    deployment.deploy(s, who, election_id, body.badge, body.station)
    return _observer(missions.observer_state(s, election_id, body.badge))


@router.post(f"{E}/deployments/reassign")
def reassign(election_id: str, body: ReassignIn, request: Request, who: MissionHead
             ) -> dict[str, Any]:
    s = saylau_of(request)
    deployment.reassign(s, who, election_id, body.badge, body.station, body.to)
    return _observer(missions.observer_state(s, election_id, body.badge))


@router.post(f"{E}/missions/{{code}}/deployments/import", openapi_extra=CSV_BODY)
async def import_deployments(election_id: str, code: str, request: Request, who: MissionHead
                             ) -> dict[str, int]:
    """badge,station rows: all or none; every bad row named with its line."""
    data = await read_body(request)
    n = await run_in_threadpool(deployment.import_csv, saylau_of(request), who, election_id,
                                code, data)
    return {"added": n}


@router.get(f"{E}/forms")
def list_forms(election_id: str, request: Request, who: Public) -> list[dict[str, Any]]:
    return [{**f.form.as_dict(), "version": f.version, "owner": f.owner}
            for f in forms.forms(saylau_of(request), election_id)]


@router.post(f"{E}/forms", status_code=201)
def define_form(election_id: str, body: FormIn, request: Request, who: MissionHead
                ) -> dict[str, Any]:
    row = forms.define_form(saylau_of(request), who, election_id, body.definition)
    return {**row.form.as_dict(), "version": row.version, "owner": row.owner}


@router.post(f"{E}/reports")
def submit_report(election_id: str, body: ReportIn, request: Request, response: Response,
                  who: Observer) -> dict[str, Any]:
    """A checklist or an incident; the same again is `unchanged` (200), a new version 201."""
    got = reports.submit_report(saylau_of(request), who, election_id, body.station, body.form,
                                body.answers, ref=body.ref, correction=body.correction,
                                corrects=body.corrects, reason=body.reason, photo=body.photo,
                                signature=_signature(body.signature))
    response.status_code = 201 if got.status == "accepted" else 200
    return got.as_dict()


@router.post(f"{E}/photos", status_code=201,
             openapi_extra={"requestBody": {"required": True, "content": {
                 "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                 "image/png": {"schema": {"type": "string", "format": "binary"}}}}})
async def upload_photo(election_id: str, request: Request, who: Observer) -> dict[str, Any]:
    """A PNG or JPEG photo (metadata stripped); its sha256 names it in a report."""
    declared = int(request.headers.get("content-length") or 0)
    if declared > MAX_BYTES:
        raise TooLarge(f"the photo has {declared:,} bytes; at most {MAX_BYTES:,}",
                       details={"field": "photo", "expected": f"at most {MAX_BYTES:,} bytes",
                                "actual": declared})
    data = await read_body(request)
    return await run_in_threadpool(reports.store_photo, saylau_of(request), who, election_id,
                                   data)


@router.post("/api/contests/{contest_id}/observation/copies")
def submit_copy(contest_id: str, body: CopyIn, request: Request, response: Response,
                who: Observer) -> dict[str, Any]:
    """An observer's copy of the station's posted protocol (same fields and checks)."""
    got = reports.submit_copy(saylau_of(request), who, contest_id, body.station,
                              body.figures, correction=body.correction,
                              corrects=body.corrects, reason=body.reason, photo=body.photo,
                              signature=_signature(body.signature))
    response.status_code = 201 if got.status == "accepted" else 200
    return got.as_dict()


@router.get("/api/contests/{contest_id}/observation/comparison")
def comparison(contest_id: str, request: Request, who: Public,
               station: Annotated[str | None, Query(max_length=64)] = None,
               problems: bool = False) -> dict[str, Any]:
    """Each station's observer copies held against the official protocol."""
    s = saylau_of(request)
    if station is not None:
        return compare.station_copies(s, contest_id, station)
    return compare.comparison_report(s, contest_id, only_problems=problems)


@router.get(f"{E}/incidents")
def incidents(election_id: str, request: Request, who: Public) -> dict[str, Any]:
    """Incidents by category and unit (counts only)."""
    return compare.incidents_summary(saylau_of(request), election_id)


@router.post(f"{E}/sms")
def sms_webhook(election_id: str, body: SmsIn, request: Request, who: MissionHead
                ) -> dict[str, Any]:
    """An SMS gateway's webhook: one message in, the reply to send back out (always 200 for
    what the message says; the reply says what was wrong)."""
    r = sms.receive(saylau_of(request), who, election_id, body.text)
    return {"ok": r.ok, "reply": r.text}
