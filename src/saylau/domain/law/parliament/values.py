"""The list seats' values: the citations, each ruleset's list rules (numbers from the registry,
`saylau.domain.rulesets`), the parties' votes, the decision, and the checks of the input."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from typing import Any

from saylau.domain.contests import AGAINST_ALL
from saylau.domain.errors import ValidationFailed, field_error
from saylau.domain.explain import (
    Fig,
    Step,
    Style,
    decimal_text,
)
from saylau.domain.law.allocation import (
    Allocation,
    Lot,
    Method,
    Tie,
    TieBreak,
)
from saylau.domain.law.parliament.readings import ListReadings, ThresholdBase
from saylau.domain.lookup import lookup, unknown_finding
from saylau.domain.rulesets import RULESETS, Guarantee, Ruleset, RulesetName

RULE_RULESETS = "list.rulesets"
RULE_2022 = "list.2022"
RULE_2022_BASE = "list.2022.base"
RULE_2022_SEATS = "list.2022.seats"
RULE_2022_FEWER = "list.2022.fewer"
RULE_2007 = "list.2007"
RULE_2007_GUARANTEE = "list.2007.guarantee"
RULE_2007_MINIMUM = "list.2007.minimum"
RULE_2007_LEFTOVER = "list.2007.leftover"
RULE_2026 = "list.2026"
RULE_2026_SEATS = "list.2026.seats"
RULE_GENERIC = "list.generic"
RULE_NO_PARTY = "list.no_party"


@dataclass(frozen=True, slots=True)
class ListRules:
    """A ruleset's list seats: its numbers from the registry (`saylau.domain.rulesets`), with
    the citations of the steps that apply them."""

    ruleset: RulesetName
    body: str
    seats: int | None
    """None: the seats must be given (generic)."""
    threshold: Fraction
    method: Method
    method_fixed: bool
    """The statute fixes the method: another one is refused."""
    method_verified: bool
    guarantee: Guarantee
    against_all: bool
    """'Against all' is on the ballot (and may be in the threshold base)."""
    rule: str
    """The citation code of the ruleset's steps."""
    seats_rule: str
    """The citation code of its seat allocation."""
    body_code: str = "list.body.majilis"
    """The catalog code of `body` in every language."""


_CITED: dict[RulesetName, tuple[str, str, str]] = {
    RulesetName.KZ_2007: (RULE_2007, RULE_2007, "list.body.majilis"),
    RulesetName.KZ_2022: (RULE_2022, RULE_2022_SEATS, "list.body.majilis"),
    RulesetName.KZ_2026: (RULE_2026, RULE_2026_SEATS, "list.body.kurultai"),
    RulesetName.GENERIC: (RULE_GENERIC, RULE_GENERIC, "list.body.generic"),
}
"""Each ruleset's citation codes: the ruleset's steps, its seat allocation, its body's words."""


def _list_rules(rs: Ruleset) -> ListRules:
    lists = rs.lists
    rule, seats_rule, body_code = _CITED[rs.name]
    return ListRules(rs.name, lists.body, lists.seats, lists.threshold, lists.method,
                     method_fixed=lists.method_fixed, method_verified=lists.method_verified,
                     guarantee=lists.guarantee, against_all=rs.list_against_all, rule=rule,
                     seats_rule=seats_rule, body_code=body_code)


LIST_RULES: dict[RulesetName, ListRules] = {n: _list_rules(r) for n, r in RULESETS.items()}
"""The list rules of every ruleset, built from the registry."""


def list_rules(name: RulesetName | str) -> ListRules:
    return lookup(LIST_RULES, name, field="ruleset", convert=RulesetName)


def parse_percent(text: str, *, field: str = "threshold") -> Fraction:
    """An exact decimal percent ("5", "3.5", "7%") as a share: "5" -> Fraction(1, 20).

    Parsed with `Decimal`, never a float; negative values and values over 100 are refused.
    """
    cleaned = text.strip().removesuffix("%").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValidationFailed(
            f"{field} {text!r} is not a decimal percent; write e.g. 5 or 3.5",
            code="percent_invalid",
            details={"findings": [field_error(field, "a decimal percent 0..100", text,
                                              "not a number")]},
        )
    percent_value = Fraction(value)
    if percent_value < 0 or percent_value > 100:
        raise ValidationFailed(
            f"{field} {text}% is out of range; a percent is between 0 and 100",
            code="percent_out_of_range",
            details={"findings": [field_error(field, "a decimal percent 0..100", text,
                                              "out of range")]},
        )
    return percent_value / 100


@dataclass(frozen=True, slots=True)
class PartyVotes:
    party: str
    votes: int
    registration_order: int | None = None
    """Order in which the party list was registered (1 = first); None when not known."""


@dataclass(frozen=True, slots=True)
class ListRow:
    party: str
    votes: int
    registration_order: int | None
    share: Fraction
    """votes / threshold base."""
    passed: bool
    """Reached the threshold."""
    admitted: bool
    """Admitted to the distribution (passed, or admitted by the second-party guarantee)."""
    quotient: Fraction | None
    whole: int
    remainder: Fraction | None
    seats: int


@dataclass(frozen=True, slots=True)
class GuaranteeResult:
    """The second-party guarantee as applied, with every number."""

    leader: str
    runner_up: str | None
    """None when the runner-up place itself is an unbroken tie."""
    quota: Fraction
    leader_quotient: Fraction
    runner_up_quotient: Fraction
    corrected_quotient: Fraction
    """runner_up_quotient × 0.7."""
    leader_seats: int
    runner_up_seats: int
    minimum_applied: bool
    unverified: bool
    """Applied under kz-2022/kz-2026 by reading, not as statute."""


class ListOutcome(StrEnum):
    ALLOCATED = "allocated"
    TIE = "tie"
    """A tie nobody could break: some seats are undecided (see `ties`)."""


@dataclass(frozen=True, slots=True)
class ListDecision:
    ruleset: RulesetName
    body: str
    method: Method
    method_verified: bool
    seats_total: int
    threshold: Fraction
    threshold_reading: ThresholdBase | None
    """None when the base is fixed (kz-2007, no "against all")."""
    threshold_base: int
    parties_votes: int
    against_all: int | None
    minimum_votes: Fraction
    rows: tuple[ListRow, ...]
    passed: tuple[str, ...]
    """Parties admitted to the distribution, most votes first."""
    admitted_by_guarantee: str | None
    quota: Fraction | None
    allocation: Allocation | None
    guarantee: GuaranteeResult | None
    ties: tuple[Tie, ...]
    tie_breaks: tuple[TieBreak, ...]
    lot: Lot | None
    readings: ListReadings
    unverified: tuple[str, ...]
    outcome: ListOutcome
    explanation: tuple[Step, ...]

    @property
    def seats(self) -> dict[str, int]:
        return {r.party: r.seats for r in self.rows}

    @property
    def undecided(self) -> int:
        return self.seats_total - sum(r.seats for r in self.rows)


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def validate_parties(parties: Sequence[PartyVotes], against_all: int | None) -> None:
    """Every problem with the parties at once: names, votes, registration orders."""
    findings: list[dict[str, Any]] = []
    if not parties:
        findings.append(field_error("parties", "at least one party", 0, "no parties"))
    seen: dict[str, str] = {}
    orders: dict[int, str] = {}
    for p in parties:
        if not p.party.strip():
            findings.append(field_error("party", "a name", p.party, "a party has no name"))
        elif _key(p.party) == _key(AGAINST_ALL):
            findings.append(field_error("party", "a party name", p.party,
                                        f"{AGAINST_ALL} is not a party; give it as against_all"))
        elif _key(p.party) in seen:
            findings.append(field_error("party", "each party once", p.party,
                                        f"party {p.party!r} appears twice "
                                        f"(also as {seen[_key(p.party)]!r})"))
        else:
            seen[_key(p.party)] = p.party
        if isinstance(p.votes, bool) or not isinstance(p.votes, int) or p.votes < 0:
            findings.append(field_error("votes", "a whole number >= 0", p.votes,
                                        f"{p.party}: votes must be a non-negative integer"))
        if p.registration_order is not None:
            if p.registration_order < 1:
                findings.append(field_error("registration_order", "a whole number >= 1",
                                            p.registration_order,
                                            f"{p.party}: registration order must be >= 1"))
            elif p.registration_order in orders:
                findings.append(field_error(
                    "registration_order", "each order once", p.registration_order,
                    f"{p.party} and {orders[p.registration_order]} have the same registration "
                    f"order {p.registration_order}"))
            else:
                orders[p.registration_order] = p.party
    if against_all is not None and (isinstance(against_all, bool) or against_all < 0):
        findings.append(field_error("against_all", "a whole number >= 0", against_all,
                                    "'against all' votes must be a non-negative integer"))
    if findings:
        raise ValidationFailed(findings[0]["message"], code="parties_invalid",
                               details={"findings": findings})


def _effective(
    rules: ListRules, seats: int | None, share_: Fraction | None, method: Method | str | None
) -> tuple[int, Fraction, Method]:
    findings: list[dict[str, Any]] = []
    name = rules.ruleset.value
    if rules.seats is None:
        if seats is None:
            findings.append(field_error("seats", "the number of seats", None,
                                        f"the {name} ruleset needs the number of seats"))
            seats_out = 0
        else:
            seats_out = seats
    else:
        seats_out = rules.seats if seats is None else seats
        if seats_out != rules.seats:
            findings.append(field_error(
                "seats", str(rules.seats), seats,
                f"{name} fixes {rules.seats} seats; use the generic ruleset for {seats}"))
    if seats is not None and (isinstance(seats_out, bool) or seats_out < 1):
        findings.append(field_error("seats", "a whole number >= 1", seats,
                                    f"cannot allocate {seats} seats"))
    share_out = rules.threshold if share_ is None else share_
    fixed = rules.ruleset is not RulesetName.GENERIC
    if share_ is not None and fixed and share_ != rules.threshold:
        findings.append(field_error(
            "threshold", f"{decimal_text(rules.threshold * 100, 2)}%",
            f"{decimal_text(share_ * 100, 4)}%",
            f"{name} fixes the threshold at {decimal_text(rules.threshold * 100, 2)}%; use the "
            f"generic ruleset for another one"))
    if not (0 <= share_out <= 1):
        findings.append(field_error("threshold", "0..100 percent",
                                    f"{decimal_text(share_out * 100, 4)}%", "out of range"))
    method_out = rules.method
    if method is not None:
        try:
            method_out = Method(method)
        except ValueError:
            findings.append(unknown_finding("method", (m.value for m in Method), method))
        else:
            if rules.method_fixed and method_out is not rules.method:
                findings.append(field_error(
                    "method", rules.method.value, method_out.value,
                    f"{name} fixes the method (largest remainder, quota = admitted votes / "
                    f"seats); use the generic ruleset to compare methods"))
    if findings:
        raise ValidationFailed(findings[0]["message"], code="list_parameters_invalid",
                               details={"findings": findings})
    return seats_out, share_out, method_out


def _legal(value: Fraction) -> Fig:
    return Fig(value, Style.LEGAL)


def _decimal(value: Fraction) -> Fig:
    return Fig(value, Style.DECIMAL)
