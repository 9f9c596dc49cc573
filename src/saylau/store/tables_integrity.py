"""The tables of integrity analytics (issue 14): part of the one schema (store/tables.py
re-exports them, so `saylau.store.tables` names every table and its `metadata` holds them all)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    String,
    Table,
    Text,
)

from saylau.store.tables_base import Id, metadata

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

__all__ = [
    "integrity_params",
    "integrity_runs",
    "pvt_commitments",
    "pvt_reports",
]
