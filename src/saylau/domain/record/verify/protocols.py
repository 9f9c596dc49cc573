"""Every protocol version the verifier has read, as columns: from the batch pass a chunk at a
time, from the exact path a row at a time; the version order checked once at the end by
sorting (station, contest, leaf), with the very message the check leaf by leaf would give at
the first leaf it fails."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from saylau.domain.record.verify.core import VerificationFailed, _fail

Versions = dict[tuple[str, str], list[tuple[int, tuple[int, ...], dict[str, int]]]]
"""(contest, station) -> every version as (leaf, counts in COUNT_FIELDS order, votes)."""


@dataclass
class Rows:
    """The columns once every leaf is read (`ProtocolRows.finish`), rows in leaf order."""

    leaf: npt.NDArray[np.int64]
    contest: list[str]
    station: list[str]
    version: npt.NDArray[np.int64]
    reason: npt.NDArray[np.bool_]
    """A reason is given (not null, not empty)."""
    counts: npt.NDArray[np.int64]
    """n x 7, COUNT_FIELDS order."""
    names: list[tuple[str, ...]]
    """Per row, the options its votes name, in the order of `votes`' columns."""
    votes: npt.NDArray[np.int64]
    """n x the most options of any row; a row with fewer leaves the rest 0."""
    pair: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Per row, its (contest, station) pair, numbered in the order of their first leaves."""
    pair_first: npt.NDArray[np.int64] = field(
        default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Per pair, the leaf of its first version."""
    order: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Row numbers by pair (first leaf), then leaf: every pair's versions in order."""
    current: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    """The row is its pair's latest version."""
    contest_code: npt.NDArray[np.int64] = field(
        default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Per row, its contest's place in `contest_ids`."""
    contest_ids: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.leaf)

    def votes_of(self, row: int) -> dict[str, int]:
        return dict(zip(self.names[row], self.votes[row].tolist(), strict=False))

    def as_versions(self) -> Versions:
        """The histories as a mapping (risk-limiting audits read them so)."""
        out: Versions = {}
        for r in self.order.tolist():
            out.setdefault((self.contest[r], self.station[r]), []).append(
                (int(self.leaf[r]), tuple(self.counts[r].tolist()), self.votes_of(r)))
        return out


@dataclass
class ProtocolRows:
    """Appended to in leaf order; `finish` makes the columns."""

    _blocks: list[tuple[npt.NDArray[np.int64], list[str], list[str], npt.NDArray[np.int64],
                        npt.NDArray[np.bool_], npt.NDArray[np.int64], list[tuple[str, ...]],
                        npt.NDArray[np.int64]]] = field(default_factory=list)
    _one: list[tuple[int, str, str, int, bool, tuple[int, ...], dict[str, int]]] = field(
        default_factory=list)
    count: int = 0

    def add(self, leaf: int, contest: str, station: str, version: int, reason: bool,
            counts: tuple[int, ...], votes: dict[str, int]) -> None:
        """One version read by the exact path."""
        self._one.append((leaf, contest, station, version, reason, counts, votes))
        self.count += 1

    def add_block(self, leaf: npt.NDArray[np.int64], contest: list[str], station: list[str],
                  version: npt.NDArray[np.int64], counts: npt.NDArray[np.int64],
                  names: list[tuple[str, ...]], votes: npt.NDArray[np.int64]) -> None:
        """Versions read by the batch pass (a reason given exactly where version > 1: the
        scan reads no other)."""
        if not len(leaf):
            return
        self._flush()
        self._blocks.append((leaf, contest, station, version, version > 1, counts, names,
                             votes))
        self.count += len(leaf)

    def _flush(self) -> None:
        if not self._one:
            return
        rows = self._one
        self._one = []
        wide = max(len(r[6]) for r in rows)
        self._blocks.append((
            np.array([r[0] for r in rows], dtype=np.int64), [r[1] for r in rows],
            [r[2] for r in rows], np.array([r[3] for r in rows], dtype=np.int64),
            np.array([r[4] for r in rows], dtype=bool),
            np.array([r[5] for r in rows], dtype=np.int64).reshape(len(rows), 7),
            [tuple(r[6]) for r in rows],
            np.array([[*r[6].values(), *[0] * (wide - len(r[6]))] for r in rows],
                     dtype=np.int64).reshape(len(rows), wide)))

    def finish(self) -> Rows:
        self._flush()
        blocks = self._blocks
        wide = max((b[7].shape[1] for b in blocks), default=0)
        contest: list[str] = []
        station: list[str] = []
        names: list[tuple[str, ...]] = []
        for b in blocks:
            contest += b[1]
            station += b[2]
            names += b[6]
        rows = Rows(
            _cat([b[0] for b in blocks], np.int64), contest, station,
            _cat([b[3] for b in blocks], np.int64), _cat([b[4] for b in blocks], np.bool_),
            _cat([b[5] for b in blocks], np.int64, 7), names,
            _cat([np.pad(b[7], ((0, 0), (0, wide - b[7].shape[1]))) for b in blocks],
                 np.int64, wide))
        _pairs(rows)
        return rows


def _cat(parts: Sequence[npt.NDArray[Any]], dtype: type, width: int | None = None) -> Any:
    if parts:
        return np.concatenate(parts)
    return np.zeros((0,) if width is None else (0, width), dtype=dtype)


def _pairs(rows: Rows) -> None:
    """Number the (contest, station) pairs in the order of their first leaves; sort the rows
    by pair, then leaf; mark each pair's latest version."""
    n = len(rows)
    contests: dict[str, int] = {}
    stations: dict[str, int] = {}
    rows.contest_code = np.fromiter((contests.setdefault(c, len(contests))
                                     for c in rows.contest), dtype=np.int64, count=n)
    rows.contest_ids = list(contests)
    # a station's code: its first row (setdefault keeps the first)
    station = np.fromiter(map(stations.setdefault, rows.station, itertools.count()),
                          dtype=np.int64, count=n)
    both = station * max(len(contests), 1) + rows.contest_code
    distinct, first_row, inverse = np.unique(both, return_index=True, return_inverse=True)
    number = np.empty(len(distinct), dtype=np.int64)
    number[np.argsort(first_row, kind="stable")] = np.arange(len(distinct))
    # rows are in leaf order: pairs numbered in the order of their first leaves
    key = rows.pair = number[inverse.reshape(-1)]
    rows.order = np.lexsort((rows.leaf, key)) if n else np.zeros(0, dtype=np.int64)
    first = np.zeros(len(distinct), dtype=np.int64)
    if n:
        sorted_key = key[rows.order]
        starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
        first[sorted_key[starts]] = rows.leaf[rows.order[starts]]
        last = np.r_[starts[1:], n] - 1
        rows.current = np.zeros(n, dtype=bool)
        rows.current[rows.order[last]] = True
    rows.pair_first = first


def version_problem(rows: Rows) -> tuple[int, VerificationFailed] | None:
    """The first leaf whose version is not the next of its station and contest, or a
    correction without a reason, with the message the leaf-by-leaf check gives."""
    n = len(rows)
    if not n:
        return None
    order = rows.order
    key = rows.pair[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    group_start = np.repeat(starts, np.diff(np.r_[starts, n]))
    expected = np.empty(n, dtype=np.int64)
    expected[order] = np.arange(n) - group_start + 1
    bad = (rows.version != expected) | ((rows.version > 1) & ~rows.reason)
    if not bad.any():
        return None
    r = int(np.flatnonzero(bad)[0])  # rows are in leaf order: the first leaf that fails
    idx, st, contest, v = int(rows.leaf[r]), rows.station[r], rows.contest[r], int(
        rows.version[r])
    if v != expected[r]:
        return idx, _fail(f"leaf {idx}: protocol of station {st} for {contest} is version "
                          f"{v}, expected {int(expected[r])}", leaf=idx, station=st)
    return idx, _fail(f"leaf {idx}: correction {v} of station {st} gives no reason", leaf=idx,
                      station=st)
