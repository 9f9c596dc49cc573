"""The tables of risk-limiting audits (issue 15): part of the one schema (store/tables.py re-exports
them, so `saylau.store.tables` names every table and its `metadata` holds them all)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
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
    Column("method", String(16), nullable=True),  # ballot polling: bravo|minerva (0014)
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

audit_outcomes = Table(
    "audit_outcomes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("audit_id", String(64), ForeignKey("audits.id"), nullable=False),
    Column("stations", Integer, nullable=False),
    Column("totals", Text, nullable=False),  # JSON: category -> ballots counted by hand
    Column("reported", Text, nullable=False),  # JSON: the outcome the protocols gave
    Column("counted", Text, nullable=False),  # JSON: the outcome the hand count gives
    Column("outcome", String(16), nullable=False),  # confirmed | overturned
    Column("concluded_at", String(40), nullable=False),
    Column("concluded_by", String(128), nullable=False),
    Column("leaf", BigInteger, nullable=False),
    UniqueConstraint("audit_id", name="uq_audit_outcomes_audit"),
)
"""The full hand count's conclusion after an escalation (migration 0015)."""

__all__ = [
    "audit_assignments",
    "audit_counts",
    "audit_measures",
    "audit_outcomes",
    "audit_samples",
    "audit_seeds",
    "audits",
]
