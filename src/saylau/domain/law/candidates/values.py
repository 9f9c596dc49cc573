"""Candidate contests' values, the checks of their figures, and the steps they share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

from saylau.domain.contests import AGAINST_ALL
from saylau.domain.errors import ValidationFailed, field_error
from saylau.domain.explain import (
    Arg,
    Phrase,
    Step,
    pct,
    phrase,
    share,
    step,
)
from saylau.domain.law.allocation import Tie
from saylau.domain.rulesets import (
    RulesetName,
    ruleset_name,
)

RULE_DISTRICT = "cand.district"
RULE_DISTRICT_AA = "cand.district_against_all"
RULE_DISTRICT_TIE = "cand.district_tie"
RULE_PRESIDENT = "cand.president"
RULE_PRESIDENT_RUNOFF = "cand.president_runoff"
RULE_SENATE_VALID = "cand.senate_valid"
RULE_SENATE = "cand.senate"
RULE_SENATE_ROUND2 = "cand.senate_round2"
RULE_RULESETS = "cand.rulesets"
RULE_SOLE = "cand.sole"


class CandidateKind(StrEnum):
    DISTRICT = "district"
    PRESIDENT = "president"
    SENATE_SEAT = "senate-seat"


class Outcome(StrEnum):
    ELECTED = "elected"
    REPEAT = "repeat"
    """Nobody is elected and the contest is held again."""
    RUNOFF = "runoff"
    """A second round between `runoff` (the two names)."""
    TIE = "tie"
    """The votes alone do not decide; `tie` says between whom and for how many places."""
    INVALID = "invalid"
    """The vote is not valid (Senate: not more than half of the electors took part)."""


@dataclass(frozen=True, slots=True)
class CandidateVotes:
    name: str
    votes: int


@dataclass(frozen=True, slots=True)
class CandidateShare:
    name: str
    votes: int
    share: Fraction
    """votes / participants (0 when nobody took part)."""
    against_all: bool = False


@dataclass(frozen=True, slots=True)
class CandidateDecision:
    kind: CandidateKind
    ruleset: RulesetName
    round: int
    outcome: Outcome
    winner: str | None
    runoff: tuple[str, str] | None
    tie: Tie | None
    participants: int
    against_all: int | None
    invalid: int | None
    electors: int | None
    electors_present: int | None
    shares: tuple[CandidateShare, ...]
    """Candidates by votes, most first (then by name), and "against all" last."""
    unverified: tuple[str, ...]
    """The UNVERIFIED points this decision rests on."""
    explanation: tuple[Step, ...]


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _validate(
    candidates: Sequence[CandidateVotes],
    counts: dict[str, int | None],
) -> None:
    findings: list[dict[str, Any]] = []
    if not candidates:
        findings.append(field_error("candidates", "at least one candidate", 0, "no candidates"))
    seen: dict[str, str] = {}
    for c in candidates:
        if not c.name.strip():
            findings.append(field_error("candidate", "a name", c.name, "a candidate has no name"))
        elif _key(c.name) == _key(AGAINST_ALL):
            findings.append(field_error("candidate", "a candidate's name", c.name,
                                        f"{AGAINST_ALL} is not a candidate"))
        elif _key(c.name) in seen:
            findings.append(field_error("candidate", "each candidate once", c.name,
                                        f"candidate {c.name!r} appears twice "
                                        f"(also as {seen[_key(c.name)]!r})"))
        else:
            seen[_key(c.name)] = c.name
        if isinstance(c.votes, bool) or not isinstance(c.votes, int) or c.votes < 0:
            findings.append(field_error("votes", "a whole number >= 0", c.votes,
                                        f"{c.name}: votes must be a non-negative integer"))
    for name, value in counts.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or value < 0):
            findings.append(field_error(name, "a whole number >= 0", value,
                                        f"{name} must be a non-negative integer"))
    if findings:
        raise ValidationFailed(findings[0]["message"], code="candidates_invalid",
                               details={"findings": findings})


def _refuse_against_all(ruleset: RulesetName, against_all: int | None, why: str) -> None:
    if against_all is not None:
        raise ValidationFailed(
            f"'against all' is not on this ballot ({why}); remove the {AGAINST_ALL} row",
            code="against_all_not_on_ballot",
            details={"findings": [field_error("against_all", "no 'against all' row",
                                              against_all, f"not on the ballot under "
                                                           f"{ruleset.value}")]},
        )


def _ruleset(name: RulesetName | str) -> RulesetName:
    return ruleset_name(name)


def _round(value: int) -> int:
    if value not in (1, 2):
        raise ValidationFailed(
            f"round must be 1 or 2, not {value}",
            code="round_invalid",
            details={"findings": [field_error("round", "1 or 2", value, "no such round")]},
        )
    return value


def _ordered(candidates: Sequence[CandidateVotes]) -> list[CandidateVotes]:
    return sorted(candidates, key=lambda c: (-c.votes, c.name))


def _shares(
    candidates: Sequence[CandidateVotes], against_all: int | None, participants: int
) -> tuple[CandidateShare, ...]:
    out = [CandidateShare(c.name, c.votes, share(c.votes, participants))
           for c in _ordered(candidates)]
    if against_all is not None:
        out.append(CandidateShare(AGAINST_ALL, against_all, share(against_all, participants),
                                  against_all=True))
    return tuple(out)


def _tally_steps(rule: str, shares: Sequence[CandidateShare], participants: int,
                 base: Step) -> list[Step]:
    steps = [base]
    steps.extend(
        step("cand.share", rule,
             name=Phrase("word.against_all") if s.against_all else s.name,
             votes=s.votes, share=pct(s.share), participants=participants)
        for s in shares
    )
    return steps


def _plus(code: str, n: int | None) -> Arg:
    """' + against all 12' and the like; nothing when the figure was not given."""
    return None if n is None else phrase(code, n=n)


def _top_two(
    candidates: Sequence[CandidateVotes], stage: str
) -> tuple[tuple[str, str] | None, Tie | None]:
    """The two candidates with the most votes, or the tie that keeps them from being known."""
    ordered = _ordered(candidates)
    first = ordered[0].votes
    at_first = [c.name for c in ordered if c.votes == first]
    if len(at_first) >= 2:
        if len(at_first) == 2:
            return (at_first[0], at_first[1]), None
        return None, Tie(tuple(sorted(at_first)), 2, stage, Fraction(first))
    second = ordered[1].votes
    at_second = [c.name for c in ordered if c.votes == second]
    if len(at_second) == 1:
        return (ordered[0].name, at_second[0]), None
    return None, Tie(tuple(sorted(at_second)), 1, stage, Fraction(second))
