"""Observation's use cases on SQLite and PostgreSQL (issue 12): missions, accreditation and its
deadline, deployment and its CSV import, who may report, checklists, incidents, protocol copies
compared live with the official protocols, idempotent resubmission, text messages, photos."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from saylau.domain.access import Principal, Role
from saylau.domain.errors import Forbidden, ImportFailed, Unauthorized, ValidationFailed
from saylau.domain.ids import ActorId, OptionId, StationId
from saylau.domain.protocols import ProtocolCounts
from saylau.domain.versions import VersionConflict
from saylau.services.context import Saylau
from saylau.services.elections import get_contest
from saylau.services.observation import compare, deployment, missions, reports, sms
from saylau.services.observation.identity import mission_token_name, observer_token_name
from saylau.services.protocols import submit_protocol
from saylau.services.tokens import authenticate
from saylau.store import observation as obs_store
from tests.integration.support import protocol

ADMIN = Principal(ActorId("cec"), Role.ADMIN)
S1, S2, S3 = "KZ-71-D0-S0", "KZ-71-D0-S1", "KZ-75-D0-S0"


def _mission(election: str, code: str) -> Principal:
    return Principal(ActorId(mission_token_name(election, code)), Role.MISSION)


def _observer(election: str, badge: str) -> Principal:
    return Principal(ActorId(observer_token_name(election, badge)), Role.OBSERVER)


def _early(app: Saylau) -> None:
    app.clock = lambda: datetime(2022, 5, 20, 9, 0, tzinfo=UTC)


def _accredited(app: Saylau, code: str, org: str, n: int = 1) -> list[str]:
    missions.create_mission(app, "ref", code, f"{code} mission", org, by="cec")
    head = _mission("ref", code)
    badges = []
    for k in range(n):
        b = missions.apply(app, head, "ref", code, f"Observer {k} <script>alert(1)</script>")
        missions.accredit(app, "ref", b, by="cec")
        badges.append(b)
    return badges


def _official(app: Saylau, contest: str, station: str, **over: Any) -> dict[str, Any]:
    reg = app.geography().unit(StationId(station)).registered  # type: ignore[arg-type]
    body = protocol(station, reg, **over)
    counts = ProtocolCounts.of(**{k: v for k, v in body.items() if k not in ("station",
                                                                            "votes")},
                               votes={OptionId(o): v for o, v in body["votes"].items()})
    submit_protocol(app, ADMIN, contest, station, counts)
    return body


def _figures(body: dict[str, Any]) -> dict[str, int]:
    out = {k: v for k, v in body.items() if k not in ("station", "votes")}
    out.update({f"votes.{o}": v for o, v in body["votes"].items()})
    return out


def test_accreditation_tokens_and_revocation(referendum: tuple[Saylau, str]) -> None:
    app, _ = referendum
    _early(app)
    missions.create_mission(app, "ref", "ODIHR", "OSCE/ODIHR", "odihr", by="cec")
    b = missions.apply(app, _mission("ref", "ODIHR"), "ref", "ODIHR", "A. Observer")
    assert b == "ODIHR-0001"
    state, token = missions.accredit(app, "ref", b, by="cec")
    assert state.status == "accredited"
    who = authenticate(app, token)
    assert (who.role, who.name) == (Role.OBSERVER, "obs:ref:ODIHR-0001")
    with pytest.raises(ValidationFailed) as e:
        missions.accredit(app, "ref", b, by="cec")
    assert e.value.code == "accreditation_state"
    missions.revoke(app, "ref", b, "left the country", by="cec")
    with pytest.raises(Unauthorized) as gone:
        authenticate(app, token)
    assert gone.value.code == "token_revoked"
    # every state is kept: applied, accredited, revoked
    with app.read() as conn:
        from sqlalchemy import select

        from saylau.store import tables as t
        events = [r[0] for r in conn.execute(select(t.obs_accreditations.c.status)
                                             .order_by(t.obs_accreditations.c.id))]
    assert events == ["applied", "accredited", "revoked"]


def test_accreditation_closes_by_the_parameter(referendum: tuple[Saylau, str]) -> None:
    app, _ = referendum
    app.clock = lambda: datetime(2022, 5, 31, 13, 0, tzinfo=UTC)  # 18:00 in Astana
    missions.create_mission(app, "ref", "CIS", "CIS", "cis", by="cec")
    missions.create_mission(app, "ref", "NGO-ADAL", "Adal", "association", by="cec")
    late = missions.apply(app, _mission("ref", "CIS"), "ref", "CIS", "Late")
    with pytest.raises(Forbidden) as e:
        missions.accredit(app, "ref", late, by="cec")
    assert e.value.code == "accreditation_closed"
    assert "2022-05-31T18:00:00+05:00" in e.value.message
    ngo = missions.apply(app, _mission("ref", "NGO-ADAL"), "ref", "NGO-ADAL", "Domestic")
    missions.accredit(app, "ref", ngo, by="cec")  # domestic: not bound by default
    text = "\n".join(missions.explain(app, "ref"))
    assert "5 days before voting day at 18:00" in text and "UNVERIFIED" in text


def test_a_mission_acts_on_its_own_people_only(referendum: tuple[Saylau, str]) -> None:
    app, _ = referendum
    _early(app)
    (odihr,) = _accredited(app, "ODIHR", "odihr")
    _accredited(app, "CIS", "cis")
    cis = _mission("ref", "CIS")
    with pytest.raises(Forbidden) as e:
        missions.apply(app, cis, "ref", "ODIHR", "Intruder")
    assert e.value.code == "other_mission"
    with pytest.raises(Forbidden):
        deployment.deploy(app, cis, "ref", odihr, S1)
    with pytest.raises(Forbidden):
        missions.observers(app, cis, "ref", "ODIHR")
    assert [o.mission for o in missions.observers(app, cis, "ref", "CIS")] == ["CIS"]


def test_who_may_report_and_why_not(referendum: tuple[Saylau, str]) -> None:
    app, _ = referendum
    _early(app)
    (b,) = _accredited(app, "ODIHR", "odihr")
    head = _mission("ref", "ODIHR")
    pending = missions.apply(app, head, "ref", "ODIHR", "Not yet")
    answers = {"opened_on_time": True, "boxes_sealed": True}
    with pytest.raises(Forbidden) as e:
        reports.submit_report(app, _observer("ref", b), "ref", S1, "opening", answers)
    assert e.value.code == "observer_not_deployed"
    with pytest.raises(Forbidden) as e:
        reports.submit_report(app, _observer("ref", pending), "ref", S1, "opening", answers)
    assert e.value.code == "observer_not_accredited"
    deployment.deploy(app, head, "ref", b, S1)
    ok = reports.submit_report(app, _observer("ref", b), "ref", S1, "opening", answers)
    assert (ok.status, ok.version) == ("accepted", 1)
    with pytest.raises(Forbidden) as e:
        reports.submit_report(app, _observer("ref", b), "ref", S2, "opening", answers)
    assert e.value.code == "observer_not_deployed"
    missions.revoke(app, "ref", b, "misconduct", by="cec")
    with pytest.raises(Forbidden) as e:
        reports.submit_report(app, _observer("ref", b), "ref", S1, "opening", answers)
    assert e.value.code == "observer_revoked"
    with app.read() as conn:
        kept = obs_store.rejections(conn, "ref")
    assert [r["code"] for r in kept] == ["observer_not_deployed", "observer_not_accredited",
                                         "observer_not_deployed", "observer_revoked"]


def test_per_station_limit_and_reassignment(referendum: tuple[Saylau, str]) -> None:
    app, _ = referendum
    _early(app)
    a, b = _accredited(app, "CIS", "cis", n=2)
    head = _mission("ref", "CIS")
    deployment.deploy(app, head, "ref", a, S1)
    with pytest.raises(ValidationFailed) as e:
        deployment.deploy(app, head, "ref", b, S1)
    assert e.value.code == "per_station_limit"
    deployment.deploy(app, head, "ref", b, S2)
    deployment.reassign(app, head, "ref", b, S2, S3)
    assert missions.observer_state(app, "ref", b).stations == (S3,)
    cov = {c["unit"]: c for c in deployment.coverage(app, "ref")}
    assert (cov["KZ-71"]["covered"], cov["KZ-75"]["covered"]) == (1, 1)


def test_csv_import_is_all_or_nothing_naming_every_bad_row(
        referendum: tuple[Saylau, str]) -> None:
    app, _ = referendum
    _early(app)
    a, b, c = _accredited(app, "NGO-ADAL", "association", n=3)
    other = _accredited(app, "CIS", "cis")[0]
    head = _mission("ref", "NGO-ADAL")
    pending = missions.apply(app, head, "ref", "NGO-ADAL", "Pending")
    bad = (f"badge,station\n{a},{S1}\n{b},NOWHERE\n{other},{S2}\n{pending},{S2}\n"
           f"{c},{S1}\nNGO-ADAL-9999,{S3}\n").encode()
    with pytest.raises(ImportFailed) as e:
        deployment.import_csv(app, head, "ref", "NGO-ADAL", bad)
    lines = {(r["line"], r["field"]) for r in e.value.rows}
    assert lines == {(3, "station"), (4, "badge"), (5, "badge"), (6, "station"), (7, "badge")}
    with app.read() as conn:
        assert obs_store.deployments(conn, "ref") == {}
    good = f"badge,station\n{a},{S1}\n{b},{S2}\n{c},{S3}\n".encode()
    assert deployment.import_csv(app, head, "ref", "NGO-ADAL", good) == 3
    assert deployment.import_csv(app, head, "ref", "NGO-ADAL", good) == 0  # again: nothing new


def test_checklists_are_versioned_and_idempotent(referendum: tuple[Saylau, str]) -> None:
    app, _ = referendum
    _early(app)
    (b,) = _accredited(app, "ODIHR", "odihr")
    deployment.deploy(app, _mission("ref", "ODIHR"), "ref", b, S1)
    who = _observer("ref", b)
    first = {"registered": 1000, "ballots_issued": 400, "secrecy_ok": True}
    one = reports.submit_report(app, who, "ref", S1, "voting", first)
    again = reports.submit_report(app, who, "ref", S1, "voting", first)
    assert (again.status, again.version, again.leaf) == ("unchanged", 1, one.leaf)
    with pytest.raises(VersionConflict):
        reports.submit_report(app, who, "ref", S1, "voting", {**first, "ballots_issued": 500})
    two = reports.submit_report(app, who, "ref", S1, "voting", {**first, "ballots_issued": 500},
                                correction=True, corrects=1, reason="misread the book")
    assert (two.status, two.version) == ("accepted", 2)
    with pytest.raises(ValidationFailed) as e:
        reports.submit_report(app, who, "ref", S1, "voting",
                              {"registered": 100, "ballots_issued": 160})
    assert e.value.code == "answers_invalid"
    with app.read() as conn:
        rows = obs_store.reports(conn, "ref")
        kept = [r["code"] for r in obs_store.rejections(conn, "ref")]
    assert [(r["slot"], r["version"]) for r in rows] == [("voting", 2)]
    assert kept == ["protocol_conflict", "answers_invalid"]  # nothing sent is lost


def test_incidents_with_photo_and_summary(referendum: tuple[Saylau, str]) -> None:
    app, _ = referendum
    _early(app)
    (b,) = _accredited(app, "CIS", "cis")
    deployment.deploy(app, _mission("ref", "CIS"), "ref", b, S1)
    who = _observer("ref", b)
    from tests.unit.test_observation_domain import _jpeg

    with pytest.raises(ValidationFailed) as e:
        reports.store_photo(app, who, "ref", b"<svg/>")
    assert e.value.code == "photo_invalid"
    stored = reports.store_photo(app, who, "ref", _jpeg(True))
    assert stored["metadata_removed"] == 1
    media, data = reports.photo(app, stored["sha256"])
    assert media == "image/jpeg" and b"GPS" not in data
    text = "<img src=x onerror=alert(1)> ballots in a bag"
    inc = {"category": 1, "severity": 3, "description": text}
    r1 = reports.submit_report(app, who, "ref", S1, "incident", inc, ref="i-1",
                               photo=stored["sha256"])
    r2 = reports.submit_report(app, who, "ref", S1, "incident", inc, ref="i-1",
                               photo=stored["sha256"])
    assert r2.status == "unchanged" and r2.leaf == r1.leaf
    reports.submit_report(app, who, "ref", S1, "incident", {**inc, "category": 6})
    s = compare.incidents_summary(app, "ref")
    assert s["total"] == 2
    assert s["by_category"] == {"ballot stuffing": 1, "other": 1}
    assert s["by_unit"] == {"KZ-71": 2}
    assert text not in json.dumps(s)  # the public summary holds no texts


def test_copies_compared_live_with_the_official_protocol(referendum: tuple[Saylau, str]) -> None:
    app, contest = referendum
    _early(app)
    a, = _accredited(app, "ODIHR", "odihr")
    c, = _accredited(app, "CIS", "cis")
    n, = _accredited(app, "NGO-ADAL", "association")
    for badge, code in ((a, "ODIHR"), (c, "CIS"), (n, "NGO-ADAL")):
        deployment.deploy(app, _mission("ref", code), "ref", badge, S1)
    deployment.deploy(app, _mission("ref", "ODIHR"), "ref", a, S2)
    reg = app.geography().unit(StationId(S1)).registered  # type: ignore[arg-type]
    figs = _figures(protocol(S1, reg))
    reports.submit_copy(app, _observer("ref", a), contest, S1, figs)
    st = {x.station: x for x in compare.station_comparisons(app, contest)}
    assert st[S1].status == "official_missing"
    _official(app, contest, S1)
    st = {x.station: x for x in compare.station_comparisons(app, contest)}
    assert st[S1].status == "matches"
    # the same copy again: idempotent; a disagreeing observer: conflict, both kept
    assert reports.submit_copy(app, _observer("ref", a), contest, S1, figs).status == \
        "unchanged"
    other = protocol(S1, reg, yes=300)
    reports.submit_copy(app, _observer("ref", c), contest, S1, _figures(other))
    (x,) = compare.station_comparisons(app, contest, S1)
    assert x.status == "conflict"
    assert sorted(g.observers for g in x.groups) == sorted([(a,), (c,)])
    # the CIS observer corrects their copy to the official figures: matches again
    reports.submit_copy(app, _observer("ref", c), contest, S1, figs, correction=True,
                        corrects=1, reason="copied the wrong line")
    (x,) = compare.station_comparisons(app, contest, S1)
    assert x.status == "matches"
    # an official protocol corrected away from what observers saw: differs, naming fields
    off = protocol(S1, reg, yes=350)
    counts = ProtocolCounts.of(**{k: v for k, v in off.items() if k not in ("station",
                                                                          "votes")},
                               votes={OptionId(o): v for o, v in off["votes"].items()})
    submit_protocol(app, ADMIN, contest, S1, counts, correction=True, corrects=1,
                    reason="recount")
    (x,) = compare.station_comparisons(app, contest, S1)
    assert x.status == "differs"
    assert {(d.field, d.official, d.observer) for d in x.differences} == {
        ("votes.no", off["votes"]["no"], figs["votes.no"]),
        ("votes.yes", 350, figs["votes.yes"])}
    _official(app, contest, S2)
    report = compare.comparison_report(app, contest)
    assert report["summary"]["observer_missing"] >= 1
    assert report["summary"]["differs"] == 1
    # the copy history keeps every version
    versions = compare.station_copies(app, contest, S1)["versions"]
    assert sorted((v["badge"], v["version"]) for v in versions) == sorted([(a, 1), (c, 1), (c, 2)])


def test_a_copy_failing_the_protocol_checks_is_refused_and_kept(
        referendum: tuple[Saylau, str]) -> None:
    app, contest = referendum
    _early(app)
    (a,) = _accredited(app, "ODIHR", "odihr")
    deployment.deploy(app, _mission("ref", "ODIHR"), "ref", a, S1)
    reg = app.geography().unit(StationId(S1)).registered  # type: ignore[arg-type]
    figs = _figures(protocol(S1, reg))
    figs["ballots_in_boxes"] += 7
    with pytest.raises(ValidationFailed) as e:
        reports.submit_copy(app, _observer("ref", a), contest, S1, figs)
    assert e.value.code == "copy_checks_failed"
    del figs["invalid"]
    with pytest.raises(ValidationFailed) as e:
        reports.submit_copy(app, _observer("ref", a), contest, S1, figs)
    assert e.value.details["findings"][0]["field"] == "invalid"
    with app.read() as conn:
        assert [r["code"] for r in obs_store.rejections(conn, "ref")] == [
            "copy_checks_failed", "copy_invalid"]


def test_text_messages_get_a_reply_each(referendum: tuple[Saylau, str]) -> None:
    app, contest = referendum
    _early(app)
    (a,) = _accredited(app, "ODIHR", "odihr")
    deployment.deploy(app, _mission("ref", "ODIHR"), "ref", a, S1)
    gw = _mission("ref", "ODIHR")
    r = sms.receive(app, gw, "ref", f"OBS {a} {S1} A1Y A2N B2=512")
    assert r.ok, r.text
    assert r.text == f"OK {a} {S1}: opening v1, voting v1"
    again = sms.receive(app, gw, "ref", f"obs {a} {S1} a1y a2n b2=512")
    assert again.text == f"OK {a} {S1}: opening unchanged, voting unchanged"
    assert sms.receive(app, gw, "ref", "HELLO").text.startswith("ERR a report starts with OBS")
    assert "not deployed" in sms.receive(app, gw, "ref", f"OBS {a} {S2} A1Y").text
    cis = _mission("ref", "CIS")
    missions.create_mission(app, "ref", "CIS", "CIS", "cis", by="cec")
    assert "not of mission CIS" in sms.receive(app, cis, "ref", f"OBS {a} {S1} A1Y").text
    reg = app.geography().unit(StationId(S1)).registered  # type: ignore[arg-type]
    f = _figures(protocol(S1, reg))
    order = ["registered", "ballots_received", "ballots_issued", "ballots_cancelled",
             "ballots_in_boxes", "invalid", "both_marked"]
    text = " ".join(f"P{i}={f[k]}" for i, k in enumerate(order, 1))
    opts = [str(o) for o in get_contest(app, contest).option_ids]  # in ballot order
    text += " " + " ".join(f"V{i}={f['votes.' + o]}" for i, o in enumerate(opts, 1))
    r = sms.receive(app, gw, "ref", f"OBS {a} {S1} {text}")
    assert r.text == f"OK {a} {S1}: copy v1", r.text
    partial = sms.receive(app, gw, "ref", f"OBS {a} {S1} P1=5")
    assert partial.text.startswith("ERR ") and "copy" in partial.text


def test_a_mission_that_requires_signed_reports(referendum: tuple[Saylau, str]) -> None:
    from saylau.domain.observation.record import copy_record
    from saylau.domain.record.envelope import signing_bytes
    from saylau.domain.record.signing import public_key_bytes, sign
    from saylau.services.keys import generate_keypair
    from saylau.services.record import all_leaves

    app, contest = referendum
    _early(app)
    missions.create_mission(app, "ref", "OTS", "OTS", "ots", signed_reports=True, by="cec")
    private, public = generate_keypair()
    assert public == public_key_bytes(private)
    b = missions.apply(app, _mission("ref", "OTS"), "ref", "OTS", "Signer",
                       public_key=public.hex())
    missions.accredit(app, "ref", b, by="cec")
    deployment.deploy(app, _mission("ref", "OTS"), "ref", b, S1)
    reg = app.geography().unit(StationId(S1)).registered  # type: ignore[arg-type]
    figs = _figures(protocol(S1, reg))
    with pytest.raises(ValidationFailed) as e:
        reports.submit_copy(app, _observer("ref", b), contest, S1, figs)
    assert e.value.code == "signature_missing"
    body = copy_record(election="ref", contest=contest, station=S1, badge=b, mission="OTS",
                       version=1, figures=dict(figs), reason=None, photo=None,
                       recorded_by="x", recorded_at="2022-05-20T09:00:00Z")["body"]
    good = sign(private, signing_bytes("observer-copy", body))
    other, _ = generate_keypair()
    forged = sign(other, signing_bytes("observer-copy", body))
    with pytest.raises(ValidationFailed) as e:
        reports.submit_copy(app, _observer("ref", b), contest, S1, figs, signature=forged)
    assert e.value.code == "signature_unknown_key"
    tampered = sign(private, signing_bytes("observer-copy", {**body, "version": 2}))
    with pytest.raises(ValidationFailed) as e:
        reports.submit_copy(app, _observer("ref", b), contest, S1, figs, signature=tampered)
    assert e.value.code == "signature_invalid"
    ok = reports.submit_copy(app, _observer("ref", b), contest, S1, figs, signature=good)
    assert ok.status == "accepted"
    leaf = json.loads(list(all_leaves(app, "ref"))[ok.leaf])
    assert leaf["signature"] == good.as_json()
    with app.read() as conn:
        codes = [r["code"] for r in obs_store.rejections(conn, "ref")]
    assert codes == ["signature_missing", "signature_unknown_key", "signature_invalid"]
