"""The referendum's explanation: the steps a lawyer can follow, each citing its rule."""

from __future__ import annotations

from collections.abc import Sequence

from saylau.domain.explain import (
    Arg,
    Phrase,
    Step,
    pct,
    phrase,
    share,
    step,
)
from saylau.domain.law.referendum.figures import ReferendumState, UnitFigures, UnitResult
from saylau.domain.law.referendum.readings import (
    FAILED_NATIONAL_MAJORITY,
    FAILED_TURNOUT,
    FAILED_UNITS_TWO_THIRDS,
    KZ_RULESETS,
    RULE_CATEGORIES,
    RULE_COMPLETE,
    RULE_NATIONAL,
    RULE_ORDINARY,
    RULE_PARTICIPANTS,
    RULE_RULESETS,
    RULE_TWO_THIRDS,
    RULE_UNITS,
    RULE_VALIDITY,
    NationalMajorityReading,
    ParticipantsReading,
    ReferendumReadings,
    TwoThirdsReading,
)


def _readings_steps(readings: ReferendumReadings, constitutional: bool) -> list[Step]:
    participants = ("ref.participants.boxes"
                    if readings.participants is ParticipantsReading.BALLOTS_IN_BOXES
                    else "ref.participants.issued")
    national = ("ref.national.not_required"
                if readings.national_majority is NationalMajorityReading.NOT_REQUIRED
                else "ref.national.required")
    return [
        step("ref.reading.participants", RULE_PARTICIPANTS, value=readings.participants.value,
             text=Phrase(participants)),
        step("ref.reading.two_thirds", RULE_TWO_THIRDS, value=readings.two_thirds.value,
             text=Phrase(f"ref.two_thirds.{readings.two_thirds.value}"),
             note=None if constitutional else Phrase("ref.two_thirds.ordinary")),
        step("ref.reading.national", RULE_NATIONAL, value=readings.national_majority.value,
             text=Phrase(national),
             note=None if constitutional else Phrase("ref.national.ordinary_note")),
    ]


def _explain(
    *,
    units: Sequence[UnitFigures],
    results: Sequence[UnitResult],
    constitutional: bool,
    readings: ReferendumReadings,
    ruleset: str | None,
    registered: int,
    participants: int,
    yes: int,
    national: bool,
    with_majority: int,
    required: int | None,
    stations_expected: int,
    stations_reported: int,
    state: ReferendumState,
    failed: str | None,
) -> tuple[Step, ...]:
    steps: list[Step] = []
    question = Phrase("ref.question.constitutional" if constitutional
                      else "ref.question.ordinary")
    if ruleset is not None:
        same = Phrase("ref.same.kz" if ruleset in KZ_RULESETS else "ref.same.generic")
        steps.append(step("ref.ruleset", RULE_RULESETS, ruleset=ruleset, question=question,
                          same=same))
    else:
        steps.append(step("ref.question", RULE_RULESETS, question=question))
    steps.extend(_readings_steps(readings, constitutional))

    missing = stations_expected - stations_reported
    if missing > 0:
        steps.append(step("ref.provisional", RULE_COMPLETE, reported=stations_reported,
                          expected=stations_expected, missing=missing))
    elif stations_expected:
        steps.append(step("ref.all_reported", RULE_COMPLETE, n=stations_expected))
    else:
        steps.append(step("ref.given_complete", RULE_COMPLETE))

    tally = phrase("ref.tally", yes=yes, no=sum(u.no for u in units),
                   both=sum(u.both_marked for u in units),
                   invalid=sum(u.invalid for u in units),
                   in_boxes=sum(u.ballots_in_boxes for u in units))
    steps.append(step(
        "ref.tally.boxes" if readings.participants is ParticipantsReading.BALLOTS_IN_BOXES
        else "ref.tally.issued", RULE_CATEGORIES, tally=tally, participants=participants,
    ))

    provisionally = Phrase("word.provisionally") if missing > 0 else None
    steps.append(step(
        "ref.turnout.valid" if 2 * participants > registered else "ref.turnout.invalid",
        RULE_VALIDITY, participants=participants, registered=registered,
        turnout=pct(share(participants, registered)), double=2 * participants,
        provisionally=provisionally,
    ))

    national_text = phrase("ref.national.more" if national else "ref.national.not_more",
                           yes=yes, participants=participants,
                           share=pct(share(yes, participants)), double=2 * yes)
    if constitutional:
        role = Phrase("ref.role.required"
                      if readings.national_majority is NationalMajorityReading.REQUIRED
                      else "ref.role.not_required")
        steps.append(step("ref.national.constitutional", RULE_NATIONAL, national=national_text,
                          role=role))
    else:
        steps.append(step("ref.national.ordinary", RULE_ORDINARY, national=national_text))

    if constitutional and required is not None:
        names = {u.unit: u.names for u in units}
        for r in results:
            shown: Arg = names.get(r.unit) or r.name or r.unit
            steps.append(step(
                "ref.unit", RULE_UNITS, name=shown, yes=r.yes, participants=r.participants,
                share=pct(r.share),
                mark=Phrase("ref.unit.majority" if r.majority else "ref.unit.no_majority"),
                provisional=None if r.complete else Phrase("word.provisional"),
            ))
        total = len(results)
        how = (phrase("ref.how.exact", required=required, required3=3 * required, n=total,
                      n2=2 * total)
               if readings.two_thirds is TwoThirdsReading.EXACT
               else phrase("ref.how.floor", n=total, floor=(2 * total) // 3))
        steps.append(step(
            "ref.units", RULE_UNITS, k=with_majority, n=total, required=required, how=how,
            provisionally=provisionally,
            met=Phrase("ref.units.met" if with_majority >= required else "ref.units.not_met"),
        ))

    rule = _conclusion_rule(state, failed, constitutional)
    steps.append(_conclusion(rule, state, failed, constitutional))
    return tuple(steps)


def _conclusion_rule(state: ReferendumState, failed: str | None, constitutional: bool) -> str:
    if state is ReferendumState.PENDING:
        return RULE_COMPLETE
    if failed == FAILED_TURNOUT:
        return RULE_VALIDITY
    if failed == FAILED_UNITS_TWO_THIRDS:
        return RULE_UNITS
    if failed == FAILED_NATIONAL_MAJORITY:
        return RULE_NATIONAL if constitutional else RULE_ORDINARY
    return RULE_UNITS if constitutional else RULE_ORDINARY


def _conclusion(rule: str, state: ReferendumState, failed: str | None,
                constitutional: bool) -> Step:
    if state is ReferendumState.PENDING:
        return step("ref.decision.pending", rule)
    if state is ReferendumState.INVALID:
        return step("ref.decision.invalid", rule)
    if state is ReferendumState.NOT_ADOPTED:
        why = Phrase("ref.why.units" if failed == FAILED_UNITS_TWO_THIRDS else "ref.why.national")
        return step("ref.decision.not_adopted", rule, why=why)
    return step("ref.decision.adopted.constitutional" if constitutional
                else "ref.decision.adopted.ordinary", rule)
