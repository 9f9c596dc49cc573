"""Bearer tokens: issued by `saylau token create`, stored as SHA-256 hashes only.

A token is 32 random bytes (urlsafe base64), shown once at creation. The database keeps its
SHA-256: a leaked database does not leak usable tokens (they are random, so a plain hash is
enough; no password-style stretching is needed).

Every token expires (DEFAULT_TTL unless asked otherwise, at most MAX_TTL) and can be revoked;
both are checked on every request against the database, so a revocation takes effect at once.
Issuing and revoking are entries of the audit log (services.audit), which never holds the
token or its hash.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update

from saylau.domain.access import SCOPED_ROLES, Principal, Role
from saylau.domain.errors import NotFound, Unauthorized, ValidationFailed
from saylau.domain.ids import ActorId, UnitId
from saylau.domain.limits import check_actor
from saylau.services import audit, record
from saylau.services.context import Saylau
from saylau.store import tables as t

TOKEN_PREFIX = "sl_"  # noqa: S105 - a visible prefix of issued tokens, not a secret
DEFAULT_TTL = timedelta(days=3)
"""A token's life unless asked otherwise: the eve, the day and the night of an election."""
MAX_TTL = timedelta(days=90)


def check_ttl(ttl: timedelta) -> timedelta:
    if not timedelta(minutes=1) <= ttl <= MAX_TTL:
        raise ValidationFailed(
            f"a token lives between a minute and {MAX_TTL.days} days, not {ttl}",
            details={"field": "ttl", "expected": f"1 minute..{MAX_TTL.days} days",
                     "actual": str(ttl)})
    return ttl


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(app: Saylau, name: str, role: str, scope: str | None = None, *,
                 ttl: timedelta = DEFAULT_TTL, by: str = "operator") -> str:
    """Issue a token valid for `ttl`; returns the secret (the only time it is seen)."""
    check_ttl(ttl)
    check_actor("name", name)  # written beside everything the token does
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
    now = app.clock()
    expires = (now + ttl).isoformat()
    with app.write() as conn:
        conn.execute(insert(t.tokens).values(
            name=name, role=r.value, scope=scope, token_hash=_hash(secret),
            created_at=now.isoformat(), expires_at=expires,
        ))
        audit.log_action(conn, app, audit.Action.TOKEN_ISSUED, by, name=name, role=r.value,
                         scope=scope, expires_at=expires)
    return secret


def authenticate(app: Saylau, token: str) -> Principal:
    with app.read() as conn:
        row = conn.execute(
            select(t.tokens).where(t.tokens.c.token_hash == _hash(token))
        ).mappings().first()
    if row is None:
        raise Unauthorized("the bearer token is not valid", code="token_invalid")
    if row["revoked_at"] is not None:
        raise Unauthorized("the bearer token was revoked", code="token_revoked")
    expires = row["expires_at"]
    if expires is None or datetime.fromisoformat(expires) <= app.clock():
        raise Unauthorized(f"the bearer token expired at {expires}", code="token_expired")
    scope = row["scope"]
    return Principal(ActorId(row["name"]), Role(row["role"]),
                     None if scope is None else UnitId(scope))


def revoke_token(app: Saylau, name: str, *, by: str = "operator") -> int:
    """Revoke every token of `name` at once; returns how many."""
    with app.write() as conn:
        res = conn.execute(
            update(t.tokens)
            .where(t.tokens.c.name == name, t.tokens.c.revoked_at.is_(None))
            .values(revoked_at=app.clock().isoformat())
        )
        n = int(res.rowcount or 0)
        if n:
            audit.log_action(conn, app, audit.Action.TOKEN_REVOKED, by, name=name, tokens=n)
    return n


def create_tokens(app: Saylau, specs: list[tuple[str, str, str | None]], *,
                  ttl: timedelta = DEFAULT_TTL, by: str = "operator") -> list[str]:
    """Issue many tokens in one transaction (a token per commission for an election night).
    Each spec is (name, role, scope); the same checks as `create_token` apply. One audit entry
    per token."""
    check_ttl(ttl)
    geo = app.geography()
    secrets_out: list[str] = []
    rows = []
    clock = app.clock()
    now, expires = clock.isoformat(), (clock + ttl).isoformat()
    for name, role, scope in specs:
        check_actor("name", name)
        r = Role(role)
        if (r in SCOPED_ROLES) != (scope is not None) or (scope is not None and scope not in geo):
            raise ValidationFailed(f"bad scope {scope!r} for role {role}",
                                   details={"field": "scope", "expected": "a unit for "
                                            "territorial/precinct, none otherwise",
                                            "actual": scope})
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        secrets_out.append(secret)
        rows.append({"name": name, "role": r.value, "scope": scope,
                     "token_hash": _hash(secret), "created_at": now, "expires_at": expires})
    with app.write() as conn:
        conn.execute(insert(t.tokens), rows)
        record.append_many(conn, audit.AUDIT_LOG, [
            ("audit", audit.entry_bytes(app, audit.Action.TOKEN_ISSUED, by, name=r_["name"],
                                        role=r_["role"], scope=r_["scope"], expires_at=expires))
            for r_ in rows])
    return secrets_out
