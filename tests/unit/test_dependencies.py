"""The locked dependency sets (requirements*.lock, scripts/lock.sh) and the audit's verdicts
(scripts/audit.py), without the network: the locks must cover pyproject.toml and agree with
each other; the audit must fail on a vulnerability and on a package it could not check; it is
a release step (docs/operations.md), which neither the test command nor CI runs; and no file
of the project names a package registry's host."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def pins(lock: str) -> dict[str, str]:
    """name -> version of every package pinned in `lock`, each with at least one hash."""
    text = (ROOT / lock).read_text(encoding="utf-8")
    out: dict[str, str] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        m = PIN.match(block)
        if m:
            assert "--hash=sha256:" in block, f"{m.group(1)} in {lock} has no hash"
            out[canonicalize_name(m.group(1))] = m.group(2)
    return out


def declared() -> tuple[list[Requirement], list[Requirement]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = [Requirement(r) for r in project["dependencies"]]
    dev = [Requirement(r) for r in project["optional-dependencies"]["dev"]]
    return runtime, dev


@pytest.mark.parametrize(("lock", "which"), [("requirements.lock", "runtime"),
                                             ("requirements-dev.lock", "runtime+dev")])
def test_each_lock_pins_every_declared_dependency_within_its_range(lock: str,
                                                                   which: str) -> None:
    runtime, dev = declared()
    locked = pins(lock)
    wanted = runtime + (dev if which == "runtime+dev" else [])
    stale = [f"{r} (locked: {locked.get(canonicalize_name(r.name))})" for r in wanted
             if canonicalize_name(r.name) not in locked
             or locked[canonicalize_name(r.name)] not in r.specifier]
    assert not stale, (f"{lock} is stale for pyproject.toml: {stale}; regenerate with "
                       "`bash scripts/lock.sh`")


def test_the_runtime_lock_is_the_dev_lock_without_the_dev_tools() -> None:
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert {n: v for n, v in runtime.items() if dev.get(n) != v} == {}
    assert set(runtime) < set(dev)


def test_each_lock_says_how_it_was_made() -> None:
    for lock in ("requirements.lock", "requirements-dev.lock"):
        head = (ROOT / lock).read_text(encoding="utf-8")[:400]
        assert "bash scripts/lock.sh" in head, lock
        assert "file://" not in (ROOT / lock).read_text(encoding="utf-8")  # no local index


# --- scripts/audit.py's verdicts, with a stand-in for pip-audit's JSON report ------------------


def audit(tmp_path: Path, report: object, **env: str) -> subprocess.CompletedProcess[str]:
    stub = tmp_path / "stub" / "pip_audit"
    stub.mkdir(parents=True)
    text = report if isinstance(report, str) else json.dumps(report)
    # a regular package (with __init__.py), so it wins over an installed pip-audit on the path
    (stub / "__init__.py").write_text("", encoding="utf-8")
    (stub / "__main__.py").write_text(f"print({text!r})\n", encoding="utf-8")
    lock = tmp_path / "x.lock"
    lock.write_text("a==1 --hash=sha256:00\n", encoding="utf-8")
    environ = {**os.environ, "PYTHONPATH": str(stub.parent), **env}
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "audit.py"), str(lock)],
                          capture_output=True, text=True, env=environ, check=False)


def test_the_audit_fails_on_a_known_vulnerability_and_names_the_fix(tmp_path: Path) -> None:
    r = audit(tmp_path, {"dependencies": [
        {"name": "jinja2", "version": "3.1.2", "vulns": [
            {"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"],
             "aliases": ["CVE-2024-22195"]}]},
        {"name": "rich", "version": "15.0.0", "vulns": []}], "fixes": []})
    assert r.returncode == 1, r.stderr
    assert "jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (CVE-2024-22195); fixed in: 3.1.3" in r.stderr


def test_the_audit_fails_when_a_package_could_not_be_checked(tmp_path: Path) -> None:
    report = {"dependencies": [
        {"name": "rich", "version": "15.0.0", "vulns": []},
        {"name": "alembic", "skip_reason": "Dependency not found on PyPI and could not be "
                                           "audited: alembic (1.20.1)"}], "fixes": []}
    r = audit(tmp_path, report)
    assert r.returncode == 3
    assert "DEPENDENCY AUDIT FAILED: 1 of 2 locked package(s) could not be audited" in r.stderr
    # no switch lets an audit that checked nothing pass any more: it is a release step, run
    # where a vulnerability database answers
    again = audit(tmp_path / "again", report, SAYLAU_AUDIT_UNREACHABLE="warn")
    assert again.returncode == 3, again.stderr


def test_the_audit_fails_when_pip_audit_itself_fails(tmp_path: Path) -> None:
    r = audit(tmp_path, "Traceback: ConnectionError")
    assert r.returncode == 3
    assert "pip-audit failed" in r.stderr


def test_a_clean_audit_passes(tmp_path: Path) -> None:
    r = audit(tmp_path, {"dependencies": [{"name": "rich", "version": "15.0.0", "vulns": []}],
                         "fixes": []})
    assert r.returncode == 0, r.stderr
    assert "1 locked package(s)" in r.stdout


def test_an_audit_of_nothing_fails(tmp_path: Path) -> None:
    r = audit(tmp_path, {"dependencies": [], "fixes": []})
    assert r.returncode == 3
    assert "names no package" in r.stderr


# --- where the audit runs: a release step, not the test command nor CI ----------------------


def _commands(path: str) -> list[str]:
    """The lines of a shell script that run something (comments and blank lines left out)."""
    lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def test_the_test_command_and_ci_neither_audit_nor_probe_the_network() -> None:
    for script in ("scripts/test.sh", ".ci/run"):
        run = "\n".join(_commands(script))
        assert "audit.py" not in run and "pip_audit" not in run and "pip-audit" not in run, \
            script
        assert not re.search(r"\b(curl|wget)\b", run), script
        assert "https://" not in run and "http://" not in run, script
    assert "bash scripts/test.sh" in _commands(".ci/run")


def test_the_audit_is_a_documented_release_step() -> None:
    ops = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    assert "**The audit: a release step.**" in ops
    assert "python3 scripts/audit.py requirements-dev.lock" in ops


# the hosts of package registries (written in parts so that this file names none either)
REGISTRY_HOSTS = re.compile(
    r"(pypi|pythonhosted|npmjs|yarnpkg|crates|rubygems|packagist|nuget)\.(org|io|com)",
    re.IGNORECASE)


def test_no_file_of_the_project_names_a_registry_host() -> None:
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                             check=False)
    if tracked.returncode != 0:
        pytest.skip("not a git checkout: no list of the project's files")
    found = []
    for name in tracked.stdout.decode().split("\0"):
        path = ROOT / name
        if not name or not path.is_file() or path.suffix in (".png", ".ico", ".woff2"):
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        found += [f"{name}: {m.group(0)}" for m in REGISTRY_HOSTS.finditer(text)]
    assert not found, found
