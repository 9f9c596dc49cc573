"""Contests between candidates: a single-member district, the President, a Senate seat.

Sources (docs/law.md): §5.7 (single-member districts), §9 (the President), §8 (the Senate); the
Constitution (Art. 41 on the President; Art. 50-51 on Parliament, as amended in 2022) and the
Constitutional Law "On Elections in the Republic of Kazakhstan".

- District (`kz-2022`, `generic`): the candidate with the most votes is elected; no runoff, no
  turnout minimum. If "against all" has the most votes, nobody is elected and the district
  needs a repeat election (UNVERIFIED; never the runner-up). A tie for first place is an
  explicit tie (also when "against all" shares first place: nobody has the most votes).
  The 29 districts exist only under `kz-2022`: there were none under `kz-2007` and there are
  none in the 2026 Kurultai.
- President (every ruleset; under `kz-2026` assumed unchanged, UNVERIFIED): elected with more
  than half of the votes of those who took part (2·votes > participants; "against all" and
  invalid ballots are in the base); otherwise a runoff between the two candidates with the
  most votes. The runoff itself (`round=2`) is won by the candidate with more votes than the
  other (UNVERIFIED: no source read states a rule for it; docs/law.md §9.2).
- Senate seat (`kz-2007`, `kz-2022`, `generic`; the 2026 Kurultai has no Senate): the vote of
  the unit's maslikhat deputies (electors) is valid if more than half of them take part
  (2·present > electors); a candidate needs more than half of the votes of the electors who
  took part (2·votes > present); otherwise a second round between the top two, won by the most
  votes (`round=2`).

A tie for a place the law decides by votes alone is returned as a `Tie`, never broken here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

from saylau.domain.contests import AGAINST_ALL
from saylau.domain.errors import RuleError, ValidationFailed, field_error
from saylau.domain.explain import (
    DEFAULT_LANG,
    Arg,
    Phrase,
    Step,
    explanation_json,
    grouped,
    join,
    pct,
    phrase,
    share,
    share_json,
    step,
)
from saylau.domain.law.allocation import Tie
from saylau.domain.rulesets import (
    RULESETS,
    RulesetName,
    ruleset_name,
    rulesets_with_districts,
    rulesets_with_senate,
)

# --- citations (codes of saylau.domain.law.texts.citations; docs/law.md §5.7, §8, §9) ---------

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


# --- validation -------------------------------------------------------------------------------


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


# --- district ---------------------------------------------------------------------------------


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


# --- president --------------------------------------------------------------------------------


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


# --- senate seat ------------------------------------------------------------------------------


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


# --- the wire shape ---------------------------------------------------------------------------


def decision_json(d: CandidateDecision, lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """The decision as plain JSON-able data (`saylau decide district|president|senate-seat`).

    The explanation is rendered in `lang` (kk, ru or en); `steps` keeps each step's stable
    code and figures beside its text.
    """
    return {
        "kind": d.kind.value,
        "ruleset": d.ruleset.value,
        "round": d.round,
        "outcome": d.outcome.value,
        "winner": d.winner,
        "runoff": list(d.runoff) if d.runoff is not None else None,
        "tie": (
            None if d.tie is None else {
                "candidates": list(d.tie.parties), "places": d.tie.places,
                "stage": d.tie.stage, "votes": int(d.tie.value),
            }
        ),
        "participants": d.participants,
        "against_all": d.against_all,
        "invalid": d.invalid,
        "electors": d.electors,
        "electors_present": d.electors_present,
        "turnout": (
            share_json(share(d.electors_present, d.electors))
            if d.electors is not None and d.electors_present is not None else None
        ),
        "shares": {
            s.name: {"votes": s.votes, **share_json(s.share)} for s in d.shares
        },
        "unverified": list(d.unverified),
        **explanation_json(d.explanation, lang),
    }

