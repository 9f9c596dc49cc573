#!/usr/bin/env bash
# Regenerate the locked dependency sets from pyproject.toml (docs/operations.md, "Dependencies"):
#   requirements-dev.lock  runtime + dev extras: what scripts/test.sh and CI install, and what
#                          the release audit checks (python3 scripts/audit.py)
#   requirements.lock      runtime only, at the same versions: what the README's demo installs
# Every package pinned, with the SHA-256 of each of its files on PyPI, for Python 3.11 on Linux.
#
#   bash scripts/lock.sh                          keep the pins; add or drop what pyproject changed
#   bash scripts/lock.sh --upgrade                every package to its newest allowed version
#   bash scripts/lock.sh --upgrade-package NAME   NAME only (and what it needs), e.g. for a fix
set -euo pipefail
cd "$(dirname "$0")/.."
PIP_TOOLS_VERSION=7.6.2

if ! python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "lock with Python 3.11 (the project's version): $(python3 --version)" >&2
  exit 1
fi
# PyPI only: no machine-local index, wheel folder or constraint file (their files' hashes
# would be this machine's, and their paths would end up in the lock)
export PIP_CONFIG_FILE=/dev/null
unset PIP_FIND_LINKS PIP_EXTRA_INDEX_URL PIP_INDEX_URL PIP_CONSTRAINT PIP_NO_INDEX

tools="${SAYLAU_LOCK_VENV:-${TMPDIR:-/tmp}/saylau-lock-tools}"
if [ "$("$tools/bin/pip-compile" --version 2>/dev/null | awk '{print $NF}')" != "$PIP_TOOLS_VERSION" ]; then
  python3 -m venv --clear "$tools"
  "$tools/bin/python" -m pip install --quiet --disable-pip-version-check \
    "pip-tools==$PIP_TOOLS_VERSION"
fi

compile() {
  CUSTOM_COMPILE_COMMAND="bash scripts/lock.sh" "$tools/bin/pip-compile" --quiet \
    --generate-hashes --strip-extras --no-emit-index-url "$@"
}
compile --extra dev --output-file requirements-dev.lock "$@" pyproject.toml
# The runtime set is seeded from the dev set so that both pin the same versions.
cp requirements-dev.lock requirements.lock
compile --output-file requirements.lock pyproject.toml
echo "wrote requirements-dev.lock ($(grep -c '==' requirements-dev.lock) packages) and" \
     "requirements.lock ($(grep -c '==' requirements.lock) packages)"
