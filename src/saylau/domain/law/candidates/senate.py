"""A Senate seat: valid with more than half of the electors; elected with more than half of
the votes of those present, else a second round (docs/law.md §8.2, §8.3)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from saylau.domain.errors import RuleError, ValidationFailed, field_error
from saylau.domain.explain import (
    Step,
    grouped,
    pct,
    share,
    step,
)
from saylau.domain.law.allocation import Tie
from saylau.domain.law.candidates.president import _runoff_or_tie, _second_round
from saylau.domain.law.candidates.values import (
    RULE_RULESETS,
    RULE_SENATE,
    RULE_SENATE_ROUND2,
    RULE_SENATE_VALID,
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
    _validate,
)
from saylau.domain.rulesets import (
    RULESETS,
    RulesetName,
    rulesets_with_senate,
)


def decide_senate_seat(
    candidates: Sequence[CandidateVotes],
    *,
    ruleset: RulesetName | str,
    electors: int,
    electors_present: int,
    invalid: int | None = None,
    against_all: int | None = None,
    round: int = 1,
) -> CandidateDecision:
    """A Senate seat: valid with more than half of the electors; more than half of their votes."""
    rs = _ruleset(ruleset)
    rnd = _round(round)
    _validate(candidates, {"electors": electors, "electors_present": electors_present,
                           "invalid": invalid, "against_all": against_all})
    if RULESETS[rs].senate is None:
        raise RuleError(
            "there is no Senate under kz-2026 (the 2026 Constitution makes Parliament a "
            "unicameral Kurultai); use kz-2022, kz-2007 or generic",
            code="no_senate",
            details={"field": "ruleset", "expected": list(rulesets_with_senate()),
                     "actual": rs.value},
        )
    _refuse_against_all(rs, against_all, "senators are elected by the maslikhat deputies")
    total = sum(c.votes for c in candidates)
    findings: list[dict[str, Any]] = []
    if electors < 1:
        findings.append(field_error("electors", ">= 1", electors, "a Senate vote needs electors"))
    if electors_present > electors:
        findings.append(field_error("electors_present", f"<= electors ({electors})",
                                    electors_present,
                                    f"{electors_present} electors took part but there are only "
                                    f"{electors}"))
    if total + (invalid or 0) > electors_present:
        findings.append(field_error("votes", f"<= electors present ({electors_present})",
                                    total + (invalid or 0),
                                    f"the ballots ({grouped(total + (invalid or 0))}) exceed the "
                                    f"electors who took part ({grouped(electors_present)})"))
    if findings:
        raise ValidationFailed(findings[0]["message"], code="senate_figures_invalid",
                               details={"findings": findings})
    shares = _shares(candidates, None, electors_present)
    steps: list[Step] = [step("cand.senate.intro", RULE_RULESETS, ruleset=rs.value, round=rnd)]
    valid = 2 * electors_present > electors
    steps.append(step(
        "cand.senate.valid" if valid else "cand.senate.invalid", RULE_SENATE_VALID,
        present=electors_present, electors=electors,
        share=pct(share(electors_present, electors)), double=2 * electors_present,
    ))
    unverified: list[str] = []
    winner: str | None = None
    runoff: tuple[str, str] | None = None
    tie: Tie | None = None
    if not valid:
        outcome = Outcome.INVALID
    else:
        other = electors_present - total - (invalid or 0)
        base = step("cand.base.senate", RULE_SENATE, present=electors_present,
                    candidates=total, invalid=_plus("cand.plus.invalid", invalid),
                    other=_plus("cand.plus.other", other or None))
        steps.extend(_tally_steps(RULE_SENATE, shares, electors_present, base))
        ordered = _ordered(candidates)
        if rnd == 2:
            winner, tie, outcome = _second_round(ordered, RULE_SENATE_ROUND2, steps,
                                                 "second round")
        else:
            best = ordered[0]
            if 2 * best.votes > electors_present:
                outcome, winner = Outcome.ELECTED, best.name
                steps.append(step("cand.senate.elected", RULE_SENATE, name=best.name,
                                  votes=best.votes, present=electors_present,
                                  double=2 * best.votes))
            else:
                steps.append(step("cand.senate.no_majority", RULE_SENATE,
                                  present=electors_present, name=best.name, votes=best.votes))
                outcome, runoff, tie = _runoff_or_tie(ordered, RULE_SENATE, steps, unverified)
    return CandidateDecision(
        kind=CandidateKind.SENATE_SEAT, ruleset=rs, round=rnd, outcome=outcome, winner=winner,
        runoff=runoff, tie=tie, participants=electors_present, against_all=None,
        invalid=invalid, electors=electors, electors_present=electors_present, shares=shares,
        unverified=tuple(unverified), explanation=tuple(steps),
    )
