"""The President: more than half of the participants' votes, else a runoff of the top two
(docs/law.md §9)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from saylau.domain.errors import ValidationFailed, field_error
from saylau.domain.explain import (
    Step,
    join,
    pct,
    share,
    step,
)
from saylau.domain.law.allocation import Tie
from saylau.domain.law.candidates.values import (
    RULE_PRESIDENT,
    RULE_PRESIDENT_RUNOFF,
    RULE_RULESETS,
    RULE_SOLE,
    CandidateDecision,
    CandidateKind,
    CandidateVotes,
    Outcome,
    _ordered,
    _plus,
    _refuse_against_all,
    _round,
    _ruleset,
    _shares,
    _tally_steps,
    _top_two,
    _validate,
)
from saylau.domain.rulesets import (
    RulesetName,
)


def decide_president(
    candidates: Sequence[CandidateVotes],
    *,
    ruleset: RulesetName | str,
    against_all: int | None = None,
    invalid: int | None = None,
    round: int = 1,
) -> CandidateDecision:
    """The President: more than half of the participants' votes, else a runoff of the top two."""
    rs = _ruleset(ruleset)
    rnd = _round(round)
    _validate(candidates, {"against_all": against_all, "invalid": invalid})
    if rs is RulesetName.KZ_2007:
        _refuse_against_all(rs, against_all, "it came onto the ballot in 2022")
    aa = against_all or 0
    total = sum(c.votes for c in candidates)
    participants = total + aa + (invalid or 0)
    shares = _shares(candidates, against_all, participants)
    unverified: list[str] = []
    steps: list[Step] = []
    if rs is RulesetName.KZ_2026:
        unverified.append("president_rule_2026")
        steps.append(step("cand.president.2026", RULE_RULESETS))
    else:
        steps.append(step("cand.president.intro", RULE_RULESETS, ruleset=rs.value, round=rnd))
    base = step("cand.base.president", RULE_PRESIDENT, participants=participants,
                candidates=total, against_all=_plus("cand.plus.against_all", against_all),
                invalid=_plus("cand.plus.invalid", invalid))
    steps.extend(_tally_steps(RULE_PRESIDENT, shares, participants, base))
    winner: str | None = None
    runoff: tuple[str, str] | None = None
    tie: Tie | None = None
    ordered = _ordered(candidates)
    if rnd == 2:
        unverified.append("runoff_rule")
        winner, tie, outcome = _second_round(ordered, RULE_PRESIDENT_RUNOFF, steps, "runoff")
    else:
        best = ordered[0]
        if 2 * best.votes > participants:
            outcome, winner = Outcome.ELECTED, best.name
            steps.append(step("cand.president.elected", RULE_PRESIDENT, name=best.name,
                              votes=best.votes, participants=participants,
                              share=pct(share(best.votes, participants)),
                              double=2 * best.votes))
        else:
            steps.append(step("cand.president.no_majority", RULE_PRESIDENT, name=best.name,
                              votes=best.votes, double=2 * best.votes,
                              participants=participants))
            outcome, runoff, tie = _runoff_or_tie(ordered, RULE_PRESIDENT, steps, unverified)
    return CandidateDecision(
        kind=CandidateKind.PRESIDENT, ruleset=rs, round=rnd, outcome=outcome, winner=winner,
        runoff=runoff, tie=tie, participants=participants, against_all=against_all,
        invalid=invalid, electors=None, electors_present=None, shares=shares,
        unverified=tuple(unverified), explanation=tuple(steps),
    )


def _runoff_or_tie(
    ordered: Sequence[CandidateVotes], rule: str, steps: list[Step], unverified: list[str]
) -> tuple[Outcome, tuple[str, str] | None, Tie | None]:
    if len(ordered) == 1:
        unverified.append("sole_candidate")
        steps.append(step("cand.sole", RULE_SOLE, name=ordered[0].name))
        return Outcome.REPEAT, None, None
    pair, tie = _top_two(ordered, "runoff place")
    if pair is not None:
        steps.append(step("cand.runoff", rule, first=pair[0], second=pair[1]))
        return Outcome.RUNOFF, pair, None
    assert tie is not None
    steps.append(step("cand.runoff.tie", rule, names=join(tie.parties), votes=int(tie.value),
                      places=tie.places))
    return Outcome.TIE, None, tie


def _second_round(
    ordered: Sequence[CandidateVotes], rule: str, steps: list[Step], stage: str
) -> tuple[str | None, Tie | None, Outcome]:
    if len(ordered) != 2:
        raise ValidationFailed(
            f"a second round is between two candidates, not {len(ordered)}",
            code="second_round_candidates",
            details={"findings": [field_error("candidates", "exactly 2", len(ordered),
                                              "a second round has two candidates")]},
        )
    a, b = ordered
    if a.votes == b.votes:
        tie = Tie(tuple(sorted((a.name, b.name))), 1, stage, Fraction(a.votes))
        steps.append(step("cand.round2.tie", rule, first=a.name, second=b.name, votes=a.votes))
        return None, tie, Outcome.TIE
    steps.append(step("cand.round2.elected", rule, first=a.name, second=b.name,
                      first_votes=a.votes, second_votes=b.votes))
    return a.name, None, Outcome.ELECTED
