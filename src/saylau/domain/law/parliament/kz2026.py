"""kz-2026: the Kurultai of 145, proportional, nationwide, 5% (docs/law.md §7).

The seat method of the 2026 Constitution is UNVERIFIED: the Majilis list method is assumed
(largest remainder with the Hare quota on the admitted parties) and another one can be chosen;
its threshold base and second-party readings are those of kz-2022 (`kz2022`).
"""

from __future__ import annotations

from fractions import Fraction

from saylau.domain.explain import Phrase, Step, join, phrase, step
from saylau.domain.law.allocation import Method
from saylau.domain.law.parliament.values import RULE_2026, ListRules, _legal


def ruleset_step(rules: ListRules, seats: int, share_: Fraction, method: Method) -> Step:
    """The Kurultai's seats and threshold, and the method assumed or chosen."""
    chosen = (Phrase("list.2026.assumed") if method is Method.HARE
              else phrase("list.2026.chosen", method=method.value))
    return step("list.ruleset.2026", rules.rule, body=Phrase(rules.body_code), seats=seats,
                threshold=_legal(share_), method=chosen)


def method_reading_step(method: Method) -> Step:
    """The seat method in force (UNVERIFIED), and the others that can be chosen."""
    return step("list.reading.method", RULE_2026, method=method.value,
                others=join(m.value for m in Method if m is not method))
