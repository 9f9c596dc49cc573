"""How each kind of contest is decided, registered by kind: `DECIDERS`, and `decide()`.

Every decider has one signature, `(Inputs) -> Decision`, and applies the law of its kind from
`domain/law/` to the contest's figures (the tally of its stations; a Senate seat's joint-session
rounds), as `domain/law/allocation`'s `METHODS` registers the seat methods. A new kind of
contest adds one function and one line to `DECIDERS`; nothing else chooses by kind.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from saylau.domain import decisions
from saylau.domain.contests import Contest, ContestKind
from saylau.domain.decide.value import Decision, DecisionState, Readings, Reason, SessionRound
from saylau.domain.errors import RuleError
from saylau.domain.explain import Step, step
from saylau.domain.geography import Geography
from saylau.domain.law.candidates import CandidateDecision, CandidateVotes, decide_senate_seat
from saylau.domain.law.parliament import RULE_NO_PARTY, ListDecision, ListReadings
from saylau.domain.law.referendum import ReferendumDecision, ReferendumReadings
from saylau.domain.lookup import lookup
from saylau.domain.rulesets import RulesetName, ruleset_name
from saylau.domain.tally import Tally, UnitResult

RULE_COMPLETE = "decide.complete"
RULE_SESSION = "decide.session"
RULE_AREA = "decide.area"


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything a decider may read: the contest, its tally over the geography, the
    election's ruleset, the readings of the UNVERIFIED points, the election's parameters
    (generic: seats, threshold, method) and a Senate seat's rounds."""

    contest: Contest
    tally: Tally
    geo: Geography
    ruleset: RulesetName
    readings: Readings = field(default_factory=Readings)
    params: Mapping[str, str] = field(default_factory=dict)
    rounds: tuple[SessionRound, ...] = ()


Decider = Callable[[Inputs], Decision]


def _base(
    i: Inputs, state: DecisionState, steps: Sequence[Step], total: UnitResult | None, *,
    outcome: str | None = None, referendum: ReferendumDecision | None = None,
    list_seats: ListDecision | None = None, candidates: CandidateDecision | None = None,
    rounds: tuple[SessionRound, ...] = (), reason: Reason | None = None,
) -> Decision:
    return Decision(
        contest=i.contest.id, kind=i.contest.kind, ruleset=i.ruleset, state=state,
        outcome=outcome, explanation=tuple(steps),
        stations_reported=None if total is None else total.stations_reported,
        stations_expected=None if total is None else total.stations_expected,
        referendum=referendum, list_seats=list_seats, candidates=candidates, rounds=rounds,
        reason=reason,
    )


def _pending(i: Inputs, total: UnitResult) -> Decision:
    return _base(i, DecisionState.PENDING, [step(
        "decide.pending.stations", RULE_COMPLETE, expected=total.stations_expected)], total)


def _undecidable(i: Inputs, exc: RuleError, total: UnitResult | None, cite: str) -> Decision:
    reason = Reason(exc.code, exc.message, dict(exc.details))
    return _base(i, DecisionState.UNDECIDABLE, [step(
        "decide.undecidable", cite, error=exc.code, message=exc.message)], total,
        reason=reason)


def _progress(total: UnitResult) -> DecisionState:
    return DecisionState.FINAL if total.complete else DecisionState.PROVISIONAL


def decide_referendum_contest(i: Inputs) -> Decision:
    """A referendum question: over the top-level units when it is put to the whole country
    (docs/law.md §3); a question put to part of it has no decision of its own."""
    c, total = i.contest, i.tally.result(i.contest.area)
    if c.area != i.geo.root.id:
        return _base(i, DecisionState.NONE, [step(
            "decide.none.area", RULE_AREA, area=i.geo.unit(c.area).name)], total)
    d = decisions.referendum_decision(c, i.tally, i.geo, i.readings.referendum, i.ruleset)
    assert d is not None  # a nationwide referendum always has one
    state = (DecisionState.PENDING if total.stations_reported == 0 else _progress(total))
    return _base(i, state, d.explanation, total, outcome=d.state.value, referendum=d)


def decide_party_list(i: Inputs) -> Decision:
    """The party-list seats under the election's ruleset (docs/law.md §5, §6, §7, §15)."""
    total = decisions.contest_total(i.contest, i.tally)
    if total.stations_reported == 0:
        return _pending(i, total)
    try:
        d = decisions.list_decision(i.contest, i.tally, i.ruleset, i.params,
                                    readings=i.readings.lists)
    except RuleError as exc:  # e.g. no party over the threshold on the first protocols
        return _undecidable(i, exc, total, RULE_NO_PARTY)
    return _base(i, _progress(total), d.explanation, total, outcome=d.outcome.value,
                 list_seats=d)


def decide_candidates(i: Inputs) -> Decision:
    """A single-member district or the presidency (docs/law.md §5.7, §9). Pending before the
    first protocol, with no outcome; the law's figures on no votes yet (every candidate at 0)
    are kept in `candidates`, as the pages and the chamber list a district before it reports."""
    total = decisions.contest_total(i.contest, i.tally)
    try:
        d = decisions.candidate_decision(i.contest, i.tally, i.ruleset)
    except RuleError as exc:
        if total.stations_reported == 0:
            return _pending(i, total)
        return _undecidable(i, exc, total, RULE_COMPLETE)
    if total.stations_reported == 0:
        return dataclasses.replace(_pending(i, total), candidates=d)
    return _base(i, _progress(total), d.explanation, total, outcome=d.outcome.value,
                 candidates=d)


def decide_senate(i: Inputs) -> Decision:
    """A Senate seat from its latest round's current protocol (docs/law.md §8.2, §8.3)."""
    rounds = tuple(sorted(i.rounds, key=lambda r: r.round))
    if not rounds:
        return _base(i, DecisionState.PENDING,
                     [step("decide.pending.session", RULE_SESSION)], None)
    last = rounds[-1]
    try:
        d = decide_senate_seat(
            [CandidateVotes(o, v) for o, v in last.votes], ruleset=i.ruleset,
            electors=last.electors, electors_present=last.electors_present,
            invalid=last.invalid, round=last.round)
    except RuleError as exc:
        return _undecidable(i, exc, None, RULE_SESSION)
    return _base(i, DecisionState.FINAL, d.explanation, None, outcome=d.outcome.value,
                 candidates=d, rounds=rounds)


DECIDERS: Mapping[ContestKind, Decider] = {
    ContestKind.REFERENDUM: decide_referendum_contest,
    ContestKind.PARTY_LIST: decide_party_list,
    ContestKind.SINGLE_MEMBER: decide_candidates,
    ContestKind.PRESIDENTIAL: decide_candidates,
    ContestKind.SENATE_SEAT: decide_senate,
}
"""The registry: each contest kind's decider, all with the one `Decider` signature."""


def decider(kind: ContestKind | str) -> Decider:
    """The decider of contest kind `kind`; the one "unknown contest kind" error otherwise."""
    return lookup(DECIDERS, kind, field="kind", what="contest kind", convert=ContestKind)


def decide(
    contest: Contest,
    tally: Tally,
    geo: Geography,
    ruleset: RulesetName | str,
    *,
    readings: Readings | ReferendumReadings | ListReadings | None = None,
    params: Mapping[str, str] | None = None,
    rounds: Sequence[SessionRound] = (),
) -> Decision:
    """The law's decision on `contest` from its figures: the one place that chooses how to
    decide by kind (see `DECIDERS`). Pure: the same figures give the same decision.

    `tally` is the contest's tally over `geo`; `ruleset` the election's (or another one, to
    compare); `readings` the readings of the UNVERIFIED points (a `ReferendumReadings` or
    `ListReadings` alone is taken too); `params` the election's parameters (generic ruleset:
    seats, threshold, method); `rounds` a Senate seat's joint-session protocols, each at its
    current version. Raises `ValidationFailed` for input that breaks a rule (an unknown
    ruleset, impossible figures); figures the law cannot be applied to give an `undecidable`
    decision instead, with its reason."""
    inputs = Inputs(contest, tally, geo, ruleset_name(ruleset), Readings.of(readings),
                    dict(params or {}), tuple(rounds))
    return decider(contest.kind)(inputs)
