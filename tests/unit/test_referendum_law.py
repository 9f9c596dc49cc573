"""The referendum rules (docs/law.md §3), table by table."""

from __future__ import annotations

from fractions import Fraction

import pytest

from saylau.domain.errors import ValidationFailed
from saylau.domain.law.referendum import (
    REFERENDUM_RULESETS,
    NationalMajorityReading,
    ParticipantsReading,
    ReferendumReadings,
    ReferendumState,
    TwoThirdsReading,
    UnitFigures,
    decide_referendum,
    decision_json,
    units_required,
)

ISSUED = ReferendumReadings(participants=ParticipantsReading.BALLOTS_ISSUED)
FLOOR = ReferendumReadings(two_thirds=TwoThirdsReading.FLOOR)
NATIONAL = ReferendumReadings(national_majority=NationalMajorityReading.REQUIRED)


def unit(
    uid: str,
    registered: int,
    yes: int,
    no: int = 0,
    *,
    both: int = 0,
    invalid: int = 0,
    issued: int | None = None,
    expected: int = 0,
    reported: int = 0,
) -> UnitFigures:
    return UnitFigures(
        unit=uid,
        name=uid.title(),
        registered=registered,
        ballots_issued=issued,
        ballots_in_boxes=yes + no + both + invalid,
        yes=yes,
        no=no,
        both_marked=both,
        invalid=invalid,
        stations_expected=expected,
        stations_reported=reported,
    )


def units_with(total: int, majorities: int) -> list[UnitFigures]:
    """`total` units of 100 voters, each with 80 participants; the first `majorities` say yes."""
    return [
        unit(f"u{i:02d}", 100, 60, 20) if i < majorities else unit(f"u{i:02d}", 100, 30, 50)
        for i in range(total)
    ]


def findings(exc: pytest.ExceptionInfo[ValidationFailed]) -> list[dict[str, object]]:
    return list(exc.value.details["findings"])


# --- validity -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("registered", "participants", "valid"),
    [
        (1000, 500, False),  # exactly half: not more than half
        (1000, 501, True),  # 50% + 1
        (1001, 500, False),
        (1001, 501, True),  # 2 x 501 = 1002 > 1001
        (1000, 0, False),
        (1000, 1000, True),
    ],
)
def test_validity_needs_strictly_more_than_half(
    registered: int, participants: int, valid: bool
) -> None:
    d = decide_referendum([unit("a", registered, participants)], constitutional=False)
    assert d.valid is valid
    assert d.turnout == Fraction(participants, registered)
    if not valid:
        assert d.state is ReferendumState.INVALID
        assert d.adopted is False
        assert d.failed_condition == "turnout"
        assert "NOT valid" in d.explanation[-1].text


# --- two-thirds of the top-level units ---------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "reading", "required"),
    [
        (17, TwoThirdsReading.EXACT, 12),
        (20, TwoThirdsReading.EXACT, 14),
        (17, TwoThirdsReading.FLOOR, 11),  # floor(34/3) = 11: the press's "11 of 17"
        (20, TwoThirdsReading.FLOOR, 13),
        (3, TwoThirdsReading.EXACT, 2),
        (3, TwoThirdsReading.FLOOR, 2),
        (6, TwoThirdsReading.EXACT, 4),
        (6, TwoThirdsReading.FLOOR, 4),
        (2, TwoThirdsReading.EXACT, 2),
        (2, TwoThirdsReading.FLOOR, 1),
        (1, TwoThirdsReading.EXACT, 1),
        (1, TwoThirdsReading.FLOOR, 1),  # floor(2/3) = 0, but never fewer than one unit
    ],
)
def test_units_required(total: int, reading: TwoThirdsReading, required: int) -> None:
    assert units_required(total, reading) == required


@pytest.mark.parametrize("total", range(1, 40))
def test_exact_reading_is_the_least_count_with_three_k_at_least_two_n(total: int) -> None:
    k = units_required(total, TwoThirdsReading.EXACT)
    assert 3 * k >= 2 * total
    assert 3 * (k - 1) < 2 * total


@pytest.mark.parametrize(
    ("total", "majorities", "readings", "adopted"),
    [
        (17, 12, ReferendumReadings(), True),
        (17, 11, ReferendumReadings(), False),
        (17, 11, FLOOR, True),  # the two readings differ here
        (17, 10, FLOOR, False),
        (20, 14, ReferendumReadings(), True),
        (20, 13, ReferendumReadings(), False),
        (20, 13, FLOOR, True),
        (17, 17, ReferendumReadings(), True),
        (17, 0, ReferendumReadings(), False),
    ],
)
def test_constitutional_two_thirds_of_units(
    total: int, majorities: int, readings: ReferendumReadings, adopted: bool
) -> None:
    d = decide_referendum(units_with(total, majorities), constitutional=True, readings=readings)
    assert d.valid is True
    assert d.units_total == total
    assert d.units_with_majority == majorities
    assert d.units_required == units_required(total, readings.two_thirds)
    assert d.adopted is adopted
    assert d.state is (ReferendumState.ADOPTED if adopted else ReferendumState.NOT_ADOPTED)
    assert d.failed_condition == (None if adopted else "units_two_thirds")
    text = " ".join(s.text for s in d.explanation)
    assert f"Yes majority in {majorities} of {total} top-level units" in text
    assert f"two-thirds of {total} = {d.units_required} are needed" in text


def test_floor_reading_is_printed_as_unverified() -> None:
    d = decide_referendum(units_with(17, 11), constitutional=True, readings=FLOOR)
    rendered = [s.render() for s in d.explanation]
    assert any("two-thirds=floor, UNVERIFIED" in r for r in rendered)
    assert any("floor(2 × 17 / 3) = 11" in r for r in rendered)


# --- ballot categories -------------------------------------------------------------------------


def test_both_marked_counts_as_participant_but_not_as_yes() -> None:
    # 50 yes, 40 no, 10 both-marked: 100 participants; 50 is not more than half of 100.
    with_both = unit("a", 150, 50, 40, both=10)
    d = decide_referendum([with_both], constitutional=False)
    assert d.participants == 100
    assert d.yes == 50
    assert d.yes_share == Fraction(1, 2)
    assert d.adopted is False
    assert d.failed_condition == "national_majority"
    assert d.units[0].majority is False
    # Without the both-marked ballots the same yes votes would be a majority.
    d2 = decide_referendum([unit("a", 150, 50, 40)], constitutional=False)
    assert d2.adopted is True


def test_invalid_ballots_count_as_participants() -> None:
    d = decide_referendum([unit("a", 100, 45, 0, invalid=10)], constitutional=False)
    assert d.participants == 55
    assert d.valid is True
    assert d.yes_share == Fraction(45, 55)


# --- ordinary question -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yes", "no", "adopted"),
    [(51, 49, True), (50, 50, False), (49, 51, False), (100, 0, True)],
)
def test_ordinary_question_needs_national_majority(yes: int, no: int, adopted: bool) -> None:
    d = decide_referendum([unit("a", 150, yes, no)], constitutional=False)
    assert d.adopted is adopted
    assert d.units_required is None
    assert d.national_majority is adopted


def test_ordinary_question_ignores_units() -> None:
    # One big unit says yes, two small ones say no: adopted nationally, 1 of 3 units.
    units = [unit("big", 1000, 900, 100), unit("s1", 100, 10, 80), unit("s2", 100, 10, 80)]
    d = decide_referendum(units, constitutional=False)
    assert d.adopted is True
    assert d.units_with_majority == 1
    assert d.units_required is None
    assert decision_json(d)["units_required"] is None
    # The same figures as constitutional amendments fail on the units.
    c = decide_referendum(units, constitutional=True)
    assert c.adopted is False
    assert c.failed_condition == "units_two_thirds"


# --- the national majority of a constitutional question (UNVERIFIED) ---------------------------


def test_national_majority_is_reported_but_decides_only_when_required() -> None:
    # Two small units say yes, one huge unit says no: 2 of 3 units, but no national majority.
    units = [unit("s1", 100, 60, 30), unit("s2", 100, 60, 30), unit("big", 1000, 100, 800)]
    default = decide_referendum(units, constitutional=True)
    assert default.units_with_majority == 2
    assert default.units_required == 2
    assert default.national_majority is False
    assert default.adopted is True
    text = " ".join(s.text for s in default.explanation)
    assert "National yes share" in text
    assert "not a condition under the 'not-required' reading (UNVERIFIED)" in text

    required = decide_referendum(units, constitutional=True, readings=NATIONAL)
    assert required.adopted is False
    assert required.state is ReferendumState.NOT_ADOPTED
    assert required.failed_condition == "national_majority"


# --- ballots issued (UNVERIFIED reading) --------------------------------------------------------


def test_ballots_issued_reading_changes_participants() -> None:
    # 500 ballots in the boxes, 600 issued, 1,100 on the lists; 260 yes.
    u = unit("a", 1100, 260, 200, both=20, invalid=20, issued=600)
    boxes = decide_referendum([u], constitutional=False)
    assert boxes.participants == 500
    assert boxes.valid is False  # 2 x 500 = 1000 <= 1100
    issued = decide_referendum([u], constitutional=False, readings=ISSUED)
    assert issued.participants == 600
    assert issued.valid is True  # 2 x 600 = 1200 > 1100
    assert issued.yes_share == Fraction(260, 600)
    assert issued.adopted is False  # 520 <= 600
    assert issued.readings.participants is ParticipantsReading.BALLOTS_ISSUED
    assert any("participants=ballots-issued, UNVERIFIED" in s.text for s in issued.explanation)


def test_ballots_issued_reading_needs_ballots_issued() -> None:
    with pytest.raises(ValidationFailed) as exc:
        decide_referendum(
            [unit("a", 100, 60, issued=70), unit("b", 100, 60)],
            constitutional=False,
            readings=ISSUED,
        )
    (f,) = findings(exc)
    assert f["unit"] == "b"
    assert f["field"] == "ballots_issued"
    assert f["actual"] == "missing"
    assert "ballots_issued" in exc.value.message


# --- pending ------------------------------------------------------------------------------------


def test_pending_until_every_station_reported() -> None:
    units = [
        unit("a", 1000, 600, 100, expected=10, reported=10),
        unit("b", 1000, 600, 100, expected=8, reported=5),
    ]
    d = decide_referendum(units, constitutional=True)
    assert d.state is ReferendumState.PENDING
    assert d.valid is None
    assert d.adopted is None
    assert d.failed_condition is None
    assert (d.stations_expected, d.stations_reported) == (18, 15)
    # Provisional figures are still computed and shown.
    assert d.participants == 1400
    assert d.units[1].complete is False
    text = " ".join(s.text for s in d.explanation)
    assert "waits for 3 more station(s)" in text
    assert "1,400 of 2,000" in text
    assert "PENDING" in d.explanation[-1].text


def test_complete_when_every_station_reported() -> None:
    d = decide_referendum([unit("a", 1000, 600, 100, expected=4, reported=4)], constitutional=True)
    assert d.state is ReferendumState.ADOPTED
    assert any("All 4 polling stations have reported" in s.text for s in d.explanation)


# --- validation ---------------------------------------------------------------------------------


def test_figures_that_do_not_add_up_are_refused() -> None:
    bad = UnitFigures("akmola", "Akmola", 1000, None, 700, 500, 150, 20, 20)  # sum is 690
    with pytest.raises(ValidationFailed) as exc:
        decide_referendum([bad], constitutional=True)
    (f,) = findings(exc)
    assert f["unit"] == "akmola"
    assert f["field"] == "ballots_in_boxes"
    assert f["actual"] == 700
    assert str(f["expected"]).startswith("690")
    assert "akmola" in exc.value.message


@pytest.mark.parametrize(
    ("figures", "field", "actual"),
    [
        (UnitFigures("a", "A", -1, None, 0, 0, 0, 0, 0), "registered", -1),
        (UnitFigures("a", "A", 10, None, 5, -1, 6, 0, 0), "yes", -1),
        (UnitFigures("a", "A", 10, -2, 1, 1, 0, 0, 0), "ballots_issued", -2),
        (UnitFigures("a", "A", 10, None, 1, 1, 0, 0, 0, -1, 0), "stations_expected", -1),
        (UnitFigures("a", "A", 0, None, 0, 0, 0, 0, 0), "registered", 0),
        (UnitFigures("a", "A", 10, None, 11, 11, 0, 0, 0), "ballots_in_boxes", 11),
        (UnitFigures("a", "A", 10, 12, 5, 5, 0, 0, 0), "ballots_issued", 12),
        (UnitFigures("a", "A", 10, 4, 5, 5, 0, 0, 0), "ballots_in_boxes", 5),
        (UnitFigures("a", "A", 10, None, 5, 5, 0, 0, 0, 2, 3), "stations_reported", 3),
        (UnitFigures(" ", "A", 10, None, 5, 5, 0, 0, 0), "unit", "' '"),
    ],
)
def test_bad_figures_name_field_expected_actual(
    figures: UnitFigures, field: str, actual: object
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        decide_referendum([figures], constitutional=False)
    matching = [f for f in findings(exc) if f["field"] == field]
    assert matching, findings(exc)
    assert matching[0]["actual"] == actual
    assert matching[0]["expected"]
    assert matching[0]["message"]


def test_no_units_refused() -> None:
    with pytest.raises(ValidationFailed) as exc:
        decide_referendum([], constitutional=True)
    (f,) = findings(exc)
    assert f["field"] == "units"
    assert f["actual"] == 0


def test_duplicate_units_refused() -> None:
    with pytest.raises(ValidationFailed) as exc:
        decide_referendum([unit("a", 100, 60), unit("a", 100, 60)], constitutional=True)
    assert [(f["field"], f["actual"]) for f in findings(exc)] == [("unit", "2 times")]


def test_duplicate_names_refused() -> None:
    a = UnitFigures("a", "Almaty", 100, None, 60, 60, 0, 0, 0)
    b = UnitFigures("b", "almaty ", 100, None, 60, 60, 0, 0, 0)
    with pytest.raises(ValidationFailed) as exc:
        decide_referendum([a, b], constitutional=True)
    assert [(f["field"], f["actual"]) for f in findings(exc)] == [("name", "2 times")]


def test_every_problem_is_reported_at_once() -> None:
    units = [
        UnitFigures("a", "A", -5, None, 0, 0, 0, 0, 0),
        UnitFigures("b", "B", 10, None, 9, 5, 0, 0, 0),
    ]
    with pytest.raises(ValidationFailed) as exc:
        decide_referendum(units, constitutional=True)
    assert {(f["unit"], f["field"]) for f in findings(exc)} == {
        ("a", "registered"),
        ("b", "ballots_in_boxes"),
    }


def test_unknown_ruleset_refused() -> None:
    with pytest.raises(ValidationFailed) as exc:
        decide_referendum([unit("a", 100, 60)], constitutional=False, ruleset="kz-1995")
    assert findings(exc)[0]["field"] == "ruleset"


# --- explanation and JSON -----------------------------------------------------------------------


@pytest.mark.parametrize("ruleset", REFERENDUM_RULESETS)
def test_explanation_names_ruleset_and_readings(ruleset: str) -> None:
    d = decide_referendum(units_with(17, 12), constitutional=True, ruleset=ruleset)
    rendered = [s.render() for s in d.explanation]
    assert "kz-2007, kz-2022 and kz-2026" in rendered[0]
    assert ruleset in rendered[0]
    assert sum("UNVERIFIED" in r for r in rendered) >= 3
    assert any("Art. 31(2)" in r for r in rendered)
    assert any("Constitution Art. 91" in r for r in rendered)
    assert all(r.endswith("]") for r in rendered)  # every step cites its rule


def test_explanation_uses_separators_and_two_decimals() -> None:
    d = decide_referendum([unit("a", 3_000_000, 1_234_567, 765_433)], constitutional=False)
    text = " ".join(s.text for s in d.explanation)
    assert "2,000,000 of 3,000,000" in text
    assert "(66.67%)" in text
    assert "1,234,567 of 2,000,000 participants voted yes (61.73%)" in text


def test_decision_json_shape() -> None:
    d = decide_referendum(units_with(3, 2), constitutional=True, ruleset="kz-2022")
    j = decision_json(d)
    assert j["valid"] is True
    assert j["adopted"] is True
    assert j["state"] == "adopted"
    assert j["failed_condition"] is None
    assert j["turnout"] == {"fraction": "4/5", "percent": "80.00"}
    assert j["yes_share"] == {"fraction": "5/8", "percent": "62.50"}  # 150 of 240
    assert (j["units_total"], j["units_with_majority"], j["units_required"]) == (3, 2, 2)
    assert j["readings"] == {
        "participants": "ballots-in-boxes",
        "two_thirds": "exact",
        "national_majority": "not-required",
    }
    assert j["units"][0] == {
        "unit": "u00",
        "name": "U00",
        "registered": 100,
        "participants": 80,
        "yes": 60,
        "share": {"fraction": "3/4", "percent": "75.00"},
        "majority": True,
        "complete": True,
    }
    assert j["explanation"] == [s.render() for s in d.explanation]
