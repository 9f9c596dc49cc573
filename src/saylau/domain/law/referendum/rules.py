"""The referendum's rules as small functions: validity (Constitutional Law on the Republican
Referendum, Art. 31(2)), a majority (docs/law.md §3.5), two-thirds of the units (Art. 91; §3.6)."""

from __future__ import annotations

from saylau.domain.errors import ValidationFailed, field_error
from saylau.domain.law.referendum.readings import TwoThirdsReading


def is_valid(participants: int, registered: int) -> bool:
    """More than half of the citizens on the lists took part: 2·participants > registered.

    Constitutional Law on the Republican Referendum, Art. 31(2). Exactly half is not enough.
    """
    return 2 * participants > registered


def has_majority(yes: int, participants: int) -> bool:
    """More than half of the participants voted yes: 2·yes > participants (docs/law.md §3.5,
    §3.6)."""
    return 2 * yes > participants


def units_required(units_total: int, reading: TwoThirdsReading = TwoThirdsReading.EXACT) -> int:
    """Units needed for "no fewer than two-thirds" of `units_total` (docs/law.md §3.6).

    EXACT: the least k with 3·k >= 2·N (17 -> 12, 20 -> 14). FLOOR: floor(2·N/3) (17 -> 11,
    20 -> 13), but never fewer than one unit (with one or two units floor would allow adopting
    an amendment without a majority anywhere; that is no reading of the law).
    """
    if units_total < 0:
        raise ValidationFailed(
            "The number of units cannot be negative",
            details={"findings": [field_error("units_total", ">= 0", units_total, "negative")]},
        )
    if reading is TwoThirdsReading.FLOOR:
        return max(1, (2 * units_total) // 3) if units_total else 0
    return -((-2 * units_total) // 3)
