"""The demo election night: a synthetic Kazakhstan votes on the 2022 constitutional question.

Everything goes through the real API with commission tokens: each polling station's precinct
commission sends its turnout through the day, then its protocol. A few protocols arrive with
errors and are rejected, then resent; a few are corrected after acceptance, with a reason; one
station sends different figures without saying it is a correction and gets 409. The figures
are drawn from a seeded random generator around the shape of the real 2022 result (turnout
about two-thirds, yes about three-quarters), so the same seed replays the same night.
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

ELECTION = "ref-2022"
CONTEST = f"{ELECTION}.referendum"


@dataclass(frozen=True)
class DemoOptions:
    stations: int = 10_000
    seed: int = 2022
    instant: bool = False
    minutes: float = 3.0
    host: str = "127.0.0.1"
    port: int = 8000
    database: Path = Path("saylau-demo.db")
    workers: int = 8


@dataclass(frozen=True)
class StationTruth:
    """What 'really' happened at a station: the ground truth the night replays."""

    station: str
    registered: int
    issued: int
    in_boxes: int
    yes: int
    no: int
    both: int
    invalid: int
    cancelled: int
    curve: tuple[float, ...]
    """Share of the final ballots issued already issued at each CEC report time."""

    def protocol(self) -> dict[str, Any]:
        return {
            "station": self.station, "registered": self.registered,
            "ballots_received": self.issued + self.cancelled, "ballots_issued": self.issued,
            "ballots_cancelled": self.cancelled, "ballots_in_boxes": self.in_boxes,
            "invalid": self.invalid, "both_marked": self.both,
            "votes": {"yes": self.yes, "no": self.no},
        }


def simulate(geo: Geography, seed: int) -> list[StationTruth]:
    """Seeded figures for every station: each top-level unit gets its own turnout and yes
    levels, stations vary around them."""
    rng = random.Random(seed)
    unit_turnout = {u.id: rng.uniform(0.55, 0.82) for u in geo.top_level()}
    unit_yes = {u.id: rng.uniform(0.58, 0.90) for u in geo.top_level()}
    out = []
    for s in geo.stations():
        top = geo.top_level_of(s.id)
        assert top is not None
        t = min(0.97, max(0.05, rng.gauss(unit_turnout[top.id], 0.07)))
        issued = round(s.registered * t)
        in_boxes = issued - (1 if issued > 50 and rng.random() < 0.05 else 0)
        invalid = round(in_boxes * rng.uniform(0.01, 0.04))
        both = round(in_boxes * rng.uniform(0.005, 0.025))
        valid = in_boxes - invalid - both
        yes = round(valid * min(0.99, max(0.2, rng.gauss(unit_yes[top.id], 0.06))))
        cancelled = rng.randint(5, 60)
        shape = sorted(rng.uniform(0.05, 1.0) for _ in range(len(CEC_REPORT_TIMES) - 2))
        curve = (*(round(x * 0.9, 4) for x in shape), 0.97, 1.0)
        out.append(StationTruth(s.id, s.registered, issued, in_boxes, yes, valid - yes, both,
                                invalid, cancelled, curve))
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


def run_night(
    client: Client,
    truths: list[StationTruth],
    tokens: dict[str, str],
    units_of: dict[str, str],
    *,
    seed: int,
    pace: Callable[[float], None],
    workers: int,
    console: Console,
) -> NightLog:
    """Replay turnout and protocols through `client`. `pace(fraction)` is called as the night
    advances (it sleeps in the served demo, does nothing in the instant one)."""
    rng = random.Random(seed + 1)
    log = NightLog()
    url_t = f"/api/contests/{CONTEST}/turnout/batch"
    url_p = f"/api/contests/{CONTEST}/protocols"

    def auth(station: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[station]}"}

    by_unit: dict[str, list[StationTruth]] = {}
    for t in truths:
        by_unit.setdefault(units_of[t.station], []).append(t)

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

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for k, at in enumerate(CEC_REPORT_TIMES):
            list(pool.map(lambda u, k=k: send_turnout(k, u), sorted(by_unit)))
            console.print(f"  {at:%H:%M} turnout reports in from {len(truths):,} stations")
            pace(0.3 * (k + 1) / len(CEC_REPORT_TIMES))
        order = truths[:]
        rng.shuffle(order)
        n_bad = max(1, len(order) // 200)
        n_fix = max(1, len(order) // 300)
        bad = {t.station for t in order[:n_bad]}
        fixes = {t.station for t in order[n_bad : n_bad + n_fix]}
        conflict = order[n_bad + n_fix].station if len(order) > n_bad + n_fix else None
        batches = 20
        size = max(1, len(order) // batches + 1)

        def send_protocol(t: StationTruth) -> None:
            body = t.protocol()
            if t.station in bad:  # a count that does not add up: rejected, then resent right
                wrong = dict(body, ballots_in_boxes=body["ballots_in_boxes"] + 7)
                r = client.post(url_p, json=wrong, headers=auth(t.station))
                log.add(rejected=1 if r.status_code == 422 else 0,
                        failures=0 if r.status_code == 422 else 1)
            r = client.post(url_p, json=body, headers=auth(t.station))
            log.add(accepted=1) if r.status_code in (200, 201) else log.add(failures=1)

        for b in range(batches):
            chunk = order[b * size : (b + 1) * size]
            list(pool.map(send_protocol, chunk))
            pace(0.3 + 0.6 * (b + 1) / batches)
        console.print(f"  protocols in from {len(order):,} stations")

        def correct(t: StationTruth, reason: str) -> None:
            moved = min(t.yes, 3)
            body = dict(t.protocol(), votes={"yes": t.yes - moved, "no": t.no + moved},
                        correction=True, reason=reason)
            r = client.post(url_p, json=body, headers=auth(t.station))
            log.add(corrected=1) if r.status_code == 201 else log.add(failures=1)

        if conflict is not None:
            t = next(x for x in truths if x.station == conflict)
            moved = min(t.yes, 3)
            body = dict(t.protocol(), votes={"yes": t.yes - moved, "no": t.no + moved})
            r = client.post(url_p, json=body, headers=auth(t.station))
            log.add(conflicts=1 if r.status_code == 409 else 0)
            correct(t, "second count after the 409: three ballots had been misfiled as yes")
        for t in (x for x in truths if x.station in fixes):
            correct(t, "recount ordered by the territorial commission")
        pace(1.0)
    return log


def _prepare(
    opts: DemoOptions, console: Console
) -> tuple[Any, list[StationTruth], dict[str, str], dict[str, str]]:
    from saylau.cli.main import generate_geography
    from saylau.domain.contests import QUESTION_2022
    from saylau.domain.ids import ActorId
    from saylau.domain.names import Names
    from saylau.services.context import Saylau
    from saylau.services.elections import create_referendum
    from saylau.services.geography import load_geography
    from saylau.services.tokens import create_tokens

    db = opts.database
    if db.exists():
        keep = db.with_name(db.name + f".{int(time.time())}.previous")
        shutil.move(db, keep)
        for suffix in ("-wal", "-shm"):
            side = db.with_name(db.name + suffix)
            if side.exists():
                shutil.move(side, keep.with_name(keep.name + suffix))
        console.print(f"kept the previous demo database as {keep}")
    app = Saylau.open(f"sqlite:///{db}")
    geo = generate_geography(opts.stations, opts.seed, max(1, min(70, opts.stations // 140)))
    load_geography(app, geo)
    console.print(f"generated Kazakhstan: {len(geo.top_level())} top-level units, "
                  f"{len(geo.station_indices):,} stations, "
                  f"{sum(u.registered for u in geo.stations()):,} voters  -> {db}")
    create_referendum(
        app, election_id=ELECTION,
        name=Names(kk="Республикалық референдум", ru="Республиканский референдум",
                   en="Republican referendum"),
        ruleset_name="kz-2022", date="2022-06-05", question=QUESTION_2022,
        constitutional=True, by=ActorId("demo"),
    )
    stations: list[Unit] = list(geo.stations())
    tops = list(geo.top_level())
    specs: list[tuple[str, str, str | None]] = [
        (f"PEC {s.id}", "precinct", s.id) for s in stations
    ]
    specs += [(f"TEC {u.id}", "territorial", u.id) for u in tops]
    secrets_ = create_tokens(app, specs)
    tokens = {spec[2] or "": tok for spec, tok in zip(specs, secrets_, strict=True)}
    units_of: dict[str, str] = {}
    for s in stations:
        top = geo.top_level_of(s.id)
        assert top is not None
        units_of[s.id] = top.id
    return app, simulate(geo, opts.seed), tokens, units_of


def run_demo(opts: DemoOptions, console: Console) -> NightLog:
    app, truths, tokens, units_of = _prepare(opts, console)
    from saylau.api.app import create_app

    api = create_app(app)
    if opts.instant:
        from fastapi.testclient import TestClient

        with TestClient(api) as test_client:
            log = run_night(test_client, truths, tokens, units_of, seed=opts.seed,
                            pace=lambda _f: None, workers=1, console=console)
        _report(app, log, console)
        return log

    import httpx
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(api, host=opts.host, port=opts.port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
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
        log = run_night(client, truths, tokens, units_of, seed=opts.seed, pace=pace,
                        workers=opts.workers, console=console)
    _report(app, log, console)
    console.print(f"the night is over; still serving on {base}/ (Ctrl-C to stop)")
    try:
        thread.join()
    except KeyboardInterrupt:
        server.should_exit = True
    return log


def _report(app: Any, log: NightLog, console: Console) -> None:
    from saylau.services.results import decide

    console.print(f"accepted {log.accepted:,} protocols; rejected {log.rejected:,} with errors "
                  f"(then resent); corrected {log.corrected:,}; {log.conflicts} conflict(s) "
                  f"answered 409; {log.turnout:,} turnout reports; {log.failures} failures")
    d, seq = decide(app, CONTEST)
    if d is not None:
        console.print(f"[bold]decision ({seq:,} protocol versions): {d.state.value}[/bold]")
        for step in d.explanation:
            console.print(f"  - {step.render()}", markup=False)
