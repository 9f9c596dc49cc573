"""The server itself: its interactive API documentation and its health check."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from saylau.api.policies import Public

router = APIRouter()

DOCS_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'none'")
"""The /docs page's policy: scripts, styles and requests from this server only; no inline
script or style, no eval, no CDN (issue 17: the default page loaded unpinned scripts from
one)."""
DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>saylau API</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>
<body>
<div id="swagger-ui" data-openapi="/openapi.json"></div>
<script src="/static/vendor/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>
</html>
"""


@router.get("/docs", include_in_schema=False)
def api_docs(_who: Public) -> HTMLResponse:
    """The interactive API documentation: Swagger UI from this server's vendored copy
    (web/static/vendor, VENDOR.md), started by a script file, under DOCS_CSP."""
    return HTMLResponse(DOCS_PAGE, headers={"Content-Security-Policy": DOCS_CSP,
                                            "Cache-Control": "no-cache"})


@router.get("/healthz", tags=["pages"])
def health(_who: Public) -> dict[str, str]:
    return {"status": "ok"}
