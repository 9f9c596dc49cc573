"""The whole public site as static files, for election-night traffic (`saylau publish`,
cli/publish.py).

Every page of the live site (the national page, every unit down to each polling station with
its protocols, every single-member district or other contest) in Kazakh, Russian and English,
the assets and map outlines, and the data as JSON and CSV. Links are relative, so the snapshot
works from any static host, any sub-directory, or `python -m http.server`. `manifest.json`
names the time of the build and the record it was built from (each contest's last protocol
version and turnout report), and every page says the same in its status line.

The snapshot is written beside the target and moved into place at the end, so a web server
pointed at the target never serves half a snapshot.

Layout:

    index.html                 language chooser (remembers the reader's choice)
    manifest.json              build time, record, counts
    kk/ ru/ en/                index.html, units/<unit>.html, contests/<contest>.html,
                               integrity.html, observation.html, audits.html,
                               audits/<audit>.html (seed, sample, risk, hand counts),
                               parties/index.html and parties/<party>.html (once a party has
                               applied)
    static/                    site.css, site.js, vendor/ (with licences), geo/ (outlines)
    data/                      election.json, results/, units/, protocols/, decisions,
                               composition.json, geography.csv, parties.json
"""

from __future__ import annotations

import functools
import json
import multiprocessing as mp
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from saylau.domain.contests import ContestKind
from saylau.domain.errors import RuleError
from saylau.domain.ids import StationId, UnitId
from saylau.domain.names import LANGUAGES

if TYPE_CHECKING:  # types only: the pages and services are imported when publishing
    from saylau.services.context import Saylau
    from saylau.web import views
    from saylau.web.render import StaticLinks

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Snapshot:
    out: Path
    pages: int
    files: int
    seconds: float
    manifest: dict[str, Any]


def _write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def _json(path: Path, data: object) -> None:
    _write(path, json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str))


def _record(app: Saylau, info: views.ElectionInfo) -> dict[str, Any]:
    from saylau.services import results as results_svc
    from saylau.web import views

    contests: dict[str, Any] = {}
    for c in info.contests:
        if c.kind is ContestKind.SENATE_SEAT:
            continue
        _t, cache = results_svc.refresh(app, c.id, max_age=views.results_max_age())
        contests[c.id] = {"as_of": cache.seq, "turnout_as_of": cache.turnout_seq}
    return contests


def _data(app: Saylau, info: views.ElectionInfo, root: Path) -> int:
    """The snapshot's data in the API's shapes: results of every unit, every protocol version,
    the decisions, the chamber, the geography. Returns the number of files written."""
    from saylau.api.schemas import (
        ElectionOut,
        ProtocolOut,
        ResultsOut,
        UnitResultOut,
    )
    from saylau.api.schemas.results import decision_wire
    from saylau.domain.geography_csv import geography_to_csv
    from saylau.services import parliament as parliament_svc
    from saylau.services import protocols as protocol_svc
    from saylau.services import results as results_svc
    from saylau.web import views
    from saylau.web.render import file_name

    geo = app.geography()
    data = root / "data"
    n = 0
    _json(data / "election.json",
          ElectionOut.of(info.election, list(info.contests)).model_dump(mode="json"))
    _write(data / "geography.csv", geography_to_csv(geo))
    n += 2
    for c in info.contests:
        if c.kind is ContestKind.SENATE_SEAT:
            continue
        name = file_name(c.id)
        v = results_svc.results(app, c.id, None if c.district is None else c.district.unit,
                                max_age=views.results_max_age())
        from saylau.services.record import tree_head

        head = tree_head(app, c.election).as_json()
        _json(data / "results" / f"{name}.json",
              ResultsOut.of(v, head).model_dump(mode="json"))
        t, _cache = results_svc.refresh(app, c.id, views.results_max_age())
        units = [UnitResultOut.of(u, r).model_dump(mode="json")
                 for u, r in ((u, t.result(u.id)) for u in geo.units) if r.stations_expected]
        _json(data / "units" / f"{name}.json", {"contest": c.id, "as_of": v.as_of,
                                                 "units": units})
        stations = [s for s in geo.stations() if c.votes_at(geo, StationId(s.id))]
        protocols = [ProtocolOut.of(p).model_dump(mode="json") for s in stations
                     for p in protocol_svc.protocol_history(app, c.id, s.id)]
        _json(data / "protocols" / f"{name}.json", {"contest": c.id, "protocols": protocols})
        n += 3
        if c.kind in (ContestKind.SINGLE_MEMBER, ContestKind.PRESIDENTIAL):
            # the API's GET /api/contests/{id}/decision, from the one decision call
            d, seq = results_svc.decision(app, c.id)
            _json(data / "decisions" / f"{name}.json", decision_wire(d, "en", seq))
            n += 1
    from saylau.web.views.parties import register_view

    entries = register_view(app)
    if entries:  # the party register (issue 13): statuses, decisions and counts, no row
        _json(data / "parties.json", [e.as_dict() for e in entries])
        n += 1
    if info.main.kind is ContestKind.PARTY_LIST:
        try:
            comp = parliament_svc.composition_json(
                parliament_svc.composition(app, info.election.id))
        except RuleError as exc:  # no seats from these figures yet: say why, as the API does
            comp = {"error": {"code": exc.code, "message": exc.message, "details": exc.details}}
        _json(data / "composition.json", comp)
        n += 1
    return n


Job = tuple[str, str | None]
"""A page to write: ('index', None), ('unit', unit id), ('contest', contest id),
('observation', None), ('integrity', None), ('audits', None), ('audit', audit id),
('parties', None) or ('party', party id)."""


def _jobs(app: Saylau, info: views.ElectionInfo) -> list[Job]:
    jobs: list[Job] = [("index", None)]
    if info.has_stations:
        jobs.extend(("unit", u.id) for u in app.geography().units[1:])
    jobs.extend(("contest", c.id) for c in info.contests
                if not (c.id == info.main.id and c.kind is not ContestKind.SENATE_SEAT))
    jobs.append(("observation", None))  # observation (issue 12)
    jobs.append(("integrity", None))  # integrity analytics (issue 14)
    # the party register (issue 13): its page and each party's, once a party has applied
    from saylau.web.views.parties import register_view

    entries = register_view(app)
    if entries:
        jobs.append(("parties", None))
        jobs.extend(("party", e.id) for e in entries)
    jobs.append(("audits", None))  # risk-limiting audits (issue 15): the list, then each
    from saylau.web.views.audits import audits_list

    jobs.extend(("audit", a) for a, _e, _c in audits_list(app, info.election.id))
    return jobs


def _write_pages(app: Saylau, info: views.ElectionInfo, built: datetime, root: Path,
                 jobs: list[Job]) -> int:
    """Gather each job's view once and write its page in the three languages."""
    from saylau.web import views
    from saylau.web.render import (
        StaticLinks,
        file_name,
        render_contest,
        render_station,
    )
    from saylau.web.views.observation import station_copies, stations_with_copies
    from saylau.web.views.parties import register_view

    geo = app.geography()
    written = 0
    with_parties = bool(register_view(app))
    observed = stations_with_copies(app, info)  # observers' copies (issue 12)
    with views.frozen_record():
        for kind, ident in jobs:
            render: Callable[[str, StaticLinks], str]
            if kind == "index":
                path = "index.html"
                uv = replace(views.unit_view(app, info), built=built)
                render = functools.partial(_unit, uv)
            elif kind == "observation":
                from saylau.web.render.observation import render_observation
                from saylau.web.views.observation import observation_view

                path = "observation.html"
                render = functools.partial(render_observation, observation_view(app, info))
            elif kind == "integrity":
                from saylau.web.render.integrity import render_integrity
                from saylau.web.views.integrity import integrity_view

                path = "integrity.html"
                iv = replace(integrity_view(app, info), built=built)
                render = functools.partial(render_integrity, iv)
            elif kind == "parties":
                from saylau.web.render.parties import render_register

                path = "parties/index.html"
                render = functools.partial(render_register, register_view(app))
            elif kind == "party":
                from saylau.web.render.parties import render_party
                from saylau.web.views.parties import party_view

                assert ident is not None
                path = f"parties/{file_name(ident)}.html"
                render = functools.partial(render_party, party_view(app, ident))
            elif kind == "audits":
                from saylau.web.render.audits import render_audits
                from saylau.web.views.audits import audits_list

                path = "audits.html"
                items = [(a, c) for a, _e, c in audits_list(app, info.election.id)]
                render = functools.partial(render_audits, items)
            elif kind == "audit":
                from saylau.web.render.audits import render_audit
                from saylau.web.views.audits import audit_view

                assert ident is not None
                path = f"audits/{file_name(ident)}.html"
                render = functools.partial(render_audit, audit_view(app, ident))
            elif kind == "contest":
                assert ident is not None
                path = f"contests/{file_name(ident)}.html"
                cv = replace(views.contest_view(app, info, ident), built=built)
                render = functools.partial(render_contest, cv)
            else:
                assert ident is not None
                path = f"units/{file_name(ident)}.html"
                if geo.unit(UnitId(ident)).is_station:
                    sv = replace(views.station_view(app, info, ident), built=built)
                    copies = station_copies(app, info, ident) if ident in observed else []
                    render = functools.partial(render_station, sv, observation=copies)
                else:
                    uv = replace(views.unit_view(app, info, ident), built=built)
                    render = functools.partial(_unit, uv)
            for lang in LANGUAGES:
                page = f"{lang}/{path}"
                _write(root / page, render(lang, StaticLinks(page, lang,
                                                             with_parties=with_parties)))
                written += 1
    return written


def _unit(v: views.UnitView, lang: str, links: StaticLinks) -> str:
    from saylau.web.render import render_unit

    return render_unit(v, lang, links)


_WORK: tuple[Saylau, views.ElectionInfo, datetime, Path] | None = None
"""What forked workers inherit: the store (with its frozen tallies), the election, the time."""


def _worker_start() -> None:
    assert _WORK is not None
    # the parent's pooled connections must not be used across the fork (SQLAlchemy's advice)
    _WORK[0].engine.dispose(close=False)


def _worker(jobs: list[Job]) -> int:
    assert _WORK is not None
    app, info, built, root = _WORK
    return _write_pages(app, info, built, root, jobs)


def _run_jobs(app: Saylau, info: views.ElectionInfo, built: datetime, root: Path,
              jobs: list[Job], workers: int, progress: Progress | None) -> int:
    """Write every page, in `workers` forked processes when there are many (rendering is
    CPU-bound); each process inherits the frozen tallies, so every page shows one record."""
    global _WORK  # noqa: PLW0603 - handed to forked workers, which inherit module state
    total = len(jobs) * len(LANGUAGES)
    chunk = 100
    batches = [jobs[k:k + chunk] for k in range(0, len(jobs), chunk)]
    done = 0
    if workers <= 1 or len(batches) < 4 or "fork" not in mp.get_all_start_methods():
        for batch in batches:
            done += _write_pages(app, info, built, root, batch)
            if progress is not None:
                progress(done, total)
        return done
    _WORK = (app, info, built, root)
    try:
        with mp.get_context("fork").Pool(workers, initializer=_worker_start) as pool:
            for n in pool.imap_unordered(_worker, batches):
                done += n
                if progress is not None:
                    progress(done, total)
    finally:
        _WORK = None
    return done


def publish(app: Saylau, out: Path, election_id: str | None = None, *,
            progress: Progress | None = None, workers: int | None = None) -> Snapshot:
    """Write the public site of the election (default: the latest) to `out` (replaced)."""
    from saylau.web import views
    from saylau.web.i18n import LANGUAGE_NAMES
    from saylau.web.render import StaticLinks, render_chooser
    from saylau.web.routes import static_files

    start = app.monotonic()
    info = views.election_info(app, election_id)
    built = app.clock()
    version = views.record_version(app, info, fresh=True)
    record = _record(app, info)
    out = out.resolve()
    _check_target(out)
    tmp = out.with_name(f".{out.name}.building-{os.getpid()}")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    files = 0
    if workers is None:
        workers = min(8, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                      else os.cpu_count() or 1)
    try:
        with views.frozen_record():
            for name, data in static_files().items():
                _write(tmp / "static" / name, data)
                files += 1
            files += _data(app, info, tmp)
            # every tally the pages need, computed once before the workers fork
            views.unit_view(app, info)
        pages = _run_jobs(app, info, built, tmp, _jobs(app, info), workers, progress)
        title = " · ".join(info.election.name.get(lang) for lang in LANGUAGES)
        _write(tmp / "index.html", render_chooser(
            [(lang, LANGUAGE_NAMES[lang]) for lang in LANGUAGES], title,
            StaticLinks("index.html", "kk")))
        after = views.record_version(app, info, fresh=True)
        manifest: dict[str, Any] = {
            "generator": "saylau publish",
            "built_at": built.isoformat(),
            "election": info.election.id,
            "election_name": info.election.name.as_dict(),
            "election_date": info.election.date,
            "ruleset": info.election.ruleset.value,
            "record": {"version": version, "contests": record},
            "record_changed_during_build": after != version,
            "languages": list(LANGUAGES),
            "pages": pages,
            "files": files + pages + 2,
            "seconds": round(app.monotonic() - start, 3),
        }
        _json(tmp / "manifest.json", manifest)
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Snapshot(out, pages, files + pages + 2, app.monotonic() - start, manifest)


def _check_target(out: Path) -> None:
    """The target is replaced as a whole: refuse anything but a new or empty directory or an
    earlier snapshot (one with saylau's manifest), so a slip of `--out` never deletes a
    directory of other files."""
    from saylau.domain.errors import Conflict

    if not out.exists():
        return
    if not out.is_dir():
        raise Conflict(f"{out} exists and is not a directory", code="publish_target",
                       details={"field": "out", "expected": "a directory", "actual": str(out)})
    if not any(out.iterdir()):
        return
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("generator") != "saylau publish":
        raise Conflict(
            f"{out} is not empty and holds no earlier snapshot (no saylau manifest.json); "
            "choose a new or empty directory", code="publish_target",
            details={"field": "out", "expected": "a new or empty directory, or an earlier "
                     "snapshot", "actual": str(out)})


def _swap(new: Path, out: Path) -> None:
    """Put the new snapshot at `out`, replacing any old one with two renames."""
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        out.rename(old)
    new.rename(out)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)
