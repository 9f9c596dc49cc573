"""Party registration (issue 13): applications, member lists and their findings, the
register.

Who sees what: a party (its token's scope is its id) submits and reads its own application
and rows only; the ministry (and the central commission) reads every party's rows and decides;
the public and observers see the register, the decisions and the counts per region, never a
row. No answer carries an IIN: rows name its last four digits.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from saylau.api.bodies import CSV_BODY, read_body
from saylau.api.policies import Admin, Ministry, PartyReader, PartyWriter, Public, saylau_of
from saylau.api.schemas.parties import ApplicationIn, DecideIn, LiquidationIn, RowChangeIn
from saylau.domain.access import require_party_scope
from saylau.domain.errors import NotFound
from saylau.domain.ids import ActorId
from saylau.domain.parties.rules import Readings

router = APIRouter(tags=["parties"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_BODY = {"requestBody": {"content": {
    "text/csv": {"schema": {"type": "string"}},
    XLSX: {"schema": {"type": "string", "format": "binary"}}}, "required": True}}


@router.get("/api/parties")
def list_register(request: Request, _who: Public) -> list[dict[str, Any]]:
    """The register: every application, its status, its latest decision and its valid
    members per region (no row)."""
    from saylau.services.parties.decisions import register

    return [e.as_dict() for e in register(saylau_of(request))]


@router.get("/api/parties/{party}")
def get_party(party: str, request: Request, _who: Public) -> dict[str, Any]:
    from saylau.services.parties.decisions import register

    for e in register(saylau_of(request)):
        if e.id == party:
            return e.as_dict()
    raise NotFound(f"no party application {party!r}", code="party_not_found",
                   details={"field": "party", "actual": party})


@router.post("/api/parties", status_code=201)
def apply_party(body: ApplicationIn, request: Request, who: PartyWriter) -> dict[str, Any]:
    """A party's application (a party applies for itself only)."""
    from saylau.services.parties import register as reg

    require_party_scope(who, body.id)
    row = reg.apply(saylau_of(request), reg.ApplicationIn(
        body.id, body.name.to_domain(), body.ruleset, body.founders,
        tuple(body.founder_regions), body.initiative_formed, body.congress_held,
        body.submitted_on), ActorId(who.name))
    return {"id": row.id, "status": "submitted", "submitted_on": row.submitted_on}


@router.post("/api/parties/{party}/members", status_code=201, openapi_extra=FILE_BODY)
async def import_members(party: str, request: Request, who: PartyWriter) -> dict[str, Any]:
    """A member list (CSV UTF-8 or XLSX) added to the party's list; refused whole when its
    shape is wrong."""
    from saylau.services.parties.register import import_members as run

    require_party_scope(who, party)
    data = await read_body(request)
    kind = request.headers.get("content-type", "")
    name = "list.xlsx" if kind.startswith(XLSX) else "list.csv"
    report = await run_in_threadpool(run, saylau_of(request), party, data, name,
                                     ActorId(who.name))
    return report.as_dict()


@router.get("/api/parties/{party}/members")
def party_members(party: str, request: Request, who: PartyReader) -> list[dict[str, Any]]:
    """The party's rows, every version, with their own findings."""
    from saylau.services.parties.decisions import party_rows

    require_party_scope(who, party)
    return party_rows(saylau_of(request), party)


@router.post("/api/parties/{party}/members/{row_no}/versions", status_code=201)
def change_member(party: str, row_no: int, body: RowChangeIn, request: Request,
                  who: PartyWriter) -> dict[str, Any]:
    """A row corrected or withdrawn: a new version with its reason."""
    from saylau.services.parties.register import RowChange, change_row

    require_party_scope(who, party)
    m = change_row(saylau_of(request), party, RowChange(
        row_no, body.corrects, body.reason, body.withdraw, body.full_name, body.birth_date,
        body.iin, body.region, body.joined, body.signature), ActorId(who.name))
    return {"row_no": m.row_no, "version": m.version, "withdrawn": m.withdrawn,
            "iin_last4": m.iin_last4, "findings": list(m.findings)}


@router.get("/api/parties/{party}/conflicts")
def party_conflicts(party: str, request: Request, who: PartyReader) -> list[dict[str, Any]]:
    """People this party lists whom another registered or applying party lists too."""
    from saylau.services.parties.decisions import conflicts

    require_party_scope(who, party)
    return [c.as_dict() for c in conflicts(saylau_of(request), party)]


@router.post("/api/parties/{party}/decision", status_code=201)
def decide(party: str, body: DecideIn, request: Request, who: Ministry) -> dict[str, Any]:
    """The ministry's decision (recorded unless `record` is false), side by side under the
    rulesets asked for; with the rows' findings."""
    from saylau.services.parties.decisions import decide_party

    report = decide_party(saylau_of(request), party, ActorId(who.name),
                          rulesets=tuple(body.rulesets),
                          readings=Readings(body.branches, body.initiative_regions),
                          record=body.record)
    return {**report.public(), "rows_with_findings": [
        {"row_no": r.row_no, "line": r.source_line, "iin_last4": r.last4,
         "findings": list(r.findings)} for r in report.rows if r.findings]}


@router.post("/api/parties/{party}/liquidation", status_code=201)
def liquidate(party: str, body: LiquidationIn, request: Request,
              who: Ministry) -> dict[str, str]:
    from saylau.services.parties.decisions import liquidate as run

    run(saylau_of(request), party, body.reason, ActorId(who.name))
    return {"id": party, "status": "liquidated"}


@router.get("/api/party-conflicts")
def all_conflicts(request: Request, _who: Ministry) -> list[dict[str, Any]]:
    """Every conflict between parties' lists (the ministry's view)."""
    from saylau.services.parties.decisions import conflicts

    return [c.as_dict() for c in conflicts(saylau_of(request))]


@router.post("/api/party-barred", status_code=201, openapi_extra=CSV_BODY)
async def import_barred(request: Request, who: Admin) -> dict[str, int]:
    """The central commission's register of those barred from party membership (CSV
    iin,category; docs/law.md §11.2)."""
    import csv
    import io

    from saylau.domain.errors import ValidationFailed
    from saylau.domain.parties.member_file import decode
    from saylau.services.parties.register import import_barred as run

    rows = list(csv.DictReader(io.StringIO(decode(await read_body(request)))))
    if not rows or not {"iin", "category"} <= set(rows[0]):
        raise ValidationFailed("the barred register needs the columns iin,category and a row",
                               details={"field": "header", "expected": "iin,category",
                                        "actual": ",".join(rows[0]) if rows else ""})
    n = await run_in_threadpool(run, saylau_of(request),
                                [(r["iin"] or "", r["category"] or "") for r in rows],
                                ActorId(who.name))
    return {"stored": n}
