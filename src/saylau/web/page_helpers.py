"""What every page of the public site shares (web/routes.py and the wings' pages): the reader's
language, the pages' headers (a strict Content-Security-Policy), rendered pages kept per record
version, ETags, and the 404 page."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Query, Request, Response
from fastapi.responses import HTMLResponse

from saylau.api.policies import PUBLIC_ROUTE, saylau_of
from saylau.domain.access import Principal
from saylau.domain.errors import NotFound
from saylau.domain.names import LANGUAGES
from saylau.services.context import Saylau
from saylau.web.i18n import COOKIE, negotiate
from saylau.web.render import ServerLinks, render_error

Public = Annotated[Principal, Depends(PUBLIC_ROUTE)]
LangQuery = Annotated[str | None, Query(max_length=8, description="kk, ru or en")]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
"""No inline script, no eval (the charts use Vega's CSP-safe interpreter), no inline style."""
POLL_SECONDS = 10
PAGE_CACHE_SIZE = 512
COOKIE_MAX_AGE = 365 * 24 * 3600

def reader_language(request: Request, query: str | None) -> str:
    return negotiate(query, request.cookies.get(COOKIE),
                     request.headers.get("accept-language"))


def set_headers(response: Response, lang: str, query: str | None) -> None:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Vary"] = "Cookie, Accept-Language"
    response.headers["Content-Language"] = lang
    if query in LANGUAGES:
        response.set_cookie(COOKIE, lang, max_age=COOKIE_MAX_AGE, samesite="lax",
                            httponly=True, path="/")


class Pages:
    """Rendered pages by (path, language, record version): election-night readers of the same
    page share one rendering until the record changes."""

    def __init__(self, size: int = PAGE_CACHE_SIZE) -> None:
        self._items: OrderedDict[tuple[str, str, str], str] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key: tuple[str, str, str], make: Callable[[], str]) -> str:
        with self._lock:
            html = self._items.get(key)
            if html is not None:
                self._items.move_to_end(key)
                return html
        html = make()
        with self._lock:
            self._items[key] = html
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return html


def pages_of(app: Saylau) -> Pages:
    pages = app.caches.get("web:pages")
    if not isinstance(pages, Pages):
        pages = app.caches.setdefault("web:pages", Pages())
    assert isinstance(pages, Pages)
    return pages


def etag(*parts: str) -> str:
    return '"' + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32] + '"'


def page(request: Request, lang: str, query: str | None, version: str,
          make: Callable[[], str]) -> Response:
    """A page with its ETag: 304 when the reader already has this version."""
    tag = etag(request.url.path, lang, version)
    if tag in request.headers.get("if-none-match", ""):
        response: Response = Response(status_code=304)
    else:
        html = pages_of(saylau_of(request)).get((request.url.path, lang, version), make)
        response = HTMLResponse(html)
    response.headers["ETag"] = tag
    response.headers["Cache-Control"] = "no-cache"
    set_headers(response, lang, query)
    return response


def not_found(request: Request, lang: str, query: str | None, exc: NotFound,
               election: str = "") -> Response:
    links = ServerLinks(election, request.url.path)
    response = HTMLResponse(render_error(404, exc.message, lang, links), status_code=404)
    set_headers(response, lang, query)
    return response
