#!/usr/bin/env bash
# Set up and run every test: install the locked dependency set (requirements-dev.lock: every
# package pinned with its hashes; bash scripts/lock.sh regenerates it) and the project, lint,
# type-check, test. Used by the README's test command and by .ci/run. It needs no network
# beyond the install: the vulnerability audit of the locked set is a release step of its own
# (python3 scripts/audit.py requirements-dev.lock; docs/operations.md, "Dependencies").
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check --require-hashes \
  -r requirements-dev.lock
python3 -m pip install --quiet --disable-pip-version-check --no-deps -e .
python3 -m ruff check src tests benchmarks scripts
python3 -m mypy src
set +e
python3 -m pytest -q -p no:cacheprovider "$@"
code=$?
set -e
if [ "$code" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here" >&2
  exit 1
fi
exit "$code"
