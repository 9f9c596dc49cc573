"""Party-list seats of the Majilis (and of the 2026 Kurultai) under each ruleset.

Sources (docs/law.md §2 rulesets, §5 Majilis kz-2022, §6 kz-2007, §7 kz-2026): the
Constitution, Art. 50(3) as amended in 2022; the Constitutional Law "On Elections in the
Republic of Kazakhstan", Art. 9(2) and Art. 97 (the list method; old Art. 97(2)-(3) for the
second-party guarantee); the CEC decision of 27 March 2023; IPU PARLINE; the Constitution
adopted on 15 March 2026.

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
  (default: apply it and say so, docs/law.md §5.5) or `NONE`.
- `kz-2026`: a Kurultai of 145, one nationwide district, 5%. The seat method is UNVERIFIED:
  the Majilis list method above is assumed (largest remainder with the Hare quota on the
  admitted parties, the guarantee under the same reading), and another method can be chosen.
- `generic`: the seats, the threshold (default 0) and the method (default Hare) are given.

A party that reaches the threshold exactly passes ("not less than"); all comparisons are exact.
If no party passes, the statute as read (docs/law.md §5.6) does not say what happens: a `RuleError`.
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
from saylau.domain.explain import (
    DEFAULT_LANG,
    Arg,
    Fig,
    Phrase,
    Step,
    Style,
    decimal_text,
    either,
    explanation_json,
    grouped,
    join,
    num,
    phrase,
    share,
    share_json,
    step,
)
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
    fraction_json,
    threshold,
    tie_steps,
)
from saylau.domain.lookup import lookup, unknown_finding
from saylau.domain.rulesets import RULESETS, Guarantee, Ruleset, RulesetName

# --- citations (codes of saylau.domain.law.texts.citations; docs/law.md §2, §5, §6, §7) -------

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

CORRECTION_INDEX = Fraction(7, 10)
"""The kz-2007 correction index applied to the runner-up's quotient (old Art. 97(3))."""


# --- readings of the UNVERIFIED points --------------------------------------------------------


class ThresholdBase(StrEnum):
    """What the threshold percentage is a percentage of (docs/law.md §5.2; UNVERIFIED)."""

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
    """The readings in force for the points docs/law.md marks UNVERIFIED; printed in every
    decision."""

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
    base_rule = RULE_2022_BASE if rules.ruleset is not RulesetName.GENERIC else RULE_GENERIC
    if base_reading is None:
        steps.append(step("list.base.votes", rules.rule, votes=parties_votes))
    elif base_reading is ThresholdBase.PARTIES_AND_AGAINST_ALL:
        steps.append(step("list.base.with_against_all", base_rule, reading=base_reading.value,
                          parties=parties_votes, against_all=aa, base=base))
    else:
        steps.append(step("list.base.parties_only", base_rule, reading=base_reading.value,
                          parties=parties_votes, against_all=aa))
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
        steps.append(step(
            "list.admitted.one" if len(admitted) == 1 else "list.admitted.many",
            rules.seats_rule, parties=join(admitted), n=len(admitted),
            votes=sum(votes[p] for p in admitted),
        ))
        allocation = allocation_method(method_)(
            {p: votes[p] for p in admitted}, n_seats, tie_breaker=breaker
        )
        steps.extend(
            s.with_cite(rules.seats_rule)
            if s.cite == RULE_HARE and rules.ruleset is not RulesetName.GENERIC else s
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
    listing = join(phrase("item.name_seats", name=r.party, value=r.seats)
                   for r in rows if r.admitted)
    if outcome is ListOutcome.TIE:
        steps.append(step(
            "list.decision.tie",
            RULE_2022_SEATS if rules.ruleset is not RulesetName.GENERIC else RULE_GENERIC,
            undecided=n_seats - decided, listing=listing, decided=decided, seats=n_seats,
        ))
    else:
        steps.append(step("list.decision", rules.seats_rule, listing=listing, decided=decided,
                          seats=n_seats))
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


def _legal(value: Fraction) -> Fig:
    return Fig(value, Style.LEGAL)


def _decimal(value: Fraction) -> Fig:
    return Fig(value, Style.DECIMAL)


def _ruleset_step(rules: ListRules, seats: int, share_: Fraction, method: Method) -> Step:
    body = Phrase(rules.body_code)
    if rules.ruleset is RulesetName.GENERIC:
        return step("list.ruleset.generic", RULE_GENERIC, seats=seats, threshold=_legal(share_),
                    method=method.value)
    if rules.ruleset is RulesetName.KZ_2026:
        chosen = (Phrase("list.2026.assumed") if method is Method.HARE
                  else phrase("list.2026.chosen", method=method.value))
        return step("list.ruleset.2026", rules.rule, body=body, seats=seats,
                    threshold=_legal(share_), method=chosen)
    return step("list.ruleset", rules.rule, ruleset=rules.ruleset.value, body=body, seats=seats,
                threshold=_legal(share_))


def _reading(key: str, cite: str, value: str, text_code: str) -> Step:
    return step(f"list.reading.{key}", cite, value=value, text=Phrase(text_code))


def _reading_steps(rules: ListRules, readings: ListReadings, method: Method) -> list[Step]:
    steps: list[Step] = []
    if rules.ruleset is RulesetName.KZ_2026:
        steps.append(step("list.reading.method", RULE_2026, method=method.value,
                          others=join(m.value for m in Method if m is not method)))
    if rules.ruleset in (RulesetName.KZ_2022, RulesetName.KZ_2026):
        base = readings.threshold_base.value
        steps.append(_reading("threshold_base", RULE_2022_BASE, base, f"list.base.{base}"))
        second = readings.second_party.value
        steps.append(_reading("second_party", RULE_2022_FEWER, second, f"list.second.{second}"))
    if rules.guarantee is not Guarantee.NONE:
        minimum = readings.runner_up_minimum.value
        steps.append(_reading("runner_up_minimum", RULE_2007_MINIMUM, minimum,
                              f"list.minimum.{minimum}"))
        leftover = readings.leftover.value
        steps.append(_reading("leftover", RULE_2007_LEFTOVER, leftover,
                              f"list.leftover.{leftover}"))
    return steps


def _no_guarantee_step(rules: ListRules, only: str) -> Step:
    if rules.guarantee is Guarantee.UNVERIFIED:
        return step("list.only.none", RULE_2022_FEWER, party=only)
    return step("list.only.generic", RULE_GENERIC, party=only)


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


# --- the wire shape ---------------------------------------------------------------------------


def _tie_json(t: Tie) -> dict[str, Any]:
    return {"parties": list(t.parties), "places": t.places, "stage": t.stage,
            "value": fraction_json(t.value)}


def decision_json(d: ListDecision, lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """The list decision as plain JSON-able data (`saylau allocate --json`).

    The explanation is rendered in `lang` (kk, ru or en); `steps` keeps each step's stable
    code and figures beside its text.
    """
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
        **explanation_json(d.explanation, lang),
    }
