"""The audit as read: its plan (70/80/90% sizes), rounds, retrieval lists per territorial
commission, progress of the hand counts, discrepancy report and risk. Read-only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from saylau.domain.audit import plan as planner
from saylau.domain.audit import polling
from saylau.domain.audit import record as rec
from saylau.domain.errors import NotFound
from saylau.domain.ids import UnitId
from saylau.services.audits import full as full_
from saylau.services.audits import rounds as rounds_
from saylau.services.context import Saylau
from saylau.store import audits as store


@dataclass(frozen=True)
class RoundView:
    round: int
    seed: str
    dice: list[int]
    observers: list[str]
    seed_leaf: int
    stations: list[str] = field(default_factory=list)
    places: list[int] = field(default_factory=list)
    """A polling audit's drawn ballots: each draw's place in its station's stack."""
    start: int = 0
    sample_leaf: int | None = None
    risk: str | None = None
    decision: str | None = None
    measure_leaf: int | None = None


@dataclass(frozen=True)
class AuditReport:
    id: str
    election: str
    contest: str
    kind: str
    risk_limit: str
    max_rounds: int
    manifest_sha256: str
    stations_total: int
    assertions: list[dict[str, Any]]
    notes: list[str]
    created_at: str
    leaf: int
    rounds: list[RoundView]
    drawn: int
    distinct: int
    agreed: int
    disputed: list[str]
    pending: list[str]
    discrepancies: list[dict[str, Any]]
    retrieval: dict[str, list[str]]
    state: str
    risk: str | None
    method: str | None = None
    full: dict[str, Any] | None = None
    """After an escalation: the full hand count's progress and, once concluded, its totals and
    the outcome confirmed or overturned."""

    def as_json(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["rounds"] = [r.__dict__ for r in self.rounds]
        return out


def list_audits(app: Saylau, election: str | None = None) -> list[tuple[str, str, str]]:
    with app.read() as conn:
        return store.audit_ids(conn, election)


def report(app: Saylau, audit: str) -> AuditReport:
    with app.read() as conn:
        row = store.get_audit(conn, audit)
        if row is None:
            raise NotFound(f"no audit {audit!r}", details={"field": "audit", "actual": audit})
        seeds, samples = store.seeds(conn, audit), store.samples(conn, audit)
        measures, counts = store.measures(conn, audit), store.counts(conn, audit)
        concluded = store.outcome(conn, audit)
    manifest = rec.manifest_from_json(row.manifest)
    poll = row.kind == polling.POLLING
    draws = rounds_.polled_draws(manifest, samples, seeds) if poll else []
    rounds = []
    for s in seeds:
        smp = next((x for x in samples if x.round == s.round), None)
        m = next((x for x in measures if x.round == s.round), None)
        places = [n for _, n in draws[s.round - 1]] if poll and smp else []
        rounds.append(RoundView(
            s.round, s.seed, s.dice, s.observers, s.leaf,
            smp.stations if smp else [], places, smp.start if smp else 0,
            smp.leaf if smp else None,
            m.risk if m else None, m.decision if m else None, m.leaf if m else None))
    drawn = [x for smp in samples for x in smp.stations]
    distinct = sorted(set(drawn))
    stations_drawn = distinct
    if poll:
        keys = sorted({polling.entry_key(s, r) for r, ds in enumerate(draws, 1)
                       for s, _ in ds})
        entries = rec.agree(keys, [(polling.entry_key(c.station, c.round), c.auditor, c.counts)
                                   for c in counts if c.round <= len(samples)])
        distinct = keys
    else:
        entries = rec.agree(distinct, [(c.station, c.auditor, c.counts) for c in counts])
    index = {s: i for i, s in enumerate(manifest.stations)}
    discrepancies = []
    for station in distinct:
        got = entries.agreed.get(station)
        if got is None or poll:
            continue
        i = index[station]
        expected = {c: int(v) for c, v in zip(manifest.categories, manifest.counts[i],
                                              strict=True)}
        if got != expected:
            discrepancies.append({"station": station, "expected": expected, "audited": got,
                                  "difference": {c: got[c] - expected[c] for c in expected}})
    geo = app.geography()
    retrieval: dict[str, list[str]] = {}
    for station in stations_drawn:
        anc = geo.ancestors(UnitId(station)) if station in geo else []
        commission = anc[0].id if anc else "?"
        retrieval.setdefault(str(commission), []).append(station)
    last = measures[-1] if measures else None
    state = "in-progress" if last is None else (
        "confirmed" if last.decision == rec.CONFIRMED else
        "full-hand-count" if last.decision == rec.FULL_HAND_COUNT else "in-progress")
    full = None
    if state == "full-hand-count":
        hand = full_.hand_counts(row, counts, len(samples))
        full = {"stations": len(manifest.stations), "agreed": len(hand.agreed),
                "disputed": sorted(hand.disputed), "outcome": None}
        if concluded is not None:
            state = f"hand-count-{concluded.outcome}"
            full.update(outcome=concluded.outcome, totals=concluded.totals,
                        reported=concluded.reported, counted=concluded.counted,
                        leaf=concluded.leaf)
    return AuditReport(
        row.id, row.election, row.contest, row.kind, row.risk_limit, row.max_rounds,
        row.manifest_sha256, len(manifest.stations), row.assertions, row.notes,
        row.created_at, row.leaf, rounds, len(drawn), len(distinct), len(entries.agreed),
        sorted(entries.disputed), entries.pending, discrepancies, retrieval, state,
        last.risk if last else None, row.method, full)


def plan(app: Saylau, audit: str, *, error_rate: float = 0.0, taint: float = 0.0
         ) -> planner.Plan:
    """The first round's sizes for a 70, 80 and 90% chance of finishing: MACRO's draws for a
    batch comparison; for ballot polling BRAVO's or Minerva's ballots."""
    with app.read() as conn:
        row = store.get_audit(conn, audit)
        if row is None:
            raise NotFound(f"no audit {audit!r}", details={"field": "audit", "actual": audit})
    if row.kind == polling.POLLING:
        m, found = rec.manifest_from_json(row.manifest), rec.assertions_from_json(row.assertions)
        alpha = float(row.risk_limit)
        if row.method == polling.BRAVO:
            return planner.plan_polling(m, found, alpha)
        rows = tuple(planner.PlanRow(q, n, float(n)) for q in planner.CHANCES
                     for n in [polling.plan_minerva(m, found, alpha, q)])
        return planner.Plan("polling", alpha, rows, None,
                            "the reported shares are right (Minerva's first round, relevant "
                            "ballots at their reported rate)")
    return planner.plan_batch(rec.manifest_from_json(row.manifest),
                              rec.assertions_from_json(row.assertions), float(row.risk_limit),
                              error_rate=error_rate, taint=taint)
