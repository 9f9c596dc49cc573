"""Property tests of the tally: exact, order-independent, consistent up the tree, and equal to
the naive oracle; and of the vectorised bulk checks against the scalar ones."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from saylau.domain.contests import NO, YES, referendum_contest
from saylau.domain.geography import Geography, Unit, UnitKind
from saylau.domain.ids import ContestId, ElectionId, StationId, UnitId
from saylau.domain.names import Names
from saylau.domain.protocol_batch import batch_flags
from saylau.domain.protocols import (
    COUNT_FIELDS,
    MAX_COUNT,
    ProtocolCheckContext,
    ProtocolCounts,
    Severity,
    run_checks,
)
from saylau.domain.tally import naive_unit_totals, tally_protocols


@st.composite
def geographies(draw: Any) -> Geography:
    """Random trees: 1-4 top-level units, districts nested 0-2 deep, 1-4 stations each."""
    units = [Unit(UnitId("R"), None, UnitKind.COUNTRY, Names.same("R"))]
    counter = iter(range(10_000))

    def grow(parent: UnitId, depth: int) -> None:
        if depth > 0 and draw(st.booleans()):
            for _ in range(draw(st.integers(1, 3))):
                uid = UnitId(f"D{next(counter)}")
                units.append(Unit(uid, parent, UnitKind.DISTRICT, Names.same(uid)))
                grow(uid, depth - 1)
        else:
            for _ in range(draw(st.integers(1, 4))):
                sid = UnitId(f"S{next(counter)}")
                units.append(Unit(sid, parent, UnitKind.STATION, Names.same(sid),
                                  registered=draw(st.integers(0, 3000))))

    for _ in range(draw(st.integers(1, 4))):
        tid = UnitId(f"T{next(counter)}")
        units.append(Unit(tid, UnitId("R"), UnitKind.REGION, Names.same(tid)))
        grow(tid, 2)
    return Geography.build(units)


CONTEST = referendum_contest(ContestId("c"), ElectionId("e"), Names.same("Q"),
                             constitutional=True, area=UnitId("R"))


@st.composite
def protocols(draw: Any, geo: Geography) -> dict[StationId, ProtocolCounts]:
    out: dict[StationId, ProtocolCounts] = {}
    for s in geo.stations():
        if not draw(st.booleans()):
            continue
        yes, no, both, inv = (draw(st.integers(0, 400)) for _ in range(4))
        boxes = yes + no + both + inv
        issued = boxes + draw(st.integers(0, 5))
        out[StationId(s.id)] = ProtocolCounts.of(
            registered=issued + draw(st.integers(0, 500)), ballots_received=issued + 10,
            ballots_issued=issued, ballots_cancelled=10, ballots_in_boxes=boxes, invalid=inv,
            both_marked=both, votes={YES: yes, NO: no},
        )
    return out


@st.composite
def country_and_protocols(draw: Any) -> tuple[Geography, dict[StationId, ProtocolCounts]]:
    geo = draw(geographies())
    return geo, draw(protocols(geo))


@settings(max_examples=60, deadline=None)
@given(country_and_protocols(), st.randoms(use_true_random=False))
def test_tally_does_not_depend_on_arrival_order(data: Any, rnd: Any) -> None:
    geo, ps = data
    items = list(ps.items())
    shuffled = items[:]
    rnd.shuffle(shuffled)
    a = tally_protocols(geo, CONTEST, items)
    b = tally_protocols(geo, CONTEST, shuffled)
    assert np.array_equal(a.totals, b.totals)


@settings(max_examples=60, deadline=None)
@given(country_and_protocols())
def test_every_unit_is_the_sum_of_its_children_and_equals_the_oracle(data: Any) -> None:
    geo, ps = data
    t = tally_protocols(geo, CONTEST, ps.items())
    for u in geo.units:
        r = t.result(u.id)
        assert r == naive_unit_totals(geo, CONTEST, ps, u.id)
        kids = geo.children[u.id]
        if kids:
            rows = [t.result(k) for k in kids]
            for f in ("stations_expected", "stations_reported", "list_size", *COUNT_FIELDS):
                assert getattr(r, f) == sum(getattr(k, f) for k in rows), (u.id, f)
            assert r.vote(YES) == sum(k.vote(YES) for k in rows)
    root = t.result(geo.root.id)
    assert root.stations_reported == len(ps)
    assert root.vote(YES) == sum(c.vote(YES) for c in ps.values())


count = st.integers(min_value=-3, max_value=1200) | st.sampled_from([MAX_COUNT, MAX_COUNT + 1])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(*(count for _ in range(9)), st.integers(0, 1300),
                          st.integers(-1, 1300)), min_size=1, max_size=20),
       st.booleans())
def test_vectorised_checks_agree_with_the_scalar_checks(rows: Any, referendum: bool) -> None:
    contest = CONTEST
    arr = np.array([r[:9] for r in rows], dtype=np.int64)
    lists = np.array([r[9] for r in rows], dtype=np.int64)
    last = np.array([r[10] for r in rows], dtype=np.int64)
    if not referendum:
        from saylau.domain.contests import Contest, ContestKind

        contest = Contest(ContestId("p"), ElectionId("e"), ContestKind.PARTY_LIST,
                          Names.same("L"), UnitId("R"), CONTEST.options)
    flags = batch_flags(arr, has_both_marked=referendum, list_sizes=lists, last_turnout=last)
    for k, r in enumerate(rows):
        c = ProtocolCounts.of(**dict(zip(COUNT_FIELDS, r[:7], strict=True)),
                              votes={YES: r[7], NO: r[8]})
        ctx = ProtocolCheckContext(contest, StationId(UnitId("S")), r[9],
                                   None if r[10] < 0 else r[10])
        findings = run_checks(ctx, c)
        assert bool(flags.error[k]) == any(f.severity is Severity.ERROR for f in findings)
        assert bool(flags.warning[k]) == any(f.severity is Severity.WARNING for f in findings)
