"""Largest remainder with the Hare or the Droop quota (docs/law.md §5.4, §15)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction

from saylau.domain.explain import (
    DECIMAL_PLACES,  # noqa: F401 - re-exported: allocation.DECIMAL_PLACES
    Arg,
    Fig,
    Phrase,
    Step,
    Style,
    join,
    num,
    number_text,  # noqa: F401 - re-exported: allocation.number_text
    phrase,
    step,
)
from saylau.domain.law.allocation.names import RULE_DROOP, RULE_HARE, Method, QuotaName
from saylau.domain.law.allocation.ties import Tie, TieBreak, TieBreaker, tie_steps
from saylau.domain.law.allocation.values import Allocation, AllocationRow, _check_votes, _order
from saylau.domain.lookup import member


def hare_quota(total: int, seats: int) -> Fraction:
    """Hare quota: total / seats, exact."""
    return Fraction(total, seats)


def droop_quota(total: int, seats: int) -> Fraction:
    """Droop quota: floor(total / (seats + 1)) + 1, an integer."""
    return Fraction(total // (seats + 1) + 1)


QUOTAS: dict[QuotaName, tuple[Callable[[int, int], Fraction], str, str]] = {
    QuotaName.HARE: (hare_quota, RULE_HARE, "votes / seats"),
    QuotaName.DROOP: (droop_quota, RULE_DROOP, "floor(votes / (seats + 1)) + 1"),
}


def _quota_name(quota: QuotaName | str) -> QuotaName:
    return member(QuotaName, quota, field="quota")


def largest_remainder(
    votes: Mapping[str, int],
    seats: int,
    quota: QuotaName | str = QuotaName.HARE,
    *,
    tie_breaker: TieBreaker | None = None,
) -> Allocation:
    """The largest-remainder method with the Hare or the Droop quota.

    Constitutional Law on Elections, Art. 97; docs/law.md §5.3-§5.4 (Hare quota on the
    admitted parties: quota = their votes / seats; integer parts first, then one seat each to
    the largest remainders, in descending order; equal remainders: registration order).
    """
    _check_votes(votes, seats)
    name = _quota_name(quota)
    quota_fn, rule, _formula = QUOTAS[name]
    total = sum(votes.values())
    q = quota_fn(total, seats)
    parties = _order(votes)
    quotient = {p: votes[p] / q for p in parties}
    whole = {p: int(quotient[p]) for p in parties}
    remainder = {p: quotient[p] - whole[p] for p in parties}
    by_whole = sum(whole.values())
    left = seats - by_whole

    exact = (phrase("num.exactly", fraction=Fig(q, Style.FRACTION))
             if q.denominator != 1 else None)
    steps: list[Step] = [
        step("alloc.quota.hare", rule, total=total, seats=seats, quota=num(q), exact=exact)
        if name is QuotaName.HARE else
        step("alloc.quota.droop", rule, total=total, seats1=seats + 1, quota=num(q),
             exact=exact)
    ]
    steps.extend(
        step("alloc.lr.party", rule, party=p, votes=votes[p], quota=num(q),
             quotient=num(quotient[p]), whole=whole[p], remainder=num(remainder[p]))
        for p in parties
    )
    rounds = left // len(parties)
    if rounds:
        for p in parties:
            whole[p] += rounds
        steps.append(step("alloc.lr.rounds", rule, left=left, parties=len(parties),
                          rounds=rounds))
    last_round = left - rounds * len(parties)
    steps.append(step("alloc.lr.left", rule, whole=by_whole, left=left))
    extra = dict.fromkeys(parties, 0)
    ties: list[Tie] = []
    breaks: list[TieBreak] = []
    if last_round:
        ranked = sorted(parties, key=lambda p: (-remainder[p], p))
        boundary = remainder[ranked[last_round - 1]]
        above = [p for p in ranked if remainder[p] > boundary]
        group = [p for p in ranked if remainder[p] == boundary]
        places = last_round - len(above)
        winners = list(above)
        if len(group) > places:
            tie = Tie(tuple(sorted(group)), places, "largest-remainder", boundary)
            broken = tie_breaker.break_tie(tie) if tie_breaker else None
            steps.extend(tie_steps(tie, broken))
            if broken is None:
                ties.append(tie)
            else:
                breaks.append(broken)
                winners.extend(broken.winners)
        else:
            winners.extend(group)
        for p in winners:
            extra[p] = 1
        shown = join(phrase("item.name_value", name=p, value=num(remainder[p])) for p in ranked)
        in_order: list[str] = sorted(winners, key=ranked.index)
        won: Arg = join(in_order) if in_order else Phrase("alloc.none_decided")
        steps.append(step("alloc.lr.remainders", rule, ranked=shown, n=last_round,
                          winners=won))
    rows = tuple(
        AllocationRow(
            party=p,
            votes=votes[p],
            quotient=quotient[p],
            whole=whole[p],
            remainder=remainder[p],
            extra=extra[p],
            seats=whole[p] + extra[p],
        )
        for p in parties
    )
    by_whole_all = sum(r.whole for r in rows)
    by_rem = sum(r.extra for r in rows)
    undecided = seats - by_whole_all - by_rem
    steps.append(step("alloc.lr.total", rule, whole=by_whole_all, extra=by_rem,
                      undecided=phrase("word.undecided_tie", n=undecided) if undecided else None,
                      seats=seats))
    return Allocation(
        method=Method.HARE if name is QuotaName.HARE else Method.DROOP,
        seats_total=seats,
        quota=q,
        rows=rows,
        ties=tuple(ties),
        tie_breaks=tuple(breaks),
        last_quotient=None,
        next_quotient=None,
        explanation=tuple(steps),
    )
