"""A ballot-polling audit's readings (issue 15): an auditor reads the drawn ballots of a
station for the current round, place by place (double entry by two auditors, as the hand
counts of a batch comparison; differing entries are both kept). The risk is measured by
rounds.measure (BRAVO or Minerva, domain/audit/polling.py)."""

from __future__ import annotations

from collections.abc import Mapping

from saylau.domain.access import Principal, Role
from saylau.domain.audit import polling
from saylau.domain.audit import record as rec
from saylau.domain.errors import Conflict, Forbidden, ValidationFailed, field_error
from saylau.domain.record.envelope import format_timestamp
from saylau.services.audits.rounds import _append, _audit, manifest_of, polled_draws
from saylau.services.context import Saylau
from saylau.store import audits as store


def enter_readings(app: Saylau, audit: str, station: str, readings: Mapping[str, str],
                   who: Principal) -> str:
    """One auditor's readings of a station's ballots drawn in the current round: place ->
    category. Returns 'first', 'agreed' or 'disputed'."""
    at = format_timestamp(app.clock())
    with app.write() as conn:
        row = _audit(conn, audit)
        if row.kind != polling.POLLING:
            raise Conflict("a batch comparison counts whole stations: enter hand counts",
                           code="audit_not_polling", details={"audit": audit})
        samples, measures = store.samples(conn, audit), store.measures(conn, audit)
        if not samples or len(measures) >= len(samples):
            raise Conflict("no drawn round waits for its readings", code="audit_no_round",
                           details={"samples": len(samples), "measured": len(measures)})
        manifest = manifest_of(row)
        draws = polled_draws(manifest, samples, store.seeds(conn, audit))
        round_ = samples[-1].round
        places = polling.places(draws[-1], station)
        if not places:
            raise ValidationFailed(f"no ballot of station {station} is drawn in round {round_}",
                                   code="audit_not_sampled", details={"findings": [
                                       field_error("station", "a station with drawn ballots "
                                                   "this round", station, "not drawn")]})
        if who.role is not Role.ADMIN:
            assigned = store.assignments(conn, audit).get(station, set())
            if who.role is not Role.AUDITOR or who.name not in assigned:
                raise Forbidden(f"{who.role} {who.name!r} is not assigned to station {station} "
                                f"in audit {audit}", code="audit_not_assigned",
                                details={"station": station, "assigned": sorted(assigned)})
        clean = polling.check_readings(manifest, station, places, readings)
        key = polling.entry_key(station, round_)
        earlier = [(key, c.auditor, c.counts) for c in store.counts(conn, audit, station)
                   if c.round == round_]
        if key in rec.agree([key], earlier).agreed:
            raise Conflict(f"station {station}'s ballots of round {round_} are read and agreed",
                           code="audit_count_agreed", details={"station": station})
        if any(a == who.name for _, a, _ in earlier):
            raise Conflict(f"{who.name} already read station {station}'s ballots of round "
                           f"{round_}; a second auditor enters the other reading (nothing is "
                           "overwritten)", code="audit_count_twice", details={"station": station})
        body = rec.count_body(audit=audit, round_=round_, station=station, auditor=who.name,
                              readings=clean)
        turn, leaf = _append(app, conn, row, rec.COUNT, body, at, who.name)
        store.insert_count(turn, audit, store.CountRow(round_, station, who.name, clean, at,
                                                       leaf))
        earlier.append((key, who.name, clean))
        result = rec.agree([key], earlier)
        if key in result.agreed:
            return "agreed"
        return "disputed" if key in result.disputed else "first"
