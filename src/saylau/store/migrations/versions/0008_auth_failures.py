"""auth_failures: the failed authentications the rate limit counts, shared by every server
process (`saylau serve --workers N`)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auth_failures",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  autoincrement=True, nullable=False),
        sa.Column("limit_key", sa.Text(), nullable=False),
        sa.Column("at_ms", sa.BigInteger(), nullable=False),
        sa.Column("expires_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_failures")),
    )
    with op.batch_alter_table("auth_failures", schema=None) as batch_op:
        batch_op.create_index("ix_auth_failures_key_at", ["limit_key", "at_ms"], unique=False)
        batch_op.create_index("ix_auth_failures_expires", ["expires_ms"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("auth_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_auth_failures_expires")
        batch_op.drop_index("ix_auth_failures_key_at")
    op.drop_table("auth_failures")
