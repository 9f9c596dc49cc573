"""A single-member district (kz-2022, generic): the most votes wins; "against all" first means a
repeat election (docs/law.md §5.7)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from saylau.domain.contests import AGAINST_ALL
from saylau.domain.errors import RuleError
from saylau.domain.explain import (
    Phrase,
    Step,
    join,
    step,
)
from saylau.domain.law.allocation import Tie
from saylau.domain.law.candidates.values import (
    RULE_DISTRICT,
    RULE_DISTRICT_AA,
    RULE_DISTRICT_TIE,
    RULE_RULESETS,
    CandidateDecision,
    CandidateKind,
    CandidateVotes,
    Outcome,
    _plus,
    _ruleset,
    _shares,
    _tally_steps,
    _validate,
)
from saylau.domain.rulesets import (
    RULESETS,
    RulesetName,
    rulesets_with_districts,
)


def decide_district(
    candidates: Sequence[CandidateVotes],
    *,
    ruleset: RulesetName | str,
    against_all: int | None = None,
    invalid: int | None = None,
) -> CandidateDecision:
    """A single-member district: the most votes wins; "against all" first means a repeat."""
    rs = _ruleset(ruleset)
    _validate(candidates, {"against_all": against_all, "invalid": invalid})
    if not RULESETS[rs].has_districts:
        raise RuleError(
            f"there are no single-member districts under {rs.value} ("
            + ("98 party-list seats + 9 by the APK" if rs is RulesetName.KZ_2007
               else "the Kurultai is elected only from party lists")
            + "); use kz-2022 or generic",
            code="no_districts",
            details={"field": "ruleset", "expected": list(rulesets_with_districts()),
                     "actual": rs.value},
        )
    aa = against_all or 0
    participants = sum(c.votes for c in candidates) + aa + (invalid or 0)
    shares = _shares(candidates, against_all, participants)
    steps: list[Step] = [step("cand.district.intro", RULE_RULESETS, ruleset=rs.value)]
    base = step("cand.base.district", RULE_DISTRICT, participants=participants,
                candidates=sum(c.votes for c in candidates),
                against_all=_plus("cand.plus.against_all", against_all),
                invalid=_plus("cand.plus.invalid", invalid))
    steps.extend(_tally_steps(RULE_DISTRICT, shares, participants, base))
    entries = [(c.name, c.votes, False) for c in candidates]
    if against_all is not None:
        entries.append((AGAINST_ALL, against_all, True))
    top = max(v for _, v, _ in entries)
    leaders = [(n, is_aa) for n, v, is_aa in entries if v == top]
    unverified: tuple[str, ...] = ("against_all_first",) if against_all is not None else ()
    winner: str | None = None
    tie: Tie | None = None
    if len(leaders) == 1 and leaders[0][1]:
        outcome = Outcome.REPEAT
        steps.append(step("cand.district.repeat", RULE_DISTRICT_AA, votes=top))
    elif len(leaders) == 1:
        outcome = Outcome.ELECTED
        winner = leaders[0][0]
        second = max((v for n, v, _ in entries if n != winner), default=0)
        steps.append(step("cand.district.elected", RULE_DISTRICT, winner=winner, votes=top,
                          lead=top - second))
    else:
        outcome = Outcome.TIE
        names = tuple(sorted(n for n, _ in leaders))
        tie = Tie(names, 1, "first place", Fraction(top))
        with_aa = any(is_aa for _, is_aa in leaders)
        steps.append(step(
            "cand.district.tie", RULE_DISTRICT_TIE, votes=top,
            names=join(Phrase("word.against_all") if n == AGAINST_ALL else n for n in names),
            against_all=Phrase("cand.district.tie_against_all") if with_aa else None,
        ))
        if with_aa:
            unverified = (*unverified, "against_all_tie")
    return CandidateDecision(
        kind=CandidateKind.DISTRICT, ruleset=rs, round=1, outcome=outcome, winner=winner,
        runoff=None, tie=tie, participants=participants, against_all=against_all,
        invalid=invalid, electors=None, electors_present=None, shares=shares,
        unverified=unverified, explanation=tuple(steps),
    )
