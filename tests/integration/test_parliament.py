"""A kz-2022 Majilis election in the store, on SQLite and PostgreSQL: lists and 29 districts,
protocols in bulk, the chamber composed, rulesets compared, all through public entry points."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from saylau.api.app import create_app
from saylau.data import load_kz_units
from saylau.domain.access import Principal, Role
from saylau.domain.districts import draw_districts
from saylau.domain.errors import ValidationFailed
from saylau.domain.generator import generate_kazakhstan
from saylau.domain.ids import ActorId
from saylau.domain.law.parliament import PartyVotes, decide_list_seats
from saylau.domain.names import Names
from saylau.services import parliament as ps
from saylau.services.bulk import import_protocols
from saylau.services.context import Saylau
from saylau.services.geography import load_geography

ADMIN = Principal(ActorId("cec"), Role.ADMIN)
PARTIES = [ps.PartySpec(p, Names.same(p), k + 1, ("a", "b"))
           for k, p in enumerate(["P1", "P2", "P3", "P4"])]
HEADER = "station,registered,ballots_received,ballots_issued,ballots_cancelled," \
         "ballots_in_boxes,invalid"


@pytest.fixture
def majilis(saylau: Saylau) -> Iterator[tuple[Saylau, list[str]]]:
    geo = generate_kazakhstan(load_kz_units(), stations=200, seed=11, abroad=3)
    load_geography(saylau, geo)
    districts = draw_districts(geo, 29)
    cands = {d.id: [ps.CandidateSpec(f"{d.id}-A", Names.same("A"), "P1"),
                    ps.CandidateSpec(f"{d.id}-B", Names.same("B"), None)] for d in districts}
    _, made = ps.create_parliament(
        saylau, election_id="m", name=Names.same("Majilis"), ruleset_name="kz-2022",
        date="2023-03-19", parties=PARTIES, districts=districts, candidates=cands,
        by=ActorId("cec"))
    return saylau, [c.id for c in made]


def _protocol_csv(app: Saylau, contest_id: str, rng: random.Random,
                  against_all_wins: bool = False) -> bytes:
    from saylau.services.elections import get_contest

    geo = app.geography()
    c = get_contest(app, contest_id)
    opts = [o.id for o in c.options]
    lines = [HEADER + "," + ",".join(opts)]
    stations = [s for s in geo.stations() if c.votes_at(geo, s.id)]
    for s in stations:
        issued = s.registered // 2
        invalid = 3
        weights = [rng.randint(1, 10) for _ in opts]
        weights[0] = 30  # the first party or candidate leads
        if against_all_wins:
            weights[-1] = 1000
        total = issued - invalid
        votes = [total * w // sum(weights) for w in weights]
        votes[0] += total - sum(votes)
        lines.append(",".join(map(str, [s.id, s.registered, issued + 5, issued, 5, issued,
                                        invalid, *votes])))
    return ("\n".join(lines) + "\n").encode()


def test_the_chamber_forms_from_the_protocols(majilis: tuple[Saylau, list[str]]) -> None:
    app, contests = majilis
    list_id, districts = contests[0], contests[1:]
    assert len(districts) == 29
    rng = random.Random(3)
    full = _protocol_csv(app, list_id, rng)
    first_50 = b"\n".join(full.split(b"\n")[:51]) + b"\n"
    import_protocols(app, ADMIN, list_id, first_50)
    comp = ps.composition(app, "m")
    assert "list" in comp.pending and len(comp.pending) == 30  # provisional everywhere
    report = import_protocols(app, ADMIN, list_id, full)  # the first 50 rows are unchanged
    assert (report.accepted, report.unchanged) == (150, 50)
    for k, cid in enumerate(districts):
        import_protocols(app, ADMIN, cid, _protocol_csv(app, cid, rng, against_all_wins=k == 0))
    comp = ps.composition(app, "m")
    assert comp.pending == ()
    assert comp.size == 98
    assert sum(1 for s in comp.seats if s.source == "list") == 69
    assert comp.vacancies == (districts[0].split(".")[-1].upper(),)
    district_seats = [s for s in comp.seats if s.source == "district"]
    assert len(district_seats) == 28
    assert len(comp.seats) == 97
    # every district seat went to the candidate with the most votes, with the right party
    for s in district_seats:
        d = comp.district_decisions[str(s.district)]
        assert d.winner == s.member
        assert s.party == ("P1" if str(s.member).endswith("-A") else None)


def test_list_seats_equal_the_law_applied_to_the_tally(
    majilis: tuple[Saylau, list[str]]
) -> None:
    app, contests = majilis
    list_id = contests[0]
    import_protocols(app, ADMIN, list_id, _protocol_csv(app, list_id, random.Random(9)))
    from saylau.services.results import results

    r = results(app, list_id).result
    parties = [PartyVotes(p.id, r.vote(p.id), p.registration_order) for p in PARTIES]  # type: ignore[arg-type]
    expected = decide_list_seats(parties, ruleset="kz-2022",
                                 against_all=r.vote("AGAINST_ALL"))  # type: ignore[arg-type]
    got, progress = ps.list_decision(app, list_id)
    assert progress.complete
    assert got.seats == expected.seats
    assert sum(got.seats.values()) == 69
    compared = ps.compare(app, "m", ["kz-2007", "kz-2022", "kz-2026"])
    assert {k: sum(v.seats.values()) for k, v in compared.items()} == {
        "kz-2007": 98, "kz-2022": 69, "kz-2026": 145}
    assert compared["kz-2007"].against_all is None  # no such option under kz-2007


def test_a_station_reports_both_of_its_contests(majilis: tuple[Saylau, list[str]]) -> None:
    app, contests = majilis
    client = TestClient(create_app(app))
    from saylau.services.tokens import create_token

    geo = app.geography()
    station = next(iter(geo.stations()))
    token = create_token(app, "PEC", "precinct", station.id)
    from saylau.services.elections import get_contest

    mine = [cid for cid in contests if get_contest(app, cid).votes_at(geo, station.id)]
    assert len(mine) == 2  # the list and exactly one district
    for cid in mine:
        c = get_contest(app, cid)
        votes = {o.id: 0 for o in c.options}
        votes[c.options[0].id] = 10
        body = {"station": station.id, "registered": station.registered,
                "ballots_received": 20, "ballots_issued": 12, "ballots_cancelled": 8,
                "ballots_in_boxes": 12, "invalid": 2, "votes": votes}
        r = client.post(f"/api/contests/{cid}/protocols", json=body,
                        headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 201, r.text
    other = next(cid for cid in contests[1:] if cid not in mine)
    r = client.post(f"/api/contests/{other}/protocols", json=body,
                    headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 422
    assert "does not vote" in r.json()["error"]["message"]
    r = client.get("/api/elections/m/composition")
    assert r.status_code == 200
    assert r.json()["size"] == 98
    r = client.get("/api/elections/m/compare?rulesets=kz-2007,kz-2022")
    assert set(r.json()["seats"]) == {"kz-2007", "kz-2022"}
    senate = client.get("/api/senate?ruleset=kz-2022").json()
    assert (senate["elected"], senate["appointed"], senate["size"]) == (40, 10, 50)
    assert client.get("/api/senate?ruleset=kz-2007").json()["size"] == 55
    assert client.get("/api/senate?ruleset=kz-2026").status_code == 422


def test_bad_elections_are_refused_with_every_problem(saylau: Saylau) -> None:
    geo = generate_kazakhstan(load_kz_units(), stations=100, seed=1, abroad=1)
    load_geography(saylau, geo)
    long_list = ps.PartySpec("BIG", Names.same("Big"), 9, tuple(f"n{k}" for k in range(91)))
    with pytest.raises(ValidationFailed) as e:
        ps.create_parliament(saylau, election_id="x", name=Names.same("x"),
                             ruleset_name="kz-2022", date="2023-03-19",
                             parties=[*PARTIES, long_list, PARTIES[0]], by=ActorId("cec"))
    rows = e.value.details["rows"]
    fields = {r["field"] for r in rows}
    assert {"parties.BIG.list_names", "parties.id", "parties.registration_order",
            "districts"} <= fields
    assert ps.list_size_limit(69) == 90
