"""The tally on a small hand-made country: partial while protocols arrive, exact shares,
turnout through the day; and the turnout report checks."""

from __future__ import annotations

from datetime import time
from fractions import Fraction

from saylau.domain.contests import NO, YES, referendum_contest
from saylau.domain.ids import ContestId, ElectionId, StationId, UnitId
from saylau.domain.names import Names
from saylau.domain.protocols import ProtocolCounts, Severity
from saylau.domain.tally import tally_protocols, tally_turnout
from saylau.domain.turnout import TurnoutReport, check_turnout
from tests.conftest import small_country

GEO = small_country()
C = referendum_contest(ContestId("c"), ElectionId("e"), Names.same("Q"), constitutional=True,
                       area=UnitId("KZ"))


def proto(registered: int, yes: int, no: int, both: int = 0, invalid: int = 0) -> ProtocolCounts:
    boxes = yes + no + both + invalid
    return ProtocolCounts.of(registered=registered, ballots_received=boxes + 5,
                             ballots_issued=boxes, ballots_cancelled=5, ballots_in_boxes=boxes,
                             invalid=invalid, both_marked=both, votes={YES: yes, NO: no})


def test_partial_results_say_how_many_stations_they_cover() -> None:
    s = StationId(UnitId("KZ-71-D0-S0"))
    t = tally_protocols(GEO, C, [(s, proto(1011, 600, 100, 10, 20))])
    root = t.result(UnitId("KZ"))
    assert (root.stations_reported, root.stations_expected) == (1, 13)
    assert root.list_size == sum(u.registered for u in GEO.stations())
    astana = t.result(UnitId("KZ-71"))
    assert (astana.stations_reported, astana.stations_expected) == (1, 5)  # 4 + abroad
    assert astana.participants == 730
    assert astana.turnout == Fraction(730, 1011)
    assert astana.vote_share(YES) == Fraction(600, 730)
    assert t.result(UnitId("KZ-75")).stations_reported == 0
    assert t.result(UnitId("KZ-75")).turnout == 0


def test_abroad_stations_count_in_the_capital() -> None:
    s = StationId(UnitId("KZ-71-ABROAD-S0"))
    t = tally_protocols(GEO, C, [(s, proto(300, 100, 50))])
    assert t.result(UnitId("KZ-71")).vote(YES) == 100
    assert GEO.top_level_of(s) == GEO.unit(UnitId("KZ-71"))


def test_turnout_through_the_day_counts_the_stations_that_reported() -> None:
    a, b = StationId(UnitId("KZ-71-D0-S0")), StationId(UnitId("KZ-71-D0-S1"))
    reports = [TurnoutReport(C.id, a, time(10), 100), TurnoutReport(C.id, b, time(10), 50),
               TurnoutReport(C.id, a, time(12), 300)]
    tt = tally_turnout(GEO, C, reports)
    series = tt.series(UnitId("KZ-71"))
    assert [p.at for p in series] == [time(10), time(12)]
    ten, twelve = series
    la, lb = GEO.unit(a).registered, GEO.unit(b).registered
    assert (ten.ballots_issued, ten.list_size, ten.stations_reporting) == (150, la + lb, 2)
    assert ten.turnout == Fraction(150, la + lb)
    assert (twelve.ballots_issued, twelve.stations_reporting) == (300, 1)
    assert ten.stations_expected == 5


def test_turnout_checks() -> None:
    s = StationId(UnitId("S"))
    r10 = TurnoutReport(ContestId("c"), s, time(10), 100)
    assert check_turnout(r10, 1000, []) == ()
    lower = TurnoutReport(ContestId("c"), s, time(12), 90)
    [f] = check_turnout(lower, 1000, [r10])
    assert (f.code, f.severity, dict(f.numbers)) == (
        "turnout.decreased", Severity.ERROR, {"ballots_issued": 90, "earlier": 100})
    over = TurnoutReport(ContestId("c"), s, time(12), 1001)
    assert [f.code for f in check_turnout(over, 1000, [r10])] == ["turnout.exceed_registered"]
    changed = TurnoutReport(ContestId("c"), s, time(10), 120)
    assert [f.code for f in check_turnout(changed, 1000, [r10])] == ["turnout.conflict"]
    # a late report for an earlier time cannot exceed what was reported later
    r14 = TurnoutReport(ContestId("c"), s, time(14), 200)
    early = TurnoutReport(ContestId("c"), s, time(12), 250)
    assert [f.code for f in check_turnout(early, 1000, [r10, r14])] == ["turnout.decreased"]
