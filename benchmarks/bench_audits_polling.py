"""Risk-limiting audits by ballot polling (issue 15): draw 10,000 ballots from a
1,000,000-station manifest by the seed; measure the risk of three rounds of them (3 x 10,000
ballots) by Minerva, with BRAVO on the same ballots in the same run as the baseline (BRAVO's
risk is a sum of logarithms, the least work any polling measure can do).

    python benchmarks/bench_audits_polling.py [--stations 1000000] [--runs 3]

No target is stated for polling in the issue; the batch comparison's (the risk of a round of
10,000 batches under 1 s) is the yardstick. The manifest is bench_audits.py's (17 units, yes at
about 60%, the 12 units the two-thirds rule needs); the turnout's assertion is left to the
ballot manifest as in a polling audit (domain/audit/polling.for_polling).
"""

from __future__ import annotations

import argparse
import time

from _common import header, median, seconds, write_section
from bench_audits import _assertions, referendum_manifest

from saylau.domain.audit import polling


def _stack(m: object, station_index: int, place: int) -> str:
    counts = m.counts[station_index]  # type: ignore[attr-defined]
    at = 0
    for c, n in zip(m.categories, counts, strict=True):  # type: ignore[attr-defined]
        at += int(n)
        if place <= at:
            return str(c)
    raise AssertionError(place)


def bench(stations: int, per_round: int) -> tuple[float, float, float, float]:
    m = referendum_manifest(stations=stations, yes_share=0.6, seed=1)
    found, _ = polling.for_polling(_assertions(m), ())
    index = {s: i for i, s in enumerate(m.stations)}
    t0 = time.perf_counter()
    rounds = [polling.draw_ballots(m, "12345678901234567890", r * per_round, per_round)
              for r in range(3)]
    t1 = time.perf_counter()
    read = [[(s, _stack(m, index[s], n)) for s, n in rd] for rd in rounds]
    assert m.index  # the manifest's station index (built once per manifest) outside both timings
    t2 = time.perf_counter()
    minerva = polling.measure(m, found, read, 0.05, polling.MINERVA)
    t3 = time.perf_counter()
    bravo = polling.measure(m, found, read, 0.05, polling.BRAVO)
    t4 = time.perf_counter()
    assert minerva.ballots == bravo.ballots == 3 * per_round
    return t1 - t0, t3 - t2, t4 - t3, minerva.risk


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stations", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    draws, minervas, bravos = [], [], []
    risk = 1.0
    for _ in range(args.runs):
        d, mi, br, risk = bench(args.stations, 10_000)
        draws.append(d)
        minervas.append(mi)
        bravos.append(br)
        print(f"draw {d:.2f}s, minerva {mi:.2f}s, bravo {br:.3f}s", flush=True)
    rows = [
        (f"draw 3 x 10,000 ballots from a {args.stations:,}-station manifest", median(draws)),
        ("Minerva: the risk of 3 rounds of 10,000 ballots, 12 assertions", median(minervas)),
        ("BRAVO on the same ballots (baseline)", median(bravos)),
    ]
    table = "\n".join(f"| {w} | {seconds(t)} |" for w, t in rows)
    md = header("Risk-limiting audits: ballot polling (BRAVO, Minerva)", args.runs) + (
        "\n| what | median |\n| --- | ---: |\n" + table + "\n\n"
        f"Minerva took {median(minervas) / max(median(bravos), 1e-9):.1f}x BRAVO on the same "
        f"ballots (the risk measured: {risk:.3g}, the reported outcome being right). Both "
        "share the reading of the ballots and each assertion's reported totals over the "
        "1,000,000 stations; Minerva adds its exact round-by-round distributions "
        "(convolutions of binomials).\n")
    write_section("audits-polling", md)


if __name__ == "__main__":
    main()
