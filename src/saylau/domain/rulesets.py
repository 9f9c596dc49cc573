"""Rulesets: the set of rules an election is bound to, named after the year they took effect.

See docs/law.md §2. Referendum rules are the same under every built-in ruleset; the rulesets
differ in parliament (seat methods and thresholds live in `domain/law/`, looked up by name) and
in whether "against all" is on the ballot (since 2022).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from saylau.domain.errors import ValidationFailed


class RulesetName(StrEnum):
    KZ_2007 = "kz-2007"
    KZ_2022 = "kz-2022"
    KZ_2026 = "kz-2026"
    GENERIC = "generic"


@dataclass(frozen=True, slots=True)
class Ruleset:
    name: RulesetName
    summary: str
    against_all_on_ballot: bool
    """'Against all' is an option of every candidate and party ballot (kz-2022 and later)."""


RULESETS: dict[RulesetName, Ruleset] = {
    RulesetName.KZ_2007: Ruleset(
        RulesetName.KZ_2007,
        "Majilis 98 list seats (7%) + 9 by the APK; Senate 2 per unit + 15 appointed",
        against_all_on_ballot=False,
    ),
    RulesetName.KZ_2022: Ruleset(
        RulesetName.KZ_2022,
        "Majilis 69 list seats (5%) + 29 single-member districts; Senate 2 per unit + 10",
        against_all_on_ballot=True,
    ),
    RulesetName.KZ_2026: Ruleset(
        RulesetName.KZ_2026,
        "Kurultai of 145, proportional, nationwide, 5% (seat method UNVERIFIED)",
        against_all_on_ballot=True,
    ),
    RulesetName.GENERIC: Ruleset(
        RulesetName.GENERIC,
        "explicit parameters given with the election",
        against_all_on_ballot=False,
    ),
}


def ruleset(name: str) -> Ruleset:
    """The ruleset called `name`; a clear error listing the known ones otherwise."""
    try:
        return RULESETS[RulesetName(name)]
    except ValueError:
        known = ", ".join(r.value for r in RulesetName)
        raise ValidationFailed(
            f"unknown ruleset {name!r}; expected one of {known}",
            code="ruleset_unknown",
            details={"field": "ruleset", "expected": known, "actual": name},
        ) from None
