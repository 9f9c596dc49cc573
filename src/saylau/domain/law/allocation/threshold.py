"""The threshold: a party passes with not less than its share of the base (docs/law.md §5.2)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from saylau.domain.errors import ValidationFailed, field_error
from saylau.domain.explain import (
    DECIMAL_PLACES,  # noqa: F401 - re-exported: allocation.DECIMAL_PLACES
    Fig,
    Step,
    Style,
    decimal_text,
    grouped,
    num,
    number_text,  # noqa: F401 - re-exported: allocation.number_text
    step,
)
from saylau.domain.law.allocation.names import RULE_THRESHOLD
from saylau.domain.law.allocation.values import _order


@dataclass(frozen=True, slots=True)
class ThresholdResult:
    share: Fraction
    base: int
    minimum: Fraction
    """share × base: the fewest votes that pass (a party with exactly this many passes)."""
    passed: tuple[str, ...]
    failed: tuple[str, ...]
    explanation: tuple[Step, ...]


def threshold(
    votes: Mapping[str, int],
    share: Fraction,
    base: int | None = None,
    *,
    rule: str = RULE_THRESHOLD,
) -> ThresholdResult:
    """Parties whose votes are not less than `share` of `base` (default: the sum of `votes`).

    "Not less than": a party at exactly the threshold passes (docs/law.md §5.2: "a party at
    exactly 5.000% passes"). Compared exactly: votes >= share × base, as fractions.
    """
    if not (Fraction(0) <= share <= 1):
        raise ValidationFailed(
            f"a threshold must be between 0% and 100%, not {decimal_text(share * 100, 4)}%",
            code="threshold_out_of_range",
            details={"findings": [field_error("threshold", "0..100 percent",
                                              decimal_text(share * 100, 4), "out of range")]},
        )
    total = sum(votes.values()) if base is None else base
    if total < sum(votes.values()):
        raise ValidationFailed(
            f"the threshold base ({grouped(total)}) is smaller than the parties' votes "
            f"({grouped(sum(votes.values()))})",
            code="threshold_base_invalid",
            details={"findings": [field_error("base", ">= the parties' votes", total,
                                              "base too small")]},
        )
    minimum = share * total
    parties = _order(votes)
    passed = tuple(p for p in parties if votes[p] >= minimum)
    failed = tuple(p for p in parties if votes[p] < minimum)
    steps = [step("alloc.threshold", rule, share=Fig(share, Style.LEGAL), base=total,
                  minimum=num(minimum))]
    for p in parties:
        part = Fraction(votes[p], total) if total else Fraction(0)
        steps.append(step(
            "alloc.threshold.pass" if votes[p] >= minimum else "alloc.threshold.fail", rule,
            party=p, votes=votes[p], share=Fig(part, Style.PERCENT4), base=total,
            minimum=num(minimum),
        ))
    return ThresholdResult(share, total, minimum, passed, failed, tuple(steps))
