"""A Senate seat's joint-session protocols are leaves of the election's record (type
"senate-session"): exported with it, and `saylau verify` re-derives the seat's decision from them
alone; a session edited in the exported record fails verification, and so does one edited by a
server that signs its own edit (the decision it published no longer follows from the leaves)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from saylau.domain.access import Principal, Role
from saylau.domain.ids import ActorId
from saylau.domain.names import Names
from saylau.domain.record.canonical import canonical_bytes
from saylau.domain.record.merkle import MerkleTree, TreeHead, leaf_hash
from saylau.domain.record.signing import sign_tree_head
from saylau.domain.record.verify import VerificationFailed
from saylau.services import record as record_svc
from saylau.services import results as results_svc
from saylau.services import senate as senate_svc
from saylau.services.context import Saylau
from saylau.services.parliament import CandidateSpec
from tests.integration.test_record import verify_dir

ADMIN = Principal(ActorId("cec"), Role.ADMIN)


@pytest.fixture
def senate(referendum: tuple[Saylau, str], tmp_path: Path) -> tuple[Saylau, str, Path]:
    """A seat of KZ-11 decided in two rounds, round 2 corrected once; its record exported."""
    app, _ = referendum
    _, (seat,) = senate_svc.create_senate_election(
        app, election_id="sen", name=Names.same("Senate"), ruleset_name="kz-2022",
        date="2023-01-14", by=ActorId("cec"),
        seats={"KZ-11": [CandidateSpec(c, Names.same(c), None) for c in "ABC"]})
    senate_svc.submit_session(app, ADMIN, seat.id, round_=1, electors=200,
                              electors_present=190, invalid=4,
                              votes={"A": 80, "B": 70, "C": 36})
    senate_svc.submit_session(app, ADMIN, seat.id, round_=2, electors=200,
                              electors_present=188, invalid=3, votes={"A": 90, "B": 95})
    senate_svc.submit_session(app, ADMIN, seat.id, round_=2, electors=200,
                              electors_present=188, invalid=3, votes={"A": 96, "B": 89},
                              correction=True, corrects=1, reason="ballots recounted")
    out = tmp_path / "record"
    record_svc.export_record(app, "sen", out)
    return app, seat.id, out


def _sessions(d: Path) -> list[tuple[int, dict[str, Any]]]:
    lines = (d / "leaves.jsonl").read_bytes().splitlines()
    return [(i, r) for i, r in enumerate(json.loads(x) for x in lines)
            if r["type"] == "senate-session"]


def test_the_sessions_are_leaves_and_verify_re_derives_the_seat(
        senate: tuple[Saylau, str, Path]) -> None:
    app, seat, out = senate
    sessions = _sessions(out)
    assert [(r["body"]["round"], r["body"]["version"], r["body"]["reason"])
            for _, r in sessions] == [(1, 1, None), (2, 1, None), (2, 2, "ballots recounted")]
    report, verified = verify_dir(out)
    assert any("3 senate-session" in line for line in report.lines), report.lines
    decided, _seq = results_svc.decision(app, seat)
    assert verified.decisions[seat] == decided.summary() == {"outcome": "elected",
                                                              "winner": "A"}
    published = json.loads((out / "results.json").read_text())
    assert published["contests"][seat] == {"units": {}, "decision": decided.summary()}


def test_a_session_edited_in_the_record_fails_verification(
        senate: tuple[Saylau, str, Path]) -> None:
    _app, _seat, out = senate
    lines = (out / "leaves.jsonl").read_bytes().splitlines()
    i, r = _sessions(out)[-1]  # round 2's correction: A 96, B 89
    r["body"]["votes"] = {"A": 89, "B": 96}
    lines[i] = canonical_bytes(r)
    (out / "leaves.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(VerificationFailed, match="the log was changed"):
        verify_dir(out)


def test_a_session_edited_and_signed_by_the_server_contradicts_its_published_decision(
        senate: tuple[Saylau, str, Path]) -> None:
    """The server's own key signs a head over an edited session: the record is consistent,
    but the decision re-derived from it is B's, not the published A's."""
    app, seat, out = senate
    lines = (out / "leaves.jsonl").read_bytes().splitlines()
    i, r = _sessions(out)[-1]
    r["body"]["votes"] = {"A": 89, "B": 96}
    lines[i] = canonical_bytes(r)
    tree = MerkleTree.of([leaf_hash(x) for x in lines])
    head = sign_tree_head(TreeHead(len(lines), tree.root().hex(), "2023-01-15T00:00:00Z"),
                          record_svc.central_key(app))
    (out / "leaves.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    (out / "tree-heads.json").write_text(json.dumps([head.as_json()]))
    with pytest.raises(VerificationFailed) as e:
        verify_dir(out)
    assert seat in e.value.message and "published decision" in e.value.message
    assert e.value.details["expected"] == {"outcome": "elected", "winner": "B"}


def test_a_session_of_a_contest_that_is_no_senate_seat_is_refused(
        senate: tuple[Saylau, str, Path]) -> None:
    app, _seat, out = senate
    lines = (out / "leaves.jsonl").read_bytes().splitlines()
    i, r = _sessions(out)[0]
    r["body"]["contest"] = "sen.elsewhere"
    lines[i] = canonical_bytes(r)
    tree = MerkleTree.of([leaf_hash(x) for x in lines])
    head = sign_tree_head(TreeHead(len(lines), tree.root().hex(), "2023-01-15T00:00:00Z"),
                          record_svc.central_key(app))
    (out / "leaves.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    (out / "tree-heads.json").write_text(json.dumps([head.as_json()]))
    with pytest.raises(VerificationFailed, match="not a Senate seat"):
        verify_dir(out)


def test_a_second_round_outside_the_first_rounds_runoff_is_refused(
        senate: tuple[Saylau, str, Path]) -> None:
    """Round 2 is held between round 1's top two (docs/law.md §8.2): a round 2 leaf giving
    votes to another candidate, signed over by the server, fails verification."""
    app, seat, out = senate
    lines = (out / "leaves.jsonl").read_bytes().splitlines()
    for i, r in _sessions(out):
        if r["body"]["round"] == 2:
            r["body"]["votes"] = {"A": 96, "C": 89}
            lines[i] = canonical_bytes(r)
    tree = MerkleTree.of([leaf_hash(x) for x in lines])
    head = sign_tree_head(TreeHead(len(lines), tree.root().hex(), "2023-01-15T00:00:00Z"),
                          record_svc.central_key(app))
    (out / "leaves.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    (out / "tree-heads.json").write_text(json.dumps([head.as_json()]))
    with pytest.raises(VerificationFailed) as e:
        verify_dir(out)
    assert f"round 2 of {seat} gives votes to ['A', 'C']" in e.value.message
    assert e.value.details["expected"] == ["A", "B"]
