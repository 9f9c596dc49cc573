"""Senate seats: elected by the deputies of all maslikhats of a top-level unit at a joint
session (docs/law.md §8.2). A seat's contest has the unit as its area and the candidates as its
options; its record is the session's protocol per round (electors, electors present, invalid
ballots, votes per candidate), a leaf of the election's log (record type "senate-session",
verified by `saylau verify`), versioned by the one rule of station protocols
(saylau.domain.versions): the same protocol again is idempotent, a different one is a conflict
unless sent as a correction of the current version with a reason.

Round 2 is held between the top two of round 1 when no one won a majority; its protocol may
give votes only to those two.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime

from saylau.domain.access import Principal, require_write_scope
from saylau.domain.contests import Contest, ContestKind, Election, Option, signatures_policy
from saylau.domain.errors import RuleError, ValidationFailed
from saylau.domain.ids import ActorId, ContestId, ElectionId, OptionId, UnitId
from saylau.domain.law.candidates import (
    CandidateDecision,
    CandidateVotes,
    Outcome,
    decide_senate_seat,
)
from saylau.domain.limits import check_text
from saylau.domain.lookup import unknown
from saylau.domain.names import Names
from saylau.domain.record.envelope import format_timestamp, session_record
from saylau.domain.rulesets import ruleset, rulesets_with_senate
from saylau.domain.versions import Head, Submission, Unchanged, check_reason, classify, content_hash
from saylau.services import logs
from saylau.services.context import Saylau, retry_lost_races
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
    if rs.senate is None:  # the ruleset registry's: kz-2026 has a unicameral Kurultai
        with_senate = rulesets_with_senate()
        raise RuleError(f"there is no Senate under {rs.name.value}", code="no_senate",
                        details={"field": "ruleset",
                                 "expected": " | ".join(r.value for r in with_senate),
                                 "actual": rs.name.value})
    geo = app.geography()
    tops = {u.id for u in geo.top_level()}
    election = Election(ElectionId(election_id), name, rs.name, date,
                        signatures_policy(signatures))
    made: list[Contest] = []
    for unit, cands in seats.items():
        if unit not in tops:
            raise unknown("seats", sorted(tops), unit, what="top-level unit")
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
    return retry_lost_races(lambda: _store_session(app, who, c, round_, proposed, correction,
                                                   reason, corrects), "seat")


def session_hash(s: SessionProtocol) -> str:
    """The content hash of a joint session's protocol: its figures, as the versioning rule
    compares them (`saylau.domain.versions.content_hash`)."""
    return content_hash({"electors": s.electors, "electors_present": s.electors_present,
                         "invalid": s.invalid, "votes": dict(s.votes)})


def _store_session(
    app: Saylau, who: Principal, c: Contest, round_: int, proposed: SessionProtocol,
    correction: bool, reason: str | None, corrects: int | None,
) -> tuple[SessionProtocol, bool]:
    """The round's slot by the one versioning rule (saylau.domain.versions): the same
    protocol again is idempotent, a different one a conflict unless sent as a correction of
    the current version with a reason; nothing stored is overwritten."""
    with app.write() as conn:
        current = session_store.latest(conn, c.id, round_)
        head = None if current is None else Head(current.version, session_hash(current),
                                                 current.submitted_by, current.submitted_at)
        verdict = classify(head, Submission(session_hash(proposed), correction, corrects),
                           slot=f"round {round_} of {c.id}")
        if isinstance(verdict, Unchanged):
            assert current is not None
            return current, False
        kept = check_reason(verdict.is_correction, reason)
        stored = dataclasses.replace(proposed, version=verdict.version, submitted_by=who.name,
                                     reason=kept)
        turn = logs.sequence(conn, c.election)  # the row and its leaf in one turn
        session_store.insert_session(turn, stored)
        logs.append(conn, c.election, session_record(
            contest=c.id, round=stored.round, version=stored.version, electors=stored.electors,
            electors_present=stored.electors_present, invalid=stored.invalid,
            votes=dict(stored.votes), reason=stored.reason, recorded_by=who.name,
            recorded_at=format_timestamp(datetime.fromisoformat(stored.submitted_at))))
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
