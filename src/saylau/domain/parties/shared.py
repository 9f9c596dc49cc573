"""One party per citizen across every list at once, on arrays (numpy): the people listed by more
than one party and whose membership stands (members.listing and members.standing call this
first).

Every row's keyed hash (64 hex digits) gets a 64-bit key mixed from its first 16 characters;
one stable sort of all the rows' keys puts the rows of each person together. Equal keys are
only a claim: every row of a group with one key is compared, all 64 characters, with the
group's first row, and if two differ (two people whose keys agree, about one chance in 10^7
for a million rows) `groups` returns None and the caller takes its exact path on the full
hashes. So the result is always the exact one (tests/property/test_parties_checks.py holds both
paths to naive oracles, and shows the array path giving way).
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt


class ListHashes(Protocol):
    """What is read of a list (members.ListHashes): its keyed hashes and receipt order."""

    @property
    def hashes(self) -> tuple[str, ...]: ...

    @property
    def received(self) -> tuple[int, ...]: ...

_MIX = np.uint64(0x9E3779B97F4A7C15)
"""An odd constant (2^64 / the golden ratio): multiplying by it mixes the second word."""


def _keys(flat: Sequence[str]) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint8]] | None:
    """Each hash's 64-bit key and its 64 characters as a row of bytes; None when a hash is not
    64 ASCII characters (then the caller's exact path runs)."""
    n = len(flat)
    joined = "".join(flat)
    if len(joined) != 64 * n or not joined.isascii():
        return None
    if n and not bool(np.all(np.fromiter(map(len, flat), dtype=np.int64, count=n) == 64)):
        return None
    raw = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(n, 64)
    words = np.ascontiguousarray(raw[:, :16]).view(np.uint64)
    keys: npt.NDArray[np.uint64] = words[:, 0] ^ (words[:, 1] * _MIX)
    return keys, raw


@dataclass(frozen=True, slots=True)
class Shared:
    """The rows of every list grouped by person, and which groups span parties."""

    parties: tuple[str, ...]
    """sorted(lists)."""
    flat: list[str]
    """Every row's hash, the lists one after another in party order."""
    owner: npt.NDArray[np.int64]
    """Position -> the index of its party in `parties`."""
    offsets: npt.NDArray[np.int64]
    """The position of each party's first row (and the total at the end)."""
    order: npt.NDArray[np.int64]
    """Positions sorted by key (stable: party, then row, within a person)."""
    group: npt.NDArray[np.int64]
    """Sorted position -> its person's group number."""
    spans: npt.NDArray[np.bool_]
    """Group number -> whether more than one party lists the person."""
    in_shared: npt.NDArray[np.bool_]
    """Position -> whether more than one party lists that row's person."""
    sorted_keys: npt.NDArray[np.uint64]
    """Sorted position -> its hash's 64-bit key (`_keys`)."""


_LAST: list[tuple[tuple[tuple[str, ListHashes], ...], Shared | None]] = []
"""The last lists grouped and their groups: listing and standing of one season group the
same lists (ListHashes are immutable; the entry holds them, so their identity is theirs)."""


def groups(lists: Mapping[str, ListHashes]) -> Shared | None:
    """The rows grouped by person, or None when a key is shared by two different hashes (or a
    hash is not 64 characters): then the exact path on the full hashes runs."""
    ident = tuple((p, lists[p]) for p in sorted(lists))
    if _LAST and len(_LAST[0][0]) == len(ident) and all(
            a == c and b is d for (a, b), (c, d) in zip(_LAST[0][0], ident, strict=True)):
        return _LAST[0][1]
    made = _groups(lists)
    _LAST[:] = [(ident, made)]
    return made


def _groups(lists: Mapping[str, ListHashes]) -> Shared | None:
    parties = tuple(sorted(lists))
    flat = [h for p in parties for h in lists[p].hashes]
    got = _keys(flat)
    if got is None:
        return None
    keys, raw = got
    sizes = np.array([len(lists[p].hashes) for p in parties], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    owner = np.repeat(np.arange(len(parties), dtype=np.int64), sizes)
    order = np.argsort(keys, kind="stable").astype(np.int64)
    sk = keys[order]
    n = len(sk)
    new = np.ones(n, dtype=bool)
    new[1:] = sk[1:] != sk[:-1]
    group = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    size = np.diff(np.append(starts, n))
    # exactness: every row of a group of several rows equals its group's first row
    several = np.flatnonzero(size[group] > 1)
    if len(several) and not np.array_equal(raw[order[several]],
                                           raw[order[starts[group[several]]]]):
        return None
    so = owner[order]
    spans = (size > 1) & (so[starts] != so[starts + size - 1])
    in_shared = np.zeros(n, dtype=bool)
    in_shared[order] = spans[group]
    return Shared(parties, flat, owner, offsets, order, group, spans, in_shared, sk)


def later_rows(hashes: Sequence[str]) -> tuple[list[int], list[int]] | None:
    """Within one list: the rows whose hash is on an earlier row, in order, and that earlier
    (first) row of each; None when the keys cannot be trusted (the exact path runs)."""
    got = _keys(hashes)
    if got is None:
        return None
    keys, raw = got
    n = len(keys)
    if n == 0:
        return [], []
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    new = np.ones(n, dtype=bool)
    new[1:] = sk[1:] != sk[:-1]
    starts = np.flatnonzero(new)
    group = np.cumsum(new) - 1
    first = order[starts[group]]  # stable: each person's first row in the list
    later = np.flatnonzero(order != first)
    if not len(later):
        return [], []
    if not np.array_equal(raw[order[later]], raw[first[later]]):
        return None
    rows, firsts = order[later], first[later]
    by_row = np.argsort(rows)
    return rows[by_row].tolist(), firsts[by_row].tolist()


def listing_of(s: Shared) -> dict[str, list[str]]:
    """members.listing from the groups: shared hash -> the parties listing it, in order (the
    groups cut out of one list of names, not appended to name by name)."""
    at = np.flatnonzero(s.spans[s.group])  # sorted positions of the shared people's rows
    g, o = s.group[at], s.owner[s.order[at]]
    keep = np.ones(len(at), dtype=bool)  # one (person, party) pair each
    keep[1:] = (g[1:] != g[:-1]) | (o[1:] != o[:-1])
    g, o, pos = g[keep], o[keep], s.order[at[keep]]
    if not len(g):
        return {}
    first = np.flatnonzero(np.concatenate([[True], g[1:] != g[:-1]]))
    bounds = [*first.tolist(), len(g)]
    parties, flat = s.parties, s.flat
    names = list(map(parties.__getitem__, o.tolist()))  # map: no Python frame per item
    return dict(zip(map(flat.__getitem__, pos[first].tolist()),
                    map(names.__getitem__, itertools.starmap(slice, itertools.pairwise(bounds))),
                    strict=True))


def on_register(s: Shared, register: Collection[str]) -> npt.NDArray[np.bool_]:
    """Position -> whether that row's hash is in `register` (the barred-officials register's
    keyed hashes): the register's keys looked up in the rows' sorted keys at once, and each
    row whose key is there looked up in the register itself, so the answer is exact."""
    n = len(s.flat)
    out = np.zeros(n, dtype=bool)
    if not n or not register:
        return out
    got = _keys(list(register))
    if got is None:  # a register hash that is not 64 ASCII characters: one by one
        return np.fromiter(map(register.__contains__, s.flat), dtype=bool, count=n)
    rk, sk = got[0], s.sorted_keys
    lo, hi = np.searchsorted(sk, rk, "left"), np.searchsorted(sk, rk, "right")
    wide = hi > lo  # register keys some row has: the rows sk[lo:hi] of each
    lo, size = lo[wide], (hi - lo)[wide]
    at = np.repeat(lo - np.cumsum(size) + size, size) + np.arange(int(size.sum()))
    flat = s.flat
    hits = [p for p in s.order[at].tolist() if flat[p] in register]
    out[hits] = True
    return out


def standing_of(s: Shared, lists: Mapping[str, ListHashes]
                ) -> dict[str, npt.NDArray[np.int64]]:
    """members.standing from the groups: for each row, the party whose membership stands
    (the first received; equal receipt: the party first in order)."""
    received = np.concatenate(
        [np.asarray(lists[p].received, dtype=np.int64) for p in s.parties]
        or [np.empty(0, np.int64)])
    best = s.owner.copy()
    at = np.flatnonzero(s.spans[s.group])
    if len(at):
        pos = s.order[at]
        g, r, o = s.group[at], received[pos], s.owner[pos]
        idx = np.lexsort((o, r, g))  # by person, then receipt, then party
        first = idx[np.concatenate([[True], g[idx][1:] != g[idx][:-1]])]
        winner = np.zeros(int(s.group[-1]) + 1, dtype=np.int64)
        winner[g[first]] = o[first]
        best[pos] = winner[g]
    return {p: best[s.offsets[k]:s.offsets[k + 1]].copy() for k, p in enumerate(s.parties)}


__all__ = ["Shared", "groups", "later_rows", "listing_of", "on_register", "standing_of"]
