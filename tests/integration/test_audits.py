"""Risk-limiting audits through the services, on SQLite and PostgreSQL: begin, plan, assign,
the seed before the sample, hand counts with double entry and their errors, the risk measured,
confirmation and escalation, every step a leaf of the election's log."""

from __future__ import annotations

import json
from typing import Any

import pytest

from saylau.domain.access import Principal, Role
from saylau.domain.errors import Conflict, Forbidden, ValidationFailed
from saylau.domain.ids import ActorId
from saylau.domain.names import Names
from saylau.domain.protocols import ProtocolCounts
from saylau.services import audits
from saylau.services.context import Saylau
from saylau.services.elections import create_referendum
from saylau.services.geography import load_geography
from saylau.services.protocols import submit_protocol
from saylau.store import log
from tests.conftest import small_country

ADMIN = Principal(ActorId("cec"), Role.ADMIN)
DICE = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4]


def _counts(registered: int, yes_share: float = 0.7) -> dict[str, int]:
    issued = registered * 7 // 10
    invalid, both = issued // 50, issued // 100
    valid = issued - invalid - both
    yes = int(valid * yes_share)
    return {"registered": registered, "ballots_received": registered, "ballots_issued": issued,
            "ballots_cancelled": registered - issued, "ballots_in_boxes": issued,
            "invalid": invalid, "both_marked": both, "yes": yes, "no": valid - yes}


@pytest.fixture
def counted(saylau: Saylau) -> tuple[Saylau, str, dict[str, dict[str, int]]]:
    """A constitutional referendum of 49 stations, every protocol in (yes at 70%)."""
    geo = small_country(8)
    load_geography(saylau, geo)
    _, contest = create_referendum(
        saylau, election_id="ref", name=Names.same("Referendum"), ruleset_name="kz-2022",
        date="2022-06-05", question=Names.same("Q?"), constitutional=True, by=ActorId("t"))
    figures = {}
    for st in geo.stations():
        c = _counts(st.registered or 1000)
        figures[st.id] = c
        pc = ProtocolCounts.of(
            registered=c["registered"], ballots_received=c["ballots_received"],
            ballots_issued=c["ballots_issued"], ballots_cancelled=c["ballots_cancelled"],
            ballots_in_boxes=c["ballots_in_boxes"], invalid=c["invalid"],
            both_marked=c["both_marked"], votes={"yes": c["yes"], "no": c["no"]})
        submit_protocol(saylau, ADMIN, contest.id, st.id, pc)
    return saylau, contest.id, figures


def _hand(f: dict[str, int]) -> dict[str, int]:
    return {"yes": f["yes"], "no": f["no"], "both_marked": f["both_marked"],
            "invalid": f["invalid"]}


def _leaf_types(app: Saylau) -> list[str]:
    with app.read() as conn:
        return [json.loads(text)["type"] for _, text, _ in log.leaf_rows(conn, "ref")]


def _count_all(app: Saylau, audit: str, stations: list[str],
               figures: dict[str, dict[str, int]],
               change: dict[str, dict[str, int]] | None = None) -> None:
    a1 = Principal(ActorId("aud-1"), Role.AUDITOR)
    a2 = Principal(ActorId("aud-2"), Role.AUDITOR)
    for s in sorted(set(stations)):
        hand = (change or {}).get(s) or _hand(figures[s])
        assert audits.enter_count(app, audit, s, hand, a1) == "first"
        assert audits.enter_count(app, audit, s, hand, a2) == "agreed"


def test_an_audit_confirms_a_correct_outcome_in_one_round(counted: Any) -> None:
    app, contest, figures = counted
    audit = audits.begin(app, contest, risk_limit="0.1", max_rounds=2, by="cec")
    rep = audits.report(app, audit)
    assert rep.state == "in-progress" and rep.stations_total == 49
    assert any(a["key"] == "turnout" for a in rep.assertions)
    assert "two-thirds rule" in rep.notes[-1]
    p = audits.plan(app, audit)
    draws = p.rows[-1].draws
    with pytest.raises(Conflict):
        audits.draw(app, audit, draws, by="cec")  # no seed yet
    with pytest.raises(ValidationFailed):
        audits.enter_seed(app, audit, DICE[:5], ["A. Observer"], by="cec")
    with pytest.raises(ValidationFailed):
        audits.enter_seed(app, audit, DICE, [" "], by="cec")
    assert audits.enter_seed(app, audit, DICE, ["A. Observer", "B. Watcher"], by="cec") == 1
    sample = audits.draw(app, audit, draws, by="cec")
    assert len(sample) == draws
    distinct = sorted(set(sample))
    audits.assign(app, audit, "aud-1", distinct, by="cec")
    audits.assign(app, audit, "aud-2", distinct, by="cec")
    with pytest.raises(ValidationFailed):
        audits.measure(app, audit, by="cec")  # counts missing
    _count_all(app, audit, sample, figures)
    m = audits.measure(app, audit, by="cec")
    assert m.decision == "confirmed" and float(m.risk) <= 0.1
    rep = audits.report(app, audit)
    assert rep.state == "confirmed" and not rep.discrepancies and rep.agreed == len(distinct)
    assert sum(len(v) for v in rep.retrieval.values()) == len(distinct)
    types = _leaf_types(app)
    for t in ("rla", "rla-seed", "rla-sample", "rla-assignment", "rla-count", "rla-measure"):
        assert t in types
    assert types.index("rla-seed") < types.index("rla-sample")


def test_hand_count_errors_and_double_entry(counted: Any) -> None:
    app, contest, figures = counted
    audit = audits.begin(app, contest, risk_limit="0.1", by="cec")
    audits.enter_seed(app, audit, DICE, ["Observer"], by="cec")
    sample = audits.draw(app, audit, 5, by="cec")
    s = sample[0]
    not_drawn = next(x for x in figures if x not in sample)
    audits.assign(app, audit, "aud-1", [s], by="cec")
    audits.assign(app, audit, "aud-2", [s], by="cec")
    a1 = Principal(ActorId("aud-1"), Role.AUDITOR)
    a2 = Principal(ActorId("aud-2"), Role.AUDITOR)
    other = Principal(ActorId("aud-3"), Role.AUDITOR)
    hand = _hand(figures[s])
    with pytest.raises(ValidationFailed) as e:
        audits.enter_count(app, audit, not_drawn, hand, a1)
    assert e.value.code == "audit_not_sampled"
    with pytest.raises(Forbidden):
        audits.enter_count(app, audit, s, hand, other)
    with pytest.raises(Forbidden):
        audits.enter_count(app, audit, s, hand, Principal(ActorId("aud-1"), Role.OBSERVER))
    with pytest.raises(ValidationFailed) as e:
        audits.enter_count(app, audit, s, dict(hand, yes=hand["yes"] + 1), a1)
    assert e.value.details["findings"][0]["field"] == "counts"
    assert audits.enter_count(app, audit, s, hand, a1) == "first"
    with pytest.raises(Conflict):
        audits.enter_count(app, audit, s, hand, a1)  # the same auditor twice
    differing = dict(hand, yes=hand["yes"] - 1, no=hand["no"] + 1)
    assert audits.enter_count(app, audit, s, differing, a2) == "disputed"
    rep = audits.report(app, audit)
    assert s in rep.disputed
    with app.read() as conn:
        from saylau.store import audits as store

        kept = store.counts(conn, audit, s)
    assert [c.counts for c in kept] == [hand, differing]  # both kept, nothing overwritten
    # a third auditor's entry that agrees with one of them settles it
    audits.assign(app, audit, "aud-3", [s], by="cec")
    assert audits.enter_count(app, audit, s, hand, other) == "agreed"
    with pytest.raises(Conflict):
        audits.enter_count(app, audit, s, hand, ADMIN)


def test_a_planted_error_escalates_to_a_full_hand_count(counted: Any) -> None:
    app, contest, figures = counted
    audit = audits.begin(app, contest, risk_limit="0.05", max_rounds=1, by="cec")
    audits.enter_seed(app, audit, DICE, ["Observer"], by="cec")
    draws = audits.plan(app, audit).rows[0].draws
    sample = audits.draw(app, audit, draws, by="cec")
    # the paper ballots of the drawn stations say no where the protocols said yes
    change = {}
    for s in sorted(set(sample))[:4]:
        h = _hand(figures[s])
        change[s] = dict(h, yes=h["yes"] - h["yes"] // 2, no=h["no"] + h["yes"] // 2)
    for name in ("aud-1", "aud-2"):
        audits.assign(app, audit, name, sorted(set(sample)), by="cec")
    _count_all(app, audit, sample, figures, change)
    m = audits.measure(app, audit, by="cec")
    assert m.decision == "full-hand-count" and float(m.risk) > 0.05
    rep = audits.report(app, audit)
    assert rep.state == "full-hand-count"
    assert {d["station"] for d in rep.discrepancies} == set(change)
    with pytest.raises(Conflict):
        audits.enter_seed(app, audit, DICE, ["Observer"], by="cec")  # no further round


def _run_audit(app: Saylau, contest: str, figures: dict[str, dict[str, int]],
               change: dict[str, dict[str, int]] | None = None, max_rounds: int = 2) -> str:
    audit = audits.begin(app, contest, risk_limit="0.1", max_rounds=max_rounds, by="cec")
    audits.enter_seed(app, audit, DICE, ["Observer"], by="cec")
    sample = audits.draw(app, audit, audits.plan(app, audit).rows[-1].draws, by="cec")
    for name in ("aud-1", "aud-2"):
        audits.assign(app, audit, name, sorted(set(sample)), by="cec")
    _count_all(app, audit, sample, figures,
               {s: c for s, c in (change or {}).items() if s in sample})
    audits.measure(app, audit, by="cec")
    return audit


def _exported(app: Saylau, tmp_path: Any) -> tuple[list[bytes], Any, bytes]:
    from saylau.domain.record.merkle import TreeHead
    from saylau.services.record import export_record

    out = tmp_path / "record"
    export_record(app, "ref", out)
    heads = [TreeHead.from_json(h) for h in json.loads((out / "tree-heads.json").read_text())]
    central = bytes.fromhex((out / "central.pub").read_text().strip())
    return (out / "leaves.jsonl").read_bytes().splitlines(), heads, central


def test_verify_redraws_the_sample_and_recomputes_the_risk(counted: Any, tmp_path: Any) -> None:
    from saylau.domain.record.verify import verify_record

    app, contest, figures = counted
    _run_audit(app, contest, figures)
    leaves, heads, central = _exported(app, tmp_path)
    report, _ = verify_record(leaves, heads, central)
    line = next(x for x in report.lines if "risk-limiting audit" in str(x))
    assert "redrawn from their seeds" in str(line) and "confirmed" in str(line)


def test_verify_names_a_sample_or_risk_that_is_not_re_derived(counted: Any) -> None:
    """The audit's leaves, changed one way or another, fail the re-derivation naming the
    leaf (the signed heads would catch the change first; this is the second line)."""
    from saylau.domain.geography import Geography
    from saylau.domain.record.verify import VerificationFailed
    from saylau.domain.record.verify.audits import check_audits
    from saylau.domain.record.verify.leaves import _read_leaf, _State
    from saylau.domain.record.verify.tally import _contest

    app, contest, figures = counted
    _run_audit(app, contest, figures)
    with app.read() as conn:
        rows = log.leaf_rows(conn, "ref")
    from saylau.domain.record.signing import key_id
    from saylau.services.logs import central_public_hex

    state = _State(key_id(bytes.fromhex(central_public_hex(app))), check_signatures=False)
    for idx, text, _ in rows:
        _read_leaf(idx, text.encode(), state)
    geo = Geography.build(state.units)
    assert state.election is not None
    contests = [_contest(state.election["election"], c) for c in state.election["contests"]]
    check_audits(state.audit_leaves, state.versions, geo, contests)  # as logged: passes
    leaves = state.audit_leaves

    def changed(kind: str, **edit: Any) -> list[tuple[int, str, dict[str, Any]]]:
        out, done = [], False
        for idx, t, body in leaves:
            new = body
            if t == kind and not done:
                new = {**body, **edit}
                done = True
            out.append((idx, t, new))
        return out

    sample = next(b for _, t, b in leaves if t == "rla-sample")
    swapped = list(reversed(sample["stations"]))
    measured = next(b for _, t, b in leaves if t == "rla-measure")
    begun = next(b for _, t, b in leaves if t == "rla")
    for bad in (changed("rla", assertions=begun["assertions"][:1]),  # a weaker claim
                changed("rla-sample", stations=swapped),
                changed("rla-measure", risk="0.5"),
                changed("rla-measure", decision="full-hand-count"),
                changed("rla-seed", seed="1" * 20)):
        assert bad != leaves
        with pytest.raises(VerificationFailed):
            check_audits(bad, state.versions, geo, contests)
    assert measured["decision"] == "confirmed"


def test_the_api_lets_an_auditor_count_only_its_stations(counted: Any) -> None:
    from fastapi.testclient import TestClient

    from saylau.api.app import create_app
    from saylau.services.tokens import create_token

    app, contest, figures = counted
    client = TestClient(create_app(app), raise_server_exceptions=False)
    admin = {"Authorization": f"Bearer {create_token(app, 'cec', 'admin')}"}
    aud = {n: {"Authorization": f"Bearer {create_token(app, n, 'auditor')}"}
           for n in ("aud-1", "aud-2")}
    observer = {"Authorization": f"Bearer {create_token(app, 'obs', 'observer')}"}
    r = client.post("/api/audits", json={"contest": contest, "risk_limit": "0.1"},
                    headers=admin)
    assert r.status_code == 201, r.text
    audit = r.json()["audit"]
    assert client.post("/api/audits", json={"contest": contest}, headers=aud["aud-1"]
                       ).status_code == 403
    plan = client.get(f"/api/audits/{audit}/plan").json()
    assert [row["chance"] for row in plan["rows"]] == [0.7, 0.8, 0.9]
    r = client.post(f"/api/audits/{audit}/seed", json={"dice": DICE, "observers": ["O. One"]},
                    headers=admin)
    assert r.status_code == 201, r.text
    stations = client.post(f"/api/audits/{audit}/sample",
                           json={"draws": plan["rows"][-1]["draws"]}, headers=admin
                           ).json()["stations"]
    distinct = sorted(set(stations))
    mine, theirs = distinct[:1], distinct[1:]
    for name in ("aud-1", "aud-2"):
        r = client.post(f"/api/audits/{audit}/assignments",
                        json={"auditor": name, "stations": mine}, headers=admin)
        assert r.status_code == 201, r.text
    hand = _hand(figures[mine[0]])
    r = client.post(f"/api/audits/{audit}/counts", json={"station": mine[0], "counts": hand},
                    headers=observer)
    assert r.status_code == 403
    if theirs:
        r = client.post(f"/api/audits/{audit}/counts",
                        json={"station": theirs[0], "counts": _hand(figures[theirs[0]])},
                        headers=aud["aud-1"])
        assert r.status_code == 403 and r.json()["error"]["code"] == "audit_not_assigned"
    too_many = dict(hand, yes=hand["yes"] + 10_000)
    r = client.post(f"/api/audits/{audit}/counts", json={"station": mine[0],
                                                         "counts": too_many},
                    headers=aud["aud-1"])
    assert r.status_code == 422 and r.json()["error"]["details"]["findings"][0]["field"] == (
        "counts")
    for name, status in (("aud-1", "first"), ("aud-2", "agreed")):
        r = client.post(f"/api/audits/{audit}/counts", json={"station": mine[0],
                                                             "counts": hand},
                        headers=aud[name])
        assert r.status_code == 201 and r.json()["status"] == status, r.text
    public = client.get(f"/api/audits/{audit}").json()
    assert public["rounds"][0]["seed"] == "".join(map(str, DICE))
    assert public["agreed"] == 1 and public["state"] == "in-progress"
    assert client.get("/api/audits").json()[0]["audit"] == audit


def test_the_public_page_shows_seed_sample_progress_and_risk(counted: Any) -> None:
    from fastapi.testclient import TestClient

    from saylau.api.app import create_app

    app, contest, figures = counted
    audit = _run_audit(app, contest, figures)
    client = TestClient(create_app(app), raise_server_exceptions=False)
    seed = "".join(map(str, DICE))
    want = {"kk": ("Тәуекелі шектелген аудит", "Расталды"),
            "ru": ("Аудит с ограничением риска", "Подтверждено"),
            "en": ("Risk-limiting audit", "Confirmed")}
    for lang, (title, confirmed) in want.items():
        r = client.get(f"/audits/{audit}?lang={lang}")
        assert r.status_code == 200, r.text
        assert title in r.text and confirmed in r.text and seed in r.text
        assert "Observer" in r.text
    listed = client.get("/audits?lang=ru")
    assert listed.status_code == 200 and audit in listed.text
    assert client.get("/audits/none?lang=en").status_code == 404


def test_a_round_short_of_the_limit_leads_to_another_that_confirms(counted: Any,
                                                                    tmp_path: Any) -> None:
    from saylau.domain.record.verify import verify_record

    app, contest, figures = counted
    audit = audits.begin(app, contest, risk_limit="0.1", max_rounds=2, by="cec")
    needed = audits.plan(app, audit).rows[-1].draws
    audits.enter_seed(app, audit, DICE, ["Observer"], by="cec")
    first = audits.draw(app, audit, max(1, needed // 3), by="cec")
    for name in ("aud-1", "aud-2"):
        audits.assign(app, audit, name, sorted(set(figures)), by="cec")
    _count_all(app, audit, first, figures)
    m1 = audits.measure(app, audit, by="cec")
    assert m1.decision == "next-round" and float(m1.risk) > 0.1
    with pytest.raises(Conflict):
        audits.draw(app, audit, 5, by="cec")  # the new round needs its own seed first
    audits.enter_seed(app, audit, list(reversed(DICE)), ["Another Observer"], by="cec")
    second = audits.draw(app, audit, needed, by="cec")
    new = sorted(set(second) - set(first))
    _count_all(app, audit, new, figures)
    m2 = audits.measure(app, audit, by="cec")
    assert m2.round == 2 and m2.draws == len(first) + len(second)
    assert m2.decision == "confirmed"
    leaves, heads, central = _exported(app, tmp_path)
    report, _ = verify_record(leaves, heads, central)
    assert any("risk-limiting" in str(x) and "confirmed" in str(x) for x in report.lines)


def test_a_presidential_majority_is_audited_and_verified(saylau: Saylau, tmp_path: Any) -> None:
    """The President (docs/law.md §9.1): the winner's majority of everyone who took part,
    against all and invalid ballots included, confirmed by hand counts and re-derived."""
    from saylau.domain.record.verify import verify_record
    from saylau.services.parliament import CandidateSpec, create_presidential

    geo = small_country(6)
    load_geography(saylau, geo)
    _, contest = create_presidential(
        saylau, election_id="ref", name=Names.same("President"), ruleset_name="kz-2022",
        date="2030-06-01", by=ActorId("t"),
        candidates=[CandidateSpec("A", Names.same("A"), None),
                    CandidateSpec("B", Names.same("B"), None)])
    options = [str(o.id) for o in contest.options]
    figures: dict[str, dict[str, int]] = {}
    for st in geo.stations():
        reg = st.registered or 1000
        issued = reg * 6 // 10
        invalid = issued // 40
        valid = issued - invalid
        votes = dict.fromkeys(options, 0)
        votes["A"] = valid * 6 // 10
        votes["B"] = valid * 3 // 10
        rest = [o for o in options if o not in ("A", "B")]
        if rest:
            votes[rest[0]] = valid - votes["A"] - votes["B"]
        else:
            votes["B"] = valid - votes["A"]
        pc = ProtocolCounts.of(registered=reg, ballots_received=reg, ballots_issued=issued,
                               ballots_cancelled=reg - issued, ballots_in_boxes=issued,
                               invalid=invalid, votes=votes)
        submit_protocol(saylau, ADMIN, contest.id, st.id, pc)
        figures[st.id] = {**votes, "both_marked": 0, "invalid": invalid}
    audit = audits.begin(saylau, contest.id, risk_limit="0.1", by="cec")
    rep = audits.report(saylau, audit)
    assert [a["key"] for a in rep.assertions] == ["majority:A"]
    audits.enter_seed(saylau, audit, DICE, ["Observer"], by="cec")
    sample = audits.draw(saylau, audit, audits.plan(saylau, audit).rows[-1].draws, by="cec")
    for name in ("aud-1", "aud-2"):
        audits.assign(saylau, audit, name, sorted(set(sample)), by="cec")
    a1 = Principal(ActorId("aud-1"), Role.AUDITOR)
    a2 = Principal(ActorId("aud-2"), Role.AUDITOR)
    for s in sorted(set(sample)):
        audits.enter_count(saylau, audit, s, figures[s], a1)
        audits.enter_count(saylau, audit, s, figures[s], a2)
    assert audits.measure(saylau, audit, by="cec").decision == "confirmed"
    leaves, heads, central = _exported(saylau, tmp_path)
    report, _ = verify_record(leaves, heads, central)
    assert any("risk-limiting" in str(x) and "confirmed" in str(x) for x in report.lines)
