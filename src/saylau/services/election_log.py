"""The first leaves of a new election's log: the geography (in parts), then the election's
definition with its contests and the central commission's public key (docs/record.md); and
the central key's row, in the transaction that stores the election (services.elections)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection

from saylau.domain.contests import Contest, Election
from saylau.domain.geography import Unit
from saylau.domain.record.envelope import (
    KeyRole,
    RecordType,
    election_record,
    format_timestamp,
    geography_record,
    key_body,
    leaf_bytes,
)
from saylau.domain.record.signing import key_id, public_key_bytes
from saylau.services import logs
from saylau.services.context import Saylau
from saylau.services.signatures import SIGNATURES_OPTIONAL
from saylau.store import elections as election_store
from saylau.store import keys as key_store
from saylau.store.keys import KeyInfo

GEOGRAPHY_PART = 10_000
"""Units per geography record: a large country is logged in parts (docs/record.md)."""


def unit_json(u: Unit) -> dict[str, Any]:
    return {"id": u.id, "parent": u.parent, "kind": u.kind.value, "name": u.name.as_dict(),
            "code": u.code, "registered": u.registered, "abroad": u.abroad}


def contest_json(c: Contest) -> dict[str, Any]:
    out: dict[str, Any] = {
        "contest": c.id, "kind": c.kind.value, "name": c.name.as_dict(), "area": c.area,
        "options": [{"id": o.id, "name": o.name.as_dict(), "kind": o.kind.value,
                     "registration_order": o.registration_order, "party": o.party}
                    for o in c.options],
        "constitutional": None if c.referendum is None else c.referendum.constitutional,
        "district": None,
    }
    if c.district is not None:
        d = c.district
        out["district"] = {"id": d.id, "number": d.number, "name": d.name.as_dict(),
                           "unit": d.unit, "stations": sorted(d.stations)}
    return out


def log_election(
    app: Saylau, conn: Connection, election: Election, contests: Iterable[Contest],
    *, by: str, signatures: str = SIGNATURES_OPTIONAL, params: Mapping[str, str] | None = None,
) -> None:
    """The first leaves of a new election's log: the geography (in parts), then the
    election's definition with its contests and the central commission's public key (and,
    when the election has them, its parameters: the generic ruleset's seats, threshold and
    method, which the verifier decides with as the server does)."""
    geo = app.geography()
    at = format_timestamp(app.clock())
    central_pub = public_key_bytes(logs.central_key(app))
    leaves: list[tuple[str, bytes]] = []
    units = [unit_json(u) for u in geo.units]
    for start in range(0, len(units), GEOGRAPHY_PART):
        rec = geography_record(units[start : start + GEOGRAPHY_PART], recorded_by=by,
                               recorded_at=at)
        leaves.append((RecordType.GEOGRAPHY.value, leaf_bytes(rec)))
    central = key_body(election=election.id, unit=geo.root.id, role=KeyRole.CENTRAL,
                       key=key_id(central_pub), public_key=central_pub.hex())
    body = {"election": election.id, "name": election.name.as_dict(),
            "ruleset": election.ruleset.value, "date": election.date,
            "signatures": signatures, "geography_parts": len(leaves),
            "contests": [contest_json(c) for c in contests], "keys": [central]}
    if params:
        body["params"] = dict(params)
    leaves.append((RecordType.ELECTION.value,
                   leaf_bytes(election_record(body, recorded_by=by, recorded_at=at))))
    logs.append_many(conn, election.id, leaves)
    key_store.insert_key(conn, election.id, KeyInfo(
        central["key"], geo.root.id, "central", central["public_key"], at, None))
    if signatures != SIGNATURES_OPTIONAL:
        election_store.set_signatures_rule(conn, election.id, signatures)


__all__ = ["GEOGRAPHY_PART", "contest_json", "log_election", "unit_json"]
