"""Seat allocation methods, as pure functions with exact fractions, explanations and ties.

Sources: docs/law.md §5.3-§5.4 and §6.1 (Majilis `kz-2022` and `kz-2007`: the Kazakh list
method is the largest-remainder method with quota = sum of the admitted parties' votes / seats:
the Hare quota on the admitted parties; equal remainders go to the list registered earlier); for
the `generic` ruleset (docs/law.md §15), the
textbook definitions of the methods (M. Gallagher, "Comparing Proportional Representation
Electoral Systems: Quotas, Thresholds, Paradoxes and Majorities", British Journal of Political
Science 22(4), 1992; M. Balinski and H. P. Young, "Fair Representation", 2nd ed., 2001).

One signature per rule family, looked up by name (`allocation_method`, `METHODS`):

- `largest_remainder(votes, seats, quota="hare"|"droop", *, tie_breaker=None)`:
  each party gets the integer part of votes / quota, then the seats left go one each to the
  largest fractional remainders, in descending order. If more seats are left than there are
  parties (possible only with the Droop quota and very few votes), every party takes one
  seat per full round and the rest go by remainders: "one each, in descending order, around
  again". Hare quota = votes / seats (exact fraction); Droop quota = floor(votes / (seats + 1))
  + 1 (an integer: H. R. Droop, 1881; the classic form, never awards more seats than there are).
- `dhondt(votes, seats, *, tie_breaker=None)`: highest quotients votes / 1, 2, 3, ...
- `sainte_lague(votes, seats, *, tie_breaker=None)`: highest quotients votes / 1, 3, 5, ...
- `threshold(votes, share, base=None)`: a party passes when votes >= share × base
  ("not less than": exactly at the threshold passes); `base` defaults to the sum of `votes`,
  and the caller states it (e.g. parties + "against all" under kz-2022).

Ties are values. When the last seat(s) fall inside a group of parties with the same remainder
(or quotient), the method returns a `Tie` (the parties and how many places they share).
Breaking it is a separate, visible step (`TieBreaker`): first the statute's rule, registration
order (the list registered earlier wins), which applies only when every tied party has one;
then, only if a seed was given, a `Lot` drawn from that recorded public seed. A tie neither can
break stays in `Allocation.ties` and its seats stay undecided (`Allocation.undecided`).

The lot (documented so that anyone can redo it with any SHA-256 tool):

    key(party) = SHA-256( seed bytes || 0x00 || UTF-8 bytes of the party's name )

with the seed given in hex and the name exactly as written in the input. The tied parties are
ranked by key, smallest first (hex strings compare like the numbers), and the first `places`
of them win. In Python::

    hashlib.sha256(bytes.fromhex(SEED) + b"\\x00" + NAME.encode("utf-8")).hexdigest()

No global random state is used: the same seed and names always give the same draw.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any, Protocol

from saylau.domain.errors import RuleError, ValidationFailed, field_error
from saylau.domain.explain import (
    DECIMAL_PLACES,  # noqa: F401 - re-exported: allocation.DECIMAL_PLACES
    Arg,
    Fig,
    Phrase,
    Step,
    Style,
    arg_text,
    decimal_text,
    grouped,
    join,
    num,
    number_text,  # noqa: F401 - re-exported: allocation.number_text
    phrase,
    step,
)
from saylau.domain.law.texts import TEMPLATES
from saylau.domain.lookup import lookup, member

# --- citations (codes of saylau.domain.law.texts.citations; docs/law.md §5.4, §15) ------------

RULE_HARE = "alloc.hare"
RULE_DROOP = "alloc.droop"
RULE_DHONDT = "alloc.dhondt"
RULE_SAINTE_LAGUE = "alloc.sainte_lague"
RULE_THRESHOLD = "alloc.threshold"
RULE_TIE_ORDER = "tie.order"
RULE_TIE_LOT = "tie.lot"
RULE_TIE_OPEN = "tie.open"

LOT_PROCEDURE = TEMPLATES["tie.lot.procedure"]["en"]
"""The lot's procedure in words (English; `Phrase("tie.lot.procedure")` in every language)."""


# --- names ------------------------------------------------------------------------------------


class Method(StrEnum):
    """The allocation methods, by the name the CLI and rulesets use."""

    HARE = "hare"
    """Largest remainder with the Hare quota (the Kazakh list method)."""
    DROOP = "droop"
    """Largest remainder with the Droop quota."""
    DHONDT = "dhondt"
    SAINTE_LAGUE = "sainte-lague"

    @property
    def divisor(self) -> bool:
        return self in (Method.DHONDT, Method.SAINTE_LAGUE)


class QuotaName(StrEnum):
    HARE = "hare"
    DROOP = "droop"


class TieRule(StrEnum):
    REGISTRATION_ORDER = "registration-order"
    LOT = "lot"


# --- exact numbers for JSON -------------------------------------------------------------------


def fraction_json(value: Fraction) -> dict[str, str]:
    """{"fraction": "p/q", "decimal": "..."}: the exact value and its rounded display."""
    return {"fraction": f"{value.numerator}/{value.denominator}", "decimal": decimal_text(value)}


# --- ties -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tie:
    """Parties tied for `places` seats (or places) that the figures alone cannot decide."""

    parties: tuple[str, ...]
    """The tied parties, sorted by name (the order carries no meaning)."""
    places: int
    """How many of them get the contested seat(s) or place(s): fewer than len(parties)."""
    stage: str
    """Where the tie arose: 'largest-remainder', 'highest-quotient', 'runner-up', ..."""
    value: Fraction
    """The equal remainder, quotient or vote count."""

    def phrase(self) -> Phrase:
        """The tie in words, in any language: 'A, B are tied at 0.5 (stage) for 1 place(s)'."""
        return phrase("tie.describe", parties=join(self.parties), value=num(self.value),
                      stage=Phrase(f"tie.stage.{self.stage}"), places=self.places)

    def describe(self, lang: str = "en") -> str:
        return arg_text(self.phrase(), lang)


@dataclass(frozen=True, slots=True)
class TieBreak:
    """A tie broken by a stated rule: who won and why."""

    tie: Tie
    rule: TieRule
    order: tuple[str, ...]
    """The tied parties in the order the rule ranks them, first = best."""
    winners: tuple[str, ...]
    detail: str
    """The facts the rule used, e.g. 'A registered 1, B registered 3' or the lot keys."""
    orders: tuple[int, ...] = ()
    """Registration order: each party's order, as `order` lists them."""
    seed_hex: str = ""
    """Lot: the seed, in hex."""
    keys: tuple[str, ...] = ()
    """Lot: each party's key (hex), as `order` lists them."""


@dataclass(frozen=True, slots=True)
class Lot:
    """A lot drawn from a recorded public seed (see the module docstring for the procedure)."""

    seed: bytes

    @property
    def seed_hex(self) -> str:
        return self.seed.hex()

    def key(self, name: str) -> str:
        return hashlib.sha256(self.seed + b"\x00" + name.encode("utf-8")).hexdigest()

    def rank(self, names: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted(names, key=lambda n: (self.key(n), n)))

    @staticmethod
    def from_hex(text: str) -> Lot:
        """The lot of a seed written in hex (whitespace and a leading '0x' are ignored)."""
        cleaned = "".join(text.split()).lower().removeprefix("0x")
        problem = None
        if not cleaned:
            problem = "the seed is empty"
        elif any(c not in "0123456789abcdef" for c in cleaned):
            problem = f"the seed {text!r} is not hexadecimal"
        elif len(cleaned) % 2:
            problem = f"the seed has an odd number of hex digits ({len(cleaned)})"
        if problem is not None:
            raise ValidationFailed(
                problem + "; give the recorded public seed as hex digits, e.g. 9f86d081884c7d65",
                code="seed_invalid",
                details={"findings": [field_error("seed", "an even number of hex digits",
                                                  text, problem)]},
            )
        return Lot(bytes.fromhex(cleaned))


@dataclass(frozen=True, slots=True)
class TieBreaker:
    """How ties are broken: registration order first (the statute), then a lot if seeded.

    `registration` maps a party to its registration order (smaller = registered earlier);
    a party missing from it has no known order.
    """

    registration: Mapping[str, int] = field(default_factory=dict)
    lot: Lot | None = None

    def break_tie(self, tie: Tie) -> TieBreak | None:
        """The tie broken by the first rule that applies, or None if none does."""
        if all(p in self.registration for p in tie.parties):
            orders = [self.registration[p] for p in tie.parties]
            if len(set(orders)) == len(orders):
                order = tuple(sorted(tie.parties, key=lambda p: self.registration[p]))
                detail = ", ".join(f"{p} registered {self.registration[p]}" for p in order)
                return TieBreak(tie, TieRule.REGISTRATION_ORDER, order,
                                order[: tie.places], detail,
                                orders=tuple(self.registration[p] for p in order))
        if self.lot is not None:
            order = self.lot.rank(tie.parties)
            detail = (
                f"seed {self.lot.seed_hex}; "
                + ", ".join(f"{p} key {self.lot.key(p)[:16]}..." for p in order)
            )
            return TieBreak(tie, TieRule.LOT, order, order[: tie.places], detail,
                            seed_hex=self.lot.seed_hex,
                            keys=tuple(self.lot.key(p) for p in order))
        return None


def tie_steps(tie: Tie, broken: TieBreak | None) -> list[Step]:
    """The explanation of a tie and of how it was (or was not) broken."""
    if broken is None:
        return [step("tie.open", RULE_TIE_OPEN, tie=tie.phrase(), places=tie.places)]
    winners = join(broken.winners)
    if broken.rule is TieRule.REGISTRATION_ORDER:
        detail = join(phrase("tie.registered", party=p, order=n)
                      for p, n in zip(broken.order, broken.orders, strict=True))
        return [step("tie.order", RULE_TIE_ORDER, tie=tie.phrase(), detail=detail,
                     winners=winners)]
    lot_detail = phrase("tie.lot.detail", seed=broken.seed_hex, keys=join(
        phrase("tie.lot.key", party=p, key=k[:16])
        for p, k in zip(broken.order, broken.keys, strict=True)))
    return [step("tie.lot", RULE_TIE_LOT, tie=tie.phrase(),
                 procedure=Phrase("tie.lot.procedure"), detail=lot_detail, winners=winners)]


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AllocationRow:
    """One party's part of an allocation, with the numbers that decided it."""

    party: str
    votes: int
    quotient: Fraction | None
    """Largest remainder: votes / quota. Divisor methods: the quotient that won its last seat
    (None when it won none)."""
    whole: int
    """Largest remainder: seats by whole quotas (full rounds included). Divisor: all seats."""
    remainder: Fraction | None
    """Largest remainder: quotient - integer part. Divisor methods: None."""
    extra: int
    """Largest remainder: seats from the remainders. Divisor methods: 0."""
    seats: int


@dataclass(frozen=True, slots=True)
class Allocation:
    """The seats each party gets, every number they rest on, ties, and the explanation."""

    method: Method
    seats_total: int
    quota: Fraction | None
    """The quota (largest remainder); None for divisor methods."""
    rows: tuple[AllocationRow, ...]
    """Sorted by votes, most first, then by name."""
    ties: tuple[Tie, ...]
    """Ties nobody could break: their seats are undecided."""
    tie_breaks: tuple[TieBreak, ...]
    last_quotient: Fraction | None
    """Divisor methods: the quotient that won the last decided seat."""
    next_quotient: Fraction | None
    """Divisor methods: the highest quotient that won no seat."""
    explanation: tuple[Step, ...]

    @property
    def seats(self) -> dict[str, int]:
        return {r.party: r.seats for r in self.rows}

    @property
    def undecided(self) -> int:
        return self.seats_total - sum(r.seats for r in self.rows)


class AllocationRule(Protocol):
    """The one signature of every allocation method."""

    def __call__(
        self, votes: Mapping[str, int], seats: int, *, tie_breaker: TieBreaker | None = None
    ) -> Allocation: ...


# --- validation -------------------------------------------------------------------------------


def _check_votes(votes: Mapping[str, int], seats: int) -> None:
    findings: list[dict[str, Any]] = []
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
        findings.append(field_error("seats", "a whole number >= 1", seats,
                                    f"cannot allocate {seats!r} seats"))
    if not votes:
        findings.append(field_error("votes", "at least one party", 0, "no parties to allocate to"))
    for party, n in votes.items():
        if not party:
            findings.append(field_error("party", "a name", party, "a party has no name"))
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            findings.append(field_error(f"votes[{party}]", "a whole number >= 0", n,
                                        f"{party}: votes must be a non-negative integer"))
    if findings:
        raise ValidationFailed(findings[0]["message"], code="allocation_input_invalid",
                               details={"findings": findings})
    if sum(votes.values()) == 0:
        raise RuleError(
            "the parties admitted to the distribution have no votes: nothing to allocate by",
            code="no_votes",
            details={"field": "votes", "expected": "a total > 0", "actual": 0},
        )


def _order(votes: Mapping[str, int]) -> list[str]:
    return sorted(votes, key=lambda p: (-votes[p], p))


# --- quotas -----------------------------------------------------------------------------------


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


# --- the methods ------------------------------------------------------------------------------


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


def _hare(
    votes: Mapping[str, int], seats: int, *, tie_breaker: TieBreaker | None = None
) -> Allocation:
    return largest_remainder(votes, seats, QuotaName.HARE, tie_breaker=tie_breaker)


def _droop(
    votes: Mapping[str, int], seats: int, *, tie_breaker: TieBreaker | None = None
) -> Allocation:
    return largest_remainder(votes, seats, QuotaName.DROOP, tie_breaker=tie_breaker)


METHODS: dict[Method, AllocationRule] = {
    Method.HARE: _hare,
    Method.DROOP: _droop,
    Method.DHONDT: dhondt,
    Method.SAINTE_LAGUE: sainte_lague,
}
"""The registry: each method by its name, all with the one `AllocationRule` signature."""


def allocation_method(name: Method | str) -> AllocationRule:
    """The method called `name`; a clear error listing the known ones otherwise."""
    return lookup(METHODS, name, field="method", what="allocation method", convert=Method)


# --- thresholds -------------------------------------------------------------------------------


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

