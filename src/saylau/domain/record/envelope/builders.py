"""The bodies and records of each type: protocol, turnout report, key, key revocation,
election, geography, a Senate seat's joint session."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from saylau.domain.errors import field_error
from saylau.domain.record.envelope.records import Signature, make_record
from saylau.domain.record.envelope.shape import (
    _key_problems,
    _protocol_problems,
    _raise,
    _session_problems,
    _turnout_problems,
)
from saylau.domain.record.envelope.types import PROTOCOL_COUNT_FIELDS, KeyRole, Record, RecordType


def protocol_body(
    *,
    contest: str,
    station: str,
    version: int,
    counts: Mapping[str, int],
    votes: Mapping[str, int],
    reason: str | None,
) -> dict[str, Any]:
    """The body of a protocol record: what the station's commission signs.

    `counts` holds exactly PROTOCOL_COUNT_FIELDS (a 'votes' key, as in ProtocolCounts.as_dict(),
    is ignored: the votes come from `votes`); `reason` is None for version 1 and says why for
    a correction. Raises ValidationFailed listing every problem.
    """
    body = {
        "contest": contest,
        "station": station,
        "version": version,
        "counts": {f: counts[f] for f in PROTOCOL_COUNT_FIELDS if f in counts},
        "votes": dict(votes),
        "reason": reason,
    }
    extra = sorted(set(counts) - set(PROTOCOL_COUNT_FIELDS) - {"votes"})
    problems = _protocol_problems(body, "body")
    problems += [field_error(f"body.counts.{f}", "no such count", counts[f],
                             f"{f} is not a count of a protocol") for f in extra]
    _raise(problems, "the protocol record is malformed")
    return body


def protocol_record(
    *,
    contest: str,
    station: str,
    version: int,
    counts: Mapping[str, int],
    votes: Mapping[str, int],
    reason: str | None,
    recorded_by: str,
    recorded_at: str,
    signature: Signature | None = None,
) -> Record:
    """A protocol (or, for version > 1, a correction) as a record."""
    body = protocol_body(contest=contest, station=station, version=version, counts=counts,
                         votes=votes, reason=reason)
    return make_record(RecordType.PROTOCOL, body, recorded_at=recorded_at,
                       recorded_by=recorded_by, signature=signature)


def session_body(
    *, contest: str, round: int, version: int, electors: int, electors_present: int,
    invalid: int, votes: Mapping[str, int], reason: str | None,
) -> dict[str, Any]:
    """The body of a Senate seat's joint-session protocol of one round (docs/record.md):
    the electors, those present, the invalid ballots and the votes per candidate; `reason` is
    None for version 1 and says why for a correction. Raises ValidationFailed listing every
    problem."""
    body = {"contest": contest, "round": round, "version": version, "electors": electors,
            "electors_present": electors_present, "invalid": invalid, "votes": dict(votes),
            "reason": reason}
    _raise(_session_problems(body, "body"), "the Senate session record is malformed")
    return body


def session_record(
    *, contest: str, round: int, version: int, electors: int, electors_present: int,
    invalid: int, votes: Mapping[str, int], reason: str | None, recorded_by: str,
    recorded_at: str,
) -> Record:
    """A joint session's protocol (or, for version > 1, a correction) as a record."""
    body = session_body(contest=contest, round=round, version=version, electors=electors,
                        electors_present=electors_present, invalid=invalid, votes=votes,
                        reason=reason)
    return make_record(RecordType.SENATE_SESSION, body, recorded_at=recorded_at,
                       recorded_by=recorded_by)


def turnout_body(*, contest: str, station: str, at: str, ballots_issued: int) -> dict[str, Any]:
    """The body of a turnout record; `at` is the time of day 'HH:MM' (capital time)."""
    body = {"contest": contest, "station": station, "at": at,
            "ballots_issued": ballots_issued}
    _raise(_turnout_problems(body, "body"), "the turnout record is malformed")
    return body


def turnout_record(
    *,
    contest: str,
    station: str,
    at: str,
    ballots_issued: int,
    recorded_by: str,
    recorded_at: str,
    signature: Signature | None = None,
) -> Record:
    body = turnout_body(contest=contest, station=station, at=at, ballots_issued=ballots_issued)
    return make_record(RecordType.TURNOUT, body, recorded_at=recorded_at,
                       recorded_by=recorded_by, signature=signature)


def key_body(
    *, election: str, unit: str, role: KeyRole | str, key: str, public_key: str
) -> dict[str, Any]:
    """A commission's public key: `key` is its id, `public_key` the raw 32 bytes in hex."""
    body = {"election": election, "unit": unit, "role": str(role), "key": key,
            "public_key": public_key}
    _raise(_key_problems(body, "body"), "the key record is malformed")
    return body


def key_record(
    *,
    election: str,
    unit: str,
    role: KeyRole | str,
    key: str,
    public_key: str,
    recorded_by: str,
    recorded_at: str,
    signature: Signature | None = None,
) -> Record:
    body = key_body(election=election, unit=unit, role=role, key=key, public_key=public_key)
    return make_record(RecordType.KEY, body, recorded_at=recorded_at, recorded_by=recorded_by,
                       signature=signature)


def observer_key_record(
    *,
    election: str,
    badge: str,
    mission: str,
    key: str,
    public_key: str,
    signed_reports: bool,
    recorded_by: str,
    recorded_at: str,
) -> Record:
    """An accredited observer's public key (role `observer`), registered at accreditation:
    from this leaf on, that badge's observer-copy and observer-report records signed by `key`
    verify; where `signed_reports`, every one of them must be signed."""
    body = {"election": election, "badge": badge, "mission": mission,
            "role": KeyRole.OBSERVER.value, "key": key, "public_key": public_key,
            "signed_reports": signed_reports}
    _raise(_key_problems(body, "body"), "the observer key record is malformed")
    return make_record(RecordType.KEY, body, recorded_at=recorded_at, recorded_by=recorded_by)


def key_revocation_record(
    *,
    election: str,
    key: str,
    reason: str,
    recorded_by: str,
    recorded_at: str,
    signature: Signature | None = None,
) -> Record:
    body = {"election": election, "key": key, "reason": reason}
    return make_record(RecordType.KEY_REVOCATION, body, recorded_at=recorded_at,
                       recorded_by=recorded_by, signature=signature)


def election_record(
    body: Mapping[str, Any],
    *,
    recorded_by: str,
    recorded_at: str,
    signature: Signature | None = None,
) -> Record:
    """An election's definition. `body` must hold "election" (its id), "contests" (objects
    each with a "contest" id) and "keys" (key bodies, key_body); any other plain data (name,
    ruleset, date, each contest's kind, area, options) is kept as given."""
    return make_record(RecordType.ELECTION, body, recorded_at=recorded_at,
                       recorded_by=recorded_by, signature=signature)


def geography_record(
    units: Sequence[Mapping[str, Any]],
    *,
    recorded_by: str,
    recorded_at: str,
    signature: Signature | None = None,
) -> Record:
    """The geography: `units` (each with at least "id" and "parent"), sorted by id in UTF-16
    code-unit order so that the same units always give the same bytes."""
    ordered = sorted((dict(u) for u in units),
                     key=lambda u: str(u.get("id", "")).encode("utf-16-be", "surrogatepass"))
    return make_record(RecordType.GEOGRAPHY, {"units": ordered}, recorded_at=recorded_at,
                       recorded_by=recorded_by, signature=signature)
