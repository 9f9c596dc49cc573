"""The checks of the scanned protocol leaves that depend on what came before them (the
election, its rule for signatures, the keys registered and revoked so far, the units each
key covers), applied to a run of consecutive scanned leaves at once.

A scanned leaf these checks cannot confirm (a failure, or a signature the scan could not
check with the key the record has at that leaf) is handed back to the exact path, which reads
it as if there were no batch pass: it raises the failure with its message, or accepts it."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from saylau.domain.contests import must_sign
from saylau.domain.record.envelope import KeyRole
from saylau.domain.record.signing import verify
from saylau.domain.record.verify.core import MALFORMED
from saylau.domain.record.verify.leaves import _State
from saylau.domain.record.verify.scan import ChunkScan, Spec, plain


def spec_of(election: Mapping[str, Any] | None, keys: Mapping[str, Mapping[str, Any]], *,
            check_signatures: bool) -> Spec:
    """The contests whose protocols the scan reads (their id and options plain strings), and,
    when signatures are checked, the public keys of `keys`."""
    contests: dict[str, tuple[str, ...]] = {}
    try:
        for c in (election or {}).get("contests") or ():
            cid, options = c["contest"], [o["id"] for o in c["options"]]
            if (isinstance(cid, str) and plain(cid) and options
                    and all(isinstance(o, str) and plain(o) for o in options)
                    and len(set(options)) == len(options)):
                # RFC 8785 orders members by UTF-16 code units: for ASCII, by bytes
                contests[cid] = tuple(sorted(options))
    except MALFORMED:  # the exact path names what is wrong with the election
        contests = {}
    public = None
    if check_signatures:
        public = {kid: str(k["public_key"]) for kid, k in keys.items()
                  if isinstance(k, Mapping) and isinstance(k.get("public_key"), str)}
    return Spec(contests, public)


def confirm(state: _State, scan: ChunkScan, r0: int, r1: int, spec: Spec) -> tuple[int, int]:
    """Check rows r0..r1-1 of `scan` (consecutive leaves) against the record so far: returns
    (unsigned rows confirmed, the first row not confirmed, r1 when all are). Each row as the
    exact path would: the election defined; unsigned only where the election's rule and the
    station's own keys allow; else a key registered, not revoked, not an observer's, whose
    unit covers the station (its units as the geography so far has them), and a signature
    that verifies with it."""
    election = state.election
    if election is None:
        return 0, r0
    n = r1 - r0
    keys, stations = scan.key[r0:r1], scan.station[r0:r1]
    bad = np.zeros(n, dtype=bool)
    unsigned = np.fromiter((k is None for k in keys), dtype=bool, count=n)
    if unsigned.any():
        policy = election.get("signatures", "optional")
        valid = policy in ("required", "optional")
        own = state.own_keys
        for j in np.flatnonzero(unsigned).tolist():
            bad[j] = not valid or must_sign(policy, own.get(stations[j], 0) > 0)
    public = spec.public_keys or {}
    verdicts = {kid: _key_verdict(state.keys.get(kid), public.get(kid))
                for kid in set(keys) if kid is not None}
    if verdicts:
        index, parent = _tree(state)
        refused = {kid for kid, v in verdicts.items() if not v[0]}
        scope_at = {kid: index.get(v[1], -2) for kid, v in verdicts.items()
                    if v[0] and v[1] is not None}
        if refused:
            bad |= np.fromiter((k in refused for k in keys), dtype=bool, count=n)
        if scope_at:
            minus = itertools.repeat(-1)
            scope = np.fromiter(map(scope_at.get, keys, minus),  # type: ignore[arg-type]
                                dtype=np.int64, count=n)
            at = np.fromiter(map(index.get, stations, minus), dtype=np.int64, count=n)
            need = scope != -1
            covered = at == scope
            unknown = np.flatnonzero(need & (scope == -2))  # a unit the geography lacks
            for j in unknown.tolist():
                covered[j] = stations[j] == verdicts[keys[j]][1]  # type: ignore[index]
            walk = np.where(need & ~covered, at, -1)
            for _ in range(len(parent)):  # up the tree, every row at once
                walk = np.where(walk >= 0, parent[np.maximum(walk, 0)], -1)
                covered |= (walk >= 0) & (walk == scope)
                walk[covered] = -1
                if not (walk >= 0).any():
                    break
            bad |= need & ~covered
        if state.check_signatures:
            same = {kid for kid, v in verdicts.items() if v[0] and v[2]}
            checked = scan.signature_ok
            sig_ok = np.fromiter((k in same for k in keys), dtype=bool, count=n)
            if checked is not None:
                sig_ok &= checked[r0:r1]
            for j in np.flatnonzero(~sig_ok & ~unsigned & ~bad).tolist():
                kid = keys[j]
                bad[j] = not _signature_holds(state.keys[kid],  # type: ignore[index]
                                              scan.unchecked.get(r0 + j))
    stop = int(np.argmax(bad)) if bad.any() else n
    return int(unsigned[:stop].sum()), r0 + stop


def _tree(state: _State) -> tuple[dict[str, int], npt.NDArray[np.int64]]:
    """The units so far as an index (id -> its last unit's place, as by_unit keeps it) and
    each unit's parent's place (-1: none, or not a unit so far); kept until units are added."""
    cached = state.tree
    if cached is None or cached[0] != len(state.unit_ids):  # the geography leaves come first
        ids = state.unit_ids
        index = dict(zip(ids, range(len(ids)), strict=True))  # a repeated id: its last unit
        parent = np.fromiter(map(index.get, state.unit_parents,  # type: ignore[arg-type]
                                 itertools.repeat(-1)), dtype=np.int64, count=len(ids))
        cached = state.tree = (len(ids), index, parent)
    return cached[1], cached[2]


def _key_verdict(k: Mapping[str, Any] | None, spec_public: str | None
                 ) -> tuple[bool, str | None, bool]:
    """(the key may sign a station's protocol, the unit it must cover or None for the
    central key, the scan checked with this very public key)."""
    if k is None or k["revoked"] is not None or k["role"] == KeyRole.OBSERVER:
        return False, None, False
    scope = None if k["role"] == "central" else str(k["unit"])
    return True, scope, spec_public is not None and spec_public == k.get("public_key")


def _signature_holds(k: Mapping[str, Any], signed: tuple[bytes, bytes] | None) -> bool:
    if signed is None:  # checked by the scan with another public key: the exact path again
        return False
    try:
        return verify(bytes.fromhex(k["public_key"]), signed[0], signed[1])
    except MALFORMED:
        return False
