"""The readings of the list seats' UNVERIFIED points (docs/law.md §5.2, §5.5, §6): each a
parameter with a named default, printed in every decision."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from saylau.domain.explain import Phrase, Step, step


class ThresholdBase(StrEnum):
    """What the threshold percentage is a percentage of (docs/law.md §5.2; UNVERIFIED)."""

    PARTIES_AND_AGAINST_ALL = "parties-and-against-all"
    """Votes for parties + "against all" (how every CEC percentage of 2023 adds up; default)."""
    PARTIES = "parties"
    """Votes for parties only."""


class SecondPartyReading(StrEnum):
    """Whether the kz-2007 guarantee applies under kz-2022/kz-2026 (UNVERIFIED)."""

    APPLY = "apply"
    """If fewer than two parties pass, the runner-up is admitted as under kz-2007 (default)."""
    NONE = "none"
    """No guarantee: the parties that passed share every seat."""


class RunnerUpMinimum(StrEnum):
    """kz-2007 guarantee (a): a minimum for the runner-up (UNVERIFIED)."""

    TWO = "two"
    """The runner-up gets max(2, its corrected integer part) (IPU PARLINE; default)."""
    NONE = "none"
    """The runner-up gets its corrected integer part, whatever it is."""


class LeftoverSeats(StrEnum):
    """kz-2007 guarantee (b): who takes the seats left over (UNVERIFIED)."""

    LEADER = "leader"
    """The leader takes every seat left (the correction is not undone by a remainder; default)."""
    LARGEST_REMAINDER = "largest-remainder"
    """The seats left go one each to the larger remainder, round after round."""


@dataclass(frozen=True, slots=True)
class ListReadings:
    """The readings in force for the points docs/law.md marks UNVERIFIED; printed in every
    decision."""

    threshold_base: ThresholdBase = ThresholdBase.PARTIES_AND_AGAINST_ALL
    second_party: SecondPartyReading = SecondPartyReading.APPLY
    runner_up_minimum: RunnerUpMinimum = RunnerUpMinimum.TWO
    leftover: LeftoverSeats = LeftoverSeats.LEADER

    def as_dict(self) -> dict[str, str]:
        return {
            "threshold_base": self.threshold_base.value,
            "second_party": self.second_party.value,
            "runner_up_minimum": self.runner_up_minimum.value,
            "leftover": self.leftover.value,
        }


def reading_step(key: str, cite: str, value: str, text_code: str) -> Step:
    """'Reading in force (key=value, UNVERIFIED): text', citing the rule it reads."""
    return step(f"list.reading.{key}", cite, value=value, text=Phrase(text_code))
