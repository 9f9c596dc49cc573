"""Settings come from the environment through one typed place, saylau.settings, documented in
one table of docs/operations.md ("Settings")."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import saylau
from saylau import settings
from saylau.domain.errors import ValidationFailed

SRC = Path(saylau.__file__).parent
DOCS = SRC.parent.parent / "docs" / "operations.md"
NOT_YET_MOVED: dict[str, str] = {}
"""Modules allowed to read the environment themselves for a while (none today); the test below
fails once one no longer does, so that it is struck from this list."""


def environment_reads(tree: ast.AST) -> list[int]:
    """Lines that touch os.environ or call os.getenv / getenv, in order, once each."""
    names = ("environ", "getenv")
    found = set()
    for node in ast.walk(tree):
        touches = (
            (isinstance(node, ast.Attribute) and node.attr in names)
            or (isinstance(node, ast.Name) and node.id in names)
            or (isinstance(node, ast.ImportFrom) and node.module == "os"
                and any(a.name in names for a in node.names)))
        if touches:
            found.add(node.lineno)
    return sorted(found)


def test_only_the_settings_module_reads_the_environment() -> None:
    readers = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = str(path.relative_to(SRC))
        if rel == "settings.py" or "migrations" in path.parts:
            continue
        lines = environment_reads(ast.parse(path.read_text(encoding="utf-8")))
        if lines:
            readers[rel] = lines
    unexpected = {k: v for k, v in readers.items() if k not in NOT_YET_MOVED}
    assert not unexpected, f"read settings through saylau.settings: {unexpected}"
    moved = sorted(set(NOT_YET_MOVED) - set(readers))
    assert not moved, f"these read saylau.settings now: strike them from NOT_YET_MOVED: {moved}"


def test_the_environment_check_finds_a_read() -> None:
    code = ("import os\nx = os.environ.get('A')\ny = os.getenv('B')\n"
            "from os import environ\n")
    assert environment_reads(ast.parse(code)) == [2, 3, 4]
    assert environment_reads(ast.parse("import os\nos.path.join('a')\n")) == []


def test_every_variable_named_in_the_source_is_a_setting() -> None:
    known = {s.name for s in settings.SETTINGS}
    named = set()
    for path in SRC.rglob("*.py"):
        named |= set(re.findall(r"SAYLAU_[A-Z_]+", path.read_text(encoding="utf-8")))
    assert named == known, (sorted(named - known), sorted(known - named))


def test_the_operations_table_is_the_settings() -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    rows = [[c.strip() for c in line.strip("|").split("|")]
            for line in section.splitlines() if line.startswith("| `SAYLAU_")]
    assert [(r[0].strip("`"), r[1], r[2]) for r in rows] == [
        (s.name, s.default, s.meaning) for s in settings.SETTINGS]


def test_values_are_typed_and_defaults_apply() -> None:
    assert settings.Settings.read({}) == settings.Settings(
        None, None, 0.0, settings.DEFAULT_AUTH_FAILURES, "")
    got = settings.Settings.read({
        "SAYLAU_DATABASE_URL": "postgresql://u@h/db", "SAYLAU_CENTRAL_KEY": "/k/central.pem",
        "SAYLAU_RESULTS_MAX_AGE": "1.5", "SAYLAU_AUTH_FAILURES": "20/minute",
        "SAYLAU_TRUSTED_PROXIES": " 127.0.0.1, 10.0.1.0/24 "})
    assert got == settings.Settings("postgresql://u@h/db", Path("/k/central.pem"), 1.5,
                                    "20/minute", "127.0.0.1,10.0.1.0/24")
    assert settings.database_url({"SAYLAU_DATABASE_URL": ""}) is None


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("SAYLAU_RESULTS_MAX_AGE", "soon", "a number of seconds >= 0"),
    ("SAYLAU_RESULTS_MAX_AGE", "-1", "a number of seconds >= 0"),
    ("SAYLAU_RESULTS_MAX_AGE", "nan", "a number of seconds >= 0"),
    ("SAYLAU_AUTH_FAILURES", "ten a minute", "a rate such as 10/minute"),
    ("SAYLAU_TRUSTED_PROXIES", "127.0.0.1,proxy.example", None),
])
def test_a_bad_value_is_refused_naming_the_variable(name: str, value: str,
                                                    expected: str | None) -> None:
    with pytest.raises(ValidationFailed) as e:
        settings.Settings.read({name: value})
    assert e.value.code == "setting_invalid"
    assert e.value.details["field"] == name
    assert name in e.value.message
    if expected is not None:
        assert e.value.details == {"field": name, "expected": expected, "actual": value}


def test_a_database_url_passed_on_is_read_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAYLAU_DATABASE_URL", "before")  # restored after the test
    settings.pass_on_database_url("postgresql://u@h/workers")
    assert settings.database_url() == "postgresql://u@h/workers"
    assert settings.child_environment()["SAYLAU_DATABASE_URL"] == "postgresql://u@h/workers"


def test_the_store_reads_its_settings_here(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    from saylau.store import db
    from saylau.store.central_key import central_key_path

    monkeypatch.setenv("SAYLAU_DATABASE_URL", str(tmp_path / "x.db"))
    assert db.database_url() == f"sqlite:///{tmp_path / 'x.db'}"
    assert db.database_source() == "$SAYLAU_DATABASE_URL"
    monkeypatch.setenv("SAYLAU_CENTRAL_KEY", str(tmp_path / "k.pem"))
    engine = db.make_engine()
    try:
        assert central_key_path(engine) == tmp_path / "k.pem"
    finally:
        engine.dispose()


def test_a_bad_setting_stops_the_app_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """create_app reads every setting once: a bad value is refused there, naming the variable,
    not later as a 422 on whichever request first reads it."""
    from saylau.api.app import create_app
    from saylau.domain.errors import ValidationFailed

    monkeypatch.setenv("SAYLAU_RESULTS_MAX_AGE", "soon")
    with pytest.raises(ValidationFailed) as raised:
        create_app(object())  # type: ignore[arg-type]  # refused before the store is used
    assert raised.value.details["field"] == "SAYLAU_RESULTS_MAX_AGE"
