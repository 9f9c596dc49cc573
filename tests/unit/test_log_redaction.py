"""The access log's redaction (api/logs.py): query values and token-shaped text go, the
rest of the request target stays readable (issue 17, item 6)."""

from __future__ import annotations

import logging

import pytest

from saylau.api.logs import RedactTargets, redact_target

TOKEN = "sl_" + "Ab3_-" * 9


@pytest.mark.parametrize(("target", "logged"), [
    ("/api/whoami", "/api/whoami"),
    (f"/api/whoami?token={TOKEN}", "/api/whoami?token=[redacted]"),
    ("/api/contests/c/results?unit=KZ-71&children_limit=5",
     "/api/contests/c/results?unit=[redacted]&children_limit=[redacted]"),
    (f"/api/elections/{TOKEN}", "/api/elections/[redacted]"),
    (f"/x?{TOKEN}", "/x?[redacted]=[redacted]"),
    ("/x?access_token=abc&bearer=def&auth=ghi",
     "/x?access_token=[redacted]&bearer=[redacted]&auth=[redacted]"),
    ("/x/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln/y", "/x/[redacted]/y"),
    ("/x/" + "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
     "/x/[redacted]"),
    ("/api/contests/ref.referendum/stations/KZ-71-D0-S0/protocols/2/proof",
     "/api/contests/ref.referendum/stations/KZ-71-D0-S0/protocols/2/proof"),
    ("/static/vendor/vega-lite.min.js", "/static/vendor/vega-lite.min.js"),
    ("/?", "/?"),
])
def test_targets_are_redacted(target: str, logged: str) -> None:
    assert redact_target(target) == logged


def test_the_filter_rewrites_uvicorns_access_records() -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1,
                               '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", f"/a?token={TOKEN}", "1.1", 401), None)
    assert RedactTargets().filter(record)
    assert TOKEN not in record.getMessage()
    assert record.getMessage() == '127.0.0.1:5000 - "GET /a?token=[redacted] HTTP/1.1" 401'
