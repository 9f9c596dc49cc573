"""The services stand on the store's repositories, in rooms without circles (issue 11).

Walks the source with `ast` (imports inside functions count, as they run all the same):

- no module of services/ imports SQLAlchemy's statement builders (select, insert, update,
  delete, text) or the tables (store.tables): SQL lives in the store's repositories, which
  turn rows into values and back and never commit; the service owns the transaction;
- no import circle among the modules of services/ and store/;
- the open-data writers (services/export/ but its snapshot) are pure: no store, no
  database, no context, no clock: values in, text out;
- no service reads the clock but through the context (`Saylau.clock`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

import saylau

SRC = Path(saylau.__file__).parent
SERVICES = SRC / "services"
STORE = SRC / "store"
SQL_BUILDERS = frozenset({"select", "insert", "update", "delete", "text"})
PURE_EXPORT = ("figures", "csv_files", "json_files", "cdf", "cdf_parts")
CLOCK_READS = ("datetime.now(", ".utcnow(", "date.today(", "time.time(")
CLOCK_ALLOWED = {
    "services/context.py": "the clock itself (utc_now), which every service reads through",
}


def module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(tree: ast.AST, here: str) -> Iterable[tuple[int, str, str | None]]:
    """(line, module, name) for every import anywhere in the tree; name is None for
    `import module`. Relative imports are resolved against `here`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield node.lineno, a.name, None
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = here.split(".")[: -node.level]
                base = ".".join([*pkg, base]) if base else ".".join(pkg)
            for a in node.names:
                yield node.lineno, base, a.name


def sql_offences(tree: ast.AST, here: str) -> list[str]:
    bad = []
    for line, module, name in imports(tree, here):
        if module == "saylau.store.tables" or (module == "saylau.store" and name == "tables"):
            bad.append(f"{line}: imports the tables (store.tables)")
        elif module.split(".")[0] == "sqlalchemy":
            if name in SQL_BUILDERS:
                bad.append(f"{line}: imports {module}.{name}")
            elif name is None and module == "sqlalchemy":
                bad.append(f"{line}: imports sqlalchemy whole (its builders come with it)")
    return bad


def test_services_write_no_sql() -> None:
    bad = []
    for path in sorted(SERVICES.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bad += [f"{path.relative_to(SRC)}:{o}" for o in sql_offences(tree, module_name(path))]
    assert not bad, "services call the store's repositories, not SQL:\n" + "\n".join(bad)


@pytest.mark.parametrize("code", [
    "from sqlalchemy import select\n",
    "def f():\n    from sqlalchemy import insert, Connection\n",
    "from sqlalchemy.sql import update\n",
    "from sqlalchemy import delete as d\n",
    "from sqlalchemy import text\n",
    "import sqlalchemy\n",
    "from saylau.store import tables as t\n",
    "from saylau.store.tables import tokens\n",
    "from ..store import tables\n",
])
def test_the_sql_check_finds_a_service_that_writes_sql(code: str) -> None:
    assert sql_offences(ast.parse(code), "saylau.services.x")


def test_the_sql_check_lets_types_and_repositories_through() -> None:
    code = ("from sqlalchemy import Connection\nfrom sqlalchemy.exc import IntegrityError\n"
            "from saylau.store import protocols as report_store\n")
    assert sql_offences(ast.parse(code), "saylau.services.x") == []


def graph(paths: Iterable[Path]) -> dict[str, set[str]]:
    """Module -> the modules of the same set it imports (`from pkg import mod` names the
    module pkg.mod when there is one, else the package)."""
    mods = {module_name(p): p for p in paths}
    out: dict[str, set[str]] = {m: set() for m in mods}
    for m, path in mods.items():
        for _line, module, name in imports(ast.parse(path.read_text(encoding="utf-8")), m):
            target = f"{module}.{name}" if name and f"{module}.{name}" in mods else module
            if target in mods and target != m:
                out[m].add(target)
    return out


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(g[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return found


def test_no_import_circle_in_services_or_store() -> None:
    g = graph([*SERVICES.rglob("*.py"), *STORE.rglob("*.py")])
    assert len(g) > 30  # the walk sees the real modules
    assert "saylau.services.logs" in g["saylau.services.tokens"]
    assert not cycles(g), cycles(g)


def test_the_circle_check_finds_a_circle() -> None:
    g = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(g) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_logs_room_uses_no_other_service() -> None:
    """The room below every service that logs: it may use the context only."""
    g = graph([*SERVICES.rglob("*.py")])
    assert g["saylau.services.logs"] <= {"saylau.services.context"}, g["saylau.services.logs"]


def test_the_open_data_writers_are_pure() -> None:
    bad = []
    for name in PURE_EXPORT:
        path = SERVICES / "export" / f"{name}.py"
        text = path.read_text(encoding="utf-8")
        for line, module, _name in imports(ast.parse(text), module_name(path)):
            top = module.split(".")[0]
            own = module.startswith("saylau.services.export.") and \
                module.rsplit(".", 1)[1] in PURE_EXPORT
            if top == "sqlalchemy" or module.startswith(("saylau.store", "saylau.settings")) \
                    or (module.startswith("saylau.services") and not own):
                bad.append(f"export/{name}.py:{line} imports {module}")
        bad += [f"export/{name}.py reads the clock ({c})" for c in CLOCK_READS if c in text]
    assert not bad, "the writers take values and return text:\n" + "\n".join(bad)


def test_services_read_the_clock_only_through_the_context() -> None:
    bad = []
    for path in sorted(SERVICES.rglob("*.py")):
        rel = str(path.relative_to(SRC))
        if rel in CLOCK_ALLOWED:
            continue
        text = path.read_text(encoding="utf-8")
        bad += [f"{rel} reads the clock: {c}" for c in CLOCK_READS if c in text]
    assert not bad, "use app.clock():\n" + "\n".join(bad)
    for rel in CLOCK_ALLOWED:  # the exceptions are still needed, or are to be dropped
        path = SRC / rel
        assert not path.exists() or any(c in path.read_text(encoding="utf-8")
                                        for c in CLOCK_READS), rel


FACADES = ("saylau.services.record", "saylau.services.audit")
"""Old names kept for the layers above (API, site, commands): a service importing one would
tie the rooms behind it back together."""


def test_no_service_imports_the_facades() -> None:
    g = graph([*SERVICES.rglob("*.py")])
    bad = {m: sorted(set(FACADES) & deps) for m, deps in g.items()
           if set(FACADES) & deps and m not in FACADES}
    assert not bad, bad
