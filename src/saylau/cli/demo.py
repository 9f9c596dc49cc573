"""The demo election nights: a synthetic Kazakhstan votes, everything through the real API.

`referendum`: the 5 June 2022 constitutional question under kz-2022, on the 17 top-level units
of that day (Abai, Jetisu and Ulytau were created on 8 June 2022). `majilis`: a kz-2022 Majilis
election on today's 20 units, with seven party lists and 29 single-member districts (one
station reports both contests). Each polling station's precinct commission sends its protocols
with its own token; territorial commissions relay turnout through the day in batches. A few
protocols arrive with errors and are rejected, then resent; a few are corrected after
acceptance, with a reason; one station sends different figures without saying it is a
correction and gets 409. The figures are drawn from a seeded random generator around the shape
of the real results (2022 referendum: turnout about two-thirds, yes about three-quarters;
Majilis 2023: the parties' national shares as published by the CEC), so the same seed replays
the same night.

This module is the `saylau demo` command and its set-up (a fresh store, the country, the
election, the tokens and keys, the server); cli/demo_night.py is the night itself.
"""

from __future__ import annotations

import random
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from saylau.cli.common import announce, out, reports_errors
from saylau.cli.demo_night import (
    PARTIES_2023,
    Night,
    NightLog,
    run_night,
    simulate_majilis,
    simulate_referendum,
)
from saylau.domain.geography import Geography, Unit
from saylau.domain.rulesets import ruleset

__all__ = ["MAJILIS", "REFERENDUM", "DemoOptions", "demo", "run_demo"]

REFERENDUM = "ref-2022"
MAJILIS = "majilis-2023"
REFERENDUM_DAY = "2022-06-05"
"""The referendum's polling day: its geography is that day's (17 top-level units)."""


@dataclass(frozen=True)
class DemoOptions:
    stations: int = 10_000
    seed: int = 2022
    instant: bool = False
    minutes: float = 3.0
    host: str = "127.0.0.1"
    port: int = 8000
    database: Path | str | None = None
    """The store to fill: a SQLite file (Path or path), a database URL, or None for the
    default of every command ($SAYLAU_DATABASE_URL, else ./saylau.db)."""
    workers: int = 8
    election: str = "referendum"


def store_url(opts: DemoOptions) -> str:
    """The URL of the demo's store (see `DemoOptions.database`)."""
    from saylau.store.db import database_url

    return database_url(None if opts.database is None else str(opts.database))


def _fresh_store(opts: DemoOptions, console: Console) -> Any:
    """An empty store for the night. A SQLite file already there is kept aside, nothing is
    lost: `FILE.<time>.previous` beside it (git ignores the pattern, .gitignore); any other
    database must be empty, since it cannot be moved aside."""
    from sqlalchemy import inspect

    from saylau.domain.errors import Conflict
    from saylau.services.context import Saylau
    from saylau.store.db import describe, make_engine, sqlite_file

    url = store_url(opts)
    db = sqlite_file(url)
    if db is not None and db.exists():
        keep = db.with_name(db.name + f".{int(time.time())}.previous")
        shutil.move(db, keep)
        for suffix in ("-wal", "-shm"):
            side = db.with_name(db.name + suffix)
            if side.exists():
                shutil.move(side, keep.with_name(keep.name + suffix))
        console.print(f"kept the previous database as {keep}")
    elif db is None:
        engine = make_engine(url)
        try:
            tables = inspect(engine).get_table_names()
        finally:
            engine.dispose()
        if tables:
            raise Conflict(
                f"the demo fills an empty database; {describe(url)} holds {len(tables)} "
                "table(s): give the demo a new database (--database)",
                code="demo_target_not_empty",
                details={"field": "database", "expected": "an empty database",
                         "actual": f"{len(tables)} tables"})
    return Saylau.open(url)


def _tokens(app: Any, geo: Geography) -> tuple[dict[str, str], dict[str, str]]:
    from saylau.services.tokens import create_tokens

    stations: list[Unit] = list(geo.stations())
    specs: list[tuple[str, str, str | None]] = [
        (f"PEC {s.id}", "precinct", s.id) for s in stations
    ]
    specs += [(f"TEC {u.id}", "territorial", u.id) for u in geo.top_level()]
    secrets_ = create_tokens(app, specs)
    tokens = {spec[2] or "": tok for spec, tok in zip(specs, secrets_, strict=True)}
    units_of: dict[str, str] = {}
    for s in stations:
        top = geo.top_level_of(s.id)
        assert top is not None
        units_of[s.id] = top.id
    return tokens, units_of


def _prepare(opts: DemoOptions, console: Console) -> tuple[Any, Night]:
    from saylau.data import load_kz_units
    from saylau.domain.contests import QUESTION_2022
    from saylau.domain.generator import generate_kazakhstan
    from saylau.domain.ids import ActorId
    from saylau.domain.names import Names
    from saylau.services.elections import create_referendum
    from saylau.services.geography import load_geography

    app = _fresh_store(opts, console)
    # the referendum on the map of its day; a Majilis election (2023) on today's 20 units
    as_of = REFERENDUM_DAY if opts.election == "referendum" else None
    geo = generate_kazakhstan(load_kz_units(), stations=opts.stations, seed=opts.seed,
                              abroad=max(1, min(70, opts.stations // 140)), as_of=as_of)
    load_geography(app, geo)
    console.print("generated Kazakhstan" + (f" as on {as_of}" if as_of else "") + ": "
                  f"{len(geo.top_level())} top-level units, "
                  f"{len(geo.station_indices):,} stations, "
                  f"{sum(u.registered for u in geo.stations()):,} voters")
    tokens, units_of = _tokens(app, geo)
    if opts.election == "majilis":
        return app, _prepare_majilis(app, geo, opts, tokens, units_of, console)
    _, contest = create_referendum(
        app, election_id=REFERENDUM,
        name=Names(kk="Республикалық референдум", ru="Республиканский референдум",
                   en="Republican referendum"),
        ruleset_name="kz-2022", date=REFERENDUM_DAY, question=QUESTION_2022,
        constitutional=True, by=ActorId("demo"), signatures="required",
    )
    night = Night(simulate_referendum(geo, opts.seed, contest.id), tokens, units_of, contest.id)
    # integrity analytics (issue 14): parameters and quick-count seed fixed before results
    from saylau.cli.integrity import demo_seed, integrity_before_results

    integrity_before_results(app, REFERENDUM, demo_seed(opts.seed))
    return app, _with_keys(app, night, REFERENDUM, console)


def _with_keys(app: Any, night: Night, election: str, console: Console) -> Night:
    """Every station commission gets an Ed25519 key; the public halves are registered in the
    election's record (the private halves stay with the 'commissions' of this demo)."""
    from saylau.domain.ids import ActorId
    from saylau.services.keys import generate_keypair
    from saylau.services.record import register_keys

    pairs = {t.station: generate_keypair() for t in night.truths}
    register_keys(app, election, [(s, pub) for s, (_k, pub) in pairs.items()], ActorId("demo"))
    console.print(f"registered {len(pairs):,} commission signing keys; every protocol is signed")
    return Night(night.truths, night.tokens, night.units_of, night.turnout_contest,
                 {s: k for s, (k, _pub) in pairs.items()})


def _prepare_majilis(app: Any, geo: Geography, opts: DemoOptions, tokens: dict[str, str],
                     units_of: dict[str, str], console: Console) -> Night:
    from saylau.domain.districts import draw_districts
    from saylau.domain.ids import ActorId
    from saylau.domain.names import Names
    from saylau.services.parliament import CandidateSpec, PartySpec, create_parliament

    rng = random.Random(opts.seed + 7)
    parties = [PartySpec(pid, Names(kk=kk, ru=ru, en=en), order,
                         tuple(f"{en} candidate {k + 1}" for k in range(rng.randint(20, 90))))
               for order, (pid, kk, ru, en, _share) in enumerate(PARTIES_2023, start=1)]
    districts = draw_districts(geo, ruleset("kz-2022").chamber.districts or 0)
    candidates: dict[str, list[CandidateSpec]] = {}
    for d in districts:
        others = rng.sample([p.id for p in parties[1:]], 2)
        cands = [CandidateSpec(f"{d.id}-C1", Names.same(f"Amanat nominee, district {d.number}"),
                               "AMANAT")]
        cands += [CandidateSpec(f"{d.id}-C{k + 2}",
                                Names.same(f"{p} nominee, district {d.number}"), p)
                  for k, p in enumerate(others)]
        cands.append(CandidateSpec(f"{d.id}-C4",
                                   Names.same(f"Self-nominated, district {d.number}"), None))
        candidates[d.id] = cands
    _, made = create_parliament(
        app, election_id=MAJILIS,
        name=Names(kk="Мәжіліс сайлауы", ru="Выборы в Мажилис", en="Majilis election"),
        ruleset_name="kz-2022", date="2023-03-19", parties=parties, districts=districts,
        candidates=candidates, by=ActorId("demo"), signatures="required",
    )
    list_contest = made[0].id
    district_of: dict[str, tuple[str, list[str]]] = {}
    for c in made[1:]:
        assert c.district is not None
        ids: list[str] = [o.id for o in c.options if o.id != "AGAINST_ALL"]
        for s in c.district.stations:
            district_of[s] = (str(c.id), ids)
    console.print(f"created the kz-2022 Majilis election: {len(parties)} party lists, "
                  f"{len(districts)} single-member districts")
    night = Night(simulate_majilis(geo, opts.seed, list_contest, district_of), tokens, units_of,
                  list_contest)
    return _with_keys(app, night, MAJILIS, console)


def run_demo(opts: DemoOptions, console: Console) -> NightLog:
    app, night = _prepare(opts, console)
    try:
        return _run_night(app, night, opts, console)
    finally:
        app.engine.dispose()  # the store's connections, when the night (and serving) ends


def _run_night(app: Any, night: Night, opts: DemoOptions, console: Console) -> NightLog:
    from saylau.api.app import create_app

    api = create_app(app)
    if opts.instant:
        from fastapi.testclient import TestClient

        with TestClient(api) as test_client:
            log = run_night(test_client, night, seed=opts.seed, pace=lambda _f: None,
                            workers=1, console=console)
            _observe(test_client, app, night, opts, console)
            _audits(app, test_client, night, opts, console)
        _report(app, log, opts, console)
        return log

    import httpx
    import uvicorn

    from saylau.api.proxies import trusted_proxies, uvicorn_proxy_options

    server = uvicorn.Server(uvicorn.Config(api, host=opts.host, port=opts.port,
                                           log_level="warning",
                                           **uvicorn_proxy_options(trusted_proxies())))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise SystemExit(f"could not serve on {opts.host}:{opts.port}")
        time.sleep(0.05)
    base = f"http://{opts.host}:{opts.port}"
    console.print(f"[bold]serving on {base}/[/bold]  (API: {base}/docs); the night begins")
    start = time.monotonic()
    total = opts.minutes * 60

    def pace(fraction: float) -> None:
        wait = start + total * fraction - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    with httpx.Client(base_url=base, timeout=60) as client:
        log = run_night(client, night, seed=opts.seed, pace=pace, workers=opts.workers,
                        console=console)
        _observe(client, app, night, opts, console)
        _audits(app, client, night, opts, console)
    _report(app, log, opts, console)
    console.print(f"the night is over; still serving on {base}/ (Ctrl-C to stop)")
    try:
        thread.join()
    except KeyboardInterrupt:
        server.should_exit = True
    return log


def _audits(app: Any, client: Any, night: Night, opts: DemoOptions, console: Console) -> None:
    """Risk-limiting audits (issue 15) end the referendum night: one confirms the outcome in
    one round, one with errors planted in a few protocols escalates (cli/demo_audits.py)."""
    if opts.election != "referendum":
        return
    from saylau.cli.demo_audits import audit_tokens, run_audits

    console.print("risk-limiting audits of the outcome:")
    run_audits(client, night.turnout_contest, audit_tokens(app), seed=opts.seed,
               console=console)
def _observe(client: Any, app: Any, night: Night, opts: DemoOptions, console: Console
             ) -> None:
    """Observation (issue 12): missions, observers, checklists, incidents and copies."""
    from saylau.cli.demo_observation import run_observation

    election = REFERENDUM if opts.election == "referendum" else MAJILIS
    drawn: tuple[str, ...] = ()
    if election == REFERENDUM:  # the domestic mission observes the quick count's sample
        from saylau.cli.integrity import demo_seed
        from saylau.services.integrity import sample

        drawn = sample(app, REFERENDUM, demo_seed(opts.seed))
    run_observation(client, app, election, night.turnout_contest, opts.seed, console,
                    pvt_sample=drawn)


def _report(app: Any, log: NightLog, opts: DemoOptions, console: Console) -> None:
    console.print(f"accepted {log.accepted:,} protocols; rejected {log.rejected:,} with errors "
                  f"(then resent); corrected {log.corrected:,}; {log.conflicts} conflict(s) "
                  f"answered 409; {log.turnout:,} turnout reports; {log.failures} failures")
    if opts.election == "majilis":
        from saylau.cli.results import print_composition
        from saylau.services.parliament import composition

        print_composition(composition(app, MAJILIS), console)
    else:
        from saylau.services.results import decide

        d, seq = decide(app, f"{REFERENDUM}.referendum")
        if d is not None:
            console.print(f"[bold]decision ({seq:,} protocol versions): {d.state.value}"
                          "[/bold]")
            for step in d.explanation:
                console.print(f"  - {step.render()}", markup=False)
        # integrity analytics (issue 14): the quick count and the forensic tests, stored
        from saylau.cli.integrity import demo_seed, integrity_after_night

        integrity_after_night(app, REFERENDUM, demo_seed(opts.seed), console)
    from saylau.store.db import describe

    if opts.database is None:
        how = "in this folder `saylau results` reads it, as every command does"
    else:
        how = (f"`saylau results --database '{opts.database}'` reads it (every command takes "
               "--database)")
    console.print(f"the night is stored in {describe(store_url(opts))}: {how}", markup=False)


@reports_errors
def demo(
    stations: Annotated[int, typer.Option(min=20, max=2_000_000,
                                          help="polling stations in all")] = 10_000,
    seed: Annotated[int, typer.Option(help="the same seed replays the same night")] = 2022,
    instant: Annotated[bool, typer.Option(
        "--instant", help="replay at full speed without serving, then exit")] = False,
    minutes: Annotated[float, typer.Option(help="length of the protocol phase")] = 3.0,
    host: Annotated[str, typer.Option(help="address to serve on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to serve on")] = 8000,
    database: Annotated[str | None, typer.Option(
        "--database", metavar="PATH|URL", show_default=False,
        help="the store to fill (default: $SAYLAU_DATABASE_URL, else ./saylau.db, as every "
        "command); a SQLite file already there is kept aside as FILE.<time>.previous, "
        "another database must be empty")] = None,
    election: Annotated[str, typer.Option(
        help="referendum (5 June 2022, on the 17 top-level units of that day), majilis "
        "(kz-2022: lists and 29 districts, on today's 20 units) or parties (a party "
        "registration season)")] = "referendum",
) -> None:
    """An election night through the real API, with commission tokens.

    Generates the country, creates the election, replays turnout reports and protocols.

    Then `saylau results` (like every other command) in the same folder reads that night."""
    if election not in ("referendum", "majilis", "parties"):
        raise typer.BadParameter(f"expected referendum, majilis or parties, got {election!r}",
                                 param_hint="--election")
    announce(database)
    if election == "parties":  # parties wing (issue 13): a registration season
        from saylau.cli.demo_parties import run_parties_demo

        opts = DemoOptions(seed=seed, database=database, election=election)
        app = _fresh_store(opts, out)
        try:
            run_parties_demo(app, instant, host, port, seed, out)
        finally:
            app.engine.dispose()
        return
    run_demo(DemoOptions(stations=stations, seed=seed, instant=instant, minutes=minutes,
                         host=host, port=port, database=database, election=election), out)
