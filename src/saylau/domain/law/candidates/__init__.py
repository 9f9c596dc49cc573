"""Contests between candidates: a single-member district, the President, a Senate seat.

Sources (docs/law.md): §5.7 (single-member districts), §9 (the President), §8 (the Senate); the
Constitution (Art. 41 on the President; Art. 50-51 on Parliament, as amended in 2022) and the
Constitutional Law "On Elections in the Republic of Kazakhstan".

- District (`kz-2022`, `generic`): the candidate with the most votes is elected; no runoff, no
  turnout minimum. If "against all" has the most votes, nobody is elected and the district
  needs a repeat election (UNVERIFIED; never the runner-up). A tie for first place is an
  explicit tie (also when "against all" shares first place: nobody has the most votes).
  The 29 districts exist only under `kz-2022`: there were none under `kz-2007` and there are
  none in the 2026 Kurultai.
- President (every ruleset; under `kz-2026` assumed unchanged, UNVERIFIED): elected with more
  than half of the votes of those who took part (2·votes > participants; "against all" and
  invalid ballots are in the base); otherwise a runoff between the two candidates with the
  most votes. The runoff itself (`round=2`) is won by the candidate with more votes than the
  other (UNVERIFIED: no source read states a rule for it; docs/law.md §9.2).
- Senate seat (`kz-2007`, `kz-2022`, `generic`; the 2026 Kurultai has no Senate): the vote of
  the unit's maslikhat deputies (electors) is valid if more than half of them take part
  (2·present > electors); a candidate needs more than half of the votes of the electors who
  took part (2·votes > present); otherwise a second round between the top two, won by the most
  votes (`round=2`).

A tie for a place the law decides by votes alone is returned as a `Tie`, never broken here.
"""

from __future__ import annotations

from saylau.domain.law.candidates.district import (
    decide_district,
)
from saylau.domain.law.candidates.president import (
    decide_president,
)
from saylau.domain.law.candidates.senate import (
    decide_senate_seat,
)
from saylau.domain.law.candidates.values import (
    RULE_DISTRICT,
    RULE_DISTRICT_AA,
    RULE_DISTRICT_TIE,
    RULE_PRESIDENT,
    RULE_PRESIDENT_RUNOFF,
    RULE_RULESETS,
    RULE_SENATE,
    RULE_SENATE_ROUND2,
    RULE_SENATE_VALID,
    RULE_SOLE,
    CandidateDecision,
    CandidateKind,
    CandidateShare,
    CandidateVotes,
    Outcome,
)
from saylau.domain.law.candidates.wire import (
    decision_json,
)

__all__ = [
    "RULE_DISTRICT",
    "RULE_DISTRICT_AA",
    "RULE_DISTRICT_TIE",
    "RULE_PRESIDENT",
    "RULE_PRESIDENT_RUNOFF",
    "RULE_RULESETS",
    "RULE_SENATE",
    "RULE_SENATE_ROUND2",
    "RULE_SENATE_VALID",
    "RULE_SOLE",
    "CandidateDecision",
    "CandidateKind",
    "CandidateShare",
    "CandidateVotes",
    "Outcome",
    "decide_district",
    "decide_president",
    "decide_senate_seat",
    "decision_json",
]
