"""The Observation pages in kk, ru and en (issue 12), on SQLite and PostgreSQL: missions and
counts, coverage, incidents, the comparison; a station's page shows the observers' copies
beside the official protocol; hostile names and texts are escaped; the phone form is labelled
and fits a 360 px screen."""

from __future__ import annotations

import re
from typing import Any

import pytest

from saylau.web.i18n import tr
from tests.integration.support import PRECINCT_STATION, Api
from tests.integration.test_observation_api import OBS, _bearer, _figures, obs  # noqa: F401
from tests.integration.test_web import ref, ref_db  # noqa: F401 - the demo's referendum

HOSTILE = '<script>alert("x")</script>'
S_OTHER = "KZ-75-D0-S0"


@pytest.fixture
def night(api: Api, obs: dict[str, Any]) -> dict[str, Any]:  # noqa: F811 - the fixture
    admin = api.auth("admin")
    r = api.client.post(f"{OBS}/missions", json={"code": "NGO-X", "name": HOSTILE,
                                                "organisation": "association"}, headers=admin)
    assert r.status_code == 201
    me = _bearer(obs["token"])
    figs = _figures(api, PRECINCT_STATION, yes=123)
    r = api.client.post(f"/api/contests/{api.contest}/observation/copies",
                        json={"station": PRECINCT_STATION, "figures": figs}, headers=me)
    assert r.status_code == 201, r.text
    assert api.submit(api.protocol(PRECINCT_STATION)).status_code == 201
    r = api.client.post(f"{OBS}/reports", json={
        "station": PRECINCT_STATION, "form": "incident",
        "answers": {"category": 1, "severity": 2, "description": HOSTILE}}, headers=me)
    assert r.status_code == 201, r.text
    return obs


@pytest.mark.parametrize(("lang", "title", "status"), [
    ("kk", "Байқау", "айырмашылық бар"), ("ru", "Наблюдение", "расходится"),
    ("en", "Observation", "differs")])
def test_the_observation_page_in_each_language(api: Api, night: dict[str, Any], lang: str,
                                               title: str, status: str) -> None:
    r = api.client.get("/elections/ref/observation", params={"lang": lang})
    assert r.status_code == 200, r.text
    html = r.text
    assert f"<h1>{title}</h1>" in html
    assert f'data-station="{PRECINCT_STATION}" data-status="differs"' in html
    assert status in html
    assert "ODIHR" in html and "A. Observer" not in html  # counts, never names
    assert HOSTILE not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert re.search(r'id="incidents"', html)


def test_the_station_page_shows_the_copies_beside_the_official_protocol(
        api: Api, night: dict[str, Any]) -> None:
    r = api.client.get(f"/elections/ref/units/{PRECINCT_STATION}", params={"lang": "en"})
    assert r.status_code == 200
    html = r.text
    assert "<h2 id=\"obs1-title\">Observers' copies" in html
    assert 'data-status="differs"' in html
    assert night["badge"] in html
    assert '<td class="differs">123</td>' in html
    # a new copy version changes the page at once (its cache follows the observation record)
    figs = _figures(api, PRECINCT_STATION)
    r = api.client.post(f"/api/contests/{api.contest}/observation/copies",
                        json={"station": PRECINCT_STATION, "figures": figs, "correction": True,
                              "corrects": 1, "reason": HOSTILE},
                        headers=_bearer(night["token"]))
    assert r.status_code == 201, r.text
    html = api.client.get(f"/elections/ref/units/{PRECINCT_STATION}",
                          params={"lang": "en"}).text
    assert 'data-status="matches"' in html
    assert HOSTILE not in html


def test_the_phone_form_is_labelled_and_narrow(api: Api, night: dict[str, Any]) -> None:
    r = api.client.get("/elections/ref/observation/report", params={"lang": "kk"})
    assert r.status_code == 200
    html = r.text
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert "observe.js" in html and "<script>" not in html.split("</head>")[1]
    ids = set(re.findall(r'<(?:input|select|textarea)[^>]* id="([^"]+)"', html))
    labelled = set(re.findall(r'<label for="([^"]+)"', html))
    assert ids and ids <= labelled, ids - labelled
    assert 'inputmode="numeric"' in html
    assert "Учаске уақытында ашылды" in html  # the question in Kazakh
    css = api.client.get("/static/site.css").text
    assert ".obs-form input" in css and "max-width: 100%" in css
    assert api.client.get("/static/observe.js").status_code == 200


def test_the_snapshot_has_the_observation_page(api: Api, night: dict[str, Any],
                                               tmp_path: Any) -> None:
    from saylau.web.publish import publish

    out = publish(api.saylau, tmp_path / "site", workers=1).out
    for lang in ("kk", "ru", "en"):
        html = (out / lang / "observation.html").read_text(encoding="utf-8")
        assert f'data-station="{PRECINCT_STATION}" data-status="differs"' in html
        assert f'href="../{lang}/units/{PRECINCT_STATION}.html"' in html
        assert "/report" not in html  # the form needs the live site's API
        assert HOSTILE not in html
    index = (out / "en" / "index.html").read_text(encoding="utf-8")
    assert 'href="../en/observation.html">Observation</a>' in index
    # the station pages show the observers' copies beside the official protocol, as live
    for lang, heading in (("kk", "Байқаушылардың көшірмелері"), ("ru", "Копии наблюдателей"),
                          ("en", "Observers' copies")):
        page = (out / lang / "units" / f"{PRECINCT_STATION}.html").read_text(encoding="utf-8")
        assert f'<h2 id="obs1-title">{heading}' in page.replace("&#39;", "'")
        assert '<p class="status" data-status="differs">' in page
        assert '<td class="differs">123</td>' in page and night["badge"] in page
        live = api.client.get(f"/elections/ref/units/{PRECINCT_STATION}",
                              params={"lang": lang}).text
        section = re.compile(r'<section class="observer-copies".*?</section>', re.S)
        assert section.findall(page) == section.findall(live) != []
    other = (out / "en" / "units" / f"{S_OTHER}.html").read_text(encoding="utf-8")
    assert "observer-copies" not in other  # no copy there: no section


@pytest.mark.parametrize(("lang", "caption"), [
    ("kk", "Байқаушы орналастырылған учаскелер, жоғары деңгейлі бірліктер бойынша"),
    ("ru", "Участки, куда направлен наблюдатель, по единицам верхнего уровня"),
    ("en", "Stations with an observer deployed, by top-level unit")])
def test_the_coverage_map_beside_its_table(ref: Any, ref_db: Any, lang: str,  # noqa: F811
                                           caption: str) -> None:
    """The demo's referendum (17 top-level units, the packaged map of 5 June 2022): the
    coverage by unit as the results' choropleth (a Vega-Lite map over the packaged outlines),
    each unit's share of stations covered the same figures as the table beside it."""
    import json
    from html import unescape

    from saylau.services.context import Saylau
    from saylau.services.observation import deployment

    html = ref.get("/elections/ref-2022/observation", params={"lang": lang}).text
    assert f"<figcaption>{caption}</figcaption>" in html
    assert "vendor/vega-lite.min.js" in html
    m = re.search(r'id="map-coverage" data-chart="vega-lite" data-spec=\'([^\']*)\'', html)
    assert m is not None
    spec = json.loads(unescape(m.group(1)))
    assert spec["data"]["url"] == "/static/geo/kz_units_17_june2022.geojson"
    layer = spec["layer"][1]
    assert layer["encoding"]["color"]["field"] == "value"
    rows = {r["code"]: r for r in layer["transform"][0]["from"]["data"]["values"]}
    s = Saylau.open(f"sqlite:///{ref_db}")
    try:
        geo = s.geography()
        cover = {c["unit"]: c for c in deployment.coverage(s, "ref-2022")}
    finally:
        s.engine.dispose()
    assert len(rows) == 17 == len(cover)
    covered = 0
    for u in geo.top_level():
        c, row = cover[u.id], rows[str(u.code)]
        assert row["value"] == pytest.approx(c["covered"] / c["stations"]), u.id
        covered += c["covered"]
        assert f'<td>{tr(lang).num(c["covered"])}</td>' in html  # the table beside it
    assert covered > 0  # the demo's missions are deployed
    assert ref.get("/static/geo/kz_units_17_june2022.geojson").status_code == 200


def test_without_a_packaged_map_the_coverage_stays_a_table(api: Api,
                                                           night: dict[str, Any]) -> None:
    html = api.client.get("/elections/ref/observation", params={"lang": "en"}).text
    assert 'id="coverage"' in html and 'id="map-coverage"' not in html


@pytest.mark.parametrize(("lang", "title", "deployed"), [
    ("kk", "Миссияның есебі", "Учаскелер бойынша орналастыру"),
    ("ru", "Отчёт миссии", "Распределение по участкам"),
    ("en", "Mission report", "Deployment by station")])
def test_the_missions_printable_page(api: Api, night: dict[str, Any], lang: str, title: str,
                                     deployed: str) -> None:
    url = "/elections/ref/observation/missions/ODIHR/print"
    r = api.client.get(url, params={"lang": lang}, headers=_bearer(night["head"]))
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "private, no-store"
    html = r.text
    assert f"<h1>{title}: <span class=\"code\">ODIHR</span> ODIHR &lt;b&gt;m&lt;/b&gt;</h1>" \
        in html
    assert deployed in html
    badge = night["badge"]
    # the accredited observer with badge and name (the mission's own view), and their station
    assert re.search(rf'<tr data-badge="{badge}"><th scope="row"><span class="code">{badge}'
                     rf'</span></th><td>A\. Observer</td><td>{PRECINCT_STATION}</td></tr>', html)
    assert re.search(rf'<tr data-station="{PRECINCT_STATION}"><th scope="row">.*?</th>'
                     rf"<td>{badge}</td></tr>", html)
    # the comparison at the mission's one station: it differs (yes 123 against the official)
    assert '<li data-status="differs">' in html and \
        f'data-station="{PRECINCT_STATION}" data-status="differs"' in html
    assert re.search(r'<li data-status="differs">[^<]*: 1</li>', html)
    assert re.search(r'<li data-status="matches">[^<]*: 0</li>', html)
    assert 'id="print-coverage"' in html
    assert "@media print" in api.client.get("/static/site.css").text


def test_the_printable_page_is_the_missions_own(api: Api, night: dict[str, Any]) -> None:
    url = "/elections/ref/observation/missions/ODIHR/print"
    assert api.client.get(url).status_code == 401
    r = api.client.get(url, headers=_bearer(night["cis"]))  # another mission's head
    assert r.status_code == 403 and r.json()["error"]["code"] == "other_mission"
    assert api.client.get(url, headers=_bearer(night["token"])).status_code == 403  # observer
    assert api.client.get(url, headers=api.auth("admin")).status_code == 200
    r = api.client.get("/elections/ref/observation/missions/NOPE/print",
                       headers=api.auth("admin"))
    assert r.status_code == 404
