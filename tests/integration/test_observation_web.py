"""The Observation pages in kk, ru and en (issue 12), on SQLite and PostgreSQL: missions and
counts, coverage, incidents, the comparison; a station's page shows the observers' copies
beside the official protocol; hostile names and texts are escaped; the phone form is labelled
and fits a 360 px screen."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.integration.support import PRECINCT_STATION, Api
from tests.integration.test_observation_api import OBS, _bearer, _figures, obs  # noqa: F401

HOSTILE = '<script>alert("x")</script>'


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
