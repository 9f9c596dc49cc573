"""The audit as leaves of the election's log, and what anyone re-derives from them.

Leaves (record types, domain/record/envelope/types.py): `rla` (the audit: contest, kind, risk
limit, the manifest's digest, the assertions), `rla-assignment` (stations given to an auditor),
`rla-seed` (a round's seed with the dice and the observers' names, logged before the sample),
`rla-sample` (the round's draws), `rla-count` (one auditor's hand count of one station: two
auditors enter each), `rla-measure` (the risk and the decision). Records hold no floats
(domain/record/canonical.py): the risk limit, the weights and the risk are decimal strings.

The manifest is the contest's current protocol versions when the audit starts (the service
reads them under the log's turn; the verifier takes the protocol leaves before the `rla`
leaf), one station per row, sorted by station id, with its top-level unit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from saylau.domain.audit import macro, sampler
from saylau.domain.audit.model import Assertion, Manifest, Polling
from saylau.domain.errors import ValidationFailed, field_error
from saylau.domain.record.canonical import canonical_bytes

AUDIT = "rla"
ASSIGNMENT = "rla-assignment"
SEED = "rla-seed"
SAMPLE = "rla-sample"
COUNT = "rla-count"
MEASURE = "rla-measure"
FULL = "rla-full"
TYPES = (AUDIT, ASSIGNMENT, SEED, SAMPLE, COUNT, MEASURE, FULL)

BATCH = "batch-comparison"
CONFIRMED = "confirmed"
NEXT_ROUND = "next-round"
FULL_HAND_COUNT = "full-hand-count"


@dataclass(frozen=True)
class StationFigures:
    station: str
    unit: str
    registered: int
    invalid: int
    both_marked: int
    votes: Mapping[str, int]


def categories_of(options: Sequence[str]) -> tuple[str, ...]:
    return (*options, "both_marked", "invalid")


def manifest_from_protocols(rows: Iterable[StationFigures], options: Sequence[str]) -> Manifest:
    rows = sorted(rows, key=lambda r: r.station)
    cats = categories_of(options)
    counts = np.asarray([[*(int(r.votes.get(o, 0)) for o in options), r.both_marked,
                          r.invalid] for r in rows], dtype=np.int64).reshape(len(rows), len(cats))
    return Manifest(tuple(r.station for r in rows), tuple(r.unit for r in rows), cats, counts,
                    np.asarray([r.registered for r in rows], dtype=np.int64))


def manifest_json(m: Manifest) -> dict[str, Any]:
    return {"categories": list(m.categories),
            "stations": [[s, u, int(r), [int(x) for x in row]] for s, u, r, row in
                         zip(m.stations, m.units, m.registered, m.counts, strict=True)]}


def manifest_from_json(data: Mapping[str, Any]) -> Manifest:
    cats = tuple(str(c) for c in data["categories"])
    rows = data["stations"]
    counts = np.asarray([r[3] for r in rows], dtype=np.int64).reshape(len(rows), len(cats))
    return Manifest(tuple(str(r[0]) for r in rows), tuple(str(r[1]) for r in rows), cats,
                    counts, np.asarray([int(r[2]) for r in rows], dtype=np.int64))


def manifest_digest(m: Manifest) -> str:
    return hashlib.sha256(canonical_bytes(manifest_json(m))).hexdigest()


def number(x: float) -> str:
    """A float as the decimal string records hold (repr: the shortest that reads back)."""
    return repr(float(x))


def assertions_json(assertions: Sequence[Assertion], polling: bool = False
                    ) -> list[dict[str, Any]]:
    """The assertions as records hold them; a ballot-polling audit's also say whose ballots
    are W and L and the fraction W must exceed."""
    out = []
    for a in assertions:
        item: dict[str, Any] = {
            "key": a.key, "claim": a.claim, "unit": a.unit,
            "weights": {c: number(w) for c, w in sorted(a.weights.items())},
            "registered_weight": number(a.registered_weight)}
        if polling and a.polling is not None:
            item["polling"] = {"winners": list(a.polling.winners),
                               "losers": list(a.polling.losers),
                               "fraction": number(a.polling.fraction)}
        out.append(item)
    return out


def assertions_from_json(data: Sequence[Mapping[str, Any]]) -> list[Assertion]:
    out = []
    for a in data:
        p = a.get("polling")
        pol = None if p is None else Polling(tuple(str(x) for x in p["winners"]),
                                             tuple(str(x) for x in p["losers"]),
                                             float(p["fraction"]))
        out.append(Assertion(str(a["key"]), str(a["claim"]),
                             {str(c): float(w) for c, w in a["weights"].items()},
                             float(a["registered_weight"]), a.get("unit"), pol))
    return out


def audit_body(*, audit: str, contest: str, risk_limit: str, max_rounds: int,
               manifest: Manifest, assertions: Sequence[Assertion],
               notes: Sequence[str], kind: str = BATCH, method: str | None = None
               ) -> dict[str, Any]:
    body = {"audit": audit, "contest": contest, "kind": kind, "risk_limit": risk_limit,
            "max_rounds": max_rounds, "manifest_sha256": manifest_digest(manifest),
            "stations": len(manifest.stations), "categories": list(manifest.categories),
            "assertions": assertions_json(assertions, polling=kind != BATCH),
            "notes": list(notes)}
    if method is not None:
        body["method"] = method
    return body


def seed_body(*, audit: str, round_: int, seed: str, dice: Sequence[int],
              observers: Sequence[str]) -> dict[str, Any]:
    return {"audit": audit, "round": round_, "seed": seed, "dice": list(dice),
            "observers": list(observers)}


def sample_body(*, audit: str, round_: int, seed: str, start: int,
                stations: Sequence[str], places: Sequence[int] | None = None
                ) -> dict[str, Any]:
    """A batch audit's draws are stations; a polling audit's also each ballot's place."""
    body = {"audit": audit, "round": round_, "seed": seed, "start": start,
            "draws": len(stations), "stations": list(stations)}
    if places is not None:
        body["places"] = list(places)
    return body


def count_body(*, audit: str, round_: int, station: str, auditor: str,
               counts: Mapping[str, int] | None = None,
               readings: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A hand count of a station's ballots by category, or (ballot polling) the readings of
    its drawn ballots: place -> category."""
    body: dict[str, Any] = {"audit": audit, "round": round_, "station": station,
                            "auditor": auditor}
    if readings is not None:
        body["readings"] = dict(readings)
    else:
        body["counts"] = dict(sorted((counts or {}).items()))
    return body


def measure_body(*, audit: str, round_: int, risk: float, draws: int, decision: str,
                 discrepancies: int) -> dict[str, Any]:
    return {"audit": audit, "round": round_, "risk": number(risk), "draws": draws,
            "decision": decision, "discrepancies": discrepancies}


def seed_from_dice(dice: Sequence[int]) -> str:
    """The seed is the dice read in the order rolled, as decimal digits (as in Arlo's ceremony
    of twenty ten-sided dice)."""
    bad = [d for d in dice if not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 9]
    if len(dice) < 20 or bad:
        raise ValidationFailed("the seed needs at least 20 dice, each 0 to 9", details={
            "findings": [field_error("dice", "at least 20 whole numbers 0..9",
                                     list(dice)[:30], "bad dice")]})
    return "".join(str(d) for d in dice)


def draw_sample(manifest: Manifest, assertions: Sequence[Assertion], seed: str, start: int,
                count: int) -> list[str]:
    """Draws start+1 .. start+count: PPEB with MACRO's error bounds (sampler.weighted_draws)."""
    u = macro.error_bounds(manifest, assertions)
    return [manifest.stations[int(i)] for i in sampler.weighted_draws(u, seed, start, count)]


@dataclass(frozen=True)
class Entries:
    agreed: dict[str, dict[str, Any]]
    disputed: dict[str, list[tuple[str, dict[str, Any]]]]
    pending: list[str]


def agree(stations: Sequence[str], entries: Sequence[tuple[str, str, Mapping[str, Any]]]
          ) -> Entries:
    """Double entry: a station's hand count is agreed when two different auditors entered the
    same figures (the first such pair, in entry order); entries that differ are kept and the
    station is disputed until a pair agrees. `entries`: (station, auditor, counts)."""
    by: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for station, auditor, counts in entries:
        by.setdefault(station, []).append((auditor, dict(counts)))
    agreed: dict[str, dict[str, Any]] = {}
    disputed: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for station, es in by.items():
        found = None
        for i, (a1, c1) in enumerate(es):
            for a2, c2 in es[:i]:
                if a1 != a2 and c1 == c2:
                    found = c1
                    break
            if found is not None:
                break
        if found is not None:
            agreed[station] = found
        elif len({tuple(sorted(c.items())) for _, c in es}) > 1:
            disputed[station] = es
    pending = sorted({s for s in stations if s not in agreed})
    return Entries(agreed, disputed, pending)


def decide_round(risk: float, alpha: float, round_: int, max_rounds: int) -> str:
    if risk <= alpha:
        return CONFIRMED
    return FULL_HAND_COUNT if round_ >= max_rounds else NEXT_ROUND


def measure_draws(manifest: Manifest, assertions: Sequence[Assertion],
                  drawn: Sequence[str], agreed: Mapping[str, Mapping[str, int]],
                  alpha: float) -> macro.Measured:
    index = {s: i for i, s in enumerate(manifest.stations)}
    draws = [index[s] for s in drawn]
    audited = {index[s]: c for s, c in agreed.items() if s in index}
    return macro.measure(manifest, assertions, draws, audited, alpha)
