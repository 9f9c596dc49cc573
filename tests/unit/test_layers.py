"""Layers that only point down, and no circle anywhere in src/ (issue 11; docs/architecture.md).

From the top (each may import from itself and from any layer below it, never from one above):

    cli              the command line (one module per command group; the demo)
    api.app          the one application: mounts the API's routers and the public site's
    web              the public site (uses the API's policies and wire shapes)
    api              the API's routers, policies, schemas, errors, limits
    services         use cases: each owns its transaction
    store            tables, repositories, migrations, the log's storage
    importers, data  formats: pure parsers of files published elsewhere; packaged datasets
    domain           the pure core (tests/unit/test_architecture.py keeps it pure)
    saylau           the package itself (its version)

Every import counts: at the top of a module, inside a function (the lazy imports that keep
`saylau --help` fast) and under TYPE_CHECKING. The checks are plain functions over a module
graph, so the tests below also show that they fail on an upward import and on a circle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import saylau
from tests.unit.test_architecture import ALLOWED_THIRD_PARTY, FORBIDDEN_STDLIB, STDLIB_OK

SRC = Path(saylau.__file__).parent.parent

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("cli", ("saylau.cli",)),
    ("app", ("saylau.api.app",)),
    ("web", ("saylau.web",)),
    ("api", ("saylau.api",)),
    ("services", ("saylau.services",)),
    ("store", ("saylau.store",)),
    ("settings", ("saylau.settings",)),
    ("formats", ("saylau.importers", "saylau.data")),
    ("domain", ("saylau.domain",)),
    ("root", ("saylau",)),
)
"""Top first. A module belongs to the layer of its longest matching prefix."""

KNOWN_CYCLES: tuple[frozenset[str], ...] = ()
"""Circles tolerated for a while (none today); the test fails while an entry names a circle
that no longer exists, so the list cannot go stale."""

Graph = Mapping[str, Mapping[str, int]]
"""module -> {imported module: line of the first such import}"""


# --- the graph -------------------------------------------------------------------------------


def modules(src: Path) -> dict[str, Path]:
    """Every module under `src` by its dotted name (a package by its __init__)."""
    found: dict[str, Path] = {}
    for path in sorted(src.rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _resolve(name: str, known: Iterable[str]) -> str | None:
    """`name` or its nearest enclosing module that exists (`saylau.x.y.Name` -> `saylau.x.y`)."""
    names = set(known)
    while name and name not in names:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str, path: Path, known: Iterable[str]) -> dict[str, int]:
    """The saylau modules `module` imports, anywhere in its file, with the first line of each."""
    names = set(known)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: dict[str, int] = {}

    def add(target: str | None, line: int) -> None:
        if target is not None and target != module and target.split(".")[0] == "saylau":
            found.setdefault(target, line)

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(_resolve(alias.name, names), node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                add(full if full in names else _resolve(base, names), node.lineno)
    return found


def import_graph(src: Path) -> dict[str, dict[str, int]]:
    mods = modules(src)
    return {m: imports_of(m, p, mods) for m, p in mods.items()}


# --- the checks ------------------------------------------------------------------------------


def layer_of(module: str) -> int:
    """The index of the module's layer in LAYERS (0 is the top)."""
    best, best_len = -1, -1
    for k, (_name, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and len(p) > best_len:
                best, best_len = k, len(p)
    if best < 0:
        raise ValueError(f"{module} belongs to no layer: add it to LAYERS")
    return best


def upward_imports(graph: Graph) -> list[str]:
    """Every import of a module from a layer above its own, in words."""
    bad = []
    for module, targets in sorted(graph.items()):
        for target, line in sorted(targets.items()):
            low, high = layer_of(module), layer_of(target)
            if high < low:
                bad.append(f"{module}:{line} imports {target}: {LAYERS[low][0]} may not import "
                           f"from {LAYERS[high][0]}, which is above it")
    return bad


def cycles(graph: Graph) -> list[list[str]]:
    """The circles of the graph: each strongly connected set of two or more modules (Tarjan's
    algorithm, without recursion), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, list[str]]] = [(start, sorted(graph.get(start, {})))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, todo = work[-1]
            if todo:
                nxt = todo.pop(0)
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(graph.get(nxt, {}))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def _with(graph: Graph, module: str, target: str) -> dict[str, dict[str, int]]:
    """`graph` with one more import (the real graph is never changed)."""
    out = {m: dict(t) for m, t in graph.items()}
    out.setdefault(module, {})[target] = 1
    out.setdefault(target, {})
    return out


GRAPH = import_graph(SRC)


# --- the real source -------------------------------------------------------------------------


def test_the_graph_is_the_real_source() -> None:
    assert len(GRAPH) > 100
    # a lazy import inside a function counts: the demo's command imports the app when it runs
    assert "saylau.api.app" in GRAPH["saylau.cli.demo"]
    assert "saylau.services.context" in GRAPH["saylau.api.policies"]


def test_every_module_has_a_layer() -> None:
    for module in GRAPH:
        layer_of(module)  # raises naming the module


def test_no_module_imports_from_a_layer_above_it() -> None:
    bad = upward_imports(GRAPH)
    assert not bad, "imports that point up (docs/architecture.md):\n" + "\n".join(bad)


def test_no_circle_between_modules() -> None:
    found = [c for c in cycles(GRAPH) if frozenset(c) not in KNOWN_CYCLES]
    assert not found, "modules that import each other, directly or round a circle:\n" + (
        "\n".join(" <-> ".join(c) for c in found))
    gone = [sorted(k) for k in KNOWN_CYCLES if sorted(k) not in cycles(GRAPH)]
    assert not gone, f"these circles are broken now: delete them from KNOWN_CYCLES: {gone}"


# --- the checks fail when they should -------------------------------------------------------


def test_an_upward_import_is_named() -> None:
    graph = {"saylau.domain.tally": {"saylau.services.results": 7},
             "saylau.services.results": {"saylau.domain.tally": 3}}
    assert upward_imports(graph) == [
        "saylau.domain.tally:7 imports saylau.services.results: domain may not import from "
        "services, which is above it"]
    for low, high in (("saylau.services.elections", "saylau.cli.main"),
                      ("saylau.web.views", "saylau.api.app"),
                      ("saylau.api.routes.results", "saylau.web.routes"),
                      ("saylau.store.log", "saylau.services.context"),
                      ("saylau.importers.russia2020.reader", "saylau.services.bulk")):
        bad = upward_imports(_with(GRAPH, low, high))
        assert len(bad) == 1 and bad[0].startswith(f"{low}:1 imports {high}"), (low, high, bad)


def test_downward_and_sideways_imports_pass() -> None:
    graph = {"saylau.cli.main": {"saylau.api.app": 1, "saylau.domain.ids": 2},
             "saylau.api.app": {"saylau.web.routes": 1},
             "saylau.web.routes": {"saylau.api.policies": 1},
             "saylau.services.a": {"saylau.services.b": 1}}
    assert upward_imports(graph) == []


def test_a_circle_is_found() -> None:
    graph = {"saylau.cli.a": {"saylau.cli.b": 1}, "saylau.cli.b": {"saylau.cli.c": 1},
             "saylau.cli.c": {"saylau.cli.a": 1, "saylau.cli.d": 1}, "saylau.cli.d": {}}
    assert cycles(graph) == [["saylau.cli.a", "saylau.cli.b", "saylau.cli.c"]]
    assert cycles({"saylau.cli.a": {"saylau.cli.b": 1}, "saylau.cli.b": {}}) == []
    # the real graph with one import back: cli.main assembles cli.tokens, which must not
    # import it again
    assert ["saylau.cli.main", "saylau.cli.tokens"] in cycles(
        _with(GRAPH, "saylau.cli.tokens", "saylau.cli.main"))


def test_imports_inside_functions_and_relative_ones_count(tmp_path: Path) -> None:
    pkg = tmp_path / "saylau"
    for d in ("", "domain", "cli"):
        (pkg / d).mkdir(exist_ok=True)
        (pkg / d / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "domain" / "x.py").write_text(
        "from __future__ import annotations\n\n"
        "from . import y\n\n\n"
        "def f() -> object:\n"
        "    from saylau.cli.main import app\n"
        "    return app\n", encoding="utf-8")
    (pkg / "domain" / "y.py").write_text("from .x import f\n", encoding="utf-8")
    (pkg / "cli" / "main.py").write_text("app = None\n", encoding="utf-8")
    graph = import_graph(tmp_path)
    assert graph["saylau.domain.x"] == {"saylau.domain.y": 3, "saylau.cli.main": 7}
    assert graph["saylau.domain.y"] == {"saylau.domain.x": 1}
    assert upward_imports(graph) == [
        "saylau.domain.x:7 imports saylau.cli.main: domain may not import from cli, which is "
        "above it"]
    assert cycles(graph) == [["saylau.domain.x", "saylau.domain.y"]]


# --- the rooms -------------------------------------------------------------------------------


def test_importers_are_pure_parsers() -> None:
    """saylau.importers maps bytes to domain values: it imports the domain, the standard
    library's harmless modules and numpy, never the store, the services or any I/O."""
    bad = []
    for module, path in modules(SRC).items():
        if not module.startswith("saylau.importers"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom)
                     and node.level == 0 else [])
            for name in names:
                top = name.split(".")[0]
                if name.startswith(("saylau.domain", "saylau.importers")):
                    continue
                if top in FORBIDDEN_STDLIB or top == "saylau" or (
                        top not in STDLIB_OK and top not in ALLOWED_THIRD_PARTY):
                    bad.append(f"{module}:{node.lineno} imports {name}")
    assert not bad, bad


ROOMS_OF_THIS_CHECK = ("saylau",)
"""The rooms whose modules are held to about 400 lines here: every module of src/."""
MAX_LINES = 420
REASON = "longer than 400 lines because"
"""A longer module says why at the top, in its docstring (a single statute article, say)."""


def too_long(sources: dict[str, str]) -> list[str]:
    """The modules (name -> source) over MAX_LINES whose docstring does not say why."""
    long = []
    for module, text in sources.items():
        if not module.startswith(ROOMS_OF_THIS_CHECK):
            continue
        lines = text.count("\n")
        doc = ast.get_docstring(ast.parse(text)) or ""
        if lines > MAX_LINES and REASON not in doc:
            long.append(f"{module}: {lines} lines")
    return long


def test_modules_stay_small_or_say_why() -> None:
    found = modules(SRC)
    assert any(m.startswith("saylau.domain.") for m in found)  # the whole of src/ is read
    long = too_long({m: p.read_text(encoding="utf-8") for m, p in found.items()})
    assert not long, long


def test_the_size_check_finds_a_long_module_without_its_reason() -> None:
    body = "x = 1\n" * (MAX_LINES + 1)
    assert too_long({
        "saylau.services.long": '"""A use case."""\n' + body,
        "saylau.domain.law.article": f'"""{REASON} article 5 is one rule."""\n' + body,
        "saylau.domain.short": '"""Short."""\nx = 1\n',
    }) == [f"saylau.services.long: {MAX_LINES + 2} lines"]


# --- where the coming wings go ---------------------------------------------------------------

WINGS = (
    # issue, domain package, services package, API router, CLI module and its Typer
    (12, "saylau.domain.observation", "saylau.services.observation",
     "saylau.api.routes.observation", "saylau.cli.observers", "observers_app"),
    # 12 (observation), 13 (parties), 14 (integrity) and 15 (audits) have landed
)
# issue 15 (risk-limiting audits) is built: its router is mounted and `saylau audit` registered
"""The risk-limiting audits' services package, saylau.services.audit, cannot exist beside the
module of that name (the admin log's, renamed services/admin_log.py by issue 11's services
part); it joins this table then."""
BUILT = {12}
"""Wings that have their routes and commands (their rooms are no longer empty)."""


def test_each_coming_wing_has_its_rooms_empty_and_unmounted() -> None:
    import importlib

    import typer
    from fastapi.routing import iter_route_contexts
    from sqlalchemy import create_engine

    from saylau.api.app import create_app
    from saylau.cli.main import app as cli
    from saylau.services.context import Saylau

    served = {c.path for c in iter_route_contexts(create_app(Saylau(
        create_engine("sqlite://"))).routes)}
    registered = {g.typer_instance for g in cli.registered_groups}
    for issue, *packages, cli_module, typer_name in WINGS:
        for name in [p for p in packages if p is not None] + [cli_module]:
            module = importlib.import_module(name)
            assert f"issue {issue}" in (module.__doc__ or ""), (name, "names no issue")
        router = importlib.import_module(packages[2]).router
        group = getattr(importlib.import_module(cli_module), typer_name)
        assert isinstance(group, typer.Typer)
        if issue in BUILT:
            assert router.routes, f"{packages[2]} has no route"
            assert group in registered, f"{cli_module} is not registered"
            continue
        assert router.routes == [], f"{packages[2]} has routes: mount it in api/app.py"
        assert group not in registered, f"{cli_module} is registered without a command"
    assert "/api/admin-log/tree-head" in served  # the walk sees the mounted routers
