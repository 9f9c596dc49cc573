"""The public site in a real browser: each language's national page shows the API's numbers
with its map and charts drawn; a reader drills down to a station, switches language and is
remembered; the keyboard reaches everything; figures update without a reload; the chamber of
a Majilis election is drawn; the static snapshot works from a plain static server. No page
logs a console error (a Content-Security-Policy violation would)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from saylau.cli.demo import MAJILIS, REFERENDUM
from saylau.services import protocols as protocol_svc
from saylau.web.i18n import tr
from tests.e2e.conftest import DESKTOP, PHONE, Site
from tests.integration.test_web import correct_protocol

pytestmark = pytest.mark.slow

CONTEST = f"{REFERENDUM}.referendum"
DRAWN = "[data-chart][data-rendered='true']"


def _charts_drawn(page: Any, n: int, timeout: float = 20.0) -> None:
    """Wait until `n` charts are drawn (polled from here: a string predicate run in the page
    would be eval, which the snapshot's Content-Security-Policy rightly refuses)."""
    deadline = time.monotonic() + timeout
    while page.locator(DRAWN).count() < n:
        assert time.monotonic() < deadline, f"fewer than {n} charts drawn"
        page.wait_for_timeout(100)
    assert page.locator("[data-chart][data-rendered='error']").count() == 0


def _text(page: Any, name: str) -> str:
    return str(page.locator(f"[data-field='{name}']").first.inner_text()).strip()


def _explanation_shown(page: Any, expected: list[str]) -> None:
    """Open the first "How the decision was reached" and read its steps as the reader sees
    them: each step's text and the rule it cites, as the API gives them in that language."""
    assert "Step(" not in page.content()
    details = page.locator("details.explanation").first
    details.locator("summary").click()
    items = details.locator("li")
    assert items.first.is_visible()
    shown = [" ".join(str(t).split()) for t in items.all_inner_texts()]
    assert shown == [" ".join(e.split()) for e in expected]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_national_page_in_each_language(referendum: Site, open_page: Any, shots: Path,
                                        lang: str) -> None:
    api = httpx.get(f"{referendum.url}/api/contests/{CONTEST}/results").json()
    res, t = api["result"], tr(lang)
    page, _log = open_page(DESKTOP)
    page.goto(f"{referendum.url}/?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    for name in ("registered", "participants", "invalid", "both_marked",
                 "stations_reported", "stations_expected"):
        assert _text(page, name) == t.num(res[name]), name
    for option in ("yes", "no"):
        assert _text(page, f"votes.{option}") == t.num(res["votes"][option])
        assert _text(page, f"share.{option}") == t.pct_text(res["shares"][option]["percent"])
    assert _text(page, "turnout") == t.pct_text(res["turnout"]["percent"])
    assert page.locator("#decision-state").get_attribute("data-state") == \
        api["decision"]["state"]
    decision = httpx.get(f"{referendum.url}/api/contests/{CONTEST}/decision?lang={lang}").json()
    _explanation_shown(page, decision["explanation"])
    _charts_drawn(page, 2)  # the turnout line and the turnout map
    assert page.locator("#turnout-chart svg path").count() >= 1
    # every top-level unit: the 17 of 5 June 2022
    assert page.locator("#map-turnout svg path").count() >= len(api["children"]) == 17
    chart = page.locator("#turnout-chart")  # Vega labels the chart for screen readers
    assert chart.get_attribute("role") == "graphics-document"
    assert chart.get_attribute("aria-label") == t.gettext(
        "Line chart of turnout through the day; the table below gives the same figures.")
    assert page.locator("#units-table tbody tr").count() == len(api["children"])
    page.screenshot(path=str(shots / f"national-{lang}-desktop.png"), full_page=True)
    phone, _ = open_page(PHONE, is_mobile=True, has_touch=True)
    phone.goto(f"{referendum.url}/?lang={lang}")
    _charts_drawn(phone, 2)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"
    phone.screenshot(path=str(shots / f"national-{lang}-phone.png"), full_page=False)


def test_drill_down_to_a_station_and_switch_language(referendum: Site, open_page: Any,
                                                    shots: Path) -> None:
    page, _ = open_page(DESKTOP)
    page.goto(f"{referendum.url}/?lang=en")
    region = page.locator("#units-table tbody a").first
    region_name = region.inner_text()
    region.click()
    page.wait_for_url(re.compile(r"/units/KZ-\d+$"))
    assert page.locator("h1").inner_text().startswith(region_name)
    _charts_drawn(page, 1)
    page.locator("#units-table tbody a").first.click()
    page.wait_for_url(re.compile(r"/units/KZ-\d+-D\d+$"))
    page.locator("#units-table tbody a").first.click()
    page.wait_for_url(re.compile(r"-S\d+$"))
    station = page.url.rsplit("/", 1)[1]
    assert page.locator(".protocol-table").count() == 1
    assert page.locator(".checks li.check").count() == 9
    assert page.locator(".versions li.version").count() >= 1
    crumbs = page.locator(".crumbs li").all_inner_texts()
    assert crumbs[1] == region_name and len(crumbs) == 4
    app = referendum.app
    corrected = next(s.id for s in app.geography().stations()
                     if len(protocol_svc.protocol_history(app, CONTEST, s.id)) > 1)
    page.goto(f"{referendum.url}/elections/{REFERENDUM}/units/{corrected}")
    assert page.locator(".versions li.version").count() >= 2
    assert "Changed" in page.locator("ol.versions").inner_text()
    page.screenshot(path=str(shots / "station-en-desktop.png"), full_page=True)
    page.goto(f"{referendum.url}/elections/{REFERENDUM}/units/{station}")
    page.get_by_role("link", name="Русский").click()
    page.wait_for_url(re.compile(rf"{station}\?lang=ru$"))
    assert page.locator("html").get_attribute("lang") == "ru"
    assert "Проверки" in page.locator("main").inner_text()
    page.goto(f"{referendum.url}/")  # no ?lang: the cookie remembers Russian
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("link", name="Русский").get_attribute("aria-current") == "true"


def test_the_keyboard_reaches_the_results_and_the_maps(referendum: Site,
                                                       open_page: Any) -> None:
    page, _ = open_page(DESKTOP)
    page.goto(f"{referendum.url}/?lang=kk")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    _charts_drawn(page, 2)
    yes_tab = page.locator("button[data-show='map-yes-figure']")
    for _ in range(60):  # tab through the page until the map's second tab has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.show") == "map-yes-figure":
            break
    assert yes_tab.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert yes_tab.get_attribute("aria-pressed") == "true"
    assert page.locator("#map-turnout-figure").is_hidden()
    page.wait_for_selector("#map-yes[data-rendered='true']", timeout=20_000)
    assert page.locator("#map-yes svg path").count() >= 17
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('#units-table') !== null")
    assert focused, "after the map come the units' links"


def test_figures_update_without_a_reload(referendum: Site, open_page: Any) -> None:
    page, _ = open_page(DESKTOP)
    page.goto(f"{referendum.url}/?lang=en")
    _charts_drawn(page, 2)
    before = page.locator("#live").get_attribute("data-as-of")
    yes_before = _text(page, "votes.yes")
    app = referendum.app
    station = next(s.id for s in app.geography().stations()
                   if protocol_svc.protocol_history(app, CONTEST, s.id))
    correct_protocol(app, CONTEST, station, 1, "recount: one ballot was misfiled")
    deadline = time.monotonic() + 25  # the page polls every 10 s
    while page.locator("#live").get_attribute("data-as-of") == before:
        assert time.monotonic() < deadline, "the figures did not update"
        page.wait_for_timeout(250)
    yes_after = _text(page, "votes.yes")
    api = httpx.get(f"{referendum.url}/api/contests/{CONTEST}/results").json()["result"]
    assert yes_after == tr("en").num(api["votes"]["yes"]) != yes_before
    _charts_drawn(page, 2)  # the swapped-in charts are drawn again


def test_the_chamber_of_a_majilis_election(majilis: Site, open_page: Any,
                                           shots: Path) -> None:
    comp = httpx.get(f"{majilis.url}/api/elections/{MAJILIS}/composition").json()
    page, _ = open_page(DESKTOP)
    page.goto(f"{majilis.url}/?lang=kk")
    svg = page.locator("svg.hemicycle")
    assert svg.is_visible()
    assert svg.locator("circle").count() == comp["size"] == 98
    _charts_drawn(page, 3)  # the list shares, the turnout line, the turnout map
    assert page.locator("#list-chart svg").count() == 1
    assert page.locator("#districts-table tbody tr").count() == 29
    page.locator("button[data-show='map-districts-figure']").click()
    page.wait_for_selector("#map-districts[data-rendered='true']", timeout=20_000)
    page.locator("button[data-show='map-leading-figure']").click()
    page.wait_for_selector("#map-leading[data-rendered='true']", timeout=20_000)
    page.locator("button[data-show='map-turnout-figure']").click()
    page.screenshot(path=str(shots / "majilis-kk-desktop.png"), full_page=True)
    phone, _ = open_page(PHONE, is_mobile=True, has_touch=True)
    phone.goto(f"{majilis.url}/?lang=en")
    assert phone.locator("svg.hemicycle circle").count() == 98
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=str(shots / "majilis-en-phone.png"), full_page=False)
    lists = httpx.get(f"{majilis.url}/api/contests/{MAJILIS}.list/decision?lang=kk").json()
    _explanation_shown(page, lists["explanation"])
    district = page.locator("#districts-table tbody a").first
    district.click()
    page.wait_for_url(re.compile(r"/contests/"))
    assert page.locator("#candidates-table tbody tr").count() >= 2
    contest = page.url.rsplit("/contests/", 1)[1].split("?")[0]
    decided = httpx.get(f"{majilis.url}/api/contests/{contest}/decision?lang=kk").json()
    _explanation_shown(page, decided["explanation"])


def test_the_static_snapshot_works_from_a_static_server(static_site: str, referendum: Site,
                                                       open_page: Any) -> None:
    page, _ = open_page(DESKTOP, locale="ru-RU")
    page.goto(f"{static_site}/")
    page.wait_for_url(re.compile(r"/ru/index\.html$"))  # the browser's language
    assert page.locator("html").get_attribute("lang") == "ru"
    decision = httpx.get(f"{referendum.url}/api/contests/{CONTEST}/decision?lang=ru").json()
    _explanation_shown(page, decision["explanation"])
    _charts_drawn(page, 2)
    assert page.locator("#map-turnout svg path").count() >= 20
    assert page.locator("[hx-get]").count() == 0
    page.locator("#units-table tbody a").first.click()
    page.wait_for_url(re.compile(r"/ru/units/KZ-\d+\.html$"))
    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"/en/units/KZ-\d+\.html$"))
    page.goto(f"{static_site}/")  # the choice is remembered
    page.wait_for_url(re.compile(r"/en/index\.html$"))
    manifest = httpx.get(f"{static_site}/manifest.json").json()
    assert manifest["election"] == REFERENDUM
    footer = page.locator("footer").inner_text()
    assert "manifest.json" in footer


def test_the_api_docs_render_from_the_vendored_copy(referendum: Site, open_page: Any) -> None:
    """Swagger UI draws every operation under the strict policy: no console error (a CSP
    violation would be one), and no request leaves this server (issue 17, item 9)."""
    page, _log = open_page(DESKTOP)
    elsewhere: list[str] = []
    page.on("request", lambda req: None if req.url.startswith(referendum.url)
            else elsewhere.append(req.url))
    page.goto(f"{referendum.url}/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    assert page.locator(".opblock").count() >= 30
    assert elsewhere == []
