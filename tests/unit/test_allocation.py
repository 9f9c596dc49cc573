"""Allocation methods, thresholds, ties and the list decisions of every ruleset."""

from __future__ import annotations

import hashlib
from fractions import Fraction

import pytest

from saylau.domain.errors import ImportFailed, RuleError, ValidationFailed
from saylau.domain.law.allocation import (
    METHODS,
    Lot,
    Method,
    Tie,
    TieBreaker,
    TieRule,
    allocation_method,
    decimal_text,
    dhondt,
    fraction_json,
    largest_remainder,
    sainte_lague,
    threshold,
)
from saylau.domain.law.allocation_csv import parse_candidate_csv, parse_party_csv
from saylau.domain.law.parliament import (
    CORRECTION_INDEX,
    LIST_RULES,
    LeftoverSeats,
    ListOutcome,
    ListReadings,
    PartyVotes,
    RunnerUpMinimum,
    SecondPartyReading,
    ThresholdBase,
    decide_list_seats,
    decision_json,
    parse_percent,
)
from saylau.domain.rulesets import RulesetName

# --- methods ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "votes", "seats", "expected"),
    [
        ("hare", {"A": 50, "B": 30, "C": 20}, 7, {"A": 4, "B": 2, "C": 1}),
        ("hare", {"A": 1}, 5, {"A": 5}),
        ("hare", {"A": 10, "B": 0}, 3, {"A": 3, "B": 0}),
        ("droop", {"A": 2, "B": 1}, 5, {"A": 3, "B": 2}),  # more seats left than parties
        ("dhondt", {"A": 300, "B": 290}, 2, {"A": 1, "B": 1}),
        ("dhondt", {"A": 10, "B": 8, "C": 3, "D": 2}, 8, {"A": 4, "B": 3, "C": 1, "D": 0}),
        ("sainte-lague", {"A": 53, "B": 24, "C": 23}, 7, {"A": 3, "B": 2, "C": 2}),
    ],
)
def test_methods_table(
    method: str, votes: dict[str, int], seats: int, expected: dict[str, int]
) -> None:
    a = allocation_method(method)(votes, seats)
    assert a.seats == expected
    assert a.method is Method(method)
    assert not a.ties


def test_registry_has_every_method_and_refuses_others() -> None:
    assert set(METHODS) == set(Method)
    with pytest.raises(ValidationFailed, match="unknown allocation method 'imperiali'"):
        allocation_method("imperiali")
    with pytest.raises(ValidationFailed, match="unknown quota"):
        largest_remainder({"A": 1}, 1, "imperiali")


def test_hare_quota_and_remainders_are_exact() -> None:
    a = largest_remainder({"A": 2, "B": 1}, 2)
    assert a.quota == Fraction(3, 2)
    row_a, row_b = a.rows
    assert (row_a.quotient, row_a.whole, row_a.remainder) == (Fraction(4, 3), 1, Fraction(1, 3))
    assert (row_b.quotient, row_b.whole, row_b.remainder) == (Fraction(2, 3), 0, Fraction(2, 3))
    assert a.seats == {"A": 1, "B": 1}


def test_droop_full_rounds_are_explained() -> None:
    a = largest_remainder({"A": 2, "B": 1}, 5, "droop")
    assert a.quota == 1
    assert any("full rounds" in s.text for s in a.explanation)
    assert sum(a.seats.values()) == 5


def test_input_errors() -> None:
    with pytest.raises(ValidationFailed) as exc:
        largest_remainder({"A": -1, "B": 2}, 0)
    fields = {f["field"] for f in exc.value.details["findings"]}
    assert fields == {"seats", "votes[A]"}
    with pytest.raises(RuleError, match="no votes"):
        dhondt({"A": 0, "B": 0}, 3)


def test_decimal_display_is_half_up_and_exact() -> None:
    assert decimal_text(Fraction(1, 3)) == "0.333333"
    assert decimal_text(Fraction(2, 3)) == "0.666667"
    assert decimal_text(Fraction(-1, 8), 2) == "-0.13"
    assert fraction_json(Fraction(1990573, 23)) == {"fraction": "1990573/23",
                                                    "decimal": "86546.652174"}


# --- thresholds -------------------------------------------------------------------------------


def test_threshold_exactly_at_the_line_passes() -> None:
    # 50 of 1,000 is exactly 5.000%: "not less than" admits it.
    th = threshold({"A": 50, "B": 49, "C": 901}, Fraction(5, 100))
    assert th.minimum == 50
    assert th.passed == ("C", "A")
    assert th.failed == ("B",)


def test_threshold_base_is_a_parameter() -> None:
    votes = {"A": 60, "B": 40}
    assert threshold(votes, Fraction(1, 2)).passed == ("A",)
    # With 30 more votes in the base (e.g. "against all"), 60 is below half of 130.
    assert threshold(votes, Fraction(1, 2), base=130).passed == ()
    with pytest.raises(ValidationFailed, match="smaller than"):
        threshold(votes, Fraction(1, 2), base=99)
    with pytest.raises(ValidationFailed, match="between 0% and 100%"):
        threshold(votes, Fraction(101, 100))


@pytest.mark.parametrize(
    ("text", "share"),
    [("5", Fraction(1, 20)), ("3.5", Fraction(7, 200)), ("7%", Fraction(7, 100)),
     ("0", Fraction(0)), ("100", Fraction(1)), ("0.1", Fraction(1, 1000)),
     (" 4.99 ", Fraction(499, 10000))],
)
def test_parse_percent_is_exact(text: str, share: Fraction) -> None:
    assert parse_percent(text) == share


@pytest.mark.parametrize("text", ["100.01", "-1", "abc", "", "NaN", "Infinity", "5,5"])
def test_parse_percent_refuses(text: str) -> None:
    with pytest.raises(ValidationFailed):
        parse_percent(text)


# --- ties -------------------------------------------------------------------------------------


def test_equal_remainders_are_a_tie_value() -> None:
    a = largest_remainder({"A": 1, "B": 1, "C": 1}, 2)
    assert a.ties == (Tie(("A", "B", "C"), 2, "largest-remainder", Fraction(2, 3)),)
    assert a.seats == {"A": 0, "B": 0, "C": 0}
    assert a.undecided == 2
    assert any("UNDECIDED" in s.text for s in a.explanation)


def test_registration_order_breaks_the_tie() -> None:
    breaker = TieBreaker({"A": 3, "B": 1, "C": 2})
    a = largest_remainder({"A": 1, "B": 1, "C": 1}, 2, tie_breaker=breaker)
    assert a.seats == {"A": 0, "B": 1, "C": 1}
    (b,) = a.tie_breaks
    assert b.rule is TieRule.REGISTRATION_ORDER
    assert b.winners == ("B", "C")
    assert any("registered earlier" in s.text and "Art. 97" in s.rule for s in a.explanation)


def test_partial_registration_order_does_not_break_a_tie() -> None:
    a = largest_remainder({"A": 1, "B": 1}, 1, tie_breaker=TieBreaker({"A": 1}))
    assert a.ties and not a.tie_breaks


def test_lot_is_reproducible_with_hashlib() -> None:
    seed = "9f86d081884c7d65"
    lot = Lot.from_hex(seed)
    keys = {
        name: hashlib.sha256(bytes.fromhex(seed) + b"\x00" + name.encode("utf-8")).hexdigest()
        for name in ("Ақ жол", "B", "C")
    }
    expected = tuple(sorted(keys, key=lambda n: keys[n]))
    assert lot.rank(keys) == expected
    a = largest_remainder({"Ақ жол": 1, "B": 1, "C": 1}, 1, tie_breaker=TieBreaker({}, lot))
    (b,) = a.tie_breaks
    assert b.rule is TieRule.LOT
    assert b.winners == expected[:1]
    assert a.seats[expected[0]] == 1
    assert Lot.from_hex("0x" + seed.upper()) == lot


@pytest.mark.parametrize("seed", ["", "xyz", "abc", "12 3"])
def test_bad_seeds_are_refused(seed: str) -> None:
    with pytest.raises(ValidationFailed):
        Lot.from_hex(seed)


def test_divisor_tie_for_the_last_seat() -> None:
    a = dhondt({"A": 100, "B": 100, "C": 10}, 3)
    assert a.seats == {"A": 1, "B": 1, "C": 0}
    assert a.ties == (Tie(("A", "B"), 1, "highest-quotient", Fraction(50)),)
    broken = dhondt({"A": 100, "B": 100, "C": 10}, 3, tie_breaker=TieBreaker({"B": 1, "A": 2}))
    assert broken.seats == {"A": 1, "B": 2, "C": 0}


def test_divisor_equal_quotients_that_all_fit_are_no_tie() -> None:
    a = sainte_lague({"A": 100, "B": 100}, 2)
    assert a.seats == {"A": 1, "B": 1}
    assert not a.ties


# --- list decisions ---------------------------------------------------------------------------


def parties(*rows: tuple[str, int, int | None]) -> list[PartyVotes]:
    return [PartyVotes(name, votes, order) for name, votes, order in rows]


def test_rulesets_name_their_methods_as_data() -> None:
    assert LIST_RULES[RulesetName.KZ_2007].seats == 98
    assert LIST_RULES[RulesetName.KZ_2007].threshold == Fraction(7, 100)
    assert LIST_RULES[RulesetName.KZ_2022].seats == 69
    assert LIST_RULES[RulesetName.KZ_2022].threshold == Fraction(5, 100)
    assert LIST_RULES[RulesetName.KZ_2026].seats == 145
    assert not LIST_RULES[RulesetName.KZ_2026].method_verified
    assert {r.method for r in LIST_RULES.values()} == {Method.HARE}


def test_kz_2022_party_at_exactly_5_percent_passes() -> None:
    # Base 10,000 = 9,000 for parties + 1,000 against all; B has exactly 500 = 5.000%.
    d = decide_list_seats(parties(("A", 8_500, 1), ("B", 500, 2)),
                          ruleset="kz-2022", against_all=1_000)
    assert d.passed == ("A", "B")
    assert d.threshold_base == 10_000
    assert sum(d.seats.values()) == 69
    # One vote less (499 of 9,999 = 4.99%): B fails and comes in only by the guarantee.
    d2 = decide_list_seats(parties(("A", 8_500, 1), ("B", 499, 2)), ruleset="kz-2022",
                           against_all=1_000)
    assert d2.passed == ("A", "B")  # admitted by the (UNVERIFIED) guarantee
    assert d2.admitted_by_guarantee == "B"


def test_kz_2022_threshold_base_reading_changes_who_passes() -> None:
    rows = parties(("A", 9_000, 1), ("B", 480, 2), ("C", 540, 3))
    with_aa = decide_list_seats(rows, ruleset="kz-2022", against_all=1_000)
    without = decide_list_seats(rows, ruleset="kz-2022", against_all=1_000,
                                readings=ListReadings(threshold_base=ThresholdBase.PARTIES))
    # 5% of 11,020 = 551: C (540) fails and is admitted only by the guarantee.
    assert with_aa.threshold_base == 11_020
    assert with_aa.admitted_by_guarantee == "C"
    # 5% of 10,020 = 501: C passes on its own.
    assert without.threshold_base == 10_020
    assert without.passed == ("A", "C")
    assert without.admitted_by_guarantee is None
    assert "threshold-base=parties" in " ".join(s.text for s in without.explanation)


def test_kz_2007_guarantee_default_readings() -> None:
    # Only A passes 7%; B (next most) is admitted; quota = (A + B) / 98.
    d = decide_list_seats(parties(("A", 900_000, 1), ("B", 60_000, 2), ("C", 40_000, 3)),
                          ruleset="kz-2007")
    g = d.guarantee
    assert g is not None
    assert d.admitted_by_guarantee == "B"
    assert g.quota == Fraction(960_000, 98)
    assert g.corrected_quotient == Fraction(60_000) / g.quota * CORRECTION_INDEX
    assert int(g.corrected_quotient) == 4  # 6.125 × 0.7 = 4.2875
    assert (g.leader_seats, g.runner_up_seats) == (94, 4)
    assert d.seats == {"A": 94, "B": 4, "C": 0}
    assert not g.unverified
    text = " ".join(s.render() for s in d.explanation)
    assert "× 0.7" in text
    assert "runner-up-minimum=two, UNVERIFIED" in text
    assert "leftover=leader, UNVERIFIED" in text


def test_kz_2007_guarantee_minimum_two_seats() -> None:
    d = decide_list_seats(parties(("A", 990_000, None), ("B", 10_000, None)), ruleset="kz-2007")
    assert d.guarantee is not None
    assert int(d.guarantee.corrected_quotient) == 0
    assert d.seats == {"A": 96, "B": 2}
    assert d.guarantee.minimum_applied
    none = decide_list_seats(
        parties(("A", 990_000, None), ("B", 10_000, None)), ruleset="kz-2007",
        readings=ListReadings(runner_up_minimum=RunnerUpMinimum.NONE),
    )
    assert none.seats == {"A": 98, "B": 0}


def test_kz_2007_guarantee_leftover_by_remainders() -> None:
    rows = parties(("A", 900_000, 1), ("B", 60_000, 2), ("C", 40_000, 3))
    d = decide_list_seats(rows, ruleset="kz-2007",
                          readings=ListReadings(leftover=LeftoverSeats.LARGEST_REMAINDER))
    # A: 91.875 -> 91, B corrected 4.2875 -> 4; 3 left: one round each, then A (.875 > .2875).
    assert d.seats == {"A": 93, "B": 5, "C": 0}
    assert sum(d.seats.values()) == 98


def test_kz_2007_runner_up_tie_broken_by_registration_order() -> None:
    rows = parties(("A", 900_000, 3), ("B", 50_000, 2), ("C", 50_000, 1))
    d = decide_list_seats(rows, ruleset="kz-2007")
    assert d.admitted_by_guarantee == "C"
    open_tie = decide_list_seats(parties(("A", 900_000, None), ("B", 50_000, None),
                                         ("C", 50_000, None)), ruleset="kz-2007")
    assert open_tie.outcome is ListOutcome.TIE
    assert open_tie.ties[0].stage == "runner-up"
    assert open_tie.seats["B"] == open_tie.seats["C"] == 0


def test_kz_2022_fewer_than_two_pass_readings() -> None:
    rows = parties(("A", 95_000, 1), ("B", 3_000, 2), ("C", 2_000, 3))
    apply = decide_list_seats(rows, ruleset="kz-2022")
    assert apply.admitted_by_guarantee == "B"
    assert apply.guarantee is not None and apply.guarantee.unverified
    assert any("UNVERIFIED under kz-2022" in s.text for s in apply.explanation)
    none = decide_list_seats(rows, ruleset="kz-2022",
                             readings=ListReadings(second_party=SecondPartyReading.NONE))
    assert none.seats == {"A": 69, "B": 0, "C": 0}
    assert none.guarantee is None


def test_kz_2026_method_is_unverified_and_can_be_chosen() -> None:
    rows = parties(("A", 6_000, 1), ("B", 3_000, 2), ("C", 1_000, 3))
    d = decide_list_seats(rows, ruleset="kz-2026")
    assert d.seats_total == 145 and sum(d.seats.values()) == 145
    assert not d.method_verified
    assert "method" in d.unverified
    assert "UNVERIFIED" in d.explanation[0].text
    dh = decide_list_seats(rows, ruleset="kz-2026", method="dhondt")
    assert dh.method is Method.DHONDT
    assert dh.quota is None
    assert sum(dh.seats.values()) == 145


def test_statute_parameters_are_fixed() -> None:
    rows = parties(("A", 6_000, 1), ("B", 4_000, 2))
    with pytest.raises(ValidationFailed, match="fixes 69 seats"):
        decide_list_seats(rows, ruleset="kz-2022", seats=70)
    with pytest.raises(ValidationFailed, match="fixes the threshold"):
        decide_list_seats(rows, ruleset="kz-2022", threshold_share=Fraction(3, 100))
    with pytest.raises(ValidationFailed, match="fixes the method"):
        decide_list_seats(rows, ruleset="kz-2007", method="dhondt")
    # Stating the statute's own values is fine.
    assert decide_list_seats(rows, ruleset="kz-2022", seats=69,
                             threshold_share=Fraction(5, 100), method="hare").seats_total == 69


def test_generic_needs_seats_and_takes_every_method() -> None:
    rows = parties(("A", 6_000, 1), ("B", 4_000, 2))
    with pytest.raises(ValidationFailed, match="needs the number of seats"):
        decide_list_seats(rows, ruleset="generic")
    for method in Method:
        d = decide_list_seats(rows, ruleset="generic", seats=10, method=method)
        assert d.seats == {"A": 6, "B": 4}
        assert d.unverified == ()


def test_against_all_not_on_the_kz_2007_ballot() -> None:
    with pytest.raises(ValidationFailed, match="not on the ballot under kz-2007"):
        decide_list_seats(parties(("A", 1, 1)), ruleset="kz-2007", against_all=5)


def test_no_party_passes_is_a_rule_error() -> None:
    rows = parties(*[(f"P{i}", 100, i) for i in range(1, 21)])  # 5% each, 7% needed
    with pytest.raises(RuleError, match=r"no party reached the 7\.00% threshold"):
        decide_list_seats(rows, ruleset="kz-2007")


def test_bad_parties_report_every_problem() -> None:
    rows = [PartyVotes("A", -1, 1), PartyVotes("a ", 5, 1), PartyVotes("", 3, 0),
            PartyVotes("AGAINST_ALL", 3, None)]
    with pytest.raises(ValidationFailed) as exc:
        decide_list_seats(rows, ruleset="generic", seats=5)
    messages = [f["message"] for f in exc.value.details["findings"]]
    assert len(messages) == 6, messages
    assert any("appears twice" in m for m in messages)
    assert any("same registration order" in m for m in messages)


def test_decision_json_shape() -> None:
    d = decide_list_seats(parties(("A", 1, None), ("B", 1, None), ("C", 1, None)),
                          ruleset="generic", seats=2)
    j = decision_json(d)
    for key in ("seats", "passed", "quota", "threshold_base", "ties", "readings", "explanation"):
        assert key in j
    assert j["outcome"] == "tie"
    assert j["seats"] == {"A": 0, "B": 0, "C": 0}
    assert j["ties"][0]["parties"] == ["A", "B", "C"]
    assert j["quota"] == {"fraction": "3/2", "decimal": "1.500000"}
    assert j["undecided"] == 2
    dh = decision_json(decide_list_seats(parties(("A", 2, None), ("B", 1, None)),
                                         ruleset="generic", seats=3, method="dhondt"))
    assert dh["quota"] is None
    assert dh["last_quotient"] == {"fraction": "1/1", "decimal": "1.000000"}


# --- CSV --------------------------------------------------------------------------------------


def test_party_csv() -> None:
    parsed = parse_party_csv("\ufeffparty,votes,registration_order\nA,10,2\nB,5,\n"
                             "against_all,3,\n\n")
    assert parsed.parties == (PartyVotes("A", 10, 2), PartyVotes("B", 5, None))
    assert parsed.against_all == 3
    assert parsed.line_of("AGAINST_ALL") == 4
    assert parse_party_csv("votes,party\n7,X\n").parties == (PartyVotes("X", 7, None),)


@pytest.mark.parametrize(
    ("text", "field", "line"),
    [
        ("party,votes\nA,-1\n", "votes", 2),
        ("party,votes\nA,1\nA,2\n", "party", 3),
        ("party,votes,registration_order\nA,1,1\nB,2,1\n", "registration_order", 3),
        ("party,votes,registration_order\nA,1,x\n", "registration_order", 2),
        ("party,votes,registration_order\nAGAINST_ALL,1,1\n", "registration_order", 2),
        ("party,votes\n,1\n", "party", 2),
        ("party,votes\nA,1,2\n", "row", 2),
        ("party\nA\n", "votes", 1),
        ("party,votes,colour\nA,1,red\n", "colour", 1),
        ("party,votes\n", "party", 2),
        ("", "header", 1),
        ("party,votes\nA,1 000\n", "votes", 2),
    ],
)
def test_party_csv_errors_have_lines(text: str, field: str, line: int) -> None:
    with pytest.raises(ImportFailed) as exc:
        parse_party_csv(text)
    assert any(r["field"] == field and r["line"] == line for r in exc.value.rows), exc.value.rows


def test_candidate_csv() -> None:
    parsed = parse_candidate_csv("candidate,votes\nX,10\nAGAINST_ALL,3\nINVALID,2\nY,4\n")
    assert [c.name for c in parsed.candidates] == ["X", "Y"]
    assert (parsed.against_all, parsed.invalid) == (3, 2)
    with pytest.raises(ImportFailed) as exc:
        parse_candidate_csv("candidate,votes\nX,1\nx,2\nY,-3\n")
    assert {(r["line"], r["field"]) for r in exc.value.rows} == {(3, "candidate"), (4, "votes")}
