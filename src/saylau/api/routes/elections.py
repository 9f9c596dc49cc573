"""Elections and their contests: listed, read, created (referendum, parliament, presidential,
Senate)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from saylau.api.policies import (
    Admin,
    Public,
    saylau_of,
)
from saylau.api.schemas.elections import (
    ContestOut,
    ElectionOut,
    ParliamentIn,
    PresidentialIn,
    ReferendumIn,
    SenateIn,
)
from saylau.domain.rulesets import RULESETS, RulesetName
from saylau.services import elections as election_svc
from saylau.services import parliament as parliament_svc
from saylau.services import senate as senate_svc

router = APIRouter()


@router.get("/api/elections", response_model=list[ElectionOut], tags=["elections"])
def list_elections(request: Request, _who: Public) -> list[ElectionOut]:
    s = saylau_of(request)
    return [ElectionOut.of(e, election_svc.contests(s, e.id))
            for e in election_svc.list_elections(s)]

@router.get("/api/elections/{election_id}", response_model=ElectionOut, tags=["elections"])
def get_election(election_id: str, request: Request, _who: Public) -> ElectionOut:
    s = saylau_of(request)
    e = election_svc.get_election(s, election_id)
    return ElectionOut.of(e, election_svc.contests(s, e.id))

@router.post("/api/elections/referendum", response_model=ElectionOut, status_code=201,
          tags=["elections"])
def create_referendum(body: ReferendumIn, request: Request, who: Admin) -> ElectionOut:
    e, c = election_svc.create_referendum(
        saylau_of(request), election_id=body.id, name=body.name.to_domain(),
        ruleset_name=body.ruleset, date=body.date, question=body.question.to_domain(),
        constitutional=body.constitutional, by=who.name, signatures=body.signatures,
    )
    return ElectionOut.of(e, [c])

@router.post("/api/elections/parliament", response_model=ElectionOut, status_code=201,
          tags=["elections"])
def create_parliament(body: ParliamentIn, request: Request, who: Admin) -> ElectionOut:
    """A Majilis (kz-2007, kz-2022) or Kurultai (kz-2026) election: the party lists and,
    under kz-2022, the 29 single-member districts drawn over the geography."""
    from saylau.domain.districts import draw_districts

    s = saylau_of(request)
    known = RULESETS.get(RulesetName(body.ruleset)) \
        if body.ruleset in {r.value for r in RulesetName} else None  # else: the service says
    n = (known.chamber.districts or 0) if known is not None else 0
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

@router.post("/api/elections/presidential", response_model=ElectionOut, status_code=201,
          tags=["elections"])
def create_presidential(body: PresidentialIn, request: Request, who: Admin) -> ElectionOut:
    """A presidential election: more than half of the participants' votes, else a runoff."""
    e, c = parliament_svc.create_presidential(
        saylau_of(request), election_id=body.id, name=body.name.to_domain(),
        ruleset_name=body.ruleset, date=body.date,
        candidates=[parliament_svc.CandidateSpec(x.id, x.name.to_domain(), x.party)
                    for x in body.candidates],
        by=who.name, signatures=body.signatures,
    )
    return ElectionOut.of(e, [c])

@router.post("/api/elections/senate", response_model=ElectionOut, status_code=201,
          tags=["elections"])
def create_senate(body: SenateIn, request: Request, who: Admin) -> ElectionOut:
    """Senate seats: one contest per top-level unit named, decided at a joint session."""
    e, made = senate_svc.create_senate_election(
        saylau_of(request), election_id=body.id, name=body.name.to_domain(),
        ruleset_name=body.ruleset, date=body.date,
        seats={u: [parliament_svc.CandidateSpec(c.id, c.name.to_domain(), c.party)
                   for c in cs] for u, cs in body.seats.items()},
        by=who.name, signatures=body.signatures,
    )
    return ElectionOut.of(e, made)


@router.get("/api/contests/{contest_id}", response_model=ContestOut, tags=["elections"])
def get_contest(contest_id: str, request: Request, _who: Public) -> ContestOut:
    return ContestOut.of(election_svc.get_contest(saylau_of(request), contest_id))
