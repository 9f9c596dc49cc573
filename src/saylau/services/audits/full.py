"""The full hand count after an escalation (issue 15): once a round misses the risk limit in
the last round allowed, every station's ballots are counted by hand (rounds.enter_count takes
any station then, with double entry; a batch audit's stations already counted and agreed
stand). `conclude` then gives the outcome the hand count decides, compares it with the
reported one, and logs the totals and the verdict (confirmed or overturned) as a leaf that
`saylau verify` re-derives."""

from __future__ import annotations

import numpy as np

from saylau.domain.audit import outcome as oc
from saylau.domain.audit import polling
from saylau.domain.audit import record as rec
from saylau.domain.errors import Conflict, NotFound, ValidationFailed, field_error
from saylau.domain.record.envelope import format_timestamp
from saylau.services.audits.rounds import _append, _audit, manifest_of
from saylau.services.context import Saylau
from saylau.store import audits as store
from saylau.store import elections as elections_store


def hand_counts(row: store.AuditRow, counts: list[store.CountRow], rounds: int
                ) -> rec.Entries:
    """The agreed hand counts of every station: a polling audit's readings (rounds 1..rounds)
    are not counts; a batch audit's sampled counts are."""
    stations = [str(s[0]) for s in row.manifest["stations"]]
    entries = [(c.station, c.auditor, c.counts) for c in counts
               if row.kind != polling.POLLING or c.round > rounds]
    return rec.agree(stations, entries)


def conclude(app: Saylau, audit: str, *, by: str) -> store.OutcomeRow:
    at = format_timestamp(app.clock())
    geo = app.geography()
    with app.write() as conn:
        row = _audit(conn, audit)
        measures = store.measures(conn, audit)
        if not measures or measures[-1].decision != rec.FULL_HAND_COUNT:
            raise Conflict("only an audit escalated to a full hand count is concluded by one",
                           code="audit_not_escalated", details={"audit": audit})
        if store.outcome(conn, audit) is not None:
            raise Conflict("the full hand count is already concluded", code="audit_concluded",
                           details={"audit": audit})
        got = hand_counts(row, store.counts(conn, audit), len(store.samples(conn, audit)))
        if got.pending:
            raise ValidationFailed(
                "every station needs two agreeing hand counts before the full count concludes",
                code="audit_counts_missing", details={"findings": [field_error(
                    "hand_counts", "two agreeing entries per station", got.pending[:20],
                    f"{len(got.pending)} station(s) pending, {len(got.disputed)} disputed")]})
        m = manifest_of(row)
        hand = np.asarray([[int(got.agreed[s][c]) for c in m.categories] for s in m.stations],
                          dtype=np.int64).reshape(m.counts.shape)
        contest = elections_store.get_contest(conn, row.contest)
        election = elections_store.get_election(conn, row.election)
        if contest is None or election is None:
            raise NotFound(f"the contest of audit {audit} is gone",
                           details={"field": "contest", "actual": row.contest})
        params = elections_store.election_params(conn, row.election)
        units = len(geo.top_level())
        reported = oc.outcome(m, contest, units, election.ruleset, params)
        counted = oc.outcome(oc.with_counts(m, hand), contest, units, election.ruleset, params)
        totals = {c: int(v) for c, v in zip(m.categories, hand.sum(axis=0), strict=True)}
        body = oc.full_body(audit=audit, stations=len(m.stations), totals=totals,
                            reported=reported, counted=counted)
        turn, leaf = _append(app, conn, row, rec.FULL, body, at, by)
        out = store.OutcomeRow(len(m.stations), totals, reported, counted, body["outcome"],
                               at, by, leaf)
        store.insert_outcome(turn, audit, out)
        return out
