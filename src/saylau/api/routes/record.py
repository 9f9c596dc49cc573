"""The verifiable record: signed tree heads, consistency and inclusion proofs, a station's
receipt, the commissions' keys (docs/record.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from saylau.api.policies import (
    Admin,
    Public,
    saylau_of,
)
from saylau.api.schemas.record import KeyIn, RevocationIn
from saylau.services import elections as election_svc
from saylau.services import record as record_svc

router = APIRouter()


@router.get("/api/elections/{election_id}/tree-head", tags=["record"])
def tree_head(election_id: str, request: Request, _who: Public) -> dict[str, Any]:
    """The latest tree head of the election's log, signed by the central commission."""
    s = saylau_of(request)
    election_svc.get_election(s, election_id)
    return record_svc.tree_head(s, election_id).as_json()

@router.get("/api/elections/{election_id}/tree-heads", tags=["record"])
def tree_heads(election_id: str, request: Request, _who: Public) -> list[dict[str, Any]]:
    """Every signed tree head, oldest first."""
    s = saylau_of(request)
    election_svc.get_election(s, election_id)
    return [h.as_json() for h in record_svc.tree_heads(s, election_id)]

@router.get("/api/elections/{election_id}/consistency", tags=["record"])
def consistency(
    election_id: str, request: Request, _who: Public,
    first: Annotated[int, Query(ge=0)], second: Annotated[int, Query(ge=0)],
) -> dict[str, Any]:
    """A consistency proof between two signed tree heads (by their sizes)."""
    return record_svc.consistency(saylau_of(request), election_id, first, second)

@router.get("/api/elections/{election_id}/log/{index}", tags=["record"])
def log_leaf(election_id: str, index: Annotated[int, Path(ge=0)], request: Request,
             _who: Public) -> dict[str, Any]:
    """One leaf of the log (a record) with its inclusion proof in the latest tree head."""
    return record_svc.inclusion(saylau_of(request), election_id, index)

@router.get("/api/contests/{contest_id}/stations/{station}/protocols/{version}/proof",
         tags=["record"])
def protocol_proof(
    contest_id: str, station: str, version: Annotated[int, Path(ge=1)], request: Request,
    _who: Public,
) -> dict[str, Any]:
    """A station's receipt: its protocol version's record, where it is in the log, and
    the inclusion proof against the latest signed tree head."""
    s = saylau_of(request)
    c = election_svc.get_contest(s, contest_id)
    idx = record_svc.protocol_leaf_index(s, c.election, c.id, station, version)
    return {"index": idx, **record_svc.inclusion(s, c.election, idx)}

@router.get("/api/elections/{election_id}/keys", tags=["record"])
def list_keys(election_id: str, request: Request, _who: Public) -> list[dict[str, Any]]:
    """The commissions' public keys, with when each was registered or revoked."""
    s = saylau_of(request)
    election_svc.get_election(s, election_id)
    return [{"key": k.key, "unit": k.unit, "role": k.role, "public_key": k.public_key,
             "registered_at": k.registered_at, "revoked_at": k.revoked_at}
            for k in record_svc.keys(s, election_id)]

@router.post("/api/elections/{election_id}/keys", tags=["record"], status_code=201)
def register_key(election_id: str, body: KeyIn, request: Request,
                 who: Admin) -> dict[str, str]:
    """Register a commission's public key for its station or territory (logged)."""
    kid = record_svc.register_key(saylau_of(request), election_id, body.unit, body.public_key,
                                  who.name)
    return {"key": kid}

@router.post("/api/elections/{election_id}/keys/{key}/revoke", tags=["record"])
def revoke_key(election_id: str, key: Annotated[str, Path(max_length=32)],
               body: RevocationIn, request: Request, who: Admin) -> dict[str, str]:
    """Stop trusting a key from now on (logged); what it signed before stays valid."""
    record_svc.revoke_key(saylau_of(request), election_id, key, body.reason, who.name)
    return {"key": key, "status": "revoked"}
