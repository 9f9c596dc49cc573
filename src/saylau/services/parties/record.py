"""The party register's leaves appended to its own log ("@parties", domain/parties/record.py),
inside the transaction that stores what they record, and the register's record exported for
`saylau verify`. Counts and commitments only: no IIN, no single person's keyed hash."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from saylau.domain.parties import record as rec
from saylau.domain.parties.rules import Readings, RegistrationDecision
from saylau.domain.record.envelope import format_timestamp
from saylau.services import logs
from saylau.services.context import Saylau
from saylau.store import log
from saylau.store import parties as repo


def _leaves_of(conn: Connection, type_: str, party: str) -> list[dict[str, Any]]:
    needle = json.dumps({"party": party})[1:-1].replace(": ", ":")  # canonical: no spaces
    out = []
    for _idx, text in log.leaves_containing(conn, rec.PARTY_LOG, type_, [needle]):
        body = json.loads(text)["body"]
        if body.get("party") == party:
            out.append(body)
    return out


def _now(saylau: Saylau) -> str:
    return format_timestamp(saylau.clock())


def append_application(conn: Connection, saylau: Saylau, a: repo.ApplicationRow,
                       by: str) -> int:
    body = {"party": a.id, "names": dict(zip(("kk", "ru", "en"), a.names, strict=True)),
            "ruleset": a.ruleset, "founders": a.founders,
            "founder_regions": list(a.founder_regions),
            "initiative_formed": a.initiative_formed, "congress_held": a.congress_held,
            "submitted_on": a.submitted_on}
    return logs.append(conn, rec.PARTY_LOG, rec.application_record(body, at=_now(saylau),
                                                                     by=by))


def _ensure_application(conn: Connection, saylau: Saylau, party: str) -> None:
    """A party applied before the register had leaves gets its application leaf now (its
    earlier list versions have none: the record starts here for it)."""
    if not _leaves_of(conn, rec.APPLICATION, party):
        a = repo.application(conn, party)
        assert a is not None
        append_application(conn, saylau, a, a.submitted_by)


def append_list(conn: Connection, saylau: Saylau, party: str, by: str, reason: str) -> int:
    """The party's current list as the next list version: its live rows counted per region,
    their own findings counted per code, their keyed hashes committed to."""
    _ensure_application(conn, saylau, party)
    rows = [m for m, _ in repo.current_members(conn, [party]).get(party, []) if not m.withdrawn]
    by_code: dict[str, int] = {}
    for m in rows:
        for f in m.findings:
            by_code[str(f["code"])] = by_code.get(str(f["code"]), 0) + 1
    version = len(_leaves_of(conn, rec.LIST, party)) + 1
    record = rec.list_record(party, version, [m.region for m in rows],
                             [m.iin_hash for m in rows], by_code,
                             sum(1 for m in rows if m.findings), at=_now(saylau), by=by,
                             reason=reason)
    return logs.append(conn, rec.PARTY_LOG, record)


def append_decision(conn: Connection, saylau: Saylau, party: str, status: str,
                    readings: Readings, regions: Sequence[str],
                    members_by_region: dict[str, dict[str, int]],
                    decisions: Sequence[RegistrationDecision], by: str) -> int:
    _ensure_application(conn, saylau, party)
    version = len(_leaves_of(conn, rec.LIST, party))
    return logs.append(conn, rec.PARTY_LOG, rec.decision_record(
        party, version, status, readings, regions, members_by_region, decisions,
        at=_now(saylau), by=by))


def append_liquidation(conn: Connection, saylau: Saylau, party: str, reason: str,
                       by: str) -> int:
    _ensure_application(conn, saylau, party)
    return logs.append(conn, rec.PARTY_LOG, rec.liquidation_record(party, reason,
                                                                     at=_now(saylau), by=by))


__all__ = ["append_application", "append_decision", "append_liquidation", "append_list"]
