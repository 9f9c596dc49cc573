"""The admin log: the signed log of administrative actions (services/audit.py), its latest
tree head for everyone, its entries and their proofs for observers and commissions.

Its paths were /api/audit/... until the word was kept for risk-limiting audits (issue 15).
The old paths still answer for one release, marked deprecated in the OpenAPI schema, with a
`Deprecation` header and a `Link` to the new path (rel="successor-version"): RFC 9745 and
RFC 8288 (docs/operations.md, "Access").
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from saylau.api.policies import Public, Reader, saylau_of
from saylau.services import audit as audit_svc

router = APIRouter()

Start = Annotated[int, Query(ge=0, le=2**53)]
Limit = Annotated[int, Query(ge=1, le=1000)]
Index = Annotated[int, Path(ge=0, le=2**53)]


@router.get("/api/admin-log/tree-head", tags=["access"])
def admin_log_tree_head(request: Request, _who: Public) -> dict[str, Any]:
    """The latest tree head of the admin log (administrative actions), signed by the central
    commission: anyone can hold the operators to it."""
    return audit_svc.tree_head(saylau_of(request))


@router.get("/api/admin-log/entries", tags=["access"])
def admin_log_entries(request: Request, _who: Reader, start: Start = 0,
                      limit: Limit = 100) -> list[dict[str, Any]]:
    """Entries of the admin log (tokens issued and revoked, keys, elections created,
    geography loaded, bulk imports, corrections), oldest first."""
    return audit_svc.entries(saylau_of(request), start, limit)


@router.get("/api/admin-log/entries/{index}/proof", tags=["access"])
def admin_log_proof(index: Index, request: Request, _who: Reader) -> dict[str, Any]:
    """One entry with its inclusion proof in the latest signed tree head."""
    return audit_svc.inclusion(saylau_of(request), index)


# --- the deprecated paths, for one release ---------------------------------------------------

DEPRECATED_SINCE = datetime(2026, 12, 6, tzinfo=UTC)
"""The day /api/audit/... became /api/admin-log/... (the `Deprecation` header's date)."""


def deprecated(response: Response, successor: str) -> None:
    """Say on the response that its path is deprecated, since when, and which path replaces
    it (RFC 9745 `Deprecation`, RFC 8288 `Link` with rel="successor-version")."""
    response.headers["Deprecation"] = f"@{int(DEPRECATED_SINCE.timestamp())}"
    response.headers["Link"] = f'<{successor}>; rel="successor-version"'


@router.get("/api/audit/tree-head", tags=["access"], deprecated=True)
def audit_tree_head(request: Request, response: Response, _who: Public) -> dict[str, Any]:
    """Deprecated: GET /api/admin-log/tree-head (this path is removed in the next release)."""
    deprecated(response, "/api/admin-log/tree-head")
    return admin_log_tree_head(request, _who)


@router.get("/api/audit/entries", tags=["access"], deprecated=True)
def audit_entries(request: Request, response: Response, _who: Reader, start: Start = 0,
                  limit: Limit = 100) -> list[dict[str, Any]]:
    """Deprecated: GET /api/admin-log/entries (this path is removed in the next release)."""
    deprecated(response, "/api/admin-log/entries")
    return admin_log_entries(request, _who, start, limit)


@router.get("/api/audit/entries/{index}/proof", tags=["access"], deprecated=True)
def audit_proof(index: Index, request: Request, response: Response,
                _who: Reader) -> dict[str, Any]:
    """Deprecated: GET /api/admin-log/entries/{index}/proof (this path is removed in the next
    release)."""
    deprecated(response, f"/api/admin-log/entries/{index}/proof")
    return admin_log_proof(index, request, _who)
