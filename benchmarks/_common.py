"""Shared pieces of the benchmarks: the machine, synthetic inputs, fresh stores, the report.

Each benchmark script is run as `python benchmarks/bench_X.py` from the repository root; it
prints its figures and rewrites its own section of docs/benchmarks.md (between
`<!-- bench:NAME -->` and `<!-- /bench:NAME -->`), with the date, the machine, the command,
the median of N runs, the baseline measured in the same run and the ratio.
"""

from __future__ import annotations

import csv
import io
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import numpy.typing as npt

from saylau.domain.contests import QUESTION_2022, Contest
from saylau.domain.geography import Geography
from saylau.domain.ids import ActorId
from saylau.domain.names import Names
from saylau.domain.protocols import COUNT_FIELDS

if TYPE_CHECKING:
    import httpx

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "benchmarks.md"
SHARED = ROOT.parent / "shared"
PG_ADMIN_URL = os.environ.get(
    "SAYLAU_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
WORK = Path(os.environ.get("SAYLAU_BENCH_DIR") or Path(tempfile.gettempdir()) / "saylau-bench")

IntArray = npt.NDArray[np.int64]


def load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:  # no load average on this platform
        return "unknown"


START_LOAD = load()


# --- the machine and the report ---------------------------------------------------------------


def machine() -> str:
    """nproc, RAM, CPU model, Python, SQLite, PostgreSQL server, numpy."""
    ram = "?"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    cpu = platform.processor() or "?"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    pg = pg_version() or "not reachable"
    return (
        f"nproc {os.cpu_count()}, RAM {ram}, CPU {cpu}; Linux {platform.release()}; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"PostgreSQL {pg}, numpy {np.__version__}"
    )


def pg_version() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            return None if row is None else str(row[0])
    except Exception:  # no server: the PostgreSQL half of a benchmark is skipped
        return None


def command() -> str:
    return "python " + " ".join([str(Path(sys.argv[0]).as_posix()), *sys.argv[1:]])


def header(title: str, runs: int) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"## {title}\n\n"
        f"- measured: {now}\n"
        f"- machine: {machine()}\n"
        f"- command: `{command()}`\n"
        f"- runs: {runs} (figures are medians; the machine is shared and noisy: load average "
        f"(1/5/15 min) {START_LOAD} at the start, {load()} at the end, on {os.cpu_count()} "
        "CPUs)\n"
    )



def write_section(name: str, markdown: str) -> None:
    """Replace (or append) the section `name` of docs/benchmarks.md."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{markdown.rstrip()}\n{end}\n"
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n\n"
    if start in text and end in text:
        before = text[: text.index(start)]
        after = text[text.index(end) + len(end) :].lstrip("\n")
        text = before + block + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(text, encoding="utf-8")
    print(f"wrote section {name!r} of {DOCS}")


def median(xs: Sequence[float]) -> float:
    return float(statistics.median(xs))


def percentile(xs: Sequence[float], p: float) -> float:
    return float(np.percentile(np.asarray(xs, dtype=float), p))


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def seconds(x: float) -> str:
    return f"{x:.2f} s" if x >= 1 else f"{x * 1000:.1f} ms"


# --- synthetic inputs -------------------------------------------------------------------------


def synthetic_country(stations: int, seed: int) -> Geography:
    from saylau.data import load_kz_units
    from saylau.domain.generator import generate_kazakhstan

    return generate_kazakhstan(load_kz_units(), stations=stations, seed=seed)


def synthetic_counts(geo: Geography, contest: Contest, seed: int) -> tuple[list[str], IntArray]:
    """One protocol per station of `geo` (every check passes; about 1% carry the warning
    'ballots unaccounted for'): station ids and counts with the columns COUNT_FIELDS + the
    contest's options (yes, no)."""
    rng = np.random.default_rng(seed)
    stations = [geo.units[int(i)].id for i in geo.station_indices]
    reg = np.fromiter((geo.units[int(i)].registered for i in geo.station_indices),
                      dtype=np.int64, count=len(stations))
    n = len(stations)
    issued = np.floor(reg * rng.uniform(0.45, 0.9, n)).astype(np.int64)
    cancelled = rng.integers(0, 30, n)
    received = issued + cancelled + np.where(rng.random(n) < 0.01, rng.integers(1, 10, n), 0)
    boxes = np.clip(issued - rng.integers(0, 3, n), 0, None)
    invalid = np.floor(boxes * rng.uniform(0, 0.02, n)).astype(np.int64)
    both = np.floor(boxes * rng.uniform(0, 0.01, n)).astype(np.int64)
    rest = boxes - invalid - both
    yes = np.floor(rest * rng.uniform(0.5, 0.95, n)).astype(np.int64)
    no = rest - yes
    by_name = {"registered": reg, "ballots_received": received, "ballots_issued": issued,
               "ballots_cancelled": cancelled, "ballots_in_boxes": boxes, "invalid": invalid,
               "both_marked": both, "yes": yes, "no": no}
    cols = [*COUNT_FIELDS, *contest.option_ids]
    return stations, np.stack([by_name[c] for c in cols], axis=1).astype(np.int64)


def protocols_csv(stations: Sequence[str], counts: IntArray, contest: Contest) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["station", *COUNT_FIELDS, *contest.option_ids])
    for s, row in zip(stations, counts.tolist(), strict=True):
        w.writerow([s, *row])
    return buf.getvalue().encode("utf-8")


# --- stores -----------------------------------------------------------------------------------


def create_referendum_in(app: Any) -> Contest:
    from saylau.services.elections import create_referendum

    _, contest = create_referendum(
        app, election_id="bench", name=Names.same("Benchmark referendum"),
        ruleset_name="kz-2022", date="2022-06-05", question=QUESTION_2022,
        constitutional=True, by=ActorId("bench"),
    )
    return contest


def sqlite_template(path: Path, geo: Geography) -> Contest:
    """A migrated SQLite store holding `geo` and a referendum, checkpointed (copyable)."""
    from saylau.services.context import Saylau
    from saylau.services.geography import load_geography

    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    app = Saylau.open(f"sqlite:///{path}")
    load_geography(app, geo)
    contest = create_referendum_in(app)
    app.engine.dispose()
    checkpoint(path)
    return contest


def checkpoint(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def sqlite_copy(template: Path, dest: Path) -> Path:
    for p in (dest, Path(f"{dest}-wal"), Path(f"{dest}-shm")):
        p.unlink(missing_ok=True)
    shutil.copyfile(template, dest)
    return dest


def sqlite_connect_like_saylau(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection with the pragmas saylau's engine sets (WAL, synchronous=FULL,
    foreign keys on), in manual transaction mode."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("PRAGMA foreign_keys=ON")
    return con


def pg_url(name: str) -> str:
    return f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def pg_template(geo: Geography) -> tuple[str, Contest]:
    """A PostgreSQL database holding `geo` and a referendum, to copy with CREATE DATABASE
    ... TEMPLATE."""
    from saylau.services.context import Saylau
    from saylau.services.geography import load_geography

    name = f"saylau_bench_tmpl_{uuid.uuid4().hex[:8]}"
    pg_admin(f'CREATE DATABASE "{name}"')
    app = Saylau.open(pg_url(name))
    load_geography(app, geo)
    contest = create_referendum_in(app)
    app.engine.dispose()
    return name, contest


@contextmanager
def pg_copy(template: str) -> Iterator[str]:
    """A fresh database copied from `template`; dropped afterwards. Yields its URL."""
    name = f"saylau_bench_{uuid.uuid4().hex[:8]}"
    pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield pg_url(name)
    finally:
        pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_drop(name: str) -> None:
    pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- stores filled with one protocol per station (kept between runs of the benchmarks) -------


def filled_sqlite(stations: int, seed: int) -> tuple[Path, str, Geography]:
    """A SQLite store with the synthetic country, a referendum and one protocol per station
    (imported through the bulk import). Built once per (stations, seed) under WORK and reused;
    delete WORK to rebuild. Returns (path, contest id, geography)."""
    from saylau.domain.access import Principal, Role
    from saylau.services.bulk import import_protocols
    from saylau.services.context import Saylau

    geo = synthetic_country(stations, seed)
    path = WORK / f"filled-{stations}-{seed}.db"
    done = Path(f"{path}.done")
    if path.exists() and done.exists():
        return path, done.read_text().strip(), geo
    done.unlink(missing_ok=True)
    contest = sqlite_template(path, geo)
    ids, counts = synthetic_counts(geo, contest, seed)
    app = Saylau(_engine(f"sqlite:///{path}"), _geo=geo)
    import_protocols(app, Principal(ActorId("bench"), Role.ADMIN), contest.id,
                     protocols_csv(ids, counts, contest))
    app.engine.dispose()
    checkpoint(path)
    done.write_text(contest.id)
    return path, contest.id, geo


def filled_pg(stations: int, seed: int, geo: Geography) -> tuple[str, str]:
    """The PostgreSQL twin of `filled_sqlite` (database saylau_bench_filled_N_SEED, reused
    when complete). Returns (url, contest id)."""
    import psycopg

    from saylau.domain.access import Principal, Role
    from saylau.services.bulk import import_protocols
    from saylau.services.context import Saylau

    name = f"saylau_bench_filled_{stations}_{seed}"
    marker = WORK / f"{name}.done"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              (name,)).fetchone() is not None
    if exists and marker.exists():
        return pg_url(name), marker.read_text().strip()
    marker.unlink(missing_ok=True)
    pg_drop(name)
    pg_admin(f'CREATE DATABASE "{name}"')
    from saylau.services.geography import load_geography

    app = Saylau.open(pg_url(name))
    load_geography(app, geo)
    contest = create_referendum_in(app)
    ids, counts = synthetic_counts(geo, contest, seed)
    app = Saylau(app.engine, _geo=geo)
    import_protocols(app, Principal(ActorId("bench"), Role.ADMIN), contest.id,
                     protocols_csv(ids, counts, contest))
    app.engine.dispose()
    WORK.mkdir(parents=True, exist_ok=True)
    marker.write_text(contest.id)
    return pg_url(name), contest.id


def _engine(url: str) -> Any:
    from saylau.store import db

    return db.make_engine(url)


# --- a real server --------------------------------------------------------------------------


@contextmanager
def server(url: str, port: int, extra_env: dict[str, str] | None = None,
           workers: int = 1) -> Iterator[str]:
    """`saylau serve` (with `--workers N` when `workers` > 1) in a subprocess on `url`'s
    store; yields its base URL once /healthz answers. Its output goes to
    $SAYLAU_BENCH_SERVER_LOG when set, else nowhere."""
    import subprocess

    import httpx

    env = {**os.environ, "SAYLAU_DATABASE_URL": url, **(extra_env or {})}
    log_path = os.environ.get("SAYLAU_BENCH_SERVER_LOG")
    log: Any = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "saylau.cli.main", "serve", "--host", "127.0.0.1", "--port",
         str(port), *(["--workers", str(workers)] if workers > 1 else [])],
        env=env, stdout=log, stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start (exit code {proc.poll()})")
            time.sleep(0.2)
        yield base
    finally:
        stop(proc)
        if log is not subprocess.DEVNULL:
            log.close()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- closed-loop HTTP clients ---------------------------------------------------------------

W = TypeVar("W")


@dataclass
class ClosedLoop:
    """What `closed_loop` saw: per work item, the latency of its accepted answer (None when
    the answer was not accepted or the connection broke), the wall time of the whole batch,
    and the count of each other outcome."""

    per_item: list[float | None]
    wall: float
    failures: Counter[str]

    @property
    def latencies(self) -> list[float]:
        """The accepted answers' latencies, in the order of the work list."""
        return [x for x in self.per_item if x is not None]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def closed_loop(base: str, work: Sequence[W], clients: int,
                send: Callable[[httpx.Client, W], httpx.Response], *,
                accepted: frozenset[int] = frozenset({201}), show_text: int = 0,
                reconnect: bool = False) -> ClosedLoop:
    """`clients` threads, each with its own keep-alive httpx connection to `base`, each sending
    its share work[k::clients] one request after the other with `send(client, item)`; all start
    together behind a barrier and the wall time runs from the start to the last thread's end.
    An answer whose status is in `accepted` is timed (from just before the request to the
    answer); any other answer is counted as "HTTP <status>" (followed by the first `show_text`
    characters of its body when `show_text` > 0) and a broken connection as "connection error
    (<exception>)", never hidden. With `reconnect` the client opens a new connection after a
    broken one, else it goes on with the same client. No retries: every item is sent once."""
    import httpx

    got: list[float | None] = [None] * len(work)
    failures: Counter[str] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def client(k: int) -> None:
        cl = httpx.Client(base_url=base, timeout=120)
        start.wait()
        for i in range(k, len(work), clients):
            t0 = time.perf_counter()
            try:
                r = send(cl, work[i])
            except httpx.HTTPError as exc:
                with lock:
                    failures[f"connection error ({type(exc).__name__})"] += 1
                if reconnect:
                    cl.close()
                    cl = httpx.Client(base_url=base, timeout=120)
                continue
            if r.status_code in accepted:
                got[i] = time.perf_counter() - t0
            else:
                what = f"HTTP {r.status_code}"
                if show_text > 0:
                    what += f": {r.text[:show_text]}"
                with lock:
                    failures[what] += 1
        cl.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for th in threads:
        th.start()
    start.wait()
    t0 = time.perf_counter()
    for th in threads:
        th.join()
    return ClosedLoop(got, time.perf_counter() - t0, failures)


def stop(proc: Any) -> None:
    """SIGTERM to a benchmark's server or publisher (a subprocess.Popen); SIGKILL if it is not
    gone in 20 s."""
    import subprocess

    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
