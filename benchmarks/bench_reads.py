"""Reads on election night: one unit's results JSON at 1,000,000 stations, served by nginx from
the live static snapshot while protocols arrive, against nginx serving the same file fixed.

    python benchmarks/bench_reads.py [--stations 1000000] [--rate 40] [--duration 10]
        [--threads 2] [--connections 32] [--runs 3] [--every 1] [--depth 2] [--no-write]
        [--keep]

Issue 16, target 5: the results JSON of any unit at 1,000,000 stations served at 10,000
requests/s or more from one machine while submissions run.

Setup (not timed): a copy of the kept store with the synthetic Kazakhstan, a referendum and
one protocol per station (_common.filled_sqlite, under $SAYLAU_BENCH_DIR), its schema brought
up to date and its results snapshot stored (so the processes start in seconds); a precinct
token for 2,000 stations spread over the country. Then, on 127.0.0.1:

- `saylau serve` (uvicorn, one process, as shipped), SAYLAU_RESULTS_MAX_AGE=1;
- `saylau publish --live --out WWW/live --every 1 --depth 2 --gzip` in its own process: the
  nation, the regions and the districts written first, a station's file when its protocol
  changes, every changed unit's file (and its .json.gz) rewritten each second (web/live.py);
- a submitter in this process: corrections of those stations' protocols through the API
  (`POST /api/contests/C/protocols`, each with its station's own token, one ballot moved
  between `invalid` and `yes` and back, every check passing), paced at --rate per second
  from 4 threads with a keep-alive connection each, the stations in a shuffled order;
- Debian's nginx (bench_site's setup: a worker per core, access_log off, sendfile; plus
  gzip_static) serving WWW: `live/` (the live snapshot) and `fixed/` (a copy of the same
  files taken before the submissions started, never rewritten).

Targets: the results JSON of the nation, a region, a district and a station (one of the
submitter's, corrected once before the runs so that its file exists). Rows, each measured
with the same wrk settings (`wrk -tT -cC -dDs --latency`, closed loop, latencies not
corrected for coordinated omission), the rows' order rotating from run to run:

- live (nginx): WWW/live/results/C/U.json while the submitter runs; `live (nginx), gzip`:
  the same with Accept-Encoding: gzip (nginx's gzip_static sends U.json.gz);
- app: GET /api/contests/C/results?unit=U on the app while the submitter runs (its ETag and
  kept answer, api/results_json.py; no If-None-Match sent: full answers);
- fixed (nginx), the baseline: WWW/fixed/... while the submitter is paused (and its gzip
  row);
- app, 304: the app's route with the current ETag in If-None-Match while the submitter is
  paused (checked to answer 304 before and after the run).

Before the runs, the live file and the app's answer for each target are checked to be the
same bytes (submitter paused, tally reuse over). During each live run the record the live
file names (`as_of`) is read before and after (it moves when a correction touched the unit).
Everything (app, publisher, nginx, wrk, the submitter) shares the machine's cores.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _common as c
import bench_site as site
import httpx

from saylau.domain.contests import YES
from saylau.services.context import Saylau
from saylau.services.tokens import create_tokens
from saylau.store import db
from saylau.store.repository import current_protocol

TARGET_RPS = 10_000
TOKENS = 2_000
ROWS = ("live (nginx)", "live (nginx), gzip", "app", "fixed (nginx)", "fixed (nginx), gzip",
        "app, 304")
QUIET = {"fixed (nginx)", "fixed (nginx), gzip", "app, 304"}
"""Rows measured with the submitter paused."""


# --- the store --------------------------------------------------------------------------------


def prepare(tmp: Path, stations: int, seed: int) -> tuple[str, str, Any, list[Any]]:
    """A copy of the kept store, up to date, with its snapshot and the submitter's tokens.
    Returns (url, contest, geography, [(station, token, counts, version)])."""
    from bench_tally_results import ensure_snapshots

    print(f"store with {stations:,} stations and protocols ...", flush=True)
    path, contest, geo = c.filled_sqlite(stations, seed)
    store = tmp / "store.db"
    t0 = time.perf_counter()
    for suffix in ("", "-wal", ".central.pem"):
        src = Path(f"{path}{suffix}")
        if src.exists():
            shutil.copyfile(src, f"{store}{suffix}")
    os.chmod(f"{store}.central.pem", 0o600)
    url = f"sqlite:///{store}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    engine.dispose()
    ensure_snapshots(url, contest)
    app = Saylau(db.make_engine(url), _geo=geo)
    step = max(1, len(geo.station_indices) // TOKENS)
    chosen = [geo.units[int(i)].id for i in geo.station_indices[::step][:TOKENS]]
    tokens = create_tokens(app, [(f"precinct {s}", "precinct", s) for s in chosen])
    work = []
    with app.read() as conn:
        for s, tok in zip(chosen, tokens, strict=True):
            cur = current_protocol(conn, contest, s)
            assert cur is not None, s
            work.append([s, tok, cur.counts, cur.version])
    app.engine.dispose()
    # stations in a shuffled order: every region sees corrections within seconds
    random.Random(seed).shuffle(work)
    print(f"  copied and prepared in {time.perf_counter() - t0:.0f} s", flush=True)
    return url, contest, geo, work


# --- the submitter ----------------------------------------------------------------------------


@dataclass
class Submitter:
    """Corrections through the API at a steady pace while `on` is set."""

    base: str
    contest: str
    work: list[Any]
    rate: float
    on: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)
    outcomes: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def body(self, item: list[Any]) -> dict[str, Any]:
        station, _tok, counts, version = item
        votes = dict(counts.votes)
        delta = 1 if version % 2 == 1 else -1  # odd versions move a ballot, even move it back
        votes[YES] -= delta
        return {"station": station, "registered": counts.registered,
                "ballots_received": counts.ballots_received,
                "ballots_issued": counts.ballots_issued,
                "ballots_cancelled": counts.ballots_cancelled,
                "ballots_in_boxes": counts.ballots_in_boxes,
                "invalid": counts.invalid + delta, "both_marked": counts.both_marked,
                "votes": votes, "correction": True, "corrects": version,
                "reason": "benchmark"}

    def _loop(self, mine: list[list[Any]], rate: float) -> None:
        gap = 1.0 / rate
        k = 0
        with httpx.Client(base_url=self.base, timeout=30) as cl:
            nxt = time.monotonic()
            while not self.stop.is_set():
                if not self.on.wait(0.2):
                    nxt = time.monotonic()
                    continue
                item = mine[k % len(mine)]
                k += 1
                self.send(cl, item)
                nxt += gap
                time.sleep(max(0.0, nxt - time.monotonic()))

    def send(self, cl: httpx.Client, item: list[Any]) -> str:
        """One correction of the item's station; its outcome (HTTP status or error)."""
        t0 = time.perf_counter()
        try:
            r = cl.post(f"/api/contests/{self.contest}/protocols", json=self.body(item),
                        headers={"Authorization": f"Bearer {item[1]}"})
            code = str(r.status_code)
        except httpx.HTTPError as exc:
            code = type(exc).__name__
        if code == "201":
            # the counts stored are the body's; the next correction undoes it
            item[2] = _counts_after(item[2], self.body(item))
            item[3] += 1
        with self.lock:
            if code == "201":
                self.latencies.append(time.perf_counter() - t0)
            self.outcomes[code] += 1
        return code

    def start(self, parts: int = 4) -> None:
        for p in range(parts):
            t = threading.Thread(target=self._loop, args=(self.work[p::parts], self.rate / parts),
                                 daemon=True)
            t.start()
            self.threads.append(t)

    def close(self) -> None:
        self.stop.set()
        self.on.set()
        for t in self.threads:
            t.join(timeout=60)


def _counts_after(counts: Any, body: dict[str, Any]) -> Any:
    return type(counts)(
        registered=body["registered"], ballots_received=body["ballots_received"],
        ballots_issued=body["ballots_issued"], ballots_cancelled=body["ballots_cancelled"],
        ballots_in_boxes=body["ballots_in_boxes"], invalid=body["invalid"],
        both_marked=body["both_marked"], votes=tuple(sorted(body["votes"].items())))


# --- the live publisher -----------------------------------------------------------------------


@contextmanager
def live_publisher(url: str, out: Path, every: float, depth: int, log: Path) -> Any:
    """`saylau publish --live` in a subprocess; yields once its first pass is done."""
    argv = [sys.executable, "-m", "saylau.cli.main", "publish", "--live", "--out", str(out),
            "--every", str(every), "--depth", str(depth), "--gzip", "--database", url]
    with open(log, "ab") as f:
        proc = subprocess.Popen(argv, stdout=f, stderr=f)
    try:
        deadline = time.monotonic() + 600
        while True:
            manifest = out / "live.json"
            if manifest.exists():
                m = json.loads(manifest.read_text(encoding="utf-8"))
                if m["units_not_yet_written"] == 0:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the live publisher stopped or is late; see {log}")
            time.sleep(0.2)
        yield proc
    finally:
        c.stop(proc)


def wait_for(path: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"the live publisher did not write {path}")
        time.sleep(0.2)


# --- measuring --------------------------------------------------------------------------------


@contextmanager
def wrk_headers(extra: dict[str, str]) -> Any:
    """bench_site.wrk sends bench_site.HEADERS: add `extra` for one run."""
    saved = dict(site.HEADERS)
    site.HEADERS.update(extra)
    try:
        yield
    finally:
        site.HEADERS.clear()
        site.HEADERS.update(saved)


@dataclass
class Target:
    name: str
    unit: str
    app_path: str
    live_path: str
    fixed_path: str


def served_as_of(base: str, path: str) -> int:
    return int(httpx.get(base + path, headers=PLAIN, timeout=30).json()["as_of"])


def settle(sub: Submitter) -> None:
    """Pause the submitter and let the app's tally reuse (max age 1 s) and the publisher's
    next pass (--every) catch up."""
    sub.on.clear()
    time.sleep(2.5)


GZIP = {"Accept-Encoding": "gzip"}
PLAIN = {"Accept-Encoding": "identity"}
"""What httpx sends unless told (it asks for gzip by default); wrk sends no Accept-Encoding."""


def row_url(row: str, t: Target, app: str, web: str) -> str:
    if row.startswith("live"):
        return web + t.live_path
    if row.startswith("fixed"):
        return web + t.fixed_path
    return app + t.app_path


def body_size(url: str, headers: dict[str, str]) -> int:
    """Bytes on the wire of one answer (compressed when gzip was asked and given)."""
    r = httpx.get(url, headers=headers or PLAIN, timeout=60)
    if r.headers.get("content-encoding", "identity") != (headers or PLAIN)["Accept-Encoding"]:
        raise RuntimeError(f"{url}: asked for {headers or PLAIN}, got "
                           f"{r.headers.get('content-encoding')}")
    return int(r.headers.get("content-length") or len(r.content))


def measure(args: argparse.Namespace, targets: list[Target], app: str, web: str,
            sub: Submitter) -> tuple[dict[str, dict[str, site.Series]], dict[str, Any]]:
    results = {t.name: {r: site.Series() for r in ROWS} for t in targets}
    notes: dict[str, Any] = {"moves": [], "accepted": {r: [] for r in ROWS if r not in QUIET},
                             "sizes": {}}
    for t in targets:  # warm-up, not counted; the sizes
        for row in ROWS:
            headers = GZIP if "gzip" in row else {}
            if row not in QUIET:
                sub.on.set()
                with wrk_headers(headers):
                    site.wrk(row_url(row, t, app, web), args, 3)
            notes["sizes"].setdefault(t.name, {})[row] = body_size(row_url(row, t, app, web),
                                                                   headers)
        settle(sub)
    for k in range(args.runs):
        order = list(ROWS[k % len(ROWS):] + ROWS[: k % len(ROWS)])
        for t in targets:
            for pos, row in enumerate(order):
                url = row_url(row, t, app, web)
                headers = GZIP if "gzip" in row else {}
                if row in QUIET:
                    settle(sub)
                    if row == "app, 304":
                        tag = httpx.get(url, timeout=60).headers["etag"]
                        headers = {"If-None-Match": tag}
                        assert httpx.get(url, headers=headers).status_code == 304
                    with wrk_headers(headers):
                        run = site.wrk(url, args, args.duration)
                    if row == "app, 304":  # nothing changed during the run: every answer a 304
                        assert httpx.get(url, headers=headers).status_code == 304
                else:
                    sub.on.set()
                    time.sleep(1.0)
                    before = served_as_of(web, t.live_path)
                    n0 = sub.outcomes["201"]
                    with wrk_headers(headers):
                        run = site.wrk(url, args, args.duration)
                    accepted = sub.outcomes["201"] - n0
                    if row.startswith("live"):
                        moved = served_as_of(web, t.live_path) - before
                        notes["moves"].append(moved)
                        print(f"    live file moved {moved} versions, {accepted} accepted",
                              flush=True)
                    notes["accepted"][row].append(accepted / args.duration)
                run.order = pos + 1
                results[t.name][row].runs.append(run)
                print(f"  run {k + 1} {t.name:24} {row:20} {run.rps:9.1f} req/s  "
                      f"p50 {run.p50_ms:8.2f} ms  p99 {run.p99_ms:8.2f} ms  "
                      f"load {run.load:.2f}  {run.errors}", flush=True)
    sub.on.clear()
    return results, notes


def check_same(targets: list[Target], app: str, web: str) -> None:
    """With the submitter paused and every process caught up: the live file holds the bytes
    the app answers."""
    for t in targets:
        a = httpx.get(app + t.app_path, headers=PLAIN, timeout=60)
        w = httpx.get(web + t.live_path, headers=PLAIN, timeout=60)
        z = httpx.get(web + t.live_path, headers=GZIP, timeout=60)  # decoded by httpx
        if z.headers.get("content-encoding") != "gzip" or z.content != w.content:
            raise RuntimeError(f"{t.name}: the live .json.gz is not the .json gzipped")
        if a.status_code != 200 or w.status_code != 200 or a.content != w.content:
            raise RuntimeError(f"{t.name}: the live file is not the app's answer "
                               f"({a.status_code}, {w.status_code}, {len(a.content)} B vs "
                               f"{len(w.content)} B)")


# --- the report -------------------------------------------------------------------------------


def publisher_passes(log: Path) -> list[tuple[int, float]]:
    """(files, seconds) of each pass the live publisher logged (cli/publish.py's line)."""
    text = log.read_text(encoding="utf-8", errors="replace")
    return [(int(f.replace(",", "")), float(t)) for f, t in
            re.findall(r"^([\d,]+) files \(.*\) in ([\d.]+) s$", text, re.M)]


def verdict(rps: float) -> str:
    return "met" if rps >= TARGET_RPS else "NOT met"


def report(args: argparse.Namespace, targets: list[Target],
           results: dict[str, dict[str, site.Series]], notes: dict[str, Any],
           sub: Submitter, loads: tuple[str, str]) -> str:
    settings = (f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency "
                "--timeout 10s")
    lat = sorted(sub.latencies)
    accepted = notes["accepted"]
    passes = publisher_passes(notes["log"])
    live_acc = accepted["live (nginx)"] + accepted["live (nginx), gzip"]
    lines = [
        c.header("Reads: one unit's results JSON at 1,000,000 stations while protocols "
                 "arrive", args.runs),
        f"- store: a copy of the kept store (`_common.filled_sqlite({args.stations}, "
        f"{args.seed})`: the synthetic Kazakhstan, a referendum, one protocol per station), "
        "SQLite",
        "- app: `saylau serve` (uvicorn, one process, as shipped), `SAYLAU_RESULTS_MAX_AGE=1`",
        f"- live snapshot: `saylau publish --live --every {args.every:g} --depth "
        f"{args.depth}` in its own process (web/live.py): the nation, regions and districts "
        "written first, then each second the files of the units whose figures changed (a "
        "corrected station and its ancestors), each written to a temporary file and moved "
        "into place",
        f"- submissions: corrections through `POST /api/contests/C/protocols`, each with its "
        f"station's own precinct token ({len(sub.work):,} stations), paced at {args.rate:g}/s "
        f"from 4 threads in a shuffled order of stations; accepted per second during the "
        f"live runs: median {c.median(live_acc):.1f} (min "
        f"{min(live_acc):.1f}), during the app runs (the app also answering "
        f"wrk): median {c.median(accepted['app']):.1f}; outcomes "
        f"{dict(sub.outcomes)}; latency of the accepted p50 "
        f"{site.ms(1000 * c.percentile(lat, 50))}, p99 {site.ms(1000 * c.percentile(lat, 99))}",
        f"- the live file's record (`as_of`) moved by {min(notes['moves'])} to "
        f"{max(notes['moves'])} protocol versions during each live run (it is rewritten "
        "while read); the publisher's passes that wrote files: "
        f"{len(passes)}, files per pass median {c.median([f for f, _ in passes]):.0f} (max "
        f"{max(f for f, _ in passes)}), seconds per pass median "
        f"{c.median([t for _, t in passes]):.2f} (max {max(t for _, t in passes):.2f}): a "
        f"file is at most about --every plus a pass behind the store",
        f"- static: {site.tool_version([site.find_exe('nginx') or 'nginx', '-v'])} (Debian), "
        f"{os.cpu_count()} worker(s), access_log off, sendfile on (bench_site's setup), "
        "and `gzip_static on`: the `gzip` rows ask for gzip (Accept-Encoding) and get the "
        "publisher's .json.gz (`--gzip`, compressed once per change), the others the plain "
        "file; `fixed/` holds copies of the same files taken before the submissions began, "
        "served while the submitter is paused: the baseline",
        f"- load generator: {site.tool_version(['wrk', '-v'])} (Debian), every row: "
        f"`{settings} URL`; closed loop, latencies not corrected for coordinated omission; "
        "`app, 304` sends the current ETag in If-None-Match (every answer a "
        "304, checked before and after the run)",
        "- before the runs the live file and the app's answer were the same bytes, and the "
        "live .json.gz gunzipped the same bytes again, for each target (submitter paused)",
        f"- the app, the live publisher, nginx, wrk ({args.threads} threads) and the "
        f"submitter share the machine's {os.cpu_count()} cores: nginx's figures are a lower "
        "bound of what it does alone",
        f"- load average (1, 5, 15 min) before: {loads[0]}; after: {loads[1]} (other work "
        "may be running on this machine)",
        "",
    ]
    verdicts = []
    for t in targets:
        res = results[t.name]
        base = res["fixed (nginx)"].rps()
        lines += [f"### {t.name}", "",
                  f"live `{t.live_path}`, fixed `{t.fixed_path}`, app `{t.app_path}`", "",
                  "| server | while submissions run | requests/s (median) | ratio to fixed "
                  "nginx | latency p50 | latency p99 | body on the wire | errors |",
                  "|---|---|---|---|---|---|---|---|"]
        for row in ROWS:
            ser = res[row]
            errs = "; ".join(r.errors for r in ser.runs if r.errors) or "0"
            size = notes["sizes"][t.name].get(row, 0)
            body = "304, no body" if row == "app, 304" else f"{size:,} B"
            lines.append(f"| {row} | {'no' if row in QUIET else 'yes'} | {ser.rps():,.0f} | "
                         f"{ser.rps() / base:.2f}x | {site.ms(ser.p50())} | "
                         f"{site.ms(ser.p99())} | {body} | {errs} |")
        live, packed = res["live (nginx)"].rps(), res["live (nginx), gzip"].rps()
        verdicts.append((t.name, live, packed))
        lines += ["", f"live/fixed: {live / base:.2f}x, gzip "
                      f"{packed / res['fixed (nginx), gzip'].rps():.2f}x (ratios of medians); "
                      f"target {TARGET_RPS:,} requests/s while submissions run: plain "
                      f"**{verdict(live)}** ({live:,.0f}/s), gzip **{verdict(packed)}** "
                      f"({packed:,.0f}/s)", "", "runs:", ""]
        for row in ROWS:
            runs = "; ".join(f"{r.rps:,.0f}/s, p50 {site.ms(r.p50_ms)}, p99 "
                             f"{site.ms(r.p99_ms)} (position {r.order}, load {r.load:.2f})"
                             for r in res[row].runs)
            lines.append(f"- {row}: {runs}")
        lines.append("")
    lines += [
        "Target 5 of issue 16 (any unit's results JSON at 1,000,000 stations, 10,000 "
        "requests/s or more from one machine while submissions run): "
        + "; ".join(f"{n}: plain {verdict(v)} ({v:,.0f}/s), gzip {verdict(g)} ({g:,.0f}/s)"
                    for n, v, g in verdicts)
        + ". Units of each level were measured: the nation, a region, a district (its file "
        "lists 500 of its thousands of stations, the route's default page) and a station. "
        "With `--depth 2` a station's file exists once its protocol changed after the "
        "publisher started (or, without `--depth`, after the long first pass); until then "
        "nginx hands it to the app (docs/operations.md).",
        "",
        "Reproduce: `python benchmarks/bench_reads.py` (as root it installs Debian's nginx and "
        "wrk with apt-get when absent). The first run builds the kept store (about 2 minutes "
        "at 1,000,000 stations); each run copies it (about 1 GB) to a temp dir under "
        "`$SAYLAU_BENCH_DIR`. `--stations`, `--rate`, `--every`, `--depth`, `--duration`, "
        "`--threads`, `--connections`, `--runs` change the settings; `--no-write` prints "
        "without touching this file.",
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stations", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=2022)
    ap.add_argument("--rate", type=float, default=40.0, help="corrections per second")
    ap.add_argument("--every", type=float, default=1.0, help="the live publisher's interval")
    ap.add_argument("--depth", type=int, default=2, help="the live publisher's first pass")
    ap.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    site.ensure_tools()
    c.WORK.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="reads-", dir=c.WORK))
    tmp.chmod(0o755)  # nginx's workers run as another user and read the files
    try:
        url, contest, geo, work = prepare(tmp, args.stations, args.seed)
        top = geo.top_level()[0]
        region = top.id
        # the station target is one of the submitter's in that region: the setup's
        # correction then brings all four targets' files to the same record as the app
        mine = next(k for k, item in enumerate(work) if geo.top_level_of(item[0]) == top)
        work.insert(0, work.pop(mine))
        www = tmp / "www"
        www.mkdir()
        # bench_site's nginx, serving the publisher's .json.gz to readers that accept gzip
        site.NGINX_CONF = site.NGINX_CONF.replace("sendfile on;",
                                                  "sendfile on;\n    gzip_static on;")
        with c.server(url, c.free_port(), {"SAYLAU_RESULTS_MAX_AGE": "1"}) as app, \
                live_publisher(url, www / "live", args.every, args.depth,
                               tmp / "publisher.log"):
            sub = Submitter(app, contest, work, args.rate)
            # the station target: one of the submitter's, corrected once now so that the
            # publisher writes its file (--depth stops above the stations)
            station = work[0][0]
            district = str(geo.unit(station).parent)
            with httpx.Client(base_url=app, timeout=60) as cl:
                assert sub.send(cl, work[0]) == "201"
            wait_for(www / "live" / "results" / contest / f"{station}.json")
            targets = []
            for name, unit in (("the nation", geo.root.id), (f"a region ({region})", region),
                               (f"a district ({district}, 500 of its children)", district),
                               (f"a station ({station})", station)):
                rel = f"results/{contest}/{unit}.json"
                fixed = www / "fixed" / rel
                fixed.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(www / "live" / rel, fixed)
                shutil.copyfile(www / "live" / f"{rel}.gz", f"{fixed}.gz")
                targets.append(Target(name, unit,
                                      f"/api/contests/{contest}/results?unit={unit}",
                                      f"/live/{rel}", f"/fixed/{rel}"))
            for d in (www, *www.rglob("*")):
                if d.is_dir():
                    d.chmod(0o755)
            sub.start()
            try:
                with site.nginx(www, c.free_port(), tmp) as web:
                    time.sleep(2.5)
                    check_same(targets, app, web)
                    before = site.loadavg()
                    results, notes = measure(args, targets, app, web, sub)
                    notes["log"] = tmp / "publisher.log"
                    after = site.loadavg()
            finally:
                sub.close()
        text = report(args, targets, results, notes, sub, (before, after))
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(text)
    if not args.no_write:
        c.write_section("reads", text)


if __name__ == "__main__":
    main()
