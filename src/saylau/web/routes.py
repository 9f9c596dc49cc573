"""The public site's routes: server-rendered pages, their live fragments, and static files.

Every route is public (`PUBLIC_ROUTE`) and reads only what the public may see. Pages carry a
strict Content-Security-Policy (scripts and styles from this server only, no inline script, no
eval) and an ETag naming the record they were built from, so a reload of an unchanged page costs
a 304. The live region of a page polls its fragment every 10 s with the record version it shows;
while nothing new has arrived the answer is an empty 204 (the version probe runs at most once a
second per election, however many readers poll), and rendered pages are reused per record
version and language.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from importlib import resources
from importlib.abc import Traversable
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse

from saylau.api.policies import PUBLIC_ROUTE, saylau_of
from saylau.domain.access import Principal
from saylau.domain.errors import NotFound
from saylau.domain.ids import UnitId
from saylau.domain.names import LANGUAGES
from saylau.services.context import Saylau
from saylau.web import views
from saylau.web.i18n import COOKIE, negotiate, tr
from saylau.web.maps import MAP_FILES, map_bytes
from saylau.web.render import (
    ServerLinks,
    render_contest,
    render_elections,
    render_error,
    render_station,
    render_unit,
)
from saylau.web.render.integrity import render_integrity
from saylau.web.views.integrity import integrity_view

Public = Annotated[Principal, Depends(PUBLIC_ROUTE)]
LangQuery = Annotated[str | None, Query(max_length=8, description="kk, ru or en")]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
"""No inline script, no eval (the charts use Vega's CSP-safe interpreter), no inline style."""
POLL_SECONDS = 10
PAGE_CACHE_SIZE = 512
COOKIE_MAX_AGE = 365 * 24 * 3600

router = APIRouter(tags=["pages"])


# --- helpers ---------------------------------------------------------------------------------


def _lang(request: Request, query: str | None) -> str:
    return negotiate(query, request.cookies.get(COOKIE),
                     request.headers.get("accept-language"))


def _headers(response: Response, lang: str, query: str | None) -> None:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Vary"] = "Cookie, Accept-Language"
    response.headers["Content-Language"] = lang
    if query in LANGUAGES:
        response.set_cookie(COOKIE, lang, max_age=COOKIE_MAX_AGE, samesite="lax",
                            httponly=True, path="/")


class _Pages:
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


def _pages(app: Saylau) -> _Pages:
    pages = app.caches.get("web:pages")
    if not isinstance(pages, _Pages):
        pages = app.caches.setdefault("web:pages", _Pages())
    assert isinstance(pages, _Pages)
    return pages


def _etag(*parts: str) -> str:
    return '"' + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32] + '"'


def _page(request: Request, lang: str, query: str | None, version: str,
          make: Callable[[], str]) -> Response:
    """A page with its ETag: 304 when the reader already has this version."""
    tag = _etag(request.url.path, lang, version)
    if tag in request.headers.get("if-none-match", ""):
        response: Response = Response(status_code=304)
    else:
        html = _pages(saylau_of(request)).get((request.url.path, lang, version), make)
        response = HTMLResponse(html)
    response.headers["ETag"] = tag
    response.headers["Cache-Control"] = "no-cache"
    _headers(response, lang, query)
    return response


def _not_found(request: Request, lang: str, query: str | None, exc: NotFound,
               election: str = "") -> Response:
    links = ServerLinks(election, request.url.path)
    response = HTMLResponse(render_error(404, exc.message, lang, links), status_code=404)
    _headers(response, lang, query)
    return response


def _live_url(election_id: str, unit_id: str, version: str) -> str:
    from saylau.web.render import q

    return f"/elections/{q(election_id)}/units/{q(unit_id)}/live?v={q(version)}"


def _national(request: Request, election_id: str | None, lang: str,
              query: str | None) -> Response:
    app = saylau_of(request)
    try:
        info = views.election_info(app, election_id)
    except NotFound as exc:
        if election_id is not None:
            return _not_found(request, lang, query, exc)
        response = HTMLResponse(render_elections([], lang, ServerLinks("", request.url.path)))
        _headers(response, lang, query)
        return response
    version = views.record_version(app, info)
    links = ServerLinks(info.election.id, request.url.path)

    def make() -> str:
        v = views.unit_view(app, info)
        return render_unit(v, lang, links, live_url=_live_url(info.election.id, v.unit.id,
                                                              v.version))

    return _page(request, lang, query, version, make)


# --- pages -----------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(request: Request, _who: Public, lang: LangQuery = None) -> Response:
    """The national page of the latest election."""
    return _national(request, None, _lang(request, lang), lang)


@router.get("/elections", response_class=HTMLResponse)
def elections_page(request: Request, _who: Public, lang: LangQuery = None) -> Response:
    language = _lang(request, lang)
    t = tr(language)
    app = saylau_of(request)
    from saylau.web.render import q

    items = [(f"/elections/{q(e.id)}", t.name(e.name), t.date(e.date))
             for e in reversed(views.elections(app))]
    response = HTMLResponse(render_elections(items, language, ServerLinks("",
                                                                          request.url.path)))
    _headers(response, language, lang)
    return response


@router.get("/elections/{election_id}", response_class=HTMLResponse)
def election_page(election_id: str, request: Request, _who: Public,
                  lang: LangQuery = None) -> Response:
    return _national(request, election_id, _lang(request, lang), lang)


@router.get("/elections/{election_id}/units/{unit_id}", response_class=HTMLResponse)
def unit_page(election_id: str, unit_id: str, request: Request, _who: Public,
              lang: LangQuery = None) -> Response:
    """A unit (region, district) with its figures and subdivisions, or a polling station with
    its protocols, their checks and every version."""
    language = _lang(request, lang)
    app = saylau_of(request)
    try:
        info = views.election_info(app, election_id)
        unit = app.geography().unit(UnitId(unit_id))
    except NotFound as exc:
        return _not_found(request, language, lang, exc, election_id)
    version = views.record_version(app, info)
    links = ServerLinks(info.election.id, request.url.path)

    def make() -> str:
        if unit.is_station:
            return render_station(views.station_view(app, info, unit.id), language, links)
        v = views.unit_view(app, info, unit.id)
        return render_unit(v, language, links,
                           live_url=_live_url(info.election.id, unit.id, v.version))

    return _page(request, language, lang, version, make)


@router.get("/elections/{election_id}/units/{unit_id}/live", response_class=HTMLResponse)
def unit_live(election_id: str, unit_id: str, request: Request, _who: Public,
              v: Annotated[str, Query(max_length=200)] = "",
              lang: LangQuery = None) -> Response:
    """The live region of a unit's page: 204 (nothing to swap) while the record is the one
    the reader has (`v`), else the region rendered from the current record."""
    language = _lang(request, lang)
    app = saylau_of(request)
    try:
        info = views.election_info(app, election_id)
        unit = app.geography().unit(UnitId(unit_id))
    except NotFound as exc:
        return _not_found(request, language, lang, exc, election_id)
    version = views.record_version(app, info)
    if v == version or unit.is_station:
        response = Response(status_code=204)
        _headers(response, language, None)
        response.headers["Cache-Control"] = "no-store"
        return response
    links = ServerLinks(info.election.id, ServerLinks(info.election.id, "").unit(unit))

    def make() -> str:
        view = views.unit_view(app, info, unit.id)
        return render_unit(view, language, links, fragment=True,
                           live_url=_live_url(info.election.id, unit.id, view.version))

    html = _pages(app).get((request.url.path, language, version), make)
    response = HTMLResponse(html)
    response.headers["Cache-Control"] = "no-store"
    _headers(response, language, None)
    return response


@router.get("/elections/{election_id}/contests/{contest_id}", response_class=HTMLResponse)
def contest_page(election_id: str, contest_id: str, request: Request, _who: Public,
                 lang: LangQuery = None) -> Response:
    """A single contest: a single-member district, the presidency, a Senate seat."""
    language = _lang(request, lang)
    app = saylau_of(request)
    try:
        info = views.election_info(app, election_id)
        info.contest(contest_id)
    except NotFound as exc:
        return _not_found(request, language, lang, exc, election_id)
    version = views.record_version(app, info)
    links = ServerLinks(info.election.id, request.url.path)
    return _page(request, language, lang, version,
                 lambda: render_contest(views.contest_view(app, info, contest_id), language,
                                        links))


# --- integrity analytics (issue 14) ---------------------------------------------------------


@router.get("/elections/{election_id}/integrity", response_class=HTMLResponse)
def integrity_page(election_id: str, request: Request, _who: Public,
                   lang: LangQuery = None) -> Response:
    """The election's integrity page: forensic signals, the quick count, the charts."""
    language = _lang(request, lang)
    app = saylau_of(request)
    try:
        info = views.election_info(app, election_id)
    except NotFound as exc:
        return _not_found(request, language, lang, exc, election_id)
    links = ServerLinks(info.election.id, request.url.path)
    # a run is stored without a record leaf, so the record's version cannot name the page:
    # it is rebuilt on each request (one stored run read, no test computed)
    response = HTMLResponse(render_integrity(integrity_view(app, info), language, links))
    _headers(response, language, lang)
    response.headers["Cache-Control"] = "no-cache"
    return response


# --- static files ----------------------------------------------------------------------------


def _walk(root: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    for item in root.iterdir():
        name = f"{prefix}{item.name}"
        if item.is_dir():
            yield from _walk(item, f"{name}/")
        elif item.is_file() and not item.name.startswith("."):
            yield name, item


_STATIC: dict[str, tuple[bytes, str, str]] = {}
_STATIC_LOCK = threading.Lock()

MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
               ".geojson": "application/geo+json", ".json": "application/json",
               ".txt": "text/plain; charset=utf-8", ".md": "text/plain; charset=utf-8",
               ".svg": "image/svg+xml", ".png": "image/png"}


def static_files() -> dict[str, bytes]:
    """Every static file by its path under /static/ (the site's assets, vendored libraries
    with their licences, and the map outlines under geo/)."""
    out = {name: f.read_bytes()
           for name, f in _walk(resources.files("saylau.web").joinpath("static"))}
    for name in MAP_FILES:
        data = map_bytes(name)
        if data is not None:
            out[f"geo/{name}"] = data
    return out


def _static(path: str) -> tuple[bytes, str, str] | None:
    with _STATIC_LOCK:
        if not _STATIC:
            for name, data in static_files().items():
                ext = "." + name.rsplit(".", 1)[-1] if "." in name else ""
                media = MEDIA_TYPES.get(ext) or mimetypes.guess_type(name)[0] or \
                    "application/octet-stream"
                _STATIC[name] = (data, media, _etag(name, hashlib.sha256(data).hexdigest()))
        return _STATIC.get(path)


@router.get("/static/{path:path}")
def static(path: str, request: Request, _who: Public) -> Response:
    """The site's scripts, styles, vendored libraries and map outlines (no CDN)."""
    found = _static(path)
    if found is None:
        raise NotFound(f"no static file {path!r}", details={"path": path})
    data, media, tag = found
    headers = {"ETag": tag, "Cache-Control": "public, max-age=3600",
               "X-Content-Type-Options": "nosniff"}
    if tag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=media, headers=headers)
