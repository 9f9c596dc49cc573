"""Bulk import of protocols from CSV through every check, against a plain insert of the same rows.

    python benchmarks/bench_bulk_import.py [--stations 1000000] [--runs 5] [--no-postgres]

A synthetic Kazakhstan (`generate_kazakhstan`, the given number of stations) is loaded with a
referendum into a template store; each run copies the template, then times
`saylau.services.bulk.import_protocols` on a CSV with one protocol per station (parsing, every
protocol check, hashes, the all-or-nothing insert; the geography is already in the process's
memory, as in a running server: its cold load is timed once, separately). The baseline, in the
same run on another copy of the template: the very rows saylau stored (read back from the
first run: the protocol versions and the log leaves that record them), inserted into the same
tables (same indexes, foreign keys and pragmas) with plain `sqlite3` `executemany` in one
transaction, and on PostgreSQL with plain `COPY ... FROM STDIN` (psycopg `write_row`). Runs
alternate saylau / baseline. Target: saylau / baseline <= 3.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import _common as c

from saylau.domain.access import Principal, Role
from saylau.domain.ids import ActorId
from saylau.services.bulk import import_protocols
from saylau.services.context import Saylau
from saylau.store import db
from saylau.store.repository import PROTOCOL_ROW_COLUMNS

ADMIN = Principal(ActorId("bench"), Role.ADMIN)
COLS = ", ".join(PROTOCOL_ROW_COLUMNS)


LEAF_COLS = "election_id, idx, type, data, leaf_hash"
Rows = list[tuple[Any, ...]]


def stored_rows(url: str) -> tuple[Rows, Rows]:
    """What the import stored: its protocol_versions rows and its log leaves, in order."""
    from sqlalchemy import text

    engine = db.make_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(
            text(f"SELECT {COLS} FROM protocol_versions ORDER BY seq"))]
        leaves = [tuple(r) for r in conn.execute(
            text(f"SELECT {LEAF_COLS} FROM log_leaves WHERE type = 'protocol' ORDER BY idx"))]
    engine.dispose()
    assert len(leaves) == len(rows)
    return rows, leaves


def count_rows(url: str) -> int:
    from sqlalchemy import text

    engine = db.make_engine(url)
    with engine.connect() as conn:
        n = int(conn.execute(text("SELECT count(*) FROM protocol_versions")).scalar_one())
    engine.dispose()
    return n


def saylau_run(url: str, geo: Any, contest_id: str, data: bytes) -> float:
    app = Saylau(db.make_engine(url), _geo=geo)  # the process's geography, already built
    seconds, rep = c.timed(lambda: import_protocols(app, ADMIN, contest_id, data))
    app.engine.dispose()
    assert rep.accepted == rep.rows, rep
    return float(seconds)


def sqlite_baseline(path: Path, rows: Rows, leaves: Rows) -> tuple[float, float]:
    """(seconds for everything, seconds for the protocol rows alone), one transaction."""
    con = c.sqlite_connect_like_saylau(path)
    marks = ", ".join("?" * len(PROTOCOL_ROW_COLUMNS))
    sql = f"INSERT INTO protocol_versions ({COLS}) VALUES ({marks})"
    leaf_sql = f"INSERT INTO log_leaves ({LEAF_COLS}) VALUES (?, ?, ?, ?, ?)"
    t0 = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    con.executemany(sql, rows)
    t1 = time.perf_counter()
    con.executemany(leaf_sql, leaves)
    con.execute("COMMIT")
    t2 = time.perf_counter()
    con.close()
    return t2 - t0, t1 - t0


def pg_baseline(url: str, rows: Rows, leaves: Rows) -> tuple[float, float]:
    import psycopg

    with psycopg.connect(url) as conn:
        t0 = time.perf_counter()
        with conn.cursor() as cur:
            with cur.copy(f"COPY protocol_versions ({COLS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            t1 = time.perf_counter()
            with cur.copy(f"COPY log_leaves ({LEAF_COLS}) FROM STDIN") as copy:
                for leaf in leaves:
                    copy.write_row(leaf)
        conn.commit()
        t2 = time.perf_counter()
    return t2 - t0, t1 - t0


def cold_geography(url: str) -> tuple[float, Any]:
    app = Saylau(db.make_engine(url))
    seconds, geo = c.timed(app.geography)
    app.engine.dispose()
    return float(seconds), geo


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stations", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=2022)
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--no-write", action="store_true", help="print only; leave the docs alone")
    args = ap.parse_args()
    work = c.WORK / "bulk"
    work.mkdir(parents=True, exist_ok=True)

    print(f"generating {args.stations:,} stations ...", flush=True)
    gen_s, geo = c.timed(lambda: c.synthetic_country(args.stations, args.seed))
    template = work / "template.db"
    contest = c.sqlite_template(template, geo)
    stations, counts = c.synthetic_counts(geo, contest, args.seed)
    data = c.protocols_csv(stations, counts, contest)
    print(f"  generated in {gen_s:.1f} s; CSV {len(data) / 1e6:.1f} MB, {len(stations):,} rows")

    results: dict[str, dict[str, Any]] = {}
    # --- SQLite ---
    cold_s, warm_geo = cold_geography(f"sqlite:///{template}")
    print(f"sqlite: cold geography load {cold_s:.2f} s", flush=True)
    rows: Rows = []
    leaves: Rows = []
    ours: list[float] = []
    base: list[float] = []
    base_rows: list[float] = []
    for r in range(args.runs):
        run_db = c.sqlite_copy(template, work / "run.db")
        ours.append(saylau_run(f"sqlite:///{run_db}", warm_geo, contest.id, data))
        assert count_rows(f"sqlite:///{run_db}") == len(stations)
        if not rows:
            rows, leaves = stored_rows(f"sqlite:///{run_db}")
        base_db = c.sqlite_copy(template, work / "base.db")
        both, alone = sqlite_baseline(base_db, rows, leaves)
        base.append(both)
        base_rows.append(alone)
        print(f"  sqlite run {r + 1}: saylau {ours[-1]:.2f} s, executemany {base[-1]:.2f} s "
              f"(protocol rows alone {alone:.2f} s), ratio {ours[-1] / base[-1]:.2f}",
              flush=True)
    results["SQLite"] = {"ours": ours, "base": base, "rows_only": base_rows, "cold": cold_s,
                         "baseline": "plain sqlite3 executemany, one transaction"}
    for p in work.glob("*.db*"):
        p.unlink()

    # --- PostgreSQL ---
    if not args.no_postgres and c.pg_version() is not None:
        tmpl, pg_contest = c.pg_template(geo)
        try:
            cold_s, warm_geo = cold_geography(c.pg_url(tmpl))
            print(f"postgresql: cold geography load {cold_s:.2f} s", flush=True)
            ours, base, base_rows = [], [], []
            for r in range(args.runs):
                with c.pg_copy(tmpl) as url:
                    ours.append(saylau_run(url, warm_geo, pg_contest.id, data))
                    assert count_rows(url) == len(stations)
                with c.pg_copy(tmpl) as url:
                    both, alone = pg_baseline(url, rows, leaves)
                    base.append(both)
                    base_rows.append(alone)
                print(f"  postgresql run {r + 1}: saylau {ours[-1]:.2f} s, COPY {base[-1]:.2f} s "
                      f"(protocol rows alone {alone:.2f} s), ratio {ours[-1] / base[-1]:.2f}",
                      flush=True)
            results["PostgreSQL"] = {"ours": ours, "base": base, "rows_only": base_rows,
                                     "cold": cold_s,
                                     "baseline": "plain COPY FROM STDIN (psycopg write_row)"}
        finally:
            c.pg_drop(tmpl)
    elif not args.no_postgres:
        print("postgresql: not reachable, skipped", file=sys.stderr)

    lines = [
        c.header(f"Bulk import of {len(stations):,} protocols from CSV", args.runs),
        f"- input: synthetic Kazakhstan, seed {args.seed}, one protocol per station "
        f"({len(data) / 1e6:.1f} MB of CSV; about 1% of rows carry a warning)",
        "- saylau: `services.bulk.import_protocols` (parse, every protocol check, hashes, the "
        "log leaves of the record, all-or-nothing insert), geography already in memory",
        "- baseline: every row the import stored (its protocol_versions rows and the log leaves "
        "that record them, docs/record.md), read back from the first run and inserted into the "
        "same tables of another copy of the same store, in one transaction; the protocol rows "
        "alone are timed too (the first part of the same transaction)",
        "",
        "| database | saylau (median) | baseline: all stored rows (median) | ratio of medians | "
        "median of per-run ratios | target | protocol rows alone (median; ratio) | cold "
        "geography load (once) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        ratio = c.median(r["ours"]) / c.median(r["base"])
        per_run = c.median([a / b for a, b in zip(r["ours"], r["base"], strict=True)])
        verdict = "met" if ratio <= 3 else "NOT met"
        alone = c.median(r["rows_only"])
        lines.append(
            f"| {name} | {c.seconds(c.median(r['ours']))} | {c.seconds(c.median(r['base']))} "
            f"({r['baseline']}) | {ratio:.2f}x | {per_run:.2f}x | <= 3x: {verdict} | "
            f"{c.seconds(alone)}; {c.median(r['ours']) / alone:.2f}x | {c.seconds(r['cold'])} |"
        )
    lines.append("")
    lines.append("Every run (seconds, saylau / baseline): " + "; ".join(
        f"{name}: " + ", ".join(f"{a:.2f}/{b:.2f}" for a, b in zip(r["ours"], r["base"],
                                                                    strict=True))
        for name, r in results.items()))
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        c.write_section("bulk-import", text)


if __name__ == "__main__":
    main()
