"""audits_full: risk-limiting audits (issue 15), second step: a ballot-polling audit's method
(BRAVO or Minerva) on its audit row, and the full hand count's conclusion after an escalation
(its totals and the outcome confirmed or overturned), also a leaf of the log

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 15:10:00

(Chained after 0014 snapshots, which landed beside it.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("method", sa.String(length=16), nullable=True))
    op.create_table(
        "audit_outcomes",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("audit_id", sa.String(length=64), nullable=False),
        sa.Column("stations", sa.Integer(), nullable=False),
        sa.Column("totals", sa.Text(), nullable=False),
        sa.Column("reported", sa.Text(), nullable=False),
        sa.Column("counted", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("concluded_at", sa.String(length=40), nullable=False),
        sa.Column("concluded_by", sa.String(length=128), nullable=False),
        sa.Column("leaf", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["audit_id"], ["audits.id"],
                                name=op.f("fk_audit_outcomes_audit_id_audits")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_outcomes")),
        sa.UniqueConstraint("audit_id", name="uq_audit_outcomes_audit"),
    )


def downgrade() -> None:
    op.drop_table("audit_outcomes")
    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.drop_column("method")
