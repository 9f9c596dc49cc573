"""Who may do what: roles and their scopes, as pure rules (the API enforces them per route).

- admin: the central commission; everything.
- territorial: a territorial commission; writes for its unit and every unit below it.
- precinct: a precinct (polling-station) commission; writes for its own station only.
- observer: reads everything the commissions can read, writes nothing.
- public: no token; reads published results only.
- party (parties wing, issue 13): a political party; its scope is its party id: it submits
  its own application and member list and reads its own rows, nothing else.
- ministry (parties wing): the Ministry of Justice; reads every party's rows, decides.
- auditor: enters the hand counts of a risk-limiting audit, for the stations assigned to it
  only (issue 15; services/audits).
- mission (observation, issue 12): the head of an observation mission; applies for and deploys
  its own observers, reads its own mission's reports (services/observation/missions.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from saylau.domain.errors import Forbidden
from saylau.domain.geography import Geography
from saylau.domain.ids import ActorId, UnitId


class Role(StrEnum):
    ADMIN = "admin"
    TERRITORIAL = "territorial"
    PRECINCT = "precinct"
    OBSERVER = "observer"
    PUBLIC = "public"
    # parties wing (issue 13)
    PARTY = "party"
    MINISTRY = "ministry"
    AUDITOR = "auditor"  # risk-limiting audits (issue 15): hand counts of assigned stations
    # observation (issue 12)
    MISSION = "mission"


SCOPED_ROLES = frozenset({Role.TERRITORIAL, Role.PRECINCT})
PARTY_SCOPED_ROLES = frozenset({Role.PARTY})
"""Roles whose scope is a party id, not a unit (parties wing, issue 13)."""


@dataclass(frozen=True, slots=True)
class Principal:
    name: ActorId
    role: Role
    scope: UnitId | None = None
    """The unit a territorial commission answers for, or a precinct commission's station."""


PUBLIC = Principal(ActorId("public"), Role.PUBLIC)


def require_write_scope(who: Principal, geo: Geography, unit: UnitId) -> None:
    """Raise Forbidden unless `who` may write for `unit` (a station, usually)."""
    if who.role is Role.ADMIN:
        return
    if who.role is Role.PRECINCT and who.scope == unit:
        return
    in_scope = who.scope is not None and unit in geo and geo.is_within(unit, who.scope)
    if who.role is Role.TERRITORIAL and in_scope:
        return
    raise Forbidden(
        f"{who.role} {who.name!r} may not write for {unit!r}"
        + (f" (its scope is {who.scope!r})" if who.scope else ""),
        code="out_of_scope",
        details={"role": who.role.value, "scope": who.scope, "unit": unit},
    )


# --- parties wing (issue 13) -------------------------------------------------------------


def require_party_scope(who: Principal, party: str) -> None:
    """Raise Forbidden unless `who` may act for `party`: a party for itself only; the
    ministry and the central commission for any."""
    if who.role in (Role.ADMIN, Role.MINISTRY):
        return
    if who.role is Role.PARTY and who.scope == party:
        return
    raise Forbidden(
        f"{who.role} {who.name!r} may not act for party {party!r}"
        + (f" (its scope is {who.scope!r})" if who.scope else ""),
        code="out_of_scope",
        details={"role": who.role.value, "scope": who.scope, "party": party},
    )
