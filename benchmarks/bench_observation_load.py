"""Observation (issue 12) at full size: everything observers send over the API beside plain
protocol submission in the same run, and the comparison report at 1,000,000 stations read from
the store.

    python benchmarks/bench_observation_load.py [--stations 10000] [--incidents 5000]
        [--clients 8] [--report-stations 1000000] [--parts api,report]

1. **The full API load** (`saylau serve`, one process, SQLite on a fresh copy, 8 clients):
   N stations, 3 domestic missions with one observer each per station (3N observers,
   accredited and deployed, each with their own token). First the baseline: every station's
   protocol (`POST /api/contests/C/protocols`, precinct tokens). Then the observers' load,
   shuffled with a fixed seed: each observer's opening, voting and counting checklists
   (`POST .../observation/reports`, the default forms, the voting form's rule checked) and
   their copy of the protocol (`POST /api/contests/C/observation/copies`; at every 10th station
   one copy has 5 votes moved), 4 x 3N submissions, plus the incidents (category, severity,
   text), spread over the observers. Throughput and p50/p99 for each, overall and per kind.
   The missions, observers, statuses, deployments and tokens are set up with the store's
   repository and the bulk token issue (set-up, not measured); every submission is a real
   request doing everything the service does (token, accreditation and deployment checks, the
   form's checks, the log's leaf and a signed tree head per commit). Any answer but 201 is
   counted and shown.
2. **The comparison report at M stations from the store** (SQLite): the synthetic country, a
   referendum, one official protocol per station (bulk import, `_common.filled_sqlite`), and
   3 observers' copies per station written in bulk (executemany, without log leaves: the read
   path is measured). Timed: `services.observation.compare.comparison_report` for the whole
   contest (every station's status and differences), and the peak memory of the process.

Results are kept in WORK/observation-load.json part by part, so a part can be rerun alone.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import time
from collections import Counter
from typing import Any

import _common as c
from bench_observation import MISSIONS, _copies_for

RESULTS = c.WORK / "observation-load.json"
PHASES = ("opening", "voting", "counting", "copy")


def _answers(form: str, k: int, registered: int) -> dict[str, Any]:
    if form == "opening":
        return {"opened_on_time": k % 17 != 0, "boxes_sealed": True, "observers_admitted": True}
    if form == "voting":
        return {"registered": registered, "ballots_issued": registered // 3,
                "secrecy_ok": k % 23 != 0, "queue": 1 + k % 3}
    return {"count_public": True, "protocol_posted": k % 11 != 0, "copy_given": True}


def _setup(app: Any, election: str, stations: list[str]) -> dict[str, str]:
    """3 observers per station (one of each mission), accredited and deployed; returns
    badge -> token. Through the store's repository in one transaction, the tokens in bulk."""
    from saylau.domain.observation.missions import Status, badge_number
    from saylau.services.observation.identity import observer_token_name
    from saylau.services.tokens import create_tokens
    from saylau.store import observation as obs_store
    from saylau.store.observation import DEPLOY, ObserverRow

    badges: list[str] = []
    at = "2022-05-20T09:00:00Z"
    with app.write() as conn:
        for k, s in enumerate(stations):
            for code, _ in MISSIONS:
                b = badge_number(code, k + 1)
                obs_store.insert_observer(conn, election, ObserverRow(b, code, k + 1,
                                                                      f"Observer {b}", None),
                                          "bench", at)
                obs_store.insert_status(conn, election, b, Status.APPLIED, None, "bench", at)
                obs_store.insert_status(conn, election, b, Status.ACCREDITED, None, "bench",
                                        at)
                obs_store.insert_deployment(conn, election, b, s, DEPLOY, "bench", at)
                badges.append(b)
    tokens = create_tokens(app, [(observer_token_name(election, b), "observer", None)
                                 for b in badges], by="bench")
    return dict(zip(badges, tokens, strict=True))


def api_load(stations: int, incidents: int, seed: int, clients: int) -> dict[str, Any]:
    from saylau.domain.observation.missions import badge_number
    from saylau.services.context import Saylau
    from saylau.services.observation import missions
    from saylau.services.tokens import create_tokens

    geo = c.synthetic_country(stations, seed)
    template = c.WORK / f"observation-load-template-{stations}-{seed}.db"
    contest = c.sqlite_template(template, geo)
    dest = c.sqlite_copy(template, c.WORK / f"observation-load-{stations}.db")
    url = f"sqlite:///{dest}"
    ids, counts = c.synthetic_counts(geo, contest, seed)
    app = Saylau(c._engine(url), _geo=geo)
    t0 = time.perf_counter()
    for code, org in MISSIONS:
        missions.create_mission(app, "bench", code, code, org, by="bench")
    tokens = _setup(app, "bench", ids)
    precinct = create_tokens(app, [(f"pec-{s}", "precinct", s) for s in ids], by="bench")
    setup = time.perf_counter() - t0
    fields = ["registered", "ballots_received", "ballots_issued", "ballots_cancelled",
              "ballots_in_boxes", "invalid", "both_marked"]
    obs = "/api/elections/bench/observation/reports"
    copies_url = f"/api/contests/{contest.id}/observation/copies"
    protocols: list[tuple[str, str, str, dict[str, Any]]] = []
    load: list[tuple[str, str, str, dict[str, Any]]] = []
    observers: list[tuple[str, str]] = []
    for k, (s, row) in enumerate(zip(ids, counts.tolist(), strict=True)):
        body: dict[str, Any] = {"station": s, **dict(zip(fields, row[:7], strict=True))}
        body["votes"] = dict(zip(contest.option_ids, row[7:], strict=True))
        protocols.append(("protocol", f"/api/contests/{contest.id}/protocols", precinct[k],
                          body))
        figs = {f: body[f] for f in fields}
        figs.update({f"votes.{o}": v for o, v in body["votes"].items()})
        for j, f in enumerate(_copies_for(figs, k)):
            b = badge_number(MISSIONS[j][0], k + 1)
            observers.append((b, s))
            for form in PHASES[:3]:
                load.append((form, obs, tokens[b], {
                    "station": s, "form": form,
                    "answers": _answers(form, k + j, int(body["registered"]))}))
            load.append(("copy", copies_url, tokens[b], {"station": s, "figures": f}))
    rng = random.Random(seed)
    for i in range(incidents):
        b, s = observers[rng.randrange(len(observers))]
        load.append(("incident", obs, tokens[b], {
            "station": s, "form": "incident", "ref": f"inc-{i}",
            "answers": {"category": 1 + i % 6, "severity": 1 + i % 3,
                        "description": f"incident {i}: seen at the station"}}))
    rng.shuffle(load)
    app.engine.dispose()
    out: dict[str, Any] = {"stations": stations, "observer_count": len(observers),
                           "incidents": incidents, "clients": clients, "setup": setup}
    with c.server(url, c.free_port()) as base:
        for name, work in (("protocols", protocols), ("observers", load)):
            lat, wall, failures, by_kind = _run(base, work, clients)
            out[name] = {"n": len(work), "accepted": len(lat), "wall": wall,
                         "per_s": len(lat) / wall if wall else 0.0,
                         "p50": c.percentile(lat, 50) if lat else 0.0,
                         "p99": c.percentile(lat, 99) if lat else 0.0,
                         "failures": dict(failures),
                         "kinds": {k: {"n": len(v), "p50": c.percentile(v, 50),
                                       "p99": c.percentile(v, 99)}
                                   for k, v in sorted(by_kind.items()) if v}}
            print(name, {k: v for k, v in out[name].items() if k != "kinds"}, flush=True)
    return out


def _run(base: str, work: list[tuple[str, str, str, dict[str, Any]]], clients: int
         ) -> tuple[list[float], float, Counter[str], dict[str, list[float]]]:
    """`clients` threads, each with its own keep-alive connection, sending work[k::clients]
    (`_common.closed_loop`, as bench_observation does); the latencies of the 201s, also by
    kind."""
    run = c.closed_loop(base, work, clients,
                        lambda cl, w: cl.post(w[1], json=w[3], headers=c.bearer(w[2])),
                        show_text=80)
    by_kind: dict[str, list[float]] = {}
    for (kind, *_), x in zip(work, run.per_item, strict=True):
        if x is not None:
            by_kind.setdefault(kind, []).append(x)
    return run.latencies, run.wall, run.failures, by_kind


def report_from_store(stations: int, seed: int) -> dict[str, Any]:
    from saylau.services.context import Saylau
    from saylau.services.observation import compare as svc

    path, contest, geo = c.filled_sqlite(stations, seed)
    dest = c.sqlite_copy(path, c.WORK / f"observation-report-store-{stations}.db")
    app = Saylau(c._engine(f"sqlite:///{dest}"), _geo=geo)
    official = svc.official_figures(app, contest)
    app.engine.dispose()
    t0 = time.perf_counter()
    db = sqlite3.connect(dest)
    db.execute("PRAGMA journal_mode=WAL")
    rows = ((("bench", contest, s, f"{MISSIONS[j][0]}-{k + 1:04d}", 1, json.dumps(f),
              f"{k:060d}{j:04d}", None, None, "bench", "x", -1))
            for k, (s, figs) in enumerate(sorted(official.items()))
            for j, f in enumerate(_copies_for(figs, k)))
    with db:
        db.executemany(
            "INSERT INTO obs_copies (election_id, contest_id, station_id, badge, version, "
            "figures, content_hash, photo_hash, reason, submitted_by, submitted_at, leaf_idx) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    n = db.execute("SELECT count(*) FROM obs_copies").fetchone()[0]
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    fill = time.perf_counter() - t0
    del official
    app = Saylau(c._engine(f"sqlite:///{dest}"), _geo=geo)
    runs = []
    rep: dict[str, Any] = {}
    for _ in range(2):
        dt, rep = c.timed(lambda: svc.comparison_report(app, contest))
        runs.append(dt)
        rep = {"summary": rep["summary"], "stations": len(rep["stations"])}
    app.engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024  # KiB -> GiB
    return {"stations": stations, "copies": n, "fill": fill, "runs": runs,
            "median": c.median(runs), "summary": rep["summary"],
            "listed": rep["stations"], "peak_gib": peak}


def _markdown(res: dict[str, Any]) -> str:
    md = c.header("Observation at full size: every observer submission over the API, and the "
                  "report at 1,000,000 stations from the store", 1)
    api = res.get("api")
    if api:
        md += (f"\n### The full API load: {api['stations']:,} stations x 3 observers x 4 "
               f"forms + {api['incidents']:,} incidents, {api['clients']} clients "
               f"(SQLite, one server process)\n\n"
               f"Measured {api['at']}; set-up of {api['observer_count']:,} accredited and "
               f"deployed observers with their tokens {c.seconds(api['setup'])} (not in the "
               "figures).\n\n"
               "| submissions | n | accepted / s | p50 | p99 | other answers |\n"
               "| --- | ---: | ---: | ---: | ---: | --- |\n")
        for name, label in (("protocols", "baseline: plain protocols"),
                            ("observers", "observers' checklists, copies and incidents")):
            x = api[name]
            md += (f"| {label} | {x['n']:,} | {x['per_s']:.1f} | {c.seconds(x['p50'])} | "
                   f"{c.seconds(x['p99'])} | {x['failures'] or 'none'} |\n")
        p, o = api["protocols"], api["observers"]
        md += (f"\nThe observers' submissions ran at {o['per_s'] / p['per_s']:.2f}x the "
               f"baseline's throughput, p50 {o['p50'] / p['p50']:.2f}x and p99 "
               f"{o['p99'] / p['p99']:.2f}x its latency; the whole observers' load took "
               f"{o['wall'] / 60:.1f} min.\n\n| kind | n | p50 | p99 |\n| --- | ---: | ---: | "
               "---: |\n")
        for k, v in o["kinds"].items():
            md += f"| {k} | {v['n']:,} | {c.seconds(v['p50'])} | {c.seconds(v['p99'])} |\n"
    rep = res.get("report")
    if rep:
        md += (f"\n### The comparison report from the store at {rep['stations']:,} stations\n\n"
               f"Measured {rep['at']}. {rep['copies']:,} copies written in bulk in "
               f"{c.seconds(rep['fill'])} (set-up). `comparison_report` over the whole "
               f"contest: {' and '.join(c.seconds(x) for x in rep['runs'])} (2 runs, median "
               f"{c.seconds(rep['median'])}); {rep['listed']:,} stations listed, statuses "
               f"{', '.join(f'{k} {v:,}' for k, v in rep['summary'].items())}; peak memory "
               f"of the process {rep['peak_gib']:.1f} GiB.\n")
    md += ("\nWhy the observers' load is slower: the baseline's protocols are group-committed "
           "(issue 16: one log turn, one signed tree head and one COMMIT per batch), while each "
           "observer submission is still its own write transaction with its own leaf and "
           "signed head, so on one SQLite writer they queue (p99 near 1 s) and throughput is "
           "about half. The report at 1,000,000 stations has no target in issue 12 (measured "
           "only); it reads every current copy and official protocol into memory, and the "
           "target at 10,000 stations (under 1 s) is the previous section's. The statuses are "
           "the generator's: at every 10th station one of three copies has 5 votes moved, so "
           "the observers disagree (conflict).\n")
    md += ("\nThe machine was shared with other helpers' work throughout (the load averages "
           "above): these are figures under load, not the machine's best.\n")
    return md


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stations", type=int, default=10_000)
    ap.add_argument("--incidents", type=int, default=5_000)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--report-stations", type=int, default=1_000_000)
    ap.add_argument("--parts", default="api,report")
    ap.add_argument("--seed", type=int, default=2022)
    args = ap.parse_args()
    os.environ["SAYLAU_CENTRAL_KEY"] = str(c.WORK / "observation-central.pem")
    res: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    now = lambda: time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())  # noqa: E731
    parts = set(args.parts.split(","))
    if "api" in parts:
        res["api"] = {**api_load(args.stations, args.incidents, args.seed, args.clients),
                      "at": f"{now()}, load {c.load()}"}
        RESULTS.write_text(json.dumps(res))
    if "report" in parts:
        res["report"] = {**report_from_store(args.report_stations, args.seed),
                         "at": f"{now()}, load {c.load()}"}
        print("report", res["report"], flush=True)
        RESULTS.write_text(json.dumps(res))
    c.write_section("observation-load", _markdown(res))


if __name__ == "__main__":
    main()
