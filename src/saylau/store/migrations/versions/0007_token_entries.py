"""tokens: each token names its signed audit entry (its role, scope and expiry are checked
against it on every use)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 09:00:00

Tokens issued before this revision have no entry to be checked against (their entries lack
the token's fingerprint): they are left unbound and refused on use (401 `token_unbound`),
and are to be issued again (docs/operations.md, "Access").
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audit_leaf", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        batch_op.drop_column("audit_leaf")
