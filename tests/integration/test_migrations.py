"""The Alembic migrations build exactly the schema saylau.store.tables declares, on both
databases: a change to the tables without its migration (or the reverse) fails here."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from saylau.services.context import Saylau
from saylau.store.tables import metadata


def test_migrations_match_the_tables(saylau: Saylau) -> None:
    with saylau.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == [], diff


def test_0008_renames_the_tokens_admin_log_column_keeping_its_values(db_url: str) -> None:
    """A store at 0007 with tokens, one of them bound to its entry and one from before
    binding: after 0008 the same values are in admin_log_leaf, and a downgrade gives them
    back to audit_leaf."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect, text

    from saylau.store import db

    engine = db.make_engine(db_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(db.migrations_dir()))

    def migrate(step: str, target: str) -> None:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            getattr(command, step)(cfg, target)

    def columns() -> set[str]:
        with engine.connect() as conn:
            return {c["name"] for c in inspect(conn).get_columns("tokens")}

    try:
        migrate("upgrade", "0008")
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO tokens (name, role, scope, token_hash, created_at, expires_at, "
                "audit_leaf) VALUES ('a', 'admin', NULL, 'h1', '2026-01-01T00:00:00+00:00', "
                "'2026-01-04T00:00:00+00:00', 7), ('b', 'observer', NULL, 'h2', "
                "'2026-01-01T00:00:00+00:00', '2026-01-04T00:00:00+00:00', NULL)"))
        migrate("upgrade", "0009")
        assert "admin_log_leaf" in columns() and "audit_leaf" not in columns()
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT name, admin_log_leaf FROM tokens ORDER BY name"))
            assert [tuple(r) for r in rows] == [("a", 7), ("b", None)]
        migrate("downgrade", "0008")
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT name, audit_leaf FROM tokens ORDER BY name"))
            assert [tuple(r) for r in rows] == [("a", 7), ("b", None)]
    finally:
        engine.dispose()
