"""Tokens: who the caller's bearer token says it is (tokens are issued and revoked with
`saylau token`, and every issue and revocation is in the admin log)."""

from __future__ import annotations

from fastapi import APIRouter

from saylau.api.policies import AnyToken

router = APIRouter()


@router.get("/api/whoami", tags=["access"])
def whoami(who: AnyToken) -> dict[str, str | None]:
    return {"name": who.name, "role": who.role.value, "scope": who.scope}
