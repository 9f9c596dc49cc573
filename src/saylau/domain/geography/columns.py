"""The geography as columns: what a stored snapshot holds, and a Geography made from it that
builds each Unit only when it is asked for.

A loaded geography never changes, and at a million stations building it from its rows (a
Unit, a Names, an index entry and a children tuple per unit, and the structural checks again)
takes about 17 s, most of a server's cold start. The columns of a geography that was built
and checked once (`columns_of`) are enough to make it again (`from_columns`) in a fraction
of that: the index and the id list at once, every other thing on first use. No library
keeps a tree of Python objects lazily like this, hence the few lines here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import cast, overload

import numpy as np
import numpy.typing as npt

from saylau.domain.geography.tree import Geography
from saylau.domain.geography.units import Unit, UnitKind
from saylau.domain.ids import UnitId
from saylau.domain.names import Names

KINDS: tuple[UnitKind, ...] = tuple(UnitKind)
"""A unit's kind is stored as its position in this tuple."""


@dataclass(frozen=True)
class UnitColumns:
    """A geography's units in its own order (parents first), one entry per unit."""

    ids: Sequence[str]
    parent: npt.NDArray[np.int64]
    """Index of the parent, -1 for the root."""
    kind: npt.NDArray[np.int8]
    name_kk: Sequence[str]
    name_ru: Sequence[str]
    name_en: Sequence[str]
    code: Sequence[str | None]
    registered: npt.NDArray[np.int64]
    abroad: npt.NDArray[np.bool_]

    def __post_init__(self) -> None:
        n = len(self.ids)
        for name in ("parent", "kind", "name_kk", "name_ru", "name_en", "code", "registered",
                     "abroad"):
            got = len(getattr(self, name))
            if got != n:
                raise ValueError(f"{name}: expected {n} entries (one per id), got {got}")


def columns_of(geo: Geography) -> UnitColumns:
    units = geo.units
    position = {k: i for i, k in enumerate(KINDS)}
    return UnitColumns(
        ids=[u.id for u in units],
        parent=np.asarray(geo.parent_index, dtype=np.int64),
        kind=np.fromiter((position[u.kind] for u in units), dtype=np.int8, count=len(units)),
        name_kk=[u.name.kk for u in units], name_ru=[u.name.ru for u in units],
        name_en=[u.name.en for u in units], code=[u.code for u in units],
        registered=geo.registered,
        abroad=np.fromiter((u.abroad for u in units), dtype=np.bool_, count=len(units)),
    )


class _Units(Sequence[Unit]):
    """The units of a columnar geography, each made on first access and kept."""

    def __init__(self, cols: UnitColumns) -> None:
        self._cols = cols
        self._made: list[Unit | None] = [None] * len(cols.ids)

    def __len__(self) -> int:
        return len(self._made)

    def _make(self, i: int) -> Unit:
        c = self._cols
        p = int(c.parent[i])
        return Unit(
            id=UnitId(c.ids[i]), parent=None if p < 0 else UnitId(c.ids[p]),
            kind=KINDS[int(c.kind[i])],
            name=Names(kk=c.name_kk[i], ru=c.name_ru[i], en=c.name_en[i]),
            code=c.code[i], registered=int(c.registered[i]), abroad=bool(c.abroad[i]))

    @overload
    def __getitem__(self, i: int) -> Unit: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[Unit, ...]: ...
    def __getitem__(self, i: int | slice) -> Unit | tuple[Unit, ...]:
        if isinstance(i, slice):
            return tuple(self[k] for k in range(*i.indices(len(self))))
        u = self._made[i]
        if u is None:
            u = self._made[i] = self._make(i if i >= 0 else len(self) + i)
        return u

    def __iter__(self) -> Iterator[Unit]:
        for i in range(len(self)):
            yield self[i]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))


class _Children(Mapping[UnitId, tuple[UnitId, ...]]):
    """Each unit's children: in a geography's order every parent's children are contiguous
    and parents come in order, so unit i's children are the run of units whose parent is i."""

    def __init__(self, ids: Sequence[str], index: Mapping[UnitId, int],
                 parent: npt.NDArray[np.int64]) -> None:
        self._ids, self._index = ids, index
        rest = parent[1:]
        self._first = np.searchsorted(rest, np.arange(len(ids)), side="left") + 1
        self._end = np.searchsorted(rest, np.arange(len(ids)), side="right") + 1

    def __getitem__(self, unit: UnitId) -> tuple[UnitId, ...]:
        i = self._index[unit]
        return tuple(UnitId(x) for x in self._ids[int(self._first[i]):int(self._end[i])])

    def __iter__(self) -> Iterator[UnitId]:
        return (UnitId(x) for x in self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def from_columns(cols: UnitColumns) -> Geography:
    """The geography whose columns these are (`columns_of`), without checking it again: only
    for columns taken from a Geography that was built (and so checked) once. Raises
    ValueError when the columns are not in a geography's order (parents first, each parent's
    children together, parents in order)."""
    n = len(cols.ids)
    parent = np.asarray(cols.parent, dtype=np.int64)
    if n == 0 or parent[0] != -1 or (n > 1 and (
            bool(np.any(parent[1:] < 0)) or bool(np.any(np.diff(parent[1:]) < 0))
            or bool(np.any(parent[1:] >= np.arange(1, n))))):
        raise ValueError("parent: expected the root first, then every unit after its parent "
                         "with each parent's children together in parent order")
    # a UnitId is its str at run time (typing.NewType): no call per id
    index = cast(dict[UnitId, int], dict(zip(cols.ids, range(n), strict=True)))
    if len(index) != n:
        raise ValueError(f"ids: expected {n} distinct ids, got {len(index)}")
    depth = np.zeros(n, dtype=np.int64)
    top = np.full(n, -1, dtype=np.int64)
    # parents come first: one pass per level, vectorised
    if n > 1:
        depth[1:] = -1
        level = np.array([0])
        d = 0
        while level.size:
            d += 1
            kids = np.flatnonzero(np.isin(parent, level))
            kids = kids[kids > 0]
            depth[kids] = d
            top[kids] = kids if d == 1 else top[parent[kids]]
            level = kids
    station = KINDS.index(UnitKind.STATION)
    geo = Geography(
        units=_Units(cols), index=index, parent_index=parent, depth=depth,
        station_indices=np.flatnonzero(cols.kind == station).astype(np.int64),
        top_level_index=top, children=_Children(cols.ids, index, parent),
    )
    geo.__dict__["registered"] = np.asarray(cols.registered, dtype=np.int64)
    return geo


__all__ = ["KINDS", "UnitColumns", "columns_of", "from_columns"]
