"""Rulesets: the set of rules an election is bound to, named after the year they took effect.

The one registry of what each ruleset fixes as data (docs/law.md §2): the chamber elected from
party lists (its name, list seats, threshold, seat method, the second-party guarantee), the
single-member districts, the seats filled by the Assembly of the People of Kazakhstan (APK),
the Senate (senators per top-level unit, appointed senators), and whether "against all" is on
the ballot. The law's modules (`domain/law/`) read their numbers here and keep the rules (the
functions) and the citations; the services and the site read them here too, never a copy.

    ruleset  chamber          list seats  threshold  districts  APK  Senate: per unit + appointed
    kz-2007  Majilis of 107   98          7%         0          9    2 + 15
    kz-2022  Majilis of 98    69          5%         29         0    2 + 10 (5 on the APK's word)
    kz-2026  Kurultai of 145  145         5%         0          0    none (unicameral)
    generic  given            given       given (0)  given      0    2 + 0

Referendum rules are the same under every built-in ruleset (§2.6).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType

from saylau.domain.law.allocation import Method
from saylau.domain.lookup import lookup, member


class RulesetName(StrEnum):
    KZ_2007 = "kz-2007"
    KZ_2022 = "kz-2022"
    KZ_2026 = "kz-2026"
    GENERIC = "generic"


class Guarantee(StrEnum):
    """The second-party guarantee of the list seats (docs/law.md §5.5, §6)."""

    STATUTE = "statute"
    """The second-party guarantee is the statute (kz-2007)."""
    UNVERIFIED = "unverified"
    """Applied or not by `SecondPartyReading` (kz-2022, kz-2026)."""
    NONE = "none"
    """No guarantee (generic)."""


@dataclass(frozen=True, slots=True)
class ListSeatRules:
    """The party-list seats of the chamber, as numbers (the rule is in domain/law/parliament)."""

    seats: int | None
    """None: the seats are given with the election (generic)."""
    threshold: Fraction
    """The share of the threshold base a list needs ("not less than")."""
    method: Method
    method_fixed: bool
    """The statute fixes the method: another one is refused."""
    method_verified: bool
    guarantee: Guarantee
    body: str
    """The body the list seats fill, in English (the explanation has its words per language)."""


@dataclass(frozen=True, slots=True)
class Chamber:
    """The chamber elected by the voters (the Majilis; the Kurultai under kz-2026)."""

    name: str
    """'Majilis' or 'Kurultai' (the site translates the word)."""
    districts: int | None
    """Deputies from single-member districts; None: as many as the election draws (generic)."""
    apk: int
    """Deputies elected by the Assembly of the People of Kazakhstan (kz-2007: 9)."""


@dataclass(frozen=True, slots=True)
class SenateRules:
    """The upper chamber (docs/law.md §8.1)."""

    per_unit: int
    """Senators elected in each top-level unit by its maslikhats' deputies."""
    appointed: int
    """Senators appointed by the President."""
    apk_recommended: int
    """Of the appointed, those recommended by the APK (kz-2022: 5)."""


@dataclass(frozen=True, slots=True)
class Ruleset:
    name: RulesetName
    summary: str
    against_all_on_ballot: bool
    """'Against all' is an option of every candidate and party ballot (kz-2022 and later)."""
    chamber: Chamber = Chamber("Majilis", None, 0)
    lists: ListSeatRules = ListSeatRules(None, Fraction(0), Method.HARE, method_fixed=False,
                                         method_verified=True, guarantee=Guarantee.NONE,
                                         body="party-list seats")
    senate: SenateRules | None = SenateRules(2, 0, 0)
    """None: there is no Senate (kz-2026)."""
    list_against_all: bool = True
    """'Against all' may be given with the party-list votes (and may be in the threshold base);
    False where it was never on the ballot (kz-2007)."""

    @property
    def generic(self) -> bool:
        """No statute fixes the numbers: they come with the election's parameters (seats,
        threshold, method), as under the generic ruleset."""
        return self.lists.seats is None

    @property
    def has_districts(self) -> bool:
        """Single-member districts can be held (kz-2022; generic, as drawn)."""
        return self.chamber.districts is None or self.chamber.districts > 0

    def chamber_size(self, list_seats: int, districts: int = 0) -> int:
        """The chamber's seats: `list_seats` (the ruleset's, or the election's under generic),
        the districts (the ruleset's, or `districts` drawn under generic) and the APK's."""
        fixed = self.chamber.districts
        return list_seats + (districts if fixed is None else fixed) + self.chamber.apk


_MAJILIS_LISTS = "Majilis, party-list seats"

RULESETS: Mapping[RulesetName, Ruleset] = MappingProxyType({
    RulesetName.KZ_2007: Ruleset(
        RulesetName.KZ_2007,
        "Majilis 98 list seats (7%) + 9 by the APK; Senate 2 per unit + 15 appointed",
        against_all_on_ballot=False,
        chamber=Chamber("Majilis", districts=0, apk=9),
        lists=ListSeatRules(98, Fraction(7, 100), Method.HARE, method_fixed=True,
                            method_verified=True, guarantee=Guarantee.STATUTE,
                            body=_MAJILIS_LISTS),
        senate=SenateRules(per_unit=2, appointed=15, apk_recommended=0),
        list_against_all=False,
    ),
    RulesetName.KZ_2022: Ruleset(
        RulesetName.KZ_2022,
        "Majilis 69 list seats (5%) + 29 single-member districts; Senate 2 per unit + 10",
        against_all_on_ballot=True,
        chamber=Chamber("Majilis", districts=29, apk=0),
        lists=ListSeatRules(69, Fraction(5, 100), Method.HARE, method_fixed=True,
                            method_verified=True, guarantee=Guarantee.UNVERIFIED,
                            body=_MAJILIS_LISTS),
        senate=SenateRules(per_unit=2, appointed=10, apk_recommended=5),
    ),
    RulesetName.KZ_2026: Ruleset(
        RulesetName.KZ_2026,
        "Kurultai of 145, proportional, nationwide, 5% (seat method UNVERIFIED)",
        against_all_on_ballot=True,
        chamber=Chamber("Kurultai", districts=0, apk=0),
        lists=ListSeatRules(145, Fraction(5, 100), Method.HARE, method_fixed=False,
                            method_verified=False, guarantee=Guarantee.UNVERIFIED,
                            body="Kurultai"),
        senate=None,
    ),
    RulesetName.GENERIC: Ruleset(
        RulesetName.GENERIC,
        "explicit parameters given with the election",
        against_all_on_ballot=False,
    ),
})
"""The registry: every ruleset by its name (docs/law.md §2)."""

LIST_SIZE_MARGIN = Fraction(3, 10)
"""A party list may name the list seats plus 30% more candidates (docs/law.md §5.9)."""


def list_size_limit(seats: int) -> int:
    """The most names a party list may hold: the list seats plus 30%, rounded up
    (kz-2022: 69 + 30% -> 90; docs/law.md §5.9)."""
    return -((-seats * (1 + LIST_SIZE_MARGIN).numerator) // (1 + LIST_SIZE_MARGIN).denominator)


def ruleset_name(name: RulesetName | str) -> RulesetName:
    """The ruleset's name as the enum; the one "unknown ruleset" error otherwise."""
    return member(RulesetName, name, field="ruleset")


def ruleset(name: RulesetName | str) -> Ruleset:
    """The ruleset called `name`; a clear error listing the known ones otherwise."""
    return lookup(RULESETS, name, field="ruleset", convert=RulesetName)


def rulesets_with_senate() -> tuple[RulesetName, ...]:
    return tuple(n for n, r in RULESETS.items() if r.senate is not None)


def rulesets_with_districts() -> tuple[RulesetName, ...]:
    return tuple(n for n, r in RULESETS.items() if r.has_districts)
