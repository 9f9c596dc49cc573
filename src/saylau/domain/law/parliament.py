"""Party-list seats of the Majilis (and of the 2026 Kurultai) under each ruleset.

Sources (LAW.md, "Rulesets", "Majilis kz-2022", "Majilis kz-2007"): the Constitution, Art. 50(3)
as amended in 2022; the Constitutional Law "On Elections in the Republic of Kazakhstan", Art. 9(2)
and Art. 97 (the list method; old Art. 97(2)-(3) for the second-party guarantee); the CEC
decision of 27 March 2023; IPU PARLINE; the Constitution adopted on 15 March 2026.

The rules, as data (`LIST_RULES`):

- `kz-2007`: 98 list seats; a party passes with not less than 7% of the votes for parties (there
  was no "against all"); quota = the admitted parties' votes / 98; integer parts, then the
  largest remainders; equal remainders: the list registered earlier. Second-party guarantee:
  if only one party passes, the runner-up is admitted too; quota = the two parties' votes / 98;
  the runner-up's quotient is multiplied by the correction index 0.7 before its integer part is
  taken. UNVERIFIED, as readings: (a) `RunnerUpMinimum.TWO` (default) gives the runner-up at
  least two seats (IPU PARLINE), `NONE` does not; (b) `LeftoverSeats.LEADER` (default) gives
  every seat left to the leader, `LARGEST_REMAINDER` deals them by remainders (in rounds).
- `kz-2022`: 69 list seats; 5%; the threshold base is the votes for parties plus "against all"
  (UNVERIFIED: `ThresholdBase.PARTIES_AND_AGAINST_ALL`, default, how every CEC percentage of
  2023 adds up; or `PARTIES`); same quota, remainders and tie rule. If fewer than two parties
  pass, whether the kz-2007 guarantee survived is UNVERIFIED: `SecondPartyReading.APPLY`
  (default, LAW.md says apply it and say so) or `NONE`.
- `kz-2026`: a Kurultai of 145, one nationwide district, 5%. The seat method is UNVERIFIED:
  the Majilis list method above is assumed (largest remainder with the Hare quota on the
  admitted parties, the guarantee under the same reading), and another method can be chosen.
- `generic`: the seats, the threshold (default 0) and the method (default Hare) are given.

A party that reaches the threshold exactly passes ("not less than"); all comparisons are exact.
If no party passes, the statute as read (LAW.md) does not say what happens: a `RuleError`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from typing import Any

from saylau.domain.contests import AGAINST_ALL
from saylau.domain.errors import RuleError, ValidationFailed, field_error
from saylau.domain.explain import Step, grouped, share, share_json
from saylau.domain.law.allocation import (
    LOT_PROCEDURE,
    RULE_HARE,
    Allocation,
    Lot,
    Method,
    Tie,
    TieBreak,
    TieBreaker,
    allocation_method,
    decimal_text,
    fraction_json,
    number_text,
    threshold,
    tie_steps,
)
from saylau.domain.rulesets import RulesetName

# --- citations --------------------------------------------------------------------------------

RULE_RULESETS = "LAW.md Rulesets"
RULE_2022 = (
    "Constitution Art. 50(3) as amended 2022; Constitutional Law on Elections Art. 97 / "
    "LAW.md Majilis kz-2022"
)
RULE_2022_BASE = (
    "CEC decision of 27 March 2023 (every percentage's base) / LAW.md Majilis kz-2022 "
    "(threshold base UNVERIFIED as statute text)"
)
RULE_2022_SEATS = (
    "Constitutional Law on Elections Art. 97 (quota = admitted parties' votes / seats; "
    "integer parts, then largest remainders) / LAW.md Majilis kz-2022"
)
RULE_2022_FEWER = (
    "LAW.md Majilis kz-2022 (fewer than two parties pass: whether the kz-2007 guarantee "
    "survived is UNVERIFIED)"
)
RULE_2007 = (
    "Constitutional Law on Elections Art. 97 (text in force 2007-2021) / LAW.md Majilis kz-2007"
)
RULE_2007_GUARANTEE = (
    "Constitutional Law on Elections, old Art. 97(2)-(3) (second-party guarantee, correction "
    "index 0.7) / LAW.md Majilis kz-2007"
)
RULE_2007_MINIMUM = (
    "IPU PARLINE ('at least two seats') / LAW.md Majilis kz-2007 (a), UNVERIFIED"
)
RULE_2007_LEFTOVER = "LAW.md Majilis kz-2007 (b): who takes the seats left over, UNVERIFIED"
RULE_2026 = (
    "Constitution of 15 March 2026 (Kurultai of 145, proportional, nationwide, 5%) / "
    "LAW.md Rulesets (seat method UNVERIFIED)"
)
RULE_GENERIC = "generic ruleset: the seats, threshold and method given with the election"
RULE_NO_PARTY = "LAW.md Majilis (the statute as read does not say what happens if no party passes)"

CORRECTION_INDEX = Fraction(7, 10)
"""The kz-2007 correction index applied to the runner-up's quotient (old Art. 97(3))."""


# --- readings of the UNVERIFIED points --------------------------------------------------------


class ThresholdBase(StrEnum):
    """What the threshold percentage is a percentage of (LAW.md Majilis kz-2022; UNVERIFIED)."""

    PARTIES_AND_AGAINST_ALL = "parties-and-against-all"
    """Votes for parties + "against all" (how every CEC percentage of 2023 adds up; default)."""
    PARTIES = "parties"
    """Votes for parties only."""


class SecondPartyReading(StrEnum):
    """Whether the kz-2007 guarantee applies under kz-2022/kz-2026 (UNVERIFIED)."""

    APPLY = "apply"
    """If fewer than two parties pass, the runner-up is admitted as under kz-2007 (default)."""
    NONE = "none"
    """No guarantee: the parties that passed share every seat."""


class RunnerUpMinimum(StrEnum):
    """kz-2007 guarantee (a): a minimum for the runner-up (UNVERIFIED)."""

    TWO = "two"
    """The runner-up gets max(2, its corrected integer part) (IPU PARLINE; default)."""
    NONE = "none"
    """The runner-up gets its corrected integer part, whatever it is."""


class LeftoverSeats(StrEnum):
    """kz-2007 guarantee (b): who takes the seats left over (UNVERIFIED)."""

    LEADER = "leader"
    """The leader takes every seat left (the correction is not undone by a remainder; default)."""
    LARGEST_REMAINDER = "largest-remainder"
    """The seats left go one each to the larger remainder, round after round."""


@dataclass(frozen=True, slots=True)
class ListReadings:
    """The readings in force for the points LAW.md marks UNVERIFIED; printed in every decision."""

    threshold_base: ThresholdBase = ThresholdBase.PARTIES_AND_AGAINST_ALL
    second_party: SecondPartyReading = SecondPartyReading.APPLY
    runner_up_minimum: RunnerUpMinimum = RunnerUpMinimum.TWO
    leftover: LeftoverSeats = LeftoverSeats.LEADER

    def as_dict(self) -> dict[str, str]:
        return {
            "threshold_base": self.threshold_base.value,
            "second_party": self.second_party.value,
            "runner_up_minimum": self.runner_up_minimum.value,
            "leftover": self.leftover.value,
        }


# --- the rulesets as data ---------------------------------------------------------------------


class Guarantee(StrEnum):
    STATUTE = "statute"
    """The second-party guarantee is the statute (kz-2007)."""
    UNVERIFIED = "unverified"
    """Applied or not by `SecondPartyReading` (kz-2022, kz-2026)."""
    NONE = "none"
    """No guarantee (generic)."""


@dataclass(frozen=True, slots=True)
class ListRules:
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
    seats_rule: str


LIST_RULES: dict[RulesetName, ListRules] = {
    RulesetName.KZ_2007: ListRules(
        RulesetName.KZ_2007, "Majilis, party-list seats", 98, Fraction(7, 100), Method.HARE,
        method_fixed=True, method_verified=True, guarantee=Guarantee.STATUTE,
        against_all=False, rule=RULE_2007, seats_rule=RULE_2007,
    ),
    RulesetName.KZ_2022: ListRules(
        RulesetName.KZ_2022, "Majilis, party-list seats", 69, Fraction(5, 100), Method.HARE,
        method_fixed=True, method_verified=True, guarantee=Guarantee.UNVERIFIED,
        against_all=True, rule=RULE_2022, seats_rule=RULE_2022_SEATS,
    ),
    RulesetName.KZ_2026: ListRules(
        RulesetName.KZ_2026, "Kurultai", 145, Fraction(5, 100), Method.HARE,
        method_fixed=False, method_verified=False, guarantee=Guarantee.UNVERIFIED,
        against_all=True, rule=RULE_2026, seats_rule=f"{RULE_2026}; assumed {RULE_2022_SEATS}",
    ),
    RulesetName.GENERIC: ListRules(
        RulesetName.GENERIC, "party-list seats", None, Fraction(0), Method.HARE,
        method_fixed=False, method_verified=True, guarantee=Guarantee.NONE,
        against_all=True, rule=RULE_GENERIC, seats_rule=RULE_GENERIC,
    ),
}


def list_rules(name: RulesetName | str) -> ListRules:
    try:
        return LIST_RULES[RulesetName(name)]
    except ValueError:
        known = ", ".join(r.value for r in RulesetName)
        raise ValidationFailed(
            f"unknown ruleset {name!r}; expected one of {known}",
            code="ruleset_unknown",
            details={"findings": [field_error("ruleset", known, name, "unknown ruleset")]},
        ) from None


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


# --- values -----------------------------------------------------------------------------------


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


# --- validation -------------------------------------------------------------------------------


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
            findings.append(field_error("method", ", ".join(m.value for m in Method), method,
                                        f"unknown method {method!r}"))
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


# --- the decision -----------------------------------------------------------------------------


def decide_list_seats(
    parties: Sequence[PartyVotes],
    *,
    ruleset: RulesetName | str,
    against_all: int | None = None,
    seats: int | None = None,
    threshold_share: Fraction | None = None,
    method: Method | str | None = None,
    readings: ListReadings = ListReadings(),
    lot: Lot | None = None,
) -> ListDecision:
    """Decide the party-list seats under `ruleset` (see the module docstring for the rules).

    `against_all` is the "against all" vote (None: not on the ballot / not given). `seats`,
    `threshold_share` and `method` must be given under `generic`; under the Kazakh rulesets
    they are fixed by statute (kz-2026 lets the UNVERIFIED method be chosen). `lot` breaks a
    tie the registration order cannot. Raises `ValidationFailed` (every problem with the input)
    or `RuleError` (no party passes; no votes at all).
    """
    rules = list_rules(ruleset)
    validate_parties(parties, against_all)
    if against_all is not None and not rules.against_all:
        raise ValidationFailed(
            f"'against all' was not on the ballot under {rules.ruleset.value} (it came in 2022); "
            f"remove the {AGAINST_ALL} row or choose another ruleset",
            code="against_all_not_on_ballot",
            details={"findings": [field_error("against_all", "no 'against all' row",
                                              against_all, "not on the ballot")]},
        )
    n_seats, share_, method_ = _effective(rules, seats, threshold_share, method)
    votes = {p.party: p.votes for p in parties}
    registration = {p.party: p.registration_order for p in parties
                    if p.registration_order is not None}
    breaker = TieBreaker(registration, lot)
    parties_votes = sum(votes.values())
    aa = against_all or 0
    base_reading: ThresholdBase | None = readings.threshold_base if rules.against_all else None
    in_base = aa if base_reading is ThresholdBase.PARTIES_AND_AGAINST_ALL else 0
    base = parties_votes + in_base

    unverified = _unverified(rules)
    steps: list[Step] = [_ruleset_step(rules, n_seats, share_, method_)]
    steps.extend(_reading_steps(rules, readings, method_))
    if base_reading is None:
        steps.append(Step(rules.rule, f"Threshold base: the votes for parties, "
                                      f"{grouped(parties_votes)}"))
    elif base_reading is ThresholdBase.PARTIES_AND_AGAINST_ALL:
        steps.append(Step(
            RULE_2022_BASE if rules.ruleset is not RulesetName.GENERIC else RULE_GENERIC,
            f"Threshold base (reading threshold-base={base_reading.value}): parties "
            f"{grouped(parties_votes)} + against all {grouped(aa)} = {grouped(base)}",
        ))
    else:
        steps.append(Step(
            RULE_2022_BASE if rules.ruleset is not RulesetName.GENERIC else RULE_GENERIC,
            f"Threshold base (reading threshold-base={base_reading.value}): the votes for "
            f"parties only, {grouped(parties_votes)} (against all, {grouped(aa)}, left out)",
        ))
    th = threshold(votes, share_, base, rule=rules.rule)
    steps.extend(th.explanation)
    if not th.passed:
        best = max(parties, key=lambda p: p.votes)
        raise RuleError(
            f"no party reached the {decimal_text(share_ * 100, 2)}% threshold (the best, "
            f"{best.party}, has {grouped(best.votes)} of {grouped(base)}); the statute as read "
            f"does not say how seats are then allocated",
            code="no_party_passed",
            details={"field": "threshold", "expected": f">= {decimal_text(th.minimum, 2)} votes",
                     "actual": best.votes},
        )

    guarantee_on = len(th.passed) == 1 and len(parties) >= 2 and (
        rules.guarantee is Guarantee.STATUTE
        or (rules.guarantee is Guarantee.UNVERIFIED
            and readings.second_party is SecondPartyReading.APPLY)
    )
    allocation: Allocation | None = None
    guarantee: GuaranteeResult | None = None
    ties: tuple[Tie, ...] = ()
    breaks: tuple[TieBreak, ...] = ()
    admitted_by: str | None = None
    seats_of: dict[str, int] = dict.fromkeys(votes, 0)
    quotient: dict[str, Fraction] = {}
    whole: dict[str, int] = {}
    remainder: dict[str, Fraction] = {}
    quota: Fraction | None = None
    admitted: tuple[str, ...]
    if guarantee_on:
        g_steps: list[Step]
        guarantee, g_ties, g_breaks, g_steps = _second_party(
            votes, th.passed[0], th.failed, n_seats, rules, readings, breaker
        )
        steps.extend(g_steps)
        ties, breaks = g_ties, g_breaks
        quota = guarantee.quota
        seats_of[guarantee.leader] = guarantee.leader_seats
        quotient[guarantee.leader] = guarantee.leader_quotient
        whole[guarantee.leader] = int(guarantee.leader_quotient)
        remainder[guarantee.leader] = guarantee.leader_quotient - whole[guarantee.leader]
        if guarantee.runner_up is not None:
            admitted_by = guarantee.runner_up
            seats_of[admitted_by] = guarantee.runner_up_seats
            quotient[admitted_by] = guarantee.corrected_quotient
            whole[admitted_by] = int(guarantee.corrected_quotient)
            remainder[admitted_by] = guarantee.corrected_quotient - whole[admitted_by]
            admitted = (guarantee.leader, admitted_by)
        else:
            admitted = (guarantee.leader,)
    else:
        if len(th.passed) == 1 and len(parties) >= 2:
            steps.append(_no_guarantee_step(rules, th.passed[0]))
        admitted = th.passed
        admitted_votes = grouped(sum(votes[p] for p in admitted))
        steps.append(Step(
            rules.seats_rule,
            f"Admitted to the distribution: {', '.join(admitted)} ({len(admitted)} "
            f"part{'y' if len(admitted) == 1 else 'ies'}, {admitted_votes} votes)",
        ))
        allocation = allocation_method(method_)(
            {p: votes[p] for p in admitted}, n_seats, tie_breaker=breaker
        )
        steps.extend(
            Step(rules.seats_rule if s.rule == RULE_HARE and rules.ruleset is not
                 RulesetName.GENERIC else s.rule, s.text)
            for s in allocation.explanation
        )
        ties, breaks = allocation.ties, allocation.tie_breaks
        quota = allocation.quota
        for r in allocation.rows:
            seats_of[r.party] = r.seats
            if r.quotient is not None:
                quotient[r.party] = r.quotient
            whole[r.party] = r.whole
            if r.remainder is not None:
                remainder[r.party] = r.remainder

    order = sorted(votes, key=lambda p: (-votes[p], p))
    by_party = {p.party: p for p in parties}
    rows = tuple(
        ListRow(
            party=p,
            votes=votes[p],
            registration_order=by_party[p].registration_order,
            share=share(votes[p], base),
            passed=p in th.passed,
            admitted=p in admitted,
            quotient=quotient.get(p),
            whole=whole.get(p, 0),
            remainder=remainder.get(p),
            seats=seats_of[p],
        )
        for p in order
    )
    decided = sum(r.seats for r in rows)
    outcome = ListOutcome.TIE if ties else ListOutcome.ALLOCATED
    listing = ", ".join(f"{r.party} {r.seats}" for r in rows if r.admitted)
    if outcome is ListOutcome.TIE:
        steps.append(Step(
            RULE_2022_SEATS if rules.ruleset is not RulesetName.GENERIC else RULE_GENERIC,
            f"Decision: UNDECIDED: {n_seats - decided} seat(s) wait for a tie to be broken "
            f"(give every tied party its registration order, or a recorded lot seed); decided: "
            f"{listing} ({decided} of {n_seats})",
        ))
    else:
        steps.append(Step(
            rules.seats_rule,
            f"Decision: {listing} (total {decided} of {n_seats} seats); every other party 0",
        ))
    return ListDecision(
        ruleset=rules.ruleset,
        body=rules.body,
        method=method_,
        method_verified=rules.method_verified,
        seats_total=n_seats,
        threshold=share_,
        threshold_reading=base_reading,
        threshold_base=base,
        parties_votes=parties_votes,
        against_all=against_all,
        minimum_votes=th.minimum,
        rows=rows,
        passed=admitted,
        admitted_by_guarantee=admitted_by,
        quota=quota,
        allocation=allocation,
        guarantee=guarantee,
        ties=ties,
        tie_breaks=breaks,
        lot=lot,
        readings=readings,
        unverified=unverified,
        outcome=outcome,
        explanation=tuple(steps),
    )


def _unverified(rules: ListRules) -> tuple[str, ...]:
    if rules.ruleset is RulesetName.KZ_2007:
        return ("runner_up_minimum", "leftover")
    if rules.ruleset is RulesetName.KZ_2022:
        return ("threshold_base", "second_party", "runner_up_minimum", "leftover")
    if rules.ruleset is RulesetName.KZ_2026:
        return ("method", "threshold_base", "second_party", "runner_up_minimum", "leftover")
    return ()


def _pct(value: Fraction) -> str:
    return decimal_text(value * 100, 4).rstrip("0").rstrip(".")


def _ruleset_step(rules: ListRules, seats: int, share_: Fraction, method: Method) -> Step:
    name = rules.ruleset.value
    if rules.ruleset is RulesetName.GENERIC:
        return Step(RULE_GENERIC, f"Ruleset generic: {seats} seats, threshold {_pct(share_)}%, "
                                  f"method {method.value} (parameters given)")
    text = (
        f"Ruleset {name}: {rules.body}, {seats} seats in one nationwide district, threshold "
        f"{_pct(share_)}% ('not less than'), largest remainder with quota = admitted parties' "
        f"votes / {seats}, equal remainders to the list registered earlier"
    )
    if rules.ruleset is RulesetName.KZ_2026:
        text = (
            f"Ruleset kz-2026: {rules.body} of {seats}, one nationwide district, threshold "
            f"{_pct(share_)}%; the seat method is UNVERIFIED: "
            + (
                "the Majilis list method is assumed (largest remainder, quota = admitted "
                "parties' votes / seats, registration order for equal remainders)"
                if method is Method.HARE
                else f"the method chosen is {method.value} (the assumed default is hare)"
            )
        )
    return Step(rules.rule, text)


def _reading_steps(rules: ListRules, readings: ListReadings, method: Method) -> list[Step]:
    steps: list[Step] = []
    if rules.ruleset is RulesetName.KZ_2026:
        steps.append(Step(RULE_2026, f"Reading in force (method={method.value}, UNVERIFIED): "
                                     f"the other choices are "
                                     f"{', '.join(m.value for m in Method if m is not method)}"))
    if rules.ruleset in (RulesetName.KZ_2022, RulesetName.KZ_2026):
        if readings.threshold_base is ThresholdBase.PARTIES_AND_AGAINST_ALL:
            text = ("the threshold base is the votes for parties plus 'against all' (invalid "
                    "ballots excluded); the other reading is 'parties'")
        else:
            text = ("the threshold base is the votes for parties only; the other (default) "
                    "reading is 'parties-and-against-all'")
        steps.append(Step(RULE_2022_BASE, f"Reading in force (threshold-base="
                                          f"{readings.threshold_base.value}, UNVERIFIED): {text}"))
        if readings.second_party is SecondPartyReading.APPLY:
            text = ("if fewer than two parties pass, the kz-2007 second-party guarantee is "
                    "applied; the other reading is 'none'")
        else:
            text = ("no second-party guarantee: the parties that pass share every seat; the "
                    "other (default) reading is 'apply'")
        steps.append(Step(RULE_2022_FEWER, f"Reading in force (second-party="
                                           f"{readings.second_party.value}, UNVERIFIED): {text}"))
    if rules.guarantee is not Guarantee.NONE:
        if readings.runner_up_minimum is RunnerUpMinimum.TWO:
            text = ("under the guarantee the runner-up gets at least two seats: max(2, its "
                    "corrected integer part); the other reading is 'none'")
        else:
            text = ("under the guarantee the runner-up gets its corrected integer part, with no "
                    "minimum; the other (default) reading is 'two'")
        steps.append(Step(RULE_2007_MINIMUM, f"Reading in force (runner-up-minimum="
                                             f"{readings.runner_up_minimum.value}, UNVERIFIED): "
                                             f"{text}"))
        if readings.leftover is LeftoverSeats.LEADER:
            text = ("under the guarantee the leader takes every seat left over, so no remainder "
                    "seat undoes the correction; the other reading is 'largest-remainder'")
        else:
            text = ("under the guarantee the seats left over go one each to the larger "
                    "remainder, round after round; the other (default) reading is 'leader'")
        steps.append(Step(RULE_2007_LEFTOVER, f"Reading in force (leftover="
                                              f"{readings.leftover.value}, UNVERIFIED): {text}"))
    return steps


def _no_guarantee_step(rules: ListRules, only: str) -> Step:
    if rules.guarantee is Guarantee.UNVERIFIED:
        return Step(RULE_2022_FEWER, f"Only {only} passed; under the reading second-party=none "
                                     f"(UNVERIFIED) no other party is admitted")
    return Step(RULE_GENERIC, f"Only {only} passed; the generic ruleset has no second-party "
                              f"guarantee")


def _second_party(
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
        steps.append(Step(RULE_2022_FEWER, f"Only {leader} passed the threshold: the kz-2007 "
                                           f"second-party guarantee is applied (UNVERIFIED under "
                                           f"{rules.ruleset.value}, reading second-party=apply)"))
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
    steps.append(Step(rule, f"Only {leader} passed the threshold: the party with the next most "
                            f"votes, {shown} ({grouped(top)}), is admitted to the distribution"))
    total = votes[leader] + top
    quota = Fraction(total, seats)
    lq = votes[leader] / quota
    rq = top / quota
    rc = rq * CORRECTION_INDEX
    r_whole = int(rc)
    steps.append(Step(rule, f"Quota = ({grouped(votes[leader])} + {grouped(top)}) / {seats} = "
                            f"{number_text(quota)} "
                            f"(exactly {quota.numerator}/{quota.denominator})"))
    steps.append(Step(rule, f"{leader}: {grouped(votes[leader])} / quota = {decimal_text(lq)}"))
    steps.append(Step(rule, f"{shown}: {grouped(top)} / quota = {decimal_text(rq)}; × 0.7 "
                            f"(correction index) = {decimal_text(rc)}; integer part {r_whole}"))
    minimum_applied = False
    r_seats = r_whole
    if readings.runner_up_minimum is RunnerUpMinimum.TWO:
        r_seats = min(seats, max(2, r_whole))
        minimum_applied = r_seats != r_whole
        steps.append(Step(RULE_2007_MINIMUM, f"Runner-up minimum (reading two, UNVERIFIED): "
                                             f"max(2, {r_whole}) = {r_seats} seat(s)"))
    if readings.leftover is LeftoverSeats.LEADER:
        l_seats = seats - r_seats
        steps.append(Step(RULE_2007_LEFTOVER, f"Seats left over (reading leader, UNVERIFIED): "
                                              f"the leader takes all the rest: {seats} - "
                                              f"{r_seats} = {l_seats}"))
    else:
        l_whole = int(lq)
        l_seats = min(l_whole, seats - r_seats)
        left = seats - l_seats - r_seats
        l_rem = lq - l_whole
        r_rem = rc - r_whole
        if left:
            if minimum_applied:
                l_seats += left
                steps.append(Step(RULE_2007_LEFTOVER, f"Seats left over (reading "
                                  f"largest-remainder, UNVERIFIED): {left}; the runner-up was "
                                  f"already raised to its minimum, so the leader takes them"))
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
                steps.append(Step(RULE_2007_LEFTOVER, f"Seats left over (reading "
                                  f"largest-remainder, UNVERIFIED): {left}, one each to the "
                                  f"larger remainder in turn ({leader} {decimal_text(l_rem)}, "
                                  f"{shown} {decimal_text(r_rem)})"))
    steps.append(Step(rule, f"Seats under the guarantee: {leader} {l_seats} + {shown} "
                            f"{r_seats} = {l_seats + r_seats}"))
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


# --- the wire shape ---------------------------------------------------------------------------


def _tie_json(t: Tie) -> dict[str, Any]:
    return {"parties": list(t.parties), "places": t.places, "stage": t.stage,
            "value": fraction_json(t.value)}


def decision_json(d: ListDecision) -> dict[str, Any]:
    """The list decision as plain JSON-able data (`saylau allocate --json`)."""
    return {
        "kind": "party-list",
        "ruleset": d.ruleset.value,
        "body": d.body,
        "method": d.method.value,
        "method_verified": d.method_verified,
        "outcome": d.outcome.value,
        "seats_total": d.seats_total,
        "seats": d.seats,
        "undecided": d.undecided,
        "passed": list(d.passed),
        "admitted_by_guarantee": d.admitted_by_guarantee,
        "threshold": share_json(d.threshold),
        "threshold_base": {
            "reading": d.threshold_reading.value if d.threshold_reading else "parties",
            "votes": d.threshold_base,
            "parties": d.parties_votes,
            "against_all": d.against_all,
        },
        "minimum_votes": fraction_json(d.minimum_votes),
        "quota": fraction_json(d.quota) if d.quota is not None else None,
        "last_quotient": (
            fraction_json(d.allocation.last_quotient)
            if d.allocation is not None and d.allocation.last_quotient is not None else None
        ),
        "parties": [
            {
                "party": r.party,
                "votes": r.votes,
                "registration_order": r.registration_order,
                "share": share_json(r.share),
                "passed": r.passed,
                "admitted": r.admitted,
                "quotient": fraction_json(r.quotient) if r.quotient is not None else None,
                "whole": r.whole,
                "remainder": fraction_json(r.remainder) if r.remainder is not None else None,
                "seats": r.seats,
            }
            for r in d.rows
        ],
        "guarantee": (
            None if d.guarantee is None else {
                "leader": d.guarantee.leader,
                "runner_up": d.guarantee.runner_up,
                "quota": fraction_json(d.guarantee.quota),
                "correction_index": fraction_json(CORRECTION_INDEX),
                "runner_up_quotient": fraction_json(d.guarantee.runner_up_quotient),
                "corrected_quotient": fraction_json(d.guarantee.corrected_quotient),
                "leader_seats": d.guarantee.leader_seats,
                "runner_up_seats": d.guarantee.runner_up_seats,
                "minimum_applied": d.guarantee.minimum_applied,
                "unverified": d.guarantee.unverified,
            }
        ),
        "ties": [_tie_json(t) for t in d.ties],
        "tie_breaks": [
            {**_tie_json(b.tie), "rule": b.rule.value, "order": list(b.order),
             "winners": list(b.winners), "detail": b.detail}
            for b in d.tie_breaks
        ],
        "lot": (
            None if d.lot is None else {"seed": d.lot.seed_hex, "procedure": LOT_PROCEDURE}
        ),
        "readings": d.readings.as_dict(),
        "unverified": list(d.unverified),
        "explanation": [s.render() for s in d.explanation],
    }
