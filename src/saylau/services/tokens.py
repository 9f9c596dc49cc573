"""Bearer tokens: issued by `saylau token create`, stored as SHA-256 hashes only.

A token is 32 random bytes (urlsafe base64), shown once at creation. The database keeps its
SHA-256: a leaked database does not leak usable tokens (they are random, so a plain hash is
enough; no password-style stretching is needed).
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import insert, select, update

from saylau.domain.access import SCOPED_ROLES, Principal, Role
from saylau.domain.errors import NotFound, Unauthorized, ValidationFailed
from saylau.domain.ids import ActorId, UnitId
from saylau.services.context import Saylau
from saylau.store import tables as t

TOKEN_PREFIX = "sl_"  # noqa: S105 - a visible prefix of issued tokens, not a secret


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(app: Saylau, name: str, role: str, scope: str | None = None) -> str:
    """Issue a token; returns the secret (the only time it is seen)."""
    try:
        r = Role(role)
    except ValueError:
        raise ValidationFailed(
            f"unknown role {role!r}",
            details={"field": "role", "expected": [x.value for x in Role if x is not Role.PUBLIC],
                     "actual": role},
        ) from None
    if r is Role.PUBLIC:
        raise ValidationFailed("the public needs no token",
                               details={"field": "role", "expected": "not public", "actual": role})
    if (r in SCOPED_ROLES) != (scope is not None):
        raise ValidationFailed(
            f"role {role} " + ("needs a scope (its unit or station)" if r in SCOPED_ROLES
                               else "takes no scope"),
            details={"field": "scope", "expected": "a unit id" if r in SCOPED_ROLES else None,
                     "actual": scope},
        )
    if scope is not None:
        geo = app.geography()
        if scope not in geo:
            raise NotFound(f"no unit {scope!r} for the token's scope",
                           details={"field": "scope", "actual": scope})
        if r is Role.PRECINCT and not geo.unit(UnitId(scope)).is_station:
            raise ValidationFailed(
                f"a precinct commission's scope is its station; {scope!r} is not a station",
                details={"field": "scope", "expected": "a station", "actual": scope},
            )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with app.write() as conn:
        conn.execute(insert(t.tokens).values(
            name=name, role=r.value, scope=scope, token_hash=_hash(secret),
            created_at=app.clock().isoformat(),
        ))
    return secret


def authenticate(app: Saylau, token: str) -> Principal:
    with app.read() as conn:
        row = conn.execute(
            select(t.tokens).where(t.tokens.c.token_hash == _hash(token))
        ).mappings().first()
    if row is None or row["revoked_at"] is not None:
        raise Unauthorized("the bearer token is not valid", code="token_invalid")
    scope = row["scope"]
    return Principal(ActorId(row["name"]), Role(row["role"]),
                     None if scope is None else UnitId(scope))


def revoke_token(app: Saylau, name: str) -> int:
    """Revoke every token of `name`; returns how many."""
    with app.write() as conn:
        res = conn.execute(
            update(t.tokens)
            .where(t.tokens.c.name == name, t.tokens.c.revoked_at.is_(None))
            .values(revoked_at=app.clock().isoformat())
        )
    return int(res.rowcount or 0)


def create_tokens(app: Saylau, specs: list[tuple[str, str, str | None]]) -> list[str]:
    """Issue many tokens in one transaction (a token per commission for an election night).
    Each spec is (name, role, scope); the same checks as `create_token` apply."""
    geo = app.geography()
    secrets_out: list[str] = []
    rows = []
    now = app.clock().isoformat()
    for name, role, scope in specs:
        r = Role(role)
        if (r in SCOPED_ROLES) != (scope is not None) or (scope is not None and scope not in geo):
            raise ValidationFailed(f"bad scope {scope!r} for role {role}",
                                   details={"field": "scope", "expected": "a unit for "
                                            "territorial/precinct, none otherwise",
                                            "actual": scope})
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        secrets_out.append(secret)
        rows.append({"name": name, "role": r.value, "scope": scope,
                     "token_hash": _hash(secret), "created_at": now})
    with app.write() as conn:
        conn.execute(insert(t.tokens), rows)
    return secrets_out
