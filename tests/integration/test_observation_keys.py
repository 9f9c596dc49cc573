"""Observers' public keys are leaves of the record (a `key` leaf, role observer, at
accreditation; a `key-revocation` leaf with the revocation), and `saylau verify` checks every
signed observer report and copy against the key the record holds: a report signed by an
unregistered, another observer's or a revoked key, an edited report, or an unsigned one where
the mission requires signatures, fails verification naming the leaf, the observer and the
station (issue 12), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from saylau.cli.main import app as cli
from saylau.domain.ids import StationId
from saylau.domain.observation.record import copy_record, report_record
from saylau.domain.record.canonical import canonical_bytes
from saylau.domain.record.envelope import signing_bytes
from saylau.domain.record.merkle import MerkleTree, TreeHead, leaf_hash
from saylau.domain.record.signing import key_id, sign, sign_tree_head
from saylau.domain.record.verify import VerificationFailed
from saylau.services import logs
from saylau.services import record as record_svc
from saylau.services.context import Saylau
from saylau.services.keys import generate_keypair
from saylau.services.observation import deployment, missions, reports
from tests.integration.support import protocol
from tests.integration.test_observation import _early, _figures, _mission, _observer
from tests.integration.test_record import verify_dir

S1 = "KZ-71-D0-S0"
ANSWERS = {"opened_on_time": True, "boxes_sealed": True}


class Signer:
    """An accredited observer of the OTS mission (signed reports required) with their key."""

    def __init__(self, app: Saylau, name: str, station: str = S1) -> None:
        self.private, public = generate_keypair()
        self.kid = key_id(public)
        self.badge = missions.apply(app, _mission("ref", "OTS"), "ref", "OTS", name,
                                    public_key=public.hex())
        missions.accredit(app, "ref", self.badge, by="cec")
        deployment.deploy(app, _mission("ref", "OTS"), "ref", self.badge, station)

    def report(self, app: Saylau, answers: dict[str, Any]) -> int:
        body = report_record(
            election="ref", kind="checklist", station=S1, badge=self.badge, mission="OTS",
            slot="opening", form="opening", form_version=1, version=1, answers=answers,
            reason=None, photo=None, recorded_by="x", recorded_at="2022-05-20T09:00:00Z")["body"]
        sig = sign(self.private, signing_bytes("observer-report", body))
        return reports.submit_report(app, _observer("ref", self.badge), "ref", S1, "opening",
                                     answers, signature=sig).leaf


@pytest.fixture
def signed(referendum: tuple[Saylau, str], tmp_path: Path) -> tuple[Saylau, str, Signer, Path]:
    app, contest = referendum
    _early(app)
    missions.create_mission(app, "ref", "OTS", "OTS", "ots", signed_reports=True, by="cec")
    a = Signer(app, "First")
    a.report(app, ANSWERS)
    reg = app.geography().unit(StationId(S1)).registered  # type: ignore[arg-type]
    figs = _figures(protocol(S1, reg))
    body = copy_record(election="ref", contest=contest, station=S1, badge=a.badge,
                       mission="OTS", version=1, figures=figs, reason=None, photo=None,
                       recorded_by="x", recorded_at="2022-05-20T09:00:00Z")["body"]
    reports.submit_copy(app, _observer("ref", a.badge), contest, S1, figs,
                        signature=sign(a.private, signing_bytes("observer-copy", body)))
    return app, contest, a, tmp_path / "record"


def _leaves(d: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in (d / "leaves.jsonl").read_bytes().splitlines()]


def _rewrite(app: Saylau, d: Path, i: int, record: dict[str, Any]) -> None:
    """Leaf `i` replaced, and a head over the new leaves signed with the server's own key: a
    server that edits its own record keeps it consistent; the signatures inside must not."""
    lines = (d / "leaves.jsonl").read_bytes().splitlines()
    lines[i] = canonical_bytes(record)
    tree = MerkleTree.of([leaf_hash(x) for x in lines])
    head = sign_tree_head(TreeHead(len(lines), tree.root().hex(), "2022-06-06T00:00:00Z"),
                          record_svc.central_key(app))
    (d / "leaves.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    (d / "tree-heads.json").write_text(json.dumps([head.as_json()]))


def _report_leaf(d: Path) -> tuple[int, dict[str, Any]]:
    return next((i, r) for i, r in enumerate(_leaves(d)) if r["type"] == "observer-report")


def test_the_key_is_a_leaf_and_verify_checks_every_signature(
        signed: tuple[Saylau, str, Signer, Path]) -> None:
    app, _contest, a, out = signed
    record_svc.export_record(app, "ref", out)
    leaves = _leaves(out)
    keys = [(i, r["body"]) for i, r in enumerate(leaves)
            if r["type"] == "key" and r["body"]["role"] == "observer"]
    assert len(keys) == 1
    i, body = keys[0]
    assert body == {"election": "ref", "badge": a.badge, "mission": "OTS", "role": "observer",
                    "key": a.kid, "public_key": body["public_key"], "signed_reports": True}
    assert key_id(bytes.fromhex(body["public_key"])) == a.kid
    signed_leaves = [j for j, r in enumerate(leaves) if r["type"].startswith("observer-")]
    assert len(signed_leaves) == 2 and all(j > i for j in signed_leaves)
    assert all(leaves[j]["signature"]["key"] == a.kid for j in signed_leaves)
    r = CliRunner().invoke(cli, ["verify", str(out)])
    assert r.exit_code == 0, r.output


def test_an_edited_report_fails_verification_naming_it(
        signed: tuple[Saylau, str, Signer, Path]) -> None:
    app, _contest, a, out = signed
    record_svc.export_record(app, "ref", out)
    i, r = _report_leaf(out)
    r["body"]["answers"] = {**ANSWERS, "boxes_sealed": False}
    _rewrite(app, out, i, r)
    with pytest.raises(VerificationFailed) as e:
        verify_dir(out)
    assert e.value.message == (
        f"leaf {i}: the signature of the observer-report of observer {a.badge} at station "
        f"{S1} does not verify with key {a.kid}")
    assert e.value.details["badge"] == a.badge
    cli_run = CliRunner().invoke(cli, ["verify", str(out)])
    assert cli_run.exit_code == 1 and a.badge in cli_run.stderr


def test_a_report_signed_by_an_unregistered_key_fails(
        signed: tuple[Saylau, str, Signer, Path]) -> None:
    app, _contest, a, out = signed
    record_svc.export_record(app, "ref", out)
    i, r = _report_leaf(out)
    stranger, public = generate_keypair()
    r["signature"] = sign(stranger, signing_bytes("observer-report", r["body"])).as_json()
    _rewrite(app, out, i, r)
    with pytest.raises(VerificationFailed) as e:
        verify_dir(out)
    assert e.value.message == (
        f"leaf {i}: the observer-report of observer {a.badge} at station {S1} is signed by "
        f"key {key_id(public)}, which is not registered before it")


def test_a_report_signed_by_another_observers_key_fails(
        signed: tuple[Saylau, str, Signer, Path]) -> None:
    app, _contest, a, out = signed
    b = Signer(app, "Second", "KZ-71-D0-S1")
    record_svc.export_record(app, "ref", out)
    i, r = _report_leaf(out)
    r["signature"] = sign(b.private, signing_bytes("observer-report", r["body"])).as_json()
    # moved after b's key leaf, so that the key is registered before it
    leaves = _leaves(out)
    j = next(k for k, x in enumerate(leaves) if x["type"] == "key"
             and x["body"].get("badge") == b.badge)
    assert j > i
    _rewrite(app, out, i, leaves[j])
    _rewrite(app, out, j, r)
    with pytest.raises(VerificationFailed) as e:
        verify_dir(out)
    assert f"leaf {j}: the observer-report of observer {a.badge}" in e.value.message
    assert f"which is observer {b.badge}'s, not observer {a.badge}'s" in e.value.message


def test_a_report_signed_after_the_revocation_fails(
        signed: tuple[Saylau, str, Signer, Path]) -> None:
    """The service refuses a revoked observer's report (test_observation.py); a server that
    logged one anyway is caught by the verifier from the key-revocation leaf."""
    app, _contest, a, out = signed
    missions.revoke(app, "ref", a.badge, "left the station", by="cec")
    body = report_record(
        election="ref", kind="checklist", station=S1, badge=a.badge, mission="OTS",
        slot="closing", form="opening", form_version=1, version=1, answers=ANSWERS,
        reason=None, photo=None, recorded_by="x", recorded_at="2022-05-20T19:00:00Z")
    body["signature"] = sign(a.private, signing_bytes("observer-report",
                                                      body["body"])).as_json()
    with app.write() as conn:
        idx = logs.append(conn, "ref", body)
    record_svc.export_record(app, "ref", out)
    leaves = _leaves(out)
    rev = next(k for k, x in enumerate(leaves) if x["type"] == "key-revocation")
    assert leaves[rev]["body"] == {"election": "ref", "key": a.kid,
                                   "reason": f"accreditation of {a.badge} revoked: left the "
                                             "station"}
    with pytest.raises(VerificationFailed) as e:
        verify_dir(out)
    assert e.value.message == (
        f"leaf {idx}: the observer-report of observer {a.badge} at station {S1} is signed by "
        f"key {a.kid}, revoked at leaf {rev}")


def test_an_unsigned_report_where_the_mission_requires_signatures_fails(
        signed: tuple[Saylau, str, Signer, Path]) -> None:
    app, _contest, a, out = signed
    record_svc.export_record(app, "ref", out)
    i, r = _report_leaf(out)
    del r["signature"]
    _rewrite(app, out, i, r)
    with pytest.raises(VerificationFailed) as e:
        verify_dir(out)
    assert e.value.message == (
        f"leaf {i}: the observer-report of observer {a.badge} at station {S1} is unsigned, "
        f"but the mission requires signed reports (key {a.kid} of {a.badge})")


def test_an_observer_key_signs_no_protocol(
        signed: tuple[Saylau, str, Signer, Path]) -> None:
    """An observer's key registered in the record is no commission's: a protocol it signs
    is refused by the verifier."""
    app, contest, a, out = signed
    from tests.integration.test_observation import _official

    _official(app, contest, S1)
    record_svc.export_record(app, "ref", out)
    i, r = next((i, r) for i, r in enumerate(_leaves(out)) if r["type"] == "protocol")
    r["signature"] = sign(a.private, signing_bytes("protocol", r["body"])).as_json()
    _rewrite(app, out, i, r)
    with pytest.raises(VerificationFailed) as e:
        verify_dir(out)
    assert f"observer {a.badge}'s, which signs observers' records only" in e.value.message
