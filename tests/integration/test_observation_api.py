"""Observation over the API, on SQLite and PostgreSQL (issue 12): a mission head's and real
observers' tokens, 403s naming why, idempotent resubmission, the comparison, the SMS webhook,
photos."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from saylau.services.observation import missions
from tests.integration.support import PRECINCT_STATION, Api, error_of

OBS = "/api/elections/ref/observation"
S1, S2 = PRECINCT_STATION, "KZ-71-D1-S0"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def obs(api: Api) -> dict[str, Any]:
    """ODIHR with a head's token and one observer deployed to S1; CIS with its head's token."""
    api.saylau.clock = lambda: datetime(2022, 5, 20, 9, 0, tzinfo=UTC)
    admin = api.auth("admin")
    for code, org in (("ODIHR", "odihr"), ("CIS", "cis")):
        r = api.client.post(f"{OBS}/missions", json={"code": code, "name": f"{code} <b>m</b>",
                                                    "organisation": org}, headers=admin)
        assert r.status_code == 201, r.text
    head = missions.mission_token(api.saylau, "ref", "ODIHR", by="test")
    cis = missions.mission_token(api.saylau, "ref", "CIS", by="test")
    r = api.client.post(f"{OBS}/missions/ODIHR/observers", json={"name": "A. Observer"},
                        headers=_bearer(head))
    assert r.status_code == 201, r.text
    badge = r.json()["badge"]
    r = api.client.post(f"{OBS}/observers/{badge}/accredit", headers=admin)
    assert r.status_code == 200, r.text
    token = r.json()["token"]
    r = api.client.post(f"{OBS}/deployments", json={"badge": badge, "station": S1},
                        headers=_bearer(head))
    assert r.status_code == 201, r.text
    return {"head": head, "cis": cis, "badge": badge, "token": token}


def _figures(api: Api, station: str, **over: Any) -> dict[str, int]:
    p = api.protocol(station, **over)
    out = {k: v for k, v in p.items() if k not in ("station", "votes")}
    out.update({f"votes.{o}": v for o, v in p["votes"].items()})
    return out


def test_an_observer_reports_for_its_station_once(api: Api, obs: dict[str, Any]) -> None:
    me = _bearer(obs["token"])
    body = {"station": S1, "form": "opening",
            "answers": {"opened_on_time": True, "boxes_sealed": True}}
    r1 = api.client.post(f"{OBS}/reports", json=body, headers=me)
    r2 = api.client.post(f"{OBS}/reports", json=body, headers=me)
    assert (r1.status_code, r2.status_code) == (201, 200), (r1.text, r2.text)
    assert r2.json()["status"] == "unchanged" and r2.json()["leaf"] == r1.json()["leaf"]
    r = api.client.post(f"{OBS}/reports", json={**body, "station": S2}, headers=me)
    assert r.status_code == 403
    assert error_of(r)["code"] == "observer_not_deployed"
    r = api.client.post(f"{OBS}/reports", json={**body, "answers": {"opened_on_time": 3}},
                        headers=me)
    assert r.status_code == 422
    fields = {f["field"] for f in error_of(r)["details"]["findings"]}
    assert fields == {"opened_on_time", "boxes_sealed"}
    r = api.client.post(f"{OBS}/observers/{obs['badge']}/revoke",
                        json={"reason": "misconduct"}, headers=api.auth("admin"))
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    r = api.client.post(f"{OBS}/reports", json=body, headers=me)
    assert r.status_code == 401 and error_of(r)["code"] == "token_revoked"


def test_a_mission_sees_and_acts_on_its_own_people_only(api: Api, obs: dict[str, Any]) -> None:
    cis = _bearer(obs["cis"])
    for method, url, body in [
        ("GET", f"{OBS}/missions/ODIHR/observers", None),
        ("GET", f"{OBS}/missions/ODIHR/report", None),
        ("POST", f"{OBS}/missions/ODIHR/observers", {"name": "Intruder"}),
        ("POST", f"{OBS}/deployments", {"badge": obs["badge"], "station": S2}),
    ]:
        r = api.client.request(method, url, json=body, headers=cis)
        assert r.status_code == 403, (url, r.text)
        assert error_of(r)["code"] == "other_mission"
    r = api.client.get(f"{OBS}/missions/ODIHR/observers", headers=_bearer(obs["head"]))
    assert [o["badge"] for o in r.json()] == [obs["badge"]]
    r = api.client.post(f"{OBS}/sms", json={"text": f"OBS {obs['badge']} {S1} A1Y"},
                        headers=cis)
    assert r.json() == {"ok": False, "reply": f"ERR badge {obs['badge']} is not of mission CIS"}
    # the public list of missions holds counts, never an observer's name
    pub = api.client.get(f"{OBS}/missions")
    assert pub.status_code == 200
    assert "A. Observer" not in pub.text
    odihr = next(m for m in pub.json()["missions"] if m["code"] == "ODIHR")
    assert (odihr["accredited"], odihr["stations_covered"]) == (1, 1)


def test_copies_and_the_public_comparison(api: Api, obs: dict[str, Any]) -> None:
    me = _bearer(obs["token"])
    url = f"/api/contests/{api.contest}/observation/copies"
    figs = _figures(api, S1, yes=400)
    r = api.client.post(url, json={"station": S1, "figures": figs}, headers=me)
    assert r.status_code == 201, r.text
    assert api.submit(api.protocol(S1)).status_code == 201
    cmp = api.client.get(f"/api/contests/{api.contest}/observation/comparison")
    assert cmp.status_code == 200
    (st,) = [s for s in cmp.json()["stations"] if s["station"] == S1]
    assert st["status"] == "differs"
    assert {d["field"] for d in st["differences"]} == {"votes.yes", "votes.no"}
    one = api.client.get(f"/api/contests/{api.contest}/observation/comparison",
                         params={"station": S1}).json()
    assert one["comparison"]["status"] == "differs"
    assert [v["version"] for v in one["versions"]] == [1]


def test_sms_webhook_replies_to_every_message(api: Api, obs: dict[str, Any]) -> None:
    head = _bearer(obs["head"])
    b = obs["badge"]
    for text, ok, start in [
        (f"OBS {b} {S1} A1Y A2Y", True, f"OK {b} {S1}: opening v1"),
        (f"OBS {b} {S1} A1Y A2Y", True, f"OK {b} {S1}: opening unchanged"),
        ("obs", False, "ERR badge and station missing"),
        (f"OBS {b} {S1} A1Q", False, "ERR 'A1Q' is not an answer"),
        (f"OBS {b} {S2} A1Y", False, "ERR observer"),
    ]:
        r = api.client.post(f"{OBS}/sms", json={"sender": "+7701", "text": text},
                            headers=head)
        assert r.status_code == 200
        assert r.json()["ok"] is ok and r.json()["reply"].startswith(start), r.json()


def test_photos_images_only(api: Api, obs: dict[str, Any]) -> None:
    from tests.unit.test_observation_domain import _png

    me = {**_bearer(obs["token"]), "Content-Type": "image/png"}
    r = api.client.post(f"{OBS}/photos", content=b"MZ\x90\x00 not an image", headers=me)
    assert r.status_code == 422 and error_of(r)["code"] == "photo_invalid"
    r = api.client.post(f"{OBS}/photos", content=_png(b"tEXt", b"GPS\x0043N"), headers=me)
    assert r.status_code == 201, r.text
    assert r.json()["metadata_removed"] == 1
    big = b"\x89PNG\r\n\x1a\n" + b"\x00" * (6 * 1024 * 1024)
    r = api.client.post(f"{OBS}/photos", content=big, headers=me)
    assert r.status_code == 413, r.text


def test_deployment_import_names_every_bad_row(api: Api, obs: dict[str, Any]) -> None:
    head = {**_bearer(obs["head"]), "Content-Type": "text/csv"}
    csv = f"badge,station\n{obs['badge']},{S2}\nODIHR-0099,{S2}\n{obs['badge']},NOPE\n"
    r = api.client.post(f"{OBS}/missions/ODIHR/deployments/import", content=csv.encode(),
                        headers=head)
    assert r.status_code == 422, r.text
    rows = error_of(r)["details"]["rows"]
    assert [(x["line"], x["field"]) for x in rows] == [(3, "badge"), (4, "station")]


def test_forms_are_versioned_and_owned(api: Api, obs: dict[str, Any]) -> None:
    head = _bearer(obs["head"])
    form = {"id": "odihr-count", "kind": "counting", "title": "ODIHR count",
            "questions": [{"id": "registered", "type": "integer", "label": "R"},
                          {"id": "ballots_issued", "type": "integer", "label": "I"}],
            "rules": [{"expression": "ballots_issued <= registered", "message": "too many"}],
            "sms_prefix": "D"}
    r1 = api.client.post(f"{OBS}/forms", json={"definition": form}, headers=head)
    r2 = api.client.post(f"{OBS}/forms", json={"definition": form}, headers=head)
    assert (r1.status_code, r1.json()["version"], r2.json()["version"]) == (201, 1, 1)
    changed = {**form, "title": "ODIHR count, v2"}
    r3 = api.client.post(f"{OBS}/forms", json={"definition": changed}, headers=head)
    assert r3.json()["version"] == 2 and r3.json()["owner"] == "ODIHR"
    r = api.client.post(f"{OBS}/forms", json={"definition": changed},
                        headers=_bearer(obs["cis"]))
    assert r.status_code == 403 and error_of(r)["code"] == "other_form_owner"
    bad = {**form, "rules": [{"expression": "__import__('os').system('x')", "message": "m"}]}
    r = api.client.post(f"{OBS}/forms", json={"definition": bad}, headers=head)
    assert r.status_code == 422
    (finding,) = error_of(r)["details"]["findings"]
    assert finding["field"] == "rules[0]"
    me = _bearer(obs["token"])
    r = api.client.post(f"{OBS}/reports", json={
        "station": S1, "form": "odihr-count",
        "answers": {"registered": 10, "ballots_issued": 11}}, headers=me)
    assert r.status_code == 422
    assert error_of(r)["details"]["findings"][0]["message"] == "too many"
    r = api.client.post(f"{OBS}/sms", json={"text": f"OBS {obs['badge']} {S1} D1=10 D2=9"},
                        headers=head)
    assert r.json() == {"ok": True, "reply": f"OK {obs['badge']} {S1}: odihr-count v1"}


def test_the_mission_exports_its_own_reports(api: Api, obs: dict[str, Any]) -> None:
    me = _bearer(obs["token"])
    r = api.client.post(f"{OBS}/reports", json={
        "station": S1, "form": "opening",
        "answers": {"opened_on_time": True, "boxes_sealed": False}}, headers=me)
    assert r.status_code == 201
    head = _bearer(obs["head"])
    js = api.client.get(f"{OBS}/missions/ODIHR/report", headers=head).json()
    assert [(x["badge"], x["slot"]) for x in js["reports"]] == [(obs["badge"], "opening")]
    csv = api.client.get(f"{OBS}/missions/ODIHR/report", params={"format": "csv"},
                         headers=head)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.lstrip("\ufeff").splitlines()
    assert lines[0] == "kind,badge,station,slot,form,contest,version,content,submitted_at"
    assert lines[1].startswith(f"checklist,{obs['badge']},{S1},opening,opening,,1,")
    r = api.client.get(f"{OBS}/missions/ODIHR/report", params={"format": "csv"},
                       headers=_bearer(obs["cis"]))
    assert r.status_code == 403


def test_open_data_includes_the_comparison(api: Api, obs: dict[str, Any]) -> None:
    idx = api.client.get("/api/elections/ref/open-data/csv").json()
    assert "observation.csv" not in idx["files"]  # no copy yet: no file
    me = _bearer(obs["token"])
    r = api.client.post(f"/api/contests/{api.contest}/observation/copies",
                        json={"station": S1, "figures": _figures(api, S1, yes=400)}, headers=me)
    assert r.status_code == 201
    assert api.submit(api.protocol(S1)).status_code == 201
    csv = api.client.get("/api/elections/ref/open-data/csv/observation.csv").text
    rows = csv.lstrip("\ufeff").splitlines()
    assert rows[0] == "contest,station,status,field,official,observer,observers"
    mine = [x for x in rows if f",{S1},differs,votes.yes," in x]
    assert len(mine) == 1 and mine[0].endswith(f",400,{obs['badge']}")
    js = api.client.get("/api/elections/ref/open-data/json/observation.json").json()
    assert {s["station"]: s["status"] for s in js["stations"]}[S1] == "differs"
