"""Bulk import of protocols from CSV through every check, against a plain insert of the same rows.

    python benchmarks/bench_bulk_import.py [--stations 1000000] [--runs 5] [--no-postgres]

A synthetic Kazakhstan (`generate_kazakhstan`, the given number of stations) is loaded with a
referendum into a template store; each run copies the template, then times
`saylau.services.bulk.import_protocols` on a CSV with one protocol per station (parsing, every
protocol check, hashes, the all-or-nothing insert; the geography is already in the process's
memory, as in a running server: its cold load is timed once, separately). The baseline, in the
same run on another copy of the template: the very rows saylau stored (read back from the
first run), inserted into the same table (same indexes, foreign key and pragmas) with plain
`sqlite3` `executemany` in one transaction, and on PostgreSQL with one plain `COPY ... FROM
STDIN` (psycopg `write_row`). Runs alternate saylau / baseline. Target: saylau / baseline <= 3.
"""

from __future__ import annotations

import argparse
import sys
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


def stored_rows(url: str) -> list[tuple[Any, ...]]:
    from sqlalchemy import text

    engine = db.make_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(
            text(f"SELECT {COLS} FROM protocol_versions ORDER BY seq"))]
    engine.dispose()
    return rows


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


def sqlite_baseline(path: Path, rows: list[tuple[Any, ...]]) -> float:
    con = c.sqlite_connect_like_saylau(path)
    marks = ", ".join("?" * len(PROTOCOL_ROW_COLUMNS))
    sql = f"INSERT INTO protocol_versions ({COLS}) VALUES ({marks})"

    def run() -> None:
        con.execute("BEGIN IMMEDIATE")
        con.executemany(sql, rows)
        con.execute("COMMIT")

    seconds, _ = c.timed(run)
    con.close()
    return float(seconds)


def pg_baseline(url: str, rows: list[tuple[Any, ...]]) -> float:
    import psycopg

    with psycopg.connect(url) as conn:

        def run() -> None:
            with conn.cursor() as cur, cur.copy(
                f"COPY protocol_versions ({COLS}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
            conn.commit()

        seconds, _ = c.timed(run)
    return float(seconds)


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
    rows: list[tuple[Any, ...]] = []
    ours: list[float] = []
    base: list[float] = []
    for r in range(args.runs):
        run_db = c.sqlite_copy(template, work / "run.db")
        ours.append(saylau_run(f"sqlite:///{run_db}", warm_geo, contest.id, data))
        assert count_rows(f"sqlite:///{run_db}") == len(stations)
        if not rows:
            rows = stored_rows(f"sqlite:///{run_db}")
        base_db = c.sqlite_copy(template, work / "base.db")
        base.append(sqlite_baseline(base_db, rows))
        print(f"  sqlite run {r + 1}: saylau {ours[-1]:.2f} s, executemany {base[-1]:.2f} s, "
              f"ratio {ours[-1] / base[-1]:.2f}", flush=True)
    results["SQLite"] = {"ours": ours, "base": base, "cold": cold_s,
                         "baseline": "plain sqlite3 executemany, one transaction"}
    for p in work.glob("*.db*"):
        p.unlink()

    # --- PostgreSQL ---
    if not args.no_postgres and c.pg_version() is not None:
        tmpl, pg_contest = c.pg_template(geo)
        try:
            cold_s, warm_geo = cold_geography(c.pg_url(tmpl))
            print(f"postgresql: cold geography load {cold_s:.2f} s", flush=True)
            ours, base = [], []
            for r in range(args.runs):
                with c.pg_copy(tmpl) as url:
                    ours.append(saylau_run(url, warm_geo, pg_contest.id, data))
                    assert count_rows(url) == len(stations)
                with c.pg_copy(tmpl) as url:
                    base.append(pg_baseline(url, rows))
                print(f"  postgresql run {r + 1}: saylau {ours[-1]:.2f} s, COPY {base[-1]:.2f} s,"
                      f" ratio {ours[-1] / base[-1]:.2f}", flush=True)
            results["PostgreSQL"] = {"ours": ours, "base": base, "cold": cold_s,
                                     "baseline": "plain COPY FROM STDIN (psycopg write_row)"}
        finally:
            c.pg_drop(tmpl)
    elif not args.no_postgres:
        print("postgresql: not reachable, skipped", file=sys.stderr)

    lines = [
        c.header(f"Bulk import of {len(stations):,} protocols from CSV", args.runs),
        f"- input: synthetic Kazakhstan, seed {args.seed}, one protocol per station "
        f"({len(data) / 1e6:.1f} MB of CSV; about 1% of rows carry a warning)",
        "- saylau: `services.bulk.import_protocols` (parse, every protocol check, hashes, "
        "all-or-nothing insert), geography already in memory",
        "- baseline: the same stored rows into the same table of a copy of the same store",
        "",
        "| database | saylau (median) | baseline (median) | ratio of medians | "
        "median of per-run ratios | target | cold geography load (once) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        ratio = c.median(r["ours"]) / c.median(r["base"])
        per_run = c.median([a / b for a, b in zip(r["ours"], r["base"], strict=True)])
        verdict = "met" if ratio <= 3 else "NOT met"
        lines.append(
            f"| {name} | {c.seconds(c.median(r['ours']))} | {c.seconds(c.median(r['base']))} "
            f"({r['baseline']}) | {ratio:.2f}x | {per_run:.2f}x | <= 3x: {verdict} | "
            f"{c.seconds(r['cold'])} |"
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
