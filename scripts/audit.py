"""Audit the locked dependency set for known vulnerabilities: a release step, run on a machine
that reaches a vulnerability database (docs/operations.md, "Dependencies"). It is not part of
the test command, which needs no network.

    python3 scripts/audit.py [LOCK]        (default: requirements-dev.lock)

Runs pip-audit on the lock file (every package pinned with its hashes, so nothing is resolved
or installed) against pip-audit's default vulnerability service (the package index's advisory
data, looked up per release), and exits:

  0  every locked package was checked and none has a known vulnerability;
  1  a locked package has a known vulnerability: the table names it and its fixed versions
     (move the pin: `bash scripts/lock.sh --upgrade-package NAME`);
  3  the audit could not check every package (no network, or an index mirror that does not
     serve the per-release advisory data), or pip-audit failed.

An audit that checked nothing never passes: plain `pip-audit` without --strict reports "No known
vulnerabilities found" and exits 0 when it could look nothing up.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

VULNERABLE, UNCHECKED = 1, 3


def main(argv: list[str]) -> int:
    lock = Path(argv[1] if len(argv) > 1 else "requirements-dev.lock")
    if not lock.is_file():
        print(f"audit: no lock file {lock}", file=sys.stderr)
        return UNCHECKED
    done = subprocess.run(  # noqa: S603 - this interpreter's pip-audit, fixed arguments
        [sys.executable, "-m", "pip_audit", "--disable-pip", "--progress-spinner", "off",
         "--format", "json", "--desc", "off", "--requirement", str(lock)],
        capture_output=True, text=True, check=False)
    try:
        report = json.loads(done.stdout)
        deps = report["dependencies"]
    except (ValueError, KeyError, TypeError):
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return unchecked(f"pip-audit failed (exit {done.returncode}): {last}")
    vulnerable = [d for d in deps if d.get("vulns")]
    skipped = [d for d in deps if "skip_reason" in d]
    checked = len(deps) - len(skipped)
    if vulnerable:
        print(f"AUDIT FAILED: known vulnerabilities in {len(vulnerable)} locked package(s) of "
              f"{lock}:", file=sys.stderr)
        for d in vulnerable:
            for v in d["vulns"]:
                fixed = ", ".join(v.get("fix_versions") or []) or "no fixed version yet"
                aliases = ", ".join(v.get("aliases") or [])
                print(f"  {d['name']} {d['version']}: {v['id']}"
                      + (f" ({aliases})" if aliases else "") + f"; fixed in: {fixed}",
                      file=sys.stderr)
        return VULNERABLE
    if skipped:
        first = skipped[0]["skip_reason"]
        return unchecked(f"{len(skipped)} of {len(deps)} locked package(s) could not be "
                         f"audited, e.g. {first}")
    if not deps:
        return unchecked(f"{lock} names no package")
    print(f"audit: {checked} locked package(s) of {lock} checked against the vulnerability "
          "database: no known vulnerability")
    return 0


def unchecked(why: str) -> int:
    banner = "=" * 78
    print(f"{banner}\nDEPENDENCY AUDIT FAILED: {why}\nNothing was checked for those packages: "
          "run the audit where a vulnerability database answers; see docs/operations.md, "
          f"\"Dependencies\".\n{banner}", file=sys.stderr)
    return UNCHECKED


if __name__ == "__main__":
    sys.exit(main(sys.argv))
