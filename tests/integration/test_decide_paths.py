"""One `decide()` for every publisher: on a store (SQLite and PostgreSQL), the decision each of
today's service paths gives (live results, the list and candidate decisions of the API, CLI and
site, open data's snapshot, the record's published results, a Senate seat's decision, the
chamber's composition) equals the domain's `decide()` on the same tally, for every contest kind,
provisional and final.

And what each publisher shows is one decision (`every_publisher`): the API's
GET /api/contests/{id}/decision, the site's page data (web.views), the open data's JSON export
(`<contest>.decision.json`) and the exported record's decision as `saylau verify` recomputes it
from the leaves alone, for a referendum, the party lists, single-member districts, the
presidency and a Senate seat, pending, provisional, final and undecidable."""

from __future__ import annotations

import json
import random
from dataclasses import astuple
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from saylau.api.app import create_app
from saylau.domain.access import Principal, Role
from saylau.domain.contests import ContestKind
from saylau.domain.decide import Decision, DecisionState, SessionRound, decide
from saylau.domain.ids import ActorId
from saylau.domain.law.candidates import decision_json as candidate_json
from saylau.domain.law.parliament import DistrictResult, compose_chamber
from saylau.domain.law.parliament import decision_json as list_json
from saylau.domain.law.referendum import decision_json as referendum_json
from saylau.domain.names import Names
from saylau.services import parliament as ps
from saylau.services import record as record_svc
from saylau.services import results as results_svc
from saylau.services import senate as senate_svc
from saylau.services.bulk import import_protocols
from saylau.services.context import Saylau
from saylau.services.elections import get_contest, get_election
from saylau.services.export import election_snapshots, file_stem, open_data_files, snapshot
from saylau.web import views
from tests.integration import test_parliament as parliament_tests
from tests.integration.support import error_of
from tests.integration.test_record import verify_dir

ADMIN = Principal(ActorId("cec"), Role.ADMIN)
majilis = parliament_tests.majilis  # the kz-2022 Majilis election of test_parliament.py
_protocol_csv = parliament_tests._protocol_csv


def _decide(app: Saylau, contest_id: str, **kw: object):  # type: ignore[no-untyped-def]
    c = get_contest(app, contest_id)
    geo, tally = results_svc.all_unit_results(app, contest_id)
    return decide(c, tally, geo, get_election(app, c.election).ruleset, **kw)  # type: ignore[arg-type]


def _record_decisions(app: Saylau, election: str, tmp: Path) -> dict[str, Any]:
    """The election's record exported and verified (`saylau verify`): each contest's decision
    as the verifier recomputes it from the leaves alone (it also held the server's published
    results equal to it, or raised)."""
    out = tmp / f"record-{len(list(tmp.iterdir()))}"
    record_svc.export_record(app, election, out)
    _report, verified = verify_dir(out)
    return dict(verified.decisions)


def _site_figures(app: Saylau, d: Decision) -> dict[str, Any] | None:
    """The decision the site's page shows (its page data, web.views), as the law's JSON."""
    info = views.election_info(app, get_contest(app, d.contest).election)
    if d.kind is ContestKind.REFERENDUM:
        ref = views.unit_view(app, info).referendum
        return None if ref is None else referendum_json(ref)
    if d.kind is ContestKind.PARTY_LIST:
        ld = views.unit_view(app, info).list_decision
        return None if ld is None else list_json(ld)
    cd = views.contest_view(app, info, d.contest).decision
    return None if cd is None else candidate_json(cd)


def every_publisher(app: Saylau, contest_id: str, tmp: Path,
                    record: dict[str, Any] | None = None) -> Decision:
    """The contest's decision as the API, the site, the open data and the record give it, held
    equal to the one service decision; returns that decision. `record` is the verifier's
    decisions of the contest's election (exported and verified when not given)."""
    d, seq = results_svc.decision(app, contest_id)
    law = d.law_json("en")
    decided = d.state in (DecisionState.PROVISIONAL, DecisionState.FINAL)
    # the API
    with TestClient(create_app(app), raise_server_exceptions=False) as client:
        r = client.get(f"/api/contests/{contest_id}/decision")
    if d.reason is not None or (law is None and d.stations_expected is not None):
        assert r.status_code == 422, r.text
        assert error_of(r)["code"] == d.not_decided_error().code
    else:
        assert r.status_code == 200, r.text
        api = r.json()
        assert api.pop("as_of") == seq
        if d.stations_expected is not None and d.referendum is None:
            assert (api.pop("stations_reported"), api.pop("stations_expected")) == (
                d.stations_reported, d.stations_expected)
        if law is None:  # a Senate seat before its joint session
            assert (api["state"], api["outcome"]) == ("pending", None) == (d.state.value,
                                                                         d.outcome)
        else:
            assert api == law
            assert api["outcome"] if d.referendum is None else api["state"]
    # the site's page data
    site = _site_figures(app, d)
    if decided or d.referendum is not None:
        assert site == law
    elif d.candidates is not None:  # a candidate contest before its first protocol
        assert site == law and d.state is DecisionState.PENDING
    elif d.kind is ContestKind.PARTY_LIST:  # no chamber drawn from these figures
        assert site is None
    # the open data (JSON export)
    c = get_contest(app, contest_id)
    files = open_data_files(*election_snapshots(app, c.election), "json")
    od = json.loads(files[f"{file_stem(contest_id)}.decision.json"])
    assert od["as_of"] == seq
    if decided or d.referendum is not None:
        assert od["decision"] == law
    elif d.reason is not None:
        assert (od["decision"], od["state"], od["reason"]) == (None, "undecidable",
                                                               d.reason.message)
    else:
        assert (od["decision"], od["state"]) == (None, "pending")
    # the exported record, as `saylau verify` recomputes it (a Senate seat from its
    # joint-session leaves)
    rec = record if record is not None else _record_decisions(app, c.election, tmp)
    assert rec[contest_id] == ({"error": d.reason.message} if d.reason is not None
                               else d.summary())
    return d


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


# --- every publisher shows the one decision ---------------------------------------------------


def test_every_publisher_gives_one_decision_for_the_majilis_lists_and_districts(
        majilis: tuple[Saylau, list[str]], tmp_path: Path) -> None:
    app, contests = majilis
    list_id, districts = contests[0], contests[1:]
    rng = random.Random(7)
    assert every_publisher(app, list_id, tmp_path).state is DecisionState.PENDING
    d = every_publisher(app, districts[0], tmp_path)
    assert d.state is DecisionState.PENDING and d.outcome is None
    full = _protocol_csv(app, list_id, rng)
    for data, state in ((b"\n".join(full.split(b"\n")[:51]) + b"\n",
                         DecisionState.PROVISIONAL), (full, DecisionState.FINAL)):
        import_protocols(app, ADMIN, list_id, data)
        d = every_publisher(app, list_id, tmp_path)
        assert d.state is state and d.list_seats is not None and d.list_seats.seats
    # one district where "against all" wins, one with one station, one complete
    for k, cid in enumerate(districts[:3]):
        data = _protocol_csv(app, cid, rng, against_all_wins=k == 0)
        import_protocols(app, ADMIN, cid, b"\n".join(data.split(b"\n")[:2]) + b"\n"
                         if k == 1 else data)
    record = _record_decisions(app, "m", tmp_path)
    got = [every_publisher(app, cid, tmp_path, record) for cid in (list_id, *districts[:4])]
    assert [(d.state.value, d.outcome) for d in got] == [
        ("final", "allocated"), ("final", "repeat"), ("provisional", got[2].outcome),
        ("final", "elected"), ("pending", None)]


def test_a_list_no_party_passes_is_undecidable_for_every_publisher(
        majilis: tuple[Saylau, list[str]], tmp_path: Path) -> None:
    app, contests = majilis
    list_id = contests[0]
    import_protocols(app, ADMIN, list_id,
                     _protocol_csv(app, list_id, random.Random(2), against_all_wins=True))
    d = every_publisher(app, list_id, tmp_path)
    assert d.state is DecisionState.UNDECIDABLE and d.reason is not None
    assert d.reason.code == "no_party_passed"


def test_every_publisher_gives_one_decision_for_a_referendum(
        referendum: tuple[Saylau, str], tmp_path: Path) -> None:
    from tests.integration.support import make_api

    app, contest_id = referendum
    assert every_publisher(app, contest_id, tmp_path).state is DecisionState.PENDING
    api = make_api(app, contest_id)
    stations = [s.id for s in app.geography().stations()]
    with api.client:
        for k, station in enumerate(stations):
            assert api.submit(api.protocol(station)).status_code == 201
            if k == 1:
                d = every_publisher(app, contest_id, tmp_path)
                assert d.state is DecisionState.PROVISIONAL and d.outcome == "pending"
    d = every_publisher(app, contest_id, tmp_path)
    assert d.state is DecisionState.FINAL and d.outcome in ("adopted", "not_adopted")


def test_every_publisher_gives_one_decision_for_the_presidency_and_a_senate_seat(
        saylau: Saylau, tmp_path: Path) -> None:
    from saylau.data import load_kz_units
    from saylau.domain.generator import generate_kazakhstan
    from saylau.services.geography import load_geography

    load_geography(saylau, generate_kazakhstan(load_kz_units(), stations=60, seed=3, abroad=1))
    _, president = ps.create_presidential(
        saylau, election_id="p", name=Names.same("P"), ruleset_name="kz-2022",
        date="2024-01-01", candidates=[ps.CandidateSpec(c, Names.same(c), None)
                                       for c in ("A", "B", "C")], by=ActorId("cec"))
    assert every_publisher(saylau, president.id, tmp_path).state is DecisionState.PENDING
    import_protocols(saylau, ADMIN, president.id,
                     _protocol_csv(saylau, president.id, random.Random(1)))
    d = every_publisher(saylau, president.id, tmp_path)
    assert (d.state, d.outcome) == (DecisionState.FINAL, "elected")
    top = saylau.geography().top_level()[0].id
    _, (seat,) = senate_svc.create_senate_election(
        saylau, election_id="s", name=Names.same("S"), ruleset_name="kz-2022",
        date="2024-01-01", seats={top: [ps.CandidateSpec(c, Names.same(c), None)
                                        for c in ("X", "Y", "Z")]}, by=ActorId("cec"))
    assert every_publisher(saylau, seat.id, tmp_path).state is DecisionState.PENDING
    senate_svc.submit_session(saylau, ADMIN, seat.id, round_=1, electors=100,
                              electors_present=90, invalid=2,
                              votes={"X": 40, "Y": 30, "Z": 18})
    assert every_publisher(saylau, seat.id, tmp_path).outcome == "runoff"
    senate_svc.submit_session(saylau, ADMIN, seat.id, round_=2, electors=100,
                              electors_present=90, invalid=2, votes={"X": 50, "Y": 38})
    d = every_publisher(saylau, seat.id, tmp_path)
    assert (d.outcome, d.winner, len(d.rounds)) == ("elected", "X", 2)


def test_a_generic_list_decides_with_the_elections_parameters_everywhere(
        majilis: tuple[Saylau, list[str]], tmp_path: Path) -> None:
    """The generic ruleset's numbers come with the election: the record carries them (the
    election leaf's `params`), so the verifier decides the seats the API and open data give."""
    app, _ = majilis
    _, (lists,) = ps.create_parliament(
        app, election_id="g", name=Names.same("Generic"), ruleset_name="generic",
        date="2023-03-19", parties=parliament_tests.PARTIES,
        params={"seats": "50", "threshold": "4", "method": "dhondt"}, by=ActorId("cec"))
    import_protocols(app, ADMIN, lists.id, _protocol_csv(app, lists.id, random.Random(4)))
    d = every_publisher(app, lists.id, tmp_path)
    assert d.list_seats is not None and d.list_seats.seats_total == 50
    assert d.state is DecisionState.FINAL


def test_the_command_line_gives_the_apis_decision(
        majilis: tuple[Saylau, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    """`saylau results CONTEST --json` shows the decision the API gives, for the lists and a
    district (it showed a referendum's only), and none before the list's first protocol."""
    from typer.testing import CliRunner

    from saylau.cli.main import app as cli

    app, contests = majilis
    list_id, district = contests[0], contests[1]
    monkeypatch.setenv("SAYLAU_DATABASE_URL",
                       app.engine.url.render_as_string(hide_password=False))

    def cli_decision(cid: str) -> Any:
        r = CliRunner().invoke(cli, ["results", cid, "--json"])
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)["decision"]

    def api_decision(cid: str) -> Any:
        with TestClient(create_app(app), raise_server_exceptions=False) as client:
            return client.get(f"/api/contests/{cid}/decision").json()

    assert cli_decision(list_id) is None  # no votes yet: the API says 422
    rng = random.Random(9)
    for cid in (list_id, district):
        import_protocols(app, ADMIN, cid, _protocol_csv(app, cid, rng))
        assert cli_decision(cid) == api_decision(cid)
        assert cli_decision(cid)["outcome"] in ("allocated", "elected", "runoff", "repeat")
