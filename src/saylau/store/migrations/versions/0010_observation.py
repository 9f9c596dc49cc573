"""observation (issue 12): missions, observers and their accreditation and deployment (events),
forms, observers' reports and protocol copies (read by seq), refused submissions and photos

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 12:00:00

New tables only; nothing existing changes. The lead chains the wings' migrations at merge.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TABLES = (
    "obs_copies",
    "obs_observers",
    "obs_missions",
    "obs_forms",
    "obs_reports",
    "obs_rejections",
    "obs_photos",
    "obs_deployments",
    "obs_accreditations",
)


def upgrade() -> None:
    op.create_table(
        "obs_accreditations",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("election_id", sa.String(length=64), nullable=False),
        sa.Column("badge", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("by", sa.String(length=128), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_obs_accreditations")),
    )
    op.create_index(
        "ix_obs_accreditations_badge", "obs_accreditations", ["election_id", "badge"], unique=False
    )
    op.create_table(
        "obs_deployments",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("election_id", sa.String(length=64), nullable=False),
        sa.Column("badge", sa.String(length=24), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("by", sa.String(length=128), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_obs_deployments")),
    )
    op.create_index(
        "ix_obs_deployments_badge", "obs_deployments", ["election_id", "badge"], unique=False
    )
    op.create_table(
        "obs_photos",
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("election_id", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("stored_by", sa.String(length=128), nullable=False),
        sa.Column("stored_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("hash", name=op.f("pk_obs_photos")),
    )
    op.create_table(
        "obs_rejections",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("election_id", sa.String(length=64), nullable=False),
        sa.Column("badge", sa.String(length=24), nullable=True),
        sa.Column("station_id", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("submitted", sa.Text(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_obs_rejections")),
    )
    op.create_table(
        "obs_reports",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("election_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("badge", sa.String(length=24), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("slot", sa.String(length=128), nullable=False),
        sa.Column("form_id", sa.String(length=40), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("photo_hash", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("submitted_by", sa.String(length=128), nullable=False),
        sa.Column("submitted_at", sa.String(length=40), nullable=False),
        sa.Column("leaf_idx", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_obs_reports")),
        sa.UniqueConstraint(
            "election_id",
            "badge",
            "station_id",
            "slot",
            "version",
            name="uq_obs_report_slot_version",
        ),
    )
    op.create_index(
        "ix_obs_reports_election_seq", "obs_reports", ["election_id", "seq"], unique=False
    )
    op.create_table(
        "obs_forms",
        sa.Column("election_id", sa.String(length=64), nullable=False),
        sa.Column("form_id", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=16), nullable=True),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("by", sa.String(length=128), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.id"], name=op.f("fk_obs_forms_election_id_elections")
        ),
        sa.PrimaryKeyConstraint("election_id", "form_id", "version", name=op.f("pk_obs_forms")),
    )
    op.create_table(
        "obs_missions",
        sa.Column("election_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("organisation", sa.String(length=32), nullable=False),
        sa.Column("signed_reports", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.id"], name=op.f("fk_obs_missions_election_id_elections")
        ),
        sa.PrimaryKeyConstraint("election_id", "code", name=op.f("pk_obs_missions")),
    )
    op.create_table(
        "obs_observers",
        sa.Column("election_id", sa.String(length=64), nullable=False),
        sa.Column("badge", sa.String(length=24), nullable=False),
        sa.Column("mission_code", sa.String(length=16), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=True),
        sa.Column("applied_by", sa.String(length=128), nullable=False),
        sa.Column("applied_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.id"], name=op.f("fk_obs_observers_election_id_elections")
        ),
        sa.PrimaryKeyConstraint("election_id", "badge", name=op.f("pk_obs_observers")),
        sa.UniqueConstraint("election_id", "mission_code", "serial", name="uq_obs_observer_serial"),
    )
    op.create_table(
        "obs_copies",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("election_id", sa.String(length=64), nullable=False),
        sa.Column("contest_id", sa.String(length=64), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("badge", sa.String(length=24), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("photo_hash", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("submitted_by", sa.String(length=128), nullable=False),
        sa.Column("submitted_at", sa.String(length=40), nullable=False),
        sa.Column("leaf_idx", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contest_id"], ["contests.id"], name=op.f("fk_obs_copies_contest_id_contests")
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_obs_copies")),
        sa.UniqueConstraint(
            "contest_id", "station_id", "badge", "version", name="uq_obs_copy_slot_version"
        ),
    )
    op.create_index("ix_obs_copies_contest_seq", "obs_copies", ["contest_id", "seq"], unique=False)


def downgrade() -> None:
    for name in TABLES:
        op.drop_table(name)
