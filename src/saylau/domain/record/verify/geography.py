"""The record's geography made from its units' columns (the verifier's batch path, issue 16):
the structural rules of Geography.build checked as columns and the units put in its order,
so that no Unit object is made for a million stations unless something asks for one. Any
broken rule falls back to Geography.build, which names the problem."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import numpy.typing as npt

from saylau.domain.geography import Geography, UnitKind
from saylau.domain.geography import columns as geography_columns
from saylau.domain.geography.units import TOP_LEVEL_KINDS
from saylau.domain.record.verify.leaves import UnitColumns, _State

_KIND_CODE = {k: i for i, k in enumerate(geography_columns.KINDS)}


def geography_of(state: _State) -> Geography:
    """The geography of the record's units: made from their columns (geography.columns, no
    Unit made until one is asked for) when every structural rule holds, checked as columns;
    else by Geography.build over the Units, which names every problem."""
    cols = _checked_columns(state.unit_parts)
    if cols is None:
        return Geography.build(state.units)
    return geography_columns.from_columns(cols)


def _checked_columns(parts: list[UnitColumns]) -> geography_columns.UnitColumns | None:
    """The units of `parts` as a geography's columns, in the order Geography.build puts them
    in (breadth-first from the root, each parent's children in their order in the record),
    when they break none of geography.problems.structural_problems' rules (one root, the
    country; ids unique; parents known; no cycle; stations are leaves with a list of 0 or
    more; other units no list and not abroad; the root's children exactly the top-level
    units); else None."""
    ids: list[Any] = [i for p in parts for i in p[0]]
    n = len(ids)
    index = dict(zip(ids, range(n), strict=True))
    if not n or len(index) != n:
        return None
    parents: list[Any] = [x for p in parts for x in p[1]]
    # a unit without a parent or with an unknown one: -1
    parent = np.fromiter(map(index.get, parents, itertools.repeat(-1)), dtype=np.int64,
                         count=n)
    roots = np.flatnonzero(parent < 0)
    if len(roots) != 1 or parents[int(roots[0])] is not None:
        return None
    order = _breadth_first(parent, int(roots[0]))
    if order is None:  # a cycle: units the root does not reach
        return None
    place = np.empty(n, dtype=np.int64)
    place[order] = np.arange(n)
    new_parent = np.where(parent[order] < 0, -1, place[np.maximum(parent[order], 0)])
    kind = np.fromiter((_KIND_CODE[k] for p in parts for k in p[2]), dtype=np.int8,
                       count=n)[order]
    try:
        registered = np.fromiter((r for p in parts for r in p[7]), dtype=np.int64,
                                 count=n)[order]
    except (OverflowError, TypeError):
        return None
    abroad = np.fromiter((a for p in parts for a in p[8]), dtype=bool, count=n)[order]
    station = _KIND_CODE[UnitKind.STATION]
    top = np.isin(kind, [_KIND_CODE[k] for k in TOP_LEVEL_KINDS])
    under_root = new_parent == 0
    if not (kind[0] == _KIND_CODE[UnitKind.COUNTRY]
            and not bool((kind[1:] == kind[0]).any())
            and not bool((kind[new_parent[1:]] == station).any())
            and bool((top[1:] == under_root[1:]).all())
            and bool((registered >= 0).all())
            and bool(((registered == 0) & ~abroad | (kind == station)).all())):
        return None
    pick = order.tolist()

    def column(k: int) -> list[Any]:
        values = [x for p in parts for x in p[k]]
        return [values[i] for i in pick]

    return geography_columns.UnitColumns(
        ids=[ids[i] for i in pick], parent=new_parent, kind=kind, name_kk=column(3),
        name_ru=column(4), name_en=column(5), code=column(6), registered=registered,
        abroad=abroad)


def _breadth_first(parent: npt.NDArray[np.int64], root: int) -> npt.NDArray[np.int64] | None:
    """The units breadth-first from `root`, each unit's children in their given order (as
    geography.tree._parents_first), or None when some unit is not reached."""
    n = len(parent)
    by_parent = np.argsort(parent, kind="stable")  # each parent's children together, in order
    first = np.searchsorted(parent[by_parent], np.arange(n), side="left")
    end = np.searchsorted(parent[by_parent], np.arange(n), side="right")
    levels = [np.array([root], dtype=np.int64)]
    seen = 1
    while seen < n:
        level = levels[-1]
        size = end[level] - first[level]
        total = int(size.sum())
        if total == 0:
            return None
        # the children of each unit of the level, units in the level's order
        offset = np.repeat(first[level] - (np.cumsum(size) - size), size)
        levels.append(by_parent[offset + np.arange(total)])
        seen += total
    order = np.concatenate(levels)
    return order if seen == n else None


