"""The PostgreSQL backup engine: a `pg_dump --format=custom` archive of a snapshot exported by
a repeatable-read transaction (the manifest is read from that same snapshot, so it describes
exactly what the archive holds), and `pg_restore` in one transaction."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL, make_url

from saylau import settings
from saylau.domain.errors import NotFound, Unavailable
from saylau.store.backup.inventory import describe


def backup(engine: Engine, partial: Path) -> dict[str, Any]:
    pg_dump, pg_restore = _pg_tool("pg_dump"), _pg_tool("pg_restore")
    conn_url, env = _libpq(engine.url)
    with engine.connect() as c:
        conn = c.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            # Export this transaction's snapshot and give it to pg_dump: the manifest is read
            # from exactly the state the archive holds, whatever is written meanwhile.
            snapshot = str(conn.execute(text("SELECT pg_export_snapshot()")).scalar_one())
            described = describe(conn)
            _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-password",
                  f"--file={partial}", f"--dbname={conn_url}"], env, "pg_dump")
    # The archive's check: pg_restore reads its table of contents and every data block
    # (decompressing each) without a database.
    _run([pg_restore, f"--file={os.devnull}", str(partial)], env, "pg_restore (check)")
    return described


def restore(backup_file: Path, url: str) -> None:
    """Restore the archive into the (empty) database at `url`, all of it or nothing."""
    pg_restore = _pg_tool("pg_restore")
    conn_url, env = _libpq(make_url(url))
    # --single-transaction with --exit-on-error: all of it or nothing. --no-owner and
    # --no-privileges: the tables belong to whoever restores (saylau grants nothing itself).
    _run([pg_restore, "--exit-on-error", "--single-transaction", "--no-owner",
          "--no-privileges", "--no-password", f"--dbname={conn_url}", str(backup_file)],
         env, "pg_restore")


def table_names(engine: Engine) -> list[str]:
    """Every table, view and foreign table of the database outside PostgreSQL's own
    schemas, as schema.name."""
    with engine.connect() as conn:
        return sorted(str(n) for n in conn.execute(text(
            "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON "
            "n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND "
            "n.nspname NOT IN ('pg_catalog', 'information_schema') AND "
            "n.nspname NOT LIKE 'pg_toast%'")).scalars())


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise NotFound(
            f"{name} is not installed: install the PostgreSQL client programs of the server's "
            "major version or newer (Debian: apt-get install postgresql-client)",
            code="pg_tool_missing",
            details={"field": name, "expected": "on PATH", "actual": "not found"})
    return found


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for pg_dump/pg_restore, and the environment to run them in: the
    password, if any, goes in PGPASSWORD, never on a command line others can read."""
    env = settings.child_environment()
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(argv: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - a PostgreSQL client found on PATH, no shell
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip().splitlines()
        raise Unavailable(f"{what} failed (exit {done.returncode}): "
                          + ("; ".join(message[-5:]) or "no message"), code="pg_tool_failed",
                          details={"field": what, "expected": "exit 0",
                                   "actual": done.returncode})


__all__ = ["backup", "restore", "table_names"]
