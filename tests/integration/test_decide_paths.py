"""One `decide()` for every publisher: on a store (SQLite and PostgreSQL), the decision each of
today's service paths gives (live results, the list and candidate decisions of the API, CLI and
site, open data's snapshot, the record's published results, a Senate seat's decision, the
chamber's composition) equals the domain's `decide()` on the same tally, for every contest kind,
provisional and final. The publishers can then be wired to `decide()` one by one."""

from __future__ import annotations

import random
from dataclasses import astuple

from saylau.domain.access import Principal, Role
from saylau.domain.decide import DecisionState, SessionRound, decide
from saylau.domain.ids import ActorId
from saylau.domain.law.parliament import DistrictResult, compose_chamber
from saylau.domain.names import Names
from saylau.services import parliament as ps
from saylau.services import record as record_svc
from saylau.services import results as results_svc
from saylau.services import senate as senate_svc
from saylau.services.bulk import import_protocols
from saylau.services.context import Saylau
from saylau.services.elections import get_contest, get_election
from saylau.services.export import snapshot
from tests.integration import test_parliament as parliament_tests

ADMIN = Principal(ActorId("cec"), Role.ADMIN)
majilis = parliament_tests.majilis  # the kz-2022 Majilis election of test_parliament.py
_protocol_csv = parliament_tests._protocol_csv


def _decide(app: Saylau, contest_id: str, **kw: object):  # type: ignore[no-untyped-def]
    c = get_contest(app, contest_id)
    geo, tally = results_svc.all_unit_results(app, contest_id)
    return decide(c, tally, geo, get_election(app, c.election).ruleset, **kw)  # type: ignore[arg-type]


def test_every_path_of_a_majilis_election_equals_decide(
        majilis: tuple[Saylau, list[str]]) -> None:
    app, contests = majilis
    list_id, districts = contests[0], contests[1:]
    rng = random.Random(5)
    # before any protocol: pending everywhere
    d = _decide(app, list_id)
    assert d.state is DecisionState.PENDING
    assert snapshot(app, list_id).list_seats is None
    assert record_svc.published_results(app, "m")["contests"][list_id]["decision"] == \
        d.summary() == {"state": "pending"}
    # the first 50 stations of the list: provisional; then all of them: final
    full = _protocol_csv(app, list_id, rng)
    for data, state in ((b"\n".join(full.split(b"\n")[:51]) + b"\n", "provisional"),
                        (full, "final")):
        import_protocols(app, ADMIN, list_id, data)
        d = _decide(app, list_id)
        ld, progress = ps.list_decision(app, list_id)  # the API, the CLI, the site
        assert d.list_seats == ld == snapshot(app, list_id).list_seats  # open data
        assert d.state.value == state == ("final" if progress.complete else "provisional")
        assert (d.stations_reported, d.stations_expected) == (progress.stations_reported,
                                                             progress.stations_expected)
        assert record_svc.published_results(app, "m")["contests"][list_id]["decision"] == \
            d.summary() == {"seats": ld.seats}
    # districts: one where "against all" wins, one half reported, the rest complete
    results = []
    for k, cid in enumerate(districts):
        data = _protocol_csv(app, cid, rng, against_all_wins=k == 0)
        if k == 1:
            data = b"\n".join(data.split(b"\n")[:2]) + b"\n"
        import_protocols(app, ADMIN, cid, data)
        d = _decide(app, cid)
        cd, progress = ps.candidate_decision(app, cid)
        assert d.candidates == cd == snapshot(app, cid).candidates
        assert d.outcome == cd.outcome.value and d.winner == cd.winner
        assert d.state.value == ("final" if progress.complete else "provisional")
        assert record_svc.published_results(app, "m")["contests"][cid]["decision"] == \
            d.summary()
        results.append(DistrictResult(get_contest(app, cid), cd, progress.complete))
    assert _decide(app, districts[0]).outcome == "repeat"
    # the chamber: the pure composition equals the service's
    comp = ps.composition(app, "m")
    mine = compose_chamber(comp.ruleset, get_contest(app, list_id), comp.list_decision, True,
                           results)
    assert (mine.chamber, mine.size, mine.vacancies, mine.pending) == (
        comp.chamber, comp.size, comp.vacancies, comp.pending)
    assert [astuple(s) for s in mine.seats] == [astuple(s) for s in comp.seats]
    assert mine.by_party() == comp.by_party()


def test_a_referendum_as_the_live_results_open_data_and_the_record_decide_it(
        referendum: tuple[Saylau, str]) -> None:
    from tests.integration.support import make_api

    app, contest_id = referendum
    d = _decide(app, contest_id)
    live, _seq = results_svc.decide(app, contest_id)
    assert d.referendum == live == snapshot(app, contest_id).referendum
    assert d.state is DecisionState.PENDING
    api = make_api(app, contest_id)
    with api.client:
        for station in ("KZ-71-D0-S0", "KZ-75-D1-S1"):
            assert api.submit(api.protocol(station)).status_code == 201
    d = _decide(app, contest_id)
    live, _seq = results_svc.decide(app, contest_id)
    assert d.referendum == live == snapshot(app, contest_id).referendum
    assert d.state is DecisionState.PROVISIONAL and d.outcome == "pending"
    assert record_svc.published_results(app, "ref")["contests"][contest_id]["decision"] == \
        d.summary()


def test_the_presidency_and_a_senate_seat_as_their_services_decide_them(
        saylau: Saylau) -> None:
    from saylau.data import load_kz_units
    from saylau.domain.generator import generate_kazakhstan
    from saylau.services.geography import load_geography

    load_geography(saylau, generate_kazakhstan(load_kz_units(), stations=60, seed=3, abroad=1))
    _, president = ps.create_presidential(
        saylau, election_id="p", name=Names.same("P"), ruleset_name="kz-2022",
        date="2024-01-01", candidates=[ps.CandidateSpec(c, Names.same(c), None)
                                       for c in ("A", "B", "C")], by=ActorId("cec"))
    import_protocols(saylau, ADMIN, president.id,
                     _protocol_csv(saylau, president.id, random.Random(1)))
    d = _decide(saylau, president.id)
    cd, _p = ps.candidate_decision(saylau, president.id)
    assert d.candidates == cd == snapshot(saylau, president.id).candidates
    assert d.state is DecisionState.FINAL
    top = saylau.geography().top_level()[0].id
    _, (seat,) = senate_svc.create_senate_election(
        saylau, election_id="s", name=Names.same("S"), ruleset_name="kz-2022",
        date="2024-01-01", seats={top: [ps.CandidateSpec(c, Names.same(c), None)
                                        for c in ("X", "Y", "Z")]}, by=ActorId("cec"))
    assert _decide(saylau, seat.id).state is DecisionState.PENDING
    assert senate_svc.seat_decision(saylau, seat.id) is None
    senate_svc.submit_session(saylau, ADMIN, seat.id, round_=1, electors=100,
                              electors_present=90, invalid=2,
                              votes={"X": 40, "Y": 30, "Z": 18})
    rounds = tuple(SessionRound(r.round, r.version, r.electors, r.electors_present, r.invalid,
                                r.votes) for r in snapshot(saylau, seat.id).sessions)
    d = _decide(saylau, seat.id, rounds=rounds)
    assert d.candidates == senate_svc.seat_decision(saylau, seat.id)
    assert d.outcome == "runoff" and d.state is DecisionState.FINAL
