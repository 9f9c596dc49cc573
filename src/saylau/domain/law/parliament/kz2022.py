"""kz-2022: the Majilis's 69 list seats, 5% of a base that may hold "against all" (docs/law.md
§5). Its UNVERIFIED points, shared with kz-2026: what the threshold is a share of
(`ThresholdBase`), and whether the kz-2007 second-party guarantee survived (`SecondPartyReading`).
"""

from __future__ import annotations

from saylau.domain.explain import Step, step
from saylau.domain.law.parliament.readings import ListReadings, ThresholdBase, reading_step
from saylau.domain.law.parliament.values import (
    RULE_2022_BASE,
    RULE_2022_FEWER,
    RULE_GENERIC,
    ListRules,
)
from saylau.domain.rulesets import Guarantee, RulesetName


def reading_steps(readings: ListReadings) -> list[Step]:
    """The threshold base and second-party readings in force (UNVERIFIED, docs/law.md §5.2,
    §5.5)."""
    base = readings.threshold_base.value
    second = readings.second_party.value
    return [reading_step("threshold_base", RULE_2022_BASE, base, f"list.base.{base}"),
            reading_step("second_party", RULE_2022_FEWER, second, f"list.second.{second}")]


def threshold_base(rules: ListRules, readings: ListReadings, parties_votes: int,
                   against_all: int) -> tuple[int, ThresholdBase | None, Step]:
    """What the threshold is a share of: the votes for parties, plus "against all" where it is
    on the ballot and the reading puts it in the base (docs/law.md §5.2). Returns the base,
    the reading applied (None where "against all" was never on the ballot) and its step."""
    if not rules.against_all:
        return parties_votes, None, step("list.base.votes", rules.rule, votes=parties_votes)
    reading = readings.threshold_base
    base_rule = RULE_2022_BASE if rules.ruleset is not RulesetName.GENERIC else RULE_GENERIC
    if reading is ThresholdBase.PARTIES_AND_AGAINST_ALL:
        base = parties_votes + against_all
        return base, reading, step("list.base.with_against_all", base_rule,
                                   reading=reading.value, parties=parties_votes,
                                   against_all=against_all, base=base)
    return parties_votes, reading, step("list.base.parties_only", base_rule,
                                        reading=reading.value, parties=parties_votes,
                                        against_all=against_all)


def no_guarantee_step(rules: ListRules, only: str) -> Step:
    """One party passed and no guarantee admits a second: it takes every seat."""
    if rules.guarantee is Guarantee.UNVERIFIED:
        return step("list.only.none", RULE_2022_FEWER, party=only)
    return step("list.only.generic", RULE_GENERIC, party=only)
