"""The referendum rules of Kazakhstan: validity, ordinary questions, constitutional amendments.

Sources (docs/law.md §3): the Constitutional Law "On the Republican Referendum"
(No. 2592, 2 Nov 1995, as amended), Art. 31(2) as quoted by the CEC in 2022, 2024 and 2026;
the Constitution, Art. 91; CEC / Central Referendum Commission statements of 5-6 June 2022,
6 Oct 2024 and 15-16 March 2026. The rules are the same under every built-in ruleset
(`kz-2007`, `kz-2022`, `kz-2026`) and under `generic`.

1. Valid when more than half of the citizens on the lists took part: 2·participants > registered.
2. Participants = ballots found in the boxes (yes + no + both-marked + invalid). UNVERIFIED as
   statute text; the other reading, ballots issued, is `ParticipantsReading.BALLOTS_ISSUED`.
3. A ballot with both answers marked is valid but counts for neither; invalid ballots count as
   participants too. The yes share is yes / participants.
4. Ordinary question: adopted when 2·yes > participants, nationally.
5. Constitution: adopted when 2·yes_u > participants_u in no fewer than two-thirds of the
   top-level units. "Two-thirds" is UNVERIFIED as to rounding: `TwoThirdsReading.EXACT`
   (3·k >= 2·N, default) or `TwoThirdsReading.FLOOR` (k >= floor(2·N/3)). Whether the national
   yes share is a separate condition is UNVERIFIED: it is always reported, and it decides only
   under `NationalMajorityReading.REQUIRED`.

Everything is exact: counts are `int`, shares are `Fraction`; texts show numbers with thousands
separators and percentages rounded half-up to two decimals from the exact value.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

from saylau.domain.errors import ValidationFailed, field_error
from saylau.domain.explain import (
    DEFAULT_LANG,
    Arg,
    Phrase,
    Step,
    explanation_json,
    grouped,
    pct,
    phrase,
    share,
    share_json,
    step,
)
from saylau.domain.lookup import unknown
from saylau.domain.names import Names

# --- citations (codes of saylau.domain.law.texts.citations; docs/law.md §2.6, §3) -------------

RULE_VALIDITY = "ref.validity"
RULE_PARTICIPANTS = "ref.participants"
RULE_CATEGORIES = "ref.categories"
RULE_ORDINARY = "ref.ordinary"
RULE_UNITS = "ref.units"
RULE_TWO_THIRDS = "ref.two_thirds"
RULE_NATIONAL = "ref.national"
RULE_COMPLETE = "ref.complete"
RULE_RULESETS = "ref.rulesets"

REFERENDUM_RULESETS: tuple[str, ...] = ("kz-2007", "kz-2022", "kz-2026", "generic")
"""Rulesets under which a referendum can be decided. The rules are identical under all of them."""

KZ_RULESETS: tuple[str, ...] = ("kz-2007", "kz-2022", "kz-2026")

# Stable codes of the condition that decided a negative outcome.
FAILED_TURNOUT = "turnout"
FAILED_NATIONAL_MAJORITY = "national_majority"
FAILED_UNITS_TWO_THIRDS = "units_two_thirds"


# --- readings of the UNVERIFIED points --------------------------------------------------------


class ParticipantsReading(StrEnum):
    """Who counts as a participant (docs/law.md §3.2; UNVERIFIED as statute text)."""

    BALLOTS_IN_BOXES = "ballots-in-boxes"
    """Ballots found in the boxes: how every final CEC figure of 2022, 2024 and 2026 adds up."""
    BALLOTS_ISSUED = "ballots-issued"
    """Ballots issued to voters (at the station and by the mobile box)."""


class TwoThirdsReading(StrEnum):
    """How "no fewer than two-thirds of N units" is counted (docs/law.md §3.6; UNVERIFIED)."""

    EXACT = "exact"
    """3·k >= 2·N: 17 units need 12, 20 need 14."""
    FLOOR = "floor"
    """k >= floor(2·N/3): 17 units need 11 (one press source's "11 of 17"), 20 need 13."""


class NationalMajorityReading(StrEnum):
    """Whether a constitutional question also needs a national majority (UNVERIFIED)."""

    NOT_REQUIRED = "not-required"
    """The national yes share is reported but does not decide (default)."""
    REQUIRED = "required"
    """A constitutional question also needs 2·yes > participants nationally."""


@dataclass(frozen=True, slots=True)
class ReferendumReadings:
    """The readings in force for the points docs/law.md marks UNVERIFIED; printed in every
    decision."""

    participants: ParticipantsReading = ParticipantsReading.BALLOTS_IN_BOXES
    two_thirds: TwoThirdsReading = TwoThirdsReading.EXACT
    national_majority: NationalMajorityReading = NationalMajorityReading.NOT_REQUIRED

    def as_dict(self) -> dict[str, str]:
        return {
            "participants": self.participants.value,
            "two_thirds": self.two_thirds.value,
            "national_majority": self.national_majority.value,
        }


# --- values -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnitFigures:
    """The figures of one top-level unit (region, city of republican significance, capital).

    `stations_expected`/`stations_reported` say how complete the figures are; 0/0 means the
    figures are complete and final (the calculator's case).
    """

    unit: str
    name: str
    registered: int
    ballots_issued: int | None
    ballots_in_boxes: int
    yes: int
    no: int
    both_marked: int
    invalid: int
    stations_expected: int = 0
    stations_reported: int = 0
    names: Names | None = None
    """The unit's name in kk, ru and en, when known: the explanation shows it in its language
    (else `name`)."""

    @property
    def complete(self) -> bool:
        return self.stations_reported >= self.stations_expected

    def participants(self, reading: ParticipantsReading) -> int:
        """Participants under `reading` (the figures must have passed `unit_findings`)."""
        if reading is ParticipantsReading.BALLOTS_ISSUED:
            if self.ballots_issued is None:
                raise ValidationFailed(
                    f"{self.unit}: ballots_issued is needed for the ballots-issued reading",
                    details={"findings": [_missing_issued(self)]},
                )
            return self.ballots_issued
        return self.ballots_in_boxes


class ReferendumState(StrEnum):
    PENDING = "pending"
    """Not yet decidable: some polling stations have not reported."""
    INVALID = "invalid"
    """Not more than half of the citizens on the lists took part."""
    NOT_ADOPTED = "not_adopted"
    ADOPTED = "adopted"


@dataclass(frozen=True, slots=True)
class UnitResult:
    """One top-level unit judged on its own participants."""

    unit: str
    name: str
    registered: int
    participants: int
    yes: int
    share: Fraction
    """yes / participants of the unit (0 when nobody took part)."""
    majority: bool
    """2·yes > participants in this unit."""
    complete: bool


@dataclass(frozen=True, slots=True)
class ReferendumDecision:
    """The outcome of a referendum, with every number it rests on and its explanation."""

    state: ReferendumState
    valid: bool | None
    """None while pending."""
    adopted: bool | None
    """None while pending; False when the referendum is invalid."""
    failed_condition: str | None
    """'turnout', 'national_majority' or 'units_two_thirds' when not adopted; else None."""
    constitutional: bool
    ruleset: str | None
    registered: int
    participants: int
    yes: int
    turnout: Fraction
    yes_share: Fraction
    national_majority: bool
    """2·yes > participants nationally (reported for every question)."""
    units_total: int
    units_with_majority: int
    units_required: int | None
    """Units needed for a constitutional question; None for an ordinary one."""
    stations_expected: int
    stations_reported: int
    units: tuple[UnitResult, ...]
    readings: ReferendumReadings
    explanation: tuple[Step, ...]


# --- the rules --------------------------------------------------------------------------------


def is_valid(participants: int, registered: int) -> bool:
    """More than half of the citizens on the lists took part: 2·participants > registered.

    Constitutional Law on the Republican Referendum, Art. 31(2). Exactly half is not enough.
    """
    return 2 * participants > registered


def has_majority(yes: int, participants: int) -> bool:
    """More than half of the participants voted yes: 2·yes > participants (docs/law.md §3.5,
    §3.6)."""
    return 2 * yes > participants


def units_required(units_total: int, reading: TwoThirdsReading = TwoThirdsReading.EXACT) -> int:
    """Units needed for "no fewer than two-thirds" of `units_total` (docs/law.md §3.6).

    EXACT: the least k with 3·k >= 2·N (17 -> 12, 20 -> 14). FLOOR: floor(2·N/3) (17 -> 11,
    20 -> 13), but never fewer than one unit (with one or two units floor would allow adopting
    an amendment without a majority anywhere; that is no reading of the law).
    """
    if units_total < 0:
        raise ValidationFailed(
            "The number of units cannot be negative",
            details={"findings": [field_error("units_total", ">= 0", units_total, "negative")]},
        )
    if reading is TwoThirdsReading.FLOOR:
        return max(1, (2 * units_total) // 3) if units_total else 0
    return -((-2 * units_total) // 3)


def _missing_issued(u: UnitFigures) -> dict[str, Any]:
    return _finding(
        u.unit,
        "ballots_issued",
        "a number (the ballots-issued reading counts issued ballots as participants)",
        "missing",
        f"{u.unit}: ballots_issued is missing, but the ballots-issued reading needs it",
    )


def _finding(unit: str, field: str, expected: str, actual: object, message: str) -> dict[str, Any]:
    return {"unit": unit, **field_error(field, expected, actual, message)}


_COUNT_FIELDS: tuple[str, ...] = (
    "registered",
    "ballots_issued",
    "ballots_in_boxes",
    "yes",
    "no",
    "both_marked",
    "invalid",
    "stations_expected",
    "stations_reported",
)


def unit_findings(u: UnitFigures, readings: ReferendumReadings) -> list[dict[str, Any]]:
    """Every problem with one unit's figures, each naming unit, field, expected and actual."""
    found: list[dict[str, Any]] = []
    label = u.unit or "(unnamed unit)"
    if not u.unit.strip():
        found.append(_finding(label, "unit", "a non-empty unit id", repr(u.unit), "no unit id"))
    negative = False
    for name in _COUNT_FIELDS:
        value = getattr(u, name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            found.append(
                _finding(label, name, "an integer", repr(value), f"{label}: {name} is no integer")
            )
            negative = True
        elif value < 0:
            negative = True
            found.append(
                _finding(
                    label,
                    name,
                    ">= 0",
                    value,
                    f"{label}: {name} is {grouped(value)}; counts cannot be negative",
                )
            )
    if negative:
        return found
    if u.registered == 0 and u.complete:
        # A unit none of whose stations has reported yet has no figures: it is pending
        # (the decision says so), not a unit without voter lists.
        found.append(
            _finding(
                label,
                "registered",
                "more than 0",
                0,
                f"{label}: no citizens on the lists; a top-level unit needs its voter lists",
            )
        )
    in_boxes = u.yes + u.no + u.both_marked + u.invalid
    if u.ballots_in_boxes != in_boxes:
        found.append(
            _finding(
                label,
                "ballots_in_boxes",
                f"{in_boxes} (yes + no + both_marked + invalid)",
                u.ballots_in_boxes,
                f"{label}: {grouped(u.ballots_in_boxes)} ballots in the boxes, but yes "
                f"{grouped(u.yes)} + no {grouped(u.no)} + both-marked {grouped(u.both_marked)} "
                f"+ invalid {grouped(u.invalid)} = {grouped(in_boxes)}",
            )
        )
    if u.ballots_in_boxes > u.registered:
        found.append(
            _finding(
                label,
                "ballots_in_boxes",
                f"<= {u.registered} (registered)",
                u.ballots_in_boxes,
                f"{label}: {grouped(u.ballots_in_boxes)} ballots in the boxes, more than the "
                f"{grouped(u.registered)} citizens on the lists",
            )
        )
    if u.ballots_issued is None:
        if readings.participants is ParticipantsReading.BALLOTS_ISSUED:
            found.append(_missing_issued(u))
    else:
        if u.ballots_issued > u.registered:
            found.append(
                _finding(
                    label,
                    "ballots_issued",
                    f"<= {u.registered} (registered)",
                    u.ballots_issued,
                    f"{label}: {grouped(u.ballots_issued)} ballots issued, more than the "
                    f"{grouped(u.registered)} citizens on the lists",
                )
            )
        if u.ballots_in_boxes > u.ballots_issued:
            found.append(
                _finding(
                    label,
                    "ballots_in_boxes",
                    f"<= {u.ballots_issued} (ballots issued)",
                    u.ballots_in_boxes,
                    f"{label}: {grouped(u.ballots_in_boxes)} ballots in the boxes, more than "
                    f"the {grouped(u.ballots_issued)} ballots issued",
                )
            )
    if u.stations_reported > u.stations_expected:
        found.append(
            _finding(
                label,
                "stations_reported",
                f"<= {u.stations_expected} (stations expected)",
                u.stations_reported,
                f"{label}: {u.stations_reported} stations reported of {u.stations_expected}",
            )
        )
    return found


def validate_units(units: Sequence[UnitFigures], readings: ReferendumReadings) -> None:
    """Raise one `ValidationFailed` listing every problem of every unit, or return."""
    found: list[dict[str, Any]] = []
    if not units:
        found.append(
            _finding(
                "",
                "units",
                "at least one top-level unit",
                0,
                "no units: a referendum is decided over its top-level units",
            )
        )
    ids = Counter(u.unit for u in units)
    names = Counter(u.name.strip().casefold() for u in units if u.name.strip())
    for u in units:
        found.extend(unit_findings(u, readings))
    for unit_id, count in ids.items():
        if count > 1:
            found.append(
                _finding(
                    unit_id,
                    "unit",
                    "each unit once",
                    f"{count} times",
                    f"unit {unit_id!r} appears {count} times",
                )
            )
    seen: set[str] = set()
    for u in units:
        key = u.name.strip().casefold()
        if key and names[key] > 1 and ids[u.unit] == 1 and key not in seen:
            seen.add(key)
            found.append(
                _finding(
                    u.unit,
                    "name",
                    "each unit name once",
                    f"{names[key]} times",
                    f"unit name {u.name!r} appears {names[key]} times",
                )
            )
    if found:
        head = "; ".join(f["message"] for f in found[:3])
        more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
        raise ValidationFailed(
            f"{len(found)} problem(s) in the referendum figures: {head}{more}",
            details={"findings": found},
        )


def decide_referendum(
    units: Sequence[UnitFigures],
    *,
    constitutional: bool,
    readings: ReferendumReadings = ReferendumReadings(),
    ruleset: str | None = None,
) -> ReferendumDecision:
    """Decide a referendum from the figures of its top-level units.

    Constitutional Law on the Republican Referendum, Art. 31(2) (validity); docs/law.md
    §3.2 and §3.4 (participants, ballot categories), §3.5 (ordinary question), §3.6
    (constitution: two-thirds of the top-level units; Constitution Art. 91).
    While any unit has stations_reported < stations_expected the decision is `pending`:
    the explanation still shows the provisional figures.
    Raises `ValidationFailed` listing every problem when the figures do not add up.
    """
    if ruleset is not None and ruleset not in REFERENDUM_RULESETS:
        raise unknown("ruleset", REFERENDUM_RULESETS, ruleset)
    validate_units(units, readings)
    reading = readings.participants

    results = tuple(
        UnitResult(
            unit=u.unit,
            name=u.name,
            registered=u.registered,
            participants=u.participants(reading),
            yes=u.yes,
            share=share(u.yes, u.participants(reading)),
            majority=has_majority(u.yes, u.participants(reading)),
            complete=u.complete,
        )
        for u in units
    )
    registered = sum(u.registered for u in units)
    participants = sum(r.participants for r in results)
    yes = sum(u.yes for u in units)
    turnout = share(participants, registered)
    yes_share = share(yes, participants)
    valid = is_valid(participants, registered)
    national = has_majority(yes, participants)
    total = len(results)
    with_majority = sum(1 for r in results if r.majority)
    required = units_required(total, readings.two_thirds) if constitutional else None
    stations_expected = sum(u.stations_expected for u in units)
    stations_reported = sum(min(u.stations_reported, u.stations_expected) for u in units)
    pending = any(not u.complete for u in units)

    national_decides = (
        not constitutional or readings.national_majority is NationalMajorityReading.REQUIRED
    )
    units_ok = required is None or with_majority >= required
    failed: str | None
    if pending:
        state, out_valid, adopted, failed = ReferendumState.PENDING, None, None, None
    elif not valid:
        state, out_valid, adopted, failed = ReferendumState.INVALID, False, False, FAILED_TURNOUT
    elif not units_ok:
        state, out_valid, adopted = ReferendumState.NOT_ADOPTED, True, False
        failed = FAILED_UNITS_TWO_THIRDS
    elif national_decides and not national:
        state, out_valid, adopted = ReferendumState.NOT_ADOPTED, True, False
        failed = FAILED_NATIONAL_MAJORITY
    else:
        state, out_valid, adopted, failed = ReferendumState.ADOPTED, True, True, None

    steps = _explain(
        units=units,
        results=results,
        constitutional=constitutional,
        readings=readings,
        ruleset=ruleset,
        registered=registered,
        participants=participants,
        yes=yes,
        national=national,
        with_majority=with_majority,
        required=required,
        stations_expected=stations_expected,
        stations_reported=stations_reported,
        state=state,
        failed=failed,
    )
    return ReferendumDecision(
        state=state,
        valid=out_valid,
        adopted=adopted,
        failed_condition=failed,
        constitutional=constitutional,
        ruleset=ruleset,
        registered=registered,
        participants=participants,
        yes=yes,
        turnout=turnout,
        yes_share=yes_share,
        national_majority=national,
        units_total=total,
        units_with_majority=with_majority,
        units_required=required,
        stations_expected=stations_expected,
        stations_reported=stations_reported,
        units=results,
        readings=readings,
        explanation=steps,
    )


# --- the explanation --------------------------------------------------------------------------


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


# --- the wire shape ---------------------------------------------------------------------------


def decision_json(d: ReferendumDecision, lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """The decision as plain JSON-able data (the CLI's `--json`, the API's results).

    The explanation is rendered in `lang` (kk, ru or en); `steps` keeps each step's stable
    code and figures beside its text.
    """
    return {
        "kind": "referendum",
        "ruleset": d.ruleset,
        "question": "constitutional" if d.constitutional else "ordinary",
        "state": d.state.value,
        "valid": d.valid,
        "adopted": d.adopted,
        "failed_condition": d.failed_condition,
        "registered": d.registered,
        "participants": d.participants,
        "yes": d.yes,
        "turnout": share_json(d.turnout),
        "yes_share": share_json(d.yes_share),
        "national_majority": d.national_majority,
        "units_total": d.units_total,
        "units_with_majority": d.units_with_majority,
        "units_required": d.units_required,
        "stations_expected": d.stations_expected,
        "stations_reported": d.stations_reported,
        "readings": d.readings.as_dict(),
        "unverified": ["participants", "two_thirds", "national_majority"],
        "units": [
            {
                "unit": r.unit,
                "name": r.name,
                "registered": r.registered,
                "participants": r.participants,
                "yes": r.yes,
                "share": share_json(r.share),
                "majority": r.majority,
                "complete": r.complete,
            }
            for r in d.units
        ],
        **explanation_json(d.explanation, lang),
    }
