"""The snapshot of a contest's figures, read from the store: the tally, the current protocols
and the law's decision, all as of the same protocol record. The only part of the open-data
export that reads anything; the writers (csv_files, json_files, cdf) are pure functions of what
it returns."""

from __future__ import annotations

from saylau.domain.contests import Election
from saylau.domain.decide import DecisionState
from saylau.services.context import Saylau
from saylau.services.elections import contests, get_contest, get_election
from saylau.services.export.figures import ContestSnapshot, StationProtocol
from saylau.services.results import decision_and_tally
from saylau.store import protocols as report_store


def _station_protocols(app: Saylau, contest_id: str, as_of: int) -> dict[str, StationProtocol]:
    """The current version of every reported station among the versions up to `as_of`."""
    with app.read() as conn:
        return {station: StationProtocol(version, content_hash, tuple(f.code for f in warnings))
                for station, version, content_hash, warnings
                in report_store.current_versions(conn, contest_id, as_of)}


def snapshot(app: Saylau, contest_id: str) -> ContestSnapshot:
    """The contest's figures, current protocols and decision as of one protocol record: the
    decision is `services.results.decision`'s (the one every publisher takes), with the tally
    it was taken from."""
    contest = get_contest(app, contest_id)
    election = get_election(app, contest.election)
    d, tally, seq = decision_and_tally(app, contest_id)
    pending = d.state is DecisionState.PENDING
    return ContestSnapshot(
        election=election, contest=contest, geo=app.geography(), tally=tally, as_of=seq,
        protocols=_station_protocols(app, contest_id, seq), sessions=d.rounds,
        referendum=d.referendum, list_seats=None if pending else d.list_seats,
        candidates=None if pending else d.candidates,
        undecidable=None if d.reason is None else d.reason.message,
    )


def election_snapshots(
    app: Saylau, election_id: str | None = None
) -> tuple[Election, list[ContestSnapshot]]:
    """The election (the named one, else the only or latest) and a snapshot of each contest."""
    election = get_election(app, election_id)
    return election, [snapshot(app, c.id) for c in contests(app, election.id)]
