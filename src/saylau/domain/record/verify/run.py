"""The whole run of the verifier over an election's record."""

from __future__ import annotations

import itertools
import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from saylau.domain.contests import Contest
from saylau.domain.decide import SessionRound, decide
from saylau.domain.errors import SaylauError
from saylau.domain.geography import Geography
from saylau.domain.ids import ContestId
from saylau.domain.record.envelope import Record
from saylau.domain.record.merkle import TreeHead
from saylau.domain.record.signing import key_id, verify_tree_head
from saylau.domain.record.verify import scan as _scan
from saylau.domain.record.verify.audits import check_audits
from saylau.domain.record.verify.batch import confirm, spec_of
from saylau.domain.record.verify.core import (
    MALFORMED,
    Report,
    VerificationFailed,
    VerifiedElection,
    _fail,
    _malformed,
)
from saylau.domain.record.verify.geography import geography_of
from saylau.domain.record.verify.leaves import UnitColumns, _read_leaf, _State
from saylau.domain.record.verify.protocols import version_problem
from saylau.domain.record.verify.published import compare_published
from saylau.domain.record.verify.scan import (
    ChunkScan,
    ScanTask,
    Spec,
    head_frontiers,
    scan_chunk,
)
from saylau.domain.record.verify.tally import _check_and_tally, _contest, decision_summary
from saylau.domain.rulesets import RulesetName
from saylau.domain.tally import Tally

MapChunks = Callable[[Callable[[ScanTask], ChunkScan], Iterable[ScanTask]], Iterable[ChunkScan]]
"""How the chunks are scanned: the builtin `map` (one core, one chunk in memory at a time), or
a pool's ordered map over processes (e.g. `ProcessPoolExecutor.map`), chosen by the shell."""


def verify_record(
    leaves: Iterable[bytes],
    tree_heads: Sequence[TreeHead],
    central_public_key: bytes,
    published: Mapping[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
    *,
    check_signatures: bool = True,
    map_chunks: MapChunks | None = None,
    batch: bool = True,
) -> tuple[Report, VerifiedElection]:
    """Check a whole election record; raises VerificationFailed at the first mismatch.

    `check_signatures=False` skips only the Ed25519 arithmetic of the records' signatures
    (their keys, scopes and presence are still checked), for measuring the rest apart; the
    tree heads' signatures are always verified. `map_chunks` runs the batch pass over chunks
    of leaves (default: in this process). `batch=False` reads every leaf by the exact path
    (the reference the batch pass is tested against)."""
    report = Report()
    central_id = key_id(central_public_key)
    heads = sorted(tree_heads, key=lambda h: h.size)
    for h in heads:
        if not verify_tree_head(h, central_public_key):
            raise _fail(f"the tree head of size {h.size} is not signed by the central "
                        f"commission's key {central_id}", tree_head=h.size)
    report.ok(f"{len(heads)} tree head(s) signed by the central commission's key {central_id}")

    state = _State(central_id, check_signatures=check_signatures)
    reader = _Reader(state, progress)
    chunks = _chunks(leaves)
    # what the batch pass needs to know (contests, keys) from the record's head, up to its
    # first protocol: hints only, each scanned leaf is still checked against the record so
    # far in leaf order
    held: list[list[bytes]] = []
    hints = _Hints()
    if batch:
        for chunk in chunks:
            held.append(chunk)
            if hints.read(chunk):
                break
    spec = spec_of(hints.election, hints.keys, check_signatures=check_signatures) \
        if batch else Spec({}, parse=False)
    pending: deque[ScanTask] = deque()

    def tasks() -> Iterator[ScanTask]:
        for k, chunk in enumerate(itertools.chain(held, chunks)):
            start = _scan.CHUNK * k
            task = ScanTask(start, chunk, tuple(s - start for s in head_sizes
                                               if start < s <= start + len(chunk)), spec)
            pending.append(task)
            yield task

    head_sizes = [h.size for h in heads]
    head_at = {h.size: h for h in heads}
    roots: list[bytes] = []
    size = 0
    # the first chunk (the record's head: the geography parts to parse) is scanned here while
    # the others go to `map_chunks` (a pool's map hands them out at once)
    todo = tasks()
    first = list(itertools.islice(todo, 1))
    rest = (map_chunks or map)(scan_chunk, todo)
    for scan in itertools.chain(map(scan_chunk, first), rest):
        task = pending.popleft()
        if scan.head_frontiers:
            for at, frontier in sorted(head_frontiers(roots, scan).items()):
                if frontier.root().hex() != head_at[at].root:
                    raise _fail(f"the root of the first {at} leaves is "
                                f"{frontier.root().hex()}, not the signed tree head's "
                                f"{head_at[at].root}: the log was changed", tree_head=at)
        if scan.size == _scan.CHUNK:
            roots.append(scan.end_frontier[0])
        size += scan.size
        reader.chunk(task.leaves, scan, spec)
    if heads and heads[-1].size > size:
        raise _fail(f"the latest tree head covers {heads[-1].size} leaves but the record has "
                    f"only {size}: leaves were dropped", tree_head=heads[-1].size)
    rows = state.protocols.finish()
    late = version_problem(rows)
    if late is not None and (reader.problem is None or late[0] < reader.problem[0]):
        raise late[1]
    if reader.problem is not None:
        raise reader.problem[1]
    election_body = state.election
    counts_by_type = state.counts_by_type
    report.ok(f"{size:,} leaves, every one canonical and well-formed; the Merkle root of each "
              f"signed tree head recomputed and equal")
    report.ok("records: " + ", ".join(f"{n:,} {t}" for t, n in sorted(counts_by_type.items())))
    report.ok(f"every signature checked against keys registered before it "
              f"({reader.unsigned:,} unsigned record(s), accepted by the election's rules)")
    if election_body is None:
        raise _fail("the record holds no election definition")
    try:
        geo = geography_of(state)
        contests = tuple(_contest(election_body["election"], c)
                         for c in election_body["contests"])
        ruleset = RulesetName(election_body["ruleset"])
        params = {str(k): str(v) for k, v in dict(election_body.get("params") or {}).items()}
    except MALFORMED as exc:
        raise _malformed("the election's definition", exc) from None
    tallies = _check_and_tally(geo, contests, rows)
    report.ok(f"{len(rows):,} protocol version(s) of "
              f"{len(rows.pair_first):,} station-contest pair(s): versions in order, every "
              "correction with a reason, every version passes the protocol checks")
    rounds: dict[str, list[SessionRound]] = {}
    for (contest, _round), history in sorted(state.sessions.items()):
        rounds.setdefault(contest, []).append(history[-1][1])  # each round's current version
    _check_runoffs(contests, tallies, geo, ruleset, rounds, state)
    summaries: dict[str, dict[str, Any]] = {
        c.id: decision_summary(c, tallies[c.id], geo, ruleset, rounds.get(c.id, ()), params)
        for c in contests}
    report.ok(f"tallied {len(geo.units):,} units for {len(contests)} contest(s) from the "
              "current versions; decisions recomputed by the law")
    if state.audit_leaves:
        try:
            report.ok(check_audits(state.audit_leaves, rows.as_versions(), geo, contests,
                                    ruleset, params))
        except MALFORMED as exc:
            raise _malformed("an audit's leaves", exc) from None
    verified = VerifiedElection(election_body["election"], ruleset, geo, contests, tallies,
                                summaries, dict(counts_by_type))
    if published is not None:
        try:
            compare_published(verified, published, report)
        except MALFORMED as exc:
            raise _malformed("the published results", exc) from None
    return report, verified


def _check_runoffs(contests: Sequence[Contest], tallies: Mapping[str, Tally], geo: Geography,
                   ruleset: RulesetName, rounds: Mapping[str, Sequence[SessionRound]],
                   state: _State) -> None:
    """A Senate seat's round 2 is held between the top two of round 1 when no one won
    (docs/law.md §8.2): round 1's current protocol must decide a runoff, and round 2's votes
    go to exactly that pair."""
    by_id = {c.id: c for c in contests}
    for seat, held in rounds.items():
        if len(held) < 2:
            continue
        leaf = state.sessions[(seat, 2)][0][0]
        try:
            first = decide(by_id[ContestId(seat)], tallies[seat], geo, ruleset,
                           rounds=held[:1])
        except SaylauError as exc:  # round 1's figures are impossible
            raise _fail(f"leaf {leaf}: round 2 of {seat} follows a round 1 the law cannot "
                        f"decide: {exc.message}", leaf=leaf, contest=seat) from None
        pair = None if first.candidates is None else first.candidates.runoff
        given = sorted(name for name, _n in held[1].votes)
        if pair is None or sorted(pair) != given:
            raise _fail(f"leaf {leaf}: round 2 of {seat} gives votes to {given}, but round 1 "
                        f"decides {first.outcome}"
                        + (f" with a runoff of {sorted(pair)}" if pair else ", no runoff"),
                        leaf=leaf, contest=seat, expected=None if pair is None else sorted(pair),
                        actual=given)


_PROTOCOL_TAIL = b',"type":"protocol","v":1}'
_ELECTION_TAIL = b',"type":"election","v":1}'
_KEY_TAIL = b',"type":"key","v":1}'


class _Hints:
    """The election's definition and the keys of the record's head, read loosely (a leaf that
    does not parse is no hint; the exact path judges every leaf)."""

    def __init__(self) -> None:
        self.election: Mapping[str, Any] | None = None
        self.keys: dict[str, Mapping[str, Any]] = {}

    def read(self, chunk: Sequence[bytes]) -> bool:
        """Read the chunk's hints; True at the first protocol."""
        for data in chunk:
            if data.endswith(_PROTOCOL_TAIL):
                return True
            if not (data.endswith(_ELECTION_TAIL) or data.endswith(_KEY_TAIL)):
                continue
            try:
                body = json.loads(data)["body"]
                if data.endswith(_KEY_TAIL):
                    self.keys[str(body["key"])] = body
                else:
                    self.election = body
                    self.keys.update((str(k["key"]), k) for k in body["keys"])
            except (*MALFORMED, RecursionError):
                continue
        return False


def _chunks(leaves: Iterable[bytes]) -> Iterator[list[bytes]]:
    it = iter(leaves)
    while chunk := list(itertools.islice(it, _scan.CHUNK)):
        yield chunk


class _Reader:
    """Reads the leaves in order: the scanned protocol leaves a run at a time
    (verify/batch.confirm), every other leaf by the exact path; keeps the first failure
    (and its leaf) while the hashing goes on."""

    def __init__(self, state: _State, progress: Callable[[int], None] | None) -> None:
        self.state = state
        self.progress = progress
        self.next = 0
        """The next leaf to read."""
        self.unsigned = 0
        self.problem: tuple[int, Exception] | None = None

    def exact(self, idx: int, data: bytes, record: Record | None = None,
              units: UnitColumns | None = None) -> None:
        if self.progress is not None and idx % 100_000 == 0:
            self.progress(idx)
        self.next = idx + 1
        try:
            self.unsigned += _read_leaf(idx, data, self.state, record, units)
        except VerificationFailed as exc:
            self.problem = (idx, exc)
        except MALFORMED as exc:
            self.problem = (idx, _malformed(f"leaf {idx}", exc, leaf=idx))
        except Exception as exc:  # raised after the hashing and the versions before it
            self.problem = (idx, exc)

    def chunk(self, leaves: Sequence[bytes], scan: ChunkScan, spec: Spec) -> None:
        """Read the chunk's leaves from `self.next` on."""
        start, pos = scan.start, scan.pos
        n = len(pos)
        ends = np.r_[np.flatnonzero(np.diff(pos) != 1) + 1, n]  # runs of consecutive rows
        r = int(np.searchsorted(pos, self.next - start))
        state = self.state
        while self.next < start + len(leaves) and self.problem is None:
            i = self.next - start
            if r < n and pos[r] == i:
                end = int(ends[np.searchsorted(ends, r, side="right")])
                unsigned, stop = confirm(state, scan, r, end, spec)
                self.unsigned += unsigned
                if stop > r:
                    state.protocols.add_block(
                        pos[r:stop] + start, scan.contest[r:stop], scan.station[r:stop],
                        scan.version[r:stop], scan.counts[r:stop],
                        [spec.contests[c] for c in scan.contest[r:stop]], scan.votes[r:stop])
                    state.counts_by_type["protocol"] = state.counts_by_type.get(
                        "protocol", 0) + stop - r
                    if self.progress is not None:
                        for k in range(-(-(start + i) // 100_000) * 100_000,
                                       start + int(pos[stop - 1]) + 1, 100_000):
                            self.progress(k)
                    self.next = start + int(pos[stop - 1]) + 1
                if stop < end:  # a row the record so far does not confirm: read it exactly
                    self.exact(start + int(pos[stop]), leaves[int(pos[stop])])
                    r = stop + 1
                else:
                    r = stop
                continue
            self.exact(start + i, leaves[i], scan.records.get(i), scan.units.get(i))
