"""The public site served by the app: every page in kk, ru and en shows the API's numbers,
escapes what commissions typed, keeps the commissions' other records private, and answers
polling readers cheaply (204 while nothing changed, 304 for an unchanged page)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rich.console import Console

from saylau.api.app import create_app
from saylau.cli.demo import MAJILIS, REFERENDUM, DemoOptions, run_demo
from saylau.domain.access import Principal, Role
from saylau.domain.explain import percent
from saylau.domain.ids import ActorId
from saylau.domain.names import Names
from saylau.domain.protocols import ProtocolCounts
from saylau.services import elections as election_svc
from saylau.services import protocols as protocol_svc
from saylau.services import turnout as turnout_svc
from saylau.services.context import Saylau
from saylau.web.i18n import tr

REF_CONTEST = f"{REFERENDUM}.referendum"
ADMIN = Principal(ActorId("cec-operator"), Role.ADMIN)


def _demo(path: Path, election: str) -> Path:
    run_demo(DemoOptions(instant=True, stations=200, database=path, election=election),
             Console(file=io.StringIO()))
    return path


@pytest.fixture(scope="module")
def ref_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _demo(tmp_path_factory.mktemp("ref") / "ref.db", "referendum")


@pytest.fixture(scope="module")
def maj_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _demo(tmp_path_factory.mktemp("maj") / "maj.db", "majilis")


def _client(db: Path) -> Iterator[TestClient]:
    s = Saylau.open(f"sqlite:///{db}")
    with TestClient(create_app(s)) as c:
        yield c
    s.engine.dispose()


@pytest.fixture(scope="module")
def ref(ref_db: Path) -> Iterator[TestClient]:
    yield from _client(ref_db)


@pytest.fixture(scope="module")
def maj(maj_db: Path) -> Iterator[TestClient]:
    yield from _client(maj_db)


@pytest.fixture
def ref_copy(ref_db: Path, tmp_path: Path) -> Iterator[tuple[TestClient, Saylau]]:
    """A referendum store of the test's own, to change."""
    db = tmp_path / "copy.db"
    # SQLite's online backup, not a file copy: in WAL mode the latest commits may still be in
    # ref.db-wal, which a copy of ref.db alone would lose
    import sqlite3

    with sqlite3.connect(ref_db) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    s = Saylau.open(f"sqlite:///{db}")
    with TestClient(create_app(s)) as c:
        yield c, s
    s.engine.dispose()


def correct_protocol(app: Saylau, contest: str, station: str, shift: int, reason: str) -> None:
    """Move `shift` votes from 'no' to 'yes' at `station` as a correction, signed with a key
    registered for the station's commission (the demo's elections require signatures)."""
    from saylau.domain.record.envelope import protocol_body
    from saylau.domain.record.signing import sign_body
    from saylau.services.keys import generate_keypair
    from saylau.services.record import register_key

    election = election_svc.get_contest(app, contest).election
    key, public = generate_keypair()
    register_key(app, election, station, public.hex(), by="test")
    current = protocol_svc.protocol_history(app, contest, station)[-1]
    cur = current.counts
    votes = {str(o): v for o, v in cur.votes}
    votes["yes"], votes["no"] = votes["yes"] + shift, votes["no"] - shift
    figures = {f: getattr(cur, f) for f in ("registered", "ballots_received", "ballots_issued",
                                            "ballots_cancelled", "ballots_in_boxes", "invalid",
                                            "both_marked")}
    signature = sign_body(key, "protocol", protocol_body(
        contest=contest, station=station, version=current.version + 1, counts=figures,
        votes=votes, reason=reason))
    protocol_svc.submit_protocol(
        app, ADMIN, contest, station,
        ProtocolCounts.of(votes=votes.items(), **figures),  # type: ignore[arg-type]
        correction=True, corrects=current.version, reason=reason, signature=signature)


def field(html: str, name: str) -> str:
    m = re.search(rf'data-field="{re.escape(name)}"[^>]*>([^<]*)<', html)
    assert m is not None, f"no data-field {name!r} on the page"
    return m.group(1).strip()


# --- the national page ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_national_page_shows_the_apis_numbers_in_each_language(ref: TestClient,
                                                               lang: str) -> None:
    r = ref.get(f"/?lang={lang}")
    assert r.status_code == 200
    html = r.text
    assert f'<html lang="{lang}">' in html
    api = ref.get(f"/api/contests/{REF_CONTEST}/results").json()
    res, t = api["result"], tr(lang)
    for name in ("registered", "participants", "both_marked", "invalid",
                 "stations_reported", "stations_expected"):
        assert field(html, name) == t.num(res[name]), name
    for option in ("yes", "no"):
        assert field(html, f"votes.{option}") == t.num(res["votes"][option])
        assert field(html, f"share.{option}") == t.pct_text(res["shares"][option]["percent"])
    assert field(html, "turnout") == t.pct_text(res["turnout"]["percent"])
    state = re.search(r'id="decision-state" data-state="(\w+)"', html)
    assert state is not None and state.group(1) == api["decision"]["state"]
    for child in api["children"]:
        assert child["name"][lang] in html.replace("&#39;", "'")
    assert 'id="turnout-chart" data-chart' in html and 'id="map-turnout" data-chart' in html
    # 5 June 2022 on its own map: 17 top-level units (Abai, Jetisu, Ulytau came on 8 June)
    assert "geo/kz_units_17_june2022.geojson" in html
    assert "kz_units_2022.geojson" not in html
    assert len(api["children"]) == 17
    assert r.headers["content-language"] == lang


def test_the_2022_referendum_needs_12_of_17_units(ref: TestClient) -> None:
    html = ref.get("/?lang=en").text
    api = ref.get(f"/api/contests/{REF_CONTEST}/results").json()
    k = api["decision"]["units_with_majority"]
    assert f"A yes majority in {k} of 17 top-level units; 12 are needed" in html
    assert (api["decision"]["units_total"], api["decision"]["units_required"]) == (17, 12)


def test_before_the_first_protocol_the_page_and_the_cli_show_the_days_turnout(
    referendum: tuple[Saylau, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Turnout reports in, no protocol yet: no "Turnout 0.00%: 0 of the 0 voters ... NOT
    valid", but that no protocol has arrived, and the latest turnout reported."""
    from typer.testing import CliRunner

    from saylau.cli.main import app as cli

    app, contest = referendum
    stations = list(app.geography().stations())[:5]
    for st in stations:
        for at, share in (("10:00", 5), ("12:00", 3)):
            turnout_svc.submit_turnout(app, ADMIN, contest, st.id, at, st.registered // share)
    issued = sum(st.registered // 3 for st in stations)
    listed = sum(st.registered for st in stations)
    expected = len(list(app.geography().stations()))
    monkeypatch.setenv("SAYLAU_RESULTS_MAX_AGE", "0")
    with TestClient(create_app(app)) as c:
        pages = {lang: c.get(f"/elections/ref?lang={lang}").text for lang in ("kk", "ru", "en")}
    for lang, html in pages.items():
        t = tr(lang)
        assert t.gettext("No protocol has arrived yet: the decision waits for the first one.") \
            in html, lang
        said = t.gettext("Turnout reported by %(time)s: %(share)s, %(issued)s ballots issued at "
                         "%(reporting)s of %(expected)s stations") % {
            "time": "12:00", "share": t.pct(Fraction(issued, listed)),
            "issued": t.num(issued), "reporting": t.num(len(stations)),
            "expected": t.num(expected)}
        assert said in html, lang
        assert 'id="figures"' not in html  # no table of zeros
        assert "voters on the lists took part; more than half is needed" not in html
        assert "NOT valid" not in html
    monkeypatch.setenv("SAYLAU_DATABASE_URL", app.engine.url.render_as_string(
        hide_password=False))
    r = CliRunner().invoke(cli, ["results"], env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.output
    assert f"no protocol has arrived yet (0 of {expected} stations)" in r.stdout
    assert "decision: none yet; it waits for the first protocol" in r.stdout
    row = next(line for line in r.stdout.splitlines() if line.startswith("12:00"))
    assert row.split() == ["12:00", f"{issued:,}", f"{percent(Fraction(issued, listed))}%",
                           f"{len(stations)}/{expected}"], r.stdout
    assert " 0.00%" not in r.stdout and "NOT valid" not in r.stdout


def test_language_is_remembered_in_a_cookie_and_taken_from_the_browser(ref_db: Path) -> None:
    for c in _client(ref_db):
        assert '<html lang="kk">' in c.get("/").text  # no preference: the state language
        assert '<html lang="ru">' in c.get("/", headers={"Accept-Language": "ru-RU,ru"}).text
        r = c.get("/?lang=en")
        assert "saylau_lang=en" in r.headers["set-cookie"]
        assert '<html lang="en">' in c.get("/elections").text
        assert '<html lang="en">' in c.get("/", headers={"Accept-Language": "ru"}).text
        assert '<html lang="kk">' in c.get("/?lang=kk").text
        assert '<html lang="kk">' in c.get(f"/elections/{REFERENDUM}/units/KZ-71").text


def test_every_page_forbids_inline_script_and_style(ref: TestClient) -> None:
    station = _a_station(ref)
    for url in ("/", "/elections", f"/elections/{REFERENDUM}/units/KZ-71",
                f"/elections/{REFERENDUM}/units/{station}",
                f"/elections/{REFERENDUM}/contests/{REF_CONTEST}"):
        r = ref.get(url)
        assert r.status_code == 200, url
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe" not in csp
        scripts = re.findall(r"<script([^>]*)>", r.text)
        assert all("src=" in s or 'type="application/json"' in s for s in scripts), url
        assert " style=" not in r.text and "<style" not in r.text, url
        markup = re.sub(r"<script[^>]*>.*?</script>", "", r.text, flags=re.S)
        assert not re.search(r"<[^>]*\son[a-z]+=", markup), url  # no event handler attributes


def _a_station(c: TestClient, unit: str = "KZ-71") -> str:
    tree = c.get(f"/api/geography/units/{unit}").json()
    child = tree["children"][0]
    if child["kind"] == "station":
        return str(child["id"])
    return _a_station(c, child["id"])


def test_drill_down_from_the_country_to_a_station(ref: TestClient) -> None:
    html = ref.get("/?lang=en").text
    region = re.search(rf'href="(/elections/{REFERENDUM}/units/KZ-[0-9]+)"', html)
    assert region is not None
    page = ref.get(region.group(1)).text
    district = re.search(rf'href="(/elections/{REFERENDUM}/units/KZ-[0-9]+-D[0-9]+)"', page)
    assert district is not None
    page = ref.get(district.group(1)).text
    station = re.search(rf'href="(/elections/{REFERENDUM}/units/KZ-[^"]+-S[0-9]+)"', page)
    assert station is not None
    page = ref.get(station.group(1)).text
    sid = station.group(1).rsplit("/", 1)[1]
    history = ref.get(f"/api/contests/{REF_CONTEST}/stations/{sid}/protocols",
                      headers=_observer(ref)).json()
    assert history, "the demo's stations all reported"
    current = history[-1]
    for name in ("registered", "ballots_issued", "ballots_in_boxes", "invalid"):
        assert field(page, name) == tr("en").num(current[name])
    assert current["content_hash"] in page
    assert "Version history" in page and "Checks" in page
    assert page.count('class="check ') == 9


def _observer(c: TestClient) -> dict[str, str]:
    from saylau.services.tokens import create_tokens

    app = c.app.state.saylau  # type: ignore[attr-defined]
    (secret,) = create_tokens(app, [("observer for the test", "observer", None)])
    return {"Authorization": f"Bearer {secret}"}


def test_a_corrected_protocol_shows_who_when_why_and_what_changed(ref: TestClient) -> None:
    app: Saylau = ref.app.state.saylau  # type: ignore[attr-defined]
    geo = app.geography()
    corrected = None
    for s in geo.stations():
        h = protocol_svc.protocol_history(app, REF_CONTEST, s.id)
        if len(h) > 1:
            corrected = (s.id, h)
            break
    assert corrected is not None, "the demo corrects a few protocols"
    sid, history = corrected
    page = ref.get(f"/elections/{REFERENDUM}/units/{sid}?lang=en").text
    assert f"Version {history[-1].version}" in page and "Version 1" in page
    reason = history[-1].reason
    assert reason is not None and reason in page
    assert history[-1].submitted_by in page and "Changed" in page
    assert "→" in page


def test_rejected_submissions_stay_with_the_commissions(ref: TestClient) -> None:
    app: Saylau = ref.app.state.saylau  # type: ignore[attr-defined]
    rejected = protocol_svc.protocol_rejections(app, REF_CONTEST)
    assert rejected, "the demo sends a few protocols with errors"
    codes: set[str] = set()
    for row in rejected:
        for f in row.get("findings", []):  # type: ignore[union-attr]
            codes.add(str(f["code"]))
    assert codes
    for row in rejected[:5]:
        page = ref.get(f"/elections/{REFERENDUM}/units/{row['station']}?lang=en").text
        for code in codes - {"ballots.unaccounted", "registered.differs_from_list",
                             "issued.below_turnout_report"}:
            assert code not in page


# --- live updates ------------------------------------------------------------------------------


def _version(html: str) -> str:
    m = re.search(r'hx-get="[^"]*/live\?v=([^"&]+)"', html)
    assert m is not None
    return m.group(1)


def test_polling_costs_a_204_until_the_record_changes(ref_copy: tuple[TestClient, Saylau]) -> None:
    c, app = ref_copy
    html = c.get("/?lang=en").text
    v = _version(html)
    live = f"/elections/{REFERENDUM}/units/KZ/live?v={v}"
    assert 'hx-trigger="every 10s"' in html
    r = c.get(live)
    assert r.status_code == 204 and r.content == b""
    tag = c.get("/?lang=en").headers["etag"]
    assert c.get("/?lang=en", headers={"If-None-Match": tag}).status_code == 304
    # a correction arrives: the next poll gets the new figures
    correct_protocol(app, REF_CONTEST, _a_station(c), 1, "a ballot counted for the wrong answer")
    from saylau.web import views

    views.record_version(app, views.election_info(app), fresh=True)
    r = c.get(live)
    assert r.status_code == 200
    assert r.text.startswith('<div id="live"') and _version(r.text) != v
    api = c.get(f"/api/contests/{REF_CONTEST}/results").json()["result"]
    assert field(r.text, "votes.yes") == tr("en").num(api["votes"]["yes"])
    assert c.get("/?lang=en", headers={"If-None-Match": tag}).status_code == 200


# --- what commissions typed is escaped -------------------------------------------------------


def test_names_and_reasons_are_escaped(ref_copy: tuple[TestClient, Saylau]) -> None:
    c, app = ref_copy
    evil = '<script>alert("x")</script>'
    election_svc.create_referendum(
        app, election_id="xss", name=Names(kk=evil, ru=evil, en=evil), ruleset_name="kz-2022",
        date="2030-01-01", question=Names.same(f'<img src=x onerror="alert(1)">{evil}'),
        constitutional=False, by=ActorId("test"))
    sid = _a_station(c)
    counts = ProtocolCounts.of(registered=app.geography().unit(sid).registered,  # type: ignore[arg-type]
                               ballots_received=100, ballots_issued=90, ballots_cancelled=10,
                               ballots_in_boxes=90, invalid=0, votes={"yes": 50, "no": 40})  # type: ignore[dict-item]
    protocol_svc.submit_protocol(app, ADMIN, "xss.referendum", sid, counts)
    counts2 = ProtocolCounts.of(registered=counts.registered, ballots_received=100,
                                ballots_issued=90, ballots_cancelled=10, ballots_in_boxes=90,
                                invalid=0, votes={"yes": 49, "no": 41})  # type: ignore[dict-item]
    protocol_svc.submit_protocol(app, ADMIN, "xss.referendum", sid, counts2, correction=True,
                                 corrects=1, reason=f"{evil} <b>recount</b>")
    for url in ("/", "/elections", "/elections/xss", f"/elections/xss/units/{sid}",
                "/elections/xss/units/KZ-71"):
        html = c.get(url).text
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>recount" \
            not in html, url
    assert "&lt;script&gt;alert" in c.get(f"/elections/xss/units/{sid}").text


# --- elections with seats ---------------------------------------------------------------------


def test_majilis_page_has_the_chamber_lists_and_districts(maj: TestClient) -> None:
    html = maj.get("/?lang=en").text
    comp = maj.get(f"/api/elections/{MAJILIS}/composition").json()
    assert html.count("<circle") == comp["size"] == 98
    assert f"Majilis: {comp['filled']} of 98 seats" in html
    for party, row in comp["by_party"].items():
        assert field(html, f"seats.{party}") == str(row["total"])
    assert 'class="threshold-row"' in html
    assert html.count('<tr><td class="n">') == 29  # the district winners' table
    assert 'id="list-chart" data-chart' in html and 'id="map-districts" data-chart' in html
    assert "geo/kz_units_2022.geojson" in html  # a 2023 election: today's 20 units
    lst = maj.get(f"/api/contests/{MAJILIS}.list/results").json()["result"]
    for party, votes in lst["votes"].items():
        assert field(html, f"votes.{party}") == tr("en").num(votes)
    district = re.search(rf'href="(/elections/{MAJILIS}/contests/[^"]+)"', html)
    assert district is not None
    page = maj.get(district.group(1))
    assert page.status_code == 200 and "Candidates" in page.text


def test_a_station_of_a_majilis_election_shows_both_its_protocols(maj: TestClient) -> None:
    sid = _a_station(maj)
    page = maj.get(f"/elections/{MAJILIS}/units/{sid}?lang=ru").text
    assert page.count('<section class="protocol"') == 2
    assert "Одномандатный округ" in page and "Партийные списки" in page


# --- errors, static files --------------------------------------------------------------------


def test_unknown_pages_are_404_pages(ref: TestClient) -> None:
    for url in (f"/elections/{REFERENDUM}/units/NOPE", "/elections/nope",
                f"/elections/{REFERENDUM}/contests/nope"):
        r = ref.get(url + "?lang=en")
        assert r.status_code == 404 and "Not found" in r.text
        assert r.headers["content-type"].startswith("text/html")
    assert ref.get("/static/nope.js").status_code == 404
    assert ref.get("/static/../../api/app.py").status_code == 404


def test_static_files_are_served_here_with_their_licences(ref: TestClient) -> None:
    for path, media in (("vendor/htmx.min.js", "text/javascript"),
                        ("vendor/vega.min.js", "text/javascript"),
                        ("vendor/vega-lite.min.js", "text/javascript"),
                        ("vendor/vega-interpreter.min.js", "text/javascript"),
                        ("site.css", "text/css"), ("site.js", "text/javascript"),
                        ("geo/kz_units_2022.geojson", "application/geo+json"),
                        ("vendor/vega.LICENSE.txt", "text/plain"),
                        ("vendor/htmx.LICENSE.txt", "text/plain")):
        r = ref.get(f"/static/{path}")
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith(media), path
        assert ref.get(f"/static/{path}",
                       headers={"If-None-Match": r.headers["etag"]}).status_code == 304
    html = ref.get("/").text
    assert "http://" not in re.sub(r'xmlns="http://www.w3.org/2000/svg"', "", html)
    assert "https://" not in html


def test_no_election_yet(tmp_path: Path) -> None:
    s = Saylau.open(f"sqlite:///{tmp_path / 'empty.db'}")
    with TestClient(create_app(s)) as c:
        r = c.get("/?lang=en")
        assert r.status_code == 200 and "No election has been created yet." in r.text
    s.engine.dispose()


def test_times_are_kazakhstans() -> None:
    # one time zone, UTC+5, since 1 March 2024 (Almaty was UTC+6 before)
    moment = datetime(2025, 6, 5, 15, 0, tzinfo=UTC)
    assert "20:00" in tr("kk").datetime(moment) and "UTC+5" in tr("kk").datetime(moment)
    assert "UTC+6" in tr("en").datetime(datetime(2022, 6, 5, 15, 0, tzinfo=UTC))

