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
from collections.abc import Iterator
from importlib import resources
from importlib.abc import Traversable
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from saylau.api.policies import MissionHead, saylau_of
from saylau.domain.errors import NotFound
from saylau.domain.ids import UnitId
from saylau.domain.versions import content_hash
from saylau.services.observation import compare as obs_compare
from saylau.web import views
from saylau.web.i18n import tr
from saylau.web.maps import MAP_FILES, map_bytes
from saylau.web.page_helpers import (
    LangQuery,
    Public,
)
from saylau.web.page_helpers import etag as _etag
from saylau.web.page_helpers import not_found as _not_found
from saylau.web.page_helpers import page as _page
from saylau.web.page_helpers import pages_of as _pages
from saylau.web.page_helpers import reader_language as _lang
from saylau.web.page_helpers import set_headers as _headers
from saylau.web.render import (
    ServerLinks,
    render_contest,
    render_elections,
    render_station,
    render_unit,
)
from saylau.web.render.integrity import render_integrity
from saylau.web.render.observation import render_form, render_observation
from saylau.web.views import observation as obs_views
from saylau.web.views.integrity import integrity_view

router = APIRouter(tags=["pages"])


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
    if unit.is_station:  # observers' copies beside the official protocol (issue 12)
        version += ":" + obs_compare.version(app, info.election.id)
    links = ServerLinks(info.election.id, request.url.path)

    def make() -> str:
        if unit.is_station:
            return render_station(views.station_view(app, info, unit.id), language, links,
                                  obs_views.station_copies(app, info, unit.id))
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


# --- observation (issue 12) ------------------------------------------------------------------


@router.get("/elections/{election_id}/observation", response_class=HTMLResponse)
def observation_page(election_id: str, request: Request, _who: Public,
                     lang: LangQuery = None) -> Response:
    """Missions and their counts, coverage, incidents, and the observers' copies held
    against the official protocols."""
    language = _lang(request, lang)
    app = saylau_of(request)
    try:
        info = views.election_info(app, election_id)
    except NotFound as exc:
        return _not_found(request, language, lang, exc, election_id)
    version = views.record_version(app, info) + ":" + obs_compare.version(app, election_id)
    links = ServerLinks(info.election.id, request.url.path)
    return _page(request, language, lang, version, lambda: render_observation(
        obs_views.observation_view(app, info), language, links))


@router.get("/elections/{election_id}/observation/report", response_class=HTMLResponse)
def observation_form(election_id: str, request: Request, _who: Public,
                     lang: LangQuery = None) -> Response:
    """The observers' phone form (it sends to the API with the observer's token)."""
    language = _lang(request, lang)
    app = saylau_of(request)
    try:
        info = views.election_info(app, election_id)
        v = obs_views.form_view(app, info)
    except NotFound as exc:
        return _not_found(request, language, lang, exc, election_id)
    links = ServerLinks(info.election.id, request.url.path)
    version = content_hash({"forms": [f.as_dict() for f in v.forms]})
    return _page(request, language, lang, version, lambda: render_form(v, language, links))


@router.get("/elections/{election_id}/observation/missions/{code}/print",
            response_class=HTMLResponse)
def mission_print(election_id: str, code: str, request: Request, who: MissionHead,
                  lang: LangQuery = None) -> Response:
    """A mission's printable page: the mission, its accredited observers with their badges,
    the deployment per station, its coverage and the comparison at its stations (its head's
    own view, with the token as a bearer; never cached by others)."""
    from saylau.web.render.observation import render_mission_print
    from saylau.web.views.mission_print import mission_print_view

    language = _lang(request, lang)
    app = saylau_of(request)
    try:
        info = views.election_info(app, election_id)
        v = mission_print_view(app, who, info, code)
    except NotFound as exc:
        return _not_found(request, language, lang, exc, election_id)
    response = HTMLResponse(render_mission_print(
        v, language, ServerLinks(info.election.id, request.url.path)))
    response.headers["Cache-Control"] = "private, no-store"
    _headers(response, language, lang)
    return response


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


# --- parties wing (issue 13): the party register ----------------------------------------


@router.get("/parties", response_class=HTMLResponse)
def parties_page(request: Request, _who: Public, lang: LangQuery = None) -> Response:
    """The register of political parties: status and valid members (no member row)."""
    from saylau.web.render.parties import render_register
    from saylau.web.views.parties import register_view

    language = _lang(request, lang)
    response = HTMLResponse(render_register(register_view(saylau_of(request)), language,
                                            ServerLinks("", request.url.path)))
    _headers(response, language, lang)
    return response


@router.get("/parties/{party}", response_class=HTMLResponse)
def party_page(party: str, request: Request, _who: Public, lang: LangQuery = None) -> Response:
    """A party's decision beside the other rulesets, its reasons, its members per region."""
    from saylau.web.render.parties import render_party
    from saylau.web.views.parties import party_view

    language = _lang(request, lang)
    try:
        v = party_view(saylau_of(request), party)
    except NotFound as exc:
        return _not_found(request, language, lang, exc)
    response = HTMLResponse(render_party(v, language, ServerLinks("", request.url.path)))
    _headers(response, language, lang)
    return response


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


# --- risk-limiting audits (issue 15) ----------------------------------------------------------


@router.get("/audits", response_class=HTMLResponse)
def audits_page(request: Request, _who: Public, lang: LangQuery = None) -> Response:
    """Every risk-limiting audit."""
    from saylau.web.render.audits import render_audits
    from saylau.web.views.audits import audits_list

    language = _lang(request, lang)
    items = [(a, c) for a, _e, c in audits_list(saylau_of(request))]
    response = HTMLResponse(render_audits(items, language, ServerLinks("", request.url.path)))
    _headers(response, language, lang)
    return response


@router.get("/audits/{audit_id}", response_class=HTMLResponse)
def audit_page(audit_id: str, request: Request, _who: Public,
               lang: LangQuery = None) -> Response:
    """A risk-limiting audit: its seed, sample, progress and risk."""
    from saylau.web.render.audits import render_audit
    from saylau.web.views.audits import audit_view

    language = _lang(request, lang)
    try:
        v = audit_view(saylau_of(request), audit_id)
    except NotFound as exc:
        return _not_found(request, language, lang, exc)
    response = HTMLResponse(render_audit(v, language, ServerLinks(v.report.election,
                                                                   request.url.path)))
    _headers(response, language, lang)
    return response
