"""The tables of observation (issue 12): part of the one schema (store/tables.py re-exports
them, so `saylau.store.tables` names every table and its `metadata` holds them all)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from saylau.store.tables_base import Id, metadata

# --- observation (issue 12) ------------------------------------------------------------------
# Missions, observers and their accreditation and deployment (append-only events: the current
# state is the latest event), forms (versioned), observers' reports and protocol copies
# (versioned slots, read by seq: store.log.SEQUENCED_TABLES), refused submissions (nothing an
# observer sent is lost) and photos (by hash, EXIF stripped). domain/observation says the rules.

obs_missions = Table(
    "obs_missions",
    metadata,
    Column("election_id", String(64), ForeignKey("elections.id"), primary_key=True),
    Column("code", String(16), primary_key=True),
    Column("name", Text, nullable=False),
    Column("organisation", String(32), nullable=False),
    Column("signed_reports", Boolean, nullable=False),
    Column("created_by", String(128), nullable=False),
    Column("created_at", String(40), nullable=False),
)

obs_observers = Table(
    "obs_observers",
    metadata,
    Column("election_id", String(64), ForeignKey("elections.id"), primary_key=True),
    Column("badge", String(24), primary_key=True),
    Column("mission_code", String(16), nullable=False),
    Column("serial", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("public_key", String(64), nullable=True),
    Column("applied_by", String(128), nullable=False),
    Column("applied_at", String(40), nullable=False),
    UniqueConstraint("election_id", "mission_code", "serial", name="uq_obs_observer_serial"),
)

obs_accreditations = Table(
    "obs_accreditations",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("election_id", String(64), nullable=False),
    Column("badge", String(24), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", Text, nullable=True),
    Column("by", String(128), nullable=False),
    Column("at", String(40), nullable=False),
    Index("ix_obs_accreditations_badge", "election_id", "badge"),
)

obs_deployments = Table(
    "obs_deployments",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("election_id", String(64), nullable=False),
    Column("badge", String(24), nullable=False),
    Column("station_id", String(64), nullable=False),
    Column("action", String(16), nullable=False),
    Column("by", String(128), nullable=False),
    Column("at", String(40), nullable=False),
    Index("ix_obs_deployments_badge", "election_id", "badge"),
)

obs_forms = Table(
    "obs_forms",
    metadata,
    Column("election_id", String(64), ForeignKey("elections.id"), primary_key=True),
    Column("form_id", String(40), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("owner", String(16), nullable=True),
    Column("definition", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("by", String(128), nullable=False),
    Column("at", String(40), nullable=False),
)

obs_reports = Table(
    "obs_reports",
    metadata,
    Column("seq", Id, primary_key=True, autoincrement=True),
    Column("election_id", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("badge", String(24), nullable=False),
    Column("station_id", String(64), nullable=False),
    Column("slot", String(128), nullable=False),
    Column("form_id", String(40), nullable=False),
    Column("form_version", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("answers", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("photo_hash", String(64), nullable=True),
    Column("reason", Text, nullable=True),
    Column("submitted_by", String(128), nullable=False),
    Column("submitted_at", String(40), nullable=False),
    Column("leaf_idx", BigInteger, nullable=False),
    UniqueConstraint("election_id", "badge", "station_id", "slot", "version",
                     name="uq_obs_report_slot_version"),
    Index("ix_obs_reports_election_seq", "election_id", "seq"),
)

obs_copies = Table(
    "obs_copies",
    metadata,
    Column("seq", Id, primary_key=True, autoincrement=True),
    Column("election_id", String(64), nullable=False),
    Column("contest_id", String(64), ForeignKey("contests.id"), nullable=False),
    Column("station_id", String(64), nullable=False),
    Column("badge", String(24), nullable=False),
    Column("version", Integer, nullable=False),
    Column("figures", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("photo_hash", String(64), nullable=True),
    Column("reason", Text, nullable=True),
    Column("submitted_by", String(128), nullable=False),
    Column("submitted_at", String(40), nullable=False),
    Column("leaf_idx", BigInteger, nullable=False),
    UniqueConstraint("contest_id", "station_id", "badge", "version",
                     name="uq_obs_copy_slot_version"),
    Index("ix_obs_copies_contest_seq", "contest_id", "seq"),
)

obs_rejections = Table(
    "obs_rejections",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("election_id", String(64), nullable=False),
    Column("badge", String(24), nullable=True),
    Column("station_id", String(64), nullable=True),
    Column("kind", String(16), nullable=False),
    Column("submitted", Text, nullable=False),
    Column("code", String(64), nullable=False),
    Column("message", Text, nullable=False),
    Column("at", String(40), nullable=False),
)

obs_photos = Table(
    "obs_photos",
    metadata,
    Column("hash", String(64), primary_key=True),
    Column("election_id", String(64), nullable=False),
    Column("media_type", String(32), nullable=False),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("stored_by", String(128), nullable=False),
    Column("stored_at", String(40), nullable=False),
)
# --- end of observation ----------------------------------------------------------------------

__all__ = [
    "obs_accreditations",
    "obs_copies",
    "obs_deployments",
    "obs_forms",
    "obs_missions",
    "obs_observers",
    "obs_photos",
    "obs_rejections",
    "obs_reports",
]
