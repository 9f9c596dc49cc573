"""The FastAPI application: routes are thin; each declares its access policy."""

from __future__ import annotations

import os
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse
from starlette.concurrency import run_in_threadpool

from saylau.api import errors
from saylau.api.headers import SecurityHeaders
from saylau.api.limits import BodyLimit
from saylau.api.logs import redact_access_log
from saylau.api.policies import (
    ADMIN_ONLY,
    ANY_TOKEN,
    COMMISSION_WRITE,
    PUBLIC_ROUTE,
    READ_RECORD,
    saylau_of,
)
from saylau.api.schemas import (
    ContestOut,
    ElectionOut,
    FindingOut,
    KeyIn,
    ParliamentIn,
    PresidentialIn,
    ProtocolIn,
    ProtocolOut,
    ReferendumIn,
    ResultsOut,
    RevocationIn,
    SenateIn,
    SessionIn,
    SubmissionOut,
    TurnoutBatchIn,
    TurnoutBatchOut,
    TurnoutIn,
    TurnoutOut,
    UnitOut,
    UnitTreeOut,
    decision_out,
)
from saylau.domain.access import Principal, Role
from saylau.domain.contests import ContestKind
from saylau.domain.errors import Forbidden, TooLarge, ValidationFailed
from saylau.domain.geography import Geography
from saylau.domain.ids import UnitId
from saylau.domain.law.candidates import decision_json as candidate_json
from saylau.domain.law.parliament import decision_json as list_json
from saylau.domain.law.referendum import (
    ParticipantsReading,
    ReferendumReadings,
    TwoThirdsReading,
)
from saylau.domain.names import Lang
from saylau.domain.protocols import ProtocolCounts
from saylau.domain.record.envelope import Signature
from saylau.domain.rulesets import RulesetName
from saylau.services import audit as audit_svc
from saylau.services import elections as election_svc
from saylau.services import parliament as parliament_svc
from saylau.services import protocols as protocol_svc
from saylau.services import record as record_svc
from saylau.services import results as results_svc
from saylau.services import senate as senate_svc
from saylau.services.context import Saylau
from saylau.web.routes import router as web_router

Public = Annotated[Principal, Depends(PUBLIC_ROUTE)]
Admin = Annotated[Principal, Depends(ADMIN_ONLY)]
Commission = Annotated[Principal, Depends(COMMISSION_WRITE)]
Reader = Annotated[Principal, Depends(READ_RECORD)]
AnyToken = Annotated[Principal, Depends(ANY_TOKEN)]

MAX_BODY = 64 * 1024 * 1024

DOCS_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'none'")
"""The /docs page's policy: scripts, styles and requests from this server only; no inline
script or style, no eval, no CDN (issue 17: the default page loaded unpinned scripts from
one)."""
DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>saylau API</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>
<body>
<div id="swagger-ui" data-openapi="/openapi.json"></div>
<script src="/static/vendor/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>
</html>
"""


def _results_max_age() -> float:
    """Seconds a tally may be reused before it is brought up to date (0: every read is
    current). A busy national server sets e.g. 1 so a flood of reads does not re-sum the
    tree after every single protocol."""
    return float(os.environ.get("SAYLAU_RESULTS_MAX_AGE", "0"))


def _read_scope(who: Principal, geo: Geography, unit: str) -> None:
    """Commissions read the record of their own unit and below; observers and admins all."""
    if who.role in (Role.ADMIN, Role.OBSERVER):
        return
    if who.scope is not None and unit in geo and geo.is_within(UnitId(unit), who.scope):
        return
    raise Forbidden(f"{who.role} {who.name!r} may not read the record of {unit!r}",
                    code="out_of_scope", details={"scope": who.scope, "unit": unit})


def _no_nul_in_params(request: Request) -> None:
    """Path and query parameters reach the database as text, which cannot hold NUL on
    PostgreSQL: refuse them as invalid input naming the parameter (not a 500)."""
    for where, params in (("path", request.path_params), ("query", request.query_params)):
        for name, value in params.items():
            if isinstance(value, str) and "\x00" in value:
                raise ValidationFailed(
                    f"{where} parameter {name!r} contains a NUL character",
                    details={"field": f"{where}.{name}", "expected": "text without NUL",
                             "actual": value},
                )


async def _body(request: Request) -> bytes:
    """The request body, refused early (413) when it is larger than MAX_BODY."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
        raise PayloadTooLarge(int(declared))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise PayloadTooLarge(size)
        chunks.append(chunk)
    return b"".join(chunks)


CSV_OUT: dict[int | str, dict[str, Any]] = {
    200: {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}}
CSV_BODY = {"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}},
                            "required": True}}


class PayloadTooLarge(TooLarge):
    def __init__(self, size: int) -> None:
        super().__init__(
            f"the body is {size:,} bytes; at most {MAX_BODY:,} are accepted",
            details={"field": "body", "expected": f"<= {MAX_BODY} bytes", "actual": size},
        )


def create_app(saylau: Saylau | None = None) -> FastAPI:
    app = FastAPI(
        title="saylau",
        summary="Referendums and elections with Kazakhstan's rules: protocols in, results out.",
        version="0.1.0",
        dependencies=[Depends(_no_nul_in_params)],
        responses=errors.RESPONSES,
        docs_url=None,  # served below from the vendored Swagger UI, under a strict CSP
        redoc_url=None,  # ReDoc needs inline styles: not served (OpenAPI at /openapi.json)
    )
    app.state.saylau = saylau if saylau is not None else Saylau.open()
    errors.install(app)
    redact_access_log()  # no token in a URL reaches the access log (api/logs.py)
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)

    def S(request: Request) -> Saylau:  # noqa: N802 - reads as the service context
        return saylau_of(request)

    # --- geography ------------------------------------------------------------------
    @app.get("/api/geography/units/{unit_id}", response_model=UnitTreeOut, tags=["geography"])
    def get_unit(unit_id: str, request: Request, _who: Public) -> UnitTreeOut:
        geo = S(request).geography()
        u = geo.unit(UnitId(unit_id))
        return UnitTreeOut(
            unit=UnitOut.of(u),
            children=[UnitOut.of(geo.unit(c)) for c in geo.children[u.id]],
            stations_below=len(geo.descendant_stations(u.id)) if not u.is_station else 1,
        )

    @app.get("/api/geography/root", response_model=UnitTreeOut, tags=["geography"])
    def get_root(request: Request, who: Public) -> UnitTreeOut:
        return get_unit(S(request).geography().root.id, request, who)

    @app.get("/api/geography.csv", response_class=Response, responses=CSV_OUT,
             tags=["geography"])
    def export_geography(request: Request, _who: Public) -> PlainTextResponse:
        from saylau.domain.geography_csv import geography_to_csv

        return PlainTextResponse(geography_to_csv(S(request).geography()),
                                 media_type="text/csv; charset=utf-8")

    @app.post("/api/geography", status_code=201, tags=["geography"], openapi_extra=CSV_BODY)
    async def import_geography(request: Request, _who: Admin) -> dict[str, int]:
        """Load the geography from CSV (docs/geography-csv.md) into an empty store."""
        from saylau.domain.geography_csv import parse_geography_csv
        from saylau.services.geography import load_geography

        data = await _body(request)
        geo = await run_in_threadpool(parse_geography_csv, data)
        n = await run_in_threadpool(lambda: load_geography(S(request), geo, by=_who.name))
        return {"units": n, "stations": len(geo.station_indices)}

    # --- elections ------------------------------------------------------------------
    @app.get("/api/elections", response_model=list[ElectionOut], tags=["elections"])
    def list_elections(request: Request, _who: Public) -> list[ElectionOut]:
        s = S(request)
        return [ElectionOut.of(e, election_svc.contests(s, e.id))
                for e in election_svc.list_elections(s)]

    @app.get("/api/elections/{election_id}", response_model=ElectionOut, tags=["elections"])
    def get_election(election_id: str, request: Request, _who: Public) -> ElectionOut:
        s = S(request)
        e = election_svc.get_election(s, election_id)
        return ElectionOut.of(e, election_svc.contests(s, e.id))

    @app.post("/api/elections/referendum", response_model=ElectionOut, status_code=201,
              tags=["elections"])
    def create_referendum(body: ReferendumIn, request: Request, who: Admin) -> ElectionOut:
        e, c = election_svc.create_referendum(
            S(request), election_id=body.id, name=body.name.to_domain(),
            ruleset_name=body.ruleset, date=body.date, question=body.question.to_domain(),
            constitutional=body.constitutional, by=who.name, signatures=body.signatures,
        )
        return ElectionOut.of(e, [c])

    @app.post("/api/elections/parliament", response_model=ElectionOut, status_code=201,
              tags=["elections"])
    def create_parliament(body: ParliamentIn, request: Request, who: Admin) -> ElectionOut:
        """A Majilis (kz-2007, kz-2022) or Kurultai (kz-2026) election: the party lists and,
        under kz-2022, the 29 single-member districts drawn over the geography."""
        from saylau.domain.districts import draw_districts

        s = S(request)
        n = parliament_svc.DISTRICTS.get(RulesetName(body.ruleset), 0) \
            if body.ruleset in {r.value for r in RulesetName} else 0
        districts = draw_districts(s.geography(), n) if n else ()
        candidates = {
            d.id: [parliament_svc.CandidateSpec(c.id, c.name.to_domain(), c.party)
                   for c in body.candidates.get(str(d.number), [])]
            for d in districts
        }
        e, made = parliament_svc.create_parliament(
            s, election_id=body.id, name=body.name.to_domain(), ruleset_name=body.ruleset,
            date=body.date,
            parties=[parliament_svc.PartySpec(p.id, p.name.to_domain(), p.registration_order,
                                              tuple(p.list_names)) for p in body.parties],
            districts=districts, candidates=candidates, params=body.params, by=who.name,
            signatures=body.signatures,
        )
        return ElectionOut.of(e, made)

    @app.post("/api/elections/presidential", response_model=ElectionOut, status_code=201,
              tags=["elections"])
    def create_presidential(body: PresidentialIn, request: Request, who: Admin) -> ElectionOut:
        """A presidential election: more than half of the participants' votes, else a runoff."""
        e, c = parliament_svc.create_presidential(
            S(request), election_id=body.id, name=body.name.to_domain(),
            ruleset_name=body.ruleset, date=body.date,
            candidates=[parliament_svc.CandidateSpec(x.id, x.name.to_domain(), x.party)
                        for x in body.candidates],
            by=who.name, signatures=body.signatures,
        )
        return ElectionOut.of(e, [c])

    @app.post("/api/elections/senate", response_model=ElectionOut, status_code=201,
              tags=["elections"])
    def create_senate(body: SenateIn, request: Request, who: Admin) -> ElectionOut:
        """Senate seats: one contest per top-level unit named, decided at a joint session."""
        e, made = senate_svc.create_senate_election(
            S(request), election_id=body.id, name=body.name.to_domain(),
            ruleset_name=body.ruleset, date=body.date,
            seats={u: [parliament_svc.CandidateSpec(c.id, c.name.to_domain(), c.party)
                       for c in cs] for u, cs in body.seats.items()},
            by=who.name, signatures=body.signatures,
        )
        return ElectionOut.of(e, made)

    @app.post("/api/contests/{contest_id}/session", tags=["protocols"], status_code=201)
    def submit_session(
        contest_id: str, body: SessionIn, request: Request, response: Response, who: Commission
    ) -> dict[str, object]:
        """The joint session's protocol of a Senate seat (the unit's commission)."""
        p, stored = senate_svc.submit_session(
            S(request), who, contest_id, round_=body.round, electors=body.electors,
            electors_present=body.electors_present, invalid=body.invalid, votes=body.votes,
            correction=body.correction, reason=body.reason, corrects=body.corrects)
        response.status_code = 201 if stored else 200
        return {"status": "accepted" if stored else "unchanged", "round": p.round,
                "version": p.version}

    @app.get("/api/contests/{contest_id}/sessions", tags=["protocols"])
    def session_history(contest_id: str, request: Request, _who: Public) -> list[dict[
            str, object]]:
        """Every version of every round's session protocol, with who, when and why."""
        return [{"round": p.round, "version": p.version, "electors": p.electors,
                 "electors_present": p.electors_present, "invalid": p.invalid,
                 "votes": dict(p.votes), "submitted_by": p.submitted_by,
                 "submitted_at": p.submitted_at, "reason": p.reason}
                for p in senate_svc.session_history(S(request), contest_id)]

    @app.get("/api/contests/{contest_id}", response_model=ContestOut, tags=["elections"])
    def get_contest(contest_id: str, request: Request, _who: Public) -> ContestOut:
        return ContestOut.of(election_svc.get_contest(S(request), contest_id))

    # --- protocols ------------------------------------------------------------------
    @app.post("/api/contests/{contest_id}/protocols", response_model=SubmissionOut,
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
            S(request), who, contest_id, body.station, counts,
            correction=body.correction, reason=body.reason, signature=sig,
            corrects=body.corrects,
        )
        response.status_code = 201 if sub.status is protocol_svc.SubmissionStatus.ACCEPTED else 200
        return SubmissionOut(status=sub.status.value, protocol=ProtocolOut.of(sub.protocol),
                             findings=[FindingOut.of(f) for f in sub.findings])

    @app.post("/api/contests/{contest_id}/protocols/import", tags=["protocols"],
              openapi_extra=CSV_BODY)
    async def import_protocols(
        contest_id: str, request: Request, who: Admin
    ) -> dict[str, int]:
        """Protocols in bulk (docs/protocols-csv.md): every row checked, all or none."""
        from saylau.services.bulk import import_protocols as run_import

        data = await _body(request)
        rep = await run_in_threadpool(run_import, S(request), who, contest_id, data)
        return {"rows": rep.rows, "accepted": rep.accepted, "unchanged": rep.unchanged,
                "flagged": rep.flagged}

    @app.get("/api/contests/{contest_id}/stations/{station}/protocols",
             response_model=list[ProtocolOut], tags=["protocols"])
    def protocol_history(
        contest_id: str, station: str, request: Request, who: Reader
    ) -> list[ProtocolOut]:
        s = S(request)
        _read_scope(who, s.geography(), station)
        return [ProtocolOut.of(p) for p in protocol_svc.protocol_history(s, contest_id, station)]

    @app.get("/api/contests/{contest_id}/rejections", tags=["protocols"])
    def rejections(
        contest_id: str, request: Request, who: Reader,
        station: Annotated[str | None, Query(max_length=64)] = None,
    ) -> list[dict[str, object]]:
        s = S(request)
        if who.role not in (Role.ADMIN, Role.OBSERVER):
            if station is None:
                raise ValidationFailed(
                    "a commission reads the rejections of one station of its scope",
                    details={"field": "station", "expected": "a station id", "actual": None},
                )
            _read_scope(who, s.geography(), station)
        return protocol_svc.protocol_rejections(s, contest_id, station)

    @app.post("/api/contests/{contest_id}/turnout", response_model=TurnoutOut,
              tags=["protocols"], responses={201: {"model": TurnoutOut}})
    def submit_turnout(
        contest_id: str, body: TurnoutIn, request: Request, response: Response, who: Commission
    ) -> TurnoutOut:
        report, stored = protocol_svc.submit_turnout(
            S(request), who, contest_id, body.station, body.at, body.ballots_issued
        )
        response.status_code = 201 if stored else 200
        return TurnoutOut(status="accepted" if stored else "unchanged", contest=report.contest,
                          station=report.station, at=report.at.strftime("%H:%M"),
                          ballots_issued=report.ballots_issued)

    @app.post("/api/contests/{contest_id}/turnout/batch", response_model=TurnoutBatchOut,
              tags=["protocols"])
    def submit_turnout_batch(
        contest_id: str, body: TurnoutBatchIn, request: Request, who: Commission
    ) -> TurnoutBatchOut:
        stored, unchanged = protocol_svc.submit_turnout_batch(
            S(request), who, contest_id,
            [(r.station, r.at, r.ballots_issued) for r in body.reports],
        )
        return TurnoutBatchOut(stored=stored, unchanged=unchanged)

    # --- results --------------------------------------------------------------------
    @app.get("/api/contests/{contest_id}/results", response_model=ResultsOut, tags=["results"])
    def results(
        contest_id: str, request: Request, _who: Public,
        unit: Annotated[str | None, Query(max_length=64)] = None,
        children_offset: Annotated[int, Query(ge=0)] = 0,
        children_limit: Annotated[int, Query(ge=0, le=10_000)] = 500,
    ) -> ResultsOut:
        """A unit's results and a page of its children's (`children_total` says how many)."""
        s = S(request)
        v = results_svc.results(s, contest_id, unit, max_age=_results_max_age(),
                                children_offset=children_offset, children_limit=children_limit)
        head = record_svc.tree_head(s, v.contest.election)
        return ResultsOut.of(v, head.as_json(), children_offset)

    @app.get("/api/contests/{contest_id}/decision", tags=["results"])
    def decision(
        contest_id: str, request: Request, _who: Public,
        participants: ParticipantsReading = ParticipantsReading.BALLOTS_IN_BOXES,
        two_thirds: TwoThirdsReading = TwoThirdsReading.EXACT,
        lang: Lang = Lang.EN,
    ) -> dict[str, object]:
        """The law's decision on the contest, its explanation in `lang` (kk, ru, en) with each
        step's code and figures."""
        readings = ReferendumReadings(participants=participants, two_thirds=two_thirds)
        s = S(request)
        contest = election_svc.get_contest(s, contest_id)
        if contest.kind is ContestKind.PARTY_LIST:
            ld, progress = parliament_svc.list_decision(s, contest_id)
            return {**list_json(ld, lang), "stations_reported": progress.stations_reported,
                    "stations_expected": progress.stations_expected}
        if contest.kind is ContestKind.SENATE_SEAT:
            sd = senate_svc.seat_decision(s, contest_id)
            if sd is None:
                return {"outcome": None, "state": "pending",
                        "explanation": ["no joint session protocol yet"]}
            return candidate_json(sd, lang)
        if contest.kind in (ContestKind.SINGLE_MEMBER, ContestKind.PRESIDENTIAL):
            cd, progress = parliament_svc.candidate_decision(s, contest_id)
            return {**candidate_json(cd, lang), "stations_reported": progress.stations_reported,
                    "stations_expected": progress.stations_expected}
        d, seq = results_svc.decide(s, contest_id, readings, max_age=_results_max_age())
        if d is None:
            raise ValidationFailed(
                f"contest {contest_id!r} has no decision of its own",
                details={"field": "contest", "expected": "a nationwide referendum, a list, "
                         "district or presidential contest", "actual": contest_id},
            )
        out = decision_out(d, lang) or {}
        out["as_of"] = seq
        return out

    @app.get("/api/elections/{election_id}/composition", tags=["results"])
    def chamber(election_id: str, request: Request, _who: Public) -> dict[str, object]:
        """The chamber the current record gives: list seats + district winners, vacancies."""
        return parliament_svc.composition_json(
            parliament_svc.composition(S(request), election_id))

    @app.get("/api/elections/{election_id}/compare", tags=["results"])
    def compare(
        election_id: str, request: Request, _who: Public,
        rulesets: Annotated[str, Query(max_length=200)] = "kz-2007,kz-2022",
    ) -> dict[str, object]:
        """The same list votes decided under each ruleset, seats side by side."""
        names = [r.strip() for r in rulesets.split(",") if r.strip()]
        decided = parliament_svc.compare(S(request), election_id, names)
        return {"rulesets": names,
                "seats": {n: d.seats for n, d in decided.items()},
                "decisions": {n: list_json(d) for n, d in decided.items()}}

    @app.get("/api/senate", tags=["results"])
    def senate(
        request: Request, _who: Public, ruleset: Annotated[str, Query(max_length=16)] = "kz-2022"
    ) -> dict[str, object]:
        """The Senate's make-up under a ruleset: 2 per top-level unit + the appointed."""
        return parliament_svc.senate_json(parliament_svc.senate(S(request), ruleset))

    # --- the verifiable record ---------------------------------------------------------
    @app.get("/api/elections/{election_id}/tree-head", tags=["record"])
    def tree_head(election_id: str, request: Request, _who: Public) -> dict[str, Any]:
        """The latest tree head of the election's log, signed by the central commission."""
        s = S(request)
        election_svc.get_election(s, election_id)
        return record_svc.tree_head(s, election_id).as_json()

    @app.get("/api/elections/{election_id}/tree-heads", tags=["record"])
    def tree_heads(election_id: str, request: Request, _who: Public) -> list[dict[str, Any]]:
        """Every signed tree head, oldest first."""
        s = S(request)
        election_svc.get_election(s, election_id)
        return [h.as_json() for h in record_svc.tree_heads(s, election_id)]

    @app.get("/api/elections/{election_id}/consistency", tags=["record"])
    def consistency(
        election_id: str, request: Request, _who: Public,
        first: Annotated[int, Query(ge=0)], second: Annotated[int, Query(ge=0)],
    ) -> dict[str, Any]:
        """A consistency proof between two signed tree heads (by their sizes)."""
        return record_svc.consistency(S(request), election_id, first, second)

    @app.get("/api/elections/{election_id}/log/{index}", tags=["record"])
    def log_leaf(election_id: str, index: Annotated[int, Path(ge=0)], request: Request,
                 _who: Public) -> dict[str, Any]:
        """One leaf of the log (a record) with its inclusion proof in the latest tree head."""
        return record_svc.inclusion(S(request), election_id, index)

    @app.get("/api/contests/{contest_id}/stations/{station}/protocols/{version}/proof",
             tags=["record"])
    def protocol_proof(
        contest_id: str, station: str, version: Annotated[int, Path(ge=1)], request: Request,
        _who: Public,
    ) -> dict[str, Any]:
        """A station's receipt: its protocol version's record, where it is in the log, and
        the inclusion proof against the latest signed tree head."""
        s = S(request)
        c = election_svc.get_contest(s, contest_id)
        idx = record_svc.protocol_leaf_index(s, c.election, c.id, station, version)
        return {"index": idx, **record_svc.inclusion(s, c.election, idx)}

    @app.get("/api/elections/{election_id}/keys", tags=["record"])
    def list_keys(election_id: str, request: Request, _who: Public) -> list[dict[str, Any]]:
        """The commissions' public keys, with when each was registered or revoked."""
        s = S(request)
        election_svc.get_election(s, election_id)
        return [{"key": k.key, "unit": k.unit, "role": k.role, "public_key": k.public_key,
                 "registered_at": k.registered_at, "revoked_at": k.revoked_at}
                for k in record_svc.keys(s, election_id)]

    @app.post("/api/elections/{election_id}/keys", tags=["record"], status_code=201)
    def register_key(election_id: str, body: KeyIn, request: Request,
                     who: Admin) -> dict[str, str]:
        """Register a commission's public key for its station or territory (logged)."""
        kid = record_svc.register_key(S(request), election_id, body.unit, body.public_key,
                                      who.name)
        return {"key": kid}

    @app.post("/api/elections/{election_id}/keys/{key}/revoke", tags=["record"])
    def revoke_key(election_id: str, key: Annotated[str, Path(max_length=32)],
                   body: RevocationIn, request: Request, who: Admin) -> dict[str, str]:
        """Stop trusting a key from now on (logged); what it signed before stays valid."""
        record_svc.revoke_key(S(request), election_id, key, body.reason, who.name)
        return {"key": key, "status": "revoked"}

    # --- open data -----------------------------------------------------------------------
    @app.get("/api/elections/{election_id}/open-data/{fmt}", tags=["open data"])
    def open_data_index(
        election_id: str, fmt: Annotated[str, Path(pattern="^(csv|json)$")],
        request: Request, _who: Public,
    ) -> dict[str, Any]:
        """The files of the CSV or JSON export (docs/open-data.md), with their URLs."""
        from saylau.services.export import election_snapshots, open_data_files

        e, snaps = election_snapshots(S(request), election_id)
        names = sorted(open_data_files(e, snaps, fmt))
        return {"election": e.id, "format": fmt,
                "files": {n: f"/api/elections/{e.id}/open-data/{fmt}/{n}" for n in names}}

    @app.get("/api/elections/{election_id}/open-data/{fmt}/{name}", tags=["open data"],
             responses={200: {"description": "the file", "content": {
                 "text/csv": {"schema": {"type": "string"}}, "application/json": {}}}})
    def open_data_file(
        election_id: str, fmt: Annotated[str, Path(pattern="^(csv|json)$")],
        name: Annotated[str, Path(max_length=200)], request: Request, _who: Public,
    ) -> Response:
        """One open-data file: per unit or per station results of a contest, and more."""
        from saylau.services.export import election_snapshots, open_data_files

        e, snaps = election_snapshots(S(request), election_id)
        files = open_data_files(e, snaps, fmt)
        if name not in files:
            from saylau.domain.errors import NotFound

            raise NotFound(f"no file {name!r} in the {fmt} export of {e.id}",
                           details={"field": "name", "expected": sorted(files), "actual": name})
        media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
        return Response(files[name], media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @app.get("/api/elections/{election_id}/cdf.json", tags=["open data"])
    def cdf(election_id: str, request: Request, _who: Public) -> Response:
        """The election as a NIST SP 1500-100 v2 ElectionReport (JSON)."""
        from saylau.services.export import cdf_json, cdf_report, election_snapshots

        s = S(request)
        e, snaps = election_snapshots(s, election_id)
        return Response(cdf_json(cdf_report(e, snaps, s.clock())),
                        media_type="application/json")

    # --- the audit log (services/audit.py) ----------------------------------------------
    @app.get("/api/audit/tree-head", tags=["access"])
    def audit_tree_head(request: Request, _who: Public) -> dict[str, Any]:
        """The latest tree head of the audit log of administrative actions, signed by the
        central commission: anyone can hold the operators to it."""
        return audit_svc.tree_head(S(request))

    @app.get("/api/audit/entries", tags=["access"])
    def audit_entries(
        request: Request, _who: Reader,
        start: Annotated[int, Query(ge=0, le=2**53)] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> list[dict[str, Any]]:
        """Entries of the audit log (tokens issued and revoked, keys, elections created,
        geography loaded, bulk imports, corrections), oldest first."""
        return audit_svc.entries(S(request), start, limit)

    @app.get("/api/audit/entries/{index}/proof", tags=["access"])
    def audit_proof(index: Annotated[int, Path(ge=0, le=2**53)], request: Request,
                    _who: Reader) -> dict[str, Any]:
        """One entry with its inclusion proof in the latest signed tree head."""
        return audit_svc.inclusion(S(request), index)

    @app.get("/api/whoami", tags=["access"])
    def whoami(who: AnyToken) -> dict[str, str | None]:
        return {"name": who.name, "role": who.role.value, "scope": who.scope}

    @app.get("/docs", include_in_schema=False)
    def api_docs(_who: Public) -> HTMLResponse:
        """The interactive API documentation: Swagger UI from this server's vendored copy
        (web/static/vendor, VENDOR.md), started by a script file, under DOCS_CSP."""
        return HTMLResponse(DOCS_PAGE, headers={"Content-Security-Policy": DOCS_CSP,
                                                "Cache-Control": "no-cache"})

    @app.get("/healthz", tags=["pages"])
    def health(_who: Public) -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(web_router, responses={
        **errors.PAGE_RESPONSES,
        204: {"description": "a live fragment: nothing new since the version the reader has"},
        304: {"description": "a page or static file: the reader's copy (If-None-Match) is "
              "current"},
    })
    return app
