"""Browser tests: Playwright's Python package driving Debian's chromium (/usr/bin/chromium,
headless; no browser download). Skipped, saying why, when either is missing; CI installs
chromium (.ci/run).

The app is served by uvicorn in a thread against demo nights built in a temporary directory.
Screenshots go to $SAYLAU_SCREENSHOTS when set (`SAYLAU_SCREENSHOTS=docs/screenshots` refreshes
the README's), else to the test's temporary directory.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from saylau.api.app import create_app
from saylau.cli.demo import DemoOptions, run_demo
from saylau.services.context import Saylau
from tests.integration.support import serving

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

try:
    from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright
except ImportError:  # pragma: no cover - the dev extra installs it
    sync_playwright = None  # type: ignore[assignment]

if sync_playwright is None:
    pytest.skip("the playwright package is not installed (pip install -e '.[dev]')",
                allow_module_level=True)
if not CHROMIUM.exists():
    pytest.skip(f"no browser at {CHROMIUM}: apt-get install chromium (.ci/run does)",
                allow_module_level=True)


@dataclass
class Site:
    url: str
    app: Saylau
    db: Path


def _night(tmp: Path, election: str) -> Iterator[Site]:
    db = tmp / f"{election}.db"
    run_demo(DemoOptions(instant=True, stations=300, database=db, election=election),
             Console(file=io.StringIO()))
    app = Saylau.open(f"sqlite:///{db}")
    with serving(create_app(app)) as url:
        yield Site(url, app, db)
    app.engine.dispose()


@pytest.fixture(scope="session")
def referendum(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from _night(tmp_path_factory.mktemp("e2e-ref"), "referendum")


@pytest.fixture(scope="session")
def majilis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from _night(tmp_path_factory.mktemp("e2e-maj"), "majilis")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    assert sync_playwright is not None
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield b
        b.close()


@dataclass
class PageLog:
    """What the page said on its console: any error fails the test."""

    errors: list[str] = field(default_factory=list)

    def on_console(self, msg: ConsoleMessage) -> None:
        if msg.type == "error":
            self.errors.append(f"{msg.text} at {msg.location}")

    def on_error(self, exc: Any) -> None:
        self.errors.append(f"page error: {exc}")


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Any]:
    """open_page(viewport) -> (page, console); every page opened is checked for console
    errors when the test ends."""
    opened: list[tuple[Page, PageLog]] = []

    def make(viewport: dict[str, int] | None = None, **context: Any) -> tuple[Page, PageLog]:
        ctx = browser.new_context(viewport=viewport or DESKTOP, **context)
        page = ctx.new_page()
        log = PageLog()
        page.on("console", log.on_console)
        page.on("pageerror", log.on_error)
        opened.append((page, log))
        return page, log

    yield make
    errors = [e for _, log in opened for e in log.errors]
    for page, _ in opened:
        page.context.close()
    assert not errors, "console errors:\n" + "\n".join(errors)


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = os.environ.get("SAYLAU_SCREENSHOTS")
    out = Path(target) if target else tmp_path_factory.mktemp("screenshots")
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture
def static_site(tmp_path: Path, referendum: Site) -> Iterator[str]:
    """The referendum's static snapshot served by Python's own static server."""
    from saylau.web.publish import publish

    out = publish(referendum.app, tmp_path / "site", workers=1).out
    handler = partial(_Quiet, directory=str(out))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return
