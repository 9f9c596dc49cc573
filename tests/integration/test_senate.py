"""Senate seats through the API on both databases: two rounds, append-only session protocols,
the unit's commission only, and the parliament election created over the API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from saylau.api.app import create_app
from saylau.services.context import Saylau
from saylau.services.tokens import create_token


def _names(text: str) -> dict[str, str]:
    return {"kk": text, "ru": text, "en": text}


def test_a_senate_seat_through_two_rounds(referendum: tuple[Saylau, str]) -> None:
    app, _ = referendum
    admin = {"Authorization": f"Bearer {create_token(app, 'cec', 'admin')}"}
    tec = {"Authorization": f"Bearer {create_token(app, 'tec', 'territorial', 'KZ-11')}"}
    other = {"Authorization": f"Bearer {create_token(app, 'tec2', 'territorial', 'KZ-75')}"}
    c = TestClient(create_app(app))
    body = {"id": "sen", "name": _names("Senate 2023"), "ruleset": "kz-2022",
            "date": "2023-01-14",
            "seats": {"KZ-11": [{"id": "A", "name": _names("A")},
                                {"id": "B", "name": _names("B")},
                                {"id": "C", "name": _names("C")}]}}
    r = c.post("/api/elections/senate", json=body, headers=admin)
    assert r.status_code == 201, r.text
    cid = r.json()["contests"][0]["id"]
    assert c.get(f"/api/contests/{cid}/decision").json()["state"] == "pending"
    round1 = {"round": 1, "electors": 200, "electors_present": 190, "invalid": 4,
              "votes": {"A": 80, "B": 70, "C": 36}}
    assert c.post(f"/api/contests/{cid}/session", json=round1, headers=other).status_code == 403
    r = c.post(f"/api/contests/{cid}/session", json=round1, headers=tec)
    assert r.status_code == 201, r.text
    assert c.post(f"/api/contests/{cid}/session", json=round1, headers=tec).status_code == 200
    d = c.get(f"/api/contests/{cid}/decision").json()
    assert (d["outcome"], sorted(d["runoff"])) == ("runoff", ["A", "B"])
    bad_round2 = {"round": 2, "electors": 200, "electors_present": 188, "votes": {"A": 90,
                                                                                  "C": 90}}
    r = c.post(f"/api/contests/{cid}/session", json=bad_round2, headers=tec)
    assert r.status_code == 422
    assert r.json()["error"]["details"]["expected"] == ["A", "B"]
    round2 = {"round": 2, "electors": 200, "electors_present": 188, "votes": {"A": 90,
                                                                              "B": 95}}
    assert c.post(f"/api/contests/{cid}/session", json=round2, headers=tec).status_code == 201
    d = c.get(f"/api/contests/{cid}/decision").json()
    assert (d["outcome"], d["winner"]) == ("elected", "B")
    changed = {**round2, "votes": {"A": 96, "B": 89}}
    assert c.post(f"/api/contests/{cid}/session", json=changed, headers=tec).status_code == 409
    fixed = {**changed, "correction": True, "corrects": 1,
             "reason": "ballots recounted by the commission"}
    assert c.post(f"/api/contests/{cid}/session", json=fixed, headers=tec).status_code == 201
    assert c.get(f"/api/contests/{cid}/decision").json()["winner"] == "A"
    history = c.get(f"/api/contests/{cid}/sessions").json()
    assert [(h["round"], h["version"]) for h in history] == [(1, 1), (2, 1), (2, 2)]
    assert history[2]["reason"] == "ballots recounted by the commission"
    assert history[1]["votes"] == {"A": 90, "B": 95}  # nothing overwritten
    impossible = {"round": 1, "electors": 10, "electors_present": 12, "votes": {"A": 1, "B": 1,
                                                                                 "C": 1},
                  "correction": True, "corrects": 1, "reason": "x"}
    r = c.post(f"/api/contests/{cid}/session", json=impossible, headers=tec)
    assert r.status_code == 422
    assert r.json()["error"]["details"]["findings"][0]["field"] == "electors_present"


def test_a_first_session_protocol_with_a_reason_is_refused(
    referendum: tuple[Saylau, str]
) -> None:
    """As for stations (issue 17, item 11): a reason belongs to a correction."""
    app, _ = referendum
    admin = {"Authorization": f"Bearer {create_token(app, 'cec', 'admin')}"}
    c = TestClient(create_app(app))
    body = {"id": "sen", "name": _names("Senate"), "date": "2023-01-14",
            "seats": {"KZ-11": [{"id": "A", "name": _names("A")},
                                {"id": "B", "name": _names("B")}]}}
    cid = c.post("/api/elections/senate", json=body, headers=admin).json()["contests"][0]["id"]
    session = {"electors": 200, "electors_present": 190, "invalid": 0,
               "votes": {"A": 120, "B": 70}, "reason": "typed by habit"}
    r = c.post(f"/api/contests/{cid}/session", json=session, headers=admin)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "reason_without_correction"
    assert r.json()["error"]["details"]["field"] == "reason"
    assert c.get(f"/api/contests/{cid}/sessions").json() == []


def test_no_senate_under_kz_2026(referendum: tuple[Saylau, str]) -> None:
    app, _ = referendum
    admin = {"Authorization": f"Bearer {create_token(app, 'cec', 'admin')}"}
    c = TestClient(create_app(app))
    body = {"id": "sen", "name": _names("S"), "ruleset": "kz-2026", "date": "2026-09-01",
            "seats": {"KZ-11": [{"id": "A", "name": _names("A")}]}}
    r = c.post("/api/elections/senate", json=body, headers=admin)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "no_senate"


def test_a_kurultai_election_over_the_api(referendum: tuple[Saylau, str]) -> None:
    app, _ = referendum
    admin = {"Authorization": f"Bearer {create_token(app, 'cec', 'admin')}"}
    c = TestClient(create_app(app))
    parties = [{"id": p, "name": _names(p), "registration_order": k + 1}
               for k, p in enumerate(["X", "Y"])]
    body = {"id": "k26", "name": _names("Kurultai"), "ruleset": "kz-2026",
            "date": "2026-08-30", "parties": parties}
    r = c.post("/api/elections/parliament", json=body, headers=admin)
    assert r.status_code == 201, r.text
    [contest] = r.json()["contests"]
    assert [o["id"] for o in contest["options"]] == ["X", "Y", "AGAINST_ALL"]
    long = [{**parties[0], "list_names": [f"n{k}" for k in range(189)]}, parties[1]]
    r = c.post("/api/elections/parliament", json={**body, "id": "k27", "parties": long},
               headers=admin)
    assert r.status_code == 201  # 145 + 30% = 188.5 -> 189 names allowed
    long[0]["list_names"].append("one too many")
    r = c.post("/api/elections/parliament", json={**body, "id": "k28", "parties": long},
               headers=admin)
    assert r.status_code == 422
    assert r.json()["error"]["details"]["rows"][0]["expected"].startswith("at most 189")


def test_a_presidential_election_goes_to_a_runoff(referendum: tuple[Saylau, str]) -> None:
    app, _ = referendum
    admin = {"Authorization": f"Bearer {create_token(app, 'cec', 'admin')}"}
    c = TestClient(create_app(app))
    cands = [{"id": x, "name": _names(x)} for x in ("T", "U", "V")]
    r = c.post("/api/elections/presidential", json={
        "id": "p", "name": _names("President"), "date": "2022-11-20", "candidates": cands},
        headers=admin)
    assert r.status_code == 201, r.text
    [contest] = r.json()["contests"]
    assert [o["id"] for o in contest["options"]] == ["T", "U", "V", "AGAINST_ALL"]
    geo = app.geography()
    for s in geo.stations():  # T leads everywhere but without a majority of participants
        body = {"station": s.id, "registered": s.registered, "ballots_received": 300,
                "ballots_issued": 250, "ballots_cancelled": 50, "ballots_in_boxes": 250,
                "invalid": 10, "votes": {"T": 115, "U": 75, "V": 30, "AGAINST_ALL": 20}}
        r = c.post(f"/api/contests/{contest['id']}/protocols", json=body, headers=admin)
        assert r.status_code == 201, r.text
    d = c.get(f"/api/contests/{contest['id']}/decision").json()
    assert d["outcome"] == "runoff"
    assert sorted(d["runoff"]) == ["T", "U"]
    assert d["stations_reported"] == d["stations_expected"] == len(list(geo.stations()))
