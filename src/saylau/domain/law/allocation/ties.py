"""Ties as values: a tie is returned, never silently broken; breaking it by registration order
or by a recorded lot is a separate, visible step (docs/law.md §5.4)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from saylau.domain.errors import ValidationFailed, field_error
from saylau.domain.explain import (
    DECIMAL_PLACES,  # noqa: F401 - re-exported: allocation.DECIMAL_PLACES
    Phrase,
    Step,
    arg_text,
    join,
    num,
    number_text,  # noqa: F401 - re-exported: allocation.number_text
    phrase,
    step,
)
from saylau.domain.law.allocation.names import RULE_TIE_LOT, RULE_TIE_OPEN, RULE_TIE_ORDER, TieRule


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
