"""Party-list audits through the service, the API and the command line (Blom et al.'s
assertions: each party on its side of the threshold, each pair of admitted parties' last and
next seats, Hare largest remainder and D'Hondt): batch comparison by polling station, rounds
stored as leaves, the record re-derived by `saylau verify`."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from saylau.cli.main import app as cli
from saylau.domain.access import Principal, Role
from saylau.domain.errors import RuleError
from saylau.domain.ids import ActorId
from saylau.domain.names import Names
from saylau.domain.protocols import ProtocolCounts
from saylau.services import audits
from saylau.services import parliament as ps
from saylau.services.context import Saylau
from saylau.services.geography import load_geography
from saylau.services.protocols import submit_protocol
from tests.conftest import small_country
from tests.integration.test_audits import DICE

ADMIN = Principal(ActorId("cec"), Role.ADMIN)
SHARES = {"P1": 0.46, "P2": 0.30, "P3": 0.17, "P4": 0.03}  # P4 below a 4-5% threshold


def _figures(rng: random.Random, registered: int, options: list[str],
             shares: dict[str, float]) -> dict[str, int]:
    issued = registered * 6 // 10
    invalid, both = issued // 60, 0
    valid = issued - invalid - both
    votes: dict[str, int] = {}
    left = valid
    for o in options[1:]:
        share = shares.get(o, 0.02) * rng.uniform(0.9, 1.1)
        votes[o] = min(left, int(valid * share))
        left -= votes[o]
    votes[options[0]] = left
    return {"registered": registered, "ballots_received": registered,
            "ballots_issued": issued, "ballots_cancelled": registered - issued,
            "ballots_in_boxes": issued, "invalid": invalid, "both_marked": both, **votes}


def _election(app: Saylau, ruleset: str, params: dict[str, str] | None,
              shares: dict[str, float] | None = None) -> tuple[str, dict[str, dict[str, int]]]:
    geo = small_country(8)
    load_geography(app, geo)
    parties = [ps.PartySpec(p, Names.same(p), k + 1, ("a", "b"))
               for k, p in enumerate(SHARES)]
    _, contests = ps.create_parliament(
        app, election_id="maj", name=Names.same("Majilis"), ruleset_name=ruleset,
        date="2023-03-19", parties=parties, params=params, by=ActorId("cec"))
    lists = contests[0]
    options = [str(o.id) for o in lists.options]
    rng = random.Random(7)
    figures = {}
    for st in geo.stations():
        f = _figures(rng, st.registered or 1000, options, shares or SHARES)
        figures[st.id] = f
        submit_protocol(app, ADMIN, lists.id, st.id, ProtocolCounts.of(
            registered=f["registered"], ballots_received=f["ballots_received"],
            ballots_issued=f["ballots_issued"], ballots_cancelled=f["ballots_cancelled"],
            ballots_in_boxes=f["ballots_in_boxes"], invalid=f["invalid"],
            both_marked=f["both_marked"], votes={o: f[o] for o in options}))
    return lists.id, figures


def _hand(f: dict[str, int], cats: list[str]) -> dict[str, int]:
    return {c: f[c] for c in cats}


def _audit_through(app: Saylau, contest: str, figures: dict[str, dict[str, int]],
                   tmp_path: Path) -> str:
    audit = audits.begin(app, contest, risk_limit="0.1", max_rounds=2, by="cec")
    rep = audits.report(app, audit)
    cats = list(audits.rounds.manifest_of(_row(app, audit)).categories)
    audits.enter_seed(app, audit, DICE, ["Observer"], by="cec")
    sample = audits.draw(app, audit, audits.plan(app, audit).rows[-1].draws, by="cec")
    for name in ("aud-1", "aud-2"):
        audits.assign(app, audit, name, sorted(set(sample)), by="cec")
    for s in sorted(set(sample)):
        for name in ("aud-1", "aud-2"):
            audits.enter_count(app, audit, s, _hand(figures[s], cats),
                               Principal(ActorId(name), Role.AUDITOR))
    m = audits.measure(app, audit, by="cec")
    assert m.decision == "confirmed", (m, rep.assertions)
    return audit


def _row(app: Saylau, audit: str) -> Any:
    from saylau.store import audits as store

    with app.read() as conn:
        return store.get_audit(conn, audit)


def _verify(app: Saylau, tmp_path: Path) -> str:
    from saylau.domain.record.merkle import TreeHead
    from saylau.domain.record.verify import verify_record
    from saylau.services.record import export_record

    out = tmp_path / "record"
    export_record(app, "maj", out)
    heads = [TreeHead.from_json(h) for h in json.loads((out / "tree-heads.json").read_text())]
    central = bytes.fromhex((out / "central.pub").read_text().strip())
    report, _ = verify_record((out / "leaves.jsonl").read_bytes().splitlines(), heads, central)
    return str(next(x for x in report.lines if "risk-limiting audit" in str(x)))


@pytest.mark.parametrize(("ruleset", "params", "method"), [
    ("generic", {"seats": "20", "threshold": "4", "method": "dhondt"}, "dhondt"),
    ("generic", {"seats": "25", "threshold": "5", "method": "hare"}, "hare"),
    ("kz-2026", None, "hare"),
])
def test_a_party_list_audit_confirms_and_verifies(saylau: Saylau, tmp_path: Path,
                                                  ruleset: str, params: dict[str, str] | None,
                                                  method: str) -> None:
    contest, figures = _election(saylau, ruleset, params)
    audit = _audit_through(saylau, contest, figures, tmp_path)
    rep = audits.report(saylau, audit)
    keys = [a["key"] for a in rep.assertions]
    assert "below:P4" in keys and {"threshold:P1", "threshold:P2", "threshold:P3"} <= set(keys)
    assert any(k.startswith("seat:P1>") for k in keys)
    assert method in " ".join(a["claim"] for a in rep.assertions)
    line = _verify(saylau, tmp_path)
    assert "1 risk-limiting audit(s)" in line and "confirmed" in line


def test_a_wrong_seat_claim_fails_verification(saylau: Saylau, tmp_path: Path) -> None:
    """The verifier derives the seat assertions from the ruleset itself: an `rla` leaf whose
    assertions were derived with another method is refused."""
    from saylau.domain.geography import Geography
    from saylau.domain.record.verify import VerificationFailed
    from saylau.domain.record.verify.audits import check_audits
    from saylau.domain.record.verify.leaves import _read_leaf, _State
    from saylau.domain.record.verify.tally import _contest
    from saylau.domain.rulesets import RulesetName
    from saylau.services.logs import central_public_hex
    from saylau.store import log

    params = {"seats": "20", "threshold": "4", "method": "dhondt"}
    contest, figures = _election(saylau, "generic", params)
    _audit_through(saylau, contest, figures, tmp_path)
    from saylau.domain.record.signing import key_id

    with saylau.read() as conn:
        rows = log.leaf_rows(conn, "maj")
    state = _State(key_id(bytes.fromhex(central_public_hex(saylau))), check_signatures=False)
    for idx, text, _ in rows:
        _read_leaf(idx, text.encode(), state)
    geo = Geography.build(state.units)
    assert state.election is not None
    contests = [_contest(state.election["election"], c) for c in state.election["contests"]]
    check_audits(state.audit_leaves, state.versions, geo, contests, RulesetName.GENERIC, params)
    with pytest.raises(VerificationFailed):
        check_audits(state.audit_leaves, state.versions, geo, contests, RulesetName.GENERIC,
                     dict(params, method="hare"))


def test_a_party_list_audit_through_the_api_and_the_command_line(saylau: Saylau) -> None:
    from fastapi.testclient import TestClient

    from saylau.api.app import create_app
    from saylau.services.tokens import create_token

    contest, _ = _election(saylau, "generic",
                           {"seats": "20", "threshold": "4", "method": "dhondt"})
    client = TestClient(create_app(saylau), raise_server_exceptions=False)
    admin = {"Authorization": f"Bearer {create_token(saylau, 'cec', 'admin')}"}
    r = client.post("/api/audits", json={"contest": contest, "risk_limit": "0.1"},
                    headers=admin)
    assert r.status_code == 201, r.text
    audit = r.json()["audit"]
    public = client.get(f"/api/audits/{audit}").json()
    assert any(a["key"].startswith("seat:") for a in public["assertions"])
    db = ["--database", saylau.engine.url.render_as_string(hide_password=False)]
    res = CliRunner().invoke(cli, ["audit", "begin", contest, "--risk-limit", "0.1", *db])
    assert res.exit_code == 0, res.output
    second = res.stdout.strip()
    res = CliRunner().invoke(cli, ["audit", "report", second, "--json", *db])
    assert res.exit_code == 0 and json.loads(res.stdout)["contest"] == contest


def test_the_second_party_guarantee_is_refused_with_its_reason(saylau: Saylau) -> None:
    """kz-2007 gives a second party seats below the threshold: no linear assertion states
    its corrected quotient, so the audit says so instead of auditing something else."""
    contest, _ = _election(saylau, "kz-2007", None,
                           {"P1": 0.90, "P2": 0.04, "P3": 0.03, "P4": 0.01})
    with pytest.raises(RuleError) as e:
        audits.begin(saylau, contest, by="cec")
    assert "guarantee" in e.value.message


def test_the_party_list_audit_page_says_its_claims_in_every_language(saylau: Saylau,
                                                                      tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from saylau.api.app import create_app

    contest, figures = _election(saylau, "generic",
                                 {"seats": "20", "threshold": "4", "method": "dhondt"})
    audit = _audit_through(saylau, contest, figures, tmp_path)
    client = TestClient(create_app(saylau), raise_server_exceptions=False)
    pages = {lang: client.get(f"/audits/{audit}?lang={lang}") for lang in ("kk", "ru", "en")}
    assert all(p.status_code == 200 for p in pages.values())
    assert "has at least 4.00% of the threshold" in pages["en"].text
    assert "(D'Hondt)" in pages["en"].text or "(D&#39;Hondt)" in pages["en"].text
    assert "базы порога" in pages["ru"].text and "метод Д’Ондта" in pages["ru"].text
    assert "өту шегінің негізінен" in pages["kk"].text
    assert 'lang="en"' not in pages["kk"].text.split("<main", 1)[1]  # no claim left in English


def test_ballot_polling_of_party_lists(saylau: Saylau) -> None:
    """D'Hondt's seat assertions are ratios of two parties' votes: ballot polling can test
    them. A Hare seat whose claim has a quota term cannot be polled: refused, with the batch
    comparison named."""
    contest, _ = _election(saylau, "generic",
                           {"seats": "20", "threshold": "4", "method": "dhondt"})
    audit = audits.begin(saylau, contest, risk_limit="0.1", by="cec", kind="ballot-polling",
                         method="minerva")
    rep = audits.report(saylau, audit)
    seat = next(a for a in rep.assertions if a["key"].startswith("seat:"))
    assert seat["polling"]["winners"] and 0 < float(seat["polling"]["fraction"]) < 1
    assert audits.plan(saylau, audit).rows[-1].draws > 0


def test_a_hare_seat_with_a_quota_term_is_not_polled(saylau: Saylau) -> None:
    contest, _ = _election(saylau, "generic",
                           {"seats": "25", "threshold": "5", "method": "hare"})
    with pytest.raises(RuleError) as e:
        audits.begin(saylau, contest, by="cec", kind="ballot-polling", method="bravo")
    assert e.value.code == "polling_unsupported" and "batch comparison" in e.value.message
