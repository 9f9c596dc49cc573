"""Tallying: every unit's results from the current accepted protocols, up the hierarchy.

Exact integers throughout: station figures are int64 and bounded by protocols.MAX_COUNT, so
sums over any realistic country (and a million stations) cannot overflow. The result does not
depend on the order in which protocols arrived: it is a function of the set of current
versions only. While protocols arrive, every figure is partial and says how many stations it
covers (stations reported of expected).

The sums run level by level up the tree, vectorised with numpy (a million stations in well
under a second); `naive_unit_totals` is the plain oracle the property tests compare against.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import time
from fractions import Fraction
from functools import cached_property

import numpy as np
import numpy.typing as npt

from saylau.domain.contests import Contest
from saylau.domain.explain import share
from saylau.domain.geography import Geography
from saylau.domain.ids import OptionId, StationId, UnitId
from saylau.domain.protocols import COUNT_FIELDS, ProtocolCounts
from saylau.domain.turnout import TurnoutReport

IntArray = npt.NDArray[np.int64]

# columns of the tally matrix: bookkeeping, then the protocol's counts, then one per option
BOOK_FIELDS: tuple[str, ...] = ("stations_expected", "stations_reported", "list_size")


def aggregate_up(geo: Geography, values: IntArray) -> IntArray:
    """Sum a per-unit matrix up the tree: row i of the result is row i of `values` plus the
    rows of all of unit i's descendants. `values` has one row per unit (geo.units order).

    The geography orders units breadth-first with each parent's children contiguous and in
    parent order, so each level is reduced with one `np.add.reduceat` (exact int64).
    """
    totals = np.array(values, dtype=np.int64, copy=True)
    if len(geo.units) <= 1:
        return totals
    depth = geo.depth
    max_depth = int(depth.max())
    for d in range(max_depth, 0, -1):
        level = np.flatnonzero(depth == d)
        if level.size == 0:
            continue
        parents = geo.parent_index[level]
        contiguous = level[-1] - level[0] + 1 == level.size
        if contiguous and bool(np.all(parents[1:] >= parents[:-1])):
            starts = np.flatnonzero(np.r_[True, parents[1:] != parents[:-1]])
            sums = np.add.reduceat(totals[level], starts, axis=0)
            totals[parents[starts]] += sums
        else:  # pragma: no cover - geographies built by Geography.build are ordered
            np.add.at(totals, parents, totals[level])
    return totals


@dataclass(frozen=True, slots=True)
class UnitResult:
    """One unit's figures from the current protocols of its reported stations."""

    unit: UnitId
    stations_expected: int
    stations_reported: int
    list_size: int
    """Voters on the loaded lists of all expected stations (reported or not)."""
    registered: int
    """Voters on the lists as the reported stations' protocols give them."""
    ballots_received: int
    ballots_issued: int
    ballots_cancelled: int
    ballots_in_boxes: int
    invalid: int
    both_marked: int
    votes: tuple[tuple[OptionId, int], ...]
    """Votes per option, in the contest's option order."""

    @property
    def complete(self) -> bool:
        return self.stations_reported >= self.stations_expected

    @property
    def participants(self) -> int:
        """Ballots found in the boxes (docs/law.md §3.2: the default reading)."""
        return self.ballots_in_boxes

    @property
    def turnout(self) -> Fraction:
        """Participants / voters on the lists of the reported stations."""
        return share(self.participants, self.registered)

    def vote(self, option: OptionId) -> int:
        return dict(self.votes).get(option, 0)

    def vote_share(self, option: OptionId) -> Fraction:
        """An option's votes / participants (referendums: docs/law.md §3.4)."""
        return share(self.vote(option), self.participants)


@dataclass(frozen=True)
class StationTable:
    """Station figures as columns over the geography's units (rows of non-stations are 0).

    `data` has one row per unit and the columns BOOK_FIELDS + COUNT_FIELDS + options.
    """

    options: tuple[OptionId, ...]
    data: IntArray

    @property
    def columns(self) -> tuple[str, ...]:
        return BOOK_FIELDS + COUNT_FIELDS + tuple(f"votes.{o}" for o in self.options)


def empty_table(geo: Geography, contest: Contest) -> StationTable:
    """A table with every station of the contest's area expected and none reported."""
    options = contest.option_ids
    cols = len(BOOK_FIELDS) + len(COUNT_FIELDS) + len(options)
    data = np.zeros((len(geo.units), cols), dtype=np.int64)
    stations = geo.station_indices
    if contest.district is not None:
        chosen = np.array(sorted(geo.index[s] for s in contest.district.stations),
                          dtype=np.int64)
    else:
        chosen = stations[_in_area_mask(geo, contest.area)[stations]]
    data[chosen, 0] = 1
    data[chosen, 2] = geo.registered[chosen]
    return StationTable(options, data)


def _in_area_mask(geo: Geography, area: UnitId) -> npt.NDArray[np.bool_]:
    """Units lying within `area` (the area itself included)."""
    a = geo.index[area]
    if a == 0:  # the root: the whole geography
        return np.ones(len(geo.units), dtype=bool)
    mask = np.zeros(len(geo.units), dtype=bool)
    mask[a] = True
    # parents come before children, so one forward pass marks every descendant
    parent = geo.parent_index
    for i in range(a + 1, len(geo.units)):
        p = int(parent[i])
        if p >= 0 and mask[p]:
            mask[i] = True
    return mask


def fill_protocols(
    geo: Geography, table: StationTable, protocols: Iterable[tuple[StationId, ProtocolCounts]]
) -> StationTable:
    """Put the current protocol of each reported station into the table (a new table)."""
    data = table.data.copy()
    opt_col = {o: len(BOOK_FIELDS) + len(COUNT_FIELDS) + k for k, o in enumerate(table.options)}
    base = len(BOOK_FIELDS)
    for station, c in protocols:
        i = geo.index[station]
        row = data[i]
        row[1] = 1
        for k, f in enumerate(COUNT_FIELDS):
            row[base + k] = getattr(c, f)
        for o, v in c.votes:
            row[opt_col[o]] = v
    return StationTable(table.options, data)


@dataclass(frozen=True)
class Tally:
    """Every unit's totals for one contest.

    `base` holds every unit's totals as summed once; `overlay` the rows that changed since
    (unit index -> its whole new row), so that one new protocol makes a new Tally by touching
    only its station and that station's ancestors (`retally`) instead of re-summing or copying
    a million rows. A Tally never changes once made: a reader holding one keeps a consistent
    picture while newer ones are made."""

    geo: Geography
    options: tuple[OptionId, ...]
    base: IntArray
    overlay: Mapping[int, IntArray] = field(default_factory=dict)

    @cached_property
    def totals(self) -> IntArray:
        """Every unit's row (base with the overlay applied), made on first use."""
        if not self.overlay:
            return self.base
        out = self.base.copy()
        idx = np.fromiter(self.overlay, dtype=np.int64, count=len(self.overlay))
        out[idx] = np.stack([self.overlay[int(i)] for i in idx])
        return out

    def column(self, column: int) -> IntArray:
        """One column over every unit (base with the overlay applied), without making the
        whole matrix."""
        out = self.base[:, column].copy()
        for i, r in self.overlay.items():
            out[i] = r[column]
        return out

    def row(self, index: int) -> IntArray:
        got = self.overlay.get(index)
        return self.base[index] if got is None else got

    def result(self, unit: UnitId) -> UnitResult:
        row = self.row(self.geo.index[unit])
        b = len(BOOK_FIELDS)
        counts = {f: int(row[b + k]) for k, f in enumerate(COUNT_FIELDS)}
        o0 = b + len(COUNT_FIELDS)
        return UnitResult(
            unit=unit,
            stations_expected=int(row[0]),
            stations_reported=int(row[1]),
            list_size=int(row[2]),
            votes=tuple((o, int(row[o0 + k])) for k, o in enumerate(self.options)),
            **counts,
        )

    def results(self, units: Sequence[UnitId]) -> list[UnitResult]:
        return [self.result(u) for u in units]


def tally(geo: Geography, table: StationTable) -> Tally:
    """Totals of every unit from a station table (see `empty_table`, `fill_protocols`)."""
    return Tally(geo, table.options, aggregate_up(geo, table.data))


OVERLAY_LIMIT = 50_000
"""Rows an incremental tally may carry over its base before `retally` sums the table again
from scratch (a re-sum of a million stations takes about 0.2 s; an overlay this size costs
a few milliseconds more per refresh)."""


def retally(previous: Tally, table: StationTable, stations: IntArray, old_rows: IntArray
            ) -> Tally:
    """The tally after the rows `stations` of `table` changed from `old_rows` (one row per
    index, as they were when `previous` was made) to what `table` holds now: each change is
    added to its station and to every ancestor of it, in exact integers, and only those rows
    are made anew. Equal to `tally(geo, table)` (tests/property/test_retally.py); when the
    overlay would grow past OVERLAY_LIMIT rows, it is exactly that."""
    geo = previous.geo
    if table.options != previous.options:
        raise ValueError(f"options: expected {previous.options}, got {table.options}")
    if stations.size == 0:
        return previous
    if np.unique(stations).size != stations.size:
        raise ValueError("stations: expected each changed row once, got a repeated index")
    if len(previous.overlay) + stations.size * (int(geo.depth.max()) + 1) > OVERLAY_LIMIT:
        return tally(geo, table)
    delta = table.data[stations] - old_rows
    touched: dict[int, IntArray] = {}
    parent = geo.parent_index
    for i, d in zip(stations.tolist(), delta, strict=True):
        if not d.any():
            continue
        u = i
        while u >= 0:
            acc = touched.get(u)
            touched[u] = d.copy() if acc is None else acc + d
            u = int(parent[u])
    overlay = dict(previous.overlay)
    for u, d in touched.items():
        overlay[u] = previous.row(u) + d
    return Tally(geo, previous.options, previous.base, overlay)


def tally_protocols(
    geo: Geography, contest: Contest, protocols: Iterable[tuple[StationId, ProtocolCounts]]
) -> Tally:
    """Convenience: the tally of a contest from (station, current counts) pairs."""
    return tally(geo, fill_protocols(geo, empty_table(geo, contest), protocols))


def naive_unit_totals(
    geo: Geography,
    contest: Contest,
    protocols: Mapping[StationId, ProtocolCounts],
    unit: UnitId,
) -> UnitResult:
    """The plain oracle: walk the unit's stations and add their protocols one by one."""
    stations = [s for s in geo.descendant_stations(unit)
                if contest.votes_at(geo, StationId(s.id))]
    sums = dict.fromkeys(COUNT_FIELDS, 0)
    votes = dict.fromkeys(contest.option_ids, 0)
    reported = 0
    for s in stations:
        c = protocols.get(StationId(s.id))
        if c is None:
            continue
        reported += 1
        for f in COUNT_FIELDS:
            sums[f] += getattr(c, f)
        for o, v in c.votes:
            votes[o] += v
    return UnitResult(
        unit=unit,
        stations_expected=len(stations),
        stations_reported=reported,
        list_size=sum(s.registered for s in stations),
        votes=tuple((o, votes[o]) for o in contest.option_ids),
        **sums,
    )


# --- turnout during the day --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TurnoutPoint:
    """A unit's turnout at one report time, over the stations that reported by then."""

    at: time
    ballots_issued: int
    list_size: int
    """Voters on the lists of the stations counted at this time."""
    stations_reporting: int
    stations_expected: int

    @property
    def turnout(self) -> Fraction:
        return share(self.ballots_issued, self.list_size)


@dataclass(frozen=True)
class TurnoutTally:
    geo: Geography
    times: tuple[time, ...]
    totals: IntArray
    """shape (len(times), n_units, 3): ballots issued, list size, stations reporting."""
    expected: IntArray

    def series(self, unit: UnitId) -> list[TurnoutPoint]:
        i = self.geo.index[unit]
        return [
            TurnoutPoint(
                at=t,
                ballots_issued=int(self.totals[k, i, 0]),
                list_size=int(self.totals[k, i, 1]),
                stations_reporting=int(self.totals[k, i, 2]),
                stations_expected=int(self.expected[i]),
            )
            for k, t in enumerate(self.times)
        ]


def tally_turnout(
    geo: Geography, contest: Contest, reports: Iterable[TurnoutReport],
    expected: IntArray | None = None,
) -> TurnoutTally:
    """Turnout through the day for every unit: at each report time, the ballots issued by
    then at the stations that reported for that time, over those stations' lists (docs/law.md
    §3.3: ballots issued so far / voters on the lists). `expected`: each unit's stations
    expected (column 0 of the contest's tally), when the caller has it."""
    by_time: dict[time, list[TurnoutReport]] = {}
    for r in reports:
        by_time.setdefault(r.at, []).append(r)
    times = tuple(sorted(by_time))
    n = len(geo.units)
    if expected is None:  # each unit's expected stations (the results' tally has them)
        expected_rows = empty_table(geo, contest).data[:, 0]
        expected = aggregate_up(geo, expected_rows.reshape(-1, 1))[:, 0]
    totals = np.zeros((len(times), n, 3), dtype=np.int64)
    for k, t in enumerate(times):
        rows = np.zeros((n, 3), dtype=np.int64)
        for r in by_time[t]:
            i = geo.index[r.station]
            rows[i, 0] = r.ballots_issued
            rows[i, 1] = geo.registered[i]
            rows[i, 2] = 1
        totals[k] = aggregate_up(geo, rows)
    return TurnoutTally(geo, times, totals, expected)
