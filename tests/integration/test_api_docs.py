"""The interactive API documentation (issue 17, item 9): /docs is Swagger UI served from this
server's own vendored copy (web/static/vendor, with its licences and version in VENDOR.md),
under a strict Content-Security-Policy; nothing is loaded from a CDN. ReDoc, whose styles
need inline `<style>` elements, is not served (the OpenAPI document is at /openapi.json)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import saylau.web
from saylau.api.app import create_app
from saylau.services.context import Saylau

VENDOR = Path(saylau.web.__file__).parent / "static" / "vendor"


@pytest.fixture
def client(saylau: Saylau) -> Iterator[TestClient]:
    with TestClient(create_app(saylau)) as c:
        yield c


def test_docs_load_only_this_servers_files_under_a_strict_csp(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert "'unsafe" not in csp and "http" not in csp
    html = r.text
    assert "<script>" not in html and " style=" not in html  # nothing inline
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith("/static/") for u in urls), urls
    for u in urls:
        assert client.get(u).status_code == 200, u
    assert "cdn" not in html.lower()
    spec = client.get("/openapi.json")
    assert spec.status_code == 200 and spec.json()["info"]["title"] == "saylau"
    assert client.get("/redoc").status_code == 404
    assert client.get("/docs/oauth2-redirect").status_code == 404


def test_the_vendored_ui_has_its_licence_and_version() -> None:
    vendor_md = (VENDOR / "VENDOR.md").read_text(encoding="utf-8")
    assert re.search(r"swagger-ui-dist \d+\.\d+\.\d+", vendor_md)
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui.LICENSE.txt",
                 "swagger-ui-bundle.js.LICENSE.txt", "swagger-ui.NOTICE.txt"):
        assert (VENDOR / name).is_file(), name
        assert f"`{name}`" in vendor_md, name
    assert "Apache License" in (VENDOR / "swagger-ui.LICENSE.txt").read_text(encoding="utf-8")
    for name in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert b"sourceMappingURL" not in (VENDOR / name).read_bytes()
