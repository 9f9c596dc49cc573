"""The geography as a tree with indexes for the tally (parents first, depths, children)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from saylau.domain.errors import NotFound, ValidationFailed
from saylau.domain.geography.problems import structural_problems
from saylau.domain.geography.units import Unit, UnitKind
from saylau.domain.ids import StationId, UnitId


@dataclass(frozen=True, eq=False)
class Geography:
    """A validated tree of units, indexed for fast tallies.

    Build it with `Geography.build(units)`, which raises ValidationFailed listing every
    structural problem. Index arrays (numpy, int64) number the units 0..n-1 in an order
    where every parent comes before its children (`order`), so sums can run up the tree
    level by level.

    Two geographies are equal when they hold the same units in the same order: every
    index is derived from the units (numpy arrays cannot be compared with `==`).
    """

    units: Sequence[Unit]
    """In this order (a tuple, or built on access for a geography made from its columns:
    geography.columns)."""
    index: Mapping[UnitId, int]
    parent_index: npt.NDArray[np.int64]
    """parent_index[i] = index of unit i's parent, -1 for the root."""
    depth: npt.NDArray[np.int64]
    station_indices: npt.NDArray[np.int64]
    """Indices of the stations, in the order of `units`."""
    top_level_index: npt.NDArray[np.int64]
    """top_level_index[i] = index of unit i's top-level unit (-1 for the root)."""
    children: Mapping[UnitId, tuple[UnitId, ...]] = field(repr=False)

    @staticmethod
    def build(units: Iterable[Unit]) -> Geography:
        ordered = _parents_first(tuple(units))
        problems = structural_problems(ordered)
        if problems:
            raise ValidationFailed(
                f"the geography has {len(problems)} problem(s); nothing was changed",
                code="geography_invalid",
                details={"problems": [p.as_dict() for p in problems]},
            )
        index = {u.id: i for i, u in enumerate(ordered)}
        n = len(ordered)
        # plain lists in the loop (numpy scalar access is slow), arrays at the end
        parent_list = [-1] * n
        depth_list = [0] * n
        top_list = [-1] * n
        kids: dict[UnitId, list[UnitId]] = {}
        for i, u in enumerate(ordered):
            if u.parent is None:
                continue
            p = index[u.parent]
            parent_list[i] = p
            d = depth_list[p] + 1
            depth_list[i] = d
            top_list[i] = i if d == 1 else top_list[p]
            kids.setdefault(u.parent, []).append(u.id)
        station = UnitKind.STATION
        stations = [i for i, u in enumerate(ordered) if u.kind is station]
        return Geography(
            units=ordered,
            index=index,
            parent_index=np.array(parent_list, dtype=np.int64),
            depth=np.array(depth_list, dtype=np.int64),
            station_indices=np.array(stations, dtype=np.int64),
            top_level_index=np.array(top_list, dtype=np.int64),
            children={u.id: tuple(kids.get(u.id, ())) for u in ordered},
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Geography):
            return NotImplemented
        return self is other or tuple(self.units) == tuple(other.units)

    def __hash__(self) -> int:
        return hash(tuple(self.units))

    @cached_property
    def registered(self) -> npt.NDArray[np.int64]:
        """Voters on each unit's list (0 but for stations), in `units` order."""
        return np.fromiter((u.registered for u in self.units), dtype=np.int64,
                           count=len(self.units))

    # --- lookups -------------------------------------------------------------------------
    @property
    def root(self) -> Unit:
        return self.units[0]

    def unit(self, unit_id: UnitId) -> Unit:
        i = self.index.get(unit_id)
        if i is None:
            raise NotFound(f"no unit {unit_id!r} in the geography", details={"unit": unit_id})
        return self.units[i]

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self.index

    def top_level(self) -> tuple[Unit, ...]:
        """The top-level units (children of the root), in stored order."""
        return tuple(self.unit(c) for c in self.children[self.root.id])

    def top_level_of(self, unit_id: UnitId) -> Unit | None:
        t = int(self.top_level_index[self.index[unit_id]])
        return None if t < 0 else self.units[t]

    def stations(self) -> Iterator[Unit]:
        for i in self.station_indices:
            yield self.units[int(i)]

    def station_ids(self) -> list[StationId]:
        return [StationId(self.units[int(i)].id) for i in self.station_indices]

    def ancestors(self, unit_id: UnitId) -> list[Unit]:
        """From the unit's parent up to the root."""
        out: list[Unit] = []
        i = int(self.parent_index[self.index[unit_id]])
        while i >= 0:
            out.append(self.units[i])
            i = int(self.parent_index[i])
        return out

    def is_within(self, unit_id: UnitId, scope: UnitId) -> bool:
        """True when `unit_id` is `scope` or lies below it."""
        if unit_id == scope:
            return True
        return any(a.id == scope for a in self.ancestors(unit_id))

    def descendant_stations(self, unit_id: UnitId) -> list[Unit]:
        out: list[Unit] = []
        stack = [unit_id]
        while stack:
            uid = stack.pop()
            u = self.unit(uid)
            if u.is_station:
                out.append(u)
            stack.extend(reversed(self.children[uid]))
        return out


def _parents_first(units: tuple[Unit, ...]) -> tuple[Unit, ...]:
    """Units reordered so that each parent precedes its children (breadth-first from the
    root, children in input order). Units not reachable from a single root (bad input) are
    appended in input order so that `structural_problems` can report them."""
    kids: dict[UnitId | None, list[Unit]] = {}
    for u in units:
        kids.setdefault(u.parent, []).append(u)
    roots = kids.get(None, [])
    if len(roots) != 1:
        return units
    out: list[Unit] = []
    seen: set[UnitId] = set()
    frontier = list(roots)
    while frontier:
        nxt: list[Unit] = []
        for u in frontier:
            if u.id in seen:
                continue
            seen.add(u.id)
            out.append(u)
            nxt.extend(kids.get(u.id, []))
        frontier = nxt
    if len(out) != len(units):
        # duplicates, cycles and unreachable units: keep the input order so that
        # structural_problems names each of them
        return units
    return tuple(out)
