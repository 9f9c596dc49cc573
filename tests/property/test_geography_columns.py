"""A geography made again from its columns (the snapshot a server starts from) is the same
geography: every unit, index, depth, top-level unit, children list and list size; and columns
not in a geography's order are refused."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from saylau.domain.geography import Geography
from saylau.domain.geography.columns import UnitColumns, columns_of, from_columns
from saylau.store.snapshots import decode_geography, encode_geography
from tests.property.test_tally_props import geographies


def _same(a: Geography, b: Geography) -> None:
    assert len(a.units) == len(b.units)
    assert list(a.units) == list(b.units)
    assert dict(a.index) == dict(b.index)
    for name in ("parent_index", "depth", "station_indices", "top_level_index", "registered"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert {k: a.children[k] for k in a.index} == {k: b.children[k] for k in b.index}
    assert a == b


@settings(max_examples=80, deadline=None)
@given(geographies())
def test_a_geography_made_from_its_columns_is_the_same(geo: Geography) -> None:
    _same(geo, from_columns(columns_of(geo)))


@settings(max_examples=30, deadline=None)
@given(geographies())
def test_the_snapshot_bytes_give_back_the_columns(geo: Geography) -> None:
    _same(geo, from_columns(_round_trip(geo)))


def test_a_name_holding_the_separator_comes_back_whole() -> None:
    from saylau.domain.geography import Unit
    from tests.conftest import small_country

    geo = small_country()
    units = list(geo.units)
    u = units[-1]
    units[-1] = Unit(u.id, u.parent, u.kind, type(u.name)(kk="a\x00b", ru=u.name.ru,
                                                         en=u.name.en), u.code, u.registered)
    odd = Geography.build(units)
    _same(odd, from_columns(_round_trip(odd)))


def test_an_id_holding_a_nul_is_not_stored_joined() -> None:
    cols = _cols([-1, 0], ["A", "B\x00C"])
    with pytest.raises(ValueError, match="ids: expected printable ids"):
        encode_geography(cols)


def _round_trip(geo: Geography) -> UnitColumns:
    cols = decode_geography(encode_geography(columns_of(geo)))
    assert cols is not None
    return cols


def _cols(parent: list[int], ids: list[str] | None = None) -> UnitColumns:
    n = len(parent)
    ids = ids or [f"U{i}" for i in range(n)]
    return UnitColumns(ids=ids, parent=np.array(parent, dtype=np.int64),
                       kind=np.zeros(n, dtype=np.int8), name_kk=ids, name_ru=ids, name_en=ids,
                       code=[None] * n, registered=np.zeros(n, dtype=np.int64),
                       abroad=np.zeros(n, dtype=np.bool_))


@pytest.mark.parametrize("parent", [[0, 0], [-1, 1], [-1, 0, 2], [-1, 0, 0, 2, 1], [-1, -1]])
def test_columns_out_of_a_geographys_order_are_refused(parent: list[int]) -> None:
    with pytest.raises(ValueError, match="parent: expected"):
        from_columns(_cols(parent))


def test_repeated_ids_and_short_columns_are_refused() -> None:
    with pytest.raises(ValueError, match="ids: expected 2 distinct"):
        from_columns(_cols([-1, 0], ["A", "A"]))
    with pytest.raises(ValueError, match="parent: expected 3 entries"):
        UnitColumns(ids=["A", "B", "C"], parent=np.array([-1, 0]),
                    kind=np.zeros(3, dtype=np.int8), name_kk=["a"] * 3, name_ru=["a"] * 3,
                    name_en=["a"] * 3, code=[None] * 3, registered=np.zeros(3, dtype=np.int64),
                    abroad=np.zeros(3, dtype=np.bool_))
