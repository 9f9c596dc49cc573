"""Every clock read of the services, the API and the site goes through the context's clocks
(services.context.Saylau.clock for the time of day, Saylau.monotonic for a stopwatch), which
tests replace: no module there calls datetime.now, time.time, time.monotonic and the like.

Walks every module of those rooms with `ast`; services/context.py, which defines the real
clocks, is the one exception. Shown failing on synthetic direct reads."""

from __future__ import annotations

import ast
from pathlib import Path

import saylau

SRC = Path(saylau.__file__).parent
ROOMS = ("services", "api", "web")
CLOCK_MAKER = SRC / "services" / "context.py"
CLOCK_MODULES = frozenset({"time", "datetime"})
CLOCK_CALLS = frozenset({"now", "utcnow", "today", "time", "time_ns", "monotonic",
                         "monotonic_ns", "perf_counter", "perf_counter_ns", "localtime",
                         "gmtime", "ctime", "process_time"})
"""Functions of `time`, and class methods of `datetime`/`date`, that read a clock."""


def _clock_names(tree: ast.AST) -> tuple[set[str], set[str]]:
    """Names bound to the clock modules or their classes (import time as _time, from datetime
    import datetime, date), and names bound to clock functions (from time import monotonic)."""
    holders: set[str] = set()
    functions: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name in CLOCK_MODULES:
                    holders.add(a.asname or a.name)
        elif isinstance(node, ast.ImportFrom) and node.module in CLOCK_MODULES:
            for a in node.names:
                name = a.asname or a.name
                if a.name in ("datetime", "date"):
                    holders.add(name)
                elif a.name in CLOCK_CALLS:
                    functions.add(name)
    return holders, functions


def clock_reads(source: str) -> list[int]:
    """The lines of `source` that read a clock directly."""
    tree = ast.parse(source)
    holders, functions = _clock_names(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Name) and f.id in functions:
            found.append(node.lineno)
        elif isinstance(f, ast.Attribute) and f.attr in CLOCK_CALLS:
            base = f.value
            root = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
            if root in holders or root in ("datetime", "date"):
                found.append(node.lineno)
    return found


def test_services_api_and_site_read_the_clock_only_through_the_context() -> None:
    bad = []
    checked = 0
    for room in ROOMS:
        for path in sorted((SRC / room).rglob("*.py")):
            if path == CLOCK_MAKER:
                continue
            checked += 1
            bad += [f"{path.relative_to(SRC)}:{line}"
                    for line in clock_reads(path.read_text(encoding="utf-8"))]
    assert checked > 50
    assert not bad, "read the time through app.clock() or app.monotonic():\n" + "\n".join(bad)


def test_the_context_is_where_the_real_clocks_are_read() -> None:
    assert len(clock_reads(CLOCK_MAKER.read_text(encoding="utf-8"))) == 2


def test_the_check_finds_each_way_of_reading_a_clock() -> None:
    src = ("import time\nimport time as _t\nimport datetime as dt\n"
           "from datetime import UTC, datetime, date\nfrom time import monotonic as mono\n"
           "def f(app):\n"
           "    a = datetime.now(UTC)\n"       # 7
           "    b = time.time()\n"             # 8
           "    c = _t.monotonic()\n"          # 9
           "    d = dt.datetime.utcnow()\n"    # 10
           "    e = date.today()\n"            # 11
           "    g = mono()\n"                  # 12
           "    h = app.clock()\n"             # not a read: the context's clock
           "    i = app.monotonic()\n"         # nor this
           "    j = datetime(2024, 1, 1, tzinfo=UTC)\n"  # a date, not a read
           "    return datetime.fromisoformat('2024-01-01')\n")
    assert clock_reads(src) == [7, 8, 9, 10, 11, 12]
