"""Ballot polling through the service (BRAVO and Minerva), and the full hand count after an
escalation (every station counted twice alike, the outcome confirmed or overturned): every
step a leaf, re-derived from the exported record by `saylau verify`; on SQLite and
PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from saylau.domain.access import Principal, Role
from saylau.domain.errors import Conflict, Forbidden, ValidationFailed
from saylau.domain.ids import ActorId
from saylau.services import audits
from saylau.services.context import Saylau
from tests.integration.test_audits import DICE, _hand, counted  # noqa: F401 - the fixture

A1 = Principal(ActorId("aud-1"), Role.AUDITOR)
A2 = Principal(ActorId("aud-2"), Role.AUDITOR)
ORDER = ("yes", "no", "both_marked", "invalid")


def _stack(f: dict[str, int], place: int, flip: bool = False) -> str:
    """The category of the ballot at `place` when a station's ballots are stacked yes, no,
    both marked, invalid (flip: the paper says no where the protocol says yes)."""
    at = 0
    for c in ORDER:
        at += f[c]
        if place <= at:
            return "no" if flip and c == "yes" else c
    raise AssertionError(place)


def _read_round(app: Saylau, audit: str, figures: dict[str, dict[str, int]],
                flip: bool = False) -> None:
    rd = audits.report(app, audit).rounds[-1]
    places: dict[str, set[int]] = {}
    for s, n in zip(rd.stations, rd.places, strict=True):
        places.setdefault(s, set()).add(n)
    for name in ("aud-1", "aud-2"):
        audits.assign(app, audit, name, sorted(places), by="cec")
    for s, ns in sorted(places.items()):
        readings = {str(n): _stack(figures[s], n, flip) for n in sorted(ns)}
        assert audits.enter_readings(app, audit, s, readings, A1) == "first"
        assert audits.enter_readings(app, audit, s, readings, A2) == "agreed"


def _poll(app: Saylau, contest: str, figures: dict[str, dict[str, int]], method: str,
          flip: bool = False, max_rounds: int = 3) -> tuple[str, str]:
    audit = audits.begin(app, contest, risk_limit="0.1", max_rounds=max_rounds, by="cec",
                         kind="ballot-polling", method=method)
    draws = audits.plan(app, audit).rows[-1].draws
    decision = "next-round"
    r = 0
    while decision == "next-round":
        r += 1
        audits.enter_seed(app, audit, [(d + r) % 10 for d in DICE], ["Observer"], by="cec")
        audits.draw(app, audit, draws, by="cec")
        _read_round(app, audit, figures, flip)
        decision = audits.measure(app, audit, by="cec").decision
    return audit, decision


def _verify(app: Saylau, tmp_path: Path) -> str:
    from saylau.domain.record.merkle import TreeHead
    from saylau.domain.record.verify import verify_record
    from saylau.services.record import export_record

    out = tmp_path / "record"
    export_record(app, "ref", out)
    heads = [TreeHead.from_json(h) for h in json.loads((out / "tree-heads.json").read_text())]
    central = bytes.fromhex((out / "central.pub").read_text().strip())
    report, _ = verify_record((out / "leaves.jsonl").read_bytes().splitlines(), heads, central)
    return str(next(x for x in report.lines if "risk-limiting audit" in str(x)))


@pytest.mark.parametrize("method", ["minerva", "bravo"])
def test_ballot_polling_confirms_and_verifies(counted: Any, tmp_path: Path,  # noqa: F811
                                              method: str) -> None:
    app, contest, figures = counted
    audit, decision = _poll(app, contest, figures, method)
    assert decision == "confirmed"
    rep = audits.report(app, audit)
    assert rep.method == method and rep.state == "confirmed"
    assert "?" not in rep.retrieval  # the retrieval lists name real commissions
    assert sorted(s for v in rep.retrieval.values() for s in v) == sorted(
        {s for rd in rep.rounds for s in rd.stations})
    assert all("polling" not in a or a["polling"]["winners"] for a in rep.assertions)
    assert not any(a["key"] == "turnout" for a in rep.assertions)
    assert any("ballot manifest" in n for n in rep.notes)
    plan = audits.plan(app, audit)
    assert [r.chance for r in plan.rows] == [0.7, 0.8, 0.9]
    assert plan.rows[0].draws <= plan.rows[-1].draws
    line = _verify(app, tmp_path)
    assert "confirmed" in line


def test_minerva_needs_fewer_ballots_than_bravo_for_the_same_chance(
        counted: Any) -> None:  # noqa: F811
    """The paper's claim, on this contest: Minerva's first round for a 90% chance is smaller
    than BRAVO's."""
    app, contest, _ = counted
    m = audits.begin(app, contest, risk_limit="0.1", by="cec", kind="ballot-polling",
                     method="minerva")
    b = audits.begin(app, contest, risk_limit="0.1", by="cec", kind="ballot-polling",
                     method="bravo")
    assert audits.plan(app, m).rows[-1].draws < audits.plan(app, b).rows[-1].draws


def test_polling_readings_errors(counted: Any) -> None:  # noqa: F811
    app, contest, figures = counted
    audit = audits.begin(app, contest, risk_limit="0.1", by="cec", kind="ballot-polling",
                         method="minerva")
    with pytest.raises(ValidationFailed):
        audits.begin(app, contest, by="cec", kind="ballot-polling", method="sprt")
    with pytest.raises(ValidationFailed):
        audits.begin(app, contest, by="cec", method="bravo")  # a batch audit takes none
    audits.enter_seed(app, audit, DICE, ["Observer"], by="cec")
    audits.draw(app, audit, 30, by="cec")
    rd = audits.report(app, audit).rounds[-1]
    s, n = rd.stations[0], rd.places[0]
    ns = sorted({p for x, p in zip(rd.stations, rd.places, strict=True) if x == s})
    good = {str(p): _stack(figures[s], p) for p in ns}
    audits.assign(app, audit, "aud-1", [s], by="cec")
    with pytest.raises(Forbidden):
        audits.enter_readings(app, audit, s, good, A2)  # not assigned
    with pytest.raises(ValidationFailed) as e:
        audits.enter_readings(app, audit, s, {**good, "999999": "yes"}, A1)
    assert e.value.details["findings"][0]["field"] == "ballots"
    with pytest.raises(ValidationFailed):
        audits.enter_readings(app, audit, s, {str(n): "maybe"}, A1)
    with pytest.raises(Conflict):
        audits.enter_count(app, audit, s, _hand(figures[s]), A1)  # polling reads ballots
    assert audits.enter_readings(app, audit, s, good, A1) == "first"
    with pytest.raises(Conflict):
        audits.enter_readings(app, audit, s, good, A1)
    with pytest.raises(ValidationFailed):
        audits.measure(app, audit, by="cec")  # the other stations are not read


def _full_count(app: Saylau, audit: str, hand: dict[str, dict[str, int]],
                agreed: frozenset[str] = frozenset()) -> None:
    stations = sorted(hand)
    for name in ("aud-1", "aud-2"):
        audits.assign(app, audit, name, stations, by="cec")
    for s in stations:
        if s in agreed:  # a batch audit's sampled stations stand as counted
            with pytest.raises(Conflict):
                audits.enter_count(app, audit, s, hand[s], A1)
            continue
        for who in (A1, A2):
            audits.enter_count(app, audit, s, hand[s], who)


def test_a_full_hand_count_confirms_or_overturns(
        counted: Any, tmp_path: Path) -> None:  # noqa: F811
    app, contest, figures = counted
    # a batch audit with a planted error in four sampled protocols escalates
    audit = audits.begin(app, contest, risk_limit="0.05", max_rounds=1, by="cec")
    audits.enter_seed(app, audit, DICE, ["Observer"], by="cec")
    sample = audits.draw(app, audit, audits.plan(app, audit).rows[0].draws, by="cec")
    change = {}
    for s in sorted(set(sample))[:4]:
        h = _hand(figures[s])
        change[s] = dict(h, yes=h["yes"] - h["yes"] // 2, no=h["no"] + h["yes"] // 2)
    hand = {s: change.get(s) or _hand(f) for s, f in figures.items()}
    with pytest.raises(Conflict):
        audits.conclude(app, audit, by="cec")  # not escalated (not even measured)
    _full_count(app, audit, {s: hand[s] for s in set(sample)})
    assert audits.measure(app, audit, by="cec").decision == "full-hand-count"
    with pytest.raises(ValidationFailed) as e:
        audits.conclude(app, audit, by="cec")  # stations not counted yet
    assert e.value.code == "audit_counts_missing"
    _full_count(app, audit, hand, frozenset(sample))
    rep = audits.report(app, audit)
    assert rep.full is not None and rep.full["agreed"] == len(figures)
    o = audits.conclude(app, audit, by="cec")
    # the four stations' errors do not change the outcome: confirmed by the hand count
    assert o.outcome == "confirmed" and o.reported == o.counted == {"valid": True,
                                                                    "adopted": True}
    assert o.totals["yes"] == sum(h["yes"] for h in hand.values())
    assert audits.report(app, audit).state == "hand-count-confirmed"
    with pytest.raises(Conflict):
        audits.conclude(app, audit, by="cec")
    with pytest.raises(Conflict):
        audits.enter_count(app, audit, sorted(figures)[0], hand[sorted(figures)[0]], A1)
    # a polling audit whose drawn ballots say no escalates; the hand count overturns
    poll, decision = _poll(app, contest, figures, "minerva", flip=True, max_rounds=1)
    assert decision == "full-hand-count"
    flipped = {s: dict(h, yes=h["no"], no=h["yes"]) for s, h in
               ((s, _hand(f)) for s, f in figures.items())}
    _full_count(app, poll, flipped)
    o = audits.conclude(app, poll, by="cec")
    assert o.outcome == "overturned" and o.counted["adopted"] is False
    line = _verify(app, tmp_path)
    assert "hand count confirmed" in line and "hand count overturned" in line


def test_verify_refuses_a_changed_verdict_or_reading(counted: Any) -> None:  # noqa: F811
    from saylau.domain.geography import Geography
    from saylau.domain.record.signing import key_id
    from saylau.domain.record.verify import VerificationFailed
    from saylau.domain.record.verify.audits import check_audits
    from saylau.domain.record.verify.leaves import _read_leaf, _State
    from saylau.domain.record.verify.tally import _contest
    from saylau.services.logs import central_public_hex
    from saylau.store import log

    app, contest, figures = counted
    poll, _ = _poll(app, contest, figures, "minerva", flip=True, max_rounds=1)
    flipped = {s: dict(h, yes=h["no"], no=h["yes"]) for s, h in
               ((s, _hand(f)) for s, f in figures.items())}
    _full_count(app, poll, flipped)
    audits.conclude(app, poll, by="cec")
    with app.read() as conn:
        rows = log.leaf_rows(conn, "ref")
    state = _State(key_id(bytes.fromhex(central_public_hex(app))), check_signatures=False)
    for idx, text, _ in rows:
        _read_leaf(idx, text.encode(), state)
    geo = Geography.build(state.units)
    assert state.election is not None
    contests = [_contest(state.election["election"], c) for c in state.election["contests"]]
    leaves = state.audit_leaves
    assert "overturned" in check_audits(leaves, state.versions, geo, contests)

    def changed(kind: str, **edit: Any) -> list[tuple[int, str, dict[str, Any]]]:
        out, done = [], False
        for idx, t, body in leaves:
            new = body
            if t == kind and not done and (kind != "rla-count" or "readings" in body):
                new = {**body, **edit}
                done = True
            out.append((idx, t, new))
        return out

    first_reading = next(b for _, t, b in leaves if t == "rla-count" and "readings" in b)
    other = {k: ("yes" if v == "no" else "no") for k, v in first_reading["readings"].items()}
    sample = next(b for _, t, b in leaves if t == "rla-sample")
    for bad in (changed("rla-full", outcome="confirmed"),
                changed("rla-full", totals={"yes": 1}),
                changed("rla-count", readings=other),
                changed("rla-sample", places=list(reversed(sample["places"])))):
        with pytest.raises(VerificationFailed):
            check_audits(bad, state.versions, geo, contests)


def test_polling_and_the_full_count_through_the_api_and_the_command_line(
        counted: Any) -> None:  # noqa: F811
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from saylau.api.app import create_app
    from saylau.cli.main import app as cli
    from saylau.services.tokens import create_token

    app, contest, figures = counted
    client = TestClient(create_app(app), raise_server_exceptions=False)
    admin = {"Authorization": f"Bearer {create_token(app, 'cec', 'admin')}"}
    aud = {n: {"Authorization": f"Bearer {create_token(app, n, 'auditor')}"}
           for n in ("aud-1", "aud-2")}
    r = client.post("/api/audits", json={"contest": contest, "risk_limit": "0.1",
                                         "kind": "ballot-polling", "method": "bravo",
                                         "max_rounds": 1}, headers=admin)
    assert r.status_code == 201, r.text
    audit = r.json()["audit"]
    assert client.post("/api/audits", json={"contest": contest, "method": "nope"},
                       headers=admin).status_code == 422
    client.post(f"/api/audits/{audit}/seed", json={"dice": DICE, "observers": ["O"]},
                headers=admin)
    client.post(f"/api/audits/{audit}/sample", json={"draws": 40}, headers=admin)
    rd = client.get(f"/api/audits/{audit}").json()["rounds"][0]
    places: dict[str, set[int]] = {}
    for s, n in zip(rd["stations"], rd["places"], strict=True):
        places.setdefault(s, set()).add(n)
    for name in ("aud-1", "aud-2"):
        client.post(f"/api/audits/{audit}/assignments",
                    json={"auditor": name, "stations": sorted(places)}, headers=admin)
    for s, ns in sorted(places.items()):
        readings = {str(n): _stack(figures[s], n, flip=True) for n in ns}
        for name, status in (("aud-1", "first"), ("aud-2", "agreed")):
            r = client.post(f"/api/audits/{audit}/readings",
                            json={"station": s, "readings": readings}, headers=aud[name])
            assert r.status_code == 201 and r.json()["status"] == status, r.text
    r = client.post(f"/api/audits/{audit}/readings",
                    json={"station": sorted(places)[0], "readings": {"0": "yes"}},
                    headers=aud["aud-1"])
    assert r.status_code == 422  # place 0 does not exist
    m = client.post(f"/api/audits/{audit}/measure", headers=admin).json()
    assert m["decision"] == "full-hand-count"
    r = client.post(f"/api/audits/{audit}/conclude", headers=admin)
    assert r.status_code == 422 and r.json()["error"]["code"] == "audit_counts_missing"
    # the full hand count through the command line
    db = ["--database", app.engine.url.render_as_string(hide_password=False)]
    runner = CliRunner()
    for name in ("aud-1", "aud-2"):
        res = runner.invoke(cli, ["audit", "assign", audit, name, "--every-station", *db])
        assert res.exit_code == 0, res.output
    for s, f in sorted(figures.items()):
        h = _hand(f)
        text = ",".join(f"{k}={v}" for k, v in h.items())
        for name in ("aud-1", "aud-2"):
            res = runner.invoke(cli, ["audit", "enter", audit, s, "--auditor", name,
                                      "--counts", text, *db])
            assert res.exit_code == 0, res.output
    res = runner.invoke(cli, ["audit", "conclude", audit, *db])
    assert res.exit_code == 0 and "confirmed" in res.stdout, res.output
    assert client.get(f"/api/audits/{audit}").json()["state"] == "hand-count-confirmed"
    page = client.get(f"/audits/{audit}?lang=ru").text
    assert "Полный ручной пересчёт подтверждает объявленный итог." in page
    res = runner.invoke(cli, ["audit", "report", audit, *db])
    assert "full hand count" in res.stdout and "confirmed" in res.stdout
    res = runner.invoke(cli, ["audit", "read", audit, "S", "--auditor", "a", "--ballots",
                              "x", *db])
    assert res.exit_code != 0  # "x" is not a place=category pair


def test_a_polling_round_through_the_command_line(counted: Any) -> None:  # noqa: F811
    from typer.testing import CliRunner

    from saylau.cli.main import app as cli

    app, contest, figures = counted
    db = ["--database", app.engine.url.render_as_string(hide_password=False)]

    def run(*args: str) -> str:
        res = CliRunner().invoke(cli, [*args, *db])
        assert res.exit_code == 0, (args, res.output)
        return res.stdout

    audit = run("audit", "begin", contest, "--risk-limit", "0.1", "--kind", "ballot-polling",
                "--method", "minerva").strip()
    plan = run("audit", "plan", audit)
    assert "Minerva" in plan and "90%" in plan
    run("audit", "seed", audit, "--dice", " ".join(map(str, DICE)), "--observer", "O. One")
    run("audit", "sample", audit, "--draws", "12")
    report = json.loads(run("audit", "report", audit, "--json"))
    assert report["method"] == "minerva" and report["kind"] == "ballot-polling"
    rd = report["rounds"][0]
    places: dict[str, set[int]] = {}
    for s, n in zip(rd["stations"], rd["places"], strict=True):
        places.setdefault(s, set()).add(n)
    for name in ("aud-1", "aud-2"):
        run("audit", "assign", audit, name)
    for s, ns in sorted(places.items()):
        text = ",".join(f"{n}={_stack(figures[s], n)}" for n in sorted(ns))
        assert "first" in run("audit", "read", audit, s, "--auditor", "aud-1", "--ballots", text)
        assert "agreed" in run("audit", "read", audit, s, "--auditor", "aud-2", "--ballots",
                               text)
    assert "round 1: risk" in run("audit", "measure", audit)
