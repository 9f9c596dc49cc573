"""Single-member districts, the President and a Senate seat (docs/law.md §5.7, §8, §9)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from saylau.domain.errors import RuleError, ValidationFailed
from saylau.domain.law.candidates import (
    CandidateVotes,
    Outcome,
    decide_district,
    decide_president,
    decide_senate_seat,
    decision_json,
)


def cands(**votes: int) -> list[CandidateVotes]:
    return [CandidateVotes(name, n) for name, n in votes.items()]


# --- district ---------------------------------------------------------------------------------


def test_district_plurality_no_runoff_no_minimum() -> None:
    d = decide_district(cands(A=300, B=299, C=250), ruleset="kz-2022", against_all=100,
                        invalid=51)
    assert d.outcome is Outcome.ELECTED
    assert d.winner == "A"
    assert d.runoff is None
    assert d.participants == 1_000
    assert d.shares[0].share == Fraction(3, 10)  # far from a majority: still elected


def test_district_against_all_first_means_repeat_never_runner_up() -> None:
    d = decide_district(cands(A=300, B=200), ruleset="kz-2022", against_all=301)
    assert d.outcome is Outcome.REPEAT
    assert d.winner is None
    assert "against_all_first" in d.unverified
    text = " ".join(s.text for s in d.explanation)
    assert "repeat election" in text and "UNVERIFIED" in text and "never seated" in text


def test_district_tie_for_first_is_explicit() -> None:
    d = decide_district(cands(A=300, B=300, C=10), ruleset="kz-2022", against_all=5)
    assert d.outcome is Outcome.TIE
    assert d.winner is None
    assert d.tie is not None and d.tie.parties == ("A", "B") and d.tie.places == 1


def test_district_tie_with_against_all_is_a_tie() -> None:
    d = decide_district(cands(A=300, B=10), ruleset="kz-2022", against_all=300)
    assert d.outcome is Outcome.TIE
    assert d.tie is not None and "AGAINST_ALL" in d.tie.parties
    assert "against_all_tie" in d.unverified


@pytest.mark.parametrize("ruleset", ["kz-2007", "kz-2026"])
def test_no_districts_under_kz_2007_and_kz_2026(ruleset: str) -> None:
    with pytest.raises(RuleError, match="no single-member districts"):
        decide_district(cands(A=1), ruleset=ruleset)


def test_district_generic_without_against_all() -> None:
    d = decide_district(cands(A=1, B=2), ruleset="generic")
    assert (d.outcome, d.winner, d.against_all) == (Outcome.ELECTED, "B", None)


# --- president --------------------------------------------------------------------------------


def test_president_more_than_half_of_participants() -> None:
    d = decide_president(cands(A=501, B=400), ruleset="kz-2022", against_all=50, invalid=49)
    assert d.participants == 1_000
    assert (d.outcome, d.winner) == (Outcome.ELECTED, "A")


def test_president_exactly_half_is_not_enough() -> None:
    # "Against all" and invalid ballots are in the base: 500 of 1,000 is not more than half.
    d = decide_president(cands(A=500, B=400, C=50), ruleset="kz-2022", against_all=50)
    assert d.outcome is Outcome.RUNOFF
    assert d.runoff == ("A", "B")
    assert d.winner is None


def test_president_runoff_place_tie() -> None:
    d = decide_president(cands(A=400, B=300, C=300), ruleset="kz-2022")
    assert d.outcome is Outcome.TIE
    assert d.tie is not None and d.tie.parties == ("B", "C") and d.tie.places == 1
    three = decide_president(cands(A=300, B=300, C=300), ruleset="kz-2022")
    assert three.tie is not None and three.tie.places == 2
    two = decide_president(cands(A=300, B=300, C=200), ruleset="kz-2022")
    assert two.outcome is Outcome.RUNOFF and two.runoff == ("A", "B")


def test_president_second_round() -> None:
    d = decide_president(cands(A=400, B=500), ruleset="kz-2022", round=2, against_all=200)
    assert (d.outcome, d.winner) == (Outcome.ELECTED, "B")
    assert "runoff_rule" in d.unverified
    tie = decide_president(cands(A=5, B=5), ruleset="kz-2022", round=2)
    assert tie.outcome is Outcome.TIE
    with pytest.raises(ValidationFailed, match="between two candidates"):
        decide_president(cands(A=1, B=2, C=3), ruleset="kz-2022", round=2)
    with pytest.raises(ValidationFailed, match="round must be 1 or 2"):
        decide_president(cands(A=1), ruleset="kz-2022", round=3)


def test_president_sole_candidate_without_majority() -> None:
    d = decide_president(cands(A=400), ruleset="kz-2022", against_all=600)
    assert d.outcome is Outcome.REPEAT
    assert "sole_candidate" in d.unverified


def test_president_kz_2007_has_no_against_all_and_kz_2026_is_assumed() -> None:
    with pytest.raises(ValidationFailed, match="not on this ballot"):
        decide_president(cands(A=1), ruleset="kz-2007", against_all=1)
    d = decide_president(cands(A=10, B=1), ruleset="kz-2026")
    assert "president_rule_2026" in d.unverified
    assert "UNVERIFIED" in d.explanation[0].text


# --- senate -----------------------------------------------------------------------------------


def test_senate_valid_and_elected() -> None:
    d = decide_senate_seat(cands(A=101, B=90), ruleset="kz-2022", electors=300,
                           electors_present=200, invalid=9)
    assert (d.outcome, d.winner) == (Outcome.ELECTED, "A")
    assert d.participants == 200


def test_senate_exactly_half_of_electors_is_invalid() -> None:
    d = decide_senate_seat(cands(A=150), ruleset="kz-2022", electors=300, electors_present=150)
    assert d.outcome is Outcome.INVALID
    assert d.winner is None


def test_senate_second_round_of_the_top_two() -> None:
    d = decide_senate_seat(cands(A=100, B=60, C=40), ruleset="kz-2007", electors=300,
                           electors_present=200)
    assert d.outcome is Outcome.RUNOFF
    assert d.runoff == ("A", "B")
    r2 = decide_senate_seat(cands(A=90, B=110), ruleset="kz-2007", electors=300,
                            electors_present=200, round=2)
    assert (r2.outcome, r2.winner) == (Outcome.ELECTED, "B")  # the most votes, no majority needed
    r2_low = decide_senate_seat(cands(A=70, B=80), ruleset="kz-2007", electors=300,
                                electors_present=200, round=2)
    assert (r2_low.outcome, r2_low.winner) == (Outcome.ELECTED, "B")


def test_senate_refusals() -> None:
    with pytest.raises(RuleError, match="no Senate under kz-2026"):
        decide_senate_seat(cands(A=1), ruleset="kz-2026", electors=3, electors_present=2)
    with pytest.raises(ValidationFailed) as exc:
        decide_senate_seat(cands(A=10), ruleset="kz-2022", electors=5, electors_present=6)
    assert {f["field"] for f in exc.value.details["findings"]} == {"electors_present", "votes"}
    with pytest.raises(ValidationFailed, match="not on this ballot"):
        decide_senate_seat(cands(A=1), ruleset="kz-2022", electors=3, electors_present=2,
                           against_all=1)


def test_bad_candidates() -> None:
    with pytest.raises(ValidationFailed) as exc:
        decide_district([CandidateVotes("A", -1), CandidateVotes("a", 2),
                         CandidateVotes("AGAINST_ALL", 1)], ruleset="kz-2022")
    assert len(exc.value.details["findings"]) == 3
    with pytest.raises(ValidationFailed, match="unknown ruleset"):
        decide_district(cands(A=1), ruleset="kz-1995")


def test_decision_json_shape() -> None:
    j = decision_json(decide_president(cands(A=500, B=400), ruleset="kz-2022", against_all=100))
    for key in ("outcome", "winner", "runoff", "shares", "explanation"):
        assert key in j
    assert j["outcome"] == "runoff"
    assert j["winner"] is None
    assert j["runoff"] == ["A", "B"]
    assert j["shares"]["A"] == {"votes": 500, "fraction": "1/2", "percent": "50.00"}
    assert j["shares"]["AGAINST_ALL"]["votes"] == 100
    s = decision_json(decide_senate_seat(cands(A=3), ruleset="generic", electors=4,
                                         electors_present=3))
    assert s["turnout"] == {"fraction": "3/4", "percent": "75.00"}
    assert s["outcome"] == "elected"
