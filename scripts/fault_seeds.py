"""Run the kill -9 fault test on PostgreSQL with many seeds (by hand, not in CI).

    python3 scripts/fault_seeds.py              # 20 seeds: 1..20
    python3 scripts/fault_seeds.py --seeds 101,202 --db sqlite

Each seed is one run of tests/integration/test_faults.py::test_server_killed_again_and_again_
under_load with SAYLAU_FAULT_SEED set, so a failing seed can be replayed exactly. Prints one
line per seed (passed/failed, seconds) and a summary; exits 1 when any seed failed. The outcome
of the last run is written in docs/benchmarks.md ("Fault test seeds").
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST = "tests/integration/test_faults.py::test_server_killed_again_and_again_under_load"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default=",".join(str(k) for k in range(1, 21)),
                        help="comma-separated seeds (default 1..20)")
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    failed = []
    for seed in seeds:
        env = {**os.environ, "SAYLAU_FAULT_SEED": str(seed), "SAYLAU_REQUIRE_POSTGRES": "1"}
        start = time.monotonic()
        run = subprocess.run(  # noqa: S603 - our own interpreter and test id
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-s",
             f"{TEST}[{args.db}]"], cwd=ROOT, env=env, capture_output=True, text=True,
            check=False)
        took = time.monotonic() - start
        ok = run.returncode == 0
        detail = next((line for line in run.stdout.splitlines()
                       if line.startswith(f"seed {seed}:")), "")
        print(f"seed {seed:>6}: {'passed' if ok else 'FAILED'} in {took:5.0f} s  {detail}",
              flush=True)
        if not ok:
            failed.append(seed)
            print(run.stdout[-3000:], run.stderr[-2000:], sep="\n", file=sys.stderr)
    print(f"{len(seeds) - len(failed)} of {len(seeds)} seeds passed on {args.db}"
          + (f"; failed: {failed}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
