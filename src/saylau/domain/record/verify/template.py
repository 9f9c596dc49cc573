"""The plain protocol leaves of a chunk read as column operations (numpy), not leaf by leaf.

A protocol leaf the verifier's scan reads is its contest's canonical template with values
put in (verify/scan.py). Between two values the template's bytes are fixed, and every
literal piece holds at least one quote while no value does (a plain string has none), so
each piece's place in a leaf follows from the leaf's quotes alone: the chunk's quotes are
found in one pass over its bytes, each piece is compared with its bytes for all the leaves
at once, and the values between the pieces are checked (digits, canonical integers, plain
strings, lowercase hex) and read into columns the same way.

This reads only the common forms (version 1 without a reason, signed or not): a leaf it does
not take goes on to the scan's regex (verify/scan.py) and from there, if that refuses it
too, to the exact path, which names what is wrong with it. What this takes, the regex takes
too, with the same values (tests/unit/test_verify_batch.py holds them to that).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

COUNT_NAMES = ("ballots_cancelled", "ballots_in_boxes", "ballots_issued", "ballots_received",
               "both_marked", "invalid", "registered")
"""The protocol's counts in canonical (sorted) member order."""

_VALUE = re.compile(rb"\x00([a-z])\x00")
_QUOTE = 0x22
_DIGITS = 10
"""The most digits of an integer the template takes (as the scan's regex)."""
_TEXT_MAX = 128
"""The longest plain string (station, recorded at and by) read here; longer: the regex."""
_HEXES = b"0123456789abcdef"
_BATCH = 4096
"""Leaves read at once: a few megabytes, so that the arrays over their bytes stay in the
processor's cache (measured on a chunk of 65,536 protocol leaves: 0.24 s of process time in
one go, 0.13 s 4,096 at a time, no gain below)."""

# the kinds of value: n integer, v version (an integer >= 1), t station (plain, not empty),
# s plain string, k key id (32 lowercase hex), h signature (128 lowercase hex)
_LENGTHS = {b"n": (1, _DIGITS), b"v": (1, _DIGITS), b"t": (1, _TEXT_MAX),
            b"s": (0, _TEXT_MAX), b"k": (32, 32), b"h": (128, 128)}


@dataclass(frozen=True)
class Template:
    """One contest's protocol leaf, signed or not, as fixed pieces and the values between."""

    contest: str
    options: int
    pieces: tuple[bytes, ...]
    kinds: tuple[bytes, ...]
    """The kind of each value; value i lies between pieces i and i + 1."""
    first_quote: npt.NDArray[np.int64]
    """Per piece: the index (among the leaf's quotes) of its first quote."""
    offset: npt.NDArray[np.int64]
    """Per piece: where its first quote is within it."""
    quotes: int
    """The quotes of a leaf of this template."""


def template(contest: str, options: Sequence[str], *, signed: bool) -> Template:
    """The template of `contest` (its id and options plain strings, options in canonical
    order): the bytes of the scan's regex (verify/scan._pattern) for a version 1 without a
    reason."""
    n = b"\x00n\x00"
    counts = b",".join(b'"' + c.encode() + b'":' + n for c in COUNT_NAMES)
    votes = b",".join(b'"' + o.encode() + b'":' + n for o in options)
    text = (b'{"body":{"contest":"' + contest.encode() + b'","counts":{' + counts
            + b'},"reason":null,"station":"\x00t\x00","version":\x00v\x00,"votes":{' + votes
            + b'}},"recorded":{"at":"\x00s\x00","by":"\x00s\x00"}'
            + (b',"signature":{"key":"\x00k\x00","value":"\x00h\x00"}' if signed else b"")
            + b',"type":"protocol","v":1}')
    parts = _VALUE.split(text)
    pieces, kinds = tuple(parts[0::2]), tuple(parts[1::2])
    assert all(b'"' in p for p in pieces)  # each piece placed by a quote
    before = np.cumsum([0] + [p.count(b'"') for p in pieces])
    return Template(contest, len(options), pieces, kinds,
                    before[:-1].astype(np.int64),
                    np.array([p.index(b'"') for p in pieces], dtype=np.int64),
                    int(before[-1]))


@dataclass
class Rows:
    """The leaves a chunk's templates took, in leaf order."""

    pos: npt.NDArray[np.int64]
    contest: list[str]
    station: list[str]
    version: npt.NDArray[np.int64]
    counts: npt.NDArray[np.int64]
    """n x 7 in the canonical member order (COUNT_NAMES)."""
    votes: npt.NDArray[np.int64]
    """n x the most options of the templates (fewer: 0 after)."""
    key: list[str | None]
    value: list[str | None]
    """Each row's signature in hex, when bodies are asked for (else None)."""
    body: list[bytes] | None
    """Each row's body as it stands in the leaf (what a signature signs), when asked for."""


_templates: dict[tuple[str, tuple[str, ...]], tuple[Template, Template]] = {}


def templates(contests: Mapping[str, tuple[str, ...]]) -> list[Template]:
    out: list[Template] = []
    for contest, options in contests.items():
        key = (contest, options)
        if key not in _templates:  # once per contest and process
            _templates[key] = (template(contest, options, signed=True),
                               template(contest, options, signed=False))
        out.extend(_templates[key])
    return out


def read_protocols(leaves: Sequence[bytes], contests: Mapping[str, tuple[str, ...]], *,
                   bodies: bool) -> Rows:
    """The leaves of `leaves` that are exactly one of the contests' templates, read."""
    wide = max((len(o) for o in contests.values()), default=0)
    kinds = templates(contests)
    found = []
    for start in range(0, len(leaves), _BATCH):
        for rows in _each(leaves[start:start + _BATCH], kinds, bodies=bodies):
            rows.pos += start
            found.append(rows)
    return merge(found, wide, bodies=bodies)


def merge(found: Sequence[Rows], wide: int, *, bodies: bool) -> Rows:
    """The rows of `found` (no leaf in two) in leaf order; votes `wide` or wider."""
    found = [r for r in found if len(r.pos)]
    if len(found) == 1:
        return found[0]
    if not found:
        return Rows(np.zeros(0, dtype=np.int64), [], [], np.zeros(0, dtype=np.int64),
                    np.zeros((0, 7), dtype=np.int64), np.zeros((0, wide), dtype=np.int64),
                    [], [], [] if bodies else None)
    wide = max(wide, *(r.votes.shape[1] for r in found))
    order = np.argsort(np.concatenate([r.pos for r in found]), kind="stable")
    idx = order.tolist()

    def joined(column: str) -> Any:
        out: list[object] = []
        for r in found:
            out.extend(getattr(r, column))
        return [out[i] for i in idx]

    votes = np.concatenate([np.pad(r.votes, ((0, 0), (0, wide - r.votes.shape[1])))
                            for r in found])
    return Rows(np.concatenate([r.pos for r in found])[order], joined("contest"),
                joined("station"), np.concatenate([r.version for r in found])[order],
                np.concatenate([r.counts for r in found])[order], votes[order],
                joined("key"), joined("value"), joined("body") if bodies else None)


def _each(leaves: Sequence[bytes], kinds: list[Template], *, bodies: bool) -> list[Rows]:
    n = len(leaves)
    if not n or not kinds:
        return []
    length = np.fromiter(map(len, leaves), dtype=np.int64, count=n)
    end = np.cumsum(length)
    start = end - length
    data = b"".join(leaves) + bytes(_TEXT_MAX)  # room for the widest window past the end
    buf = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(buf == _QUOTE)
    last = np.searchsorted(quotes, end)  # the leaves lie end to end: one search
    first = np.concatenate([[0], last[:-1]])
    count = last - first
    taken = np.zeros(n, dtype=bool)
    out = []
    for t in kinds:
        rows = np.flatnonzero((count == t.quotes) & ~taken)
        if len(rows):
            r = _read(t, buf, data, quotes, rows, first[rows], start[rows], end[rows],
                      bodies=bodies)
            taken[r.pos] = True
            out.append(r)
    return out


def _items(data: bytes, at: npt.NDArray[np.int64], width: int) -> npt.NDArray[np.bytes_]:
    """The `width` bytes from each of `at` (all inside `data`), as one numpy bytes item each
    (a view of `data` with an item at every byte, indexed: a copy of `width` bytes a row)."""
    every = np.ndarray(shape=(len(data) - width + 1,), dtype=f"S{width}", buffer=data,
                       strides=(1,))
    return every[at]


def _windows(data: bytes, at: npt.NDArray[np.int64], width: int) -> npt.NDArray[np.uint8]:
    """The `width` bytes from each of `at`, one row each."""
    return _items(data, at.ravel(), width).view(np.uint8).reshape(*at.shape, width)


def _equal(data: bytes, at: npt.NDArray[np.int64], piece: bytes) -> npt.NDArray[np.bool_]:
    """Whether the bytes at each of `at` are `piece` (which holds no NUL: numpy's bytes
    compare as if without trailing NULs)."""
    return _items(data, at, len(piece)) == np.bytes_(piece)  # type: ignore[no-any-return]


def _in(w: npt.NDArray[np.uint8], low: int, high: int) -> npt.NDArray[np.bool_]:
    return (w >= low) & (w <= high)


def _read(t: Template, buf: npt.NDArray[np.uint8], data: bytes, quotes: npt.NDArray[np.int64],
          rows: npt.NDArray[np.int64], first: npt.NDArray[np.int64],
          start: npt.NDArray[np.int64], end: npt.NDArray[np.int64], *, bodies: bool) -> Rows:
    size = np.array([len(p) for p in t.pieces], dtype=np.int64)
    at = quotes[first[:, None] + t.first_quote[None, :]] - t.offset[None, :]  # each piece
    low = np.array([_LENGTHS[k][0] for k in t.kinds], dtype=np.int64)
    high = np.array([_LENGTHS[k][1] for k in t.kinds], dtype=np.int64)
    value_at = at[:, :-1] + size[None, :-1]
    value_len = at[:, 1:] - value_at
    ok = (at[:, 0] == start) & (at[:, -1] + size[-1] == end)
    ok &= ((value_len >= low) & (value_len <= high)).all(axis=1)

    def keep(mask: npt.NDArray[np.bool_]) -> None:
        nonlocal rows, at, value_at, value_len
        rows, at, value_at, value_len = rows[mask], at[mask], value_at[mask], value_len[mask]

    keep(ok)  # every piece and value now lies inside its own leaf, in order
    ok = np.ones(len(rows), dtype=bool)
    for k, piece in enumerate(t.pieces):
        ok &= _equal(data, at[:, k], piece)
    numbers = [k for k, kind in enumerate(t.kinds) if kind in (b"n", b"v")]
    stop = value_at[:, numbers] + value_len[:, numbers]
    width = value_len[:, numbers]
    most = int(width.max(initial=1))  # the digits of the widest integer (at most ten)
    digits = _windows(data, stop - most, most) - np.uint8(0x30)  # a byte below '0' wraps
    inside = np.arange(most)[None, None, :] >= most - width[:, :, None]
    ok &= ((digits <= 9) | ~inside).all(axis=(1, 2))
    lead = np.take_along_axis(digits, (most - width)[:, :, None], axis=2)[:, :, 0]
    ok &= ((lead != 0) | (width == 1)).all(axis=1)  # canonical: no leading zero
    # at most ten digits: exact in a double (below 2**53), summed by a matrix product
    value = (np.where(inside, digits, 0).astype(np.float64)
             @ (10.0 ** np.arange(most - 1, -1, -1))).astype(np.int64)
    version = value[:, 7]
    ok &= version == 1  # a later version has a reason: the regex reads it
    texts: dict[int, npt.NDArray[np.uint8]] = {}
    for k, kind in enumerate(t.kinds):
        if kind in (b"t", b"s", b"k", b"h"):
            wide = max(int(value_len[:, k].max(initial=0)), 1)
            w = _windows(data, value_at[:, k], wide)
            if kind in (b"k", b"h"):  # fixed length: every byte lowercase hex
                if _items(data, value_at[:, k], wide).tobytes().translate(None, _HEXES):
                    ok &= (_in(w, 0x30, 0x39) | _in(w, 0x61, 0x66)).all(axis=1)
                texts[k] = w
                continue
            inside2 = np.arange(wide)[None, :] < value_len[:, k][:, None]
            ok &= ((_in(w, 0x20, 0x7E) & (w != _QUOTE) & (w != 0x5C)) | ~inside2).all(axis=1)
            if kind == b"t":
                texts[k] = np.where(inside2, w, 0).astype(np.uint8)
    m = int(ok.sum())
    if m < len(rows):
        keep(ok)
        value, version = value[ok], version[ok]
        texts = {k: v[ok] for k, v in texts.items()}

    def strings(k: int) -> list[str | None]:
        w = np.ascontiguousarray(texts[k])
        return w.view(f"S{w.shape[1]}").ravel().astype(f"U{w.shape[1]}").tolist()

    kinds = list(t.kinds)
    station: list[str] = strings(kinds.index(b"t"))  # type: ignore[assignment]
    signed = b"k" in kinds
    key: list[str | None] = strings(kinds.index(b"k")) if signed else [None] * m
    sig: list[str | None] = strings(kinds.index(b"h")) if signed and bodies else [None] * m
    body = None
    if bodies:  # from the body's brace to the one closing it, before ',"recorded"'
        close = at[:, 9 + t.options] + 2
        body = [data[a:b] for a, b in zip((at[:, 0] + 8).tolist(), close.tolist(),
                                          strict=True)]
    return Rows(rows, [t.contest] * m, station, version, value[:, :7], value[:, 8:],
                key, sig, body)
