"""Hot-path reads as fixed SQL sent straight to the driver.

Every submission over the API authenticates its bearer token with three small reads
(api/policies.py, services/tokens.py). Built and compiled by SQLAlchemy's expression language,
each cost about 0.2 ms of the process's CPU in statement construction, cache-key generation
and result metadata, several times the database's own work (docs/benchmarks.md, "Live
submissions", the profile). The few statements on that path are written here once, in SQL
both SQLite and PostgreSQL accept, with `?` placeholders turned into the driver's own style;
every other query keeps the expression language.

Why by hand: no library removes SQLAlchemy's per-statement overhead short of not using it for
the statement; the statements are fixed text with bound parameters (no value is ever formatted
into SQL).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection


@cache
def _for_driver(sql: str, paramstyle: str) -> str:
    if paramstyle == "qmark":
        return sql
    if paramstyle in ("format", "pyformat"):
        return sql.replace("?", "%s")
    raise NotImplementedError(f"driver parameter style {paramstyle!r}")  # pragma: no cover


def first(conn: Connection, sql: str, params: Sequence[Any]) -> Any | None:
    """The first row of `sql` (with `?` placeholders) run with `params`, or None."""
    text = _for_driver(sql, conn.dialect.paramstyle)
    return conn.exec_driver_sql(text, tuple(params)).first()


__all__ = ["first"]
