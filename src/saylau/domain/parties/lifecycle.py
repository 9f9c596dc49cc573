"""An application's lifecycle: submitted -> checking -> registered | refused; a registered
party may later be liquidated (docs/law.md §10.2: the rules of liquidation are UNVERIFIED, so
saylau records the ministry's decision and its reason, nothing more). Each step is an event;
nothing is overwritten."""

from __future__ import annotations

from enum import StrEnum

from saylau.domain.errors import Conflict


class PartyStatus(StrEnum):
    SUBMITTED = "submitted"
    CHECKING = "checking"
    REGISTERED = "registered"
    REFUSED = "refused"
    LIQUIDATED = "liquidated"


NEXT: dict[PartyStatus, frozenset[PartyStatus]] = {
    PartyStatus.SUBMITTED: frozenset({PartyStatus.CHECKING, PartyStatus.REGISTERED,
                                      PartyStatus.REFUSED}),
    PartyStatus.CHECKING: frozenset({PartyStatus.CHECKING, PartyStatus.REGISTERED,
                                     PartyStatus.REFUSED}),
    PartyStatus.REGISTERED: frozenset({PartyStatus.LIQUIDATED}),
    PartyStatus.REFUSED: frozenset(),
    PartyStatus.LIQUIDATED: frozenset(),
}

OPEN = frozenset({PartyStatus.SUBMITTED, PartyStatus.CHECKING})
"""An application whose member list may still change."""

MEMBERSHIP_HOLDS = frozenset({PartyStatus.SUBMITTED, PartyStatus.CHECKING,
                              PartyStatus.REGISTERED})
"""Parties whose lists count in the one-party-per-citizen check: registered ones and those
applying (docs/law.md §11.1; issue 13). A refused or liquidated party's members are free."""


def step(party: str, current: PartyStatus, to: PartyStatus) -> PartyStatus:
    """`to`, if the lifecycle allows it from `current`; else a Conflict naming both."""
    if to not in NEXT[current]:
        allowed = sorted(s.value for s in NEXT[current])
        raise Conflict(
            f"party {party!r} is {current.value}; it cannot become {to.value}"
            + (f" (it may become: {', '.join(allowed)})" if allowed else " (that is final)"),
            code="party_status", details={"field": "status", "expected": allowed,
                                          "actual": current.value, "requested": to.value})
    return to
