"""Election night under load: turnout reports through the day, then the protocols, from every
polling station's own commission, through the real API of `saylau serve`, while readers poll
the results.

    python benchmarks/bench_election_night.py [--stations 10000] [--big 1000000]
        [--time-box 240] [--writers 8] [--readers 2] [--turnout-at 10:00 14:00 18:00]
        [--results-max-age 1] [--no-big] [--no-postgres] [--no-write] [--quick]

Two runs per database (SQLite file, then a fresh PostgreSQL database, created and dropped):

- full: a synthetic Kazakhstan of `--stations` stations (seed 2022); every station sends a
  turnout report at each `--turnout-at` time (the "day": all stations' 10:00 reports, then
  all 14:00 ones, ...), then every station its protocol (the "night"), stations in a shuffled
  order;
- big: a geography of `--big` stations, where the whole night does not fit here: a fixed time
  box, half of it turnout reports (10:00), half protocols, as many stations as the time
  allows; the sustained rate decides whether the whole country could report within an hour.

Each station's precinct commission has its own bearer token (`services.tokens.create_tokens`,
before the server starts; in the big run, for the stations the time box can reach). The
server is `saylau serve` (uvicorn, one process, as shipped) in a subprocess with
SAYLAU_RESULTS_MAX_AGE=`--results-max-age`. `--writers` threads each hold a keep-alive httpx
connection and send one request after the other (closed loop), taking the next station from a
shared list; a 503 is retried after a short pause (counted); any other answer but 200/201 is
counted as an error and not retried. `--readers` threads poll (closed loop) in turn the national
results (`/api/contests/C/results`), a region's results (`?unit=KZ-xx`) and a region's public
page (`/elections/E/units/KZ-xx`).

The figures of every request come from the generator (`_common.synthetic_counts`, seeded):
that is the ground truth. After each run, with the server stopped, the store is read directly:
every station submitted has exactly one protocol version equal to what was sent, one turnout
row per report sent with its figure, nothing else; the results API's national totals (read
before stopping the server) equal the sums of what was sent; the log holds one leaf per stored
protocol and turnout report (in the full run the exported record also passes the verifier).

Baseline, same run, same database: the same kinds of submissions through the services in
process, without HTTP (`authenticate` + `submit_turnout` / `submit_protocol`), one thread, on a
fresh copy of the same store.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _common as c
import httpx
import numpy as np

from saylau.domain.contests import Contest
from saylau.domain.geography import Geography
from saylau.domain.protocols import COUNT_FIELDS
from saylau.services.context import Saylau
from saylau.services.tokens import create_tokens
from saylau.store import db

SECTION = "election-night"
TITLE = "Election night: 10,000 and 1,000,000 stations under load"
WINDOW = 10.0
"""Seconds of the windows in which the slowest sustained rate is measured."""
HOUR_TARGET = 1_000_000 / 3600
"""Protocols per second for a million stations within an hour."""


# --- the night's requests ---------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    kind: str  # "turnout" | "protocol"
    station: str
    body: dict[str, Any]
    token: str


@dataclass
class Truth:
    """The generator's figures of every station (its protocol), and the turnout reports made
    of them: what each request sends."""

    stations: list[str]
    counts: Any  # int64 array: COUNT_FIELDS + the contest's options, one row per station
    options: tuple[str, ...]
    times: tuple[str, ...]
    row: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.row = {s: k for k, s in enumerate(self.stations)}

    def protocol(self, station: str) -> dict[str, Any]:
        r = self.counts[self.row[station]].tolist()
        body: dict[str, Any] = {"station": station,
                                **dict(zip(COUNT_FIELDS, r[: len(COUNT_FIELDS)], strict=True))}
        body["votes"] = dict(zip(self.options, r[len(COUNT_FIELDS):], strict=True))
        return body

    def turnout(self, station: str, k: int) -> dict[str, Any]:
        issued = int(self.counts[self.row[station], COUNT_FIELDS.index("ballots_issued")])
        return {"station": station, "at": self.times[k],
                "ballots_issued": issued * (k + 1) // (len(self.times) + 1)}


@dataclass
class Sample:
    kind: str
    t_end: float
    latency: float


@dataclass
class Phase:
    name: str
    accepted: int = 0
    samples: list[Sample] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    start: float = 0.0
    end: float = 0.0
    ran_out: bool = False
    acked: list[Item] = field(default_factory=list)


class Writers:
    """`n` writer threads sending `items` in order until none is left or the deadline."""

    def __init__(self, base: str, contest: str, n: int) -> None:
        self.base, self.contest, self.n = base, contest, n

    def run(self, phase: Phase, items: Sequence[Item], deadline: float | None) -> None:
        lock = threading.Lock()
        nxt = iter(items)
        url = {"turnout": f"/api/contests/{self.contest}/turnout",
               "protocol": f"/api/contests/{self.contest}/protocols"}
        gate = threading.Barrier(self.n + 1)

        def worker() -> None:
            client = httpx.Client(base_url=self.base, timeout=120)
            gate.wait()
            while True:
                if deadline is not None and time.perf_counter() >= deadline:
                    break
                with lock:
                    item = next(nxt, None)
                if item is None:
                    with lock:
                        phase.ran_out = True
                    break
                tries = 0
                while True:
                    tries += 1
                    t0 = time.perf_counter()
                    try:
                        r = client.post(url[item.kind], json=item.body,
                                        headers={"Authorization": f"Bearer {item.token}"})
                    except httpx.HTTPError as exc:
                        with lock:
                            phase.statuses[f"{item.kind}: no answer ({type(exc).__name__})"] += 1
                        client.close()
                        client = httpx.Client(base_url=self.base, timeout=120)
                        if tries > 20:
                            break
                        time.sleep(0.2)
                        continue
                    t1 = time.perf_counter()
                    with lock:
                        phase.statuses[f"{item.kind}: {r.status_code}"] += 1
                    if r.status_code in (200, 201):
                        with lock:
                            phase.accepted += 1
                            phase.samples.append(Sample(item.kind, t1, t1 - t0))
                            phase.acked.append(item)
                        break
                    if r.status_code == 503 and tries <= 50:
                        time.sleep(min(1.0, 0.02 * tries))
                        continue
                    break
            client.close()

        threads = [threading.Thread(target=worker) for _ in range(self.n)]
        for th in threads:
            th.start()
        gate.wait()
        phase.start = time.perf_counter()
        for th in threads:
            th.join()
        phase.end = time.perf_counter()


class Readers:
    """Reader threads polling results and a unit page, closed loop, until stopped."""

    KINDS = ("results: country", "results: region", "unit page: region")

    def __init__(self, base: str, contest: Contest, regions: list[str], n: int) -> None:
        self.base, self.contest, self.regions, self.n = base, contest, regions, n
        self.samples: list[Sample] = []
        self.statuses: Counter[str] = Counter()
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._reader, args=(k,)) for k in range(n)]

    def urls(self, k: int, rng: random.Random) -> tuple[str, str]:
        kind = self.KINDS[k % len(self.KINDS)]
        region = rng.choice(self.regions)
        if kind == "results: country":
            return kind, f"/api/contests/{self.contest.id}/results"
        if kind == "results: region":
            return kind, f"/api/contests/{self.contest.id}/results?unit={region}"
        return kind, f"/elections/{self.contest.election}/units/{region}"

    def _reader(self, k: int) -> None:
        rng = random.Random(k)
        n = k
        with httpx.Client(base_url=self.base, timeout=120,
                          headers={"Accept-Language": "en"}) as client:
            while not self.stop.is_set():
                kind, url = self.urls(n, rng)
                n += 1
                t0 = time.perf_counter()
                try:
                    r = client.get(url)
                except httpx.HTTPError as exc:
                    with self.lock:
                        self.statuses[f"{kind}: no answer ({type(exc).__name__})"] += 1
                    time.sleep(0.2)
                    continue
                t1 = time.perf_counter()
                with self.lock:
                    self.statuses[f"{kind}: {r.status_code}"] += 1
                    if r.status_code == 200:
                        self.samples.append(Sample(kind, t1, t1 - t0))

    def __enter__(self) -> Readers:
        for th in self.threads:
            th.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for th in self.threads:
            th.join()


# --- stores -------------------------------------------------------------------------------------


def sqlite_template_cached(stations: int, seed: int, geo: Geography) -> tuple[Path, Contest]:
    """The synthetic country and a referendum in a SQLite file under WORK, built once per
    (stations, seed), migrated to the current schema when reused, and copied for each run
    (delete WORK to rebuild)."""
    path = c.WORK / "night" / f"template-{stations}-{seed}.db"
    done = Path(f"{path}.done")
    if path.exists() and done.exists():
        from saylau.services.elections import get_contest

        engine = db.make_engine(f"sqlite:///{path}")
        db.upgrade(engine)  # a template built by an older saylau gets the newer schema
        app = Saylau(engine, _geo=geo)
        contest = get_contest(app, done.read_text().strip())
        engine.dispose()
        c.checkpoint(path)
        return path, contest
    done.unlink(missing_ok=True)
    contest = c.sqlite_template(path, geo)
    done.write_text(contest.id)
    return path, contest


@contextmanager
def store(database: str, stations: int, seed: int, geo: Geography) -> Iterator[
        tuple[Any, Contest]]:
    """A template store of the country and the referendum: yields (a function giving a fresh
    copy's URL as a context manager, contest)."""
    if database == "SQLite":
        path, contest = sqlite_template_cached(stations, seed, geo)

        @contextmanager
        def copy_sqlite(name: str) -> Iterator[str]:
            dest = c.sqlite_copy(path, c.WORK / "night" / f"{name}.db")
            try:
                yield f"sqlite:///{dest}"
            finally:
                for p in dest.parent.glob(f"{dest.name}*"):
                    p.unlink()

        yield copy_sqlite, contest
        return
    tmpl, contest = c.pg_template(geo)
    try:
        yield (lambda _name: c.pg_copy(tmpl)), contest
    finally:
        c.pg_drop(tmpl)


def issue_tokens(url: str, geo: Geography, stations: Sequence[str]) -> dict[str, str]:
    app = Saylau(db.make_engine(url), _geo=geo)
    try:
        out: dict[str, str] = {}
        step = 50_000
        for k in range(0, len(stations), step):
            part = stations[k : k + step]
            secrets = create_tokens(app, [(f"PEC {s}", "precinct", s) for s in part])
            out.update(zip(part, secrets, strict=True))
        return out
    finally:
        app.engine.dispose()


@contextmanager
def serve(url: str, max_age: float, workers: int) -> Iterator[str]:
    log = c.WORK / "night" / "server.log"
    os.environ.setdefault("SAYLAU_BENCH_SERVER_LOG", str(log))
    with c.server(url, c.free_port(), {"SAYLAU_RESULTS_MAX_AGE": str(max_age)},
                  workers=workers) as base:
        yield base


# --- checks against the ground truth ------------------------------------------------------------


def check_store(url: str, contest: Contest, truth: Truth, acked: Sequence[Item],
                verify: bool) -> list[str]:
    """Problems found (empty: everything sent is stored exactly once, as sent)."""
    from sqlalchemy import func, select

    from saylau.store import tables as t

    problems: list[str] = []
    sent_p = {i.station: i.body for i in acked if i.kind == "protocol"}
    sent_t = {(i.station, i.body["at"]): i.body["ballots_issued"] for i in acked
              if i.kind == "turnout"}
    engine = db.make_engine(url)
    pv, tr, lv = t.protocol_versions, t.turnout_reports, t.log_leaves
    cols = [pv.c.station_id, pv.c.version, *(pv.c[f] for f in COUNT_FIELDS), pv.c.votes]
    with engine.connect() as conn:
        rows = conn.execute(select(*cols).where(pv.c.contest_id == contest.id)).all()
        turn = conn.execute(select(tr.c.station_id, tr.c.at, tr.c.ballots_issued)
                            .where(tr.c.contest_id == contest.id)).all()
        leaves = dict(conn.execute(select(lv.c.type, func.count())
                                   .where(lv.c.election_id == contest.election)
                                   .group_by(lv.c.type)).all())
    engine.dispose()
    stored: dict[str, list[Any]] = {}
    for r in rows:
        stored.setdefault(r[0], []).append(r)
    twice = [s for s, v in stored.items() if len(v) != 1 or v[0][1] != 1]
    if twice:
        problems.append(f"{len(twice)} station(s) with other than one version 1, e.g. {twice[:3]}")
    if set(stored) != set(sent_p):
        problems.append(f"protocols stored for {len(stored):,} stations, acknowledged for "
                        f"{len(sent_p):,}; differing: {sorted(set(stored) ^ set(sent_p))[:3]}")
    wrong = 0
    for s, body in sent_p.items():
        if s not in stored:
            continue
        r = stored[s][0]
        if list(r[2 : 2 + len(COUNT_FIELDS)]) != [body[f] for f in COUNT_FIELDS] or \
                json.loads(r[-1]) != body["votes"]:
            wrong += 1
    if wrong:
        problems.append(f"{wrong} stored protocol(s) differ from what was sent")
    turn_keys = Counter((s, at) for s, at, _ in turn)
    if any(n > 1 for n in turn_keys.values()):
        problems.append("a turnout report stored twice")
    if {(s, at): int(v) for s, at, v in turn} != sent_t:
        problems.append(f"turnout rows: {len(turn):,} stored, {len(sent_t):,} acknowledged, "
                        "or figures differ")
    if leaves.get("protocol", 0) != len(rows) or leaves.get("turnout", 0) != len(turn):
        problems.append(f"log leaves {leaves} for {len(rows):,} protocol and {len(turn):,} "
                        "turnout rows")
    if verify:
        problems.extend(verify_record(url, contest))
    return problems


def verify_record(url: str, contest: Contest) -> list[str]:
    import tempfile

    from saylau.domain.record.merkle import TreeHead
    from saylau.domain.record.verify import VerificationFailed
    from saylau.domain.record.verify import verify_record as verify
    from saylau.services.record import export_record

    app = Saylau.open(url, migrate=False)
    with tempfile.TemporaryDirectory(dir=c.WORK) as d:
        out = Path(d)
        export_record(app, contest.election, out)
        app.engine.dispose()
        heads = [TreeHead.from_json(h) for h in json.loads((out / "tree-heads.json").read_text())]
        try:
            verify((out / "leaves.jsonl").read_bytes().splitlines(), heads,
                   bytes.fromhex((out / "central.pub").read_text().strip()),
                   json.loads((out / "results.json").read_text()))
        except VerificationFailed as exc:
            return [f"the record does not verify: {exc.message}"]
    return []


def check_results(base: str, contest: Contest, acked: Sequence[Item], max_age: float,
                  times: tuple[str, ...]) -> list[str]:
    """The results API's national totals against the sums of what was acknowledged."""
    time.sleep(max_age + 0.1)  # past any tally the server may reuse
    r = httpx.get(f"{base}/api/contests/{contest.id}/results", timeout=300)
    if r.status_code != 200:
        return [f"results: {r.status_code}"]
    view = r.json()
    res = view["result"]
    prot = [i.body for i in acked if i.kind == "protocol"]
    problems = []
    if res["stations_reported"] != len(prot):
        problems.append(f"stations_reported {res['stations_reported']} != {len(prot)}")
    for f in COUNT_FIELDS[1:]:
        if res[f] != sum(b[f] for b in prot):
            problems.append(f"{f}: {res[f]} != {sum(b[f] for b in prot)}")
    for o in contest.option_ids:
        if res["votes"][o] != sum(b["votes"][o] for b in prot):
            problems.append(f"votes {o}: {res['votes'][o]} != {sum(b['votes'][o] for b in prot)}")
    by_time = {p["at"]: p for p in view["turnout_during_day"]}
    for at in times:
        sent = [i.body["ballots_issued"] for i in acked
                if i.kind == "turnout" and i.body["at"] == at]
        p = by_time.get(at, {"ballots_issued": 0, "stations_reporting": 0})
        if (p["ballots_issued"], p["stations_reporting"]) != (sum(sent), len(sent)):
            problems.append(f"turnout at {at}: {p['ballots_issued']}/{p['stations_reporting']}"
                            f" != {sum(sent)}/{len(sent)}")
    return problems


# --- one run ------------------------------------------------------------------------------------


@dataclass
class Run:
    database: str
    stations: int
    mode: str  # "full" | "time box"
    phases: list[Phase]
    reads: list[Sample]
    read_statuses: Counter[str]
    problems: list[str]
    baseline: dict[str, tuple[list[float], float]]
    cold_start: float
    tokens: int
    load_before: str
    load_after: str


def one_run(database: str, geo: Geography, truths: dict[tuple[str, ...], Truth],
            times: tuple[str, ...], args: Any, time_box: float | None) -> Run:
    """One database, one country: the baseline, then the day and the night over HTTP, then
    the checks."""
    n = len(geo.station_indices)
    regions = [u.id for u in geo.top_level()]
    load_before = c.load()
    print(f"{database}, {n:,} stations", flush=True)
    with store(database, n, args.seed, geo) as (fresh, contest):
        if contest.option_ids not in truths:
            stations, counts = c.synthetic_counts(geo, contest, args.seed)
            truths[contest.option_ids] = Truth(stations, counts, contest.option_ids, times)
        truth = truths[contest.option_ids]
        order = truth.stations[:]
        random.Random(args.seed).shuffle(order)
        # the big run: tokens for the stations the time box can reach (generously more)
        reach = order if time_box is None else \
            order[: min(n, int(time_box / 2 * args.reach_rate))]
        # the baseline first, on its own copy: the same kinds of submissions in process
        with fresh("baseline") as url:
            sample = reach[: args.baseline]
            tokens = issue_tokens(url, geo, sample)
            base_res = baseline(url, geo, contest, truth, sample, tokens)
        with fresh("night") as url:
            tokens = issue_tokens(url, geo, reach)
            day = [Item("turnout", s, truth.turnout(s, k), tokens[s])
                   for k in range(len(truth.times)) for s in reach]
            night = [Item("protocol", s, truth.protocol(s), tokens[s]) for s in reach]
            phases = [Phase("day: turnout reports"), Phase("night: protocols")]
            with serve(url, args.results_max_age, args.workers) as base:
                t0 = time.perf_counter()
                r = httpx.get(f"{base}/api/contests/{contest.id}/results", timeout=600)
                r.raise_for_status()
                httpx.get(f"{base}/elections/{contest.election}/units/{regions[0]}",
                          timeout=600).raise_for_status()
                cold = time.perf_counter() - t0
                writers = Writers(base, contest.id, args.writers)
                with Readers(base, contest, regions, args.readers) as readers:
                    for phase, items in zip(phases, (day, night), strict=True):
                        deadline = None if time_box is None else \
                            time.perf_counter() + time_box / 2
                        writers.run(phase, items, deadline)
                        print(f"  {database}, {n:,} stations, {phase.name}: "
                              f"{phase.accepted:,} in {phase.end - phase.start:.1f} s "
                              f"({phase.accepted / (phase.end - phase.start):.0f}/s); "
                              f"{dict(phase.statuses)}", flush=True)
                acked = [i for p in phases for i in p.acked]
                problems = check_results(base, contest, acked, args.results_max_age,
                                         truth.times)
            problems += check_store(url, contest, truth, acked, verify=time_box is None)
            if time_box is not None:  # a time box must end by its clock, not by lack of work
                problems += [f"{p.name}: every prepared station was sent before the time box "
                             "ended (raise --reach-rate)" for p in phases if p.ran_out]
            fine = "every acknowledged write stored once, as sent; totals equal"
            print(f"  checks: {'; '.join(problems) or fine}", flush=True)
    return Run(database, n, "full" if time_box is None else f"time box {time_box:.0f} s",
               phases, readers.samples, readers.statuses, problems, base_res, cold,
               len(reach), load_before, c.load())


def baseline(url: str, geo: Geography, contest: Contest, truth: Truth, sample: list[str],
             tokens: dict[str, str]) -> dict[str, tuple[list[float], float]]:
    """The same submissions through the services in process (token check included), one
    thread: {kind: (latencies, wall seconds)}."""
    from saylau.services import protocols as svc
    from saylau.services import turnout as turnout_svc
    from saylau.services.tokens import authenticate

    app = Saylau(db.make_engine(url), _geo=geo)
    out: dict[str, tuple[list[float], float]] = {}
    try:
        from saylau.domain.protocols import ProtocolCounts

        for kind in ("turnout", "protocol"):
            lat = []
            t_all = time.perf_counter()
            for s in sample:
                t0 = time.perf_counter()
                who = authenticate(app, tokens[s])
                if kind == "turnout":
                    b = truth.turnout(s, 0)
                    turnout_svc.submit_turnout(app, who, contest.id, s, b["at"],
                                               b["ballots_issued"])
                else:
                    b = truth.protocol(s)
                    counts = ProtocolCounts.of(**{f: b[f] for f in COUNT_FIELDS},
                                               votes=b["votes"].items())
                    svc.submit_protocol(app, who, contest.id, s, counts)
                lat.append(time.perf_counter() - t0)
            out[kind] = (lat, time.perf_counter() - t_all)
    finally:
        app.engine.dispose()
    return out


# --- the report -----------------------------------------------------------------------------------


def ms(x: float) -> str:
    return f"{x * 1000:,.1f} ms" if x < 10 else f"{x:,.1f} s"


def windows(samples: Sequence[Sample], start: float, end: float) -> list[float]:
    """Accepted per second in each whole WINDOW of the phase."""
    k = int((end - start) // WINDOW)
    if k < 1:
        return []
    ends = np.asarray([s.t_end for s in samples])
    edges = start + WINDOW * np.arange(k + 1)
    return (np.histogram(ends, bins=edges)[0] / WINDOW).tolist()


def errors(statuses: Counter[str]) -> str:
    bad = {k: v for k, v in statuses.items() if not k.endswith((": 200", ": 201"))}
    return ", ".join(f"{v:,} {k}" for k, v in sorted(bad.items())) or "none"


def report(runs: list[Run], args: Any) -> str:
    lines = [
        c.header(TITLE, 1),
        f"- code: {code_version()}",
        f"- country: synthetic Kazakhstan (`saylau.domain.generator.generate_kazakhstan`, seed "
        f"{args.seed}) with a constitutional referendum; every figure sent is the generator's "
        "(`benchmarks/_common.synthetic_counts`): the ground truth the store is checked against",
        ("- no full run (--no-small)" if args.no_small else
         f"- full runs: {args.stations:,} stations, each station's turnout at "
        f"{', '.join(args.turnout_at)} (all stations' first report, then the next...), then "
        "every station's protocol, stations in a shuffled order")
        + ("" if args.no_big else
           f"; time-boxed runs: {args.big:,} stations, {args.time_box / 2:.0f} s of turnout "
           f"reports ({args.turnout_at[0]}) then {args.time_box / 2:.0f} s of protocols"),
        "- server: `saylau serve"
        + (f" --workers {args.workers}` ({args.workers} processes, each on its own socket)"
           if args.workers > 1 else "` (uvicorn, one process)")
        + " in a subprocess, "
        f"SAYLAU_RESULTS_MAX_AGE={args.results_max_age:g}; writers: {args.writers} threads, "
        f"one keep-alive connection each, closed loop, each request with the station's own "
        f"precinct token (503: retried after a pause, counted); readers: {args.readers} "
        "threads, closed loop, in turn national results, a region's results, a region's page; "
        "writers, readers, server and database share the machine's cores",
        "- sustained rate: accepted requests / wall time of the phase; slowest 10 s: the "
        "fewest accepted in any whole 10-second window of the phase",
        f"- baseline (same run, same database, a fresh copy of the same store): the first "
        f"{args.baseline:,} stations' turnout report and protocol through the services in "
        "process, without HTTP (token check, `submit_turnout` / `submit_protocol`), one thread",
        "",
        "| database | stations | phase | accepted | sustained rate | slowest 10 s | median "
        "latency | p99 latency | 503 (retried) | other errors |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        for p in r.phases:
            lat = [s.latency for s in p.samples]
            wall = p.end - p.start
            w = windows(p.samples, p.start, p.end)
            n503 = sum(v for k, v in p.statuses.items() if k.endswith(": 503"))
            other = errors(Counter({k: v for k, v in p.statuses.items()
                                    if not k.endswith(": 503")}))
            lines.append(
                f"| {r.database} | {r.stations:,} ({r.mode}) | {p.name} | {p.accepted:,} | "
                f"{p.accepted / wall:,.0f} /s | "
                f"{(f'{min(w):,.0f} /s') if w else '-'} | "
                f"{ms(c.median(lat)) if lat else '-'} | "
                f"{ms(c.percentile(lat, 99)) if lat else '-'} | {n503:,} | {other} |")
    lines += ["", "Reads held meanwhile (both phases):", "",
              "| database | stations | request | served (200) | rate | median | p99 | errors |",
              "|---|---|---|---|---|---|---|---|"]
    for r in runs:
        span = r.phases[-1].end - r.phases[0].start
        for kind in Readers.KINDS:
            lat = [s.latency for s in r.reads if s.kind == kind]
            errs = errors(Counter({k: v for k, v in r.read_statuses.items()
                                   if k.startswith(kind)}))
            lines.append(
                f"| {r.database} | {r.stations:,} | {kind} | {len(lat):,} | "
                f"{len(lat) / span:,.1f} /s | {ms(c.median(lat)) if lat else '-'} | "
                f"{ms(c.percentile(lat, 99)) if lat else '-'} | {errs} |")
    lines += ["", "Baseline: the same submissions in process, without HTTP, one thread:", "",
              "| database | stations | request | in process: median (rate) | over HTTP: median "
              "(sustained rate) | ratio of medians | in-process rate / HTTP rate |",
              "|---|---|---|---|---|---|---|"]
    for r in runs:
        for kind, p in zip(("turnout", "protocol"), r.phases, strict=True):
            b_lat, b_wall = r.baseline[kind]
            lat = [s.latency for s in p.samples]
            rate = p.accepted / (p.end - p.start)
            lines.append(
                f"| {r.database} | {r.stations:,} | {kind} | {ms(c.median(b_lat))} "
                f"({len(b_lat) / b_wall:,.0f} /s) | {ms(c.median(lat))} ({rate:,.0f} /s) | "
                f"{c.median(lat) / c.median(b_lat):.1f}x | {len(b_lat) / b_wall / rate:.2f}x |")
    lines += ["", "Checks against the ground truth, after each run:", ""]
    for r in runs:
        verdict = "; ".join(r.problems) or (
            "every acknowledged turnout report and protocol stored exactly once (one version "
            "per station, one row per report), equal to what was sent, nothing else stored; "
            "the results API's national totals and turnout equal the sums sent; one log leaf "
            "per stored row" + ("; the exported record verifies" if r.mode == "full" else ""))
        lines.append(f"- {r.database}, {r.stations:,} stations ({r.mode}; {r.tokens:,} "
                     f"commission tokens; cold first read {ms(r.cold_start)}; load average "
                     f"{r.load_before} before, {r.load_after} after): {verdict}")
    big = [r for r in runs if r.mode != "full"]
    if big:
        lines += ["", "A million stations within an hour needs "
                  f"{HOUR_TARGET:.0f} protocols/s sustained (plus the day's turnout reports):",
                  ""]
        for r in big:
            p = r.phases[1]
            rate = p.accepted / (p.end - p.start)
            w = windows(p.samples, p.start, p.end)
            hours = r.stations / rate / 3600 if rate else float("inf")
            lines.append(
                f"- {r.database}: {rate:,.0f} protocols/s sustained (slowest 10 s: "
                f"{min(w) if w else 0:,.0f}/s): "
                + ("met" if rate >= HOUR_TARGET and w and min(w) >= HOUR_TARGET else
                   "**not met**")
                + f"; at this rate {r.stations:,} protocols take {hours:.1f} h; turnout "
                f"reports {r.phases[0].accepted / (r.phases[0].end - r.phases[0].start):,.0f}"
                "/s")
    lines += ["", "uptime at the end: " + uptime()]
    return "\n".join(lines)


def code_version() -> str:
    """The commit measured, and whether the source differed from it."""
    given = os.environ.get("SAYLAU_BENCH_CODE")
    if given:
        return given
    try:
        head = subprocess.run(["git", "-C", str(c.ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(c.ROOT), "status", "--porcelain", "src"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"commit {head}" + (" with uncommitted changes in src/" if dirty else "")


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True,
                              check=False).stdout.strip()
    except OSError:
        return "unknown"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stations", type=int, default=10_000)
    ap.add_argument("--big", type=int, default=1_000_000)
    ap.add_argument("--time-box", type=float, default=240.0,
                    help="seconds of the big run (half turnout, half protocols)")
    ap.add_argument("--writers", type=int, default=8)
    ap.add_argument("--workers", type=int, default=1,
                    help="server processes (`saylau serve --workers N`)")
    ap.add_argument("--no-sqlite", action="store_true")
    ap.add_argument("--no-small", action="store_true", help="only the big, time-boxed run")
    ap.add_argument("--readers", type=int, default=2)
    ap.add_argument("--turnout-at", nargs="+", default=["10:00", "14:00", "18:00"])
    ap.add_argument("--results-max-age", type=float, default=1.0)
    ap.add_argument("--baseline", type=int, default=1_000,
                    help="stations of the in-process baseline")
    ap.add_argument("--reach-rate", type=float, default=600.0,
                    help="tokens for the big run: this many per second of the time box")
    ap.add_argument("--seed", type=int, default=2022)
    ap.add_argument("--no-big", action="store_true")
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--quick", action="store_true",
                    help="300 stations, one turnout time, no big run, not written: < 1 min")
    args = ap.parse_args()
    if args.quick:
        args.stations, args.turnout_at, args.no_big, args.no_write = 300, ["10:00"], True, True
        args.baseline = 50
    print(f"uptime at the start: {uptime()}", flush=True)
    (c.WORK / "night").mkdir(parents=True, exist_ok=True)
    # one central key for the templates, their copies and the servers (a copied SQLite file
    # would otherwise get a new key beside it, and its tree heads would not verify)
    os.environ["SAYLAU_CENTRAL_KEY"] = str(c.WORK / "night" / "central.pem")
    databases = [] if args.no_sqlite else ["SQLite"]
    if not args.no_postgres and c.pg_version() is not None:
        databases.append("PostgreSQL")
    runs: list[Run] = []
    sizes: list[tuple[int, float | None]] = [] if args.no_small else [(args.stations, None)]
    if not args.no_big:
        sizes.append((args.big, args.time_box))
    for n, box in sizes:
        t0 = time.perf_counter()
        geo = c.synthetic_country(n, args.seed)
        print(f"{n:,} stations: country built in {time.perf_counter() - t0:.0f} s", flush=True)
        times = tuple(args.turnout_at) if box is None else (args.turnout_at[0],)
        truths: dict[tuple[str, ...], Truth] = {}
        for database in databases:
            runs.append(one_run(database, geo, truths, times, args, box))
    text = report(runs, args)
    print(text)
    if not args.no_write:
        c.write_section(SECTION, text)


if __name__ == "__main__":
    main()
