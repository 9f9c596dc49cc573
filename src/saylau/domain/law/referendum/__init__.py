"""The referendum rules of Kazakhstan: validity, ordinary questions, constitutional amendments.

Sources (docs/law.md §3): the Constitutional Law "On the Republican Referendum"
(No. 2592, 2 Nov 1995, as amended), Art. 31(2) as quoted by the CEC in 2022, 2024 and 2026;
the Constitution, Art. 91; CEC / Central Referendum Commission statements of 5-6 June 2022,
6 Oct 2024 and 15-16 March 2026. The rules are the same under every built-in ruleset
(`kz-2007`, `kz-2022`, `kz-2026`) and under `generic`.

1. Valid when more than half of the citizens on the lists took part: 2·participants > registered.
2. Participants = ballots found in the boxes (yes + no + both-marked + invalid). UNVERIFIED as
   statute text; the other reading, ballots issued, is `ParticipantsReading.BALLOTS_ISSUED`.
3. A ballot with both answers marked is valid but counts for neither; invalid ballots count as
   participants too. The yes share is yes / participants.
4. Ordinary question: adopted when 2·yes > participants, nationally.
5. Constitution: adopted when 2·yes_u > participants_u in no fewer than two-thirds of the
   top-level units. "Two-thirds" is UNVERIFIED as to rounding: `TwoThirdsReading.EXACT`
   (3·k >= 2·N, default) or `TwoThirdsReading.FLOOR` (k >= floor(2·N/3)). Whether the national
   yes share is a separate condition is UNVERIFIED: it is always reported, and it decides only
   under `NationalMajorityReading.REQUIRED`.

Everything is exact: counts are `int`, shares are `Fraction`; texts show numbers with thousands
separators and percentages rounded half-up to two decimals from the exact value.
"""

from __future__ import annotations

from saylau.domain.law.referendum.decide import (
    decide_referendum,
)
from saylau.domain.law.referendum.figures import (
    ReferendumDecision,
    ReferendumState,
    UnitFigures,
    UnitResult,
    unit_findings,
    validate_units,
)
from saylau.domain.law.referendum.readings import (
    FAILED_NATIONAL_MAJORITY,
    FAILED_TURNOUT,
    FAILED_UNITS_TWO_THIRDS,
    KZ_RULESETS,
    REFERENDUM_RULESETS,
    RULE_CATEGORIES,
    RULE_COMPLETE,
    RULE_NATIONAL,
    RULE_ORDINARY,
    RULE_PARTICIPANTS,
    RULE_RULESETS,
    RULE_TWO_THIRDS,
    RULE_UNITS,
    RULE_VALIDITY,
    NationalMajorityReading,
    ParticipantsReading,
    ReferendumReadings,
    TwoThirdsReading,
)
from saylau.domain.law.referendum.rules import (
    has_majority,
    is_valid,
    units_required,
)
from saylau.domain.law.referendum.wire import (
    decision_json,
)

__all__ = [
    "FAILED_NATIONAL_MAJORITY",
    "FAILED_TURNOUT",
    "FAILED_UNITS_TWO_THIRDS",
    "KZ_RULESETS",
    "REFERENDUM_RULESETS",
    "RULE_CATEGORIES",
    "RULE_COMPLETE",
    "RULE_NATIONAL",
    "RULE_ORDINARY",
    "RULE_PARTICIPANTS",
    "RULE_RULESETS",
    "RULE_TWO_THIRDS",
    "RULE_UNITS",
    "RULE_VALIDITY",
    "NationalMajorityReading",
    "ParticipantsReading",
    "ReferendumDecision",
    "ReferendumReadings",
    "ReferendumState",
    "TwoThirdsReading",
    "UnitFigures",
    "UnitResult",
    "decide_referendum",
    "decision_json",
    "has_majority",
    "is_valid",
    "unit_findings",
    "units_required",
    "validate_units",
]
