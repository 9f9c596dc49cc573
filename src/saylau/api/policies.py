"""Access policies. Every route declares one (a dependency that is a `Policy`) or is marked
public with `PUBLIC_ROUTE`; tests/integration/test_policies.py walks the app's routes and fails
when one has neither (access fails closed)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from limits import RateLimitItem, parse
from limits.strategies import MovingWindowRateLimiter

from saylau import settings
from saylau.domain.access import PUBLIC, Principal, Role
from saylau.domain.errors import Forbidden, RateLimited, Unauthorized
from saylau.domain.geography import Geography
from saylau.domain.ids import UnitId
from saylau.services.context import Saylau
from saylau.services.tokens import authenticate
from saylau.store.auth_failures import DatabaseWindows

_bearer = HTTPBearer(auto_error=False)

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

    def check(self, client: str) -> None:
        if not self.limiter.test(self.item, client):
            reset, _ = self.limiter.get_window_stats(self.item, client)
            wait = max(1, math.ceil(reset - self.clock().timestamp()))
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


@dataclass(frozen=True)
class Policy:
    """A route's access rule: which roles may call it. `public=True` admits callers without a
    token (they get the PUBLIC principal)."""

    name: str
    roles: frozenset[Role]
    public: bool = False

    async def __call__(self, request: Request) -> Principal:
        creds: HTTPAuthorizationCredentials | None = await _bearer(request)
        if creds is None:
            if self.public:
                return PUBLIC
            raise Unauthorized("this action needs a bearer token", code="token_missing")
        failures = auth_failures_of(request)
        # the connection's peer, or the client a trusted proxy names: uvicorn reads
        # X-Forwarded-For only from $SAYLAU_TRUSTED_PROXIES (api/proxies.py)
        client = request.client.host if request.client else "unknown"
        failures.check(client)
        try:
            who = authenticate(saylau_of(request), creds.credentials)
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

Public = Annotated[Principal, Depends(PUBLIC_ROUTE)]
Admin = Annotated[Principal, Depends(ADMIN_ONLY)]
Commission = Annotated[Principal, Depends(COMMISSION_WRITE)]
Reader = Annotated[Principal, Depends(READ_RECORD)]
AnyToken = Annotated[Principal, Depends(ANY_TOKEN)]
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
