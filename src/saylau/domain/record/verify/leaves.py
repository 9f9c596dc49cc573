"""Reading the leaves: canonical and well-formed, signed by a key registered before and covering
the station, protocol versions in order (a fast path for plain protocol leaves)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from saylau.domain.contests import (
    must_sign,
)
from saylau.domain.decide import SessionRound
from saylau.domain.errors import SaylauError
from saylau.domain.geography import Unit, UnitKind
from saylau.domain.integrity.record import leaf_problems as integrity_leaf_problems
from saylau.domain.names import Names
from saylau.domain.protocols import (
    COUNT_FIELDS,
)
from saylau.domain.record.canonical import parse_canonical
from saylau.domain.record.envelope import (
    KeyRole,
    Record,
    RecordType,
    record_shape_problems,
)
from saylau.domain.record.signing import verify
from saylau.domain.record.verify.core import MALFORMED, _fail, _names
from saylau.domain.record.verify.protocols import ProtocolRows, Versions


@dataclass
class _State:
    """What the leaves have built so far (geography, election, keys, protocol versions)."""

    central_id: str
    check_signatures: bool = True
    unit_parts: list[UnitColumns] = field(default_factory=list)
    """The geography parts' units as columns, in leaf order (their Units are made only when
    asked for: `units`)."""
    made: list[Unit] = field(default_factory=list)
    """The Units of the first `made_parts` parts."""
    made_parts: int = 0
    by_unit: dict[str, Unit] = field(default_factory=dict)
    election: dict[str, Any] | None = None
    keys: dict[str, dict[str, Any]] = field(default_factory=dict)
    unit_ids: list[str] = field(default_factory=list)
    unit_parents: list[str | None] = field(default_factory=list)
    """The units' ids and parents, in `units` order (for verify/batch._tree)."""
    tree: tuple[int, dict[str, int], npt.NDArray[np.int64]] | None = None
    """The units so far indexed for the batch pass (verify/batch._tree)."""
    protocols: ProtocolRows = field(default_factory=ProtocolRows)
    """Every protocol version read so far (their order is checked once all are read)."""
    sessions: dict[tuple[str, int], list[tuple[int, SessionRound]]] = field(
        default_factory=dict)
    """(Senate seat, round) -> every version of its joint-session protocol as (leaf, round)."""
    counts_by_type: dict[str, int] = field(default_factory=dict)
    own_keys: dict[str, int] = field(default_factory=dict)
    observer_keys: dict[str, str] = field(default_factory=dict)
    """Badge -> the id of the observer key last registered for it (issue 12)."""
    audit_leaves: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)
    """Risk-limiting audits' leaves (issue 15), re-derived once every leaf is read
    (verify/audits.py)."""
    """Unit -> its registered, unrevoked commission keys so far: such a station signs
    (saylau.domain.contests.must_sign)."""

    @property
    def units(self) -> list[Unit]:
        """Every unit so far, as Units."""
        while self.made_parts < len(self.unit_parts):
            self.made += units_of(self.unit_parts[self.made_parts])
            self.made_parts += 1
        return self.made

    @property
    def versions(self) -> Versions:
        """(contest, station) -> every version read so far, as (leaf, counts, votes)."""
        return self.protocols.finish().as_versions()

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


_KINDS = {k.value: k for k in UnitKind}

UnitColumns = tuple[list[Any], list[Any], list[UnitKind], list[str], list[str], list[str],
                    list[Any], list[int], list[bool]]
"""A geography part's units as columns: id, parent, kind, name kk, ru, en, code, registered,
abroad (a few lists cross between processes far faster than a dict per unit)."""


def unit_columns(body: Mapping[str, Any]) -> UnitColumns:
    """The units of a geography part's body, read as the Unit fields; for a unit that lacks
    one or has one of the wrong type, raises what reading the units one by one raises first
    (MALFORMED: the shape check before vouches only for their ids and parents)."""
    units = body["units"]
    try:
        kinds = _KINDS
        kind = [kinds.get(k) if isinstance(k, str) else None for k in (u["kind"] for u in units)]
        if None in kind:
            raise ValueError("a kind that is not a unit kind")
        names = [u["name"] for u in units]
        return ([u["id"] for u in units], [u["parent"] for u in units],
                kind,  # type: ignore[return-value]
                [str(n["kk"]) for n in names], [str(n["ru"]) for n in names],
                [str(n["en"]) for n in names], [u.get("code") for u in units],
                [int(u["registered"]) for u in units], [bool(u["abroad"]) for u in units])
    except MALFORMED:
        for u in units:  # the first failure in reading order, as each unit is read
            (u["id"], u["parent"], UnitKind(u["kind"]), _names(u["name"]), u.get("code"),
             int(u["registered"]), bool(u["abroad"]))
        raise


def units_of(columns: UnitColumns) -> list[Unit]:
    """The Units of `unit_columns` (ids as they are: UnitId is only a type)."""
    return [Unit(i, p, k, Names(kk, ru, en), c, r, a)
            for i, p, k, kk, ru, en, c, r, a in zip(*columns, strict=True)]
_PROTOCOL_KEYS = frozenset({"v", "type", "body", "recorded", "signature"})
_PROTOCOL_BODY = frozenset({"contest", "station", "version", "counts", "votes", "reason"})
_COUNT_SET = frozenset(COUNT_FIELDS)
_MAX_SAFE = 2**53 - 1


def _dumps(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


_FOUR_BYTE = 0xF0
"""The lead bytes of a 4-byte UTF-8 sequence (a character beyond U+FFFF) are 0xF0 to 0xF7;
bytes from 0xF8 up are no UTF-8 at all: a leaf holding either takes the full path."""


def _parse_fast(data: bytes) -> Any:
    """`data` parsed, when it is canonical by the quick test, else None.

    The standard encoder (sorted keys, no spaces, no ASCII escaping) writes exactly RFC 8785's
    bytes for what records hold (strings, integers, booleans, null, arrays, objects), except
    in one case: member names containing characters beyond U+FFFF, which RFC 8785 orders by
    UTF-16 code units. Leaves with such characters (a 4-byte UTF-8 sequence) and anything that
    does not re-encode to the same bytes go through canonical.parse_canonical instead."""
    if data and int(np.frombuffer(data, dtype=np.uint8).max()) >= _FOUR_BYTE:
        return None  # one vectorised pass: the geography's parts are megabytes
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


def _well_formed(idx: int, data: bytes) -> Record:
    """The leaf's record, when its bytes are canonical JSON of a well-formed record; else
    VerificationFailed naming the leaf. Pure: the batch pass may run it ahead, elsewhere."""
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
    return record


def _read_leaf(idx: int, data: bytes, state: _State, record: Record | None = None,
               columns: UnitColumns | None = None) -> int:
    """Check one leaf and add it to `state`; returns 1 for an unsigned record, else 0.
    `record`: what `_well_formed(idx, data)` returned for it already, and for a geography
    part `columns`: what `unit_columns` returned for its body (the batch pass)."""
    central_id = state.central_id
    unsigned = 0
    if record is None:
        record = _well_formed(idx, data)
    type_ = str(record["type"])
    state.counts_by_type[type_] = state.counts_by_type.get(type_, 0) + 1
    body = record["body"]
    if type_.startswith("rla"):
        state.audit_leaves.append((idx, type_, dict(body)))
    elif type_ == RecordType.GEOGRAPHY:
        columns = unit_columns(body) if columns is None else columns
        state.unit_parts.append(columns)
        state.unit_ids += columns[0]
        state.unit_parents += columns[1]
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
        elif body["role"] == KeyRole.OBSERVER:
            state.observer_keys[str(body["badge"])] = str(body["key"])
    elif type_ == RecordType.KEY_REVOCATION:
        if body["key"] not in state.keys:
            raise _fail(f"leaf {idx} revokes unknown key {body['key']}", leaf=idx)
        k = state.keys[body["key"]]
        if k["revoked"] is None and k["role"] == KeyRole.COMMISSION:
            state.own_keys[k["unit"]] -= 1
        k["revoked"] = idx
    elif type_ in (RecordType.INTEGRITY_PARAMS, RecordType.PVT_COMMITMENT):
        # integrity analytics (issue 14): fixed before the first protocol, and re-derived
        problems = integrity_leaf_problems(type_, body, state.protocols.count > 0)
        if problems:
            raise _fail(f"leaf {idx}: {problems[0]['message']}", leaf=idx, problems=problems)
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
        if type_ == RecordType.PROTOCOL:  # versions in order: checked once all are read
            c = body["counts"]
            state.protocols.add(idx, str(body["contest"]), station, int(body["version"]),
                                bool(body.get("reason")), tuple(c[f] for f in COUNT_FIELDS),
                                dict(body["votes"]))
    elif type_ == RecordType.SENATE_SESSION:
        _read_session(idx, body, state)
    elif type_ in (RecordType.OBSERVER_COPY, RecordType.OBSERVER_REPORT):
        unsigned = _read_observer(idx, record, state)
    return unsigned


def _read_observer(idx: int, record: Record, state: _State) -> int:
    """An observer's copy or report: signed, when signed, by that very badge's key registered
    before it and not revoked (checked with the key the record holds, not the server's word);
    unsigned only where the badge's key does not say its mission requires signatures."""
    body, type_ = record["body"], str(record["type"])
    badge, station = str(body.get("badge")), str(body.get("station"))
    what = f"the {type_} of observer {badge} at station {station}"
    sig = record.get("signature")
    if sig is None:
        kid = state.observer_keys.get(badge)
        if kid is not None and state.keys[kid]["signed_reports"]:
            raise _fail(f"leaf {idx}: {what} is unsigned, but the mission requires signed "
                        f"reports (key {kid} of {badge})", leaf=idx, station=station,
                        badge=badge)
        return 1
    kid = str(sig["key"])
    k = state.keys.get(kid)
    if k is None:
        raise _fail(f"leaf {idx}: {what} is signed by key {kid}, which is not registered "
                    "before it", leaf=idx, station=station, badge=badge)
    if k["role"] != KeyRole.OBSERVER or k.get("badge") != badge:
        owner = k.get("badge") if k["role"] == KeyRole.OBSERVER else k.get("unit")
        raise _fail(f"leaf {idx}: {what} is signed by key {kid}, which is {k['role']} "
                    f"{owner}'s, not observer {badge}'s", leaf=idx, station=station,
                    badge=badge)
    if k["revoked"] is not None:
        raise _fail(f"leaf {idx}: {what} is signed by key {kid}, revoked at leaf "
                    f"{k['revoked']}", leaf=idx, station=station, badge=badge)
    if state.check_signatures:
        from saylau.domain.record.envelope import record_signing_bytes

        if not verify(bytes.fromhex(k["public_key"]), record_signing_bytes(record),
                      bytes.fromhex(sig["value"])):
            raise _fail(f"leaf {idx}: the signature of {what} does not verify with key "
                        f"{kid}", leaf=idx, station=station, badge=badge)
    return 0


def _read_session(idx: int, body: Mapping[str, Any], state: _State) -> None:
    """A Senate seat's joint-session protocol: of a Senate seat of the election, round 2 only
    after round 1, versions of a round in order (a correction's reason is a shape check)."""
    if state.election is None:
        raise _fail(f"leaf {idx}: a Senate session before the election's definition", leaf=idx)
    contest, rnd, v = str(body["contest"]), int(body["round"]), int(body["version"])
    kinds = {c["contest"]: c.get("kind") for c in state.election["contests"]}
    if kinds.get(contest) != "senate-seat":
        raise _fail(f"leaf {idx}: a joint-session protocol for {contest}, which is not a Senate "
                    "seat of the election", leaf=idx, contest=contest)
    if rnd > 1 and (contest, rnd - 1) not in state.sessions:
        raise _fail(f"leaf {idx}: round {rnd} of {contest} before round {rnd - 1}", leaf=idx,
                    contest=contest)
    history = state.sessions.setdefault((contest, rnd), [])
    if v != len(history) + 1:
        raise _fail(f"leaf {idx}: the session protocol of round {rnd} of {contest} is version "
                    f"{v}, expected {len(history) + 1}", leaf=idx, contest=contest)
    history.append((idx, SessionRound(rnd, v, int(body["electors"]),
                                      int(body["electors_present"]), int(body["invalid"]),
                                      tuple(sorted(body["votes"].items())))))


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
    if k["role"] == KeyRole.OBSERVER:
        raise _fail(f"leaf {idx}: signed by key {kid}, observer {k['badge']}'s, which signs "
                    "observers' records only", leaf=idx, station=station)
    if k["role"] != "central" and not _covers(units, str(k["unit"]), station):
        raise _fail(f"leaf {idx}: key {kid} belongs to {k['unit']}, which does not cover "
                    f"station {station}", leaf=idx, station=station)
    if value is None:
        return
    if not verify(bytes.fromhex(k["public_key"]), message, value):
        raise _fail(f"leaf {idx}: the signature of station {station}'s record does not verify "
                    f"with key {kid}", leaf=idx, station=station)
