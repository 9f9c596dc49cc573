"""The pure core imports nothing from the shell: no web, database, files, environment, clock.

Walks every module of saylau.domain with `ast` and fails naming the module and the import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import saylau.domain

DOMAIN = Path(saylau.domain.__file__).parent
ALLOWED_THIRD_PARTY = {
    "numpy",
    "cryptography",  # Ed25519 signature verification: never write one's own crypto
    "scipy",  # audits (issue 15), integrity analytics (issue 14): statistical laws
    "diptest",  # integrity analytics (issue 14): Hartigan's dip test
}
FORBIDDEN_STDLIB = {
    "os", "pathlib", "sqlite3", "socket", "subprocess", "shutil", "tempfile", "urllib",
    "http", "asyncio", "threading", "multiprocessing", "time", "logging", "glob",
}
STDLIB_OK = {
    "__future__", "collections", "dataclasses", "enum", "fractions", "typing", "hashlib",
    "json", "csv", "io", "math", "datetime", "random", "re", "functools", "itertools",
    "decimal", "bisect", "heapq", "operator", "statistics", "string", "unicodedata", "abc",
    "numbers", "textwrap", "contextlib", "copy", "base64", "struct", "types", "codecs",
    "hmac",  # parties wing: keyed hashes of IINs (domain/parties/privacy.py), pure computing
    "warnings",  # integrity analytics: to silence a library's known, documented warning
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def test_domain_imports_only_stdlib_numpy_and_itself() -> None:
    bad: list[str] = []
    for path in sorted(DOMAIN.rglob("*.py")):
        for line, name in _imports(path):
            top = name.split(".")[0]
            if name.startswith("saylau."):
                if not name.startswith("saylau.domain"):
                    bad.append(f"{path.relative_to(DOMAIN)}:{line} imports {name} (the shell)")
            elif top in ALLOWED_THIRD_PARTY or top in STDLIB_OK:
                continue
            elif top in FORBIDDEN_STDLIB:
                bad.append(f"{path.relative_to(DOMAIN)}:{line} imports {name} (I/O or clock)")
            else:
                bad.append(f"{path.relative_to(DOMAIN)}:{line} imports {name} (not allowed)")
    assert not bad, "domain/ must stay pure:\n" + "\n".join(bad)


def test_domain_never_reads_the_clock() -> None:
    bad = []
    for path in sorted(DOMAIN.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for needle in ("datetime.now", "date.today", "time.time(", "utcnow("):
            if needle in text:
                bad.append(f"{path.relative_to(DOMAIN)} uses {needle}")
    assert not bad, bad


def test_the_check_walks_real_files() -> None:
    assert len(list(DOMAIN.rglob("*.py"))) >= 10
    assert ("saylau.domain.errors" in {n for _, n in _imports(DOMAIN / "protocols" / "checks.py")})
