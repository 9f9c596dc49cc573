"""The incremental tally (`retally`: a changed station touches its own row and its ancestors')
equals the tally summed from scratch after any sequence of changes, and keeps every earlier
Tally as it was (a reader holding one sees a consistent picture)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saylau.domain import tally as tally_mod
from saylau.domain.tally import empty_table, retally, tally
from tests.property.test_tally_props import CONTEST, geographies


@st.composite
def change_batches(draw: Any) -> tuple[Any, list[list[tuple[int, list[int]]]]]:
    """A geography and a few batches of changes: (station index, its new row of figures)."""
    geo = draw(geographies())
    stations = [int(i) for i in geo.station_indices]
    table = empty_table(geo, CONTEST)
    width = table.data.shape[1] - 1  # every column but 'expected'
    batches = []
    for _ in range(draw(st.integers(1, 6))):
        chosen = draw(st.lists(st.sampled_from(stations), min_size=0, max_size=5, unique=True))
        batches.append([(i, draw(st.lists(st.integers(0, 10**6), min_size=width,
                                          max_size=width))) for i in chosen])
    return geo, batches


@settings(max_examples=80, deadline=None)
@given(change_batches(), st.booleans())
def test_retally_equals_the_tally_summed_again(case: Any, small_limit: bool) -> None:
    geo, batches = case
    table = empty_table(geo, CONTEST)
    current = tally(geo, table)
    seen = [(current, current.totals.copy())]
    limit = 3 if small_limit else tally_mod.OVERLAY_LIMIT
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tally_mod, "OVERLAY_LIMIT", limit)  # small: the re-sum path is taken too
        for batch in batches:
            idx = np.array([i for i, _ in batch], dtype=np.int64)
            old = table.data[idx].copy()
            for i, row in batch:
                table.data[i, 1:] = row
            current = retally(current, table, idx, old)
            assert np.array_equal(current.totals, tally(geo, table).totals)
            for u in geo.units:  # unit by unit through the overlay, as results() reads it
                assert np.array_equal(current.row(geo.index[u.id]),
                                      tally(geo, table).totals[geo.index[u.id]])
            full = tally(geo, table).totals
            for k in range(full.shape[1]):  # one column through the overlay
                assert np.array_equal(current.column(k), full[:, k])
            seen.append((current, current.totals.copy()))
    for t, totals in seen:  # no Tally changed after it was made
        assert np.array_equal(t.totals, totals)


def test_retally_refuses_a_repeated_station() -> None:
    from saylau.domain.geography import Geography, Unit, UnitKind
    from saylau.domain.ids import UnitId
    from saylau.domain.names import Names

    geo = Geography.build([
        Unit(UnitId("R"), None, UnitKind.COUNTRY, Names.same("R")),
        Unit(UnitId("T"), UnitId("R"), UnitKind.REGION, Names.same("T")),
        Unit(UnitId("S"), UnitId("T"), UnitKind.STATION, Names.same("S"), registered=5),
    ])
    table = empty_table(geo, CONTEST)
    t = tally(geo, table)
    i = geo.index[UnitId("S")]
    with pytest.raises(ValueError, match="repeated"):
        retally(t, table, np.array([i, i]), table.data[[i, i]])
