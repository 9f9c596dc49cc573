"""access: tokens expire; the logs' table also holds the audit log

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 07:00:00
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

LEGACY_TTL = timedelta(days=3)
"""Tokens issued before expiry existed expire this long after they were issued (the default
lifetime of a new token): none is left valid for ever."""


def upgrade() -> None:
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.String(length=40), nullable=True))
    conn = op.get_bind()
    tokens = sa.table("tokens", sa.column("id", sa.Integer), sa.column("created_at", sa.String),
                      sa.column("expires_at", sa.String))
    for tid, created in conn.execute(sa.select(tokens.c.id, tokens.c.created_at)).all():
        expires = (datetime.fromisoformat(created) + LEGACY_TTL).isoformat()
        conn.execute(sa.update(tokens).where(tokens.c.id == tid).values(expires_at=expires))
    # the audit log lives beside the elections' logs under an id that is no election's
    with op.batch_alter_table("log_leaves", schema=None) as batch_op:
        batch_op.drop_constraint("fk_log_leaves_election_id_elections", type_="foreignkey")
    with op.batch_alter_table("tree_heads", schema=None) as batch_op:
        batch_op.drop_constraint("fk_tree_heads_election_id_elections", type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("tree_heads", schema=None) as batch_op:
        batch_op.create_foreign_key("fk_tree_heads_election_id_elections", "elections",
                                    ["election_id"], ["id"])
    with op.batch_alter_table("log_leaves", schema=None) as batch_op:
        batch_op.create_foreign_key("fk_log_leaves_election_id_elections", "elections",
                                    ["election_id"], ["id"])
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
