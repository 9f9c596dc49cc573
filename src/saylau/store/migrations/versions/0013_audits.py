"""audits: risk-limiting audits (issue 15): the audit, its auditors' assignments, each round's
seed, sample and measured risk, and the hand counts; every row also a leaf of the log

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 12:10:00

(The wings' migrations are chained in the order they landed: 0010 observation, 0011 parties,
0012 integrity, 0013 audits.)
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _child(name: str, *columns: sa.Column[Any], unique_round: bool = False,
           index: str | None = None) -> None:
    extra: list[sa.UniqueConstraint] = []
    if unique_round:
        extra.append(sa.UniqueConstraint("audit_id", "round", name=f"uq_{name}_round"))
    op.create_table(
        name,
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("audit_id", sa.String(length=64), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(["audit_id"], ["audits.id"],
                                name=op.f(f"fk_{name}_audit_id_audits")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        *extra,
    )
    if index:
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.create_index(index, ["audit_id", "station"], unique=False)


def upgrade() -> None:
    op.create_table(
        "audits",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("election_id", sa.String(length=64), nullable=False),
        sa.Column("contest_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("risk_limit", sa.String(length=32), nullable=False),
        sa.Column("max_rounds", sa.Integer(), nullable=False),
        sa.Column("manifest", sa.Text(), nullable=False),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=False),
        sa.Column("assertions", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("leaf", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["election_id"], ["elections.id"],
                                name=op.f("fk_audits_election_id_elections")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audits")),
    )
    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audits_contest_id"), ["contest_id"], unique=False)
    _child("audit_assignments",
           sa.Column("station", sa.String(length=64), nullable=False),
           sa.Column("auditor", sa.String(length=128), nullable=False),
           sa.Column("assigned_at", sa.String(length=40), nullable=False),
           sa.Column("leaf", sa.BigInteger(), nullable=False),
           index="ix_audit_assignments_audit_station")
    _child("audit_seeds",
           sa.Column("round", sa.Integer(), nullable=False),
           sa.Column("seed", sa.Text(), nullable=False),
           sa.Column("dice", sa.Text(), nullable=False),
           sa.Column("observers", sa.Text(), nullable=False),
           sa.Column("entered_at", sa.String(length=40), nullable=False),
           sa.Column("entered_by", sa.String(length=128), nullable=False),
           sa.Column("leaf", sa.BigInteger(), nullable=False),
           unique_round=True)
    _child("audit_samples",
           sa.Column("round", sa.Integer(), nullable=False),
           sa.Column("start", sa.Integer(), nullable=False),
           sa.Column("stations", sa.Text(), nullable=False),
           sa.Column("drawn_at", sa.String(length=40), nullable=False),
           sa.Column("drawn_by", sa.String(length=128), nullable=False),
           sa.Column("leaf", sa.BigInteger(), nullable=False),
           unique_round=True)
    _child("audit_counts",
           sa.Column("round", sa.Integer(), nullable=False),
           sa.Column("station", sa.String(length=64), nullable=False),
           sa.Column("auditor", sa.String(length=128), nullable=False),
           sa.Column("counts", sa.Text(), nullable=False),
           sa.Column("entered_at", sa.String(length=40), nullable=False),
           sa.Column("leaf", sa.BigInteger(), nullable=False),
           index="ix_audit_counts_audit_station")
    _child("audit_measures",
           sa.Column("round", sa.Integer(), nullable=False),
           sa.Column("risk", sa.String(length=40), nullable=False),
           sa.Column("draws", sa.Integer(), nullable=False),
           sa.Column("decision", sa.String(length=32), nullable=False),
           sa.Column("discrepancies", sa.Integer(), nullable=False),
           sa.Column("measured_at", sa.String(length=40), nullable=False),
           sa.Column("measured_by", sa.String(length=128), nullable=False),
           sa.Column("leaf", sa.BigInteger(), nullable=False),
           unique_round=True)


def downgrade() -> None:
    for name in ("audit_measures", "audit_counts", "audit_samples", "audit_seeds",
                 "audit_assignments"):
        op.drop_table(name)
    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audits_contest_id"))
    op.drop_table("audits")
