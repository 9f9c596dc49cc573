"""kz-2007: the Majilis's 98 list seats and the second-party guarantee (docs/law.md §6;
old Art. 97(2)-(3) of the Constitutional Law on Elections)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from saylau.domain.explain import (
    Arg,
    Fig,
    Step,
    Style,
    either,
    num,
    step,
)
from saylau.domain.law.allocation import (
    Tie,
    TieBreak,
    TieBreaker,
    tie_steps,
)
from saylau.domain.law.parliament.readings import (
    LeftoverSeats,
    ListReadings,
    RunnerUpMinimum,
    reading_step,
)
from saylau.domain.law.parliament.values import (
    RULE_2007_GUARANTEE,
    RULE_2007_LEFTOVER,
    RULE_2007_MINIMUM,
    RULE_2022_FEWER,
    GuaranteeResult,
    ListRules,
    _decimal,
)
from saylau.domain.rulesets import Guarantee

CORRECTION_INDEX = Fraction(7, 10)
"""The kz-2007 correction index applied to the runner-up's quotient (old Art. 97(3))."""


def guarantee_reading_steps(readings: ListReadings) -> list[Step]:
    """The guarantee's readings in force: the runner-up's minimum and the seats left over
    (UNVERIFIED, docs/law.md §6)."""
    minimum = readings.runner_up_minimum.value
    leftover = readings.leftover.value
    return [reading_step("runner_up_minimum", RULE_2007_MINIMUM, minimum,
                         f"list.minimum.{minimum}"),
            reading_step("leftover", RULE_2007_LEFTOVER, leftover, f"list.leftover.{leftover}")]


def second_party_guarantee(
    votes: Mapping[str, int],
    leader: str,
    failed: Sequence[str],
    seats: int,
    rules: ListRules,
    readings: ListReadings,
    breaker: TieBreaker,
) -> tuple[GuaranteeResult, tuple[Tie, ...], tuple[TieBreak, ...], list[Step]]:
    """The kz-2007 second-party guarantee (old Art. 97(2)-(3)), with the readings (a), (b)."""
    rule = RULE_2007_GUARANTEE
    unverified = rules.guarantee is Guarantee.UNVERIFIED
    steps: list[Step] = []
    if unverified:
        steps.append(step("list.guarantee.unverified", RULE_2022_FEWER, leader=leader,
                          ruleset=rules.ruleset.value))
    top = max(votes[p] for p in failed)
    candidates = sorted(p for p in failed if votes[p] == top)
    ties: list[Tie] = []
    breaks: list[TieBreak] = []
    runner_up: str | None
    if len(candidates) == 1:
        runner_up = candidates[0]
    else:
        tie = Tie(tuple(candidates), 1, "runner-up", Fraction(top))
        broken = breaker.break_tie(tie)
        steps.extend(tie_steps(tie, broken))
        if broken is None:
            ties.append(tie)
            runner_up = None
        else:
            breaks.append(broken)
            runner_up = broken.winners[0]
    shown = runner_up if runner_up is not None else " or ".join(candidates)
    named: Arg = runner_up if runner_up is not None else either(candidates)
    steps.append(step("list.guarantee.admit", rule, leader=leader, runner_up=named, votes=top))
    total = votes[leader] + top
    quota = Fraction(total, seats)
    lq = votes[leader] / quota
    rq = top / quota
    rc = rq * CORRECTION_INDEX
    r_whole = int(rc)
    steps.append(step("list.guarantee.quota", rule, leader_votes=votes[leader],
                      runner_up_votes=top, seats=seats, quota=num(quota),
                      fraction=Fig(quota, Style.FRACTION)))
    steps.append(step("list.guarantee.leader", rule, leader=leader, votes=votes[leader],
                      quotient=_decimal(lq)))
    steps.append(step("list.guarantee.runner_up", rule, runner_up=named, votes=top,
                      quotient=_decimal(rq), corrected=_decimal(rc), whole=r_whole))
    minimum_applied = False
    r_seats = r_whole
    if readings.runner_up_minimum is RunnerUpMinimum.TWO:
        r_seats = min(seats, max(2, r_whole))
        minimum_applied = r_seats != r_whole
        steps.append(step("list.guarantee.minimum", RULE_2007_MINIMUM, whole=r_whole,
                          seats=r_seats))
    if readings.leftover is LeftoverSeats.LEADER:
        l_seats = seats - r_seats
        steps.append(step("list.guarantee.leftover_leader", RULE_2007_LEFTOVER, seats=seats,
                          runner_up_seats=r_seats, leader_seats=l_seats))
    else:
        l_whole = int(lq)
        l_seats = min(l_whole, seats - r_seats)
        left = seats - l_seats - r_seats
        l_rem = lq - l_whole
        r_rem = rc - r_whole
        if left:
            if minimum_applied:
                l_seats += left
                steps.append(step("list.guarantee.leftover_minimum", RULE_2007_LEFTOVER,
                                  left=left))
            else:
                rounds, last = divmod(left, 2)
                l_seats += rounds
                r_seats += rounds
                if last:
                    first = leader if l_rem > r_rem else shown
                    if l_rem == r_rem:
                        tie = Tie(tuple(sorted((leader, shown))), 1, "largest-remainder",
                                  l_rem)
                        broken = breaker.break_tie(tie)
                        steps.extend(tie_steps(tie, broken))
                        if broken is None:
                            ties.append(tie)
                            first = ""
                        else:
                            breaks.append(broken)
                            first = broken.winners[0]
                    if first == leader:
                        l_seats += 1
                    elif first:
                        r_seats += 1
                steps.append(step("list.guarantee.leftover_remainders", RULE_2007_LEFTOVER,
                                  left=left, leader=leader, leader_remainder=_decimal(l_rem),
                                  runner_up=named, runner_up_remainder=_decimal(r_rem)))
    steps.append(step("list.guarantee.seats", rule, leader=leader, leader_seats=l_seats,
                      runner_up=named, runner_up_seats=r_seats, total=l_seats + r_seats))
    result = GuaranteeResult(
        leader=leader,
        runner_up=runner_up,
        quota=quota,
        leader_quotient=lq,
        runner_up_quotient=rq,
        corrected_quotient=rc,
        leader_seats=l_seats,
        runner_up_seats=r_seats if runner_up is not None else 0,
        minimum_applied=minimum_applied,
        unverified=unverified,
    )
    return result, tuple(ties), tuple(breaks), steps
