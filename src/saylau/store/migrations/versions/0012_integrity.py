"""integrity: the integrity tests' fixed parameters, the quick count's seed commitment and
reports, and the stored runs (issue 14)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "integrity_params",
        sa.Column("election_id", sa.String(64), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("leaf", sa.BigInteger(), nullable=False),
        sa.Column("fixed_by", sa.String(128), nullable=False),
        sa.Column("fixed_at", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("election_id", name=op.f("pk_integrity_params")),
    )
    op.create_table(
        "pvt_commitments",
        sa.Column("election_id", sa.String(64), nullable=False),
        sa.Column("commitment", sa.String(64), nullable=False),
        sa.Column("margin", sa.Text(), nullable=False),
        sa.Column("sigma", sa.Text(), nullable=False),
        sa.Column("leaf", sa.BigInteger(), nullable=False),
        sa.Column("committed_by", sa.String(128), nullable=False),
        sa.Column("committed_at", sa.String(40), nullable=False),
        sa.Column("seed", sa.Text(), nullable=True),
        sa.Column("revealed_at", sa.String(40), nullable=True),
        sa.PrimaryKeyConstraint("election_id", name=op.f("pk_pvt_commitments")),
    )
    op.create_table(
        "pvt_reports",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("election_id", sa.String(64), nullable=False),
        sa.Column("station_id", sa.String(64), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("registered", sa.BigInteger(), nullable=False),
        sa.Column("given", sa.BigInteger(), nullable=False),
        sa.Column("valid", sa.BigInteger(), nullable=False),
        sa.Column("votes", sa.Text(), nullable=False),
        sa.Column("received_by", sa.String(128), nullable=False),
        sa.Column("received_at", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pvt_reports")),
    )
    with op.batch_alter_table("pvt_reports", schema=None) as batch_op:
        batch_op.create_index("ix_pvt_reports_election", ["election_id", "station_id"],
                              unique=False)
    op.create_table(
        "integrity_runs",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("election_id", sa.String(64), nullable=False),
        sa.Column("contest_id", sa.String(64), nullable=False),
        sa.Column("params_sha256", sa.String(64), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("run_at", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrity_runs")),
    )
    with op.batch_alter_table("integrity_runs", schema=None) as batch_op:
        batch_op.create_index("ix_integrity_runs_election", ["election_id", "id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("integrity_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_integrity_runs_election")
    op.drop_table("integrity_runs")
    with op.batch_alter_table("pvt_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_pvt_reports_election")
    op.drop_table("pvt_reports")
    op.drop_table("pvt_commitments")
    op.drop_table("integrity_params")
