"""`saylau publish`: the static snapshot is the whole public site, every link resolves, its
numbers are the record's, and its manifest names the time and the record."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from rich.console import Console
from typer.testing import CliRunner

from saylau.cli.demo import MAJILIS, REFERENDUM, DemoOptions, run_demo
from saylau.cli.main import app as cli
from saylau.services.context import Saylau
from saylau.web.i18n import tr
from saylau.web.publish import Snapshot, publish


@pytest.fixture(scope="module")
def ref_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("pub") / "ref.db"
    run_demo(DemoOptions(instant=True, stations=120, database=db), Console(file=io.StringIO()))
    return db


@pytest.fixture(scope="module")
def snapshot(ref_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    s = Saylau.open(f"sqlite:///{ref_db}")
    try:
        return publish(s, tmp_path_factory.mktemp("out") / "site", workers=2)
    finally:
        s.engine.dispose()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)


def broken_links(root: Path) -> list[str]:
    """Every href/src of every page, and every chart's data url, that names no file."""
    broken: list[str] = []
    for page in root.rglob("*.html"):
        parser = _Links()
        text = page.read_text(encoding="utf-8")
        parser.feed(text)
        targets = parser.links + re.findall(r'"url":"([^"]+)"', text)
        for link in targets:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                broken.append(f"{page.relative_to(root)}: external {link}")
                continue
            if not parts.path:
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_file() or root.resolve() not in target.parents:
                broken.append(f"{page.relative_to(root)}: {link}")
    return broken


def test_every_link_of_the_snapshot_resolves(snapshot: Snapshot) -> None:
    assert broken_links(snapshot.out) == []


def test_the_snapshot_has_every_page_in_every_language(snapshot: Snapshot,
                                                        ref_db: Path) -> None:
    s = Saylau.open(f"sqlite:///{ref_db}")
    geo = s.geography()
    s.engine.dispose()
    root = snapshot.out
    for lang in ("kk", "ru", "en"):
        assert (root / lang / "index.html").is_file()
        for u in geo.units[1:]:
            page = root / lang / "units" / f"{u.id}.html"
            assert page.is_file(), page
    # the country, every other unit, the Observation page (issue 12), the integrity page
    # (issue 14), the audits' list and each audit's page (issue 15: the demo's two); each x3
    audits = sorted((root / "en" / "audits").glob("*.html"))
    assert len(audits) == 2
    assert snapshot.pages == (len(geo.units) + 2 + 1 + len(audits)) * 3
    for lang in ("kk", "ru", "en"):
        listed = (root / lang / "audits.html").read_text(encoding="utf-8")
        for page in audits:
            assert f"/audits/{page.name}\"" in listed
            text = (root / lang / "audits" / page.name).read_text(encoding="utf-8")
            t = tr(lang)
            assert t.gettext("Seed") in text and t.gettext("Risk limit") in text
    assert (root / "index.html").is_file() and (root / "static" / "vendor" /
                                                "vega.min.js").is_file()
    assert (root / "static" / "geo" / "kz_units_2022.geojson").is_file()
    assert not list(root.parent.glob(".site.*")), "no build or old directory left behind"


def test_manifest_names_the_time_and_the_record(snapshot: Snapshot) -> None:
    m = json.loads((snapshot.out / "manifest.json").read_text(encoding="utf-8"))
    assert m["election"] == REFERENDUM
    assert m["built_at"].endswith("+00:00")
    results = json.loads((snapshot.out / "data" / "results" /
                          f"{REFERENDUM}.referendum.json").read_text(encoding="utf-8"))
    record = m["record"]["contests"][f"{REFERENDUM}.referendum"]
    assert record["as_of"] == results["as_of"] > 0
    assert m["record_changed_during_build"] is False
    assert m["pages"] == snapshot.pages and m["languages"] == ["kk", "ru", "en"]
    page = (snapshot.out / "en" / "index.html").read_text(encoding="utf-8")
    assert f"protocol versions up to no. {record['as_of']}" in page


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_snapshots_numbers_are_its_datas(snapshot: Snapshot, lang: str) -> None:
    results = json.loads((snapshot.out / "data" / "results" /
                          f"{REFERENDUM}.referendum.json").read_text(encoding="utf-8"))
    page = (snapshot.out / lang / "index.html").read_text(encoding="utf-8")
    t = tr(lang)
    for name in ("registered", "participants", "invalid"):
        m = re.search(rf'data-field="{name}"[^>]*>([^<]*)<', page)
        assert m is not None and m.group(1) == t.num(results["result"][name])
    assert "hx-get" not in page  # a snapshot does not poll
    units = json.loads((snapshot.out / "data" / "units" /
                        f"{REFERENDUM}.referendum.json").read_text(encoding="utf-8"))
    assert len(units["units"]) > 100
    protocols = json.loads((snapshot.out / "data" / "protocols" /
                            f"{REFERENDUM}.referendum.json").read_text(encoding="utf-8"))
    assert len(protocols["protocols"]) >= results["result"]["stations_reported"]


def test_the_cli_publishes_a_majilis_election(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "maj.db"
    run_demo(DemoOptions(instant=True, stations=100, database=db, election="majilis"),
             Console(file=io.StringIO()))
    monkeypatch.setenv("SAYLAU_DATABASE_URL", f"sqlite:///{db}")
    out = tmp_path / "public"
    r = CliRunner().invoke(cli, ["publish", MAJILIS, "--out", str(out), "--workers", "1"])
    assert r.exit_code == 0, r.output
    (out / "stale.html").write_text("from an earlier snapshot", encoding="utf-8")
    r = CliRunner().invoke(cli, ["publish", MAJILIS, "--out", str(out), "--workers", "1"])
    assert r.exit_code == 0, r.output
    assert "published majilis-2023" in r.output
    assert not (out / "stale.html").exists()  # an earlier snapshot is replaced as a whole
    assert broken_links(out) == []
    assert len(list((out / "en" / "contests").glob("*.html"))) == 29
    assert (out / "data" / "composition.json").is_file()
    page = (out / "kk" / "index.html").read_text(encoding="utf-8")
    assert page.count("<circle") == 98 and "Мәжіліс" in page
    r = CliRunner().invoke(cli, ["publish", "no-such-election", "--out", str(tmp_path / "x")])
    assert r.exit_code == 2 and "no election" in r.output


def test_publish_never_replaces_a_directory_of_other_files(ref_db: Path, tmp_path: Path) -> None:
    from saylau.domain.errors import Conflict

    mine = tmp_path / "home"
    mine.mkdir()
    (mine / "thesis.tex").write_text("years of work", encoding="utf-8")
    s = Saylau.open(f"sqlite:///{ref_db}")
    try:
        with pytest.raises(Conflict, match="not empty"):
            publish(s, mine, workers=1)
    finally:
        s.engine.dispose()
    assert (mine / "thesis.tex").read_text(encoding="utf-8") == "years of work"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]


def test_station_pages_show_the_observers_copies(snapshot: Snapshot, ref_db: Path) -> None:
    """Issue 12: a station page of the snapshot shows the observers' copies beside the
    official protocol, as the live page does, wherever an observer sent one."""
    from saylau.web import views
    from saylau.web.views.observation import stations_with_copies

    s = Saylau.open(f"sqlite:///{ref_db}")
    try:
        observed = stations_with_copies(s, views.election_info(s, REFERENDUM))
        stations = [u.id for u in s.geography().stations()]
    finally:
        s.engine.dispose()
    assert observed  # the demo's observers sent copies
    for st in stations:
        page = (snapshot.out / "en" / "units" / f"{st}.html").read_text(encoding="utf-8")
        assert ('class="observer-copies"' in page) == (st in observed), st
