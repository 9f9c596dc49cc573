"""The tables. Append-only where the record lives: protocol versions, rejections, turnout
reports are inserted and never updated or deleted (the store has no code that does either)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# BigInteger autoincrement keys do not autoincrement on SQLite; use Integer there.
Id = BigInteger().with_variant(Integer(), "sqlite")

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

# --- risk-limiting audits (issue 15) ---------------------------------------------------------
# Append-only, like the record they mirror: each row is also a leaf of the election's log
# (`leaf`), inserted under the log's turn (store/audits.py); a round's state is read from its
# rows, never updated. Migration 0013.

audits = Table(
    "audits",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("election_id", String(64), ForeignKey("elections.id"), nullable=False),
    Column("contest_id", String(64), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("risk_limit", String(32), nullable=False),
    Column("max_rounds", Integer, nullable=False),
    Column("manifest", Text, nullable=False),  # JSON: the stations' figures when it began
    Column("manifest_sha256", String(64), nullable=False),
    Column("assertions", Text, nullable=False),  # JSON, as in the leaf
    Column("notes", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("created_by", String(128), nullable=False),
    Column("leaf", BigInteger, nullable=False),
)

audit_assignments = Table(
    "audit_assignments",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("audit_id", String(64), ForeignKey("audits.id"), nullable=False),
    Column("station", String(64), nullable=False),
    Column("auditor", String(128), nullable=False),
    Column("assigned_at", String(40), nullable=False),
    Column("leaf", BigInteger, nullable=False),
    Index("ix_audit_assignments_audit_station", "audit_id", "station"),
)

audit_seeds = Table(
    "audit_seeds",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("audit_id", String(64), ForeignKey("audits.id"), nullable=False),
    Column("round", Integer, nullable=False),
    Column("seed", Text, nullable=False),
    Column("dice", Text, nullable=False),  # JSON list
    Column("observers", Text, nullable=False),  # JSON list of names
    Column("entered_at", String(40), nullable=False),
    Column("entered_by", String(128), nullable=False),
    Column("leaf", BigInteger, nullable=False),
    UniqueConstraint("audit_id", "round", name="uq_audit_seeds_round"),
)

audit_samples = Table(
    "audit_samples",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("audit_id", String(64), ForeignKey("audits.id"), nullable=False),
    Column("round", Integer, nullable=False),
    Column("start", Integer, nullable=False),  # draws of the earlier rounds
    Column("stations", Text, nullable=False),  # JSON: the stations drawn, in draw order
    Column("drawn_at", String(40), nullable=False),
    Column("drawn_by", String(128), nullable=False),
    Column("leaf", BigInteger, nullable=False),
    UniqueConstraint("audit_id", "round", name="uq_audit_samples_round"),
)

audit_counts = Table(
    "audit_counts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("audit_id", String(64), ForeignKey("audits.id"), nullable=False),
    Column("round", Integer, nullable=False),
    Column("station", String(64), nullable=False),
    Column("auditor", String(128), nullable=False),
    Column("counts", Text, nullable=False),  # JSON: category -> ballots counted by hand
    Column("entered_at", String(40), nullable=False),
    Column("leaf", BigInteger, nullable=False),
    Index("ix_audit_counts_audit_station", "audit_id", "station"),
)

audit_measures = Table(
    "audit_measures",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("audit_id", String(64), ForeignKey("audits.id"), nullable=False),
    Column("round", Integer, nullable=False),
    Column("risk", String(40), nullable=False),
    Column("draws", Integer, nullable=False),
    Column("decision", String(32), nullable=False),
    Column("discrepancies", Integer, nullable=False),
    Column("measured_at", String(40), nullable=False),
    Column("measured_by", String(128), nullable=False),
    Column("leaf", BigInteger, nullable=False),
    UniqueConstraint("audit_id", "round", name="uq_audit_measures_round"),
)

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
