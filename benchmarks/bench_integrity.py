"""Integrity analytics (issue 14): the integer-percentage test and every test on a real file.

    python benchmarks/bench_integrity.py [--runs 3] [--stations 100000] [--draws 1000]

1. The integer-percentage test (Kobak, Shpilkin & Pshenichnikov 2016) with 1,000 Monte Carlo
   draws on 100,000 synthetic stations (seeded: lists of 300-3,000 voters, Beta turnouts and
   shares), whole: inclusion, exact bins, the exact null and the vectorised Monte Carlo.
   Baseline in the same run: the authors' method done straightforwardly with numpy, draw by
   draw (`integer.per_draw_reference`: two binomial draws per station per draw, then the bins).
   Target: under 5 s, and at least 10x the baseline.
2. Every test together (`suite.run_all`: the integer test, the fingerprint fit, the digit and
   distribution tests nationally and per region, the calibration on clean elections) on
   Russia 2011 (../shared/data/forensics/russia/ru2011_duma.csv, 95,225 stations; skipped,
   saying so, when absent), the file's reading timed apart. Target: under 30 s.
"""

from __future__ import annotations

import argparse

import _common as c
import numpy as np

from saylau.domain.integrity import integer as it
from saylau.domain.integrity.figures import StationFigures, figures_of
from saylau.domain.integrity.suite import IntegrityParams, run_all
from saylau.importers.forensics import map_file

FILE = c.SHARED / "data" / "forensics" / "russia" / "ru2011_duma.csv"


def synthetic(n: int, seed: int) -> StationFigures:
    rng = np.random.default_rng(seed)
    reg = rng.integers(300, 3000, n)
    given = rng.binomial(reg, rng.beta(30, 25, n))
    invalid = rng.binomial(given, 0.01)
    valid = given - invalid
    lead = rng.binomial(valid, rng.beta(20, 25, n))
    return figures_of(stations=[f"S{i}" for i in range(n)], registered=reg, given=given,
                      in_boxes=given, valid=valid, votes=np.stack([lead, valid - lead], 1),
                      options=["A", "B"], units=[[f"U{i % 17}" for i in range(n)]])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--stations", type=int, default=100_000)
    ap.add_argument("--draws", type=int, default=1000)
    args = ap.parse_args()
    figs = synthetic(args.stations, 1)
    params = it.IntegerParams(draws=args.draws)
    fast, slow = [], []
    for _ in range(args.runs):
        t, res = c.timed(lambda: it.integer_test(figs, params))
        fast.append(t)
        t, ref = c.timed(lambda: it.per_draw_reference(figs, params))
        slow.append(t)
        # the two nulls agree (same law): means within 5 standard errors
        se = res.either.sd_exact / np.sqrt(args.draws)
        assert abs(float(ref.mean()) - res.either.expected_exact) < 5 * se
        assert abs(res.either.expected_mc - res.either.expected_exact) < 5 * se
    f, s = c.median(fast), c.median(slow)
    print(f"integer test: {c.seconds(f)} vectorised, {c.seconds(s)} per-draw, {s / f:.1f}x")
    lines = [
        c.header("Integrity analytics: the integer-percentage test and every test on "
                 "Russia 2011", args.runs),
        f"The integer-percentage test, {args.draws:,} Monte Carlo draws, "
        f"{args.stations:,} synthetic stations (seeded):\n",
        "| | time (median) | target |", "|---|---:|---:|",
        f"| saylau (`integer.integer_test`: exact null + vectorised draws) | "
        f"{c.seconds(f)} | < 5 s |",
        f"| baseline: the authors' method draw by draw (`integer.per_draw_reference`) | "
        f"{c.seconds(s)} | |",
        f"| ratio | **{s / f:.1f}x** | >= 10x |", "",
        "Both nulls are checked to agree in every run (their means within 5 standard errors "
        "of the exact expectation). Absolute times move with the machine's load (given "
        "above); the ratio is measured under the same load.", "",
    ]
    if FILE.exists():
        data = FILE.read_bytes()
        t_map, m = c.timed(lambda: map_file("russia-2011", data))
        everything = []
        for _ in range(args.runs):
            t, out = c.timed(lambda: run_all(m.figures, IntegrityParams()))
            everything.append(t)
        e = c.median(everything)
        print(f"russia 2011: read {c.seconds(t_map)}, every test {c.seconds(e)}")
        cal = IntegrityParams().calibration.elections
        lines += [
            f"Every test on Russia 2011 ({len(m.figures):,} stations): the integer test "
            f"(1,000 draws), the fingerprint fit (5 repeats), the digit and distribution "
            f"tests nationally and per region, the calibration on {cal} clean elections:\n",
            "| | time (median) | target |", "|---|---:|---:|",
            f"| reading the file (`importers.forensics.map_file`) | {c.seconds(t_map)} | |",
            f"| every test (`suite.run_all`) | {c.seconds(e)} | < 30 s |", "",
            f"Result of the last run: integer excess {out['integer']['either']['excess']:+,.0f} "
            f"stations (z = {out['integer']['either']['z']:.1f}), fingerprint f_i = "
            f"{out['fingerprint']['f_incremental']:.3f}, f_e = "
            f"{out['fingerprint']['f_extreme']:.4f}.",
        ]
    else:
        print(f"{FILE} is absent: the Russia 2011 part is skipped")
        lines.append(f"(Russia 2011 part skipped: {FILE} absent.)")
    c.write_section("integrity", "\n".join(lines))


if __name__ == "__main__":
    main()
