"""parties: party registration (issue 13): applications and their status events, member-list
rows in versions (IINs as keyed hashes and last four digits), the register of those barred
from party membership

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 12:00:00

Every table is append-only (store/tables.py, the parties block). The lead chains the wings'
migrations at merge (docs/architecture.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "party_applications",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name_kk", sa.Text(), nullable=False),
        sa.Column("name_ru", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=False),
        sa.Column("ruleset", sa.String(16), nullable=False),
        sa.Column("founders", sa.Integer(), nullable=False),
        sa.Column("founder_regions", sa.Text(), nullable=False),
        sa.Column("initiative_formed", sa.String(10), nullable=True),
        sa.Column("congress_held", sa.String(10), nullable=True),
        sa.Column("submitted_on", sa.String(10), nullable=False),
        sa.Column("submitted_by", sa.String(128), nullable=False),
        sa.Column("submitted_at", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_party_applications"),
    )
    op.create_table(
        "party_events",
        sa.Column("seq", _ID, autoincrement=True, nullable=False),
        sa.Column("party_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decision", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("by", sa.String(128), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.ForeignKeyConstraint(["party_id"], ["party_applications.id"],
                                name="fk_party_events_party_id_party_applications"),
        sa.PrimaryKeyConstraint("seq", name="pk_party_events"),
    )
    op.create_index("ix_party_events_party", "party_events", ["party_id", "seq"])
    op.create_table(
        "party_member_rows",
        sa.Column("seq", _ID, autoincrement=True, nullable=False),
        sa.Column("party_id", sa.String(64), nullable=False),
        sa.Column("row_no", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.Text(), nullable=False),
        sa.Column("birth_date", sa.String(32), nullable=False),
        sa.Column("iin_hash", sa.String(64), nullable=False),
        sa.Column("iin_last4", sa.String(4), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("region", sa.String(16), nullable=False),
        sa.Column("joined", sa.String(32), nullable=False),
        sa.Column("signature", sa.Boolean(), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("submitted_by", sa.String(128), nullable=False),
        sa.Column("submitted_at", sa.String(40), nullable=False),
        sa.ForeignKeyConstraint(["party_id"], ["party_applications.id"],
                                name="fk_party_member_rows_party_id_party_applications"),
        sa.PrimaryKeyConstraint("seq", name="pk_party_member_rows"),
        sa.UniqueConstraint("party_id", "row_no", "version",
                            name="uq_party_member_row_version"),
    )
    op.create_index("ix_party_member_rows_hash", "party_member_rows", ["iin_hash"])
    op.create_table(
        "party_barred",
        sa.Column("seq", _ID, autoincrement=True, nullable=False),
        sa.Column("iin_hash", sa.String(64), nullable=False),
        sa.Column("iin_last4", sa.String(4), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("imported_by", sa.String(128), nullable=False),
        sa.Column("imported_at", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_party_barred"),
    )
    op.create_index("ix_party_barred_hash", "party_barred", ["iin_hash"])


def downgrade() -> None:
    op.drop_index("ix_party_barred_hash", table_name="party_barred")
    op.drop_table("party_barred")
    op.drop_index("ix_party_member_rows_hash", table_name="party_member_rows")
    op.drop_table("party_member_rows")
    op.drop_index("ix_party_events_party", table_name="party_events")
    op.drop_table("party_events")
    op.drop_table("party_applications")
