"""Submitting one protocol over the API: latency and throughput, 1 and 8 concurrent clients.

    python benchmarks/bench_api_submit.py [--stations 100000] [--submissions 2000]
        [--clients 1 8] [--no-postgres]

`saylau serve` (uvicorn, one process, as shipped) runs in a subprocess on a fresh copy of a
store holding a synthetic Kazakhstan and a referendum. Each submission is one station's first
protocol, `POST /api/contests/C/protocols` with the station's own precinct-commission bearer
token (created in one batch before the server starts): authenticated, scope-checked, every
protocol check, stored durably (SQLite: WAL, synchronous=FULL; PostgreSQL: fsync and
synchronous_commit on, as the server is configured) before the 201 answer. Each client is a
thread with its own keep-alive connection, sending one request after the other; the
stations are dealt round-robin. Throughput = accepted submissions / wall time of the whole
batch; any answer other than 201 (or a broken connection) is counted and shown, never hidden.
After a warm-up of 20 submissions (not counted).

Baseline, in the same run and on the same database: one plain INSERT of the same stored row
per transaction with the driver (sqlite3 with saylau's pragmas / psycopg), one client: the
floor that durability alone costs.
"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

import _common as c

from saylau.domain.contests import Contest
from saylau.domain.geography import Geography
from saylau.services.context import Saylau
from saylau.services.tokens import create_tokens
from saylau.store import db
from saylau.store.repository import PROTOCOL_ROW_COLUMNS

WARMUP = 20


def bodies(geo: Geography, contest: Contest, n: int, seed: int) -> list[dict[str, Any]]:
    stations, counts = c.synthetic_counts(geo, contest, seed)
    fields = ["registered", "ballots_received", "ballots_issued", "ballots_cancelled",
              "ballots_in_boxes", "invalid", "both_marked"]
    out = []
    step = max(1, len(stations) // n)
    for k in range(0, len(stations), step)[:n]:
        row = counts[k].tolist()
        body: dict[str, Any] = {"station": stations[k], **dict(zip(fields, row[:7], strict=True))}
        body["votes"] = dict(zip(contest.option_ids, row[7:], strict=True))
        out.append(body)
    return out


def run_clients(base: str, contest: str, work: list[tuple[str, dict[str, Any]]],
                clients: int) -> tuple[list[float], float, Counter[str]]:
    """(latencies of the accepted submissions, wall seconds, count of each other outcome).
    An answer other than 201, or a broken connection, is counted (and the client goes on
    with a new connection), never hidden."""
    run = c.closed_loop(
        base, work, clients,
        lambda cl, w: cl.post(f"/api/contests/{contest}/protocols", json=w[1],
                              headers=c.bearer(w[0])),
        reconnect=True)
    return run.latencies, run.wall, run.failures


def baseline(url: str, rows: list[tuple[Any, ...]]) -> tuple[list[float], float]:
    cols = ", ".join(PROTOCOL_ROW_COLUMNS)
    lat = []
    if url.startswith("sqlite"):
        con = c.sqlite_connect_like_saylau(Path(url.removeprefix("sqlite:///")))
        sql = f"INSERT INTO protocol_versions ({cols}) VALUES ({', '.join('?' * len(rows[0]))})"
        t_all = time.perf_counter()
        for row in rows:
            t0 = time.perf_counter()
            con.execute("BEGIN IMMEDIATE")
            con.execute(sql, row)
            con.execute("COMMIT")
            lat.append(time.perf_counter() - t0)
        wall = time.perf_counter() - t_all
        con.close()
        return lat, wall
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        sql = f"INSERT INTO protocol_versions ({cols}) VALUES ({', '.join(['%s'] * len(rows[0]))})"
        t_all = time.perf_counter()
        for row in rows:
            t0 = time.perf_counter()
            conn.execute(sql, row)
            conn.commit()
            lat.append(time.perf_counter() - t0)
        wall = time.perf_counter() - t_all
    return lat, wall


def stored_rows(url: str, n: int) -> list[tuple[Any, ...]]:
    from sqlalchemy import text

    engine = db.make_engine(url)
    cols = ", ".join(PROTOCOL_ROW_COLUMNS)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(
            text(f"SELECT {cols} FROM protocol_versions ORDER BY seq LIMIT {int(n)}"))]
    engine.dispose()
    return rows


def one_config(url: str, geo: Geography, contest: Contest, work_bodies: list[dict[str, Any]],
               clients: int) -> tuple[list[float], float, Counter[str]]:
    app = Saylau(db.make_engine(url), _geo=geo)
    tokens = create_tokens(app, [(f"precinct {b['station']}", "precinct", b["station"])
                                 for b in work_bodies])
    app.engine.dispose()
    work = list(zip(tokens, work_bodies, strict=True))
    with c.server(url, c.free_port()) as base:
        run_clients(base, contest.id, work[:WARMUP], 1)
        return run_clients(base, contest.id, work[WARMUP:], clients)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stations", type=int, default=100_000)
    ap.add_argument("--submissions", type=int, default=2_000)
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 8])
    ap.add_argument("--seed", type=int, default=2022)
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    work_dir = c.WORK / "submit"
    work_dir.mkdir(parents=True, exist_ok=True)
    # one central key for the template, its copies and the server (a copied SQLite file names
    # the key its elections were created with, but the key file beside the template is not
    # copied; a PostgreSQL store would otherwise look for ./saylau-central.pem)
    os.environ["SAYLAU_CENTRAL_KEY"] = str(work_dir / "central.pem")
    geo = c.synthetic_country(args.stations, args.seed)
    template = work_dir / "template.db"
    contest = c.sqlite_template(template, geo)
    all_bodies = bodies(geo, contest, args.submissions + WARMUP, args.seed)

    results: dict[str, dict[Any, tuple[list[float], float, Counter[str]]]] = {}
    last_url = ""
    # SQLite
    res: dict[Any, tuple[list[float], float, Counter[str]]] = {}
    for k in args.clients:
        run_db = c.sqlite_copy(template, work_dir / f"run-{k}.db")
        res[k] = one_config(f"sqlite:///{run_db}", geo, contest, all_bodies, k)
        last_url = f"sqlite:///{run_db}"
        print(f"  SQLite, {k} client(s): median {c.median(res[k][0]) * 1000:.1f} ms, "
              f"{len(res[k][0]) / res[k][1]:.0f}/s, failed {dict(res[k][2])}", flush=True)
    rows = stored_rows(last_url, args.submissions)
    base_db = c.sqlite_copy(template, work_dir / "base.db")
    res["baseline"] = (*baseline(f"sqlite:///{base_db}", rows), Counter())
    results["SQLite"] = res
    for p in work_dir.glob("*.db*"):
        p.unlink()
    # PostgreSQL
    if not args.no_postgres and c.pg_version() is not None:
        tmpl, pg_contest = c.pg_template(geo)
        try:
            res = {}
            for k in args.clients:
                with c.pg_copy(tmpl) as url:
                    res[k] = one_config(url, geo, pg_contest, all_bodies, k)
                print(f"  PostgreSQL, {k} client(s): median {c.median(res[k][0]) * 1000:.1f} "
                      f"ms, {len(res[k][0]) / res[k][1]:.0f}/s, failed {dict(res[k][2])}",
                      flush=True)
            with c.pg_copy(tmpl) as url:
                res["baseline"] = (*baseline(url, rows), Counter())
            results["PostgreSQL"] = res
        finally:
            c.pg_drop(tmpl)

    lines = [
        c.header("Submitting one protocol over the API", 1),
        f"- store: synthetic Kazakhstan of {args.stations:,} stations and a referendum; "
        f"{args.submissions:,} submissions per row of the table (each a station's first "
        f"protocol, its precinct commission's token), after {WARMUP} warm-up submissions",
        "- server: `saylau serve` (uvicorn, one process) in a subprocess; clients: threads with "
        "one keep-alive httpx connection each",
        "- baseline: one plain INSERT of the same row per transaction with the driver, one "
        "client, same database and durability settings",
        "",
        "| database | clients | accepted (201) | failed | median latency | p99 latency | "
        "throughput (accepted/s) | baseline median (throughput) | ratio of medians |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, res in results.items():
        b_lat, b_wall, _ = res["baseline"]
        for k in args.clients:
            lat, wall, failed = res[k]
            shown = ", ".join(f"{n} {what}" for what, n in failed.items()) or "0"
            lines.append(
                f"| {name} | {k} | {len(lat):,} | {shown} | {c.median(lat) * 1000:.1f} ms | "
                f"{c.percentile(lat, 99) * 1000:.1f} ms | {len(lat) / wall:.0f} /s | "
                f"{c.median(b_lat) * 1000:.2f} ms ({len(b_lat) / b_wall:.0f} /s) | "
                f"{c.median(lat) / c.median(b_lat):.1f}x |")
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        c.write_section("api-submit", text)


if __name__ == "__main__":
    main()
