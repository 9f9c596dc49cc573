"""The allocation methods' citations and names, and exact fractions as JSON."""

from __future__ import annotations

from enum import StrEnum
from fractions import Fraction

from saylau.domain.explain import (
    DECIMAL_PLACES,  # noqa: F401 - re-exported: allocation.DECIMAL_PLACES
    decimal_text,
    number_text,  # noqa: F401 - re-exported: allocation.number_text
    )
from saylau.domain.law.texts import TEMPLATES

RULE_HARE = "alloc.hare"
RULE_DROOP = "alloc.droop"
RULE_DHONDT = "alloc.dhondt"
RULE_SAINTE_LAGUE = "alloc.sainte_lague"
RULE_THRESHOLD = "alloc.threshold"
RULE_TIE_ORDER = "tie.order"
RULE_TIE_LOT = "tie.lot"
RULE_TIE_OPEN = "tie.open"


LOT_PROCEDURE = TEMPLATES["tie.lot.procedure"]["en"]
"""The lot's procedure in words (English; `Phrase("tie.lot.procedure")` in every language)."""


class Method(StrEnum):
    """The allocation methods, by the name the CLI and rulesets use."""

    HARE = "hare"
    """Largest remainder with the Hare quota (the Kazakh list method)."""
    DROOP = "droop"
    """Largest remainder with the Droop quota."""
    DHONDT = "dhondt"
    SAINTE_LAGUE = "sainte-lague"

    @property
    def divisor(self) -> bool:
        return self in (Method.DHONDT, Method.SAINTE_LAGUE)


class QuotaName(StrEnum):
    HARE = "hare"
    DROOP = "droop"


class TieRule(StrEnum):
    REGISTRATION_ORDER = "registration-order"
    LOT = "lot"


def fraction_json(value: Fraction) -> dict[str, str]:
    """{"fraction": "p/q", "decimal": "..."}: the exact value and its rounded display."""
    return {"fraction": f"{value.numerator}/{value.denominator}", "decimal": decimal_text(value)}
