"""Deciding a referendum from the figures of its top-level units (docs/law.md §3)."""

from __future__ import annotations

from collections.abc import Sequence

from saylau.domain.explain import (
    share,
)
from saylau.domain.law.referendum.figures import (
    ReferendumDecision,
    ReferendumState,
    UnitFigures,
    UnitResult,
    validate_units,
)
from saylau.domain.law.referendum.readings import (
    FAILED_NATIONAL_MAJORITY,
    FAILED_TURNOUT,
    FAILED_UNITS_TWO_THIRDS,
    REFERENDUM_RULESETS,
    NationalMajorityReading,
    ReferendumReadings,
)
from saylau.domain.law.referendum.rules import has_majority, is_valid, units_required
from saylau.domain.law.referendum.steps import _explain
from saylau.domain.lookup import unknown

DEFAULT_READINGS = ReferendumReadings()
"""The readings in force unless others are given (each point's named default)."""


def decide_referendum(
    units: Sequence[UnitFigures],
    *,
    constitutional: bool,
    readings: ReferendumReadings = DEFAULT_READINGS,
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
