"""Tally of every unit at 1,000,000 stations, and the results of one unit from the API.

    python benchmarks/bench_tally_results.py [--stations 1000000] [--runs 7] [--requests 200]
        [--cold-starts 2] [--no-postgres]

A store with the synthetic Kazakhstan, a referendum and one protocol per station (built once
through the bulk import and kept under $SAYLAU_BENCH_DIR, see _common.filled_sqlite) is read:

1. domain tally: `saylau.domain.tally.tally` (every unit's totals summed up the tree) over the
   full station table; baseline in the same run: one numpy column sum of the same table (the
   national total alone).
2. service refresh from the store, cold (a fresh results cache: every protocol read from the
   database into the station table, then tallied), and after one new protocol (incremental);
   baseline: a plain fetch of the same columns of every protocol row with the driver
   (sqlite3 / psycopg), nothing else.
3. the API (`saylau serve` in a subprocess, uvicorn): GET /api/contests/C/results for the root,
   a region, a district and a station, sequential requests on one keep-alive connection,
   after a warm-up; and the cold first request of a freshly started server (geography loaded
   from the store and built, results cache filled), on separate server starts.
Targets: domain tally < 2 s; API results of one unit: median < 20 ms (warm).
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import _common as c
import httpx
import numpy as np
from sqlalchemy import delete

from saylau.domain.access import Principal, Role
from saylau.domain.contests import YES
from saylau.domain.geography import Geography, UnitKind
from saylau.domain.ids import ActorId
from saylau.domain.tally import tally
from saylau.services import results as results_svc
from saylau.services.context import Saylau
from saylau.services.protocols import submit_protocol
from saylau.store import db, snapshots
from saylau.store import tables as t
from saylau.store.repository import current_protocol

FETCH = ("SELECT seq, station_id, registered, ballots_received, ballots_issued, "
         "ballots_cancelled, ballots_in_boxes, invalid, both_marked, votes "
         "FROM protocol_versions WHERE contest_id = {ph}")


def plain_fetch(url: str, contest: str) -> float:
    if url.startswith("sqlite"):
        import sqlite3

        con = sqlite3.connect(url.removeprefix("sqlite:///"))
        t0 = time.perf_counter()
        rows = con.execute(FETCH.format(ph="?"), (contest,)).fetchall()
        dt = time.perf_counter() - t0
        con.close()
    else:
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as con:
            t0 = time.perf_counter()
            rows = con.execute(FETCH.format(ph="%s"), (contest,)).fetchall()
            dt = time.perf_counter() - t0
    assert rows
    return dt


def refresh_cold(url: str, geo: Geography, contest: str, *, snapshot: bool = False
                 ) -> tuple[float, Any]:
    """A fresh results cache brought up to date: from every protocol row (no snapshot of the
    station table is read or written), or with `snapshot` from the stored snapshot (made
    first when there is none) and the rows after it."""
    app = Saylau(db.make_engine(url), _geo=geo)
    every = results_svc.SNAPSHOT_EVERY
    name = snapshots.results_name(contest)
    with app.read() as conn:
        stored = snapshots.read(conn, name)
    aside = None if snapshot else stored  # hidden while this run reads, then put back
    if not snapshot:
        results_svc.SNAPSHOT_EVERY = 10**18
        if stored is not None:
            with app.engine.begin() as conn:
                conn.execute(delete(t.snapshots).where(t.snapshots.c.name == name))
    elif stored is None:
        ensure_snapshots(url, contest)
    try:
        dt, (_tally, cache) = c.timed(lambda: results_svc.refresh(app, contest))
    finally:
        results_svc.SNAPSHOT_EVERY = every
        if aside is not None:
            with app.engine.begin() as conn:
                snapshots.write(conn, name, aside.covers, aside.data)
        app.engine.dispose()
    assert (cache.snapshot_seq > 0) == snapshot
    return float(dt), cache


def ensure_snapshots(url: str, contest: str) -> None:
    """Both snapshots in the store (what a server that ran before leaves behind)."""
    app = Saylau(db.make_engine(url))
    every, results_svc.SNAPSHOT_EVERY = results_svc.SNAPSHOT_EVERY, 1
    try:
        results_svc.refresh(app, contest)  # the geography's, then the station table's
    finally:
        results_svc.SNAPSHOT_EVERY = every
        app.engine.dispose()


def refresh_after_one(url: str, geo: Geography, contest: str, runs: int) -> list[float]:
    """Times of a refresh after one correction, on a warm cache (corrections are undone by
    the next correction: the figures stay valid)."""
    app = Saylau(db.make_engine(url), _geo=geo)
    results_svc.refresh(app, contest)
    station = geo.units[int(geo.station_indices[0])].id
    admin = Principal(ActorId("bench"), Role.ADMIN)
    out = []
    for k in range(runs):
        with app.read() as conn:
            cur = current_protocol(conn, contest, station)
        assert cur is not None
        counts = cur.counts
        # move one ballot between invalid and yes: every check still passes
        votes = dict(counts.votes)
        delta = 1 if k % 2 == 0 else -1
        votes[YES] = votes[YES] - delta
        new = type(counts)(
            registered=counts.registered, ballots_received=counts.ballots_received,
            ballots_issued=counts.ballots_issued, ballots_cancelled=counts.ballots_cancelled,
            ballots_in_boxes=counts.ballots_in_boxes, invalid=counts.invalid + delta,
            both_marked=counts.both_marked, votes=tuple(sorted(votes.items())),
        )
        submit_protocol(app, admin, contest, station, new, correction=True,
                        corrects=cur.version, reason="benchmark")
        dt, _ = c.timed(lambda: results_svc.refresh(app, contest))
        out.append(float(dt))
    app.engine.dispose()
    return out


def sample_units(geo: Geography) -> dict[str, str]:
    region = geo.top_level()[0]
    district = next(u for u in geo.units if u.kind is UnitKind.DISTRICT
                    and geo.top_level_of(u.id) == region)
    station = geo.unit(geo.children[district.id][0])
    return {"root": geo.root.id, "region": region.id, "district": district.id,
            "station": station.id}


def api(url: str, contest: str, units: dict[str, str], requests: int,
        cold_starts: int, kids: dict[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = {"cold": []}
    ensure_snapshots(url, contest)
    for _ in range(cold_starts):
        with c.server(url, c.free_port()) as base:
            t0 = time.perf_counter()
            r = httpx.get(f"{base}/api/contests/{contest}/results", timeout=600)
            out["cold"].append(time.perf_counter() - t0)
            assert r.status_code == 200, r.text
    with c.server(url, c.free_port()) as base, httpx.Client(base_url=base, timeout=600) as cl:
        assert cl.get(f"/api/contests/{contest}/results").status_code == 200
        for name, unit in units.items():
            n = requests if kids[name] < 1000 else max(20, requests // 10)
            for _ in range(5):  # warm-up
                cl.get(f"/api/contests/{contest}/results", params={"unit": unit})
            times, size = [], 0
            for _ in range(n):
                t0 = time.perf_counter()
                r = cl.get(f"/api/contests/{contest}/results", params={"unit": unit})
                times.append(time.perf_counter() - t0)
                assert r.status_code == 200, r.text
                size = len(r.content)
            out[name] = {"times": times, "bytes": size, "n": n}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stations", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--cold-starts", type=int, default=2)
    ap.add_argument("--seed", type=int, default=2022)
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()

    print(f"store with {args.stations:,} stations and protocols ...", flush=True)
    path, contest, geo = c.filled_sqlite(args.stations, args.seed)
    stores = {"SQLite": f"sqlite:///{path}"}
    if not args.no_postgres and c.pg_version() is not None:
        stores["PostgreSQL"] = c.filled_pg(args.stations, args.seed, geo)[0]
    for url in stores.values():  # a store kept from an older run: its schema brought up to date
        engine = db.make_engine(url)
        db.upgrade(engine)
        engine.dispose()
        ensure_snapshots(url, contest)  # of this code's layout (an older one is made again)
    units = sample_units(geo)
    kids = {k: len(geo.children[v]) for k, v in units.items()}

    figures: dict[str, dict[str, Any]] = {}
    table = None
    for name, url in stores.items():
        f: dict[str, Any] = {"refresh": [], "fetch": [], "snap": []}
        for r in range(args.runs):
            dt, cache = refresh_cold(url, geo, contest)
            f["refresh"].append(dt)
            f["fetch"].append(plain_fetch(url, contest))
            f["snap"].append(refresh_cold(url, geo, contest, snapshot=True)[0])
            table = cache.table
            print(f"  {name} run {r + 1}: refresh cold {dt:.2f} s, from the snapshot "
                  f"{f['snap'][-1]:.2f} s, plain fetch {f['fetch'][-1]:.2f} s", flush=True)
        f["incremental"] = refresh_after_one(url, geo, contest, args.runs)
        print(f"  {name}: refresh after one protocol {c.median(f['incremental']):.4f} s")
        f["api"] = api(url, contest, units, args.requests, args.cold_starts, kids)
        print(f"  {name}: API " + ", ".join(
            f"{k} {c.median(v['times']) * 1000:.1f} ms" for k, v in f["api"].items()
            if k != "cold") + f"; cold first {[round(x, 1) for x in f['api']['cold']]} s")
        figures[name] = f
    assert table is not None
    dom, base = [], []
    for _ in range(args.runs):
        dom.append(c.timed(lambda: tally(geo, table))[0])
        base.append(c.timed(lambda: table.data.sum(axis=0))[0])
    stations_total = int(np.asarray(tally(geo, table).totals)[0, 1])
    assert stations_total == len(geo.station_indices)

    d_med, b_med = c.median(dom), c.median(base)
    lines = [
        c.header(f"Tally and results at {len(geo.station_indices):,} stations", args.runs),
        f"- store: synthetic Kazakhstan, seed {args.seed}, {len(geo.units):,} units, one "
        "accepted protocol per station",
        "",
        "| what | median | baseline (same run) | ratio | target |",
        "|---|---|---|---|---|",
        f"| domain tally of every unit (`tally`, {len(geo.units):,} units) | "
        f"{c.seconds(d_med)} | {c.seconds(b_med)} (numpy sum of the station table: the "
        f"national total only) | {d_med / b_med:.1f}x | < 2 s: "
        f"{'met' if d_med < 2 else 'NOT met'} |",
    ]
    for name, f in figures.items():
        rm, fm = c.median(f["refresh"]), c.median(f["fetch"])
        lines.append(
            f"| {name}: service refresh from the store, cold (every protocol read, table "
            f"filled, tallied) | {c.seconds(rm)} | {c.seconds(fm)} (plain driver fetch of the "
            f"same rows) | {rm / fm:.2f}x | (< 2 s is the tally's target: "
            f"{'met' if rm < 2 else 'not met by the cold load'}) |")
        sm = c.median(f["snap"])
        lines.append(
            f"| {name}: service refresh from the store, cold, starting from the station "
            f"table's snapshot (store.snapshots) | {c.seconds(sm)} | {c.seconds(fm)} (plain "
            f"driver fetch of every row) | {sm / fm:.2f}x | |")
        im = c.median(f["incremental"])
        lines.append(
            f"| {name}: service refresh after one new protocol | {c.seconds(im)} | | | "
            f"< 20 ms (issue 16): {'met' if im < 0.02 else 'NOT met'} |")
    lines += [
        "",
        "Results of one unit from the API (`GET /api/contests/C/results?unit=U`, uvicorn "
        "subprocess, one keep-alive client, sequential; warm = after the first request):",
        "",
        "| database | unit (children) | requests | median | p99 | response | target "
        "(median < 20 ms) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, f in figures.items():
        for k in units:
            v = f["api"][k]
            med = c.median(v["times"])
            lines.append(
                f"| {name} | {k} ({kids[k]:,}) | {v['n']} | {med * 1000:.1f} ms | "
                f"{c.percentile(v['times'], 99) * 1000:.1f} ms | {v['bytes'] / 1000:.0f} kB | "
                f"{'met' if med < 0.02 else 'NOT met'} |")
        cm = c.median(f["api"]["cold"])
        lines.append(
            f"| {name} | first request after a server start (geography and station table "
            f"from their snapshots, the rows after them read) | {len(f['api']['cold'])} | "
            f"{c.seconds(cm)} | | | < 2 s (issue 16): {'met' if cm < 2 else 'NOT met'} |")
    lines.append("")
    lines.append("Every run: " + "; ".join(
        f"{name}: refresh " + ", ".join(f"{x:.2f}" for x in f["refresh"]) + " s; from the "
        "snapshot " + ", ".join(f"{x:.2f}" for x in f["snap"]) + " s; first request after "
        "a start " + ", ".join(f"{x:.2f}" for x in f["api"]["cold"]) + " s; fetch "
        + ", ".join(f"{x:.2f}" for x in f["fetch"]) + " s"
        for name, f in figures.items()) + "; domain tally " + ", ".join(
        f"{x * 1000:.0f}" for x in dom) + " ms")
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        c.write_section("tally-results", text)


if __name__ == "__main__":
    main()
