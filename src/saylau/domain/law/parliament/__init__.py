"""Party-list seats of the Majilis (and of the 2026 Kurultai) under each ruleset.

Sources (docs/law.md §2 rulesets, §5 Majilis kz-2022, §6 kz-2007, §7 kz-2026): the
Constitution, Art. 50(3) as amended in 2022; the Constitutional Law "On Elections in the
Republic of Kazakhstan", Art. 9(2) and Art. 97 (the list method; old Art. 97(2)-(3) for the
second-party guarantee); the CEC decision of 27 March 2023; IPU PARLINE; the Constitution
adopted on 15 March 2026.

The rules, as data (`LIST_RULES`):

- `kz-2007`: 98 list seats; a party passes with not less than 7% of the votes for parties (there
  was no "against all"); quota = the admitted parties' votes / 98; integer parts, then the
  largest remainders; equal remainders: the list registered earlier. Second-party guarantee:
  if only one party passes, the runner-up is admitted too; quota = the two parties' votes / 98;
  the runner-up's quotient is multiplied by the correction index 0.7 before its integer part is
  taken. UNVERIFIED, as readings: (a) `RunnerUpMinimum.TWO` (default) gives the runner-up at
  least two seats (IPU PARLINE), `NONE` does not; (b) `LeftoverSeats.LEADER` (default) gives
  every seat left to the leader, `LARGEST_REMAINDER` deals them by remainders (in rounds).
- `kz-2022`: 69 list seats; 5%; the threshold base is the votes for parties plus "against all"
  (UNVERIFIED: `ThresholdBase.PARTIES_AND_AGAINST_ALL`, default, how every CEC percentage of
  2023 adds up; or `PARTIES`); same quota, remainders and tie rule. If fewer than two parties
  pass, whether the kz-2007 guarantee survived is UNVERIFIED: `SecondPartyReading.APPLY`
  (default: apply it and say so, docs/law.md §5.5) or `NONE`.
- `kz-2026`: a Kurultai of 145, one nationwide district, 5%. The seat method is UNVERIFIED:
  the Majilis list method above is assumed (largest remainder with the Hare quota on the
  admitted parties, the guarantee under the same reading), and another method can be chosen.
- `generic`: the seats, the threshold (default 0) and the method (default Hare) are given.

A party that reaches the threshold exactly passes ("not less than"); all comparisons are exact.
If no party passes, the statute as read (docs/law.md §5.6) does not say what happens: a `RuleError`.
"""

from __future__ import annotations

from saylau.domain.law.parliament.composition import (
    Composition,
    DistrictResult,
    Seat,
    SenateComposition,
    compose_chamber,
    senate_composition,
    senate_steps,
)
from saylau.domain.law.parliament.kz2007 import (
    CORRECTION_INDEX,
)
from saylau.domain.law.parliament.readings import (
    LeftoverSeats,
    ListReadings,
    RunnerUpMinimum,
    SecondPartyReading,
    ThresholdBase,
)
from saylau.domain.law.parliament.seats import (
    decide_list_seats,
)
from saylau.domain.law.parliament.values import (
    LIST_RULES,
    RULE_2007,
    RULE_2007_GUARANTEE,
    RULE_2007_LEFTOVER,
    RULE_2007_MINIMUM,
    RULE_2022,
    RULE_2022_BASE,
    RULE_2022_FEWER,
    RULE_2022_SEATS,
    RULE_2026,
    RULE_2026_SEATS,
    RULE_GENERIC,
    RULE_NO_PARTY,
    RULE_RULESETS,
    GuaranteeResult,
    ListDecision,
    ListOutcome,
    ListRow,
    ListRules,
    PartyVotes,
    list_rules,
    parse_percent,
    validate_parties,
)
from saylau.domain.law.parliament.wire import (
    decision_json,
)
from saylau.domain.rulesets import Guarantee  # kept here too: it was defined here

__all__ = [
    "CORRECTION_INDEX",
    "LIST_RULES",
    "RULE_2007",
    "RULE_2007_GUARANTEE",
    "RULE_2007_LEFTOVER",
    "RULE_2007_MINIMUM",
    "RULE_2022",
    "RULE_2022_BASE",
    "RULE_2022_FEWER",
    "RULE_2022_SEATS",
    "RULE_2026",
    "RULE_2026_SEATS",
    "RULE_GENERIC",
    "RULE_NO_PARTY",
    "RULE_RULESETS",
    "Composition",
    "DistrictResult",
    "Guarantee",
    "GuaranteeResult",
    "LeftoverSeats",
    "ListDecision",
    "ListOutcome",
    "ListReadings",
    "ListRow",
    "ListRules",
    "PartyVotes",
    "RunnerUpMinimum",
    "Seat",
    "SecondPartyReading",
    "SenateComposition",
    "ThresholdBase",
    "compose_chamber",
    "decide_list_seats",
    "decision_json",
    "list_rules",
    "parse_percent",
    "senate_composition",
    "senate_steps",
    "validate_parties",
]
