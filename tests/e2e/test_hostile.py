"""Hostile names in a real browser: pages whose unit, party, election and list names are
script payloads open in chromium without running any of them (no dialog, no CSP violation or
other console error), and show the names as the text they are."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from saylau.api.app import create_app
from saylau.services.context import Saylau
from tests.e2e.conftest import DESKTOP, Site
from tests.integration.support import serving
from tests.integration.test_hostile_names import PAYLOADS, build_hostile


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    db = tmp_path_factory.mktemp("e2e-hostile") / "hostile.db"
    app = Saylau.open(f"sqlite:///{db}")
    build_hostile(app)
    with serving(create_app(app)) as url:
        yield Site(url, app, db)
    app.engine.dispose()


@pytest.mark.parametrize("path", ["/", "/elections/ref/units/KZ-71", "/elections/ref/units/KZ",
                                  "/elections/maj", "/elections/ref/units/KZ-71-D0-S0"])
def test_no_payload_runs_in_the_browser(hostile_site: Site, open_page: Any, path: str,
                                        tmp_path: Path) -> None:
    page, _log = open_page(DESKTOP)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{hostile_site.url}{path}?lang=en")
    page.wait_for_load_state("networkidle")
    assert dialogs == []
    text = page.locator("body").inner_text()
    shown = [p for p in PAYLOADS if p in text]
    assert shown, "the hostile names should be on the page, as text"
    assert page.evaluate("document.querySelectorAll('img[src=x], svg[onload]').length") == 0
    page.screenshot(path=str(tmp_path / "hostile.png"), full_page=True)
