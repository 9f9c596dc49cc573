"""Who speaks for whom in observation, by token (services/tokens.py; a token's name is bound to
its signed admin-log entry, so it cannot be edited in the database):

    the central commission   role admin
    a mission's head         role mission, named  mission:<election>:<CODE>
    an observer              role observer, named obs:<election>:<BADGE>
"""

from __future__ import annotations

from saylau.domain.access import Principal, Role
from saylau.domain.errors import Forbidden


def observer_token_name(election: str, badge: str) -> str:
    return f"obs:{election}:{badge}"


def mission_token_name(election: str, code: str) -> str:
    return f"mission:{election}:{code}"


def mission_of(who: Principal, election: str) -> str | None:
    """The mission a mission head's token speaks for in `election` (None for the admin)."""
    if who.role is Role.ADMIN:
        return None
    prefix = f"mission:{election}:"
    if who.role is Role.MISSION and who.name.startswith(prefix):
        return who.name[len(prefix):]
    raise Forbidden(f"{who.role} {who.name!r} speaks for no mission of election {election}",
                    code="not_this_election",
                    details={"field": "token", "expected": f"{prefix}<CODE>",
                             "actual": who.name})


def require_mission(who: Principal, election: str, code: str) -> None:
    """A mission head acts on its own mission only; the admin on every one."""
    own = mission_of(who, election)
    if own is not None and own != code:
        raise Forbidden(f"mission {own} may not act for mission {code}",
                        code="other_mission",
                        details={"field": "mission", "expected": own, "actual": code})
