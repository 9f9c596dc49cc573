"""The public results, served by the app and as the static snapshot behind nginx: requests/s.

    python benchmarks/bench_site.py [--stations 10000] [--database saylau-demo.db]
        [--duration 20] [--threads 2] [--connections 32] [--runs 3] [--no-max-age-row]

One store, one machine, one load generator, one run. The store is an election night
(`saylau demo --stations N --instant`, in a temp dir; or an existing store with --database);
`saylau publish` writes its static snapshot; then, side by side:

- app: `saylau serve` (uvicorn, one process, as shipped), SAYLAU_RESULTS_MAX_AGE=0 (the
  default: every results request sees the latest stored protocol);
- static: the snapshot served by Debian's nginx (one worker per core, access_log off,
  sendfile; otherwise nginx's defaults);
- app, SAYLAU_RESULTS_MAX_AGE=1 (a busy server reusing a tally for up to a second), unless
  --no-max-age-row.

Load generator: Debian's wrk, the same settings for every row, `--latency`, header
`Accept-Language: en` (the app then answers in English, as the snapshot's en/ pages), no
Accept-Encoding (no compression on either side), no If-None-Match (full 200 answers, no
304). Targets, the same content on each side (checked before the runs: both answer 200,
with their sizes shown):

- national: the national results page (`/elections/E` vs `/en/index.html`);
- unit: a region's page (`/elections/E/units/U` vs `/en/units/U.html`);
- results JSON: the nation's results (`/api/contests/C/results` vs `/data/results/C.json`).

Each target is first warmed up (a few seconds of wrk on each server, not counted); then each
run measures every server once per target, the order of the servers rotating from run to
run. Figures are medians over the runs of wrk's requests/s and latency p50/p99 (wrk's
latencies are measured from the send of each request, closed loop: they are not corrected for
coordinated omission). Only 127.0.0.1 is contacted. The servers, wrk and this script share
the machine's cores.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _common as c
import httpx

HEADERS = {"Accept-Language": "en"}
WARMUP_SECONDS = 3


# --- the store and its snapshot ---------------------------------------------------------------


def saylau_cli(*args: str, cwd: Path, env: dict[str, str] | None = None,
               timeout: float = 3600) -> None:
    t0 = time.perf_counter()
    print(f"  saylau {' '.join(args)}", flush=True)
    subprocess.run([sys.executable, "-m", "saylau.cli.main", *args], cwd=cwd,
                   env={**os.environ, **(env or {})}, check=True, timeout=timeout,
                   stdout=subprocess.DEVNULL)
    print(f"    done in {time.perf_counter() - t0:.0f} s", flush=True)


def build_demo(tmp: Path, stations: int) -> Path:
    db = tmp / "saylau-demo.db"
    saylau_cli("demo", "--stations", str(stations), "--instant", "--database", str(db), cwd=tmp)
    c.checkpoint(db)
    return db


@dataclass
class Snapshot:
    root: Path
    election: str
    contest: str
    unit: str
    record: str


def publish(db_url: str, out: Path, tmp: Path) -> Snapshot:
    saylau_cli("publish", "--out", str(out), cwd=tmp, env={"SAYLAU_DATABASE_URL": db_url})
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    election = json.loads((out / "data" / "election.json").read_text(encoding="utf-8"))
    contest = str(election["contests"][0]["id"])
    units = json.loads((out / "data" / "units" / f"{contest}.json").read_text(encoding="utf-8"))
    regions = [u["unit"] for u in units["units"] if u["kind"] == "region"]
    return Snapshot(out, str(manifest["election"]), contest, sorted(regions)[0],
                    str(manifest["record"]["version"]))


# --- the tools --------------------------------------------------------------------------------


def ensure_tools() -> None:
    """Debian's nginx and wrk; installed with apt-get when absent (as root only)."""
    missing = [p for p, exe in (("nginx", "nginx"), ("wrk", "wrk")) if not find_exe(exe)]
    if not missing:
        return
    if os.geteuid() != 0:
        sys.exit(f"missing {', '.join(missing)}: apt-get install {' '.join(missing)}")
    print(f"  installing {', '.join(missing)} with apt-get", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, timeout=600)
    subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env,
                   timeout=600, stdout=subprocess.DEVNULL)


def find_exe(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")


def tool_version(argv: list[str]) -> str:
    out = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=30)
    first = (out.stdout + out.stderr).strip().splitlines()[0]
    return first.removeprefix("nginx version: ").split(" Copyright")[0]


NGINX_CONF = """\
worker_processes {workers};
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    {types}
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    client_body_temp_path {tmp}/nginx-temp/body;
    proxy_temp_path {tmp}/nginx-temp/proxy;
    fastcgi_temp_path {tmp}/nginx-temp/fastcgi;
    uwsgi_temp_path {tmp}/nginx-temp/uwsgi;
    scgi_temp_path {tmp}/nginx-temp/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html;
    }}
}}
"""


@contextmanager
def nginx(root: Path, port: int, tmp: Path) -> Any:
    """nginx in the foreground serving `root` on 127.0.0.1:port; stopped on exit."""
    types = ("include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists()
             else "types { text/html html; application/json json; text/css css; "
                  "application/javascript js; }")
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(workers=os.cpu_count() or 1, tmp=tmp, types=types,
                                      port=port, root=root), encoding="utf-8")
    (tmp / "nginx-temp").mkdir(exist_ok=True)
    exe = find_exe("nginx") or "nginx"
    subprocess.run([exe, "-t", "-q", "-c", str(conf), "-p", str(tmp), "-e",
                    str(tmp / "nginx-error.log")], check=True, timeout=30)
    proc = subprocess.Popen([exe, "-c", str(conf), "-p", str(tmp), "-e",
                             str(tmp / "nginx-error.log"), "-g", "daemon off;"])
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/manifest.json", timeout=2)
                break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start (exit code {proc.poll()}); "
                                   f"see {tmp / 'nginx-error.log'}")
            time.sleep(0.1)
        yield base
    finally:
        c.stop(proc)


# --- wrk --------------------------------------------------------------------------------------


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: str
    load: float  # 1-minute load average just before the run
    order: int = 0


@dataclass
class Series:
    runs: list[Run] = field(default_factory=list)

    def rps(self) -> float:
        return c.median([r.rps for r in self.runs])

    def p50(self) -> float:
        return c.median([r.p50_ms for r in self.runs])

    def p99(self) -> float:
        return c.median([r.p99_ms for r in self.runs])


UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def to_ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if m is None:
        raise ValueError(f"unreadable wrk latency {text!r}")
    return float(m.group(1)) * UNIT_MS[m.group(2)]


def wrk(url: str, args: argparse.Namespace, seconds: int) -> Run:
    assert url.startswith("http://127.0.0.1:")
    load = os.getloadavg()[0]
    argv = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s",
            "--latency", "--timeout", "10s"]
    for k, v in HEADERS.items():
        argv += ["-H", f"{k}: {v}"]
    out = subprocess.run([*argv, url], capture_output=True, text=True, check=True,
                         timeout=seconds + 120).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    n = re.search(r"(\d+) requests in", out)
    if rps is None or p50 is None or p99 is None or n is None:
        raise RuntimeError(f"unreadable wrk output:\n{out}")
    errors = []
    sock = re.search(r"Socket errors: (.*)", out)
    if sock:
        errors.append(f"socket errors: {sock.group(1).strip()}")
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        errors.append(f"non-2xx/3xx: {non2xx.group(1)}")
    return Run(float(rps.group(1)), to_ms(p50.group(1)), to_ms(p99.group(1)),
               int(n.group(1)), "; ".join(errors), load)


# --- the benchmark ----------------------------------------------------------------------------


def targets(snap: Snapshot) -> list[tuple[str, str, str]]:
    """(name, path on the app, path in the snapshot)."""
    e, u, k = snap.election, snap.unit, snap.contest
    return [
        ("national results page", f"/elections/{e}", "/en/index.html"),
        (f"unit page ({u}, a region)", f"/elections/{e}/units/{u}", f"/en/units/{u}.html"),
        ("results JSON of the nation", f"/api/contests/{k}/results",
         f"/data/results/{k}.json"),
    ]


def check_same(snap: Snapshot, bases: dict[str, str],
               paths: dict[str, str]) -> dict[str, int]:
    """Each server answers 200 on its path; JSON answers carry the same figures (as_of,
    result, children, decision; the app's also carry a signed tree head, the snapshot's do
    not). Returns the body sizes."""
    sizes, bodies = {}, {}
    for server, base in bases.items():
        r = httpx.get(base + paths[server], headers=HEADERS, timeout=120)
        if r.status_code != 200:
            raise RuntimeError(f"{server} {paths[server]}: HTTP {r.status_code}")
        sizes[server] = len(r.content)
        bodies[server] = r
    jsons = [b.json() for b in bodies.values()
             if b.headers.get("content-type", "").startswith("application/json")]
    keys = ("as_of", "turnout_as_of", "result", "children", "decision")
    for j in jsons:
        if [j.get(k) for k in keys] != [jsons[0].get(k) for k in keys]:
            raise RuntimeError("the app's results differ from the snapshot's: republish")
    return sizes


def measure(snap: Snapshot, db_url: str, tmp: Path,
            args: argparse.Namespace) -> tuple[dict[str, dict[str, Series]],
                                               dict[str, dict[str, int]], list[str]]:
    servers = ["app", "static"] + ([] if args.no_max_age_row else ["app, max-age 1"])
    results: dict[str, dict[str, Series]] = {}
    sizes: dict[str, dict[str, int]] = {}
    with c.server(db_url, c.free_port(), {"SAYLAU_RESULTS_MAX_AGE": "0"}) as app, \
            c.server(db_url, c.free_port(), {"SAYLAU_RESULTS_MAX_AGE": "1"}) as app1, \
            nginx(snap.root, c.free_port(), tmp) as static:
        bases = {"app": app, "static": static, "app, max-age 1": app1}
        bases = {s: bases[s] for s in servers}
        tlist = targets(snap)
        for name, app_path, static_path in tlist:
            paths = {s: static_path if s == "static" else app_path for s in servers}
            sizes[name] = check_same(snap, bases, paths)
            for s in servers:
                wrk(bases[s] + paths[s], args, WARMUP_SECONDS)
            results[name] = {s: Series() for s in servers}
        for k in range(args.runs):
            order = servers[k % len(servers):] + servers[: k % len(servers)]
            for name, app_path, static_path in tlist:
                for pos, s in enumerate(order):
                    url = bases[s] + (static_path if s == "static" else app_path)
                    run = wrk(url, args, args.duration)
                    run.order = pos + 1
                    results[name][s].runs.append(run)
                    print(f"  run {k + 1} {name:32} {s:15} {run.rps:9.1f} req/s  "
                          f"p50 {run.p50_ms:8.2f} ms  p99 {run.p99_ms:8.2f} ms  "
                          f"load {run.load:.2f}  {run.errors}", flush=True)
    return results, sizes, servers


def report(args: argparse.Namespace, snap: Snapshot, results: dict[str, dict[str, Series]],
           sizes: dict[str, dict[str, int]], servers: list[str], loads: tuple[str, str],
           store: str) -> str:
    settings = (f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency "
                f"--timeout 10s -H 'Accept-Language: en'")
    lines = [
        c.header("The public results: the app and the static snapshot behind nginx", args.runs),
        f"- store: {store}, record {snap.record}; snapshot: `saylau publish` of that store "
        "(the pages in kk, ru and en, the data)",
        "- app: `saylau serve` (uvicorn, one process, as shipped) with "
        "`SAYLAU_RESULTS_MAX_AGE=0` (the default: each results request sees the latest "
        "stored protocol; pages are kept per record version, see docs/public-site.md)"
        + ("" if args.no_max_age_row else
           "; one more app row with `SAYLAU_RESULTS_MAX_AGE=1` (a tally reused for up to 1 s)"),
        f"- static: {tool_version([find_exe('nginx') or 'nginx', '-v'])} (Debian), "
        f"{os.cpu_count()} worker(s) (one per core), access_log off, sendfile on, "
        "otherwise defaults",
        f"- load generator: {tool_version(['wrk', '-v'])} (Debian), the same for every row: "
        f"`{settings} URL`; closed loop, latencies not corrected for coordinated omission; "
        "no compression, no conditional requests (every answer a full 200)",
        f"- each run measures every server once per target, {args.duration} s each, the "
        f"servers' order rotating from run to run, after {WARMUP_SECONDS} s of warm-up per "
        "server and target (not counted); only 127.0.0.1",
        f"- servers, wrk and this script share the machine's {os.cpu_count()} cores: the "
        "app is one Python process (one core at most), nginx has a worker per core, and wrk's "
        f"{args.threads} threads take their share; the static figures are therefore a lower "
        "bound of what nginx alone could do here",
        f"- load average (1, 5, 15 min) before: {loads[0]}; after: {loads[1]} "
        "(other work may be running on this machine)",
        "",
    ]
    for name, app_path, static_path in targets(snap):
        res = results[name]
        app_rps = res["app"].rps()
        lines += [
            f"### {name}",
            "",
            f"app `{app_path}`, static `{static_path}`",
            "",
            "| server | requests/s (median) | ratio to app | latency p50 | latency p99 | "
            "body | errors |",
            "|---|---|---|---|---|---|---|",
        ]
        for s in servers:
            ser = res[s]
            errs = "; ".join(r.errors for r in ser.runs if r.errors) or "0"
            lines.append(f"| {s} | {ser.rps():,.0f} | {ser.rps() / app_rps:.1f}x | "
                         f"{ms(ser.p50())} | {ms(ser.p99())} | {sizes[name][s]:,} B | {errs} |")
        per_run = [res["static"].runs[k].rps / res["app"].runs[k].rps for k in range(args.runs)]
        lines += ["", f"static/app: {res['static'].rps() / app_rps:.1f}x (ratio of medians), "
                      f"per run {', '.join(f'{x:.1f}x' for x in per_run)}", "", "runs:", ""]
        for s in servers:
            runs = "; ".join(
                f"{r.rps:,.0f}/s, p50 {ms(r.p50_ms)}, p99 {ms(r.p99_ms)}, "
                f"{r.requests:,} req (position {r.order}, load {r.load:.2f})"
                for r in res[s].runs)
            lines.append(f"- {s}: {runs}")
        lines.append("")
    lines += [
        "Reproduce: `python benchmarks/bench_site.py` (as root it installs Debian's nginx and "
        "wrk with apt-get when absent; otherwise `apt-get install nginx wrk` first). It builds "
        "the store in a temp dir under `$SAYLAU_BENCH_DIR` (a few minutes for 10,000 "
        "stations) and publishes it (about 2 minutes); `--database FILE` reuses a store, "
        "`--keep` keeps the temp dir, `--duration`, `--threads`, `--connections`, `--runs` "
        "change the wrk settings, `--no-max-age-row` drops the third server, `--no-write` "
        "prints without touching this file.",
    ]
    return "\n".join(lines)


def ms(x: float) -> str:
    return f"{x:.2f} ms" if x < 100 else f"{x:,.0f} ms"


def loadavg() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stations", type=int, default=10_000)
    ap.add_argument("--database", type=Path, help="an existing store (SQLite file) to reuse")
    ap.add_argument("--duration", type=int, default=20, help="seconds per wrk run")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-max-age-row", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    ensure_tools()
    c.WORK.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="site-", dir=c.WORK))
    tmp.chmod(0o755)  # nginx's workers run as another user and read the snapshot
    try:
        if args.database:
            db = args.database.resolve()
            store = f"an existing store (`--database {args.database}`)"
        else:
            db = build_demo(tmp, args.stations)
            store = (f"an election night, `saylau demo --stations {args.stations} --instant`, "
                     "built for this run")
        db_url = f"sqlite:///{db}"
        snap = publish(db_url, tmp / "snapshot", tmp)
        before = loadavg()
        results, sizes, servers = measure(snap, db_url, tmp, args)
        text = report(args, snap, results, sizes, servers, (before, loadavg()), store)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(text)
    if not args.no_write:
        c.write_section("site", text)


if __name__ == "__main__":
    main()
