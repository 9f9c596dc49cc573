""""How the decision was reached" on the public pages, served and in the static snapshot: each
step's text and the rule it cites, in the page's language, for a referendum, the Majilis (list
seats and a district), the President and a Senate seat; never a Python repr."""

from __future__ import annotations

import html as html_lib
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rich.console import Console

from saylau.api.app import create_app
from saylau.cli.demo import MAJILIS, REFERENDUM, DemoOptions, run_demo
from saylau.domain.access import Principal, Role
from saylau.domain.contests import ContestKind
from saylau.domain.explain import Step
from saylau.domain.ids import ActorId, OptionId
from saylau.domain.names import LANGUAGES, Names
from saylau.domain.protocols import ProtocolCounts
from saylau.services import elections as election_svc
from saylau.services import parliament as ps
from saylau.services import results as results_svc
from saylau.services import senate as senate_svc
from saylau.services.context import Saylau
from saylau.services.geography import load_geography
from saylau.services.protocols import submit_protocol
from saylau.web.publish import publish
from tests.conftest import small_country

ADMIN = Principal(ActorId("cec"), Role.ADMIN)
REPR = re.compile(r"Step\(|Phrase\(|Join\(|Fig\(|rule=|text=")


def explanations(page: str) -> list[list[str]]:
    """Each explanation of a page: its steps as shown (tags dropped, entities decoded)."""
    blocks = re.findall(r'<details class="explanation">(.*?)</details>', page, flags=re.S)
    return [[" ".join(html_lib.unescape(re.sub(r"<[^>]+>", "", item)).split())
             for item in re.findall(r"<li data-step=\"[^\"]+\">(.*?)</li>", block, flags=re.S)]
            for block in blocks]


def shown(steps: tuple[Step, ...], lang: str) -> list[str]:
    return [" ".join(s.render(lang).split()) for s in steps]


def assert_explains(page: str, steps: tuple[Step, ...], lang: str) -> None:
    assert not REPR.search(page), REPR.search(page)
    assert f'<html lang="{lang}">' in page
    assert shown(steps, lang) in explanations(page)


# --- the stores ---------------------------------------------------------------------------------


def _demo(path: Path, election: str, stations: int) -> Path:
    run_demo(DemoOptions(instant=True, stations=stations, database=path, election=election),
             Console(file=io.StringIO()))
    return path


@pytest.fixture(scope="module")
def ref_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _demo(tmp_path_factory.mktemp("ref") / "ref.db", "referendum", 120)


@pytest.fixture(scope="module")
def maj_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _demo(tmp_path_factory.mktemp("maj") / "maj.db", "majilis", 200)


@pytest.fixture(scope="module")
def cand_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small country with a presidential election (a runoff) and a Senate seat (elected
    in round 2), all through the services."""
    db = tmp_path_factory.mktemp("cand") / "cand.db"
    app = Saylau.open(f"sqlite:///{db}")
    try:
        load_geography(app, small_country())
        _, pres = ps.create_presidential(
            app, election_id="pres", name=Names.same("President"), ruleset_name="kz-2022",
            date="2022-11-20", by=ActorId("cec"),
            candidates=[ps.CandidateSpec("T", Names("Тоқаев", "Токаев", "Tokayev"), None),
                        ps.CandidateSpec("U", Names.same("U"), None),
                        ps.CandidateSpec("V", Names.same("V"), None)])
        for s in app.geography().stations():
            votes = {OptionId("T"): 115, OptionId("U"): 75, OptionId("V"): 30,
                     OptionId("AGAINST_ALL"): 20}
            submit_protocol(app, ADMIN, pres.id, s.id, ProtocolCounts.of(
                registered=s.registered, ballots_received=300, ballots_issued=250,
                ballots_cancelled=50, ballots_in_boxes=250, invalid=10, votes=votes.items()))
        _, (seat,) = senate_svc.create_senate_election(
            app, election_id="sen", name=Names.same("Senate 2023"), ruleset_name="kz-2022",
            date="2023-01-14", by=ActorId("cec"),
            seats={"KZ-11": [ps.CandidateSpec("A", Names.same("A"), None),
                             ps.CandidateSpec("B", Names.same("B"), None),
                             ps.CandidateSpec("C", Names.same("C"), None)]})
        senate_svc.submit_session(app, ADMIN, seat.id, round_=1, electors=200,
                                  electors_present=190, invalid=4,
                                  votes={"A": 80, "B": 70, "C": 36})
        senate_svc.submit_session(app, ADMIN, seat.id, round_=2, electors=200,
                                  electors_present=188, invalid=0, votes={"A": 90, "B": 95})
    finally:
        app.engine.dispose()
    return db


def _client(db: Path) -> Iterator[tuple[TestClient, Saylau]]:
    s = Saylau.open(f"sqlite:///{db}")
    with TestClient(create_app(s)) as c:
        yield c, s
    s.engine.dispose()


@pytest.fixture(scope="module")
def ref(ref_db: Path) -> Iterator[tuple[TestClient, Saylau]]:
    yield from _client(ref_db)


@pytest.fixture(scope="module")
def maj(maj_db: Path) -> Iterator[tuple[TestClient, Saylau]]:
    yield from _client(maj_db)


@pytest.fixture(scope="module")
def cand(cand_db: Path) -> Iterator[tuple[TestClient, Saylau]]:
    yield from _client(cand_db)


# --- the served pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_referendum_page_explains_in_its_language(ref: tuple[TestClient, Saylau],
                                                      lang: str) -> None:
    c, app = ref
    d, _ = results_svc.decide(app, f"{REFERENDUM}.referendum")
    assert d is not None
    page = c.get(f"/?lang={lang}").text
    assert_explains(page, d.explanation, lang)
    units = [s for s in d.explanation if s.code == "ref.unit"]
    assert units, "a constitutional referendum explains each top-level unit"
    top = app.geography().top_level()[0]
    assert any(s.text_in(lang).startswith(top.name.get(lang) + ":") for s in units)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_majilis_pages_explain_the_list_seats_and_a_district(
        maj: tuple[TestClient, Saylau], lang: str) -> None:
    c, app = maj
    comp = ps.composition(app, MAJILIS)
    page = c.get(f"/elections/{MAJILIS}?lang={lang}").text
    assert_explains(page, comp.list_decision.explanation, lang)
    district = next(k for k in election_svc.contests(app, MAJILIS)
                    if k.kind is ContestKind.SINGLE_MEMBER)
    decision, _ = ps.candidate_decision(app, district.id)
    page = c.get(f"/elections/{MAJILIS}/contests/{district.id}?lang={lang}").text
    assert_explains(page, decision.explanation, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_president_and_senate_pages_explain(cand: tuple[TestClient, Saylau],
                                                lang: str) -> None:
    c, app = cand
    pres = next(iter(election_svc.contests(app, "pres")))
    decision, _ = ps.candidate_decision(app, pres.id)
    assert decision.outcome.value == "runoff"
    assert_explains(c.get(f"/elections/pres?lang={lang}").text, decision.explanation, lang)
    assert_explains(c.get(f"/elections/pres/contests/{pres.id}?lang={lang}").text,
                    decision.explanation, lang)
    seat = next(iter(election_svc.contests(app, "sen")))
    sd = senate_svc.seat_decision(app, seat.id)
    assert sd is not None and sd.winner == "B"
    assert_explains(c.get(f"/elections/sen/contests/{seat.id}?lang={lang}").text,
                    sd.explanation, lang)


def test_the_languages_differ_and_keep_the_figures(ref: tuple[TestClient, Saylau]) -> None:
    c, app = ref
    d, _ = results_svc.decide(app, f"{REFERENDUM}.referendum")
    assert d is not None
    pages = {lang: explanations(c.get(f"/?lang={lang}").text)[0] for lang in LANGUAGES}
    assert pages["kk"] != pages["ru"] != pages["en"]
    turnout = f"{d.participants:,}"
    assert all(any(turnout in step for step in steps) for steps in pages.values())
    assert any("референдум" in step for step in pages["kk"])
    assert any("docs/law.md §3.1" in step for step in pages["ru"])


# --- the static snapshot ------------------------------------------------------------------------


def test_the_snapshot_explains_in_each_language(ref_db: Path, cand_db: Path,
                                                tmp_path: Path) -> None:
    for db in (ref_db, cand_db):
        app = Saylau.open(f"sqlite:///{db}")
        try:
            out = tmp_path / db.stem
            publish(app, out, workers=2)
            pages = list(out.rglob("*.html"))
            assert pages
            for page in pages:
                assert not REPR.search(page.read_text(encoding="utf-8")), page
            if db == ref_db:
                d, _ = results_svc.decide(app, f"{REFERENDUM}.referendum")
                assert d is not None
                steps = d.explanation
            else:
                # the snapshot is of the latest election: the Senate
                seat = next(iter(election_svc.contests(app, "sen")))
                sd = senate_svc.seat_decision(app, seat.id)
                assert sd is not None
                steps = sd.explanation
            for lang in LANGUAGES:
                found = [explanations(p.read_text(encoding="utf-8"))
                         for p in (out / lang).rglob("*.html")]
                assert any(shown(steps, lang) in blocks for blocks in found), lang
        finally:
            app.engine.dispose()


# --- the API ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_api_explains_in_the_language_asked(ref: tuple[TestClient, Saylau],
                                                cand: tuple[TestClient, Saylau],
                                                lang: str) -> None:
    c, app = ref
    d, _ = results_svc.decide(app, f"{REFERENDUM}.referendum")
    assert d is not None
    j = c.get(f"/api/contests/{REFERENDUM}.referendum/decision?lang={lang}").json()
    assert j["lang"] == lang
    assert j["explanation"] == [s.render(lang) for s in d.explanation]
    assert [s["code"] for s in j["steps"]] == [s.code for s in d.explanation]
    c, app = cand
    seat = next(iter(election_svc.contests(app, "sen")))
    sd = senate_svc.seat_decision(app, seat.id)
    assert sd is not None
    j = c.get(f"/api/contests/{seat.id}/decision?lang={lang}").json()
    assert j["explanation"] == [s.render(lang) for s in sd.explanation]


def test_the_api_refuses_a_language_it_does_not_have(ref: tuple[TestClient, Saylau]) -> None:
    c, _ = ref
    r = c.get(f"/api/contests/{REFERENDUM}.referendum/decision?lang=de")
    assert r.status_code == 422
    assert "lang" in r.text and "de" in r.text
