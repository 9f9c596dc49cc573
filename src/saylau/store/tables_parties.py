"""The tables of party registration (parties wing, issue 13): part of the one schema
(store/tables.py re-exports them, so `saylau.store.tables` names every table and its
`metadata` holds them all)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from saylau.store.tables_base import Id, metadata

# --- parties wing (issue 13): party registration --------------------------------------------
# Append-only like the record: an application's status is its latest event, a member row's
# content its latest version, the barred register's entry its latest line. IINs are kept as
# keyed hashes (HMAC-SHA-256 under the register's key, store/parties_key.py) and their last
# four digits only; `key_id` names the key a hash was made with.

party_applications = Table(
    "party_applications",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name_kk", Text, nullable=False),
    Column("name_ru", Text, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("ruleset", String(16), nullable=False),
    Column("founders", Integer, nullable=False),
    Column("founder_regions", Text, nullable=False),  # JSON list of region codes
    Column("initiative_formed", String(10), nullable=True),
    Column("congress_held", String(10), nullable=True),
    Column("submitted_on", String(10), nullable=False),
    Column("submitted_by", String(128), nullable=False),
    Column("submitted_at", String(40), nullable=False),
)

party_events = Table(
    "party_events",
    metadata,
    Column("seq", Id, primary_key=True, autoincrement=True),
    Column("party_id", String(64), ForeignKey("party_applications.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("decision", Text, nullable=True),  # JSON: the decision and its explanation
    Column("reason", Text, nullable=True),
    Column("by", String(128), nullable=False),
    Column("at", String(40), nullable=False),
    Index("ix_party_events_party", "party_id", "seq"),
)

party_member_rows = Table(
    "party_member_rows",
    metadata,
    Column("seq", Id, primary_key=True, autoincrement=True),
    Column("party_id", String(64), ForeignKey("party_applications.id"), nullable=False),
    Column("row_no", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("source_line", Integer, nullable=False),
    Column("full_name", Text, nullable=False),
    Column("birth_date", String(32), nullable=False),
    Column("iin_hash", String(64), nullable=False),
    Column("iin_last4", String(4), nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("region", String(16), nullable=False),
    Column("joined", String(32), nullable=False),
    Column("signature", Boolean, nullable=False),
    Column("withdrawn", Boolean, nullable=False),
    Column("findings", Text, nullable=False),  # JSON: the row's own findings (members.py)
    Column("content_hash", String(64), nullable=False),
    Column("reason", Text, nullable=True),
    Column("submitted_by", String(128), nullable=False),
    Column("submitted_at", String(40), nullable=False),
    UniqueConstraint("party_id", "row_no", "version", name="uq_party_member_row_version"),
    Index("ix_party_member_rows_hash", "iin_hash"),
)

party_barred = Table(
    "party_barred",
    metadata,
    Column("seq", Id, primary_key=True, autoincrement=True),
    Column("iin_hash", String(64), nullable=False),
    Column("iin_last4", String(4), nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("category", String(32), nullable=False),
    Column("withdrawn", Boolean, nullable=False),
    Column("imported_by", String(128), nullable=False),
    Column("imported_at", String(40), nullable=False),
    Index("ix_party_barred_hash", "iin_hash"),
)

__all__ = [
    "party_applications",
    "party_barred",
    "party_events",
    "party_member_rows",
]
