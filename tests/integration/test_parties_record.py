"""The party register in the verifiable record (log "@parties"): applications, member-list
versions (counts and a commitment, no IIN), decisions and liquidations are leaves; `saylau
verify` re-derives every decision from them; an edited leaf fails naming it; no raw IIN is in
the exported record."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from saylau.cli.main import app as cli
from saylau.domain.ids import ActorId
from saylau.domain.names import Names
from saylau.domain.parties.record import verify_register
from saylau.domain.parties.synthetic import BadShares, member_list, random_iin, to_csv
from saylau.domain.record.canonical import canonical_bytes
from saylau.domain.record.merkle import MerkleTree, TreeHead, leaf_hash
from saylau.domain.record.signing import sign_tree_head
from saylau.domain.record.verify import VerificationFailed
from saylau.services import record as record_svc
from saylau.services.context import Saylau
from saylau.services.parties.decisions import decide_party, liquidate, register
from saylau.services.parties.record_export import export_register
from saylau.services.parties.register import (
    ApplicationIn,
    RowChange,
    apply,
    change_row,
    import_barred,
    import_members,
    regions,
)
from tests.integration.test_parties_service import iins_in

MINISTRY = ActorId("ministry")


def _apply(s: Saylau, pid: str, founders: int = 800) -> None:
    apply(s, ApplicationIn(pid, Names.same(pid.title()), "kz-2022", founders, regions(),
                           date(2022, 7, 1), date(2022, 9, 1), date(2022, 10, 15)), MINISTRY)


@pytest.fixture
def season(saylau: Saylau, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
           ) -> tuple[Saylau, Path, set[str]]:
    """alpha registered (kz-2007 compared beside), beta refused, gamma still checking after a
    row correction, alpha later liquidated; the register's record exported."""
    monkeypatch.setenv("SAYLAU_PARTIES_KEY", str(tmp_path / "parties.key"))
    s = saylau
    regs = regions()
    a = member_list(1, 0, regs, per_region=[260] * 20)
    barred = [random_iin(random.Random(k)) for k in (91, 92)]
    b = member_list(2, 0, regs, per_region=[30] * 20,
                    shares=BadShares(check_digit=0.05, other_party=0.2, barred=0.05),
                    other_party=a.iins[:500], barred=barred)
    g = member_list(3, 0, regs, per_region=[5] * 20)
    for pid, founders in (("alpha", 800), ("beta", 650), ("gamma", 800)):
        _apply(s, pid, founders)
    import_barred(s, [(barred[0], "akim"), (barred[1], "judge")], MINISTRY)
    for pid, cols in (("alpha", a), ("beta", b), ("gamma", g)):
        import_members(s, pid, to_csv(cols).encode(), f"{pid}.csv", ActorId(pid))
    change_row(s, "gamma", RowChange(2, 1, "left the party", withdraw=True), ActorId("gamma"))
    decide_party(s, "alpha", MINISTRY, rulesets=("kz-2007",))
    decide_party(s, "beta", MINISTRY)
    liquidate(s, "alpha", "merged with another party", MINISTRY)
    out = tmp_path / "register"
    export_register(s, out)
    return s, out, {*a.iins, *b.iins, *g.iins, *barred}


def _verify(d: Path) -> Any:
    heads = [TreeHead.from_json(h) for h in json.loads((d / "tree-heads.json").read_text())]
    leaves = (d / "leaves.jsonl").read_bytes().splitlines()
    central = bytes.fromhex((d / "central.pub").read_text().strip())
    return verify_register(leaves, heads, central,
                           json.loads((d / "register.json").read_text()))


def _records(d: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in (d / "leaves.jsonl").read_bytes().splitlines()]


def _resign(s: Saylau, d: Path, records: list[dict[str, Any]]) -> None:
    """Write edited leaves with a tree head the server's own key signs over them: the log is
    consistent, so only the re-derivation can find the edit."""
    lines = [canonical_bytes(r) for r in records]
    root = MerkleTree.of([leaf_hash(x) for x in lines]).root().hex()
    head = sign_tree_head(TreeHead(len(lines), root, "2023-01-15T00:00:00Z"),
                          record_svc.central_key(s))
    (d / "leaves.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    (d / "tree-heads.json").write_text(json.dumps([head.as_json()]))


def test_the_register_is_in_the_record_and_verify_re_derives_it(
        season: tuple[Saylau, Path, set[str]]) -> None:
    s, out, _ = season
    types = [r["type"] for r in _records(out)]
    assert types == ["party-application"] * 3 + ["party-list"] * 4 + [
        "party-decision"] * 2 + ["party-liquidation"]
    report, v = _verify(out)
    assert v.statuses == {"alpha": "liquidated", "beta": "refused", "gamma": "checking"}
    assert [d["decision"] for d in v.decisions["alpha"]["decisions"]] == ["registered",
                                                                           "refused"]
    assert v.statuses == {e.id: e.status for e in register(s)}
    assert any("2 decision(s) re-derived" in line for line in report.lines), report.lines
    lists = [r["body"] for r in _records(out) if r["type"] == "party-list"]
    gamma = [x for x in lists if x["party"] == "gamma"]
    assert [(x["version"], x["rows"]) for x in gamma] == [(1, 100), (2, 99)]
    assert sum(lists[0]["rows_by_region"].values()) == lists[0]["rows"] == 5200
    # the CLI: `saylau verify DIR` on the register's record
    r = CliRunner().invoke(cli, ["verify", str(out)])
    assert r.exit_code == 0, r.output
    assert "the record of the party register verifies" in r.stdout


def test_no_raw_iin_is_in_the_exported_record(season: tuple[Saylau, Path, set[str]]) -> None:
    _, out, iins = season
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(out.iterdir()))
    assert "party-list" in text and "digest" in text
    assert iins_in(text, iins) == set()
    # nor any single person's keyed hash: a list leaf holds counts and one digest
    for r in _records(out):
        if r["type"] == "party-list":
            assert set(r["body"]) == {"party", "version", "rows", "rows_by_region",
                                      "rows_with_findings", "findings_by_code", "digest",
                                      "reason"}


def test_an_edited_leaf_fails_verification_naming_it(
        season: tuple[Saylau, Path, set[str]]) -> None:
    _, out, _ = season
    records = _records(out)
    i = next(k for k, r in enumerate(records) if r["type"] == "party-decision"
             and r["body"]["party"] == "beta")
    records[i]["body"]["decisions"][0]["decision"] = "registered"
    lines = (out / "leaves.jsonl").read_bytes().splitlines()
    lines[i] = canonical_bytes(records[i])
    (out / "leaves.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(VerificationFailed, match="the log was changed"):
        _verify(out)
    r = CliRunner().invoke(cli, ["verify", str(out)])
    assert r.exit_code == 1 and "MISMATCH" in r.stderr


def test_an_edit_signed_by_the_server_is_found_by_re_deriving_the_decision(
        season: tuple[Saylau, Path, set[str]]) -> None:
    s, out, _ = season
    records = _records(out)
    i = next(k for k, r in enumerate(records) if r["type"] == "party-decision"
             and r["body"]["party"] == "beta")
    records[i]["body"]["decisions"][0]["decision"] = "registered"
    records[i]["body"]["status"] = "registered"
    _resign(s, out, records)
    with pytest.raises(VerificationFailed) as e:
        _verify(out)
    assert e.value.details["leaf"] == i
    assert f"leaf {i}: the decision on beta under kz-2022 is recorded as 'registered' but " \
           "the law gives 'refused'" in e.value.message


def test_inflated_counts_and_a_founder_edit_are_found(
        season: tuple[Saylau, Path, set[str]]) -> None:
    s, out, _ = season
    records = _records(out)
    i = next(k for k, r in enumerate(records) if r["type"] == "party-decision"
             and r["body"]["party"] == "beta")
    counts = records[i]["body"]["members_by_region"]["kz-2022"]
    honest = counts["KZ-11"]
    counts["KZ-11"] = 5000
    _resign(s, out, records)
    with pytest.raises(VerificationFailed, match=f"leaf {i}: .* counts 5000 valid members in "
                                                 "KZ-11"):
        _verify(out)
    # the application's founders edited: beta's refusal no longer follows, nor its explanation
    records = _records(out)
    records[i]["body"]["members_by_region"]["kz-2022"]["KZ-11"] = honest
    j = next(k for k, r in enumerate(records) if r["type"] == "party-application"
             and r["body"]["party"] == "beta")
    records[j]["body"]["founders"] = 900
    _resign(s, out, records)
    with pytest.raises(VerificationFailed, match=f"leaf {i}: the decision on beta"):
        _verify(out)


def test_a_published_register_that_differs_from_the_record_fails(
        season: tuple[Saylau, Path, set[str]]) -> None:
    _, out, _ = season
    published = json.loads((out / "register.json").read_text())
    for e in published:
        if e["id"] == "beta":
            e["status"] = "registered"
    (out / "register.json").write_text(json.dumps(published))
    with pytest.raises(VerificationFailed, match="says beta is registered; the record makes "
                                                 "it refused"):
        _verify(out)
