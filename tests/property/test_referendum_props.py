"""Properties of the referendum rules that must hold for any figures."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from saylau.domain.explain import grouped, percent
from saylau.domain.law.referendum import (
    NationalMajorityReading,
    ParticipantsReading,
    ReferendumDecision,
    ReferendumReadings,
    TwoThirdsReading,
    UnitFigures,
    decide_referendum,
)
from saylau.domain.law.referendum_csv import REQUIRED_COLUMNS, parse_referendum_csv


@st.composite
def unit_figures(draw: st.DrawFn, uid: str) -> UnitFigures:
    """One unit whose figures add up: in boxes <= issued <= registered."""
    registered = draw(st.integers(min_value=1, max_value=2_000_000))
    issued = draw(st.integers(min_value=0, max_value=registered))
    in_boxes = draw(st.integers(min_value=0, max_value=issued))
    yes = draw(st.integers(min_value=0, max_value=in_boxes))
    no = draw(st.integers(min_value=0, max_value=in_boxes - yes))
    both = draw(st.integers(min_value=0, max_value=in_boxes - yes - no))
    invalid = in_boxes - yes - no - both
    return UnitFigures(
        unit=uid,
        name=f"Unit {uid}",
        registered=registered,
        ballots_issued=issued,
        ballots_in_boxes=in_boxes,
        yes=yes,
        no=no,
        both_marked=both,
        invalid=invalid,
    )


@st.composite
def unit_lists(draw: st.DrawFn) -> list[UnitFigures]:
    count = draw(st.integers(min_value=1, max_value=21))
    return [draw(unit_figures(f"u{i:02d}")) for i in range(count)]


readings_st = st.builds(
    ReferendumReadings,
    participants=st.sampled_from(ParticipantsReading),
    two_thirds=st.sampled_from(TwoThirdsReading),
    national_majority=st.sampled_from(NationalMajorityReading),
)


@given(units=unit_lists(), readings=readings_st, constitutional=st.booleans(), data=st.data())
def test_more_yes_never_turns_adopted_into_not_adopted(
    units: list[UnitFigures],
    readings: ReferendumReadings,
    constitutional: bool,
    data: st.DataObject,
) -> None:
    movable = [i for i, u in enumerate(units) if u.no > 0]
    if not movable:
        return
    i = data.draw(st.sampled_from(movable))
    moved = list(units)
    moved[i] = replace(units[i], yes=units[i].yes + 1, no=units[i].no - 1)
    before = decide_referendum(units, constitutional=constitutional, readings=readings)
    after = decide_referendum(moved, constitutional=constitutional, readings=readings)
    if before.adopted:
        assert after.adopted, (before.explanation, after.explanation)
    assert after.units_with_majority >= before.units_with_majority
    assert after.valid == before.valid  # moving a vote never changes turnout


def _text(d: ReferendumDecision) -> str:
    return "\n".join(s.render() for s in d.explanation)


@given(units=unit_lists(), readings=readings_st, constitutional=st.booleans())
def test_explanation_numbers_match_the_decision(
    units: list[UnitFigures], readings: ReferendumReadings, constitutional: bool
) -> None:
    d = decide_referendum(units, constitutional=constitutional, readings=readings)
    text = _text(d)
    assert (
        f"Turnout: {grouped(d.participants)} of {grouped(d.registered)} citizens on the lists "
        f"took part ({percent(d.turnout)}%)"
    ) in text
    assert (
        f"{grouped(d.yes)} of {grouped(d.participants)} participants voted yes "
        f"({percent(d.yes_share)}%)"
    ) in text
    assert ("the referendum is valid" in text) is d.valid
    assert ("the referendum is NOT valid" in text) is (not d.valid)
    if constitutional:
        assert d.units_required is not None
        assert (
            f"Yes majority in {d.units_with_majority} of {d.units_total} top-level units; "
            f"no fewer than two-thirds of {d.units_total} = {d.units_required} are needed"
        ) in text
        for r in d.units:
            assert (
                f"{r.name}: {grouped(r.yes)} yes of {grouped(r.participants)} participants "
                f"({percent(r.share)}%)"
            ) in text
    else:
        assert d.units_required is None
    assert f"participants={readings.participants.value}, UNVERIFIED" in text
    assert f"two-thirds={readings.two_thirds.value}, UNVERIFIED" in text
    assert f"national-majority={readings.national_majority.value}, UNVERIFIED" in text
    last = d.explanation[-1].text
    assert ("ADOPTED" in last) is bool(d.adopted)


def _summary(d: ReferendumDecision) -> tuple[object, ...]:
    return (
        d.state,
        d.valid,
        d.adopted,
        d.failed_condition,
        d.registered,
        d.participants,
        d.yes,
        d.turnout,
        d.yes_share,
        d.national_majority,
        d.units_total,
        d.units_with_majority,
        d.units_required,
    )


@given(data=st.data(), units=unit_lists(), readings=readings_st, constitutional=st.booleans())
def test_decision_does_not_depend_on_unit_order(
    data: st.DataObject,
    units: list[UnitFigures],
    readings: ReferendumReadings,
    constitutional: bool,
) -> None:
    shuffled = data.draw(st.permutations(units))
    a = decide_referendum(units, constitutional=constitutional, readings=readings)
    b = decide_referendum(shuffled, constitutional=constitutional, readings=readings)
    assert _summary(a) == _summary(b)
    assert sorted(a.units, key=lambda r: r.unit) == sorted(b.units, key=lambda r: r.unit)
    assert sorted(s.render() for s in a.explanation) == sorted(s.render() for s in b.explanation)


@given(units=unit_lists())
def test_csv_round_trip(units: list[UnitFigures]) -> None:
    header = ",".join((*REQUIRED_COLUMNS, "name"))
    rows = [
        f"{u.unit},{u.registered},{u.ballots_issued},{u.ballots_in_boxes},{u.yes},{u.no},"
        f"{u.both_marked},{u.invalid},{u.name}"
        for u in units
    ]
    parsed = parse_referendum_csv("\n".join([header, *rows]) + "\n")
    assert list(parsed.units) == units
    assert parsed.lines == tuple(range(2, len(units) + 2))
