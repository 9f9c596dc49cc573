"""The audit's writes, each in one transaction that takes the election's log turn, appends its
leaf (domain/audit/record.py) and stores its row: begin (the manifest frozen from the current
protocols, the assertions of the reported outcome), assign stations to auditors, the seed
ceremony, the sample, a hand count (double entry), the measured risk and the decision."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from saylau.domain.access import Principal, Role
from saylau.domain.audit import polling
from saylau.domain.audit import record as rec
from saylau.domain.audit.assertions import contest_assertions
from saylau.domain.audit.macro import check_hand_count
from saylau.domain.audit.model import Manifest
from saylau.domain.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RuleError,
    ValidationFailed,
    field_error,
)
from saylau.domain.ids import UnitId
from saylau.domain.limits import check_text
from saylau.domain.protocols.values import COUNT_FIELDS
from saylau.domain.record.envelope import format_timestamp, make_record
from saylau.services import logs
from saylau.services.context import Saylau
from saylau.store import audits as store
from saylau.store import elections as elections_store
from saylau.store import log as store_log
from saylau.store.protocols import protocol_rows_after

MAX_DRAWS = 100_000


def _audit(conn: Any, audit: str) -> store.AuditRow:
    row = store.get_audit(conn, audit)
    if row is None:
        raise NotFound(f"no audit {audit!r}", details={"field": "audit", "actual": audit})
    return row


def manifest_of(row: store.AuditRow) -> Manifest:
    return rec.manifest_from_json(row.manifest)


def _alpha(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 1:
        raise ValidationFailed("the risk limit must be a number between 0 and 1", details={
            "findings": [field_error("risk_limit", "0 < risk limit < 1", text,
                                     "bad risk limit")]})
    return value


def begin(app: Saylau, contest_id: str, *, risk_limit: str = "0.05", max_rounds: int = 2,
          by: str, kind: str = rec.BATCH, method: str | None = None) -> str:
    """Begin an audit of a contest's reported outcome (a referendum, the President, a
    single-member district, a party list): a batch comparison (stations as batches), or
    ballot polling with `method` BRAVO or Minerva; returns its id."""
    _alpha(risk_limit)
    if kind not in (rec.BATCH, polling.POLLING):
        raise ValidationFailed("unknown kind of audit", details={"findings": [field_error(
            "kind", f"{rec.BATCH}|{polling.POLLING}", kind, "unknown kind")]})
    if kind == polling.POLLING:
        method = polling.check_method(method or polling.MINERVA)
    elif method is not None:
        raise ValidationFailed("a batch comparison takes no polling method", details={
            "findings": [field_error("method", "none", method, "batch comparison")]})
    if not 1 <= max_rounds <= 20:
        raise ValidationFailed("max_rounds must be 1 to 20", details={"findings": [
            field_error("max_rounds", "1..20", max_rounds, "bad number of rounds")]})
    geo = app.geography()
    at = format_timestamp(app.clock())
    with app.write() as conn:
        contest = elections_store.get_contest(conn, contest_id)
        if contest is None:
            raise NotFound(f"no contest {contest_id!r}",
                           details={"field": "contest", "actual": contest_id})
        turn = logs.sequence(conn, contest.election)
        latest: dict[str, tuple[int, tuple[Any, ...]]] = {}
        for row in protocol_rows_after(conn, contest_id, 0):
            _, station, version = row[0], str(row[1]), int(row[2])
            if station not in latest or latest[station][0] < version:
                latest[station] = (version, row)
        expected = [s for s in geo.station_ids() if contest.votes_at(geo, s)]
        missing = sorted(set(expected) - set(latest))
        if missing:
            raise RuleError(f"{len(missing)} station(s) have not reported: the outcome is not "
                            "final, nothing to audit yet", code="audit_pending",
                            details={"stations": missing[:20]})
        options = [str(o.id) for o in contest.options]
        figures = []
        for station, (_, row) in latest.items():
            c = dict(zip(COUNT_FIELDS, row[3:3 + len(COUNT_FIELDS)], strict=True))
            votes = row[3 + len(COUNT_FIELDS)]
            votes = votes if isinstance(votes, Mapping) else _json(votes)
            top = geo.top_level_of(UnitId(station))
            figures.append(rec.StationFigures(station, top.id if top else station,
                                              int(c["registered"]), int(c["invalid"]),
                                              int(c["both_marked"]), votes))
        manifest = rec.manifest_from_protocols(figures, options)
        election = elections_store.get_election(conn, contest.election)
        assert election is not None  # a contest's election exists (foreign key)
        aset = contest_assertions(manifest, contest, len(geo.top_level()), election.ruleset,
                                  elections_store.election_params(conn, contest.election))
        if not aset.assertions:
            raise RuleError("the reported outcome rests on nothing the paper ballots can show",
                            code="audit_nothing")
        from saylau.domain.audit.macro import prepare

        prepare(manifest, aset.assertions)  # refuses an assertion without a positive margin
        if kind == polling.POLLING:
            found, notes = polling.for_polling(aset.assertions, aset.notes)
            aset = replace(aset, assertions=found, notes=notes)
            polling.check_assertions(manifest, aset.assertions)
        audit_id = f"{contest_id}-rla-{len(store.audit_ids(conn)) + 1}"
        body = rec.audit_body(audit=audit_id, contest=contest_id, risk_limit=risk_limit,
                              max_rounds=max_rounds, manifest=manifest,
                              assertions=aset.assertions, notes=aset.notes, kind=kind,
                              method=method)
        leaf = store_log.append(turn, make_record(rec.AUDIT, body, recorded_at=at,
                                                 recorded_by=by))
        store.insert_audit(turn, store.AuditRow(
            audit_id, contest.election, contest_id, kind, risk_limit, max_rounds,
            rec.manifest_json(manifest), body["manifest_sha256"], body["assertions"],
            list(aset.notes), at, by, leaf, method))
    return audit_id


def _json(text: object) -> dict[str, int]:
    import json

    return {str(k): int(v) for k, v in json.loads(str(text)).items()}


def _append(app: Saylau, conn: Any, row: store.AuditRow, type_: str, body: dict[str, Any],
            at: str, by: str) -> tuple[Any, int]:
    turn = logs.sequence(conn, row.election)
    return turn, store_log.append(turn, make_record(type_, body, recorded_at=at,
                                                   recorded_by=by))


def assign(app: Saylau, audit: str, auditor: str, stations: Sequence[str], *, by: str) -> int:
    """Give `stations` of the audit to `auditor` (a token's name with the auditor role)."""
    check_text("auditor", auditor, 128)
    at = format_timestamp(app.clock())
    with app.write() as conn:
        row = _audit(conn, audit)
        known = set(row.manifest and (s[0] for s in row.manifest["stations"]))
        unknown = sorted(set(stations) - known)
        if unknown or not stations:
            raise ValidationFailed("stations to assign must be stations of the audit",
                                   details={"findings": [field_error(
                                       "stations", "stations of the audit's manifest",
                                       unknown[:20] or [], "unknown stations")]})
        stations = sorted(set(stations))
        turn, leaf = _append(app, conn, row, rec.ASSIGNMENT,
                             {"audit": audit, "auditor": auditor, "stations": stations}, at, by)
        store.insert_assignments(turn, audit, stations, auditor, at, leaf)
        return leaf


def _state(conn: Any, audit: str) -> tuple[list[store.SeedRow], list[store.SampleRow],
                                           list[store.MeasureRow]]:
    return store.seeds(conn, audit), store.samples(conn, audit), store.measures(conn, audit)


def enter_seed(app: Saylau, audit: str, dice: Sequence[int], observers: Sequence[str], *,
               by: str) -> int:
    """The seed ceremony of the next round: the dice as rolled and who watched, logged before
    any sample is drawn from them. Returns the round."""
    names = [o.strip() for o in observers if o.strip()]
    if not names:
        raise ValidationFailed("the seed ceremony needs the observers' names", details={
            "findings": [field_error("observers", "at least one name", list(observers),
                                     "no observer named")]})
    for n in names:
        check_text("observers", n, 200)
    seed = rec.seed_from_dice(list(dice))
    at = format_timestamp(app.clock())
    with app.write() as conn:
        row = _audit(conn, audit)
        seeds, _, measures = _state(conn, audit)
        round_ = len(seeds) + 1
        if seeds and (len(measures) < len(seeds)
                      or measures[-1].decision != rec.NEXT_ROUND):
            raise Conflict("a new round begins only after a round measured short of the risk "
                           "limit", code="audit_round_open",
                           details={"round": round_, "measured": len(measures)})
        body = rec.seed_body(audit=audit, round_=round_, seed=seed, dice=list(dice),
                             observers=names)
        turn, leaf = _append(app, conn, row, rec.SEED, body, at, by)
        store.insert_seed(turn, audit, store.SeedRow(round_, seed, list(dice), names, at, by,
                                                     leaf))
        return round_


def draw(app: Saylau, audit: str, draws: int, *, by: str) -> list[str]:
    """The round's sample: `draws` PPEB draws from the round's seed, continuing the draws of
    the earlier rounds. Returns the stations drawn, in order (a station may repeat)."""
    if not 1 <= draws <= MAX_DRAWS:
        raise ValidationFailed("the number of draws is out of range", details={"findings": [
            field_error("draws", f"1..{MAX_DRAWS}", draws, "bad number of draws")]})
    at = format_timestamp(app.clock())
    with app.write() as conn:
        row = _audit(conn, audit)
        seeds, samples, _ = _state(conn, audit)
        if not seeds or len(samples) >= len(seeds):
            raise Conflict("the round's seed must be entered (and logged) before its sample",
                           code="audit_no_seed", details={"rounds_seeded": len(seeds)})
        seed = seeds[-1]
        start = sum(len(s.stations) for s in samples)
        manifest = manifest_of(row)
        places = None
        if row.kind == polling.POLLING:
            ballots = polling.draw_ballots(manifest, seed.seed, start, draws)
            stations, places = [s for s, _ in ballots], [n for _, n in ballots]
        else:
            stations = rec.draw_sample(manifest, rec.assertions_from_json(row.assertions),
                                       seed.seed, start, draws)
        body = rec.sample_body(audit=audit, round_=seed.round, seed=seed.seed, start=start,
                               stations=stations, places=places)
        turn, leaf = _append(app, conn, row, rec.SAMPLE, body, at, by)
        store.insert_sample(turn, audit, store.SampleRow(seed.round, start, stations, at, leaf),
                            by)
        return stations


def enter_count(app: Saylau, audit: str, station: str, counts: Mapping[str, int],
                who: Principal) -> str:
    """One auditor's hand count of a drawn station. Refused: a station not drawn, an auditor
    not assigned to it, a second entry by the same auditor, counts larger than the station's
    ballots. Two entries that differ are both kept (the station is disputed until two auditors
    agree). Returns 'first', 'agreed' or 'disputed'."""
    at = format_timestamp(app.clock())
    with app.write() as conn:
        row = _audit(conn, audit)
        samples, measures = store.samples(conn, audit), store.measures(conn, audit)
        full = bool(measures) and measures[-1].decision == rec.FULL_HAND_COUNT
        if full and store.outcome(conn, audit) is not None:
            raise Conflict("the full hand count is concluded", code="audit_concluded",
                           details={"audit": audit})
        drawn = {s for smp in samples for s in smp.stations}
        if full:
            drawn = {s for s, _u, _r, _c in row.manifest["stations"]}
        elif row.kind == polling.POLLING:
            raise Conflict("a ballot-polling audit's drawn ballots are read one by one "
                           "(enter their readings); whole stations are counted only in a "
                           "full hand count", code="audit_polling_readings")
        if station not in drawn:
            raise ValidationFailed(f"station {station} is not in the audit's sample",
                                   code="audit_not_sampled", details={"findings": [field_error(
                                       "station", "a station drawn in the sample", station,
                                       "station not sampled")]})
        if who.role is not Role.ADMIN:
            assigned = store.assignments(conn, audit).get(station, set())
            if who.role is not Role.AUDITOR or who.name not in assigned:
                raise Forbidden(f"{who.role} {who.name!r} is not assigned to count station "
                                f"{station} in audit {audit}", code="audit_not_assigned",
                                details={"station": station, "assigned": sorted(assigned)})
        manifest = manifest_of(row)
        idx = manifest.stations.index(station)
        check_hand_count(manifest, idx, counts)
        earlier = [c for c in store.counts(conn, audit, station)
                   if row.kind != polling.POLLING or c.round > len(samples)]
        entries = [(c.station, c.auditor, c.counts) for c in earlier]
        if rec.agree([station], entries).agreed.get(station) is not None:
            raise Conflict(f"station {station} is already counted and agreed",
                           code="audit_count_agreed", details={"station": station})
        if any(c.auditor == who.name for c in earlier):
            raise Conflict(f"{who.name} already entered a count for station {station}; a "
                           "second auditor enters the other one (nothing is overwritten)",
                           code="audit_count_twice", details={"station": station})
        round_ = len(samples) + 1 if full else max(
            (s.round for s in samples if station in s.stations), default=1)
        clean = {c: int(counts[c]) for c in manifest.categories}
        body = rec.count_body(audit=audit, round_=round_, station=station, auditor=who.name,
                              counts=clean)
        turn, leaf = _append(app, conn, row, rec.COUNT, body, at, who.name)
        store.insert_count(turn, audit, store.CountRow(round_, station, who.name, clean, at,
                                                       leaf))
        entries.append((station, who.name, clean))
        result = rec.agree([station], entries)
        if station in result.agreed:
            return "agreed"
        return "disputed" if station in result.disputed else "first"


def measure(app: Saylau, audit: str, *, by: str) -> store.MeasureRow:
    """The risk of the draws so far from the agreed hand counts, and the round's decision:
    confirmed, another round, or a full hand count when the last round misses the limit."""
    at = format_timestamp(app.clock())
    with app.write() as conn:
        row = _audit(conn, audit)
        _, samples, measures = _state(conn, audit)
        if not samples or len(measures) >= len(samples):
            raise Conflict("no sampled round waits to be measured", code="audit_no_round",
                           details={"samples": len(samples), "measured": len(measures)})
        if row.kind == polling.POLLING:
            return _measure_polling(app, conn, row, samples, at, by)
        drawn = [s for smp in samples for s in smp.stations]
        entries = [(c.station, c.auditor, c.counts) for c in store.counts(conn, audit)]
        agreed = rec.agree(sorted(set(drawn)), entries)
        if agreed.pending:
            raise ValidationFailed(
                "every drawn station needs two agreeing hand counts before the risk is measured",
                code="audit_counts_missing", details={"findings": [field_error(
                    "hand_counts", "two agreeing entries per drawn station",
                    agreed.pending[:20], f"{len(agreed.pending)} station(s) pending, "
                    f"{len(agreed.disputed)} disputed")]})
        alpha = _alpha(row.risk_limit)
        got = rec.measure_draws(manifest_of(row), rec.assertions_from_json(row.assertions),
                                drawn, agreed.agreed, alpha)
        round_ = samples[-1].round
        decision = rec.decide_round(got.risk, alpha, round_, row.max_rounds)
        body = rec.measure_body(audit=audit, round_=round_, risk=got.risk, draws=len(drawn),
                                decision=decision, discrepancies=len(got.discrepancies))
        turn, leaf = _append(app, conn, row, rec.MEASURE, body, at, by)
        m = store.MeasureRow(round_, body["risk"], len(drawn), decision,
                             len(got.discrepancies), at, leaf)
        store.insert_measure(turn, audit, m, by)
        return m


def _measure_polling(app: Saylau, conn: Any, row: store.AuditRow,
                     samples: list[store.SampleRow], at: str, by: str) -> store.MeasureRow:
    manifest = manifest_of(row)
    draws = polled_draws(manifest, samples, store.seeds(conn, row.id))
    keys = sorted({polling.entry_key(s, r) for r, ds in enumerate(draws, 1) for s, _ in ds})
    entries = [(polling.entry_key(c.station, c.round), c.auditor, c.counts)
               for c in store.counts(conn, row.id)]
    agreed = rec.agree(keys, entries)
    if agreed.pending:
        raise ValidationFailed(
            "every drawn ballot needs two agreeing readings before the risk is measured",
            code="audit_counts_missing", details={"findings": [field_error(
                "readings", "two agreeing entries per station and round", agreed.pending[:20],
                f"{len(agreed.pending)} pending, {len(agreed.disputed)} disputed")]})
    alpha = _alpha(row.risk_limit)
    got = polling.measure(manifest, rec.assertions_from_json(row.assertions),
                          polling.polled(draws, agreed.agreed), alpha, str(row.method))
    round_ = samples[-1].round
    decision = rec.decide_round(got.risk, alpha, round_, row.max_rounds)
    body = rec.measure_body(audit=row.id, round_=round_, risk=got.risk, draws=got.ballots,
                            decision=decision, discrepancies=0)
    turn, leaf = _append(app, conn, row, rec.MEASURE, body, at, by)
    m = store.MeasureRow(round_, body["risk"], got.ballots, decision, 0, at, leaf)
    store.insert_measure(turn, row.id, m, by)
    return m


def polled_draws(manifest: Manifest, samples: Sequence[store.SampleRow],
                 seeds: Sequence[store.SeedRow]) -> list[list[tuple[str, int]]]:
    """Each round's polled ballots (station, place), redrawn from its seed (the rows keep the
    stations; the places follow from the seed and the manifest)."""
    by_round = {s.round: s.seed for s in seeds}
    return [polling.draw_ballots(manifest, by_round[smp.round], smp.start, len(smp.stations))
            for smp in samples]


__all__ = ["assign", "begin", "draw", "enter_count", "enter_seed", "manifest_of", "measure",
           "polled_draws"]
