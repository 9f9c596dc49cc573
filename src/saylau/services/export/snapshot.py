"""The snapshot of a contest's figures, read from the store: the tally, the current protocols
and the law's decision, all as of the same protocol record. The only part of the open-data
export that reads anything; the writers (csv_files, json_files, cdf) are pure functions of what
it returns."""

from __future__ import annotations

from saylau.domain.contests import ContestKind, Election
from saylau.domain.decisions import unit_figures
from saylau.domain.errors import RuleError
from saylau.domain.law.candidates import CandidateDecision
from saylau.domain.law.parliament import ListDecision
from saylau.domain.law.referendum import (
    ReferendumDecision,
    ReferendumReadings,
    decide_referendum,
)
from saylau.domain.tally import Tally
from saylau.services import parliament
from saylau.services.context import Saylau
from saylau.services.elections import contests, get_contest, get_election
from saylau.services.export.figures import ContestSnapshot, SessionRound, StationProtocol
from saylau.services.results import refresh
from saylau.services.senate import seat_decision, session_history
from saylau.store import protocols as report_store


def _tally_now(app: Saylau, contest_id: str) -> tuple[Tally, int]:
    """The contest's tally brought up to date, with the record sequence it was computed from."""
    _, cache = refresh(app, contest_id)
    with cache.lock:  # the tally and its sequence number as one pair
        tally, seq = cache.tally, cache.seq
    assert tally is not None  # refresh always leaves a tally
    return tally, seq


def _station_protocols(app: Saylau, contest_id: str, as_of: int) -> dict[str, StationProtocol]:
    """The current version of every reported station among the versions up to `as_of`."""
    with app.read() as conn:
        return {station: StationProtocol(version, content_hash, tuple(f.code for f in warnings))
                for station, version, content_hash, warnings
                in report_store.current_versions(conn, contest_id, as_of)}


def _sessions(app: Saylau, contest_id: str) -> tuple[SessionRound, ...]:
    current: dict[int, SessionRound] = {}
    for s in session_history(app, contest_id):  # oldest first: later versions replace
        current[s.round] = SessionRound(s.round, s.version, s.electors, s.electors_present,
                                        s.invalid, s.votes)
    return tuple(current[r] for r in sorted(current))


def snapshot(app: Saylau, contest_id: str) -> ContestSnapshot:
    """The contest's figures, current protocols and decision as of one protocol record.

    The decision is taken from the same tally: if protocols arrive while it is computed, the
    snapshot is taken again (three tries, then the last one is used and its `as_of` says which
    record the figures are from)."""
    contest = get_contest(app, contest_id)
    election = get_election(app, contest.election)
    geo = app.geography()
    for _attempt in range(3):
        tally, seq = _tally_now(app, contest_id)
        total = tally.result(contest.area)
        referendum: ReferendumDecision | None = None
        seats: ListDecision | None = None
        cands: CandidateDecision | None = None
        sessions: tuple[SessionRound, ...] = ()
        undecidable: str | None = None
        try:
            if contest.kind is ContestKind.REFERENDUM:
                if contest.referendum is not None and contest.area == geo.root.id:
                    referendum = decide_referendum(
                        unit_figures(tally, geo), constitutional=contest.referendum.constitutional,
                        readings=ReferendumReadings(), ruleset=election.ruleset.value,
                    )
            elif contest.kind is ContestKind.SENATE_SEAT:
                sessions = _sessions(app, contest_id)
                cands = seat_decision(app, contest_id)
            elif total.stations_reported > 0:
                if contest.kind is ContestKind.PARTY_LIST:
                    seats, _ = parliament.list_decision(app, contest_id)
                else:
                    cands, _ = parliament.candidate_decision(app, contest_id)
        except RuleError as exc:  # e.g. the first protocols give no party a vote
            undecidable = exc.message
        if _tally_now(app, contest_id)[1] == seq:
            break
    return ContestSnapshot(
        election=election, contest=contest, geo=geo, tally=tally, as_of=seq,
        protocols=_station_protocols(app, contest_id, seq), sessions=sessions,
        referendum=referendum, list_seats=seats, candidates=cands, undecidable=undecidable,
    )


def election_snapshots(
    app: Saylau, election_id: str | None = None
) -> tuple[Election, list[ContestSnapshot]]:
    """The election (the named one, else the only or latest) and a snapshot of each contest."""
    election = get_election(app, election_id)
    return election, [snapshot(app, c.id) for c in contests(app, election.id)]
