"""Explanations: the steps of a decision, in words and numbers, each citing its rule.

Also the exact display of fractions: shares are `Fraction`s; percentages shown to people are
rounded half-up to two decimals from the exact value, never via a float.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class Step:
    """One step of an explanation: what was checked, with its numbers, and the rule it applies."""

    rule: str
    """Citation, e.g. 'Constitutional Law on the Republican Referendum, Art. 31(2)'."""
    text: str
    """The step in words, with its numbers, e.g. '7,985,769 of 11,734,642 took part (68.05%)'."""

    def render(self) -> str:
        return f"{self.text} [{self.rule}]"


def percent(value: Fraction, places: int = 2) -> str:
    """`value` (a share, 0..1) as a percent string rounded half-up: Fraction(7,10) -> '70.00'."""
    scaled = value * 100 * 10**places
    sign = "-" if scaled < 0 else ""
    scaled = abs(scaled)
    rounded = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    whole, frac = divmod(rounded, 10**places)
    if places == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{frac:0{places}d}"


def share_json(value: Fraction) -> dict[str, str]:
    """{"fraction": "7/10", "percent": "70.00"}: the exact value and its rounded display."""
    return {"fraction": f"{value.numerator}/{value.denominator}", "percent": percent(value)}


def share(part: int, whole: int) -> Fraction:
    """part/whole as an exact fraction; 0 when whole is 0 (nothing reported yet)."""
    return Fraction(part, whole) if whole else Fraction(0)


def grouped(n: int) -> str:
    """An integer with thousands separators for explanations: 7985769 -> '7,985,769'."""
    return f"{n:,}"
