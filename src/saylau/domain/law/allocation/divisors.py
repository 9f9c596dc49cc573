"""Highest quotients: D'Hondt and Sainte-Laguë (docs/law.md §15)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction

from saylau.domain.explain import (
    DECIMAL_PLACES,  # noqa: F401 - re-exported: allocation.DECIMAL_PLACES
    Step,
    join,
    num,
    number_text,  # noqa: F401 - re-exported: allocation.number_text
    phrase,
    step,
)
from saylau.domain.law.allocation.names import RULE_DHONDT, RULE_SAINTE_LAGUE, Method
from saylau.domain.law.allocation.ties import Tie, TieBreak, TieBreaker, tie_steps
from saylau.domain.law.allocation.values import Allocation, AllocationRow, _check_votes, _order


def _highest_quotients(
    votes: Mapping[str, int],
    seats: int,
    *,
    method: Method,
    divisor: Callable[[int], int],
    rule: str,
    sequence: str,
    tie_breaker: TieBreaker | None,
) -> Allocation:
    _check_votes(votes, seats)
    parties = _order(votes)
    # Every party with votes has `seats` quotients; the last seat's quotient is the
    # seats-th highest of them all. A party has at most one quotient equal to any value.
    quotients = sorted(
        (
            (Fraction(votes[p], divisor(k)), p)
            for p in parties
            if votes[p] > 0
            for k in range(seats)
        ),
        key=lambda qp: (-qp[0], qp[1]),
    )
    boundary = quotients[seats - 1][0]
    following = next((q for q, _ in quotients[seats:] if q < boundary), None)
    won = dict.fromkeys(parties, 0)
    for q, p in quotients:
        if q > boundary:
            won[p] += 1
    group = sorted(p for q, p in quotients if q == boundary)
    places = seats - sum(won.values())
    ties: list[Tie] = []
    breaks: list[TieBreak] = []
    steps: list[Step] = [step("alloc.hq.intro", rule, sequence=sequence, seats=seats)]
    if len(group) > places:
        tie = Tie(tuple(group), places, "highest-quotient", boundary)
        broken = tie_breaker.break_tie(tie) if tie_breaker else None
        steps.extend(tie_steps(tie, broken))
        if broken is None:
            ties.append(tie)
        else:
            breaks.append(broken)
            for p in broken.winners:
                won[p] += 1
    else:
        for p in group:
            won[p] += 1
    last_won: dict[str, Fraction | None] = {
        p: (Fraction(votes[p], divisor(won[p] - 1)) if won[p] else None) for p in parties
    }
    for p in parties:
        last = last_won[p]
        nxt = Fraction(votes[p], divisor(won[p])) if votes[p] else Fraction(0)
        steps.append(step(
            "alloc.hq.party", rule, party=p, votes=votes[p], seats=won[p],
            last=(phrase("alloc.hq.last", votes=votes[p], divisor=divisor(won[p] - 1),
                         value=num(last)) if last is not None else None),
            next_divisor=divisor(won[p]), next=num(nxt),
        ))
    decided = sum(won.values())
    steps.append(step(
        "alloc.hq.total", rule, seats=seats, boundary=num(boundary),
        following=(phrase("alloc.hq.following", value=num(following))
                   if following is not None else None),
        listing=join((won[p] for p in parties), " + "),
        undecided=phrase("word.undecided_tie", n=seats - decided) if decided < seats else None,
    ))
    rows = tuple(
        AllocationRow(
            party=p,
            votes=votes[p],
            quotient=last_won[p],
            whole=won[p],
            remainder=None,
            extra=0,
            seats=won[p],
        )
        for p in parties
    )
    return Allocation(
        method=method,
        seats_total=seats,
        quota=None,
        rows=rows,
        ties=tuple(ties),
        tie_breaks=tuple(breaks),
        last_quotient=boundary if not ties else None,
        next_quotient=following,
        explanation=tuple(steps),
    )


def dhondt(
    votes: Mapping[str, int], seats: int, *, tie_breaker: TieBreaker | None = None
) -> Allocation:
    """D'Hondt: the `seats` highest of votes / 1, 2, 3, ... (the generic ruleset's option)."""
    return _highest_quotients(
        votes, seats, method=Method.DHONDT, divisor=lambda k: k + 1, rule=RULE_DHONDT,
        sequence="1, 2, 3, ...", tie_breaker=tie_breaker,
    )


def sainte_lague(
    votes: Mapping[str, int], seats: int, *, tie_breaker: TieBreaker | None = None
) -> Allocation:
    """Sainte-Laguë: the `seats` highest of votes / 1, 3, 5, ... (the generic ruleset's option)."""
    return _highest_quotients(
        votes, seats, method=Method.SAINTE_LAGUE, divisor=lambda k: 2 * k + 1,
        rule=RULE_SAINTE_LAGUE, sequence="1, 3, 5, ...", tie_breaker=tie_breaker,
    )
