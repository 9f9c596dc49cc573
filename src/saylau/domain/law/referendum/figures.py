"""The referendum's values (each top-level unit's figures, the decision) and the checks of the
figures, every problem of every unit at once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

from saylau.domain.errors import ValidationFailed, field_error
from saylau.domain.explain import (
    Step,
    grouped,
)
from saylau.domain.law.referendum.readings import ParticipantsReading, ReferendumReadings
from saylau.domain.names import Names


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
