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
"""

from __future__ import annotations

import random
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from rich.console import Console

from saylau.domain.geography import Geography, Unit
from saylau.domain.turnout import CEC_REPORT_TIMES

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


@dataclass(frozen=True)
class Ballot:
    """One contest's figures at one station, as counted: what the protocol will say."""

    contest: str
    in_boxes: int
    invalid: int
    both: int
    votes: dict[str, int]


@dataclass(frozen=True)
class StationTruth:
    """What 'really' happened at a station: the ground truth the night replays."""

    station: str
    registered: int
    issued: int
    cancelled: int
    curve: tuple[float, ...]
    """Share of the final ballots issued already issued at each CEC report time."""
    ballots: tuple[Ballot, ...]

    def protocol(self, b: Ballot) -> dict[str, Any]:
        return {
            "station": self.station, "registered": self.registered,
            "ballots_received": self.issued + self.cancelled, "ballots_issued": self.issued,
            "ballots_cancelled": self.cancelled, "ballots_in_boxes": b.in_boxes,
            "invalid": b.invalid, "both_marked": b.both, "votes": dict(b.votes),
        }


def _split(rng: random.Random, total: int, weights: dict[str, float]) -> dict[str, int]:
    """`total` votes spread over options by noisy weights; sums exactly to `total`."""
    noisy = {k: max(0.0001, w * rng.uniform(0.7, 1.3)) for k, w in weights.items()}
    s = sum(noisy.values())
    out = {k: int(total * w / s) for k, w in noisy.items()}
    first = max(noisy, key=lambda k: noisy[k])
    out[first] += total - sum(out.values())
    return out


def _station_base(rng: random.Random, s: Unit, level: float) -> tuple[int, int, int, tuple[
        float, ...]]:
    t = min(0.97, max(0.05, rng.gauss(level, 0.07)))
    issued = round(s.registered * t)
    in_boxes = issued - (1 if issued > 50 and rng.random() < 0.05 else 0)
    cancelled = rng.randint(5, 60)
    shape = sorted(rng.uniform(0.05, 1.0) for _ in range(len(CEC_REPORT_TIMES) - 2))
    curve = (*(round(x * 0.9, 4) for x in shape), 0.97, 1.0)
    return issued, in_boxes, cancelled, curve


def simulate_referendum(geo: Geography, seed: int, contest: str) -> list[StationTruth]:
    """Each top-level unit gets its own turnout and yes levels; stations vary around them."""
    rng = random.Random(seed)
    unit_turnout = {u.id: rng.uniform(0.55, 0.82) for u in geo.top_level()}
    unit_yes = {u.id: rng.uniform(0.58, 0.90) for u in geo.top_level()}
    out = []
    for s in geo.stations():
        top = geo.top_level_of(s.id)
        assert top is not None
        issued, in_boxes, cancelled, curve = _station_base(rng, s, unit_turnout[top.id])
        invalid = round(in_boxes * rng.uniform(0.01, 0.04))
        both = round(in_boxes * rng.uniform(0.005, 0.025))
        valid = in_boxes - invalid - both
        yes = round(valid * min(0.99, max(0.2, rng.gauss(unit_yes[top.id], 0.06))))
        out.append(StationTruth(s.id, s.registered, issued, cancelled, curve,
                                (Ballot(contest, in_boxes, invalid, both,
                                        {"yes": yes, "no": valid - yes}),)))
    return out


# National list shares of the Majilis election of 19 March 2023 as published by the CEC
# (27 March 2023), used as the centre of the synthetic night's noise.
PARTIES_2023: tuple[tuple[str, str, str, str, float], ...] = (
    ("AMANAT", "AMANAT", "AMANAT", "Amanat", 53.90),
    ("AUYL", "AUYL", "AUYL", "Auyl", 10.90),
    ("RESPUBLICA", "RESPUBLICA", "RESPUBLICA", "Respublica", 8.59),
    ("AKZHOL", "Ақ жол", "Ак жол", "Ak Zhol", 8.41),
    ("QHP", "Қазақстан Халық партиясы", "Народная партия Казахстана",
     "People's Party of Kazakhstan", 6.80),
    ("NSDP", "ЖСДП", "ОСДП", "National Social Democratic Party", 5.20),
    ("BAITAQ", "Байтақ", "Байтак", "Baitaq", 2.30),
)
AGAINST_ALL_2023 = 3.90


def simulate_majilis(geo: Geography, seed: int, list_contest: str,
                     district_of: dict[str, tuple[str, list[str]]]) -> list[StationTruth]:
    """List votes around the 2023 shares; district votes for each district's candidates
    (the first candidate is Amanat's), with "against all". `district_of` maps a station to
    (contest, candidate ids)."""
    rng = random.Random(seed)
    unit_turnout = {u.id: rng.uniform(0.45, 0.70) for u in geo.top_level()}
    weights = {p[0]: p[4] for p in PARTIES_2023} | {"AGAINST_ALL": AGAINST_ALL_2023}
    cand_weights: dict[str, dict[str, float]] = {}
    out = []
    for s in geo.stations():
        top = geo.top_level_of(s.id)
        assert top is not None
        issued, in_boxes, cancelled, curve = _station_base(rng, s, unit_turnout[top.id])
        invalid = round(in_boxes * rng.uniform(0.01, 0.03))
        lst = Ballot(list_contest, in_boxes, invalid, 0,
                     _split(rng, in_boxes - invalid, weights))
        contest, cands = district_of[s.id]
        if contest not in cand_weights:
            w = {c: rng.uniform(5, 25) for c in cands}
            w[cands[0]] = rng.uniform(25, 60)
            # the district with the highest number has a strong "against all": a repeat
            w["AGAINST_ALL"] = 90.0 if contest.endswith("smd-29") else rng.uniform(2, 8)
            cand_weights[contest] = w
        d_invalid = round(in_boxes * rng.uniform(0.01, 0.03))
        smd = Ballot(contest, in_boxes, d_invalid, 0,
                     _split(rng, in_boxes - d_invalid, cand_weights[contest]))
        out.append(StationTruth(s.id, s.registered, issued, cancelled, curve, (lst, smd)))
    return out


class Client(Protocol):
    def post(self, url: str, *, json: Any, headers: dict[str, str]) -> Any: ...

    def get(self, url: str) -> Any: ...


@dataclass
class NightLog:
    accepted: int = 0
    rejected: int = 0
    corrected: int = 0
    conflicts: int = 0
    turnout: int = 0
    failures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, **kw: int) -> None:
        with self.lock:
            for k, v in kw.items():
                setattr(self, k, getattr(self, k) + v)


@dataclass(frozen=True)
class Night:
    """Everything the replay needs: who votes, their tokens, and where turnout goes."""

    truths: list[StationTruth]
    tokens: dict[str, str]
    units_of: dict[str, str]
    turnout_contest: str
    keys: dict[str, Any] = field(default_factory=dict)
    """Each station's commission's private signing key (the demo signs every protocol)."""


def signed(night: Night, body: dict[str, Any], contest: str, version: int) -> dict[str, Any]:
    """`body` with the station commission's signature over its protocol record (as a
    commission's own software would make it: docs/record.md)."""
    from saylau.domain.record.envelope import protocol_body
    from saylau.domain.record.signing import sign_body

    key = night.keys.get(body["station"])
    if key is None:
        return body
    counts = {f: body[f] for f in ("registered", "ballots_received", "ballots_issued",
                                   "ballots_cancelled", "ballots_in_boxes", "invalid",
                                   "both_marked")}
    record_body = protocol_body(contest=contest, station=body["station"], version=version,
                                counts=counts, votes=body["votes"],
                                reason=body.get("reason"))
    sig = sign_body(key, "protocol", record_body)
    return {**body, "signature": sig.as_json()}


def run_night(client: Client, night: Night, *, seed: int, pace: Callable[[float], None],
              workers: int, console: Console) -> NightLog:
    """Replay turnout and protocols through `client`. `pace(fraction)` is called as the night
    advances (it sleeps in the served demo, does nothing in the instant one)."""
    rng = random.Random(seed + 1)
    log = NightLog()
    truths, tokens = night.truths, night.tokens
    url_t = f"/api/contests/{night.turnout_contest}/turnout/batch"

    def url_p(contest: str) -> str:
        return f"/api/contests/{contest}/protocols"

    def auth(station: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[station]}"}

    by_unit: dict[str, list[StationTruth]] = {}
    for t in truths:
        by_unit.setdefault(night.units_of[t.station], []).append(t)

    def send_turnout(k: int, unit: str) -> None:
        # territorial commissions relay their stations' turnout in one batch per report time
        at = CEC_REPORT_TIMES[k].strftime("%H:%M")
        body = {"reports": [{"station": t.station, "at": at,
                             "ballots_issued": int(t.issued * t.curve[k])}
                            for t in by_unit[unit]]}
        r = client.post(url_t, json=body, headers={"Authorization": f"Bearer {tokens[unit]}"})
        if r.status_code == 200:
            log.add(turnout=len(body["reports"]))
        else:
            log.add(failures=1)

    order = truths[:]
    rng.shuffle(order)
    n_bad = max(1, len(order) // 200)
    n_fix = max(1, len(order) // 300)
    bad = {t.station for t in order[:n_bad]}
    fixes = {t.station for t in order[n_bad : n_bad + n_fix]}
    conflict = order[n_bad + n_fix] if len(order) > n_bad + n_fix else None

    def send_protocols(t: StationTruth) -> None:
        for k, b in enumerate(t.ballots):
            body = t.protocol(b)
            if k == 0 and t.station in bad:  # a count that does not add up: rejected, resent
                wrong = dict(body, ballots_in_boxes=body["ballots_in_boxes"] + 7)
                r = client.post(url_p(b.contest), json=signed(night, wrong, b.contest, 1),
                                headers=auth(t.station))
                log.add(rejected=1 if r.status_code == 422 else 0,
                        failures=0 if r.status_code == 422 else 1)
            r = client.post(url_p(b.contest), json=signed(night, body, b.contest, 1),
                            headers=auth(t.station))
            log.add(accepted=1) if r.status_code in (200, 201) else log.add(failures=1)

    def moved(t: StationTruth) -> dict[str, Any]:
        """The first contest's protocol with three votes moved from the first option with
        votes to another: what a recount might find."""
        b = t.ballots[0]
        votes = dict(b.votes)
        src = next((k for k, v in votes.items() if v >= 3), None)
        dst = next((k for k in votes if k != src), None)
        if src is not None and dst is not None:
            votes[src] -= 3
            votes[dst] += 3
        return dict(t.protocol(b), votes=votes)

    def correct(t: StationTruth, reason: str) -> None:
        body = dict(moved(t), correction=True, corrects=1, reason=reason)
        contest = t.ballots[0].contest
        r = client.post(url_p(contest), json=signed(night, body, contest, 2),
                        headers=auth(t.station))
        log.add(corrected=1) if r.status_code == 201 else log.add(failures=1)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for k, at in enumerate(CEC_REPORT_TIMES):
            list(pool.map(lambda u, k=k: send_turnout(k, u), sorted(by_unit)))
            console.print(f"  {at:%H:%M} turnout reports in from {len(truths):,} stations")
            pace(0.3 * (k + 1) / len(CEC_REPORT_TIMES))
        batches = 20
        size = max(1, len(order) // batches + 1)
        for b in range(batches):
            list(pool.map(send_protocols, order[b * size : (b + 1) * size]))
            pace(0.3 + 0.6 * (b + 1) / batches)
        console.print(f"  protocols in from {len(order):,} stations")
        if conflict is not None:
            contest = conflict.ballots[0].contest
            # sent as a first protocol (version 1): the server answers 409, nothing stored
            r = client.post(url_p(contest), json=signed(night, moved(conflict), contest, 1),
                            headers=auth(conflict.station))
            log.add(conflicts=1 if r.status_code == 409 else 0)
            correct(conflict, "second count after the 409: three ballots had been misfiled")
        for t in (x for x in truths if x.station in fixes):
            correct(t, "recount ordered by the territorial commission")
        pace(1.0)
    return log


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
    districts = draw_districts(geo, 29)
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
    _report(app, log, opts, console)
    console.print(f"the night is over; still serving on {base}/ (Ctrl-C to stop)")
    try:
        thread.join()
    except KeyboardInterrupt:
        server.should_exit = True
    return log


def _report(app: Any, log: NightLog, opts: DemoOptions, console: Console) -> None:
    console.print(f"accepted {log.accepted:,} protocols; rejected {log.rejected:,} with errors "
                  f"(then resent); corrected {log.corrected:,}; {log.conflicts} conflict(s) "
                  f"answered 409; {log.turnout:,} turnout reports; {log.failures} failures")
    if opts.election == "majilis":
        from saylau.cli.main import print_composition
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
    from saylau.store.db import describe

    if opts.database is None:
        how = "in this folder `saylau results` reads it, as every command does"
    else:
        how = (f"`saylau results --database '{opts.database}'` reads it (every command takes "
               "--database)")
    console.print(f"the night is stored in {describe(store_url(opts))}: {how}", markup=False)
