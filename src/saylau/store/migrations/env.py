"""Alembic environment: runs on the connection saylau.store.db.upgrade hands it, or on
$SAYLAU_DATABASE_URL when called from the alembic command line."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from saylau.store.db import make_engine
from saylau.store.tables import metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    with make_engine().begin() as conn:
        _run(conn)
