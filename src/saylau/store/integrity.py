"""Integrity analytics' rows (issue 14): the fixed parameters, the quick count's commitment
and reports, the stored runs. Never commits (the service owns the transaction); never updates
a stored figure except to add the revealed seed to its commitment."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, insert, select, update

from saylau.store import tables as t


def get_params(conn: Connection, election: str) -> dict[str, Any] | None:
    r = conn.execute(select(t.integrity_params).where(
        t.integrity_params.c.election_id == election)).mappings().first()
    return None if r is None else {**dict(r), "params": json.loads(r["params"])}


def insert_params(conn: Connection, election: str, params: Mapping[str, Any], sha256: str,
                  leaf: int, by: str, at: str) -> None:
    conn.execute(insert(t.integrity_params).values(
        election_id=election, params=json.dumps(params, sort_keys=True), sha256=sha256,
        leaf=leaf, fixed_by=by, fixed_at=at))


def get_commitment(conn: Connection, election: str) -> dict[str, Any] | None:
    r = conn.execute(select(t.pvt_commitments).where(
        t.pvt_commitments.c.election_id == election)).mappings().first()
    return None if r is None else dict(r)


def insert_commitment(conn: Connection, election: str, commitment: str, margin: str,
                      sigma: str, leaf: int, by: str, at: str) -> None:
    conn.execute(insert(t.pvt_commitments).values(
        election_id=election, commitment=commitment, margin=margin, sigma=sigma, leaf=leaf,
        committed_by=by, committed_at=at))


def reveal_seed(conn: Connection, election: str, seed: str, at: str) -> None:
    conn.execute(update(t.pvt_commitments).where(
        t.pvt_commitments.c.election_id == election).values(seed=seed, revealed_at=at))


def insert_reports(conn: Connection, election: str, rows: list[dict[str, Any]],
                   by: str, at: str) -> None:
    if rows:
        conn.execute(insert(t.pvt_reports), [
            {**r, "votes": json.dumps(r["votes"], sort_keys=True), "election_id": election,
             "received_by": by, "received_at": at} for r in rows])


def latest_reports(conn: Connection, election: str) -> list[dict[str, Any]]:
    """Each station's latest report (the earlier ones stay stored)."""
    pr = t.pvt_reports
    rows = conn.execute(select(pr).where(pr.c.election_id == election).order_by(pr.c.id))
    latest: dict[str, dict[str, Any]] = {}
    for r in rows.mappings():
        latest[r["station_id"]] = {**dict(r), "votes": json.loads(r["votes"])}
    return list(latest.values())


def insert_run(conn: Connection, election: str, contest: str, sha256: str,
               result: Mapping[str, Any], at: str) -> int:
    res = conn.execute(insert(t.integrity_runs).values(
        election_id=election, contest_id=contest, params_sha256=sha256,
        result=json.dumps(result), run_at=at))
    return int(res.inserted_primary_key[0])  # type: ignore[index]


def latest_run(conn: Connection, election: str) -> dict[str, Any] | None:
    ir = t.integrity_runs
    r = conn.execute(select(ir).where(ir.c.election_id == election).order_by(
        ir.c.id.desc()).limit(1)).mappings().first()
    return None if r is None else {**dict(r), "result": json.loads(r["result"])}
