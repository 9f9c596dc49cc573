"""The verifier's batch pass over a chunk of leaves: their hashes, and the plain protocol leaves
read into columns (no dict, no JSON parse per leaf).

`scan_chunk` is pure and needs nothing but its task (the leaves, where the signed tree heads
fall, and the `Spec` taken from the record's head: its contests and keys), so the shell may
run chunks in other processes (`verify_record(map_chunks=...)`); the verifier itself applies
every check that depends on what came before (keys, scopes, version order) in leaf order.

A leaf the scan reads is one whose bytes are exactly the canonical form of a well-formed
protocol record of a contest in the spec (the template below, every string plain printable
ASCII, every integer canonical), with version 1 and no reason or a later version with one,
and, when signed, a key id and signature in lowercase hex. Everything else (every other
record type, and any protocol the template does not fit) is left to the exact path
(verify/leaves._read_leaf), so every failure is still named by that path.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from saylau.domain.record.envelope import Record, RecordType, is_timestamp
from saylau.domain.record.merkle import Frontier
from saylau.domain.record.signing import verify
from saylau.domain.record.verify import template
from saylau.domain.record.verify.leaves import _KINDS, UnitColumns, _well_formed, unit_columns

CHUNK = 1 << 16
"""Leaves per chunk: a power of two, so that each full chunk is one complete subtree of the
Merkle tree and the chunks' roots fold into the tree heads' roots (`head_frontiers`)."""

_PLAIN = rb"[\x20\x21\x23-\x5b\x5d-\x7e]"
_PLAIN_RE = re.compile(_PLAIN + rb"+")
_N = rb"(0|[1-9][0-9]{0,9}+)"
_COUNT_NAMES = template.COUNT_NAMES
_HEX = np.zeros(256, dtype=bool)
_HEX[np.frombuffer(b"0123456789abcdef", dtype=np.uint8)] = True


@dataclass(frozen=True)
class Spec:
    """What the scan needs from the record's head: each contest's options (their canonical
    member order), and the public key of each key id registered so far (hex), to check the
    signatures' arithmetic (None: not checked here)."""

    contests: Mapping[str, tuple[str, ...]]
    public_keys: Mapping[str, str] | None = None
    parse: bool = True
    """Parse and shape-check the other leaves too (verify/leaves._well_formed), for the
    verifier to apply in order."""


@dataclass(frozen=True)
class ScanTask:
    start: int
    """Index of the chunk's first leaf in the record (a multiple of CHUNK)."""
    leaves: Sequence[bytes]
    heads: tuple[int, ...]
    """Sizes of signed tree heads ending inside this chunk, as counts of its leaves (1..len)."""
    spec: Spec


@dataclass
class ChunkScan:
    """What `scan_chunk` found: the frontier at each head inside the chunk and at its end, and
    the protocol leaves it read, as columns in leaf order (`pos` within the chunk)."""

    start: int
    size: int
    head_frontiers: dict[int, tuple[bytes, ...]]
    end_frontier: tuple[bytes, ...]
    pos: npt.NDArray[np.int64]
    contest: list[str]
    station: list[str]
    version: npt.NDArray[np.int64]
    counts: npt.NDArray[np.int64]
    """n x 7, in COUNT_FIELDS order (registered, received, issued, cancelled, in boxes,
    invalid, both marked)."""
    votes: npt.NDArray[np.int64]
    """Per row, its votes in its contest's option order of the spec (n x the most options
    of a contest in the spec; a contest with fewer fills the rest with 0)."""
    key: list[str | None]
    signature_ok: npt.NDArray[np.bool_] | None
    """Per row: the signature verifies with the spec's public key of its key id (False also
    when the key id is not in the spec: the verifier checks those itself); None when the spec
    has no keys (signature arithmetic not asked for)."""
    records: dict[int, Record] = field(default_factory=dict)
    """Position -> the record of each other leaf found canonical and well-formed (a leaf
    that is not is left out: the exact path names what is wrong with it); a geography
    part's without its units, which are in `units`."""
    units: dict[int, UnitColumns] = field(default_factory=dict)
    """Position -> a geography part's units (verify/leaves.unit_columns)."""
    unchecked: dict[int, tuple[bytes, bytes]] = field(default_factory=dict)
    """Row -> (signed message, signature) of each signed row whose signature this scan did
    not find valid (the verifier checks it with the key of the record so far)."""


# COUNT_FIELDS order from the canonical order of _COUNT_NAMES:
# registered, received, issued, cancelled, in boxes, invalid, both marked
_TO_COUNT_FIELDS = [6, 3, 2, 0, 1, 5, 4]


def _pattern(contest: str, options: Sequence[str]) -> re.Pattern[bytes]:
    counts = rb",".join(b'"' + n.encode() + b'":' + _N for n in _COUNT_NAMES)
    votes = rb",".join(b'"' + re.escape(o.encode()) + b'":' + _N for o in options)
    return re.compile(
        rb'\{"body":(\{"contest":"' + re.escape(contest.encode()) + rb'","counts":\{' + counts
        + rb'\},"reason":(null|"' + _PLAIN + rb"*+" + rb'"),"station":"(' + _PLAIN + rb'++)",'
        + rb'"version":([1-9][0-9]{0,9}+),"votes":\{' + votes + rb'\}\}),"recorded":\{"at":"'
        + _PLAIN + rb'*+","by":"' + _PLAIN + rb'*+"\}(?:,"signature":\{"key":"([^"]{32})",'
        + rb'"value":"([^"]{128})"\})?,"type":"protocol","v":1\}', re.DOTALL)


def plain(text: str) -> bool:
    """A string the template spells out as itself: plain printable ASCII, no quote or
    backslash (so its JSON form is the string between quotes)."""
    return _PLAIN_RE.fullmatch(text.encode("utf-8")) is not None


_patterns: dict[tuple[str, tuple[str, ...]], re.Pattern[bytes]] = {}


def _compiled(spec: Spec) -> dict[bytes, tuple[str, int, re.Pattern[bytes]]]:
    out = {}
    for contest, options in spec.contests.items():
        key = (contest, options)
        if key not in _patterns:  # one compile per contest and process
            _patterns[key] = _pattern(contest, options)
        out[contest.encode()] = (contest, len(options), _patterns[key])
    return out


_HEAD = len(b'{"body":{"contest":"')

# A geography part spelled out: every unit exactly as the exporter writes one (members in
# canonical order, strings without escapes, so that the bytes are their own canonical form),
# and an unsigned envelope. A part that matches is canonical and well-formed (its `recorded.at`
# checked as a date-time below); any other takes the exact path.
_TEXT = rb'[^"\\\x00-\x1f]*'
_UNIT = (rb'\{"abroad":(true|false),"code":(null|"' + _TEXT + rb'"),"id":"(' + _TEXT + rb')",'
         rb'"kind":"([a-z_]+)","name":\{"en":"(' + _TEXT + rb')","kk":"(' + _TEXT + rb')",'
         rb'"ru":"(' + _TEXT + rb')"\},"parent":(null|"' + _TEXT + rb'"),'
         rb'"registered":(0|[1-9][0-9]{0,15})\}')
_UNIT_TEXT = re.compile(_UNIT.decode() + r"(?:,|\Z)")
_UNIT_FIXED = len('{"abroad":true,"code":null,"id":"","kind":"x","name":{"en":"","kk":"",'
                  '"ru":""},"parent":null,"registered":0}') - len("truenullx" "null0")
"""The characters of a unit the template fixes (those outside its groups)."""
_GEO_HEAD = b'{"body":{"units":['
_GEO_TAIL = b',"type":"geography","v":1}'
_GEO_RECORDED = re.compile(rb'\]\},"recorded":\{"at":"(' + _TEXT + rb')","by":"(' + _TEXT
                           + rb'+)"\},"type":"geography","v":1\}')


def geography_part(data: bytes) -> tuple[Record, UnitColumns] | None:
    """A geography part read by the template above: its record (without the units) and its
    units as columns, or None for the exact path."""
    if not (data.startswith(_GEO_HEAD) and data.endswith(_GEO_TAIL)):
        return None
    cut = data.rfind(b']},"recorded":{"at":"')
    tail = _GEO_RECORDED.fullmatch(data, cut) if cut > 0 else None
    if tail is None or int(np.frombuffer(data, dtype=np.uint8).max()) >= 0xF0:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    at = tail.group(1).decode()
    columns = _units(text) if is_timestamp(at) else None
    if columns is None:
        return None
    record = {"body": {}, "recorded": {"at": at, "by": tail.group(2).decode()},
              "type": "geography", "v": 1}
    return record, columns


def _units(text: str) -> UnitColumns | None:
    """The units of a part's text, by the template over the decoded text (a str's groups
    need no decoding one by one; on valid UTF-8 a class excluding ASCII bytes means the same
    on both), or None."""
    cut = text.rfind(']},"recorded":{"at":"')
    found = _UNIT_TEXT.findall(text, len(_GEO_HEAD), cut)
    if not found:
        return None
    columns = list(zip(*found, strict=True))
    # the units found tile the array when their lengths and a comma between each two add up
    # to it (each match is a unit and a comma, or a unit at the array's end: a match
    # without its comma can only be the last, so a gap would leave the sum short)
    size = len(found) * _UNIT_FIXED + sum(sum(map(len, c)) for c in columns)
    abroad, code, ids, kind, en, kk, ru, parent, registered = columns
    kinds = list(map(_KINDS.get, kind))
    if size + len(found) - 1 != cut - len(_GEO_HEAD) or None in kinds:
        return None
    return (list(ids), [None if v == "null" else v[1:-1] for v in parent],  # type: ignore[return-value]
            kinds, list(kk), list(ru), list(en), [None if v == "null" else v[1:-1] for v in code],
            list(map(int, registered)), [a == "true" for a in abroad])


def scan_chunk(task: ScanTask) -> ChunkScan:
    """Hash every leaf of the chunk and read its plain protocol leaves into columns."""
    leaves = task.leaves
    sha = hashlib.sha256
    hashes = [sha(b"\x00" + x).digest() for x in leaves]
    frontiers: dict[int, tuple[bytes, ...]] = {}
    if not task.heads and len(hashes) == CHUNK:  # one complete subtree: level by level
        level = hashes
        while len(level) > 1:
            level = [sha(b"\x01" + level[k] + level[k + 1]).digest()
                     for k in range(0, len(level), 2)]
        end: tuple[bytes, ...] = (level[0],)
    else:
        f = Frontier()
        for r in sorted(set(task.heads)):
            f = f.extend(hashes[f.size:r])
            frontiers[r] = f.hashes
        end = f.extend(hashes[f.size:]).hashes

    spec = task.spec
    bodies = spec.public_keys is not None
    fast = template.read_protocols(leaves, spec.contests, bodies=bodies)  # common forms
    taken = np.zeros(len(leaves), dtype=bool)
    taken[fast.pos] = True
    patterns = _compiled(spec)
    records: dict[int, Record] = {}
    units: dict[int, UnitColumns] = {}
    parse = spec.parse
    pos: list[int] = []
    groups: list[tuple[bytes | None, ...]] = []
    contests: list[str] = []
    widths: list[int] = []
    for i in np.flatnonzero(~taken).tolist():
        data = leaves[i]
        stop = data.find(b'"', _HEAD, _HEAD + 200)
        p = patterns.get(data[_HEAD:stop]) if stop > 0 else None
        m = None if p is None else p[2].fullmatch(data)
        if m is None or p is None:
            if parse:  # a leaf it refuses is read again by the exact path, which says why
                part = geography_part(data)
                if part is not None:
                    records[i], units[i] = part
                    continue
                with contextlib.suppress(Exception):
                    record = _well_formed(task.start + i, data)
                    if record["type"] == RecordType.GEOGRAPHY:
                        units[i] = unit_columns(record["body"])
                        record = {**record, "body": {}}
                    records[i] = record
            continue
        pos.append(i)
        groups.append(m.groups())
        contests.append(p[0])
        widths.append(p[1])
    rows = template.merge([fast, _regex_rows(pos, groups, contests, widths, bodies=bodies)],
                          fast.votes.shape[1], bodies=bodies)
    scan = _columns(task, len(leaves), frontiers, end, rows)
    scan.records, scan.units = records, units
    return scan


def _regex_rows(pos: list[int], groups: list[tuple[bytes | None, ...]], contests: list[str],
                widths: list[int], *, bodies: bool) -> template.Rows:
    """The rows the regex read, those the exact path would refuse left out."""
    n = len(pos)
    # groups: body, 7 counts, reason, station, version, the k votes, key, value
    wide = max(widths, default=0)
    pads = [(b"0",) * (wide - w) for w in range(wide + 1)]
    numbers = np.array([g[1:8] + g[10:11 + w] + pads[w] for g, w in zip(groups, widths,
                                                                          strict=True)],
                       dtype=np.int64).reshape(n, 8 + wide)
    counts = numbers[:, :7]
    version = numbers[:, 7]
    votes = numbers[:, 8:]
    reason_null = np.fromiter((g[8] == b"null" for g in groups), dtype=bool, count=n)
    # the exact path's shape: version 1 has no reason, a correction says why (not blank)
    ok = (version == 1) == reason_null
    if not reason_null.all():
        ok &= reason_null | np.fromiter((g[8] is not None and g[8].strip(b' "') != b""
                                         for g in groups), dtype=bool, count=n)
    keys: list[bytes | None] = [g[-2] for g in groups]
    signed = np.fromiter((k is not None for k in keys), dtype=bool, count=n)
    if signed.any():
        at = np.flatnonzero(signed)
        hexes = b"".join(keys[i] + groups[i][-1] for i in at.tolist())  # type: ignore[operator]
        ok[at] &= _HEX[np.frombuffer(hexes, dtype=np.uint8)].reshape(len(at), 160).all(axis=1)
    if not ok.all():  # a leaf the template fits but the exact path refuses: left to it
        keep = np.flatnonzero(ok)
        idx = keep.tolist()
        groups = [groups[i] for i in idx]
        contests = [contests[i] for i in idx]
        keys = [keys[i] for i in idx]
        pos = [pos[i] for i in idx]
        counts, version, votes = counts[keep], version[keep], votes[keep]
    return template.Rows(
        np.array(pos, dtype=np.int64), contests,
        [g[9].decode() for g in groups], version, counts, votes,  # type: ignore[union-attr]
        [None if k is None else k.decode() for k in keys],
        [None if g[-1] is None else g[-1].decode() for g in groups],
        [g[0] for g in groups] if bodies else None)  # type: ignore[misc]


def _columns(task: ScanTask, size: int, frontiers: dict[int, tuple[bytes, ...]],
             end: tuple[bytes, ...], rows: template.Rows) -> ChunkScan:
    n = len(rows.pos)
    checked: npt.NDArray[np.bool_] | None = None
    unchecked: dict[int, tuple[bytes, bytes]] = {}
    public = task.spec.public_keys
    if public is not None:
        assert rows.body is not None
        checked = np.zeros(n, dtype=bool)
        raw = {k: _unhex(v) for k, v in public.items()}
        for i, (kid, value_hex) in enumerate(zip(rows.key, rows.value, strict=True)):
            if kid is None or value_hex is None:
                continue
            message = b'{"body":' + rows.body[i] + b',"type":"protocol","v":1}'
            value = bytes.fromhex(value_hex)
            pk = raw.get(kid)
            checked[i] = pk is not None and verify(pk, message, value)
            if not checked[i]:
                unchecked[i] = (message, value)
    return ChunkScan(
        task.start, size, frontiers, end, rows.pos, rows.contest, rows.station, rows.version,
        rows.counts[:, _TO_COUNT_FIELDS], rows.votes, rows.key, checked, unchecked=unchecked)


def _unhex(text: str) -> bytes | None:
    try:
        return bytes.fromhex(text)
    except ValueError:  # no key: the verifier checks such a leaf itself
        return None


def head_frontiers(scans_roots: Sequence[bytes], scan: ChunkScan) -> dict[int, Frontier]:
    """The frontier at each head inside `scan`'s chunk, given the roots of every full chunk
    before it (each a complete subtree of CHUNK leaves, as the chunks start at multiples of
    CHUNK): the subtrees of the chunks before, then those inside this chunk."""
    before = Frontier().extend(scans_roots)  # in units of CHUNK leaves: the same folding
    out = {}
    for r, inside in scan.head_frontiers.items():
        if r == CHUNK:  # the chunk closes a subtree: fold its root in
            full = before.extend([inside[0]])
            out[scan.start + r] = Frontier(scan.start + r, full.hashes)
        else:
            out[scan.start + r] = Frontier(scan.start + r, before.hashes + inside)
    return out
