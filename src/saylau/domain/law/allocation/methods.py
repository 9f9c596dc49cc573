"""The registry of the seat methods, each by its name with the one `AllocationRule` signature."""

from __future__ import annotations

from collections.abc import Mapping

from saylau.domain.explain import (
    DECIMAL_PLACES,  # noqa: F401 - re-exported: allocation.DECIMAL_PLACES
    number_text,  # noqa: F401 - re-exported: allocation.number_text
    )
from saylau.domain.law.allocation.divisors import dhondt, sainte_lague
from saylau.domain.law.allocation.names import Method, QuotaName
from saylau.domain.law.allocation.remainders import largest_remainder
from saylau.domain.law.allocation.ties import TieBreaker
from saylau.domain.law.allocation.values import Allocation, AllocationRule
from saylau.domain.lookup import lookup


def _hare(
    votes: Mapping[str, int], seats: int, *, tie_breaker: TieBreaker | None = None
) -> Allocation:
    return largest_remainder(votes, seats, QuotaName.HARE, tie_breaker=tie_breaker)


def _droop(
    votes: Mapping[str, int], seats: int, *, tie_breaker: TieBreaker | None = None
) -> Allocation:
    return largest_remainder(votes, seats, QuotaName.DROOP, tie_breaker=tie_breaker)


METHODS: dict[Method, AllocationRule] = {
    Method.HARE: _hare,
    Method.DROOP: _droop,
    Method.DHONDT: dhondt,
    Method.SAINTE_LAGUE: sainte_lague,
}
"""The registry: each method by its name, all with the one `AllocationRule` signature."""


def allocation_method(name: Method | str) -> AllocationRule:
    """The method called `name`; a clear error listing the known ones otherwise."""
    return lookup(METHODS, name, field="method", what="allocation method", convert=Method)
