"""The real Russian vote of 1 July 2020 (96,765 stations) as a benchmark input: import + tally.

    python benchmarks/bench_russia_2020.py [--runs 3] [--no-postgres]

Input: ../shared/data/forensics/russia/ru2020_constitutional_vote.csv (skipped, saying so, when
absent). Each run, on a fresh store: the mapping (`russia2020.map_file`: parse, geography,
every protocol check), then the three steps of `services.imports.load_russia_2020` timed one
by one (the geography stored, the election created, the protocols imported through
`services.bulk.import_protocols`), then, in a fresh process context on that store, the cold
geography load, the cold results refresh (every protocol read and tallied) and the domain
tally alone. Baseline in the same run: what the protocols import stored (its protocol rows and
the log leaves recording them) inserted with plain `executemany` (SQLite) / `COPY`
(PostgreSQL) into another fresh store with the same geography and election; the protocol rows
alone are timed too (the first part of the same transaction).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

import _common as c

from saylau.domain.access import Principal, Role
from saylau.domain.tally import tally
from saylau.importers import russia2020 as ru
from saylau.services import results as results_svc
from saylau.services.bulk import import_protocols
from saylau.services.context import Saylau
from saylau.services.elections import create_referendum
from saylau.services.geography import load_geography
from saylau.store import db
from saylau.store.repository import PROTOCOL_ROW_COLUMNS

FILE = c.SHARED / "data" / "forensics" / "russia" / "ru2020_constitutional_vote.csv"
COLS = ", ".join(PROTOCOL_ROW_COLUMNS)


def one_run(url: str, data: bytes) -> dict[str, float]:
    f: dict[str, float] = {}
    f["map"], m = c.timed(lambda: ru.map_file(data))
    app = Saylau.open(url)
    f["geography"], _ = c.timed(lambda: load_geography(app, m.geography))
    f["election"], (_e, contest) = c.timed(lambda: create_referendum(
        app, election_id=ru.ELECTION_ID, name=ru.ELECTION_NAMES, ruleset_name=ru.RULESET,
        date=ru.ELECTION_DATE, question=ru.QUESTION, constitutional=False, by=ru.IMPORTER))
    csv_bytes = m.protocols_csv()
    f["protocols"], rep = c.timed(lambda: import_protocols(
        app, Principal(ru.IMPORTER, Role.ADMIN), contest.id, csv_bytes))
    assert rep.accepted == len(m.accepted) == 96_765
    app.engine.dispose()
    fresh = Saylau(db.make_engine(url))
    f["geography_cold"], geo = c.timed(fresh.geography)
    f["refresh_cold"], (t, _cache) = c.timed(lambda: results_svc.refresh(fresh, contest.id))
    assert t.result(geo.root.id).registered == 107_999_611
    f["tally"], _ = c.timed(lambda: tally(geo, _cache.table))
    fresh.engine.dispose()
    return f


LEAF_COLS = "election_id, idx, type, data, leaf_hash"
Rows = list[tuple[Any, ...]]


def stored_rows(url: str) -> tuple[Rows, Rows]:
    """What the protocols import stored: its protocol rows and the log leaves recording them."""
    from sqlalchemy import text

    engine = db.make_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(
            text(f"SELECT {COLS} FROM protocol_versions ORDER BY seq"))]
        leaves = [tuple(r) for r in conn.execute(
            text(f"SELECT {LEAF_COLS} FROM log_leaves WHERE type = 'protocol' ORDER BY idx"))]
    engine.dispose()
    assert len(rows) == len(leaves)
    return rows, leaves


def baseline(url: str, data: bytes, rows: Rows, leaves: Rows) -> tuple[float, float]:
    """(all stored rows, the protocol rows alone), plain driver inserts in one transaction,
    into a fresh store holding the same geography and election."""
    m = ru.map_file(data)
    app = Saylau.open(url)
    load_geography(app, m.geography)
    create_referendum(app, election_id=ru.ELECTION_ID, name=ru.ELECTION_NAMES,
                      ruleset_name=ru.RULESET, date=ru.ELECTION_DATE, question=ru.QUESTION,
                      constitutional=False, by=ru.IMPORTER)
    app.engine.dispose()
    if url.startswith("sqlite"):
        from pathlib import Path

        con = c.sqlite_connect_like_saylau(Path(url.removeprefix("sqlite:///")))
        sql = f"INSERT INTO protocol_versions ({COLS}) VALUES ({', '.join('?' * len(rows[0]))})"
        t0 = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.executemany(sql, rows)
        t1 = time.perf_counter()
        con.executemany(f"INSERT INTO log_leaves ({LEAF_COLS}) VALUES (?, ?, ?, ?, ?)", leaves)
        con.execute("COMMIT")
        t2 = time.perf_counter()
        con.close()
        return t2 - t0, t1 - t0
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        t0 = time.perf_counter()
        with conn.cursor() as cur:
            with cur.copy(f"COPY protocol_versions ({COLS}) FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(row)
            t1 = time.perf_counter()
            with cur.copy(f"COPY log_leaves ({LEAF_COLS}) FROM STDIN") as cp:
                for leaf in leaves:
                    cp.write_row(leaf)
        conn.commit()
        t2 = time.perf_counter()
    return t2 - t0, t1 - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    if not FILE.exists():
        print(f"skipped: {FILE} is absent (the real data of ../shared)", file=sys.stderr)
        return
    data = FILE.read_bytes()
    work = c.WORK / "russia"
    work.mkdir(parents=True, exist_ok=True)
    figures: dict[str, dict[str, list[float]]] = {}
    dbs = ["SQLite"]
    if not args.no_postgres and c.pg_version() is not None:
        dbs.append("PostgreSQL")
    for name in dbs:
        runs: dict[str, list[float]] = {}
        rows: Rows = []
        leaves: Rows = []
        for r in range(args.runs):
            if name == "SQLite":
                for p in work.glob("*.db*"):
                    p.unlink()
                url, base_url = f"sqlite:///{work / 'run.db'}", f"sqlite:///{work / 'base.db'}"
                f = one_run(url, data)
                if not rows:
                    rows, leaves = stored_rows(url)
                f["baseline"], f["baseline_rows"] = baseline(base_url, data, rows, leaves)
            else:
                with c.pg_copy("template0") as url:
                    f = one_run(url, data)
                    if not rows:
                        rows, leaves = stored_rows(url)
                with c.pg_copy("template0") as base_url:
                    f["baseline"], f["baseline_rows"] = baseline(base_url, data, rows, leaves)
            for k, v in f.items():
                runs.setdefault(k, []).append(v)
            print(f"  {name} run {r + 1}: " + ", ".join(f"{k} {v:.2f} s" for k, v in f.items()),
                  flush=True)
        figures[name] = runs
    for p in work.glob("*.db*"):
        p.unlink()

    lines = [
        c.header("Russia, 1 July 2020: 96,765 real stations, import and tally", args.runs),
        "- input: ../shared/data/forensics/russia/ru2020_constitutional_vote.csv "
        f"({len(data) / 1e6:.1f} MB; 87 regions, 2,770 territorial commissions)",
        "",
        "| database | map the file | store the geography | create the election (logs the "
        "geography in the record) | protocols import (bulk, every check) | baseline: plain "
        "insert of the same stored rows | ratio | protocol rows alone (ratio) | load total | "
        "cold geography load | cold results refresh | domain tally |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, f in figures.items():
        med = {k: c.median(v) for k, v in f.items()}
        total = med["map"] + med["geography"] + med["election"] + med["protocols"]
        lines.append(
            f"| {name} | {c.seconds(med['map'])} | {c.seconds(med['geography'])} | "
            f"{c.seconds(med['election'])} | {c.seconds(med['protocols'])} | "
            f"{c.seconds(med['baseline'])} | "
            f"{med['protocols'] / med['baseline']:.2f}x | {c.seconds(med['baseline_rows'])} "
            f"({med['protocols'] / med['baseline_rows']:.2f}x) | {c.seconds(total)} | "
            f"{c.seconds(med['geography_cold'])} | {c.seconds(med['refresh_cold'])} | "
            f"{c.seconds(med['tally'])} |")
    lines.append("")
    lines.append("Load total = map + geography + election + protocols (what `saylau import "
                 "russia-2020` does). Every run (s): " + "; ".join(
                     f"{name}: " + ", ".join(f"{k} " + "/".join(f"{x:.2f}" for x in v)
                                             for k, v in f.items())
                     for name, f in figures.items()))
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        c.write_section("russia-2020", text)


if __name__ == "__main__":
    main()
