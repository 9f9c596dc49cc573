"""Access policies. Every route declares one (a dependency that is a `Policy`) or is marked
public with `PUBLIC_ROUTE`; tests/integration/test_policies.py walks the app's routes and fails
when one has neither (access fails closed)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from saylau.domain.access import PUBLIC, Principal, Role
from saylau.domain.errors import Forbidden, Unauthorized
from saylau.services.context import Saylau
from saylau.services.tokens import authenticate

_bearer = HTTPBearer(auto_error=False)


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
        who = authenticate(saylau_of(request), creds.credentials)
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
