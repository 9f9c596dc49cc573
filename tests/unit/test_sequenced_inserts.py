"""Rows read incrementally by seq are inserted only under their log's turn (issue 20).

Walks every module of src/saylau with `ast`: any INSERT or COPY into a table of
store.log.SEQUENCED_TABLES (SQLAlchemy's `insert(t.<table>)` or SQL text) must sit in a
function that takes a `LogTurn` parameter, or in store/log.py itself, which makes the turns.
So a new writer cannot insert such a row before the sequencer is held (its seq would then be
drawn before the lock and could commit out of order on PostgreSQL).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import saylau
from saylau.store.log import SEQUENCED_TABLES

SRC = Path(saylau.__file__).parent
TURN_MAKER = SRC / "store" / "log.py"
SQL = re.compile(r"\b(?:INSERT\s+INTO|COPY)\s+(\w+)", re.IGNORECASE)


def _targets(node: ast.AST) -> set[str]:
    """Tables a statement node inserts into: insert(t.X) calls and INSERT/COPY text."""
    found: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and getattr(sub.func, "id", getattr(sub.func, "attr", "")) \
                == "insert" and sub.args:
            arg = sub.args[0]
            if isinstance(arg, ast.Attribute):
                found.add(arg.attr)
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            found.update(m.group(1).lower() for m in SQL.finditer(sub.value))
    return found & SEQUENCED_TABLES


def _takes_turn(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    args = [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]
    return any(a.annotation is not None and "LogTurn" in ast.unparse(a.annotation)
               for a in args)


def offenders() -> list[str]:
    bad = []
    for path in sorted(SRC.rglob("*.py")):
        if path == TURN_MAKER or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            tables = _targets(fn)
            if tables and not _takes_turn(fn):
                bad.append(f"{path.relative_to(SRC)}:{fn.lineno} {fn.name} inserts into "
                           f"{', '.join(sorted(tables))} without a LogTurn")
    return bad


def test_sequenced_tables_are_inserted_only_under_a_turn() -> None:
    bad = offenders()
    assert not bad, "insert these rows under store.log.take_turn:\n" + "\n".join(bad)


def test_the_check_finds_an_insert_without_a_turn(tmp_path: Path) -> None:
    """The walk is not vacuous: a function inserting a turnout row from a bare connection is
    found, one taking a LogTurn is not."""
    code = ("def bad(conn):\n    conn.execute(insert(t.turnout_reports).values())\n"
            "def good(turn: LogTurn):\n    turn.conn.execute(insert(t.turnout_reports))\n"
            "def raw(conn):\n    conn.exec_driver_sql('INSERT INTO protocol_versions (a) "
            "VALUES (1)')\n")
    tree = ast.parse(code)
    flagged = [fn.name for fn in tree.body if isinstance(fn, ast.FunctionDef)
               and _targets(fn) and not _takes_turn(fn)]
    assert flagged == ["bad", "raw"]
