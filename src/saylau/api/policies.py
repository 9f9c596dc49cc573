"""Access policies. Every route declares one (a dependency that is a `Policy`) or is marked
public with `PUBLIC_ROUTE`; tests/integration/test_policies.py walks the app's routes and fails
when one has neither (access fails closed)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from limits import RateLimitItem, parse
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import Connection

from saylau import settings
from saylau.domain.access import PUBLIC, Principal, Role
from saylau.domain.errors import Forbidden, RateLimited, Unauthorized
from saylau.domain.geography import Geography
from saylau.domain.ids import UnitId
from saylau.services.context import Saylau
from saylau.services.tokens import authenticate
from saylau.store import auth_failures as auth_failures_store
from saylau.store.auth_failures import DatabaseWindows

AUTH_FAILURES = "10/minute"
"""Failed authentications (a token presented but invalid, revoked or expired) allowed per
client address in a moving window; $SAYLAU_AUTH_FAILURES overrides (the `limits` notation,
e.g. "20/minute"). Past it the address gets 429 without its tokens being looked at, until the
window has room again. Counted in the database, so the limit holds across every server process
of `saylau serve --workers N` (store/auth_failures.py; docs/operations.md, "Access")."""


class AuthFailures:
    """Failed authentications per client address: the `limits` library's moving window, its
    entries in the store that every worker shares. Only failures count: a commission with a
    good token is never slowed down."""

    def __init__(self, rule: str, saylau: Saylau) -> None:
        self.item: RateLimitItem = parse(rule)
        self.clock = saylau.clock
        self.limiter = MovingWindowRateLimiter(DatabaseWindows(
            read=saylau.read, write=saylau.write, now=lambda: saylau.clock().timestamp()))

    def check(self, client: str, conn: Connection) -> None:
        """Refuse `client` (429) when its window is full. What the `limits` library's
        MovingWindowRateLimiter.test decides (fewer entries in the window than the limit
        allows), read in `conn`'s transaction: the one that then looks up the token, so a
        request costs one transaction, not two."""
        now = self.clock().timestamp()
        oldest, held = auth_failures_store.window(
            conn, self.item.key_for(client), self.item.get_expiry(), round(now * 1000))
        if held >= self.item.amount:
            wait = max(1, math.ceil(oldest + self.item.get_expiry() - now))
            raise RateLimited(
                f"too many failed authentications from {client}; try again in {wait} s",
                details={"limit": str(self.item), "retry_after": wait})

    def failed(self, client: str) -> None:
        self.limiter.hit(self.item, client)


def auth_failures_of(request: Request) -> AuthFailures:
    state = request.app.state
    if getattr(state, "auth_failures", None) is None:
        state.auth_failures = AuthFailures(
            settings.auth_failures(), saylau_of(request))
    failures: AuthFailures = state.auth_failures
    return failures


def saylau_of(request: Request) -> Saylau:
    app: Saylau = request.app.state.saylau
    return app


def _bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer TOKEN` header, or None (no header, another
    scheme, or nothing after it), as fastapi.security.HTTPBearer(auto_error=False) reads it."""
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


@dataclass(frozen=True)
class Policy:
    """A route's access rule: which roles may call it. `public=True` admits callers without a
    token (they get the PUBLIC principal)."""

    name: str
    roles: frozenset[Role]
    public: bool = False

    def __call__(self, request: Request) -> Principal:
        # sync, so FastAPI runs it in its thread pool: the token's lookup waits for the
        # database there, not on the event loop (which would then serve one request at a time)
        token = _bearer_token(request)
        if token is None:
            if self.public:
                return PUBLIC
            raise Unauthorized("this action needs a bearer token", code="token_missing")
        failures = auth_failures_of(request)
        # the connection's peer, or the client a trusted proxy names: uvicorn reads
        # X-Forwarded-For only from $SAYLAU_TRUSTED_PROXIES (api/proxies.py)
        client = request.client.host if request.client else "unknown"
        try:
            who = authenticate(saylau_of(request), token,
                               before=lambda conn: failures.check(client, conn))
        except Unauthorized:
            failures.failed(client)
            raise
        if who.role not in self.roles and not self.public:
            raise Forbidden(
                f"{who.role} {who.name!r} may not {self.name}",
                code="role_forbidden",
                details={"role": who.role.value, "allowed": sorted(r.value for r in self.roles)},
            )
        return who


COMMISSIONS = frozenset({Role.ADMIN, Role.TERRITORIAL, Role.PRECINCT})
READERS = frozenset({Role.ADMIN, Role.TERRITORIAL, Role.PRECINCT, Role.OBSERVER})

PUBLIC_ROUTE = Policy("read published results", frozenset(Role), public=True)
ADMIN_ONLY = Policy("administer the election", frozenset({Role.ADMIN}))
COMMISSION_WRITE = Policy("submit protocols or turnout", COMMISSIONS)
READ_RECORD = Policy("read the commissions' record", READERS)
ANY_TOKEN = Policy("identify itself", frozenset(Role) - {Role.PUBLIC})

# parties wing (issue 13)
PARTY_ACTORS = frozenset({Role.ADMIN, Role.MINISTRY, Role.PARTY})
PARTY_WRITE = Policy("submit a party's application or member list", PARTY_ACTORS)
PARTY_READ = Policy("read a party's member rows", PARTY_ACTORS)
MINISTRY_DECIDE = Policy("decide on party registration",
                         frozenset({Role.ADMIN, Role.MINISTRY}))
# risk-limiting audits (issue 15): hand counts by auditors (their assignments are checked by
# services/audits) or the central commission
AUDIT_COUNT = Policy("enter an audit's hand counts", frozenset({Role.ADMIN, Role.AUDITOR}))

Public = Annotated[Principal, Depends(PUBLIC_ROUTE)]
Admin = Annotated[Principal, Depends(ADMIN_ONLY)]
Commission = Annotated[Principal, Depends(COMMISSION_WRITE)]
Reader = Annotated[Principal, Depends(READ_RECORD)]
AnyToken = Annotated[Principal, Depends(ANY_TOKEN)]
PartyWriter = Annotated[Principal, Depends(PARTY_WRITE)]
PartyReader = Annotated[Principal, Depends(PARTY_READ)]
Ministry = Annotated[Principal, Depends(MINISTRY_DECIDE)]
AuditCounter = Annotated[Principal, Depends(AUDIT_COUNT)]
"""A route's caller under its policy: `who: Admin` in a route's parameters declares it."""

# observation (issue 12): a mission's head manages its own mission (the services check which);
# observers submit for the stations they are deployed to (the services check which)
MISSION_MANAGE = Policy("manage an observation mission", frozenset({Role.ADMIN, Role.MISSION}))
OBSERVER_SUBMIT = Policy("report as an accredited observer", frozenset({Role.OBSERVER}))
MissionHead = Annotated[Principal, Depends(MISSION_MANAGE)]
Observer = Annotated[Principal, Depends(OBSERVER_SUBMIT)]


def read_scope(who: Principal, geo: Geography, unit: str) -> None:
    """Commissions read the record of their own unit and below; observers and admins all."""
    if who.role in (Role.ADMIN, Role.OBSERVER):
        return
    if who.scope is not None and unit in geo and geo.is_within(UnitId(unit), who.scope):
        return
    raise Forbidden(f"{who.role} {who.name!r} may not read the record of {unit!r}",
                    code="out_of_scope", details={"scope": who.scope, "unit": unit})
