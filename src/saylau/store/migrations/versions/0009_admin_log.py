"""admin log: the administrative actions' log is the admin log, so that risk-limiting audits
can take the word "audit"; a token's column naming its entry follows

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10 09:00:00

Only a column is renamed (tokens.audit_leaf -> admin_log_leaf); its values are kept. The
entries themselves stay as they are: their record type "audit" is inside their canonical
bytes, covered by their leaf hashes and the signed tree heads, and their log id "@audit"
stays with them (store.admin_log says why).
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        batch_op.alter_column("audit_leaf", new_column_name="admin_log_leaf")


def downgrade() -> None:
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        batch_op.alter_column("admin_log_leaf", new_column_name="audit_leaf")
