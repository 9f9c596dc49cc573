"""The verifiable record in the store: the per-election transparency log, signed tree heads,
commission keys, and the checks of signatures on what commissions send.

Every accepted record (the geography and the election's definition when it is created, every
key, every protocol version, every turnout report) is appended to its election's log in the
same transaction that stores it, so the log and the tables never disagree; a tree head
signed by the central commission's key over the new leaves is stored before that transaction
commits (store.log), so nothing acknowledged can later be edited and signed as genuine. The
formats are those of docs/record.md (saylau.domain.record).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, and_, insert, select, text, update

from saylau.domain.contests import Contest, Election
from saylau.domain.errors import Conflict, NotFound, SaylauError, ValidationFailed
from saylau.domain.geography import Geography, Unit
from saylau.domain.limits import check_text
from saylau.domain.record.envelope import (
    KeyRole,
    Record,
    RecordType,
    Signature,
    election_record,
    format_timestamp,
    geography_record,
    key_body,
    key_record,
    key_revocation_record,
    leaf_bytes,
    record_signing_bytes,
)
from saylau.domain.record.merkle import Frontier, MerkleTree, TreeHead
from saylau.domain.record.signing import key_id, public_key_bytes, verify
from saylau.services.context import Saylau
from saylau.store import log
from saylau.store import tables as t
from saylau.store.central_key import central_key_path as store_central_key_path
from saylau.store.log import LogTurn

GEOGRAPHY_PART = 10_000
"""Units per geography record: a large country is logged in parts (docs/record.md)."""

SIGNATURES_REQUIRED = "required"
SIGNATURES_OPTIONAL = "optional"

# --- the central commission's key -----------------------------------------------------------


def central_key_path(app: Saylau) -> Path:
    """$SAYLAU_CENTRAL_KEY, else beside the SQLite file (`x.db` -> `x.db.central.pem`), else
    ./saylau-central.pem (store.central_key)."""
    return store_central_key_path(app.engine)


def central_key(app: Saylau) -> Ed25519PrivateKey:
    """The central commission's signing key: loaded, or created (mode 0600) on first use; a
    missing or different key than the one the store's elections name is refused (503
    `central_key_missing` / `_mismatch`, store.central_key)."""
    return app.central_key()


def central_public_hex(app: Saylau) -> str:
    return public_key_bytes(central_key(app)).hex()


# --- appending -----------------------------------------------------------------------------


def sequence(conn: Connection, election: str) -> LogTurn:
    """Take the election's log sequencer for the rest of the transaction (store.log): rows
    that readers read by seq (protocol versions, turnout reports) are inserted under it, so
    their seqs commit in order; the log's appends are serialised by it."""
    return log.take_turn(conn, election)


def append(conn: Connection, election: str, record: Mapping[str, Any]) -> int:
    """Append `record` as the next leaf of `election`'s log; returns its index. Inside the
    caller's transaction, so the leaf is stored exactly when what it records is, and covered
    by a tree head signed before that transaction commits."""
    return log.append(log.take_turn(conn, election), record)


def append_many(conn: Connection, election: str, leaves: Iterable[tuple[str, bytes]]) -> int:
    """Append pre-encoded leaves (type, canonical bytes) in order; returns the new size."""
    return log.append_many(log.take_turn(conn, election), leaves)


def unit_json(u: Unit) -> dict[str, Any]:
    return {"id": u.id, "parent": u.parent, "kind": u.kind.value, "name": u.name.as_dict(),
            "code": u.code, "registered": u.registered, "abroad": u.abroad}


def contest_json(c: Contest) -> dict[str, Any]:
    out: dict[str, Any] = {
        "contest": c.id, "kind": c.kind.value, "name": c.name.as_dict(), "area": c.area,
        "options": [{"id": o.id, "name": o.name.as_dict(), "kind": o.kind.value,
                     "registration_order": o.registration_order, "party": o.party}
                    for o in c.options],
        "constitutional": None if c.referendum is None else c.referendum.constitutional,
        "district": None,
    }
    if c.district is not None:
        d = c.district
        out["district"] = {"id": d.id, "number": d.number, "name": d.name.as_dict(),
                           "unit": d.unit, "stations": sorted(d.stations)}
    return out


def log_election(
    app: Saylau, conn: Connection, election: Election, contests: Iterable[Contest],
    *, by: str, signatures: str = SIGNATURES_OPTIONAL,
) -> None:
    """The first leaves of a new election's log: the geography (in parts), then the
    election's definition with its contests and the central commission's public key."""
    geo = app.geography()
    at = format_timestamp(app.clock())
    central_pub = public_key_bytes(central_key(app))
    leaves: list[tuple[str, bytes]] = []
    units = [unit_json(u) for u in geo.units]
    for start in range(0, len(units), GEOGRAPHY_PART):
        rec = geography_record(units[start : start + GEOGRAPHY_PART], recorded_by=by,
                               recorded_at=at)
        leaves.append((RecordType.GEOGRAPHY.value, leaf_bytes(rec)))
    central = key_body(election=election.id, unit=geo.root.id, role=KeyRole.CENTRAL,
                       key=key_id(central_pub), public_key=central_pub.hex())
    body = {"election": election.id, "name": election.name.as_dict(),
            "ruleset": election.ruleset.value, "date": election.date,
            "signatures": signatures, "geography_parts": len(leaves),
            "contests": [contest_json(c) for c in contests], "keys": [central]}
    leaves.append((RecordType.ELECTION.value,
                   leaf_bytes(election_record(body, recorded_by=by, recorded_at=at))))
    append_many(conn, election.id, leaves)
    conn.execute(insert(t.commission_keys).values(
        election_id=election.id, key=central["key"], unit=geo.root.id, role="central",
        public_key=central["public_key"], registered_at=at))
    if signatures != SIGNATURES_OPTIONAL:
        conn.execute(update(t.elections).where(t.elections.c.id == election.id)
                     .values(signatures=signatures))


# --- keys ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeyInfo:
    key: str
    unit: str
    role: str
    public_key: str
    registered_at: str
    revoked_at: str | None


def register_key(app: Saylau, election: str, unit: str, public_key_hex: str, by: str) -> str:
    """Register a commission's public key for `unit` (its station or territory); returns the
    key id. Logged as a key record."""
    from saylau.domain.record.signing import public_key_from_hex

    geo = app.geography()
    if unit not in geo:
        raise NotFound(f"no unit {unit!r}", details={"field": "unit", "actual": unit})
    raw = public_key_from_hex(public_key_hex)
    kid = key_id(raw)
    at = format_timestamp(app.clock())
    with app.write() as conn:
        _election_exists(conn, election)
        known = conn.execute(select(t.commission_keys.c.key).where(and_(
            t.commission_keys.c.election_id == election, t.commission_keys.c.key == kid))).first()
        if known is not None:
            raise Conflict(f"key {kid} is already registered", code="key_exists",
                           details={"key": kid})
        idx = append(conn, election, key_record(election=election, unit=unit,
                                                role=KeyRole.COMMISSION, key=kid,
                                                public_key=raw.hex(), recorded_by=by,
                                                recorded_at=at))
        conn.execute(insert(t.commission_keys).values(
            election_id=election, key=kid, unit=unit, role="commission",
            public_key=raw.hex(), registered_at=at))
        _audit(conn, app, "key_registered", by, election=election, unit=unit, key=kid,
               leaf=idx)
    return kid


def register_keys(app: Saylau, election: str, keys: list[tuple[str, bytes]], by: str) -> None:
    """Many commissions' keys at once (unit, raw public key): an election night's setup."""
    at = format_timestamp(app.clock())
    with app.write() as conn:
        _election_exists(conn, election)
        leaves = []
        rows = []
        for unit, raw in keys:
            kid = key_id(raw)
            rec = key_record(election=election, unit=unit, role=KeyRole.COMMISSION, key=kid,
                             public_key=raw.hex(), recorded_by=by, recorded_at=at)
            leaves.append((RecordType.KEY.value, leaf_bytes(rec)))
            rows.append({"election_id": election, "key": kid, "unit": unit,
                         "role": "commission", "public_key": raw.hex(), "registered_at": at})
        end = append_many(conn, election, leaves)
        conn.execute(insert(t.commission_keys), rows)
        _audit(conn, app, "keys_registered", by, election=election, keys=len(rows),
               leaf=end - len(rows))


def revoke_key(app: Saylau, election: str, kid: str, reason: str, by: str) -> None:
    """Stop trusting a key from now on; what it signed before stays valid (docs/record.md)."""
    if not reason.strip():
        raise ValidationFailed("a revocation must say why",
                               details={"field": "reason", "expected": "a reason",
                                        "actual": reason})
    check_text("reason", reason)
    at = format_timestamp(app.clock())
    ck = t.commission_keys
    with app.write() as conn:
        row = conn.execute(select(ck).where(and_(ck.c.election_id == election,
                                                 ck.c.key == kid))).mappings().first()
        if row is None:
            raise NotFound(f"no key {kid} in election {election}",
                           details={"field": "key", "actual": kid})
        if row["revoked_at"] is not None:
            raise Conflict(f"key {kid} was already revoked at {row['revoked_at']}",
                           code="key_revoked", details={"key": kid})
        if row["role"] == "central":
            raise ValidationFailed("the central commission's key cannot be revoked here",
                                   details={"field": "key", "expected": "a commission key",
                                            "actual": kid})
        idx = append(conn, election, key_revocation_record(
            election=election, key=kid, reason=reason, recorded_by=by, recorded_at=at))
        conn.execute(update(ck).where(and_(ck.c.election_id == election, ck.c.key == kid))
                     .values(revoked_at=at, revoked_leaf=idx))
        _audit(conn, app, "key_revoked", by, election=election, key=kid, reason=reason,
               leaf=idx)


def _audit(conn: Connection, app: Saylau, action: str, by: str, **subject: Any) -> None:
    """An entry in the audit log (services.audit imports this module, hence the late import)."""
    from saylau.services import audit

    audit.log_action(conn, app, audit.Action(action), by, **subject)


def keys(app: Saylau, election: str) -> list[KeyInfo]:
    ck = t.commission_keys
    with app.read() as conn:
        rows = conn.execute(select(ck).where(ck.c.election_id == election)
                            .order_by(ck.c.registered_at, ck.c.key)).mappings().all()
    return [KeyInfo(r["key"], r["unit"], r["role"], r["public_key"], r["registered_at"],
                    r["revoked_at"]) for r in rows]


def _election_exists(conn: Connection, election: str) -> None:
    if conn.execute(select(t.elections.c.id).where(t.elections.c.id == election)).first() is None:
        raise NotFound(f"no election {election!r}", details={"election": election})


def signatures_rule(conn: Connection, election: str) -> str:
    v = conn.execute(select(t.elections.c.signatures)
                     .where(t.elections.c.id == election)).scalar()
    return str(v or SIGNATURES_OPTIONAL)


def own_keys(conn: Connection, election: str, units: Iterable[str]) -> dict[str, str]:
    """Unit -> the id of a registered, unrevoked commission key of that very unit, for those
    of `units` that have one: they must sign (saylau.domain.contests.must_sign)."""
    ck = t.commission_keys
    wanted = set(units)
    active = and_(ck.c.election_id == election, ck.c.role == KeyRole.COMMISSION.value,
                  ck.c.revoked_at.is_(None))
    if len(wanted) <= 100:  # one submission, a small file: ask for these units
        rows = conn.execute(select(ck.c.unit, ck.c.key).where(active, ck.c.unit.in_(wanted)))
    else:  # a big file: the election's keys (far fewer than its stations), then intersect
        rows = conn.execute(select(ck.c.unit, ck.c.key).where(active))
    return {str(u): str(k) for u, k in rows if u in wanted}


def check_signature(
    conn: Connection, geo: Geography, election: str, unit: str, type_: str,
    body: Mapping[str, Any], signature: Signature | None,
) -> None:
    """Raise ValidationFailed unless the signature is acceptable for a record about `unit`:
    made by a registered, unrevoked key of the unit, of a unit above it, or of the central
    commission, over the canonical bytes of {v, type, body}. A missing signature is accepted
    only where the election accepts unsigned records (the record then says it is unsigned)
    and `unit` has no registered key of its own (saylau.domain.contests.must_sign)."""
    if signature is None:
        if signatures_rule(conn, election) == SIGNATURES_REQUIRED:
            raise ValidationFailed(
                f"election {election} requires the commission's signature; none was sent",
                code="signature_missing",
                details={"field": "signature", "expected": "{key, value} by the commission",
                         "actual": None})
        own = own_keys(conn, election, [unit]).get(unit)
        if own is not None:
            raise ValidationFailed(
                f"{unit}'s commission key {own} is registered for election {election}: its "
                "protocols must be signed with it (signatures are optional only for stations "
                "without a key)", code="signature_missing",
                details={"field": "signature", "expected": f"{{key, value}} by key {own}",
                         "actual": None})
        return
    ck = t.commission_keys
    row = conn.execute(select(ck).where(and_(ck.c.election_id == election,
                                             ck.c.key == signature.key))).mappings().first()
    if row is None:
        raise ValidationFailed(f"key {signature.key} is not registered for election {election}",
                               code="signature_unknown_key",
                               details={"field": "signature.key", "expected": "a registered key",
                                        "actual": signature.key})
    if row["revoked_at"] is not None:
        raise ValidationFailed(f"key {signature.key} was revoked at {row['revoked_at']}",
                               code="signature_revoked_key",
                               details={"field": "signature.key", "expected": "an unrevoked key",
                                        "actual": signature.key})
    scope = str(row["unit"])
    if row["role"] != "central" and not (unit in geo and geo.is_within(unit, scope)):  # type: ignore[arg-type]
        raise ValidationFailed(
            f"key {signature.key} belongs to {scope}, which does not cover {unit}",
            code="signature_out_of_scope",
            details={"field": "signature.key", "expected": f"a key of {unit} or above it",
                     "actual": scope})
    message = record_signing_bytes({"v": 1, "type": type_, "body": dict(body)})
    if not verify(bytes.fromhex(str(row["public_key"])), message, signature.value):
        raise ValidationFailed(
            "the signature does not match the protocol's figures (or was made with another "
            "key); nothing was stored", code="signature_invalid",
            details={"field": "signature.value", "expected": "Ed25519 over the canonical "
                     "bytes of {v, type, body}", "actual": signature.value.hex()[:16] + "..."})


# --- tree heads and proofs -------------------------------------------------------------------


def log_size(conn: Connection, election: str) -> int:
    """Leaves in the log: the last index + 1 (store.log)."""
    return log.log_size(conn, election)


def latest_head(conn: Connection, election: str) -> tuple[TreeHead, Frontier] | None:
    return log.latest_head(conn, election)


def tree_head(app: Saylau, election: str) -> TreeHead:
    """The latest signed tree head of `election`'s log. Heads are signed when leaves are
    appended, in the same transaction (store.log), never on a read: a read that signed would
    sign whatever the tables hold by then, edits included. An empty log has the head of size
    0 (the empty tree's root), signed now: it covers nothing that could be edited."""
    with app.read() as conn:
        latest = log.latest_head(conn, election)
    if latest is not None:
        return latest[0]
    return app.sign_head(TreeHead(0, Frontier().root().hex(), format_timestamp(app.clock())))


def seal_unsigned(app: Saylau, election: str, by: str) -> dict[str, int]:
    """Cover with a signed tree head the leaves stored beyond the latest signed head (a store
    written by a version that signed on read, or leaves an operator has examined after a
    `log_unsealed` refusal). Logged in the audit log with the counts. Returns {"from", "to"}."""
    with app.write() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:e))"), {"e": election})
        latest = log.latest_head(conn, election)
        frontier = latest[1] if latest is not None else Frontier()
        size = log.log_size(conn, election)
        if size == frontier.size:
            return {"from": frontier.size, "to": size}
        frontier = frontier.extend(log.leaf_hashes(conn, election, frontier.size, size))
        head = app.sign_head(TreeHead(frontier.size, frontier.root().hex(),
                                      format_timestamp(app.clock())))
        log.insert_head(conn, election, head, frontier)
        start = latest[0].size if latest is not None else 0
        _audit(conn, app, "log_sealed", by, log=election, first=start, size=size)
    return {"from": start, "to": size}


def tree_heads(app: Saylau, election: str) -> list[TreeHead]:
    with app.read() as conn:
        return log.heads(conn, election)


def _tree(app: Saylau, election: str, size: int) -> MerkleTree:
    lv = t.log_leaves
    with app.read() as conn:
        hashes = [bytes.fromhex(h) for (h,) in conn.execute(
            select(lv.c.leaf_hash).where(and_(lv.c.election_id == election, lv.c.idx < size))
            .order_by(lv.c.idx))]
    if len(hashes) != size:
        raise NotFound(f"the log of {election} has {len(hashes)} leaves, not {size}",
                       details={"field": "size", "expected": f"<= {len(hashes)}",
                                "actual": size})
    return MerkleTree.of(hashes)


def leaf(app: Saylau, election: str, idx: int) -> Record:
    lv = t.log_leaves
    with app.read() as conn:
        r = conn.execute(select(lv.c.data).where(and_(lv.c.election_id == election,
                                                      lv.c.idx == idx))).first()
    if r is None:
        raise NotFound(f"no leaf {idx} in the log of {election}",
                       details={"field": "index", "actual": idx})
    data: Record = json.loads(r[0])
    return data


def protocol_leaf_index(app: Saylau, election: str, contest: str, station: str,
                        version: int) -> int:
    """Where a protocol version sits in the log."""
    lv = t.log_leaves
    needle_contest = json.dumps(contest, ensure_ascii=False)
    needle_station = json.dumps(station, ensure_ascii=False)
    with app.read() as conn:
        rows = conn.execute(select(lv.c.idx, lv.c.data).where(and_(
            lv.c.election_id == election, lv.c.type == "protocol",
            lv.c.data.contains(f'"station":{needle_station}'),
            lv.c.data.contains(f'"contest":{needle_contest}'))).order_by(lv.c.idx)).all()
    for idx, data in rows:
        body = json.loads(data)["body"]
        if body["contest"] == contest and body["station"] == station and \
                body["version"] == version:
            return int(idx)
    raise NotFound(f"no version {version} of the protocol of {station} for {contest} in the log",
                   details={"contest": contest, "station": station, "version": version})


def inclusion(app: Saylau, election: str, idx: int, size: int | None = None) -> dict[str, Any]:
    """An inclusion proof of leaf `idx` in the tree of `size` leaves (the latest signed head
    by default), with the leaf and the head: a station's receipt."""
    head = tree_head(app, election) if size is None else _head_at(app, election, size)
    proof = _tree(app, election, head.size).inclusion_proof(idx, head.size)
    return {"leaf": leaf(app, election, idx), "proof": proof.as_json(),
            "tree_head": head.as_json()}


def consistency(app: Saylau, election: str, first: int, second: int) -> dict[str, Any]:
    a, b = _head_at(app, election, first), _head_at(app, election, second)
    proof = _tree(app, election, b.size).consistency_proof(a.size, b.size)
    return {"first": a.as_json(), "second": b.as_json(), "proof": proof.as_json()}


def _head_at(app: Saylau, election: str, size: int) -> TreeHead:
    for h in tree_heads(app, election):
        if h.size == size:
            return h
    raise NotFound(f"no signed tree head of size {size} for {election}",
                   details={"field": "size", "actual": size})


def all_leaves(app: Saylau, election: str) -> Iterable[bytes]:
    lv = t.log_leaves
    with app.read() as conn:
        for (data,) in conn.execute(select(lv.c.data).where(lv.c.election_id == election)
                                    .order_by(lv.c.idx)).yield_per(20_000):
            yield str(data).encode("utf-8")




# --- export ----------------------------------------------------------------------------------


def published_results(app: Saylau, election: str) -> dict[str, Any]:
    """What this server publishes for `election`, computed from its tables (not from the
    log): the verifier recomputes it from the log and compares."""
    from saylau.domain.record.verify import UNIT_FIGURES, decision_summary
    from saylau.services.elections import contests as contests_of
    from saylau.services.elections import get_election
    from saylau.services.results import refresh

    e = get_election(app, election)
    geo = app.geography()
    out: dict[str, Any] = {"election": e.id, "contests": {}}
    for c in contests_of(app, e.id):
        if c.kind.value == "senate-seat":
            continue
        t, _cache = refresh(app, c.id)
        units = {}
        for u in geo.units:
            r = t.result(u.id)
            if r.stations_expected == 0:
                continue
            units[u.id] = {**{f: getattr(r, f) for f in UNIT_FIGURES}, "votes": dict(r.votes)}
        try:
            decision = decision_summary(c, t, geo, e.ruleset)
        except SaylauError as exc:  # figures the law cannot decide on: published as such
            decision = {"error": exc.message}
        out["contests"][c.id] = {"units": units, "decision": decision}
    return out


def export_record(app: Saylau, election: str, out: Path) -> dict[str, int]:
    """Write the whole public record of `election` to the directory `out`: leaves.jsonl (one
    leaf's canonical bytes per line), tree-heads.json, central.pub, results.json."""
    from saylau.services.elections import get_election

    e = get_election(app, election)
    head = tree_head(app, e.id)  # a head covering everything logged so far
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    with (out / "leaves.jsonl").open("wb") as f:
        for data in all_leaves(app, e.id):
            if n >= head.size:
                break
            f.write(data + b"\n")
            n += 1
    heads = [h.as_json() for h in tree_heads(app, e.id)]
    (out / "tree-heads.json").write_text(json.dumps(heads, indent=1) + "\n", encoding="utf-8")
    (out / "central.pub").write_text(central_public_hex(app) + "\n", encoding="utf-8")
    (out / "results.json").write_text(
        json.dumps(published_results(app, e.id), ensure_ascii=False, sort_keys=True) + "\n",
        encoding="utf-8")
    (out / "README.txt").write_text(
        f"The public record of election {e.id} (docs/record.md).\n"
        "leaves.jsonl: the log, one leaf (canonical JSON) per line, leaf 0 first.\n"
        "tree-heads.json: the tree heads signed by the central commission.\n"
        "central.pub: the central commission's Ed25519 public key (hex); check it against\n"
        "  the one the commission publishes elsewhere: it is the trust anchor.\n"
        "results.json: the results the server published, per contest and unit.\n"
        "Check it all: saylau verify <this directory>\n", encoding="utf-8")
    return {"leaves": n, "tree_heads": len(heads)}
