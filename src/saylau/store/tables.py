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

# --- integrity analytics (issue 14) ---------------------------------------------------------
# The tests' parameters and the quick count's seed commitment are fixed in the election's
# record (leaves "integrity-params" and "pvt-commitment") before results come in; these rows
# point at those leaves. Runs and quick-count reports are kept, never overwritten (an id each).

integrity_params = Table(
    "integrity_params",
    metadata,
    Column("election_id", String(64), primary_key=True),
    Column("params", Text, nullable=False),  # canonical JSON (domain.integrity.suite)
    Column("sha256", String(64), nullable=False),
    Column("leaf", BigInteger, nullable=False),
    Column("fixed_by", String(128), nullable=False),
    Column("fixed_at", String(40), nullable=False),
)

pvt_commitments = Table(
    "pvt_commitments",
    metadata,
    Column("election_id", String(64), primary_key=True),
    Column("commitment", String(64), nullable=False),  # SHA-256 of the seed, hex
    Column("margin", Text, nullable=False),  # the planned margin of error, as text
    Column("sigma", Text, nullable=False),
    Column("leaf", BigInteger, nullable=False),
    Column("committed_by", String(128), nullable=False),
    Column("committed_at", String(40), nullable=False),
    Column("seed", Text, nullable=True),  # revealed after the count, checked
    Column("revealed_at", String(40), nullable=True),
)

pvt_reports = Table(
    "pvt_reports",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("election_id", String(64), nullable=False),
    Column("station_id", String(64), nullable=False),
    Column("source", String(32), nullable=False),  # csv | observer | official
    Column("registered", BigInteger, nullable=False),
    Column("given", BigInteger, nullable=False),
    Column("valid", BigInteger, nullable=False),
    Column("votes", Text, nullable=False),  # JSON {option: votes}
    Column("received_by", String(128), nullable=False),
    Column("received_at", String(40), nullable=False),
    Index("ix_pvt_reports_election", "election_id", "station_id"),
)

integrity_runs = Table(
    "integrity_runs",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("election_id", String(64), nullable=False),
    Column("contest_id", String(64), nullable=False),
    Column("params_sha256", String(64), nullable=False),
    Column("result", Text, nullable=False),  # JSON, as `saylau integrity run --json`
    Column("run_at", String(40), nullable=False),
    Index("ix_integrity_runs_election", "election_id", "id"),
)
