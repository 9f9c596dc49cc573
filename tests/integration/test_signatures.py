"""Commission signatures outside the demo (issue 17, item 2): every election kind can require
them (API, CLI), the election says so in its record, its API answer and its public page, and a
station whose commission key is registered must sign even where signatures are optional for
the others, which the record's verifier holds too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from saylau.api.app import create_app
from saylau.cli.main import app as cli
from saylau.domain.record.canonical import canonical_bytes
from saylau.domain.record.merkle import MerkleTree, TreeHead, leaf_hash
from saylau.domain.record.signing import sign_tree_head
from saylau.domain.record.verify import VerificationFailed
from saylau.services import record as rec
from saylau.services.context import Saylau
from saylau.services.geography import load_geography
from saylau.services.keys import generate_keypair
from saylau.services.tokens import create_token
from tests.conftest import small_country
from tests.integration.support import error_of
from tests.integration.test_record import _protocol, _sign, verify_dir


def _names(text: str) -> dict[str, str]:
    return {"kk": text, "ru": text, "en": text}


BODIES: dict[str, dict[str, Any]] = {
    "referendum": {"id": "ref", "name": _names("R"), "date": "2022-06-05",
                   "question": _names("Q?"), "constitutional": False},
    "parliament": {"id": "maj", "name": _names("M"), "ruleset": "kz-2007",
                   "date": "2023-03-19",
                   "parties": [{"id": "A", "name": _names("A"), "registration_order": 1},
                               {"id": "B", "name": _names("B"), "registration_order": 2}]},
    "presidential": {"id": "pres", "name": _names("P"), "date": "2024-01-01",
                     "candidates": [{"id": "X", "name": _names("X")},
                                    {"id": "Y", "name": _names("Y")}]},
    "senate": {"id": "sen", "name": _names("S"), "date": "2023-01-14",
               "seats": {"KZ-11": [{"id": "X", "name": _names("X")}]}},
}


@pytest.fixture
def loaded(saylau: Saylau) -> tuple[TestClient, dict[str, str], Saylau]:
    load_geography(saylau, small_country())
    admin = {"Authorization": f"Bearer {create_token(saylau, 'cec', 'admin')}"}
    return TestClient(create_app(saylau), raise_server_exceptions=False), admin, saylau


def _election_leaf(c: TestClient, election: str) -> dict[str, Any]:
    for idx in range(5):
        leaf: dict[str, Any] = c.get(f"/api/elections/{election}/log/{idx}").json()["leaf"]
        if leaf["type"] == "election":
            return leaf
    raise AssertionError("no election record in the first leaves")


@pytest.mark.parametrize("kind", list(BODIES))
def test_every_election_kind_can_require_signatures(
    loaded: tuple[TestClient, dict[str, str], Saylau], kind: str
) -> None:
    c, admin, _app = loaded
    body = BODIES[kind]
    r = c.post(f"/api/elections/{kind}", json={**body, "signatures": "maybe"}, headers=admin)
    assert r.status_code == 422, r.text
    assert error_of(r)["details"]["errors"][0]["field"] == "signatures"
    r = c.post(f"/api/elections/{kind}", json={**body, "signatures": "required"}, headers=admin)
    assert r.status_code == 201, r.text
    assert r.json()["signatures"] == "required"
    assert c.get(f"/api/elections/{body['id']}").json()["signatures"] == "required"
    assert _election_leaf(c, body["id"])["body"]["signatures"] == "required"
    page = c.get(f"/elections/{body['id']}?lang=en").text
    assert "Protocols must be signed by their commissions" in page
    ru = c.get(f"/elections/{body['id']}?lang=ru").text
    assert "Протоколы должны быть подписаны зарегистрированными ключами" in ru
    if kind in ("referendum", "presidential"):  # stations send protocols: unsigned refused
        contest = r.json()["contests"][0]
        station = "KZ-11-D0-S0"
        votes = {o["id"]: 0 for o in contest["options"]}
        first = next(iter(votes))
        votes[first] = 235
        p = {**_protocol(station, 1000, 0), "votes": votes,
             "both_marked": 5 if kind == "referendum" else 0,
             "invalid": 10 if kind == "referendum" else 15}
        r = c.post(f"/api/contests/{contest['id']}/protocols", json=p, headers=admin)
        assert r.status_code == 422, r.text
        assert error_of(r)["code"] == "signature_missing"


def test_signatures_are_optional_unless_asked(
    loaded: tuple[TestClient, dict[str, str], Saylau]
) -> None:
    c, admin, _app = loaded
    r = c.post("/api/elections/referendum", json=BODIES["referendum"], headers=admin)
    assert r.json()["signatures"] == "optional"
    assert _election_leaf(c, "ref")["body"]["signatures"] == "optional"
    page = c.get("/elections/ref?lang=en").text
    assert "Signatures are optional, except for stations whose commission key is registered" \
        in page


def test_the_cli_can_require_signatures(
    saylau: Saylau, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from saylau.services.elections import get_election

    load_geography(saylau, small_country())
    monkeypatch.setenv("SAYLAU_DATABASE_URL", db_url)
    runner = CliRunner()
    r = runner.invoke(cli, ["election", "create", "--id", "r1", "--signatures", "required"])
    assert r.exit_code == 0, r.output
    parties = tmp_path / "parties.csv"
    parties.write_text("party,name_kk,name_ru,name_en,registration_order\nA,a,a,a,1\n"
                       "B,b,b,b,2\n", encoding="utf-8")
    r = runner.invoke(cli, ["election", "create-parliament", "--id", "m1", "--ruleset",
                            "kz-2007", "--parties", str(parties), "--signatures", "required"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["election", "create", "--id", "r2"])
    assert r.exit_code == 0, r.output
    assert [get_election(saylau, e).signatures.value for e in ("r1", "m1", "r2")] == [
        "required", "required", "optional"]
    r = runner.invoke(cli, ["election", "create", "--id", "r3", "--signatures", "sometimes"])
    assert r.exit_code == 2
    assert "signatures" in r.output


def test_a_station_with_a_registered_key_must_sign(
    loaded: tuple[TestClient, dict[str, str], Saylau], tmp_path: Path
) -> None:
    """Signatures optional: stations without a key may send unsigned protocols; a station
    whose key is registered may not, over the API or in a CSV file; once its key is revoked
    it may again. The verifier holds the record to the same rule."""
    from saylau.domain.access import Principal, Role
    from saylau.domain.errors import ImportFailed
    from saylau.domain.ids import ActorId
    from saylau.services.bulk import import_protocols

    c, admin, app = loaded
    r = c.post("/api/elections/referendum", json=BODIES["referendum"], headers=admin)
    contest = r.json()["contests"][0]["id"]
    keyed, plain, third = (s for s in list(app.geography().stations())[:3])
    key, pub = generate_keypair()
    kid = c.post("/api/elections/ref/keys", headers=admin,
                 json={"unit": keyed.id, "public_key": pub.hex()}).json()["key"]
    url = f"/api/contests/{contest}/protocols"

    r = c.post(url, json=_protocol(plain.id, plain.registered, 100), headers=admin)
    assert r.status_code == 201, r.text
    r = c.post(url, json=_protocol(keyed.id, keyed.registered, 100), headers=admin)
    assert r.status_code == 422, r.text
    err = error_of(r)
    assert err["code"] == "signature_missing"
    assert kid in err["message"]
    assert err["details"]["field"] == "signature"
    lines = ["station,registered,ballots_received,ballots_issued,ballots_cancelled,"
             "ballots_in_boxes,invalid,both_marked,yes,no"]
    for s in (third, keyed):
        p = _protocol(s.id, s.registered, 100)
        lines.append(f"{s.id},{s.registered},300,250,50,250,10,5,100,135")
        assert p["votes"] == {"yes": 100, "no": 135}
    with pytest.raises(ImportFailed) as raised:
        import_protocols(app, Principal(ActorId("cec"), Role.ADMIN), contest,
                         ("\n".join(lines) + "\n").encode())
    assert [(row["line"], row["field"]) for row in raised.value.rows] == [(3, "station")]
    signed = _sign(key, contest, _protocol(keyed.id, keyed.registered, 100))
    assert c.post(url, json=signed, headers=admin).status_code == 201

    # the verifier: the keyed station's signed protocol stripped of its signature, and the
    # tree head signed again by an insider with the central key, is refused
    out = tmp_path / "rec"
    rec.export_record(app, "ref", out)
    verify_dir(out)  # the honest record verifies
    raw = (out / "leaves.jsonl").read_bytes().splitlines()
    for i, leaf in enumerate(raw):
        doc = json.loads(leaf)
        if doc["type"] == "protocol" and doc["body"]["station"] == keyed.id:
            del doc["signature"]
            raw[i] = canonical_bytes(doc)
    tree = MerkleTree.of([leaf_hash(x) for x in raw])
    head = sign_tree_head(TreeHead(len(raw), tree.root().hex(), "2022-06-06T00:00:00Z"),
                          rec.central_key(app))
    (out / "leaves.jsonl").write_bytes(b"\n".join(raw) + b"\n")
    (out / "tree-heads.json").write_text(json.dumps([head.as_json()]))
    with pytest.raises(VerificationFailed, match="registered key"):
        verify_dir(out)

    # revoked: the station may send unsigned protocols again (a correction here)
    r = c.post(f"/api/elections/ref/keys/{kid}/revoke", json={"reason": "lost"}, headers=admin)
    assert r.status_code == 200
    fixed = {**_protocol(keyed.id, keyed.registered, 99), "correction": True, "corrects": 1,
             "reason": "recount"}
    r = c.post(url, json=fixed, headers=admin)
    assert r.status_code == 201, r.text
