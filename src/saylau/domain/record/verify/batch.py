"""The checks of the scanned protocol leaves that depend on what came before them (the
election, its rule for signatures, the keys registered and revoked so far, the units each
key covers), applied to a run of consecutive scanned leaves at once.

A scanned leaf these checks cannot confirm (a failure, or a signature the scan could not
check with the key the record has at that leaf) is handed back to the exact path, which reads
it as if there were no batch pass: it raises the failure with its message, or accepts it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from saylau.domain.contests import must_sign
from saylau.domain.record.envelope import KeyRole
from saylau.domain.record.signing import verify
from saylau.domain.record.verify.core import MALFORMED
from saylau.domain.record.verify.leaves import _covers, _State
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
    (unsigned rows confirmed, the first row not confirmed, r1 when all are)."""
    election = state.election
    if election is None:
        return 0, r0
    if len(state.by_unit) != len(state.units):  # the geography leaves come first
        state.by_unit = {u.id: u for u in state.units}
    units = state.by_unit
    keys, stations = scan.key, scan.station
    policy = election.get("signatures", "optional")
    valid_policy = policy in ("required", "optional")
    own = state.own_keys
    key_ok: dict[str, tuple[bool, str | None, Any]] = {}
    covered: dict[tuple[str, str | None], bool] = {}
    checked = scan.signature_ok if state.check_signatures else None
    public = spec.public_keys or {}
    unsigned = 0
    for j in range(r0, r1):
        kid = keys[j]
        st = stations[j]
        if kid is None:
            if not valid_policy or must_sign(policy, own.get(st, 0) > 0):
                return unsigned, j
            unsigned += 1
            continue
        verdict = key_ok.get(kid)
        if verdict is None:
            verdict = key_ok[kid] = _key_verdict(state.keys.get(kid), public.get(kid))
        ok, scope, same_key = verdict
        if not ok:
            return unsigned, j
        if scope is not None and st != scope:
            u = units.get(st)
            parent = None if u is None else u.parent
            c = covered.get((scope, parent))
            if c is None:
                c = covered[(scope, parent)] = parent is not None and _covers(units, scope,
                                                                              parent)
            if not c:
                return unsigned, j
        if checked is not None and not (checked[j] and same_key) and not _signature_holds(
                state.keys[kid], scan.unchecked.get(j)):
            return unsigned, j
    return unsigned, r1


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
