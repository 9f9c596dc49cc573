"""The list seats under any ruleset: the threshold, the admission (with kz-2007's second-party
guarantee where it applies), the seat method, ties (docs/law.md §5.2-§5.6, §6, §7, §15)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from saylau.domain.contests import AGAINST_ALL
from saylau.domain.errors import RuleError, ValidationFailed, field_error
from saylau.domain.explain import (
    Phrase,
    Step,
    decimal_text,
    grouped,
    join,
    phrase,
    share,
    step,
)
from saylau.domain.law.allocation import (
    RULE_HARE,
    Allocation,
    Lot,
    Method,
    Tie,
    TieBreak,
    TieBreaker,
    allocation_method,
    threshold,
)
from saylau.domain.law.parliament import kz2007, kz2022, kz2026
from saylau.domain.law.parliament.readings import ListReadings, SecondPartyReading
from saylau.domain.law.parliament.values import (
    RULE_2022_SEATS,
    RULE_GENERIC,
    GuaranteeResult,
    ListDecision,
    ListOutcome,
    ListRow,
    ListRules,
    PartyVotes,
    _effective,
    _legal,
    list_rules,
    validate_parties,
)
from saylau.domain.rulesets import Guarantee, RulesetName

DEFAULT_READINGS = ListReadings()
"""The readings in force unless others are given (each point's named default)."""


def decide_list_seats(
    parties: Sequence[PartyVotes],
    *,
    ruleset: RulesetName | str,
    against_all: int | None = None,
    seats: int | None = None,
    threshold_share: Fraction | None = None,
    method: Method | str | None = None,
    readings: ListReadings = DEFAULT_READINGS,
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
    base, base_reading, base_step = kz2022.threshold_base(rules, readings, parties_votes, aa)

    unverified = _unverified(rules)
    steps: list[Step] = [_ruleset_step(rules, n_seats, share_, method_)]
    steps.extend(_reading_steps(rules, readings, method_))
    steps.append(base_step)
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
        guarantee, g_ties, g_breaks, g_steps = kz2007.second_party_guarantee(
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
            steps.append(kz2022.no_guarantee_step(rules, th.passed[0]))
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


def _ruleset_step(rules: ListRules, seats: int, share_: Fraction, method: Method) -> Step:
    """The ruleset's body, seats and threshold (and method, where it is not fixed)."""
    if rules.ruleset is RulesetName.GENERIC:
        return step("list.ruleset.generic", RULE_GENERIC, seats=seats, threshold=_legal(share_),
                    method=method.value)
    if rules.ruleset is RulesetName.KZ_2026:
        return kz2026.ruleset_step(rules, seats, share_, method)
    return step("list.ruleset", rules.rule, ruleset=rules.ruleset.value,
                body=Phrase(rules.body_code), seats=seats, threshold=_legal(share_))


def _reading_steps(rules: ListRules, readings: ListReadings, method: Method) -> list[Step]:
    """The readings in force for the ruleset's UNVERIFIED points."""
    steps: list[Step] = []
    if rules.ruleset is RulesetName.KZ_2026:
        steps.append(kz2026.method_reading_step(method))
    if rules.ruleset in (RulesetName.KZ_2022, RulesetName.KZ_2026):
        steps.extend(kz2022.reading_steps(readings))
    if rules.guarantee is not Guarantee.NONE:
        steps.extend(kz2007.guarantee_reading_steps(readings))
    return steps


def _unverified(rules: ListRules) -> tuple[str, ...]:
    if rules.ruleset is RulesetName.KZ_2007:
        return ("runner_up_minimum", "leftover")
    if rules.ruleset is RulesetName.KZ_2022:
        return ("threshold_base", "second_party", "runner_up_minimum", "leftover")
    if rules.ruleset is RulesetName.KZ_2026:
        return ("method", "threshold_base", "second_party", "runner_up_minimum", "leftover")
    return ()
