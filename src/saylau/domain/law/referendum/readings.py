"""The referendum's citations, rulesets, failed conditions and the readings of its UNVERIFIED
points (docs/law.md §3.2, §3.6)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from saylau.domain.rulesets import RULESETS, RulesetName

RULE_VALIDITY = "ref.validity"
RULE_PARTICIPANTS = "ref.participants"
RULE_CATEGORIES = "ref.categories"
RULE_ORDINARY = "ref.ordinary"
RULE_UNITS = "ref.units"
RULE_TWO_THIRDS = "ref.two_thirds"
RULE_NATIONAL = "ref.national"
RULE_COMPLETE = "ref.complete"
RULE_RULESETS = "ref.rulesets"


REFERENDUM_RULESETS: tuple[str, ...] = tuple(r.value for r in RULESETS)
"""Rulesets under which a referendum can be decided. The rules are identical under all of them."""


KZ_RULESETS: tuple[str, ...] = tuple(r.value for r in RULESETS if r is not RulesetName.GENERIC)
"""The Kazakh rulesets (the others are no country's statute)."""


# Stable codes of the condition that decided a negative outcome.
FAILED_TURNOUT = "turnout"
FAILED_NATIONAL_MAJORITY = "national_majority"
FAILED_UNITS_TWO_THIRDS = "units_two_thirds"


class ParticipantsReading(StrEnum):
    """Who counts as a participant (docs/law.md §3.2; UNVERIFIED as statute text)."""

    BALLOTS_IN_BOXES = "ballots-in-boxes"
    """Ballots found in the boxes: how every final CEC figure of 2022, 2024 and 2026 adds up."""
    BALLOTS_ISSUED = "ballots-issued"
    """Ballots issued to voters (at the station and by the mobile box)."""


class TwoThirdsReading(StrEnum):
    """How "no fewer than two-thirds of N units" is counted (docs/law.md §3.6; UNVERIFIED)."""

    EXACT = "exact"
    """3·k >= 2·N: 17 units need 12, 20 need 14."""
    FLOOR = "floor"
    """k >= floor(2·N/3): 17 units need 11 (one press source's "11 of 17"), 20 need 13."""


class NationalMajorityReading(StrEnum):
    """Whether a constitutional question also needs a national majority (UNVERIFIED)."""

    NOT_REQUIRED = "not-required"
    """The national yes share is reported but does not decide (default)."""
    REQUIRED = "required"
    """A constitutional question also needs 2·yes > participants nationally."""


@dataclass(frozen=True, slots=True)
class ReferendumReadings:
    """The readings in force for the points docs/law.md marks UNVERIFIED; printed in every
    decision."""

    participants: ParticipantsReading = ParticipantsReading.BALLOTS_IN_BOXES
    two_thirds: TwoThirdsReading = TwoThirdsReading.EXACT
    national_majority: NationalMajorityReading = NationalMajorityReading.NOT_REQUIRED

    def as_dict(self) -> dict[str, str]:
        return {
            "participants": self.participants.value,
            "two_thirds": self.two_thirds.value,
            "national_majority": self.national_majority.value,
        }
