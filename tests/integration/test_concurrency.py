"""Races through a real server: submissions for one slot at the same moment.

A real uvicorn server runs the app in a thread; each racer has its own HTTP connection, opened
beforehand, and all of them wait at a barrier before sending. SQLite serialises writers
(BEGIN IMMEDIATE); PostgreSQL relies on the unique constraints and the services' retry. Either
way: exactly one submission is stored, the others are told what happened (unchanged, or a
conflict), and nobody gets a 500.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from saylau.api.app import create_app
from tests.integration.support import Api, serving

pytestmark = pytest.mark.timeout(120)


def race(base: str, token: str, requests: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    """Send every (path, json) POST at the same moment, one connection each; the responses
    in the same order."""
    barrier = threading.Barrier(len(requests))
    results: list[Any] = [None] * len(requests)
    headers = {"Authorization": f"Bearer {token}"}

    def run(k: int, path: str, body: dict[str, Any]) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            client.get("/healthz").raise_for_status()  # the connection is open before the race
            barrier.wait(timeout=30)
            try:
                results[k] = client.post(path, json=body)
            except httpx.HTTPError as exc:  # reported, not raised in a thread
                results[k] = exc

    threads = [threading.Thread(target=run, args=(k, p, b)) for k, (p, b) in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    for r in results:
        assert isinstance(r, httpx.Response), r
    return results


def statuses(responses: list[Any]) -> Counter[int]:
    return Counter(r.status_code for r in responses)


@pytest.fixture
def server(api: Api) -> Any:
    with serving(create_app(api.saylau)) as base:
        yield base


STATIONS = ("KZ-71-D0-S0", "KZ-71-D0-S1", "KZ-71-D1-S0", "KZ-75-D0-S0", "KZ-75-D1-S1",
            "KZ-11-D0-S1")


def test_two_different_protocols_at_once_one_wins_one_conflicts(api: Api, server: str) -> None:
    token = api.tokens["admin"]
    for station in STATIONS:
        a = api.protocol(station)
        b = api.protocol(station, yes=a["votes"]["yes"] - 1)
        ra, rb = race(server, token, [(api.protocols_url, a), (api.protocols_url, b)])
        assert sorted([ra.status_code, rb.status_code]) == [201, 409], (ra.text, rb.text)
        winner, loser = (ra, rb) if ra.status_code == 201 else (rb, ra)
        assert loser.json()["error"]["code"] == "protocol_conflict"
        history = api.history(station)
        assert len(history) == 1, history
        assert history[0]["version"] == 1
        assert history[0]["content_hash"] == winner.json()["protocol"]["content_hash"]
        assert loser.json()["error"]["details"]["current_hash"] == history[0]["content_hash"]


def test_identical_protocols_at_once_are_stored_once(api: Api, server: str) -> None:
    token = api.tokens["admin"]
    n = 8
    for station in STATIONS[:3]:
        body = api.protocol(station)
        got = race(server, token, [(api.protocols_url, body)] * n)
        assert statuses(got) == Counter({201: 1, 200: n - 1}), [r.text for r in got]
        assert {r.json()["protocol"]["version"] for r in got} == {1}
        assert len({r.json()["protocol"]["content_hash"] for r in got}) == 1
        assert len(api.history(station)) == 1
    assert api.results()["result"]["stations_reported"] == 3


def test_corrections_at_once_exactly_one_is_accepted(api: Api, server: str) -> None:
    """Three corrections of version 1 sent at the same moment (issue 17, item 10): each names
    the version it corrects, so exactly one becomes version 2; the others correct a version
    that is no longer the latest and get 409 `correction_stale`, and are kept, with their
    figures, among the rejections. Nothing stacks silently, nothing is lost."""
    token = api.tokens["admin"]
    for station in STATIONS[:3]:
        first = api.protocol(station)
        assert api.submit(first).status_code == 201
        fixes = [(api.protocols_url, api.protocol(station, yes=first["votes"]["yes"] - k,
                                                  correction=True, corrects=1,
                                                  reason=f"recount {k}"))
                 for k in (1, 2, 3)]
        got = race(server, token, fixes)
        assert statuses(got) == Counter({201: 1, 409: 2}), [r.text for r in got]
        (winner,) = [r for r in got if r.status_code == 201]
        assert winner.json()["protocol"]["version"] == 2
        for r in got:
            if r.status_code == 409:
                err = r.json()["error"]
                assert err["code"] == "correction_stale"
                assert (err["details"]["corrects"], err["details"]["current_version"]) == (1, 2)
        history = api.history(station)
        assert [p["version"] for p in history] == [1, 2]
        assert history[1]["content_hash"] == winner.json()["protocol"]["content_hash"]
        kept = api.client.get(f"/api/contests/{api.contest}/rejections",
                              params={"station": station}, headers=api.auth("admin")).json()
        losers = {r.json()["protocol"]["votes"]["yes"] for r in got if r.status_code == 201}
        assert len(kept) == 2
        assert {k["findings"][0]["code"] for k in kept} == {"correction.stale"}
        sent = {f[1]["votes"]["yes"] for f in fixes}
        assert {k["submitted"]["votes"]["yes"] for k in kept} == sent - losers
        assert api.results(station)["result"]["votes"] == history[-1]["votes"]


def test_session_corrections_at_once_exactly_one_is_accepted(api: Api, server: str) -> None:
    """The same for a Senate seat's joint-session protocol: one correction of version 1 is
    taken, the others get 409 `correction_stale` (none is a 500 on PostgreSQL's unique
    version slot)."""
    token = api.tokens["admin"]
    names = {"kk": "S", "ru": "S", "en": "S"}
    r = api.client.post("/api/elections/senate", headers=api.auth("admin"), json={
        "id": "sen", "name": names, "date": "2023-01-14",
        "seats": {"KZ-11": [{"id": "A", "name": names}, {"id": "B", "name": names}]}})
    assert r.status_code == 201, r.text
    url = f"/api/contests/{r.json()['contests'][0]['id']}/session"
    first = {"electors": 100, "electors_present": 90, "invalid": 0, "votes": {"A": 60, "B": 30}}
    assert api.client.post(url, json=first, headers=api.auth("admin")).status_code == 201
    fixes = [(url, {**first, "votes": {"A": 60 - k, "B": 30 + k}, "correction": True,
                    "corrects": 1, "reason": f"recount {k}"}) for k in (1, 2, 3)]
    got = race(server, token, fixes)
    assert statuses(got) == Counter({201: 1, 409: 2}), [r.text for r in got]
    assert {r.json()["error"]["code"] for r in got if r.status_code == 409} == {
        "correction_stale"}
    history = api.client.get(url.replace("/session", "/sessions")).json()
    assert [h["version"] for h in history] == [1, 2]


def _turnout_url(api: Api) -> str:
    return f"/api/contests/{api.contest}/turnout"


def test_turnout_reports_at_once(api: Api, server: str) -> None:
    token = api.tokens["admin"]
    station = STATIONS[1]
    url = _turnout_url(api)
    same = {"station": station, "at": "10:00", "ballots_issued": 100}
    got = race(server, token, [(url, same)] * 6)
    assert statuses(got) == Counter({201: 1, 200: 5}), [r.text for r in got]
    other = {"station": station, "at": "12:00", "ballots_issued": 150}
    got = race(server, token, [(url, other), (url, {**other, "ballots_issued": 160})])
    assert statuses(got) == Counter({201: 1, 422: 1}), [r.text for r in got]
    (refused,) = [r for r in got if r.status_code == 422]
    codes = [f["code"] for f in refused.json()["error"]["details"]["findings"]]
    assert codes == ["turnout.conflict"]
    series = [(p["at"], p["ballots_issued"]) for p in api.results(station)["turnout_during_day"]]
    assert series[0] == ("10:00", 100)
    assert series[1][0] == "12:00"
    assert series[1][1] in (150, 160)


def test_turnout_batches_at_once(api: Api, server: str) -> None:
    token = api.tokens["admin"]
    url = f"/api/contests/{api.contest}/turnout/batch"
    reports = [{"station": s, "at": "10:00", "ballots_issued": 50 + k}
               for k, s in enumerate(STATIONS)]
    got = race(server, token, [(url, {"reports": reports})] * 4)
    assert statuses(got) == Counter({200: 4}), [r.text for r in got]
    stored = sorted(r.json()["stored"] for r in got)
    assert sum(stored) == len(STATIONS)
    for r in got:
        assert r.json()["stored"] + r.json()["unchanged"] == len(STATIONS)
    point = api.results()["turnout_during_day"][0]
    assert (point["at"], point["stations_reporting"]) == ("10:00", len(STATIONS))
    assert point["ballots_issued"] == sum(50 + k for k in range(len(STATIONS)))


def test_the_same_election_created_at_once(api: Api, server: str) -> None:
    names = {"kk": "a", "ru": "b", "en": "c"}
    body = {"id": "poll", "name": names, "date": "2030-01-01", "question": names,
            "constitutional": False}
    got = race(server, api.tokens["admin"], [("/api/elections/referendum", body)] * 4)
    assert statuses(got) == Counter({201: 1, 409: 3}), [r.text for r in got]
    ids = [e["id"] for e in api.client.get("/api/elections").json()]
    assert ids.count("poll") == 1


def test_reads_during_writes_are_consistent(api: Api, server: str) -> None:
    """Results read while protocols arrive always add up (a unit is the sum of its
    children) and never go backwards."""
    token = api.tokens["admin"]
    stop = threading.Event()
    seen: dict[int, list[tuple[int, int]]] = {0: [], 1: []}
    problems: list[str] = []

    def reader(k: int) -> None:
        with httpx.Client(base_url=server, timeout=60) as client:
            while not stop.is_set():
                v = client.get(f"/api/contests/{api.contest}/results").json()
                kids = v["children"]
                for key in ("ballots_in_boxes", "stations_reported", "registered"):
                    if v["result"][key] != sum(c[key] for c in kids):
                        problems.append(f"{key} does not add up at as_of {v['as_of']}")
                seen[k].append((v["as_of"], v["result"]["stations_reported"]))

    def writer(stations: list[str]) -> None:
        with httpx.Client(base_url=server, timeout=60,
                          headers={"Authorization": f"Bearer {token}"}) as client:
            for s in stations:
                r = client.post(api.protocols_url, json=api.protocol(s))
                if r.status_code != 201:
                    problems.append(r.text)

    geo = api.saylau.geography()
    stations = [s.id for s in geo.stations()]
    jobs: list[Callable[[], None]] = [lambda: reader(0), lambda: reader(1),
                                      lambda: writer(stations[::2]), lambda: writer(stations[1::2])]
    threads = [threading.Thread(target=j) for j in jobs]
    for t in threads:
        t.start()
    for t in threads[2:]:
        t.join(timeout=60)
    stop.set()
    for t in threads[:2]:
        t.join(timeout=60)
    assert not problems, problems
    final = api.results()["result"]
    assert final["stations_reported"] == len(stations)
    for views in seen.values():
        assert views
        # one reader's successive views only move forward
        assert views == sorted(views)
        # no view counts more stations than the record it was computed from holds
        assert all(reported <= as_of for as_of, reported in views)
