"""Hostile names: every string a commission or an operator typed (unit names, party names,
the election's name and question, a correction's reason) is shown escaped on every public
page, in every language, and every page sends the strict Content-Security-Policy.

The payloads try each context a name can land in: element text, an attribute (quoted either
way), the JSON a chart or map reads from a <script type="application/json"> block, and a
template expression.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from saylau.api.app import create_app
from saylau.domain.access import Principal, Role
from saylau.domain.contests import QUESTION_2022
from saylau.domain.geography import Geography, Unit, UnitKind
from saylau.domain.ids import ActorId, UnitId
from saylau.domain.names import Names
from saylau.domain.protocols import ProtocolCounts
from saylau.services import parliament as ps
from saylau.services import protocols as protocol_svc
from saylau.services.context import Saylau
from saylau.services.elections import create_referendum
from saylau.services.geography import load_geography

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "</script><script>alert(3)</script>",
    "' onmouseover='alert(4)' x='",
    "{{ 7 * 7 }}{% raw %}",
    "<svg/onload=alert(5)>",
)
RAW_MARKERS = ("<script>alert", "<img src=x", "</script><script>", "onmouseover='alert",
               "<svg/onload")
ADMIN = Principal(ActorId("cec"), Role.ADMIN)


def evil(k: int) -> Names:
    p = PAYLOADS[k % len(PAYLOADS)]
    return Names(kk=f"kk {p}", ru=f"ru {p}", en=f"en {p}")


def hostile_country() -> Geography:
    units = [Unit(UnitId("KZ"), None, UnitKind.COUNTRY, evil(0))]
    n = 0
    for t, code in enumerate(("KZ-71", "KZ-75", "KZ-11")):
        units.append(Unit(UnitId(code), UnitId("KZ"), UnitKind.REGION, evil(t + 1), code=code))
        did = UnitId(f"{code}-D0")
        units.append(Unit(did, UnitId(code), UnitKind.DISTRICT, evil(t + 2)))
        for s in range(2):
            n += 1
            units.append(Unit(UnitId(f"{did}-S{s}"), did, UnitKind.STATION, evil(n),
                              registered=1000 + n))
    return Geography.build(units)


def build_hostile(saylau: Saylau) -> None:
    """The hostile country, a referendum with protocols and a correction, and a parliament
    election with hostile party and list names (no votes yet)."""
    load_geography(saylau, hostile_country())
    create_referendum(saylau, election_id="ref", name=evil(3), ruleset_name="kz-2022",
                      date="2022-06-05", question=Names.same(f"{QUESTION_2022.en} {PAYLOADS[2]}"),
                      constitutional=True, by=ActorId("cec"))
    parties = [ps.PartySpec(f"P{k}", evil(k), k + 1, (f"{PAYLOADS[k]} list",))
               for k in range(len(PAYLOADS))]
    ps.create_parliament(saylau, election_id="maj", name=evil(1), ruleset_name="generic",
                         date="2023-03-19", parties=parties, by=ActorId("cec"),
                         params={"seats": "10"})
    for k, st in enumerate(saylau.geography().stations()):
        counts = ProtocolCounts.of(registered=st.registered, ballots_received=900,
                                   ballots_issued=800, ballots_cancelled=100,
                                   ballots_in_boxes=800, invalid=10,
                                   votes={"yes": 500 + k, "no": 290 - k})  # type: ignore[dict-item]
        protocol_svc.submit_protocol(saylau, ADMIN, "ref.referendum", st.id, counts)
    first = next(iter(saylau.geography().stations()))
    fixed = ProtocolCounts.of(registered=first.registered, ballots_received=900,
                              ballots_issued=800, ballots_cancelled=100, ballots_in_boxes=800,
                              invalid=10, votes={"yes": 400, "no": 390})  # type: ignore[dict-item]
    protocol_svc.submit_protocol(saylau, ADMIN, "ref.referendum", first.id, fixed,
                                 correction=True, corrects=1, reason=f"recount {PAYLOADS[1]}")


@pytest.fixture
def hostile(saylau: Saylau) -> Iterator[tuple[TestClient, Saylau]]:
    build_hostile(saylau)
    with TestClient(create_app(saylau)) as c:
        yield c, saylau


def _pages(c: TestClient, app: Saylau) -> list[str]:
    urls = ["/", "/elections", "/elections/ref", "/elections/maj"]
    for e in ("ref", "maj"):
        urls += [f"/elections/{e}/units/{u.id}" for u in app.geography().units]
    urls.append("/elections/ref/contests/ref.referendum")
    urls += [re.sub(r"\?.*", "", u) for u in re.findall(
        r'href="(/elections/maj/contests/[^"]+)"', c.get("/elections/maj?lang=en").text)]
    return sorted(set(urls))


def test_every_page_escapes_hostile_names_and_sends_the_csp(
    hostile: tuple[TestClient, Saylau],
) -> None:
    c, app = hostile
    pages = _pages(c, app)
    assert len(pages) >= 25
    seen_escaped = template_shown = 0
    for url in pages:
        for lang in ("kk", "ru", "en"):
            r = c.get(url, params={"lang": lang})
            assert r.status_code == 200, (url, r.text[:300])
            csp = r.headers["content-security-policy"]
            assert "default-src 'self'" in csp or "script-src 'self'" in csp, csp
            assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, csp
            assert r.headers.get("x-content-type-options") == "nosniff"
            html = r.text
            for marker in RAW_MARKERS:
                assert marker not in html, (url, lang, marker)
            template_shown += html.count("{{ 7 * 7 }}{% raw %}")  # shown, not evaluated
            for block in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>',
                                    html, flags=re.S):
                assert "</" not in block, (url, "a JSON block could end its <script>")
                json.loads(block)  # still the data it was
            seen_escaped += html.count("&lt;script&gt;alert(1)") + html.count(
                "\\u003cscript\\u003ealert(1)")
    assert seen_escaped > 0  # the names were on the pages, escaped, not dropped
    assert template_shown > 0


def test_the_live_fragment_and_error_pages_escape_too(
    hostile: tuple[TestClient, Saylau],
) -> None:
    c, _app = hostile
    r = c.get("/elections/ref/units/KZ/live", params={"lang": "en"})
    assert r.status_code in (200, 204)
    for marker in RAW_MARKERS:
        assert marker not in r.text
    # a hostile id in the path is echoed escaped (or not at all) in the 404 page
    r = c.get("/elections/ref/units/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert r.status_code == 404
    assert "<script>alert" not in r.text
    assert r.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert r.headers["x-content-type-options"] == "nosniff"
    # and on the API: JSON is never to be rendered as a page
    r = c.get("/api/geography/units/%3Cscript%3E")
    assert r.status_code == 404 and r.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in r.headers["content-security-policy"]


def test_the_static_snapshot_escapes_too(hostile: tuple[TestClient, Saylau],
                                         tmp_path: Path) -> None:
    """`saylau publish` renders the same templates to files: no page of either election
    carries a payload unescaped (the Majilis has no votes yet: its snapshot still builds)."""
    from saylau.web.publish import publish

    _c, app = hostile
    for e in ("ref", "maj"):
        out = tmp_path / e
        publish(app, out, e, workers=1)
        pages = list(out.rglob("*.html"))
        assert len(pages) >= 10
        for page in pages:
            html = page.read_text(encoding="utf-8")
            for marker in RAW_MARKERS:
                assert marker not in html, (page, marker)
        composition = out / "data" / "composition.json"
        if e == "maj":
            assert json.loads(composition.read_text())["error"]["code"] in {
                "no_votes", "no_party_passed"}
