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
