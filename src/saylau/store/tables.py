"""The tables (the wings' own in store/tables_<wing>.py, re-exported here). Append-only where
the record lives: protocol versions, rejections, turnout reports are inserted and never updated
or deleted (the store has no code that does either)."""

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

# the wings' tables, each in a module of its own, named here too: every table is
# `saylau.store.tables.NAME` and `metadata` holds them all
from saylau.store.tables_audits import (
    audit_assignments,
    audit_counts,
    audit_measures,
    audit_outcomes,
    audit_samples,
    audit_seeds,
    audits,
)
from saylau.store.tables_base import Id, metadata
from saylau.store.tables_integrity import (
    integrity_params,
    integrity_runs,
    pvt_commitments,
    pvt_reports,
)
from saylau.store.tables_observation import (
    obs_accreditations,
    obs_copies,
    obs_deployments,
    obs_forms,
    obs_missions,
    obs_observers,
    obs_photos,
    obs_rejections,
    obs_reports,
)
from saylau.store.tables_parties import (
    party_applications,
    party_barred,
    party_events,
    party_member_rows,
)

units = Table(
    "units",
    metadata,
    Column("position", Integer, nullable=False, unique=True),
    Column("id", String(64), primary_key=True),
    Column("parent", String(64), nullable=True, index=True),
    Column("kind", String(16), nullable=False),
    Column("name_kk", Text, nullable=False),
    Column("name_ru", Text, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("code", String(16), nullable=True),
    Column("registered", BigInteger, nullable=False),
    Column("abroad", Boolean, nullable=False),
)

snapshots = Table(
    # What the server would otherwise rebuild from other tables at every start (the geography
    # as columns; later a contest's station table): a cache, never a record. Each row says
    # how much of the store it covers and the SHA-256 of its bytes, checked when read; a stale
    # or damaged one is rebuilt from the tables it was made from (store/snapshots.py).
    "snapshots",
    metadata,
    Column("name", String(128), primary_key=True),
    Column("covers", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("data", LargeBinary, nullable=False),
)

elections = Table(
    "elections",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name_kk", Text, nullable=False),
    Column("name_ru", Text, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("ruleset", String(16), nullable=False),
    Column("date", String(10), nullable=False),
    Column("created_by", String(128), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("params", Text, nullable=True),
    Column("signatures", String(16), nullable=False, server_default="optional"),
)

electoral_districts = Table(
    "electoral_districts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("election_id", String(64), ForeignKey("elections.id"), primary_key=True),
    Column("number", Integer, nullable=False),
    Column("name_kk", Text, nullable=False),
    Column("name_ru", Text, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("unit", String(64), nullable=False),
)

district_stations = Table(
    "district_stations",
    metadata,
    Column("election_id", String(64), primary_key=True),
    Column("district_id", String(64), primary_key=True),
    Column("station_id", String(64), primary_key=True),
)

contests = Table(
    "contests",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("election_id", String(64), ForeignKey("elections.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("name_kk", Text, nullable=False),
    Column("name_ru", Text, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("area", String(64), nullable=False),
    Column("constitutional", Boolean, nullable=True),
    Column("district_id", String(64), nullable=True),
)

options = Table(
    "options",
    metadata,
    Column("contest_id", String(64), ForeignKey("contests.id"), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("name_kk", Text, nullable=False),
    Column("name_ru", Text, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("registration_order", Integer, nullable=True),
    Column("party", String(64), nullable=True),
    Column("list_names", Text, nullable=True),
)

protocol_versions = Table(
    "protocol_versions",
    metadata,
    Column("seq", Id, primary_key=True, autoincrement=True),
    Column("contest_id", String(64), ForeignKey("contests.id"), nullable=False),
    Column("station_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("registered", BigInteger, nullable=False),
    Column("ballots_received", BigInteger, nullable=False),
    Column("ballots_issued", BigInteger, nullable=False),
    Column("ballots_cancelled", BigInteger, nullable=False),
    Column("ballots_in_boxes", BigInteger, nullable=False),
    Column("invalid", BigInteger, nullable=False),
    Column("both_marked", BigInteger, nullable=False),
    Column("votes", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("warnings", Text, nullable=False),
    Column("submitted_by", String(128), nullable=False),
    Column("submitted_at", String(40), nullable=False),
    Column("reason", Text, nullable=True),
    UniqueConstraint("contest_id", "station_id", "version", name="uq_protocol_slot_version"),
)

protocol_rejections = Table(
    "protocol_rejections",
    metadata,
    Column("seq", Id, primary_key=True, autoincrement=True),
    Column("contest_id", String(64), nullable=False),
    Column("station_id", String(64), nullable=False),
    Column("submitted", Text, nullable=False),
    Column("findings", Text, nullable=False),
    Column("submitted_by", String(128), nullable=False),
    Column("submitted_at", String(40), nullable=False),
    Index("ix_rejections_slot", "contest_id", "station_id"),
)

turnout_reports = Table(
    "turnout_reports",
    metadata,
    Column("seq", Id, primary_key=True, autoincrement=True),
    Column("contest_id", String(64), ForeignKey("contests.id"), nullable=False),
    Column("station_id", String(64), nullable=False),
    Column("at", String(5), nullable=False),
    Column("ballots_issued", BigInteger, nullable=False),
    Column("submitted_by", String(128), nullable=False),
    Column("submitted_at", String(40), nullable=False),
    UniqueConstraint("contest_id", "station_id", "at", name="uq_turnout_slot"),
    Index("ix_turnout_contest_seq", "contest_id", "seq"),
)

senate_sessions = Table(
    "senate_sessions",
    metadata,
    Column("seq", Id, primary_key=True, autoincrement=True),
    Column("contest_id", String(64), ForeignKey("contests.id"), nullable=False),
    Column("round", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("electors", Integer, nullable=False),
    Column("electors_present", Integer, nullable=False),
    Column("invalid", Integer, nullable=False),
    Column("votes", Text, nullable=False),
    Column("submitted_by", String(128), nullable=False),
    Column("submitted_at", String(40), nullable=False),
    Column("reason", Text, nullable=True),
    UniqueConstraint("contest_id", "round", "version", name="uq_senate_session_version"),
)

log_leaves = Table(
    "log_leaves",
    metadata,
    Column("seq", Id, primary_key=True, autoincrement=True),
    Column("election_id", String(64), nullable=False),
    Column("idx", BigInteger, nullable=False),
    Column("type", String(32), nullable=False),
    Column("data", Text, nullable=False),
    Column("leaf_hash", String(64), nullable=False),
    UniqueConstraint("election_id", "idx", name="uq_log_leaf_index"),
)
"""The transparency log: leaf `idx` of an election's log is the canonical bytes (as UTF-8
text) of one record (docs/record.md). Appended in the same transaction as what it records.
`election_id` names the log: an election's id, or the admin log (store.admin_log.ADMIN_LOG,
which is no valid election id); so it has no foreign key to elections (migration 0006)."""

tree_heads = Table(
    "tree_heads",
    metadata,
    Column("seq", Id, primary_key=True, autoincrement=True),
    Column("election_id", String(64), nullable=False),  # the log, as in log_leaves
    Column("size", BigInteger, nullable=False),
    Column("root", String(64), nullable=False),
    Column("timestamp", String(40), nullable=False),
    Column("key", String(32), nullable=False),
    Column("signature", String(128), nullable=False),
    Column("frontier", Text, nullable=False),
    UniqueConstraint("election_id", "size", name="uq_tree_head_size"),
)

commission_keys = Table(
    "commission_keys",
    metadata,
    Column("election_id", String(64), ForeignKey("elections.id"), primary_key=True),
    Column("key", String(32), primary_key=True),
    Column("unit", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("public_key", String(64), nullable=False),
    Column("registered_at", String(40), nullable=False),
    Column("revoked_at", String(40), nullable=True),
    Column("revoked_leaf", BigInteger, nullable=True),
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(128), nullable=False),
    Column("role", String(16), nullable=False),
    Column("scope", String(64), nullable=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", String(40), nullable=False),
    Column("revoked_at", String(40), nullable=True),
    Column("expires_at", String(40), nullable=True),  # set on every token issued (0006)
    Column("admin_log_leaf", BigInteger, nullable=True),
    # the index of its token_issued entry in the admin log, which binds its name, role,
    # scope, expiry and hash (services.tokens); None only for tokens issued before 0007;
    # named audit_leaf until 0008
)

auth_failures = Table(
    "auth_failures",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("limit_key", Text, nullable=False),
    # the rate limit's key: its rule and the client address (api/policies.py)
    Column("at_ms", BigInteger, nullable=False),
    Column("expires_ms", BigInteger, nullable=False),
    # failed authentications, counted in a moving window shared by every server process
    # (store/auth_failures.py); rows whose window has passed are deleted
    Index("ix_auth_failures_key_at", "limit_key", "at_ms"),
    Index("ix_auth_failures_expires", "expires_ms"),
)

__all__ = [
    "Id",
    "audit_assignments",
    "audit_counts",
    "audit_measures",
    "audit_outcomes",
    "audit_samples",
    "audit_seeds",
    "audits",
    "auth_failures",
    "commission_keys",
    "contests",
    "district_stations",
    "elections",
    "electoral_districts",
    "integrity_params",
    "integrity_runs",
    "log_leaves",
    "metadata",
    "obs_accreditations",
    "obs_copies",
    "obs_deployments",
    "obs_forms",
    "obs_missions",
    "obs_observers",
    "obs_photos",
    "obs_rejections",
    "obs_reports",
    "options",
    "party_applications",
    "party_barred",
    "party_events",
    "party_member_rows",
    "protocol_rejections",
    "protocol_versions",
    "pvt_commitments",
    "pvt_reports",
    "senate_sessions",
    "snapshots",
    "tokens",
    "tree_heads",
    "turnout_reports",
    "units",
]
"""Every table (the wings' re-exported from their modules), the metadata and the id type."""
