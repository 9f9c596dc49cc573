"""The verifiable record end to end: an honest record verifies; every kind of tampering is
caught and named; signatures are enforced; receipts check out. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from saylau.api.app import create_app
from saylau.domain.contests import QUESTION_2022
from saylau.domain.ids import ActorId
from saylau.domain.names import Names
from saylau.domain.record.envelope import protocol_body
from saylau.domain.record.merkle import MerkleTree, TreeHead, leaf_hash, verify_consistency
from saylau.domain.record.signing import sign_body, sign_tree_head
from saylau.domain.record.verify import VerificationFailed, verify_receipt, verify_record
from saylau.services import record as rec
from saylau.services.context import Saylau
from saylau.services.elections import create_referendum
from saylau.services.geography import load_geography
from saylau.services.keys import generate_keypair
from saylau.services.tokens import create_token
from tests.conftest import small_country

COUNTS = ("registered", "ballots_received", "ballots_issued", "ballots_cancelled",
          "ballots_in_boxes", "invalid", "both_marked")


def _protocol(station: str, registered: int, yes: int) -> dict[str, Any]:
    return {"station": station, "registered": registered, "ballots_received": 300,
            "ballots_issued": 250, "ballots_cancelled": 50, "ballots_in_boxes": 250,
            "invalid": 10, "both_marked": 5, "votes": {"yes": yes, "no": 235 - yes}}


def _sign(key: Any, contest: str, body: dict[str, Any], version: int = 1) -> dict[str, Any]:
    rb = protocol_body(contest=contest, station=body["station"], version=version,
                       counts={f: body[f] for f in COUNTS}, votes=body["votes"],
                       reason=body.get("reason"))
    return {**body, "signature": sign_body(key, "protocol", rb).as_json()}


class Night:
    """A signed referendum over the small country, every station reported once, one corrected."""

    def __init__(self, app: Saylau, tmp: Path) -> None:
        self.app = app
        self.tmp = tmp
        load_geography(app, small_country())
        _, c = create_referendum(app, election_id="ref", name=Names.same("R"),
                                 ruleset_name="kz-2022", date="2022-06-05",
                                 question=QUESTION_2022, constitutional=True,
                                 by=ActorId("cec"), signatures="required")
        self.contest = c.id
        self.client = TestClient(create_app(app))
        self.admin = {"Authorization": f"Bearer {create_token(app, 'cec', 'admin')}"}
        self.keys: dict[str, Any] = {}
        self.stations = list(app.geography().stations())
        for s in self.stations:
            key, pub = generate_keypair()
            rec.register_key(app, "ref", s.id, pub.hex(), "cec")
            self.keys[s.id] = key
        for k, s in enumerate(self.stations):
            r = self.post(_sign(self.keys[s.id], c.id, _protocol(s.id, s.registered,
                                                                  150 + k)))
            assert r.status_code == 201, r.text
        first = self.stations[0]
        fixed = {**_protocol(first.id, first.registered, 140), "correction": True,
                 "corrects": 1, "reason": "recount"}
        assert self.post(_sign(self.keys[first.id], c.id, fixed, 2)).status_code == 201

    def post(self, body: dict[str, Any]) -> Any:
        return self.client.post(f"/api/contests/{self.contest}/protocols", json=body,
                                headers=self.admin)

    def export(self, name: str = "out") -> Path:
        out = self.tmp / name
        rec.export_record(self.app, "ref", out)
        return out


def verify_dir(d: Path) -> Any:
    heads = [TreeHead.from_json(h) for h in json.loads((d / "tree-heads.json").read_text())]
    leaves = (d / "leaves.jsonl").read_bytes().splitlines()
    published = json.loads((d / "results.json").read_text())
    central = bytes.fromhex((d / "central.pub").read_text().strip())
    return verify_record(leaves, heads, central, published)


@pytest.fixture
def night(saylau: Saylau, tmp_path: Path) -> Night:
    return Night(saylau, tmp_path)


def test_an_honest_record_verifies_and_its_decision_is_the_servers(night: Night) -> None:
    report, v = verify_dir(night.export())
    assert any("every figure" in line for line in report.lines)
    server = night.client.get(f"/api/contests/{night.contest}/decision").json()
    assert v.decisions[night.contest]["state"] == server["state"]
    assert v.decisions[night.contest]["units_with_majority"] == server["units_with_majority"]
    results = night.client.get(f"/api/contests/{night.contest}/results").json()
    head = json.loads((night.tmp / "out" / "tree-heads.json").read_text())[-1]
    assert results["tree_head"] == head  # results carry the head they were computed from


def test_a_changed_number_in_the_database_is_named(night: Night) -> None:
    station = night.stations[3].id
    with night.app.engine.begin() as conn:
        conn.execute(text("UPDATE protocol_versions SET invalid = invalid + 1, "
                          "ballots_in_boxes = ballots_in_boxes + 1 WHERE station_id = :s"),
                     {"s": station})
    night.app.caches.clear()
    with pytest.raises(VerificationFailed) as e:
        verify_dir(night.export())
    assert "published" in e.value.message
    assert e.value.details["field"] in ("invalid", "ballots_in_boxes")


def _edit_leaves(d: Path, change: Any) -> None:
    lines = (d / "leaves.jsonl").read_bytes().splitlines()
    (d / "leaves.jsonl").write_bytes(b"\n".join(change(lines)) + b"\n")


def test_a_dropped_leaf_is_caught(night: Night) -> None:
    d = night.export()
    _edit_leaves(d, lambda ls: ls[:5] + ls[6:])
    with pytest.raises(VerificationFailed, match=r"the log was changed|leaves were dropped"):
        verify_dir(d)


def test_two_reordered_leaves_are_caught(night: Night) -> None:
    d = night.export()
    _edit_leaves(d, lambda ls: [*ls[:-3], ls[-2], ls[-3], ls[-1]])
    with pytest.raises(VerificationFailed, match="the log was changed"):
        verify_dir(d)


def test_a_replaced_signature_is_caught(night: Night) -> None:
    d = night.export()

    def swap(ls: list[bytes]) -> list[bytes]:
        last = json.loads(ls[-1])
        last["signature"]["value"] = "00" * 64
        from saylau.domain.record.canonical import canonical_bytes

        return [*ls[:-1], canonical_bytes(last)]

    _edit_leaves(d, swap)
    with pytest.raises(VerificationFailed, match="the log was changed"):
        verify_dir(d)


def test_even_the_central_key_cannot_forge_a_commissions_protocol(night: Night) -> None:
    """An insider who holds the central key rewrites a protocol, signs it with another
    station's key and re-signs the tree head: the signature's scope gives it away."""
    d = night.export()
    lines = (d / "leaves.jsonl").read_bytes().splitlines()
    victim, other = night.stations[2], night.stations[5]
    from saylau.domain.record.canonical import canonical_bytes

    for i, raw in enumerate(lines):
        r = json.loads(raw)
        if r["type"] == "protocol" and r["body"]["station"] == victim.id:
            r["body"]["votes"] = {"yes": 235, "no": 0}
            r["signature"] = sign_body(night.keys[other.id], "protocol", r["body"]).as_json()
            lines[i] = canonical_bytes(r)
    tree = MerkleTree.of([leaf_hash(x) for x in lines])
    head = sign_tree_head(TreeHead(len(lines), tree.root().hex(), "2022-06-06T00:00:00Z"),
                          rec.central_key(night.app))
    (d / "leaves.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    (d / "tree-heads.json").write_text(json.dumps([head.as_json()]))
    with pytest.raises(VerificationFailed, match="does not cover station"):
        verify_dir(d)


def test_a_rolled_back_log_is_inconsistent_with_the_head_it_had_published(
    night: Night,
) -> None:
    published = rec.tree_head(night.app, "ref")  # what an observer saved
    with night.app.engine.begin() as conn:  # roll back the last protocol and rewrite it
        conn.execute(text("DELETE FROM log_leaves WHERE election_id='ref' AND idx = :i"),
                     {"i": published.size - 1})
        conn.execute(text("DELETE FROM tree_heads WHERE election_id='ref'"))
    s = night.stations[-1]
    with night.app.engine.begin() as conn:
        conn.execute(text("DELETE FROM protocol_versions WHERE station_id = :s"), {"s": s.id})
    night.app.caches.clear()
    body = _sign(night.keys[s.id], night.contest, _protocol(s.id, s.registered, 100))
    # the store no longer has a signed head over its leaves: it refuses to append (a head
    # signed now would cover whatever the tables hold) until an operator has looked
    r = night.post(body)
    assert (r.status_code, r.json()["error"]["code"]) == (503, "log_unsealed")
    rec.seal_unsigned(night.app, "ref", by="operator")
    assert night.post(body).status_code == 201
    new = rec.tree_head(night.app, "ref")
    assert new.size >= published.size
    tree = rec._tree(night.app, "ref", new.size)
    proof = tree.consistency_proof(published.size, new.size)
    assert not verify_consistency(published.size, new.size, proof.path,
                                  published.root_bytes, new.root_bytes)


def test_signatures_are_enforced(night: Night) -> None:
    s, other = night.stations[1], night.stations[4]
    body = {**_protocol(s.id, s.registered, 100), "correction": True, "corrects": 1,
            "reason": "again"}
    r = night.post(body)
    assert (r.status_code, r.json()["error"]["code"]) == (422, "signature_missing")
    r = night.post(_sign(night.keys[other.id], night.contest, body, 2))
    assert r.json()["error"]["code"] == "signature_out_of_scope"
    r = night.post(_sign(night.keys[s.id], night.contest, body, 3))  # wrong version signed
    assert r.json()["error"]["code"] == "signature_invalid"
    kid = night.client.get("/api/elections/ref/keys").json()
    mine = next(k["key"] for k in kid if k["unit"] == s.id)
    r = night.client.post(f"/api/elections/ref/keys/{mine}/revoke",
                          json={"reason": "the laptop was stolen"}, headers=night.admin)
    assert r.status_code == 200
    r = night.post(_sign(night.keys[s.id], night.contest, body, 2))
    assert r.json()["error"]["code"] == "signature_revoked_key"
    # what the key signed before its revocation stays valid
    verify_dir(night.export())


def test_a_station_receipt(night: Night) -> None:
    s = night.stations[0]
    r = night.client.get(f"/api/contests/{night.contest}/stations/{s.id}/protocols/2/proof")
    assert r.status_code == 200, r.text
    doc = r.json()
    central = bytes.fromhex(rec.central_public_hex(night.app))
    lines = verify_receipt(doc["leaf"], doc["proof"], doc["tree_head"], central)
    assert "version 2" in lines[-1]
    forged = json.loads(json.dumps(doc["leaf"]))
    forged["body"]["votes"]["yes"] += 1
    with pytest.raises(VerificationFailed, match="NOT leaf"):
        verify_receipt(forged, doc["proof"], doc["tree_head"], central)


def test_bulk_imported_protocols_are_logged_and_verify(saylau: Saylau, tmp_path: Path) -> None:
    from saylau.domain.access import Principal, Role
    from saylau.services.bulk import import_protocols

    load_geography(saylau, small_country())
    _, c = create_referendum(saylau, election_id="ref", name=Names.same("R"),
                             ruleset_name="kz-2022", date="2022-06-05", question=QUESTION_2022,
                             constitutional=False, by=ActorId("cec"))
    lines = ["station," + ",".join(COUNTS) + ",yes,no"]
    for k, s in enumerate(saylau.geography().stations()):
        p = _protocol(s.id, s.registered, 100 + k)
        lines.append(",".join([s.id, *(str(p[f]) for f in COUNTS),
                               str(p["votes"]["yes"]), str(p["votes"]["no"])]))
    rep = import_protocols(saylau, Principal(ActorId("cec"), Role.ADMIN), c.id,
                           ("\n".join(lines) + "\n").encode())
    assert rep.accepted == 13
    out = tmp_path / "bulk"
    rec.export_record(saylau, "ref", out)
    report, v = verify_dir(out)
    assert any("13 protocol" in line for line in report.lines)
    assert v.tallies[c.id].result(saylau.geography().root.id).stations_reported == 13


def test_a_signed_election_refuses_unsigned_bulk_files(saylau: Saylau) -> None:
    from saylau.domain.access import Principal, Role
    from saylau.domain.errors import ValidationFailed
    from saylau.services.bulk import import_protocols

    load_geography(saylau, small_country())
    _, c = create_referendum(saylau, election_id="ref", name=Names.same("R"),
                             ruleset_name="kz-2022", date="2022-06-05", question=QUESTION_2022,
                             constitutional=True, by=ActorId("cec"), signatures="required")
    s = next(iter(saylau.geography().stations()))
    p = _protocol(s.id, s.registered, 1)
    csv = ("station," + ",".join(COUNTS) + ",yes,no\n"
           + ",".join([s.id, *(str(p[f]) for f in COUNTS), "1", "234"]) + "\n")
    with pytest.raises(ValidationFailed) as e:
        import_protocols(saylau, Principal(ActorId("cec"), Role.ADMIN), c.id, csv.encode())
    assert e.value.code == "signature_missing"
    from saylau.services.protocols import protocol_history

    assert protocol_history(saylau, c.id, s.id) == []  # nothing was stored


def test_a_protocol_edited_in_the_store_after_it_was_acknowledged_fails_verification(
    api_unsigned: tuple[Saylau, str, Path], db_url: str,
) -> None:
    """Issue 17 (1): the attack as it was done. An unsigned election (only the central
    commission's tree heads protect it); a protocol is acknowledged; the server stops; the
    leaf, its hash, the protocol row and its content hash are all changed consistently; the
    server starts again and serves results. The head signed in the protocol's own transaction
    covers the original, no read signs a new one, so `saylau verify` fails."""
    from saylau.domain.ids import ContestId, StationId
    from saylau.domain.protocols import ProtocolCounts, SubmittedProtocol
    from saylau.domain.record.envelope import leaf_bytes
    from saylau.store import repository

    app, contest, tmp = api_unsigned
    station = next(iter(app.geography().stations()))
    client = TestClient(create_app(app))
    admin = {"Authorization": f"Bearer {create_token(app, 'cec', 'admin')}"}
    body = _protocol(station.id, station.registered, 150)
    assert client.post(f"/api/contests/{contest}/protocols", json=body,
                       headers=admin).status_code == 201
    with app.read() as conn:  # the server stops: what it stored
        idx, data = conn.execute(text(
            "SELECT idx, data FROM log_leaves WHERE election_id='ref' AND type='protocol' "
            "ORDER BY idx DESC LIMIT 1")).one()
    app.engine.dispose()

    record = json.loads(data)
    record["body"]["votes"] = {"yes": 200, "no": 35}
    edited = leaf_bytes(record)
    counts = ProtocolCounts(votes=(("no", 35), ("yes", 200)),  # type: ignore[arg-type]
                            **{f: body[f] for f in COUNTS})
    digest = SubmittedProtocol(ContestId(contest), StationId(station.id), counts).content_hash()
    with app.engine.begin() as conn:
        conn.execute(text("UPDATE log_leaves SET data=:d, leaf_hash=:h WHERE election_id='ref'"
                          " AND idx=:i"), {"d": edited.decode(), "h": leaf_hash(edited).hex(),
                                           "i": idx})
        conn.execute(text("UPDATE protocol_versions SET votes=:v, content_hash=:c WHERE "
                          "station_id=:s"), {"v": repository.votes_json(counts), "c": digest,
                                             "s": station.id})
    restarted = Saylau.open(db_url)
    try:
        again = TestClient(create_app(restarted))
        r = again.get(f"/api/contests/{contest}/results")
        assert r.status_code == 200 and r.json()["result"]["votes"]["yes"] == 200  # served
        out = tmp / "record"
        rec.export_record(restarted, "ref", out)
        with pytest.raises(VerificationFailed, match="the log was changed"):
            verify_dir(out)
    finally:
        restarted.engine.dispose()


@pytest.fixture
def api_unsigned(saylau: Saylau, tmp_path: Path) -> tuple[Saylau, str, Path]:
    load_geography(saylau, small_country())
    _, c = create_referendum(saylau, election_id="ref", name=Names.same("R"),
                             ruleset_name="kz-2022", date="2022-06-05", question=QUESTION_2022,
                             constitutional=True, by=ActorId("cec"))
    return saylau, c.id, tmp_path


def test_record_seal_covers_leaves_an_operator_has_examined(
    api_unsigned: tuple[Saylau, str, Path], db_url: str,
) -> None:
    """`saylau record seal ELECTION`: after a refusal (503 log_unsealed), the operator signs a
    head over the leaves beyond the last one; a second run finds nothing to do; the admin
    log records it."""
    from typer.testing import CliRunner

    from saylau.cli.main import app as cli

    app, _contest, _tmp = api_unsigned
    with app.engine.begin() as conn:  # the last head lost: the log is longer than its heads
        conn.execute(text("DELETE FROM tree_heads WHERE election_id='ref' AND size = "
                          "(SELECT max(size) FROM tree_heads WHERE election_id='ref')"))
    with app.read() as conn:
        size = rec.log_size(conn, "ref")
    r = CliRunner().invoke(cli, ["record", "seal", "ref", "--database", db_url])
    assert r.exit_code == 0, r.output
    assert f"to {size - 1:,} of the log of ref" in r.output
    assert rec.tree_head(app, "ref").size == size
    r = CliRunner().invoke(cli, ["record", "seal", "ref", "--database", db_url])
    assert r.exit_code == 0 and "covered up to its" in r.output, r.output
    from saylau.services import audit

    assert any(e["body"]["action"] == "log_sealed" for e in audit.entries(app))


def test_saylau_verify_over_worker_processes_says_what_it_says_alone(
        night: Night, monkeypatch: pytest.MonkeyPatch) -> None:
    """`saylau verify --workers N` hands the chunks after the first to N processes (chunks
    made tiny here so that they do): the same report, and the same mismatch named."""
    from typer.testing import CliRunner

    from saylau.cli.main import app as cli
    from saylau.domain.record.verify import scan

    monkeypatch.setattr(scan, "CHUNK", 4)  # the workers are forked after: theirs too
    out = night.export()
    alone = CliRunner().invoke(cli, ["verify", str(out), "--workers", "0"])
    assert alone.exit_code == 0, alone.output
    pooled = CliRunner().invoke(cli, ["verify", str(out), "--workers", "2"])
    assert pooled.exit_code == 0, pooled.output
    assert pooled.output == alone.output
    # no observer's leaf: the comparison's lines without reading the protocols again, as
    # reading them gives
    from saylau.domain.observation.record import verify_published

    lines = verify_published((out / "leaves.jsonl").read_bytes().splitlines(), None)
    assert lines == verify_published((), None)
    assert all(f"ok: {line}" in alone.output for line in lines)
    _edit_leaves(out, lambda lines: [x.replace(b'"invalid":', b'"invalid": ', 1)
                                     if b'"type":"protocol"' in x else x for x in lines])
    alone = CliRunner().invoke(cli, ["verify", str(out), "--workers", "0"])
    pooled = CliRunner().invoke(cli, ["verify", str(out), "--workers", "2"])
    assert alone.exit_code == pooled.exit_code == 1
    assert "MISMATCH" in pooled.stderr and pooled.stderr == alone.stderr
