"""The FastAPI application: one `create_app` mounts the API's routers (api/routes/, one per
resource) and the public site's (web/routes.py). Routes are thin; each declares its access
policy (api/policies.py; tests/integration/test_policies.py walks them)."""

from __future__ import annotations

from fastapi import Depends, FastAPI, Request

from saylau import settings
from saylau.api import errors
from saylau.api.bodies import CSV_BODY, CSV_OUT, MAX_BODY, PayloadTooLarge
from saylau.api.headers import SecurityHeaders
from saylau.api.limits import BodyLimit
from saylau.api.logs import redact_access_log
from saylau.api.routes import (
    admin_log,
    audits,
    elections,
    geography,
    integrity,
    observation,
    open_data,
    parties,  # parties wing (issue 13)
    protocols,
    record,
    results,
    system,
    tokens,
    turnout,
)
from saylau.api.routes.system import DOCS_CSP, DOCS_PAGE
from saylau.domain.errors import ValidationFailed
from saylau.services.context import Saylau
from saylau.web.routes import router as web_router

__all__ = ["CSV_BODY", "CSV_OUT", "DOCS_CSP", "DOCS_PAGE", "MAX_BODY", "ROUTERS",
           "PayloadTooLarge", "create_app"]

ROUTERS = (geography.router, elections.router, protocols.router, turnout.router,
           results.router, record.router, open_data.router, admin_log.router, tokens.router,
           system.router,
           parties.router,  # parties wing (issue 13)
           audits.router,  # risk-limiting audits (issue 15)
           observation.router,  # observation (issue 12)
           integrity.router)  # integrity analytics (issue 14)
"""The API's routers, in the order they are mounted (and listed in the OpenAPI schema). The
coming wings' routers (observation, parties, integrity, audits) join when they have routes."""


async def _no_nul_in_params(request: Request) -> None:
    """Path and query parameters reach the database as text, which cannot hold NUL on
    PostgreSQL: refuse them as invalid input naming the parameter (not a 500). Async because it
    does no I/O: a sync dependency costs every request a hop to the thread pool and back."""
    for where, params in (("path", request.path_params), ("query", request.query_params)):
        for name, value in params.items():
            if isinstance(value, str) and "\x00" in value:
                raise ValidationFailed(
                    f"{where} parameter {name!r} contains a NUL character",
                    details={"field": f"{where}.{name}", "expected": "text without NUL",
                             "actual": value},
                )


def create_app(saylau: Saylau | None = None) -> FastAPI:
    # every setting read and checked once, at start: a bad value stops the server with an
    # error naming the variable, instead of a 422 on some later request (saylau.settings)
    settings.Settings.read()
    app = FastAPI(
        title="saylau",
        summary="Referendums and elections with Kazakhstan's rules: protocols in, results out.",
        version="0.1.0",
        dependencies=[Depends(_no_nul_in_params)],
        responses=errors.RESPONSES,
        docs_url=None,  # served by api/routes/system.py from the vendored Swagger UI
        redoc_url=None,  # ReDoc needs inline styles: not served (OpenAPI at /openapi.json)
    )
    app.state.saylau = saylau if saylau is not None else Saylau.open()
    errors.install(app)
    redact_access_log()  # no token in a URL reaches the access log (api/logs.py)
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(web_router, responses={
        **errors.PAGE_RESPONSES,
        204: {"description": "a live fragment: nothing new since the version the reader has"},
        304: {"description": "a page or static file: the reader's copy (If-None-Match) is "
              "current"},
    })
    return app
