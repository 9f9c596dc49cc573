"""What a store holds, as a backup's manifest records it and a restore compares it: the schema
revision, the row count of every table, and for each election its log's size, its latest
signed tree head and its central commission's public key. Read inside the caller's
transaction (a backup reads it from the very snapshot it copies)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, func, inspect, select, table, text

from saylau.domain.errors import NotFound
from saylau.store import db, log
from saylau.store.elections import election_ids
from saylau.store.keys import central_public_keys


def describe(conn: Connection) -> dict[str, Any]:
    """What a backup's manifest says about a store, read inside `conn`'s transaction: the
    schema revision, every table's row count, and each election's log and keys."""
    names = sorted(inspect(conn).get_table_names())
    if "alembic_version" not in names:
        raise NotFound("this database has no saylau schema (no alembic_version table)",
                       details={"field": "database", "expected": "a saylau store",
                                "actual": f"{len(names)} table(s)"})
    revisions = [str(r) for r in conn.execute(text("SELECT version_num FROM alembic_version"))
                 .scalars()]
    return {"schema_revision": revisions[0] if len(revisions) == 1 else revisions,
            "rows": row_counts(conn, names), "elections": election_logs(conn)}


def row_counts(conn: Connection, names: Iterable[str]) -> dict[str, int]:
    """The number of rows of each named table (every table of a store is walked alike)."""
    return {n: int(conn.execute(select(func.count()).select_from(table(n))).scalar_one())
            for n in names}


def election_logs(conn: Connection) -> dict[str, dict[str, Any]]:
    """Per election: its log's size, its latest signed tree head, its central public key (as
    the manifest records them and the restore compares them)."""
    elections: dict[str, dict[str, Any]] = {}
    for eid in election_ids(conn):
        latest = log.latest_head(conn, eid)
        central = central_public_keys(conn, eid)
        elections[eid] = {
            "log_size": log.log_size(conn, eid),
            "tree_head": None if latest is None else {
                "size": latest[0].size, "root": latest[0].root,
                "timestamp": latest[0].timestamp},
            "central_public_key": central[0] if len(central) == 1 else None,
        }
    return elections


def known_revisions() -> set[str]:
    """Every schema revision this saylau's migrations know."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(db.migrations_dir()))
    return {s.revision for s in ScriptDirectory.from_config(cfg).walk_revisions()}


__all__ = ["describe", "election_logs", "known_revisions", "row_counts"]
