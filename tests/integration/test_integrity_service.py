"""Integrity analytics on a stored election (services/integrity), on SQLite and PostgreSQL:
the parameters and the seed's commitment are fixed in the record before results and refused
after; a run uses the fixed parameters and is stored; the exported record verifies, and a
parameters leaf placed after results does not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from saylau.domain.access import Principal, Role
from saylau.domain.errors import Conflict, ValidationFailed
from saylau.domain.ids import ActorId
from saylau.domain.integrity import pvt
from saylau.domain.integrity.record import params_record
from saylau.domain.integrity.suite import IntegrityParams
from saylau.domain.record.merkle import TreeHead
from saylau.domain.record.verify import VerificationFailed, verify_record
from saylau.services import integrity as svc
from saylau.services import record as rec
from saylau.services.context import Saylau
from saylau.services.logs import append
from saylau.services.protocols import submit_protocol
from tests.integration.test_backup import counts

ADMIN = Principal(ActorId("cec"), Role.ADMIN)
SMALL = IntegrityParams.from_dict({"integer": {"draws": 50}, "fingerprint": {"repeats": 2},
                                   "calibration": {"elections": 2}})


def _verify(d: Path) -> object:
    heads = [TreeHead.from_json(h) for h in json.loads((d / "tree-heads.json").read_text())]
    leaves = (d / "leaves.jsonl").read_bytes().splitlines()
    published = json.loads((d / "results.json").read_text())
    central = bytes.fromhex((d / "central.pub").read_text().strip())
    return verify_record(leaves, heads, central, published)


def _night(app: Saylau, contest: str) -> None:
    for k, s in enumerate(app.geography().stations()):
        submit_protocol(app, ADMIN, contest, s.id, counts(s.registered, k))


def test_parameters_fixed_before_results_then_refused(
        referendum: tuple[Saylau, str], tmp_path: Path) -> None:
    app, contest = referendum
    leaf = svc.fix_params(app, "ref", SMALL)
    with pytest.raises(Conflict) as e:
        svc.fix_params(app, "ref", SMALL)
    assert e.value.code == "integrity_params_fixed"
    svc.commit_seed(app, "ref", pvt.commit("eve of the vote"), 0.01, 0.1)
    stored = svc.stored_params(app, "ref")
    assert stored is not None
    assert (stored["leaf"], stored["sha256"]) == (leaf, SMALL.digest())
    _night(app, contest)
    with pytest.raises(Conflict) as e2:
        svc.commit_seed(app, "ref", "0" * 64, 0.01, 0.1)
    assert e2.value.code == "pvt_committed"
    result = svc.run_election(app, "ref", calibrate_tests=False)
    assert result["params_source"] == f"fixed in the record, leaf {leaf}"
    assert result["params_sha256"] == SMALL.digest()
    assert result["stations"] == len(list(app.geography().stations()))
    assert result["integer"]["params"]["draws"] == 50
    run = svc.latest_run(app, "ref")
    assert run is not None
    assert run["id"] == result["run"]
    out = tmp_path / "record"
    rec.export_record(app, "ref", out)
    _verify(out)  # raises on any problem


def test_too_late_and_a_late_leaf_fails_verification(
        referendum: tuple[Saylau, str], tmp_path: Path) -> None:
    app, contest = referendum
    _night(app, contest)
    with pytest.raises(Conflict) as e:
        svc.fix_params(app, "ref", SMALL)
    assert e.value.code == "integrity_too_late"
    result = svc.run_election(app, "ref", calibrate_tests=False)
    assert result["params_source"].startswith("defaults")
    # a leaf appended behind the service's back, after results: the verifier refuses it
    with app.write() as conn:
        append(conn, "ref", params_record(election="ref", params=SMALL, recorded_by="x",
                                          recorded_at="2022-06-06T00:00:00Z"))
    out = tmp_path / "record"
    rec.export_record(app, "ref", out)
    with pytest.raises(VerificationFailed, match="after results began"):
        _verify(out)


def test_the_integrity_page_in_three_languages(referendum: tuple[Saylau, str]) -> None:
    from fastapi.testclient import TestClient

    from saylau.api.app import create_app

    app, contest = referendum
    client = TestClient(create_app(app), raise_server_exceptions=False)
    before = client.get("/elections/ref/integrity?lang=en")
    assert before.status_code == 200
    assert 'id="no-run"' in before.text
    assert "not proof of fraud" in before.text
    _night(app, contest)
    svc.run_election(app, "ref", calibrate_tests=False)
    caveats = {"en": "not proof of fraud", "ru": "не доказательство фальсификаций",
               "kk": "бұрмалаудың дәлелі емес"}
    for lang, caveat in caveats.items():
        page = client.get(f"/elections/ref/integrity?lang={lang}")
        assert page.status_code == 200
        assert caveat in page.text
        assert 'data-chart="vega-lite"' in page.text
        assert 'id="integer-signal"' in page.text
        assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"]
    assert client.get("/elections/nope/integrity").status_code == 404
    assert 'href="/elections/ref/integrity"' in client.get("/elections/ref?lang=en").text


def test_quick_count_on_a_stored_election(referendum: tuple[Saylau, str]) -> None:
    app, contest = referendum
    seed = "drawn on the eve"
    svc.commit_seed(app, "ref", pvt.commit(seed), 0.2, 0.1)  # small: two per region
    with pytest.raises(ValidationFailed) as e:
        svc.reveal_seed(app, "ref", "another seed")
    assert e.value.code == "pvt_seed_mismatch"
    assert svc.quick_count(app, "ref") is None  # the seed is still hidden
    _night(app, contest)
    drawn = svc.reveal_seed(app, "ref", seed)
    assert drawn == svc.sample(app, "ref", seed)  # anyone redraws it
    figs = svc.station_figures(app, contest)
    index = {s: k for k, s in enumerate(figs.stations)}
    reports = [pvt.StationReport(s, int(figs.registered[index[s]]), int(figs.given[index[s]]),
                                 int(figs.valid[index[s]]),
                                 {o: int(figs.votes[index[s], j])
                                  for j, o in enumerate(figs.options)}) for s in drawn]
    outside = next(s for s in figs.stations if s not in drawn)
    with pytest.raises(ValidationFailed):
        svc.add_reports(app, "ref", [pvt.StationReport(outside, 1, 1, 1, {})])
    assert svc.add_reports(app, "ref", reports) == len(drawn)
    qc = svc.quick_count(app, "ref")
    assert qc is not None
    assert qc["reported"] == len(drawn)
    national = [c for c in qc["comparison"] if c["unit"] == ""]
    assert {c["figure"] for c in national} >= {"turnout", "yes", "no"}
    result = svc.run_election(app, "ref", calibrate_tests=False)
    assert result["quick_count"]["commitment"] == pvt.commit(seed)
