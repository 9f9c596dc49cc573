"""An allocation's result, the one signature of every method, and the checks of the votes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol

from saylau.domain.errors import RuleError, ValidationFailed, field_error
from saylau.domain.explain import (
    DECIMAL_PLACES,  # noqa: F401 - re-exported: allocation.DECIMAL_PLACES
    Step,
    number_text,  # noqa: F401 - re-exported: allocation.number_text
    )
from saylau.domain.law.allocation.names import Method
from saylau.domain.law.allocation.ties import Tie, TieBreak, TieBreaker


@dataclass(frozen=True, slots=True)
class AllocationRow:
    """One party's part of an allocation, with the numbers that decided it."""

    party: str
    votes: int
    quotient: Fraction | None
    """Largest remainder: votes / quota. Divisor methods: the quotient that won its last seat
    (None when it won none)."""
    whole: int
    """Largest remainder: seats by whole quotas (full rounds included). Divisor: all seats."""
    remainder: Fraction | None
    """Largest remainder: quotient - integer part. Divisor methods: None."""
    extra: int
    """Largest remainder: seats from the remainders. Divisor methods: 0."""
    seats: int


@dataclass(frozen=True, slots=True)
class Allocation:
    """The seats each party gets, every number they rest on, ties, and the explanation."""

    method: Method
    seats_total: int
    quota: Fraction | None
    """The quota (largest remainder); None for divisor methods."""
    rows: tuple[AllocationRow, ...]
    """Sorted by votes, most first, then by name."""
    ties: tuple[Tie, ...]
    """Ties nobody could break: their seats are undecided."""
    tie_breaks: tuple[TieBreak, ...]
    last_quotient: Fraction | None
    """Divisor methods: the quotient that won the last decided seat."""
    next_quotient: Fraction | None
    """Divisor methods: the highest quotient that won no seat."""
    explanation: tuple[Step, ...]

    @property
    def seats(self) -> dict[str, int]:
        return {r.party: r.seats for r in self.rows}

    @property
    def undecided(self) -> int:
        return self.seats_total - sum(r.seats for r in self.rows)


class AllocationRule(Protocol):
    """The one signature of every allocation method."""

    def __call__(
        self, votes: Mapping[str, int], seats: int, *, tie_breaker: TieBreaker | None = None
    ) -> Allocation: ...


def _check_votes(votes: Mapping[str, int], seats: int) -> None:
    findings: list[dict[str, Any]] = []
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
        findings.append(field_error("seats", "a whole number >= 1", seats,
                                    f"cannot allocate {seats!r} seats"))
    if not votes:
        findings.append(field_error("votes", "at least one party", 0, "no parties to allocate to"))
    for party, n in votes.items():
        if not party:
            findings.append(field_error("party", "a name", party, "a party has no name"))
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            findings.append(field_error(f"votes[{party}]", "a whole number >= 0", n,
                                        f"{party}: votes must be a non-negative integer"))
    if findings:
        raise ValidationFailed(findings[0]["message"], code="allocation_input_invalid",
                               details={"findings": findings})
    if sum(votes.values()) == 0:
        raise RuleError(
            "the parties admitted to the distribution have no votes: nothing to allocate by",
            code="no_votes",
            details={"field": "votes", "expected": "a total > 0", "actual": 0},
        )


def _order(votes: Mapping[str, int]) -> list[str]:
    return sorted(votes, key=lambda p: (-votes[p], p))
