"""Observation in a real browser (issue 12): the observer's phone form at 360 px, used with
the keyboard, sends an incident with the observer's own token and reads the answer out; the
Observation page shows the demo's missions and comparison; a hostile mission name and
incident text runs nothing. Skipped like every browser test when chromium is absent."""

from __future__ import annotations

from typing import Any

from saylau.services.observation import missions
from tests.e2e.conftest import DESKTOP, Site

PHONE_360 = {"width": 360, "height": 740}
HOSTILE = "<img src=x onerror=alert(1)>"


def test_the_phone_form_sends_an_incident(referendum: Site, open_page: Any) -> None:
    app = referendum.app
    state = missions.observer_state(app, "ref-2022", "ODIHR-0001")
    token = missions.observer_token(app, "ref-2022", "ODIHR-0001", by="e2e")
    page, _log = open_page(PHONE_360)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{referendum.url}/elections/ref-2022/observation/report?lang=en")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_label("Accreditation token", exact=True).fill(token)
    page.get_by_label("Station", exact=True).fill(state.stations[0])
    page.get_by_label("Your reference for this incident", exact=True).fill("e2e-1")
    page.get_by_label("Category *", exact=True).select_option("4")
    page.get_by_label("Severity *", exact=True).select_option("2")
    page.get_by_label("What happened *", exact=True).fill(HOSTILE)
    page.locator("fieldset[data-form='incident'] button").focus()
    page.keyboard.press("Enter")
    status = page.locator("#obs-result")
    status.filter(has_text="v1").wait_for()
    assert status.inner_text().startswith("accepted: incident:e2e-1")
    assert status.get_attribute("aria-live") == "polite"
    # the same again is stored once
    page.keyboard.press("Enter")
    status.filter(has_text="unchanged").wait_for()
    assert dialogs == []


def test_the_observation_page_shows_missions_and_the_comparison(referendum: Site,
                                                                open_page: Any) -> None:
    page, _log = open_page(DESKTOP)
    page.goto(f"{referendum.url}/elections/ref-2022/observation?lang=ru")
    text = page.locator("main").inner_text()
    assert "ODIHR" in text and "CIS" in text and "NGO-ADAL" in text
    assert page.locator("tr[data-status='differs']").count() >= 1
    assert page.locator("tr[data-status='conflict']").count() >= 1
    # the coverage map draws every top-level unit (17 in 2022), beside its table
    page.locator("#map-coverage svg path").first.wait_for()
    assert page.locator("#map-coverage svg path").count() >= 17
    assert page.locator("#coverage tbody tr").count() == 17
