"""Senate seats: elected by the deputies of all maslikhats of a top-level unit at a joint
session (docs/law.md §8.2). A seat's contest has the unit as its area and the candidates as its
options; its record is the session's protocol per round (electors, electors present, invalid
ballots, votes per candidate), append-only like station protocols: the same protocol again is
idempotent, a different one is a conflict unless sent as a correction with a reason.

Round 2 is held between the top two of round 1 when no one won a majority; its protocol may
give votes only to those two.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from sqlalchemy.exc import IntegrityError

from saylau.domain.access import Principal, require_write_scope
from saylau.domain.contests import Contest, ContestKind, Election, Option, signatures_policy
from saylau.domain.errors import Conflict, RuleError, Unavailable, ValidationFailed
from saylau.domain.ids import ActorId, ContestId, ElectionId, OptionId, UnitId
from saylau.domain.law.candidates import (
    CandidateDecision,
    CandidateVotes,
    Outcome,
    decide_senate_seat,
)
from saylau.domain.limits import check_text
from saylau.domain.names import Names
from saylau.domain.protocols import reject_reason_without_correction
from saylau.domain.rulesets import RulesetName, ruleset
from saylau.services.context import Saylau
from saylau.services.elections import check_id, get_contest, get_election, store_election
from saylau.services.parliament import CandidateSpec
from saylau.services.results import decision
from saylau.store import senate as session_store
from saylau.store.senate import SessionProtocol


def create_senate_election(
    app: Saylau, *, election_id: str, name: Names, ruleset_name: str, date: str,
    seats: Mapping[str, Sequence[CandidateSpec]], by: ActorId, signatures: str = "optional",
) -> tuple[Election, list[Contest]]:
    """One Senate seat contest per top-level unit named in `seats` (unit id -> candidates)."""
    check_id(election_id, "election_id")
    rs = ruleset(ruleset_name)
    if rs.name is RulesetName.KZ_2026:
        raise RuleError("there is no Senate under kz-2026", code="no_senate",
                        details={"field": "ruleset", "expected": "kz-2007 | kz-2022 | generic",
                                 "actual": rs.name.value})
    geo = app.geography()
    tops = {u.id for u in geo.top_level()}
    election = Election(ElectionId(election_id), name, rs.name, date,
                        signatures_policy(signatures))
    made: list[Contest] = []
    for unit, cands in seats.items():
        if unit not in tops:
            raise ValidationFailed(f"{unit!r} is not a top-level unit",
                                   details={"field": "seats", "expected": sorted(tops),
                                            "actual": unit})
        if not cands:
            raise ValidationFailed(f"the seat of {unit} has no candidates",
                                   details={"field": f"seats.{unit}", "expected": ">= 1",
                                            "actual": 0})
        u = geo.unit(UnitId(unit))
        made.append(Contest(
            id=ContestId(f"{election_id}.senate-{unit.lower()}"), election=election.id,
            kind=ContestKind.SENATE_SEAT,
            name=Names(kk=f"Сенат: {u.name.kk}", ru=f"Сенат: {u.name.ru}",
                       en=f"Senate: {u.name.en}"),
            area=u.id,
            options=tuple(Option(OptionId(c.id), c.name,
                                 party=None if c.party is None else OptionId(c.party))
                          for c in cands),
        ))
    store_election(app, election, made, by=by)
    return election, made


def _sessions(app: Saylau, contest_id: str, rnd: int | None = None) -> list[SessionProtocol]:
    with app.read() as conn:
        return session_store.sessions(conn, contest_id, rnd)


def session_history(app: Saylau, contest_id: str) -> list[SessionProtocol]:
    _senate_contest(app, contest_id)
    return _sessions(app, contest_id)


def _senate_contest(app: Saylau, contest_id: str) -> Contest:
    c = get_contest(app, contest_id)
    if c.kind is not ContestKind.SENATE_SEAT:
        raise ValidationFailed(f"{contest_id} is not a Senate seat",
                               details={"field": "contest", "expected": "senate-seat",
                                        "actual": c.kind.value})
    return c


def _decide_round(app: Saylau, c: Contest, s: SessionProtocol) -> CandidateDecision:
    election = get_election(app, c.election)
    return decide_senate_seat(
        [CandidateVotes(o, v) for o, v in s.votes], ruleset=election.ruleset,
        electors=s.electors, electors_present=s.electors_present, invalid=s.invalid,
        round=s.round)


def submit_session(
    app: Saylau, who: Principal, contest_id: str, *, round_: int, electors: int,
    electors_present: int, invalid: int, votes: Mapping[str, int],
    correction: bool = False, reason: str | None = None, corrects: int | None = None,
) -> tuple[SessionProtocol, bool]:
    """Store a joint session's protocol; returns (protocol, stored). The figures go through the
    law's own checks (decide_senate_seat raises on impossible figures) before storing. A
    correction names the version it `corrects`, as a station's does: a correction of a
    version that is no longer the latest is a Conflict (two sent at once never stack)."""
    c = _senate_contest(app, contest_id)
    require_write_scope(who, app.geography(), c.area)
    check_text("reason", reason)
    if round_ not in (1, 2):
        raise ValidationFailed("a Senate seat has two rounds at most",
                               details={"field": "round", "expected": "1 or 2", "actual": round_})
    allowed: set[str] = set(c.option_ids)
    if round_ == 2:
        first = _sessions(app, contest_id, 1)
        if not first:
            raise ValidationFailed("round 2 needs round 1's protocol first",
                                   details={"field": "round", "expected": 1, "actual": 2})
        d1 = _decide_round(app, c, first[-1])
        if d1.outcome is not Outcome.RUNOFF or d1.runoff is None:
            raise RuleError(f"round 1 ended '{d1.outcome.value}': there is no second round",
                            code="no_second_round", details={"round1": d1.outcome.value})
        allowed = set(d1.runoff)
    bad = {k: v for k, v in votes.items() if k not in allowed}
    missing = sorted(allowed - set(votes))
    if bad or missing:
        raise ValidationFailed(
            f"votes must be given for exactly {sorted(allowed)}",
            details={"field": "votes", "expected": sorted(allowed),
                     "actual": sorted(votes), "unknown": sorted(bad), "missing": missing})
    proposed = SessionProtocol(c.id, round_, 0, electors, electors_present, invalid,
                               tuple(sorted(votes.items())), who.name,
                               app.clock().isoformat(), reason)
    _decide_round(app, c, proposed)  # raises ValidationFailed on impossible figures
    if corrects is not None and not correction:
        raise ValidationFailed(
            f"the protocol names version {corrects} to correct but is not sent as a correction",
            code="corrects_without_correction",
            details={"field": "correction", "expected": True, "actual": False})
    for _attempt in range(3):
        try:
            return _store_session(app, who, c, round_, proposed, correction, reason, corrects)
        except IntegrityError:
            # another session protocol took this version first (PostgreSQL, at the same
            # moment): classified again against what is now stored (a stale correction, the
            # same protocol, or a conflict), never a 500
            continue
    raise Unavailable("the store is busy with concurrent writes for this seat; send the same "
                      "request again", code="store_busy")


def _store_session(
    app: Saylau, who: Principal, c: Contest, round_: int, proposed: SessionProtocol,
    correction: bool, reason: str | None, corrects: int | None,
) -> tuple[SessionProtocol, bool]:
    with app.write() as conn:
        current = session_store.latest(conn, c.id, round_)
        version = 1
        if current is not None:
            if current.same_figures(proposed):
                return current, False
            if not correction:
                raise Conflict(f"round {round_} of {c.id} already has a different protocol; "
                               "send a correction with a reason", code="protocol_conflict",
                               details={"current_version": current.version})
            if corrects is None:
                raise ValidationFailed(
                    f"a correction names the version it corrects: round {round_} of {c.id} is "
                    f"at version {current.version}; send \"corrects\": {current.version}",
                    code="correction_version_missing",
                    details={"field": "corrects", "expected": current.version, "actual": None})
            if corrects != current.version:
                raise Conflict(
                    f"this correction of version {corrects} of round {round_} of {c.id} is "
                    f"refused: the latest version is {current.version}; read it, and if it "
                    f"still needs correcting send a correction of version {current.version}",
                    code="correction_stale",
                    details={"corrects": corrects, "current_version": current.version})
            if not (reason and reason.strip()):
                raise ValidationFailed("a correction must say why",
                                       details={"field": "reason", "expected": "a reason",
                                                "actual": reason})
            version = current.version + 1
        elif correction:
            raise ValidationFailed("there is no protocol of this round to correct",
                                   details={"field": "correction", "expected": False,
                                            "actual": True})
        else:
            reject_reason_without_correction(False, reason)
        stored = dataclasses.replace(proposed, version=version, submitted_by=who.name,
                                     reason=reason if version > 1 else None)
        session_store.insert_session(conn, stored)
    return stored, True


def seat_decision(app: Saylau, contest_id: str) -> CandidateDecision | None:
    """The seat's decision from its latest round's current protocol (None before round 1):
    `services.results.decision`'s candidates."""
    _senate_contest(app, contest_id)
    d, _seq = decision(app, contest_id)
    if d.reason is not None:
        raise d.reason.error()
    return d.candidates


__all__ = ["SessionProtocol", "create_senate_election", "seat_decision", "session_history",
           "submit_session"]
