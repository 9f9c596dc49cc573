"""One way to decide: `decide()` gives, for every contest kind, the decision each of today's
paths gives (the live results' referendum decision, the list and candidate decisions the API,
CLI, site and open data take, the Senate seat's decision from its joint session, and the
verifier's summary as it was written before `decide()`), and says how far it is decided."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import pytest

from saylau.domain import decisions
from saylau.domain.contests import (
    AGAINST_ALL,
    Contest,
    ContestKind,
    Option,
    OptionKind,
    referendum_contest,
)
from saylau.domain.decide import (
    DECIDERS,
    DecisionState,
    Readings,
    SessionRound,
    decide,
    decider,
)
from saylau.domain.districts import ElectoralDistrict
from saylau.domain.errors import RuleError, ValidationFailed
from saylau.domain.geography import Geography
from saylau.domain.ids import ContestId, ElectionId, OptionId, StationId, UnitId
from saylau.domain.law.candidates import CandidateVotes, decide_senate_seat
from saylau.domain.law.parliament import ListReadings, SecondPartyReading
from saylau.domain.law.referendum import (
    ReferendumReadings,
    TwoThirdsReading,
    decide_referendum,
)
from saylau.domain.names import Names
from saylau.domain.protocols import ProtocolCounts
from saylau.domain.record.verify import decision_summary
from saylau.domain.rulesets import RulesetName
from saylau.domain.tally import Tally, tally_protocols
from tests.conftest import small_country

GEO = small_country()
E = ElectionId("e")
KZ22 = RulesetName.KZ_2022
STATIONS = [u.id for u in GEO.stations()]


def _opt(o: str, order: int | None = None, kind: OptionKind = OptionKind.CHOICE) -> Option:
    return Option(OptionId(o), Names.same(o), kind, registration_order=order)


AA = Option(AGAINST_ALL, Names.same("against all"), OptionKind.AGAINST_ALL)
REF = referendum_contest(ContestId("ref"), E, Names.same("Q"), constitutional=True,
                         area=UnitId("KZ"))
REF_PART = referendum_contest(ContestId("ref-71"), E, Names.same("Q"), constitutional=False,
                              area=UnitId("KZ-71"))
LIST = Contest(ContestId("list"), E, ContestKind.PARTY_LIST, Names.same("Lists"), UnitId("KZ"),
               (_opt("P1", 1), _opt("P2", 2), _opt("P3", 3), AA))
PRESIDENT = Contest(ContestId("president"), E, ContestKind.PRESIDENTIAL, Names.same("P"),
                    UnitId("KZ"), (_opt("A"), _opt("B"), _opt("C"), AA))
DISTRICT = ElectoralDistrict("D1", 1, Names.same("District 1"), UnitId("KZ-75"),
                             frozenset(StationId(s) for s in STATIONS if s.startswith("KZ-75")))
SMD = Contest(ContestId("smd"), E, ContestKind.SINGLE_MEMBER, Names.same("D1"), UnitId("KZ-75"),
              (_opt("X"), _opt("Y"), AA), district=DISTRICT)
SENATE = Contest(ContestId("senate"), E, ContestKind.SENATE_SEAT, Names.same("S"),
                 UnitId("KZ-11"), (_opt("S1"), _opt("S2"), _opt("S3")))


def counts(c: Contest, registered: int, votes: Sequence[int], invalid: int = 7) -> ProtocolCounts:
    boxes = sum(votes) + invalid
    return ProtocolCounts.of(registered=registered, ballots_received=boxes + 10,
                             ballots_issued=boxes, ballots_cancelled=10, ballots_in_boxes=boxes,
                             invalid=invalid,
                             votes=dict(zip(c.option_ids, votes, strict=True)))


def tally_of(c: Contest, shares: Sequence[int], *, reporting: int | None = None,
             scale: int = 1) -> Tally:
    """The tally of `c` when the first `reporting` of its stations (all by default) have
    reported, each giving the options votes in proportion to `shares`."""
    mine = [StationId(s) for s in STATIONS if c.votes_at(GEO, StationId(s))]
    n = len(mine) if reporting is None else reporting
    protocols = []
    for k, s in enumerate(mine[:n]):
        votes = [v * scale + (k % 3) for v in shares]
        protocols.append((s, counts(c, GEO.unit(s).registered, votes)))
    return tally_protocols(GEO, c, protocols)


def old_decision_summary(contest: Contest, t: Tally, geo: Geography,
                         ruleset: RulesetName) -> dict[str, Any]:
    """The verifier's summary as it was written before `decide()` (verbatim): the oracle."""
    if contest.kind is ContestKind.REFERENDUM:
        d = decisions.referendum_decision(contest, t, geo, ruleset=ruleset)
        if d is None:
            return {}
        return {"state": d.state.value, "valid": d.valid, "adopted": d.adopted,
                "units_with_majority": d.units_with_majority}
    total = decisions.contest_total(contest, t)
    if total.stations_reported == 0:
        return {"state": "pending"}
    if contest.kind is ContestKind.PARTY_LIST:
        return {"seats": dict(decisions.list_decision(contest, t, ruleset).seats)}
    if contest.kind in (ContestKind.SINGLE_MEMBER, ContestKind.PRESIDENTIAL):
        cd = decisions.candidate_decision(contest, t, ruleset)
        return {"outcome": cd.outcome.value, "winner": cd.winner}
    return {}


def same_steps(a: Sequence[Any], b: Sequence[Any]) -> bool:
    return [s.as_json() for s in a] == [s.as_json() for s in b]


# --- every kind against today's paths -----------------------------------------------------------


@pytest.mark.parametrize("reporting", [None, 5, 0])
@pytest.mark.parametrize("readings", [ReferendumReadings(),
                                      ReferendumReadings(two_thirds=TwoThirdsReading.FLOOR)])
def test_a_nationwide_referendum_as_the_live_results_and_open_data_decide_it(
        reporting: int | None, readings: ReferendumReadings) -> None:
    t = tally_of(REF, [60, 40], reporting=reporting)
    d = decide(REF, t, GEO, KZ22, readings=readings)
    live = decisions.referendum_decision(REF, t, GEO, readings, KZ22)  # services/results.py
    export = decide_referendum(decisions.unit_figures(t, GEO),  # services/export.py
                               constitutional=True, readings=readings, ruleset=KZ22.value)
    assert live is not None
    assert d.referendum == live == export
    assert d.outcome == live.state.value
    assert same_steps(d.explanation, live.explanation)
    expected = {None: DecisionState.FINAL, 5: DecisionState.PROVISIONAL,
                0: DecisionState.PENDING}[reporting]
    assert d.state is expected
    total = t.result(UnitId("KZ"))
    assert (d.stations_reported, d.stations_expected) == (total.stations_reported,
                                                         total.stations_expected)
    assert d.summary() == old_decision_summary(REF, t, GEO, KZ22) == decision_summary(
        REF, t, GEO, KZ22)


def test_a_question_put_to_part_of_the_country_has_no_decision_of_its_own() -> None:
    t = tally_of(REF_PART, [60, 40])
    d = decide(REF_PART, t, GEO, KZ22)
    assert decisions.referendum_decision(REF_PART, t, GEO) is None  # today: none, a 422
    assert d.state is DecisionState.NONE and d.outcome is None and d.referendum is None
    assert [s.code for s in d.explanation] == ["decide.none.area"]
    assert "Astana" in d.explanation[0].text
    assert d.summary() == old_decision_summary(REF_PART, t, GEO, KZ22) == {}


@pytest.mark.parametrize("ruleset", [RulesetName.KZ_2022, RulesetName.KZ_2026])
@pytest.mark.parametrize("reporting", [None, 4])
def test_the_party_list_as_the_api_cli_site_and_open_data_decide_it(
        ruleset: RulesetName, reporting: int | None) -> None:
    t = tally_of(LIST, [500, 300, 20, 60], reporting=reporting)
    d = decide(LIST, t, GEO, ruleset)
    today = decisions.list_decision(LIST, t, ruleset)  # services/parliament.list_decision
    assert d.list_seats == today
    assert d.outcome == today.outcome.value
    assert same_steps(d.explanation, today.explanation)
    total = decisions.contest_total(LIST, t)
    # the CLI's words: "final" when every station reported, else "provisional"
    assert d.state.value == ("final" if total.complete else "provisional")
    assert d.summary() == old_decision_summary(LIST, t, GEO, ruleset) == {"seats": today.seats}


def test_the_party_list_under_generic_takes_the_elections_parameters_and_readings() -> None:
    t = tally_of(LIST, [500, 30, 20, 60])
    params = {"seats": "10", "threshold": "10", "method": "dhondt"}
    readings = ListReadings(second_party=SecondPartyReading.NONE)
    d = decide(LIST, t, GEO, "generic", params=params, readings=readings)
    today = decisions.list_decision(LIST, t, RulesetName.GENERIC, params, readings=readings)
    assert d.list_seats == today and today.seats_total == 10
    assert d.list_seats is not None and d.list_seats.readings == readings


@pytest.mark.parametrize(("contest", "shares", "outcome"), [
    (SMD, [300, 200, 50], "elected"),
    (SMD, [100, 200, 400], "repeat"),  # "against all" first
    (PRESIDENT, [600, 300, 50, 10], "elected"),
    (PRESIDENT, [400, 350, 200, 60], "runoff"),
], ids=["district", "district repeat", "president", "president runoff"])
@pytest.mark.parametrize("reporting", [None, 1])
def test_districts_and_the_presidency_as_today(contest: Contest, shares: list[int],
                                               outcome: str, reporting: int | None) -> None:
    t = tally_of(contest, shares, reporting=reporting)
    d = decide(contest, t, GEO, KZ22)
    today = decisions.candidate_decision(contest, t, KZ22)  # services/parliament
    assert d.candidates == today
    assert d.outcome == today.outcome.value == outcome and d.winner == today.winner
    assert same_steps(d.explanation, today.explanation)
    total = decisions.contest_total(contest, t)
    assert d.state.value == ("final" if total.complete else "provisional")
    assert (d.stations_reported, d.stations_expected) == (total.stations_reported,
                                                         total.stations_expected)
    assert d.summary() == old_decision_summary(contest, t, GEO, KZ22)


ROUND_1 = SessionRound(1, 2, electors=100, electors_present=90, invalid=2,
                       votes=(("S1", 40), ("S2", 30), ("S3", 18)))
ROUND_2 = SessionRound(2, 1, electors=100, electors_present=88, invalid=1,
                       votes=(("S1", 50), ("S2", 37)))


@pytest.mark.parametrize("rounds", [(ROUND_1,), (ROUND_2, ROUND_1)], ids=["round 1", "round 2"])
def test_a_senate_seat_as_its_joint_session_decides_it(rounds: tuple[SessionRound, ...]) -> None:
    t = tally_of(SENATE, [1, 1, 1], reporting=0)
    d = decide(SENATE, t, GEO, KZ22, rounds=rounds)
    last = max(rounds, key=lambda r: r.round)
    # services/senate.seat_decision: the latest round's current protocol
    today = decide_senate_seat([CandidateVotes(o, v) for o, v in last.votes], ruleset=KZ22,
                               electors=last.electors, electors_present=last.electors_present,
                               invalid=last.invalid, round=last.round)
    assert d.candidates == today
    assert d.outcome == today.outcome.value == ("runoff" if last.round == 1 else "elected")
    assert same_steps(d.explanation, today.explanation)
    assert d.state is DecisionState.FINAL
    assert d.stations_reported is None and [r.round for r in d.rounds] == [1, 2][:len(rounds)]
    assert d.summary() == {"outcome": today.outcome.value, "winner": today.winner}


def test_a_senate_seat_without_a_session_is_pending_as_the_api_said() -> None:
    t = tally_of(SENATE, [1, 1, 1], reporting=0)
    d = decide(SENATE, t, GEO, KZ22)
    assert d.state is DecisionState.PENDING and d.outcome is None and d.candidates is None
    assert [s.code for s in d.explanation] == ["decide.pending.session"]
    assert d.summary() == old_decision_summary(SENATE, t, GEO, KZ22) == {"state": "pending"}


@pytest.mark.parametrize("contest", [LIST, SMD, PRESIDENT], ids=["list", "district", "president"])
def test_before_the_first_protocol_every_station_contest_is_pending(contest: Contest) -> None:
    t = tally_of(contest, [1] * len(contest.options), reporting=0)
    d = decide(contest, t, GEO, KZ22)
    assert d.state is DecisionState.PENDING and d.outcome is None
    assert [s.code for s in d.explanation] == ["decide.pending.stations"]
    expected = decisions.contest_total(contest, t).stations_expected
    assert d.stations_reported == 0 and d.stations_expected == expected > 0
    assert d.summary() == old_decision_summary(contest, t, GEO, KZ22) == {"state": "pending"}


def test_figures_the_law_cannot_decide_are_undecidable_with_the_laws_reason() -> None:
    # every party under 5% of a base that "against all" fills: no party passes
    t = tally_of(LIST, [2, 2, 1, 200], reporting=3)
    with pytest.raises(RuleError) as today:
        decisions.list_decision(LIST, t, KZ22)
    d = decide(LIST, t, GEO, KZ22)
    assert d.state is DecisionState.UNDECIDABLE and d.list_seats is None
    assert d.reason is not None and d.reason.code == today.value.code == "no_party_passed"
    assert d.reason.message == today.value.message
    assert [s.code for s in d.explanation] == ["decide.undecidable"]
    assert "no_party_passed" in d.explanation[0].text_in("kk")
    with pytest.raises(RuleError) as summary:  # as the verifier's summary always did
        d.summary()
    assert summary.value.code == today.value.code
    with pytest.raises(RuleError):
        old_decision_summary(LIST, t, GEO, KZ22)


# --- the registry, the wire form -----------------------------------------------------------------


def test_every_contest_kind_has_a_decider_and_an_unknown_kind_is_named() -> None:
    assert set(DECIDERS) == set(ContestKind)
    assert decider("party-list") is DECIDERS[ContestKind.PARTY_LIST]
    with pytest.raises(ValidationFailed) as exc:
        decider("council")
    assert exc.value.code == "kind_unknown"
    assert exc.value.details["field"] == "kind" and exc.value.details["actual"] == "council"
    assert exc.value.details["expected"] == [k.value for k in ContestKind]


def test_an_unknown_ruleset_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationFailed) as exc:
        decide(LIST, tally_of(LIST, [1, 1, 1, 1]), GEO, "kz-1995")
    assert exc.value.code == "ruleset_unknown"
    assert (exc.value.details["field"], exc.value.details["actual"]) == ("ruleset", "kz-1995")


def test_the_json_form_keeps_stable_codes_and_the_kinds_figures_once() -> None:
    t = tally_of(LIST, [500, 300, 20, 60], reporting=4)
    d = decide(LIST, t, GEO, KZ22)
    j = d.as_json("ru")
    assert (j["contest"], j["kind"], j["ruleset"], j["state"], j["outcome"]) == (
        "list", "party-list", "kz-2022", "provisional", "allocated")
    assert j["decision"]["seats"] == d.list_seats.seats if d.list_seats else False
    assert "explanation" not in j["decision"] and "steps" not in j["decision"]
    assert j["lang"] == "ru" and [s["code"] for s in j["steps"]] == [
        s.code for s in d.explanation]
    assert j["explanation"] == [s.render("ru") for s in d.explanation]
    assert (j["stations_reported"], j["reason"], j["rounds"]) == (4, None, [])
    pending = decide(SENATE, t, GEO, KZ22).as_json()
    assert (pending["state"], pending["outcome"], pending["decision"]) == ("pending", None, None)
    assert pending["steps"][0]["code"] == "decide.pending.session"


def test_readings_of_one_kind_alone_are_taken() -> None:
    assert Readings.of(None) == Readings()
    r = ReferendumReadings(two_thirds=TwoThirdsReading.FLOOR)
    assert Readings.of(r).referendum == r and Readings.of(r).lists == ListReadings()
    lr = ListReadings(second_party=SecondPartyReading.NONE)
    assert Readings.of(lr).lists == lr
    both = Readings(r, lr)
    assert Readings.of(both) is both


def test_the_decision_is_exact_and_the_same_for_the_same_figures() -> None:
    t = tally_of(REF, [60, 40])
    a, b = decide(REF, t, GEO, KZ22), decide(REF, t, GEO, KZ22)
    assert a == b
    assert a.referendum is not None and isinstance(a.referendum.yes_share, Fraction)
