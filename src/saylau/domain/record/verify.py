"""The independent verifier: from a published record alone, recompute and check everything.

Input (docs/record.md, "The exported record"): the log's leaves (canonical bytes), the signed
tree heads, the central commission's public key (the trust anchor, obtained outside the log)
and, optionally, the results the server published. Checked, in order:

1. every leaf is canonical and well-formed; every tree head is signed by the central key and
   its root is the Merkle root of the first `size` leaves;
2. every signed record is signed by a key registered earlier in the log, not revoked before
   it, whose unit covers the record's station; unsigned protocols only where the election
   accepts them (turnout reports, relayed during the day, may always be unsigned);
3. protocol versions of a station and contest follow 1, 2, 3 ... and every correction gives a
   reason; every version passes the protocol checks without an error;
4. the tally of every unit from the current versions, and the law's decision or seats;
5. when published results are given: every unit's figures and every decision equal them.

The first failure stops the run and names the leaf, station, unit or figure. Pure: it uses
only the core (no store, no server code).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from saylau.domain.contests import (
    Contest,
    ContestKind,
    Option,
    OptionKind,
    ReferendumTerms,
    must_sign,
)
from saylau.domain.decide import decide
from saylau.domain.districts import ElectoralDistrict
from saylau.domain.errors import SaylauError
from saylau.domain.geography import Geography, Unit, UnitKind
from saylau.domain.ids import ContestId, ElectionId, OptionId, StationId, UnitId
from saylau.domain.names import Names
from saylau.domain.protocol_batch import batch_flags
from saylau.domain.protocols import (
    COUNT_FIELDS,
    ProtocolCheckContext,
    ProtocolCounts,
    errors_of,
    run_checks,
)
from saylau.domain.record.canonical import parse_canonical
from saylau.domain.record.envelope import (
    KeyRole,
    Record,
    RecordType,
    record_problems,
    record_shape_problems,
)
from saylau.domain.record.merkle import Frontier, TreeHead, leaf_hash
from saylau.domain.record.signing import key_id, verify, verify_tree_head
from saylau.domain.rulesets import RulesetName
from saylau.domain.tally import BOOK_FIELDS, Tally, empty_table, tally


class VerificationFailed(SaylauError):
    """The record does not check out: `message` names the first thing that does not match."""

    code = "verification_failed"


@dataclass
class Report:
    """What was checked, line by line, for the person running the verifier."""

    lines: list[str] = field(default_factory=list)

    def ok(self, text: str) -> None:
        self.lines.append(text)


@dataclass(frozen=True)
class VerifiedElection:
    election: str
    ruleset: RulesetName
    geography: Geography
    contests: tuple[Contest, ...]
    tallies: dict[str, Tally]
    decisions: dict[str, dict[str, Any]]
    """Each contest's decision as plain data (see `decision_summary`)."""


def _names(d: Mapping[str, Any]) -> Names:
    return Names(kk=str(d["kk"]), ru=str(d["ru"]), en=str(d["en"]))


def _fail(message: str, **details: Any) -> VerificationFailed:
    return VerificationFailed(message, details=details)


MALFORMED = (KeyError, TypeError, ValueError, AttributeError, IndexError)
"""What reading a member that is missing or of the wrong type raises: a record whose bodies
pass the envelope's shape checks but lack what the verifier reads is malformed, not a crash."""


def _malformed(what: str, exc: Exception, **details: Any) -> VerificationFailed:
    return _fail(f"{what} is malformed: {type(exc).__name__} {exc}", **details)


def _contest(election: str, c: Mapping[str, Any]) -> Contest:
    kind = ContestKind(c["kind"])
    d = c.get("district")
    return Contest(
        id=ContestId(c["contest"]), election=ElectionId(election), kind=kind,
        name=_names(c["name"]), area=UnitId(c["area"]),
        options=tuple(Option(OptionId(o["id"]), _names(o["name"]), OptionKind(o["kind"]),
                             o.get("registration_order"),
                             None if o.get("party") is None else OptionId(o["party"]))
                      for o in c["options"]),
        referendum=ReferendumTerms(_names(c["name"]), bool(c["constitutional"]))
        if kind is ContestKind.REFERENDUM else None,
        district=None if d is None else ElectoralDistrict(
            id=d["id"], number=int(d["number"]), name=_names(d["name"]), unit=UnitId(d["unit"]),
            stations=frozenset(StationId(UnitId(s)) for s in d["stations"])),
    )


def _check_and_tally(
    geo: Geography, contests: Sequence[Contest],
    versions: Mapping[tuple[str, str], list[tuple[int, tuple[int, ...], dict[str, int]]]],
) -> dict[str, Tally]:
    """Every version through the protocol checks (vectorised: protocol_batch.batch_flags,
    then the scalar checks on flagged rows for the message), then each contest's tally from
    its current versions."""
    by_id = {c.id: c for c in contests}
    rows: dict[str, list[tuple[int, int, tuple[int, ...], dict[str, int], bool]]] = {
        c.id: [] for c in contests}
    for (contest_id, station), history in versions.items():
        contest = by_id.get(ContestId(contest_id))
        first = history[0][0]
        if contest is None:
            raise _fail(f"leaf {first}: protocol for unknown contest {contest_id}", leaf=first)
        i = geo.index.get(UnitId(station))
        if i is None or not geo.units[i].is_station or not (
                (contest.area == geo.root.id and contest.district is None)
                or contest.votes_at(geo, StationId(UnitId(station)))):
            raise _fail(f"leaf {first}: station {station} does not vote in {contest_id}",
                        leaf=first, station=station)
        for k, (leaf_idx, counts, votes) in enumerate(history):
            rows[contest.id].append((leaf_idx, i, counts, votes, k == len(history) - 1))
    out: dict[str, Tally] = {}
    registered = np.fromiter((u.registered for u in geo.units), dtype=np.int64,
                             count=len(geo.units))
    for c in contests:
        options = c.option_ids
        known = set(options)
        rs = rows[c.id]
        for leaf_idx, i, _counts, votes, _cur in rs:
            if set(votes) != known:
                raise _fail(f"leaf {leaf_idx}: the protocol of station {geo.units[i].id} gives "
                            f"options {sorted(votes)}, the contest has {sorted(known)}",
                            leaf=leaf_idx, station=geo.units[i].id)
        width = len(COUNT_FIELDS) + len(options)
        matrix = np.array([(*cs, *(v[o] for o in options)) for _l, _i, cs, v, _c in rs],
                          dtype=np.int64).reshape(len(rs), width)
        where = np.array([i for _l, i, _c, _v, _cur in rs], dtype=np.int64)
        flags = batch_flags(matrix, has_both_marked=c.has_both_marked,
                            list_sizes=registered[where])
        for bad in np.flatnonzero(flags.error).tolist():
            leaf_idx, i, counts, votes, _cur = rs[bad]
            sid = StationId(geo.units[i].id)
            pc = ProtocolCounts.of(votes={OptionId(o): n for o, n in votes.items()},
                                   **dict(zip(COUNT_FIELDS, counts, strict=True)))
            errors = errors_of(run_checks(ProtocolCheckContext(c, sid, int(registered[i])), pc))
            if errors:
                raise _fail(f"leaf {leaf_idx}: the protocol of station {sid} fails "
                            f"{errors[0].code}: {errors[0].message}", leaf=leaf_idx,
                            station=sid)
        table = empty_table(geo, c)
        current = np.array([r[4] for r in rs], dtype=bool)
        if current.any():
            at = where[current]
            data = table.data
            data[at, 1] = 1
            data[at, len(BOOK_FIELDS):] = matrix[current]
        out[c.id] = tally(geo, table)
    return out


def decision_summary(contest: Contest, t: Tally, geo: Geography,
                     ruleset: RulesetName) -> dict[str, Any]:
    """The figures of a contest's decision that published results must match: the one
    `decide()` of the core, summarised (`Decision.summary`)."""
    return decide(contest, t, geo, ruleset).summary()


def verify_record(
    leaves: Iterable[bytes],
    tree_heads: Sequence[TreeHead],
    central_public_key: bytes,
    published: Mapping[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
    *,
    check_signatures: bool = True,
) -> tuple[Report, VerifiedElection]:
    """Check a whole election record; raises VerificationFailed at the first mismatch.

    `check_signatures=False` skips only the Ed25519 arithmetic of the records' signatures
    (their keys, scopes and presence are still checked), for measuring the rest apart; the
    tree heads' signatures are always verified."""
    report = Report()
    central_id = key_id(central_public_key)
    heads = sorted(tree_heads, key=lambda h: h.size)
    for h in heads:
        if not verify_tree_head(h, central_public_key):
            raise _fail(f"the tree head of size {h.size} is not signed by the central "
                        f"commission's key {central_id}", tree_head=h.size)
    report.ok(f"{len(heads)} tree head(s) signed by the central commission's key {central_id}")

    frontier = Frontier()
    pending: list[bytes] = []  # leaf hashes not yet folded into the frontier
    head_at = {h.size: h for h in heads}
    state = _State(central_id, check_signatures=check_signatures)
    unsigned = 0
    idx = -1
    first_problem: VerificationFailed | None = None
    for idx, data in enumerate(leaves):
        pending.append(leaf_hash(data))
        if idx + 1 in head_at or len(pending) >= 65_536:
            frontier = frontier.extend(pending)
            pending = []
        if idx + 1 in head_at and frontier.root().hex() != head_at[idx + 1].root:
            h = head_at[idx + 1]
            raise _fail(f"the root of the first {h.size} leaves is {frontier.root().hex()}, "
                        f"not the signed tree head's {h.root}: the log was changed",
                        tree_head=h.size)
        if first_problem is not None:
            continue  # keep hashing: a changed log is the more fundamental finding
        try:
            unsigned += _read_leaf(idx, data, state)
        except VerificationFailed as exc:
            first_problem = exc
        except MALFORMED as exc:
            first_problem = _malformed(f"leaf {idx}", exc, leaf=idx)
        if progress is not None and idx % 100_000 == 0:
            progress(idx)
    size = idx + 1
    if heads and heads[-1].size > size:
        raise _fail(f"the latest tree head covers {heads[-1].size} leaves but the record has "
                    f"only {size}: leaves were dropped", tree_head=heads[-1].size)
    if first_problem is not None:
        raise first_problem
    units, election_body, versions = state.units, state.election, state.versions
    counts_by_type = state.counts_by_type
    report.ok(f"{size:,} leaves, every one canonical and well-formed; the Merkle root of each "
              f"signed tree head recomputed and equal")
    report.ok("records: " + ", ".join(f"{n:,} {t}" for t, n in sorted(counts_by_type.items())))
    report.ok(f"every signature checked against keys registered before it "
              f"({unsigned:,} unsigned record(s), accepted by the election's rules)")
    if election_body is None:
        raise _fail("the record holds no election definition")
    try:
        geo = Geography.build(units)
        contests = tuple(_contest(election_body["election"], c)
                         for c in election_body["contests"])
        ruleset = RulesetName(election_body["ruleset"])
    except MALFORMED as exc:
        raise _malformed("the election's definition", exc) from None
    tallies = _check_and_tally(geo, contests, versions)
    report.ok(f"{sum(len(h) for h in versions.values()):,} protocol version(s) of "
              f"{len(versions):,} station-contest pair(s): versions in order, every "
              "correction with a reason, every version passes the protocol checks")
    summaries: dict[str, dict[str, Any]] = {
        c.id: decision_summary(c, tallies[c.id], geo, ruleset) for c in contests}
    report.ok(f"tallied {len(geo.units):,} units for {len(contests)} contest(s) from the "
              "current versions; decisions recomputed by the law")
    verified = VerifiedElection(election_body["election"], ruleset, geo, contests, tallies,
                                summaries)
    if published is not None:
        try:
            compare_published(verified, published, report)
        except MALFORMED as exc:
            raise _malformed("the published results", exc) from None
    return report, verified


@dataclass
class _State:
    """What the leaves have built so far (geography, election, keys, protocol versions)."""

    central_id: str
    check_signatures: bool = True
    units: list[Unit] = field(default_factory=list)
    by_unit: dict[str, Unit] = field(default_factory=dict)
    election: dict[str, Any] | None = None
    keys: dict[str, dict[str, Any]] = field(default_factory=dict)
    versions: dict[tuple[str, str], list[tuple[int, tuple[int, ...], dict[str, int]]]] = field(
        default_factory=dict)
    """(contest, station) -> every version as (leaf, counts in COUNT_FIELDS order, votes)."""
    counts_by_type: dict[str, int] = field(default_factory=dict)
    own_keys: dict[str, int] = field(default_factory=dict)
    """Unit -> its registered, unrevoked commission keys so far: such a station signs
    (saylau.domain.contests.must_sign)."""

    def unsigned_protocol(self, idx: int, station: str) -> None:
        """An unsigned protocol of `station` at leaf `idx`: refused where it had to sign."""
        assert self.election is not None
        policy = self.election.get("signatures", "optional")
        if policy not in ("required", "optional"):
            raise _fail(f"leaf {idx}: the election's rule for signatures is {policy!r}, "
                        "neither 'required' nor 'optional'", leaf=idx, station=station)
        if not must_sign(policy, self.own_keys.get(station, 0) > 0):
            return
        if policy == "required":
            raise _fail(f"leaf {idx}: the protocol of station {station} is unsigned, but the "
                        "election requires signatures", leaf=idx, station=station)
        raise _fail(f"leaf {idx}: the protocol of station {station} is unsigned, but the "
                    "station has a registered key of its own, so it must sign", leaf=idx,
                    station=station)


_PROTOCOL_KEYS = frozenset({"v", "type", "body", "recorded", "signature"})
_PROTOCOL_BODY = frozenset({"contest", "station", "version", "counts", "votes", "reason"})
_COUNT_SET = frozenset(COUNT_FIELDS)
_MAX_SAFE = 2**53 - 1


def _dumps(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


_FOUR_BYTE = re.compile(rb"[\xf0-\xf7]")
"""The lead byte of a 4-byte UTF-8 sequence: a character beyond U+FFFF."""


def _parse_fast(data: bytes) -> Any:
    """`data` parsed, when it is canonical by the quick test, else None.

    The standard encoder (sorted keys, no spaces, no ASCII escaping) writes exactly RFC 8785's
    bytes for what records hold (strings, integers, booleans, null, arrays, objects), except
    in one case: member names containing characters beyond U+FFFF, which RFC 8785 orders by
    UTF-16 code units. Leaves with such characters (a 4-byte UTF-8 sequence) and anything that
    does not re-encode to the same bytes go through canonical.parse_canonical instead."""
    if _FOUR_BYTE.search(data):
        return None
    try:
        r = json.loads(data, parse_float=_no_float)
    except (ValueError, _Float):
        return None
    return r if _dumps(r) == data else None


def _quick_protocol(r: Any) -> Record | None:
    """A parsed protocol leaf whose shape is that of envelope.record_problems for a protocol
    (checked the fast way), or None (then record_problems runs)."""
    if not isinstance(r, dict) or r.get("type") != "protocol" or \
            not (set(r) <= _PROTOCOL_KEYS) or r.get("v") != 1:
        return None
    b = r.get("body")
    if not isinstance(b, dict) or set(b) != _PROTOCOL_BODY:
        return None
    c, v = b["counts"], b["votes"]
    if not (isinstance(c, dict) and set(c) == _COUNT_SET and isinstance(v, dict) and v
            and isinstance(b["contest"], str) and isinstance(b["station"], str)
            and type(b["version"]) is int and b["version"] >= 1
            and (b["reason"] is None if b["version"] == 1 else
                 isinstance(b["reason"], str) and b["reason"].strip() != "")
            and isinstance(r.get("recorded"), dict)):
        return None
    for n in (*c.values(), *v.values()):
        if type(n) is not int or not 0 <= n <= _MAX_SAFE:
            return None
    sig = r.get("signature")
    if sig is not None and not (isinstance(sig, dict) and set(sig) == {"key", "value"}
                                and isinstance(sig["key"], str) and len(sig["key"]) == 32
                                and isinstance(sig["value"], str) and len(sig["value"]) == 128):
        return None
    return r


class _Float(Exception):
    pass


def _no_float(_text: str) -> Any:
    raise _Float


# The canonical bytes of a protocol record whose strings are plain printable ASCII (no escapes)
# and whose integers have at most 10 digits, spelled out: members in RFC 8785 order, no
# whitespace, integers without leading zeros. A leaf that matches is canonical and well-formed
# (the votes' member order is checked after the match); any other leaf takes the full path.
_S = rb'"([\x20\x21\x23-\x5b\x5d-\x7e]*)"'
_N = rb"(0|[1-9][0-9]{0,9})"
_PLAIN_S = rb'"[\x20\x21\x23-\x5b\x5d-\x7e]*"'
_PLAIN_N = rb"(?:0|[1-9][0-9]{0,9})"
_PROTOCOL_RE = re.compile(
    rb'\{"body":(\{"contest":' + _S + rb',"counts":\{"ballots_cancelled":' + _N
    + rb',"ballots_in_boxes":' + _N + rb',"ballots_issued":' + _N + rb',"ballots_received":'
    + _N + rb',"both_marked":' + _N + rb',"invalid":' + _N + rb',"registered":' + _N
    + rb'\},"reason":(null|"[\x20\x21\x23-\x5b\x5d-\x7e]*[\x21\x23-\x5b\x5d-\x7e]'
    + rb'[\x20\x21\x23-\x5b\x5d-\x7e]*"),"station":' + _S + rb',"version":'
    + rb"([1-9][0-9]{0,9})" + rb',"votes":\{(' + _PLAIN_S + rb":" + _PLAIN_N + rb"(?:,"
    + _PLAIN_S + rb":" + _PLAIN_N + rb')*)\}\}),"recorded":\{"at":' + _PLAIN_S + rb',"by":'
    + _PLAIN_S + rb'\}(?:,"signature":\{"key":"([0-9a-f]{32})","value":"([0-9a-f]{128})"\})?'
    + rb',"type":"protocol","v":1\}'
)
_VOTE_RE = re.compile(rb'"([\x20\x21\x23-\x5b\x5d-\x7e]*)":(0|[1-9][0-9]{0,9})')


def _read_protocol_fast(idx: int, data: bytes, state: _State) -> int | None:
    """A protocol leaf read by _PROTOCOL_RE (most of a big record): the same checks as the
    full path, without building and re-encoding the JSON. None when the leaf does not match
    (the full path then reads it); else 1 for an unsigned record, 0 for a signed one."""
    m = _PROTOCOL_RE.fullmatch(data)
    if m is None or state.election is None:
        return None
    (body, contest, c_can, c_box, c_iss, c_rec, c_both, c_inv, c_reg, reason, station,
     version, votes_text, key, value) = m.groups()
    votes = _VOTE_RE.findall(votes_text)
    names = [n for n, _ in votes]
    if names != sorted(names) or len(set(names)) != len(names):
        return None  # not in canonical order: the full path says so
    st = station.decode()
    state.counts_by_type["protocol"] = state.counts_by_type.get("protocol", 0) + 1
    unsigned = 0
    if key is None:
        unsigned = 1
        state.unsigned_protocol(idx, st)
    else:
        if len(state.by_unit) != len(state.units):
            state.by_unit = {u.id: u for u in state.units}
        message = b'{"body":' + body + b',"type":"protocol","v":1}'
        _check_key(idx, key.decode(), state.keys, state.by_unit, st,
                   message, bytes.fromhex(value.decode()) if state.check_signatures else None)
    v = int(version)
    history = state.versions.setdefault((contest.decode(), st), [])
    if v != len(history) + 1:
        raise _fail(f"leaf {idx}: protocol of station {st} for {contest.decode()} is version "
                    f"{v}, expected {len(history) + 1}", leaf=idx, station=st)
    if v > 1 and reason == b"null":
        raise _fail(f"leaf {idx}: correction {v} of station {st} gives no reason", leaf=idx,
                    station=st)
    # COUNT_FIELDS order: registered, received, issued, cancelled, in boxes, invalid, both
    history.append((idx, (int(c_reg), int(c_rec), int(c_iss), int(c_can), int(c_box),
                          int(c_inv), int(c_both)),
                    {n.decode(): int(x) for n, x in votes}))
    return unsigned


def _read_leaf(idx: int, data: bytes, state: _State) -> int:
    """Check one leaf and add it to `state`; returns 1 for an unsigned record, else 0."""
    fast = _read_protocol_fast(idx, data, state)
    if fast is not None:
        return fast
    central_id = state.central_id
    unsigned = 0
    parsed = _parse_fast(data)
    if parsed is None:
        try:
            parsed = parse_canonical(data)
        except SaylauError as exc:
            raise _fail(f"leaf {idx} is not canonical JSON: {exc.message}", leaf=idx) from None
    record = _quick_protocol(parsed)
    if record is None:  # anything but a plain protocol: the full shape checks
        record = parsed
        problems = record_shape_problems(record)  # the bytes were found canonical above
        if problems:
            raise _fail(f"leaf {idx} is not a well-formed record: {problems[0]['message']}",
                        leaf=idx, problems=problems)
    type_ = str(record["type"])
    state.counts_by_type[type_] = state.counts_by_type.get(type_, 0) + 1
    body = record["body"]
    if type_ == RecordType.GEOGRAPHY:
        for u in body["units"]:
            state.units.append(Unit(
                UnitId(u["id"]), None if u["parent"] is None else UnitId(u["parent"]),
                UnitKind(u["kind"]), _names(u["name"]), u.get("code"), int(u["registered"]),
                bool(u["abroad"])))
    elif type_ == RecordType.ELECTION:
        state.election = body
        for k in body["keys"]:
            if k["role"] == "central" and k["key"] != central_id:
                raise _fail(f"leaf {idx}: the election names central key {k['key']}, but "
                            f"the key given to the verifier is {central_id}", leaf=idx)
            state.keys[k["key"]] = {**k, "revoked": None}
    elif type_ == RecordType.KEY:
        state.keys[body["key"]] = {**body, "revoked": None}
        if body["role"] == KeyRole.COMMISSION:
            state.own_keys[body["unit"]] = state.own_keys.get(body["unit"], 0) + 1
    elif type_ == RecordType.KEY_REVOCATION:
        if body["key"] not in state.keys:
            raise _fail(f"leaf {idx} revokes unknown key {body['key']}", leaf=idx)
        k = state.keys[body["key"]]
        if k["revoked"] is None and k["role"] == KeyRole.COMMISSION:
            state.own_keys[k["unit"]] -= 1
        k["revoked"] = idx
    elif type_ in (RecordType.PROTOCOL, RecordType.TURNOUT):
        if state.election is None:
            raise _fail(f"leaf {idx}: a {type_} before the election's definition", leaf=idx)
        station = str(body["station"])
        sig = record.get("signature")  # its shape was checked with the record's
        if sig is None:
            unsigned = 1
            if type_ == RecordType.PROTOCOL:
                state.unsigned_protocol(idx, station)
        else:
            if len(state.by_unit) != len(state.units):  # the geography leaves come first
                state.by_unit = {u.id: u for u in state.units}
            _check_signed(idx, record, sig["key"], state.keys, state.by_unit, station,
                          bytes.fromhex(sig["value"]) if state.check_signatures else None)
        if type_ == RecordType.PROTOCOL:
            key = (str(body["contest"]), station)
            history = state.versions.setdefault(key, [])
            v = int(body["version"])
            if v != len(history) + 1:
                raise _fail(f"leaf {idx}: protocol of station {station} for {key[0]} is "
                            f"version {v}, expected {len(history) + 1}", leaf=idx,
                            station=station)
            if v > 1 and not body.get("reason"):
                raise _fail(f"leaf {idx}: correction {v} of station {station} gives no "
                            "reason", leaf=idx, station=station)
            c = body["counts"]
            history.append((idx, tuple(c[f] for f in COUNT_FIELDS), body["votes"]))
    return unsigned


def _covers(units: Mapping[str, Unit], scope: str, station: str) -> bool:
    cur: str | None = station
    while cur is not None:
        if cur == scope:
            return True
        u = units.get(cur)
        cur = None if u is None else u.parent
    return False


def _check_signed(idx: int, record: Record, kid: str, keys: Mapping[str, dict[str, Any]],
                  units: Mapping[str, Unit], station: str, value: bytes | None) -> None:
    from saylau.domain.record.envelope import record_signing_bytes

    message = _dumps({"v": record["v"], "type": record["type"], "body": record["body"]})
    if not message.isascii():  # ASCII text re-encodes canonically; anything else the full way
        message = record_signing_bytes(record)
    _check_key(idx, kid, keys, units, station, message, value)


def _check_key(idx: int, kid: str, keys: Mapping[str, dict[str, Any]],
               units: Mapping[str, Unit], station: str, message: bytes,
               value: bytes | None) -> None:
    """The key is registered before this leaf, not revoked, covers the station; and, unless
    `value` is None (signature arithmetic measured apart), the signature verifies."""
    k = keys.get(kid)
    if k is None:
        raise _fail(f"leaf {idx}: signed by key {kid}, which is not registered before it",
                    leaf=idx, station=station)
    if k["revoked"] is not None:
        raise _fail(f"leaf {idx}: signed by key {kid}, revoked at leaf {k['revoked']}",
                    leaf=idx, station=station)
    if k["role"] != "central" and not _covers(units, str(k["unit"]), station):
        raise _fail(f"leaf {idx}: key {kid} belongs to {k['unit']}, which does not cover "
                    f"station {station}", leaf=idx, station=station)
    if value is None:
        return
    if not verify(bytes.fromhex(k["public_key"]), message, value):
        raise _fail(f"leaf {idx}: the signature of station {station}'s record does not verify "
                    f"with key {kid}", leaf=idx, station=station)


UNIT_FIGURES = ("stations_expected", "stations_reported", "registered", "ballots_issued",
                "ballots_in_boxes", "invalid", "both_marked")


def published_results(v: VerifiedElection) -> dict[str, Any]:
    """What the server publishes, in the shape `compare_published` reads (the exporter uses
    this with its own tallies; the verifier with the recomputed ones)."""
    out: dict[str, Any] = {"election": v.election, "contests": {}}
    for c in v.contests:
        t = v.tallies[c.id]
        units = {}
        for u in v.geography.units:
            r = t.result(u.id)
            if r.stations_expected == 0:
                continue
            units[u.id] = {**{f: getattr(r, f) for f in UNIT_FIGURES}, "votes": dict(r.votes)}
        out["contests"][c.id] = {"units": units, "decision": v.decisions[c.id]}
    return out


def compare_published(v: VerifiedElection, published: Mapping[str, Any], report: Report) -> None:
    mine = published_results(v)
    theirs = published.get("contests", {})
    for cid, data in mine["contests"].items():
        if cid not in theirs:
            raise _fail(f"the published results have no contest {cid}", contest=cid)
        pub_units = theirs[cid].get("units", {})
        for unit, figures in data["units"].items():
            pub = pub_units.get(unit)
            if pub is None:
                raise _fail(f"{cid}: the published results have no unit {unit}", unit=unit)
            for f, value in figures.items():
                if pub.get(f) != value:
                    raise _fail(
                        f"{cid}: unit {unit}: published {f} = {json.dumps(pub.get(f))}, but "
                        f"the record gives {json.dumps(value)}", contest=cid, unit=unit,
                        field=f, expected=value, actual=pub.get(f))
        if theirs[cid].get("decision") != data["decision"]:
            raise _fail(f"{cid}: the published decision {theirs[cid].get('decision')} differs "
                        f"from the law applied to the record: {data['decision']}",
                        contest=cid, expected=data["decision"],
                        actual=theirs[cid].get("decision"))
    rows = sum(len(d["units"]) for d in mine["contests"].values())
    report.ok(f"published results: every figure of {rows:,} unit-contest rows and every "
              "decision equal the recomputation")


def verify_receipt(
    record: Mapping[str, Any], proof: Mapping[str, Any], tree_head: Mapping[str, Any],
    central_public_key: bytes | None = None,
) -> list[str]:
    """A station's receipt: its record is leaf `proof.index` of the tree the (signed) head
    describes. Returns what was checked; raises VerificationFailed otherwise."""
    from saylau.domain.record.canonical import canonical_bytes
    from saylau.domain.record.merkle import InclusionProof

    problems = record_problems(record)
    if problems:
        raise _fail(f"the protocol file is not a well-formed record: {problems[0]['message']}")
    head = TreeHead.from_json(tree_head)
    p = InclusionProof.from_json(proof)
    lines = []
    if central_public_key is not None:
        if not verify_tree_head(head, central_public_key):
            raise _fail("the tree head is not signed by the given central commission's key")
        lines.append(f"tree head of size {head.size} signed by {key_id(central_public_key)}")
    if p.size != head.size:
        raise _fail(f"the proof is for a tree of {p.size} leaves, the head has {head.size}")
    h = leaf_hash(canonical_bytes(record))
    if not p.verify(h, head.root_bytes):
        raise _fail(f"the record is NOT leaf {p.index} of the log whose signed root is "
                    f"{head.root}: it was changed, or the proof is for another record")
    body = record.get("body", {})
    lines.append(f"the {record.get('type')} of station {body.get('station')} (version "
                 f"{body.get('version')}) is leaf {p.index} of the log of {head.size} leaves "
                 f"with root {head.root}")
    return lines
