"""Protocols, corrections, rejections, turnout and results through the API, on both databases.

Nothing is overwritten (DESIGN.md habit 7): the same protocol twice is stored once, a
different one is a conflict unless it is a correction with a reason, and the history keeps
every version with who, when and why. Validation returns every finding (habit 5).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.integration.support import (
    PRECINCT_STATION,
    STATION_BELOW_TERRITORY,
    STATION_ELSEWHERE,
    Api,
    error_of,
)

S = PRECINCT_STATION
COUNTS = ("registered", "ballots_received", "ballots_issued", "ballots_cancelled",
          "ballots_in_boxes", "invalid", "both_marked", "participants")


def test_submit_then_same_again_then_conflict(api: Api) -> None:
    body = api.protocol(S)
    r = api.submit(body, role="precinct")
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["status"] == "accepted"
    p = out["protocol"]
    assert (p["version"], p["station"], p["contest"]) == (1, S, api.contest)
    assert p["submitted_by"] == "precinct-commission"
    assert p["reason"] is None
    assert out["findings"] == []
    assert p["votes"] == body["votes"]
    assert len(p["content_hash"]) == 64

    again = api.submit(body, role="precinct")
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "unchanged"
    assert again.json()["protocol"] == p
    # the same figures from another commission allowed to write there: still the same record
    assert api.submit(body, role="territorial").status_code == 200
    assert len(api.history(S)) == 1

    changed = api.protocol(S, yes=body["votes"]["yes"] - 1)
    r = api.submit(changed, role="precinct")
    assert r.status_code == 409, r.text
    err = error_of(r)
    assert err["code"] == "protocol_conflict"
    assert err["details"]["station"] == S
    assert err["details"]["current_version"] == 1
    assert err["details"]["current_hash"] == p["content_hash"]
    assert err["details"]["submitted_hash"] != p["content_hash"]
    assert "correction" in err["message"]
    assert len(api.history(S)) == 1


def test_correction_needs_a_reason_and_makes_version_2(api: Api) -> None:
    first = api.protocol(S)
    assert api.submit(first, role="precinct").status_code == 201
    fixed = api.protocol(S, yes=first["votes"]["yes"] - 3, correction=True, corrects=1)
    for reason in (None, "", "   "):
        r = api.submit({**fixed, "reason": reason}, role="precinct")
        assert r.status_code == 422, (reason, r.text)
        err = error_of(r)
        assert err["code"] == "correction_reason_missing"
        assert err["details"]["field"] == "reason"
    assert len(api.history(S)) == 1

    why = "recount of the stationary box: 3 ballots were in the wrong pile"
    r = api.submit({**fixed, "reason": why}, role="territorial")
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "accepted"
    assert r.json()["protocol"]["version"] == 2
    # the correction again is idempotent
    again = api.submit({**fixed, "reason": why}, role="territorial")
    assert (again.status_code, again.json()["status"]) == (200, "unchanged")

    history = api.history(S, role="precinct")
    assert [p["version"] for p in history] == [1, 2]
    v1, v2 = history
    assert (v1["submitted_by"], v1["reason"]) == ("precinct-commission", None)
    assert (v2["submitted_by"], v2["reason"]) == ("territorial-commission", why)
    assert v1["votes"] == first["votes"]
    assert v2["votes"] == fixed["votes"]
    assert datetime.fromisoformat(v1["submitted_at"]) <= datetime.fromisoformat(
        v2["submitted_at"])
    assert datetime.fromisoformat(v2["submitted_at"]).tzinfo is not None
    # results count the current version only
    assert api.results(S)["result"]["votes"] == fixed["votes"]
    assert api.results()["result"]["stations_reported"] == 1


def test_a_correction_names_the_version_it_corrects(api: Api) -> None:
    """A correction says which version it corrects (issue 17, item 10): without it, it is
    refused naming the field; naming a version that is no longer the latest is a 409, kept
    among the rejections with its figures; the same correction again after it was taken is
    idempotent."""
    first = api.protocol(S)
    assert api.submit(first).status_code == 201
    fix = api.protocol(S, yes=first["votes"]["yes"] - 1, correction=True, reason="recount")
    r = api.submit(fix)
    assert r.status_code == 422, r.text
    err = error_of(r)
    assert err["code"] == "correction_version_missing"
    assert err["details"] == {"field": "corrects", "expected": 1, "actual": None}
    r = api.submit({**fix, "corrects": 1})
    assert r.status_code == 201, r.text
    assert r.json()["protocol"]["version"] == 2
    again = api.submit({**fix, "corrects": 1})  # resent after a timeout: the same record
    assert (again.status_code, again.json()["status"]) == (200, "unchanged")
    late = api.protocol(S, yes=first["votes"]["yes"] - 2, correction=True, corrects=1,
                        reason="another recount")
    r = api.submit(late)
    assert r.status_code == 409, r.text
    err = error_of(r)
    assert err["code"] == "correction_stale"
    assert err["details"]["corrects"] == 1 and err["details"]["current_version"] == 2
    assert "version 2" in err["message"]
    for bad in (0, 3, 99):
        r = api.submit({**late, "corrects": bad})
        assert r.status_code == (422 if bad == 0 else 409), r.text
    r = api.submit({**late, "corrects": None, "correction": False})
    assert r.status_code == 409 and error_of(r)["code"] == "protocol_conflict"
    r = api.submit({**api.protocol(S), "corrects": 1})  # a version named, no correction
    assert r.status_code == 422 and error_of(r)["details"]["field"] == "correction"
    kept = api.client.get(f"/api/contests/{api.contest}/rejections", params={"station": S},
                          headers=api.auth("admin")).json()
    codes = [k["findings"][0]["code"] for k in kept]
    assert codes == ["correction.stale", "correction.stale", "correction.stale",
                     "protocol.conflict"]
    assert {k["submitted"]["votes"]["yes"] for k in kept} == {late["votes"]["yes"]}
    assert [p["version"] for p in api.history(S)] == [1, 2]
    r = api.submit({**late, "corrects": 2})
    assert r.status_code == 201 and r.json()["protocol"]["version"] == 3


def test_a_correction_of_nothing_is_refused(api: Api) -> None:
    r = api.submit(api.protocol(S, correction=True, reason="typo"))
    assert r.status_code == 422
    err = error_of(r)
    assert err["code"] == "correction_without_original"
    assert err["details"] == {"field": "correction", "expected": False, "actual": True}
    assert api.history(S) == []


def test_a_first_version_with_a_reason_is_refused(api: Api) -> None:
    """A reason belongs to a correction: a first protocol sent with one is refused, naming
    the field, rather than stored with the reason silently dropped (issue 17, item 11)."""
    r = api.submit(api.protocol(S, reason="recounted twice"))
    assert r.status_code == 422, r.text
    err = error_of(r)
    assert err["code"] == "reason_without_correction"
    assert err["details"] == {"field": "reason", "expected": "no reason on a first protocol "
                              "(a reason explains a correction)", "actual": "recounted twice"}
    assert api.history(S) == []
    # an empty reason says nothing: the protocol is taken, with no reason
    r = api.submit(api.protocol(S, reason=""))
    assert r.status_code == 201, r.text
    assert r.json()["protocol"]["reason"] is None


def test_errors_reject_with_every_finding_and_are_recorded(api: Api) -> None:
    reg = api.registered(S)
    bad = api.protocol(S, issued=reg + 40, in_boxes=reg + 90, yes=600, invalid=10,
                       both_marked=5)
    bad["votes"]["no"] = 100
    bad["ballots_cancelled"] = 0
    bad["ballots_received"] = reg + 40
    r = api.submit(bad, role="precinct")
    assert r.status_code == 422, r.text
    err = error_of(r)
    assert err["code"] == "protocol_rejected"
    findings = err["details"]["findings"]
    assert sorted(f["code"] for f in findings) == [
        "boxes.exceed_issued", "boxes.sum_mismatch", "issued.exceed_registered"]
    assert {f["severity"] for f in findings} == {"error"}
    by_code = {f["code"]: f for f in findings}
    assert by_code["boxes.sum_mismatch"]["numbers"] == {
        "ballots_in_boxes": reg + 90, "expected": 715}
    assert by_code["boxes.exceed_issued"]["numbers"] == {
        "ballots_in_boxes": reg + 90, "ballots_issued": reg + 40}
    assert by_code["issued.exceed_registered"]["numbers"] == {
        "ballots_issued": reg + 40, "registered": reg}
    assert by_code["issued.exceed_registered"]["field"] == "ballots_issued"
    assert f"{reg:,}" in by_code["issued.exceed_registered"]["message"]
    assert "3 error(s)" in err["message"]
    assert api.history(S) == []

    for role, params in (("admin", {}), ("observer", {}), ("precinct", {"station": S})):
        listed = api.client.get(f"/api/contests/{api.contest}/rejections", params=params,
                                headers=api.auth(role))
        assert listed.status_code == 200, listed.text
        (rej,) = listed.json()
        assert rej["station"] == S
        assert rej["submitted_by"] == "precinct-commission"
        assert rej["submitted"]["ballots_in_boxes"] == reg + 90
        assert sorted(f["code"] for f in rej["findings"]) == sorted(by_code)
    other = api.client.get(f"/api/contests/{api.contest}/rejections",
                           params={"station": STATION_ELSEWHERE}, headers=api.auth("admin"))
    assert other.json() == []
    # the fixed protocol is then accepted as the first version
    r = api.submit(api.protocol(S), role="precinct")
    assert (r.status_code, r.json()["protocol"]["version"]) == (201, 1)


def test_warnings_accept_and_flag(api: Api) -> None:
    reg = api.registered(S)
    body = api.protocol(S)
    body["registered"] = reg + 15  # an additional list at the station
    body["ballots_received"] = reg + 40  # 25 ballots unaccounted for
    r = api.submit(body, role="precinct")
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["status"] == "accepted"
    codes = sorted(f["code"] for f in out["findings"])
    assert codes == ["ballots.unaccounted", "registered.differs_from_list"]
    assert {f["severity"] for f in out["findings"]} == {"warning"}
    assert sorted(w["code"] for w in out["protocol"]["warnings"]) == codes
    (stored,) = api.history(S)
    assert sorted(w["code"] for w in stored["warnings"]) == codes
    listed = {w["code"]: w for w in stored["warnings"]}
    assert listed["registered.differs_from_list"]["numbers"] == {
        "registered": reg + 15, "list_size": reg}
    assert api.results(S)["result"]["registered"] == reg + 15


def _sum(rows: list[dict[str, Any]], key: str) -> int:
    return sum(int(r[key]) for r in rows)


def _assert_adds_up(view: dict[str, Any]) -> None:
    """A unit's numbers equal the sum of its children's."""
    unit, children = view["result"], view["children"]
    assert children, view["result"]["unit"]
    for key in (*COUNTS, "stations_expected", "stations_reported", "list_size"):
        assert unit[key] == _sum(children, key), (unit["unit"], key)
    for option in ("yes", "no"):
        assert unit["votes"][option] == sum(c["votes"][option] for c in children)


def test_results_change_and_every_unit_is_the_sum_of_its_children(api: Api) -> None:
    before = api.results()
    assert before["result"]["stations_reported"] == 0
    assert before["result"]["stations_expected"] == 13
    assert before["decision"]["state"] == "pending"
    submitted: dict[str, dict[str, Any]] = {}
    for station in (S, STATION_BELOW_TERRITORY, "KZ-71-ABROAD-S0", STATION_ELSEWHERE,
                    "KZ-11-D1-S1"):
        submitted[station] = api.protocol(station)
        assert api.submit(submitted[station]).status_code == 201
    top = api.results()
    assert top["result"]["stations_reported"] == 5
    assert top["as_of"] >= 5
    assert top["result"]["votes"]["yes"] == sum(p["votes"]["yes"] for p in submitted.values())
    assert top["result"]["ballots_in_boxes"] == sum(
        p["ballots_in_boxes"] for p in submitted.values())
    for unit in (None, "KZ-71", "KZ-71-D0", "KZ-75", "KZ-11-D1"):
        _assert_adds_up(api.results(unit))
    kz71 = api.results("KZ-71")
    assert kz71["result"]["stations_reported"] == 3
    astana = [S, STATION_BELOW_TERRITORY, "KZ-71-ABROAD-S0"]
    assert kz71["result"]["votes"]["no"] == sum(submitted[s]["votes"]["no"] for s in astana)
    station = api.results(S)
    assert station["children"] == []
    assert station["result"]["votes"] == submitted[S]["votes"]
    p = submitted[S]
    assert station["result"]["participants"] == p["ballots_in_boxes"]
    assert station["result"]["turnout"]["fraction"] == (
        f"{p['ballots_in_boxes'] // _gcd(p['ballots_in_boxes'], p['registered'])}/"
        f"{p['registered'] // _gcd(p['ballots_in_boxes'], p['registered'])}")

    # a correction replaces the station's figures: the totals move by the difference
    fixed = api.protocol(S, yes=p["votes"]["yes"] - 7, correction=True, corrects=1,
                         reason="recount")
    assert api.submit(fixed).status_code == 201
    after = api.results()
    assert after["result"]["votes"]["yes"] == top["result"]["votes"]["yes"] - 7
    assert after["result"]["votes"]["no"] == top["result"]["votes"]["no"] + 7
    assert after["result"]["stations_reported"] == 5
    assert after["as_of"] > top["as_of"]
    for unit in (None, "KZ-71", "KZ-71-D0"):
        _assert_adds_up(api.results(unit))


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


def _turnout(api: Api, station: str, at: str, n: int, role: str = "admin") -> Any:
    return api.client.post(f"/api/contests/{api.contest}/turnout",
                           json={"station": station, "at": at, "ballots_issued": n},
                           headers=api.auth(role))


def test_turnout_single_reports(api: Api) -> None:
    reg = api.registered(S)
    r = _turnout(api, S, "10:00", 100, "precinct")
    assert r.status_code == 201, r.text
    assert r.json() == {"status": "accepted", "contest": api.contest, "station": S,
                        "at": "10:00", "ballots_issued": 100}
    again = _turnout(api, S, "10:00", 100, "precinct")
    assert (again.status_code, again.json()["status"]) == (200, "unchanged")
    assert _turnout(api, S, "12:00", 250, "precinct").status_code == 201

    down = _turnout(api, S, "14:00", 200, "precinct")
    assert down.status_code == 422, down.text
    err = error_of(down)
    assert err["code"] == "turnout_rejected"
    (f,) = err["details"]["findings"]
    assert (f["code"], f["field"]) == ("turnout.decreased", "ballots_issued")
    assert f["numbers"] == {"ballots_issued": 200, "earlier": 250}
    # a report between two earlier ones must fit between them too
    between = _turnout(api, S, "11:00", 300, "precinct")
    assert between.status_code == 422
    assert error_of(between)["details"]["findings"][0]["numbers"] == {
        "ballots_issued": 300, "later": 250}

    over = _turnout(api, S, "16:00", reg + 1, "precinct")
    assert over.status_code == 422
    codes = [x["code"] for x in error_of(over)["details"]["findings"]]
    assert codes == ["turnout.exceed_registered"]
    changed = _turnout(api, S, "10:00", 101, "precinct")
    assert changed.status_code == 422
    assert [x["code"] for x in error_of(changed)["details"]["findings"]] == ["turnout.conflict"]

    assert _reported(api, S) == [("10:00", 100), ("12:00", 250)]
    assert api.results(S)["turnout_during_day"][-1]["list_size"] == reg

    # the protocol may not report fewer ballots issued than the last turnout report: a warning
    low = api.protocol(S, issued=200)
    r = api.submit(low, role="precinct")
    assert r.status_code == 201, r.text
    assert [f["code"] for f in r.json()["findings"]] == ["issued.below_turnout_report"]


def _reported(api: Api, unit: str) -> list[tuple[str, int]]:
    """The unit's turnout through the day, at the times some of its stations reported."""
    return [(p["at"], p["ballots_issued"]) for p in api.results(unit)["turnout_during_day"]
            if p["stations_reporting"]]


def _batch(api: Api, reports: list[tuple[str, str, int]], role: str = "territorial") -> Any:
    return api.client.post(
        f"/api/contests/{api.contest}/turnout/batch",
        json={"reports": [{"station": s, "at": a, "ballots_issued": n} for s, a, n in reports]},
        headers=api.auth(role))


def test_turnout_batch_is_idempotent_and_all_or_nothing(api: Api) -> None:
    good = [(S, "10:00", 100), (STATION_BELOW_TERRITORY, "10:00", 120), (S, "12:00", 200)]
    r = _batch(api, good)
    assert r.status_code == 200, r.text
    assert r.json() == {"stored": 3, "unchanged": 0}
    assert _batch(api, good).json() == {"stored": 0, "unchanged": 3}
    assert _batch(api, [*good, (S, "14:00", 300)]).json() == {"stored": 1, "unchanged": 3}

    reg = api.registered(STATION_BELOW_TERRITORY)
    bad = [
        (STATION_BELOW_TERRITORY, "12:00", 150),  # fine on its own
        (S, "16:00", 250),  # below the 300 of 14:00
        (STATION_BELOW_TERRITORY, "14:00", reg + 1),  # over the list
        ("KZ-71-NOPE", "14:00", 1),  # no such station
        (S, "7 pm", 1),  # not a time
    ]
    r = _batch(api, bad)
    assert r.status_code == 422, r.text
    err = error_of(r)
    assert err["code"] == "turnout_batch_rejected"
    rows = err["details"]["rows"]
    assert [x["index"] for x in rows] == [1, 2, 3, 4]
    assert rows[0]["code"] == "turnout.decreased"
    assert rows[1]["code"] == "turnout.exceed_registered"
    assert rows[2]["station"] == "KZ-71-NOPE"
    assert (rows[3]["field"], rows[3]["actual"]) == ("at", "7 pm")
    # nothing of the batch was stored, not even its good first item
    assert _reported(api, STATION_BELOW_TERRITORY) == [("10:00", 120)]
    assert _reported(api, S) == [("10:00", 100), ("12:00", 200), ("14:00", 300)]
    assert _batch(api, bad[:1]).json() == {"stored": 1, "unchanged": 0}


def _two_unit_flip(api: Api) -> None:
    """Every station reports. In KZ-75 and KZ-11 yes has a majority of the ballots in the
    boxes but not of the ballots issued (100 ballots issued were not found in the boxes)."""
    geo = api.saylau.geography()
    for st in geo.stations():
        reg = st.registered
        if st.id.startswith(("KZ-75", "KZ-11")):
            body = api.protocol(st.id, issued=700, in_boxes=600, invalid=10, both_marked=10,
                                yes=320)
        else:
            body = api.protocol(st.id)
        assert body["registered"] == reg
        r = api.submit(body)
        assert r.status_code == 201, r.text


def test_decision_with_both_readings(api: Api) -> None:
    _two_unit_flip(api)
    url = f"/api/contests/{api.contest}/decision"
    default = api.client.get(url)
    assert default.status_code == 200, default.text
    d = default.json()
    assert d["state"] == "adopted"
    assert d["readings"]["participants"] == "ballots-in-boxes"
    assert d["readings"]["two_thirds"] == "exact"
    assert (d["units_total"], d["units_with_majority"], d["units_required"]) == (3, 3, 2)
    assert d["stations_reported"] == d["stations_expected"] == 13
    assert d["as_of"] == api.results()["as_of"]
    assert api.results()["decision"]["state"] == "adopted"

    issued = api.client.get(url, params={"participants": "ballots-issued"}).json()
    assert issued["readings"]["participants"] == "ballots-issued"
    assert issued["state"] == "not_adopted"
    assert issued["units_with_majority"] == 1
    assert issued["failed_condition"]
    assert issued["participants"] > d["participants"]

    floor = api.client.get(url, params={"participants": "ballots-issued",
                                        "two_thirds": "floor"}).json()
    assert floor["readings"]["two_thirds"] == "floor"
    assert floor["units_required"] == 2
    assert floor["state"] == "not_adopted"
    assert all(isinstance(step, str) and step for step in floor["explanation"])

    bad = api.client.get(url, params={"two_thirds": "most"})
    assert bad.status_code == 422
    (e,) = error_of(bad)["details"]["errors"]
    assert (e["field"], e["actual"]) == ("query.two_thirds", "most")


def test_results_page_through_many_children(api: Api) -> None:
    """A unit with many children answers a page of them and says how many there are."""
    root = api.client.get(f"/api/contests/{api.contest}/results").json()
    total = root["children_total"]
    assert total == len(root["children"]) >= 2
    first = api.client.get(f"/api/contests/{api.contest}/results?children_limit=1").json()
    second = api.client.get(
        f"/api/contests/{api.contest}/results?children_limit=1&children_offset=1").json()
    assert (first["children_total"], len(first["children"]), second["children_offset"]) == (
        total, 1, 1)
    assert [first["children"][0]["unit"], second["children"][0]["unit"]] == [
        c["unit"] for c in root["children"][:2]]
    assert api.client.get(
        f"/api/contests/{api.contest}/results?children_limit=20000").status_code == 422
