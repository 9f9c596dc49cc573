"""Risk-limiting audits re-derived from the record alone (issue 15): each audit's manifest from
the protocol leaves before its `rla` leaf (compared with the digest it logged), each round's
sample redrawn from its seed (logged before the sample) and the manifest, the hand counts'
double entry, and each measured risk and decision recomputed from the agreed hand counts (or,
ballot polling, the agreed readings of the drawn ballots, BRAVO or Minerva); after an
escalation, the full hand count's totals and the outcome confirmed or overturned.
The first mismatch fails the verification, naming the leaf."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from saylau.domain.audit import outcome as oc
from saylau.domain.audit import polling
from saylau.domain.audit import record as rec
from saylau.domain.audit.assertions import contest_assertions
from saylau.domain.audit.macro import prepare
from saylau.domain.audit.model import Assertion, Manifest
from saylau.domain.contests import Contest
from saylau.domain.geography import Geography
from saylau.domain.ids import UnitId
from saylau.domain.protocols import COUNT_FIELDS
from saylau.domain.record.verify.core import _fail
from saylau.domain.rulesets import RulesetName

_REG, _INV, _BOTH = (COUNT_FIELDS.index(f) for f in ("registered", "invalid", "both_marked"))


@dataclass
class _Audit:
    manifest: Manifest
    assertions: list[Assertion]
    alpha: float
    max_rounds: int
    contest: Contest
    kind: str = rec.BATCH
    method: str | None = None
    seeds: dict[int, str] = field(default_factory=dict)
    drawn: list[str] = field(default_factory=list)
    polled: list[list[tuple[str, int]]] = field(default_factory=list)
    """A polling audit's draws by round: (station, place)."""
    entries: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    full_entries: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    rounds: int = 0
    measured: int = 0
    last: str = ""
    concluded: str = ""


def _manifest(contest: Contest, at: int, geo: Geography,
              versions: Mapping[tuple[str, str], list[tuple[int, tuple[int, ...],
                                                         dict[str, int]]]]) -> Manifest:
    rows = []
    for (c, station), history in versions.items():
        if c != contest.id:
            continue
        before = [h for h in history if h[0] < at]
        if not before:
            continue
        _, counts, votes = before[-1]
        top = geo.top_level_of(UnitId(station)) if station in geo else None
        rows.append(rec.StationFigures(station, top.id if top else station, counts[_REG],
                                       counts[_INV], counts[_BOTH], votes))
    return rec.manifest_from_protocols(rows, [str(o.id) for o in contest.options])


def check_audits(leaves: Sequence[tuple[int, str, dict[str, Any]]],
                 versions: Mapping[tuple[str, str], list[tuple[int, tuple[int, ...],
                                                            dict[str, int]]]],
                 geo: Geography, contests: Sequence[Contest],
                 ruleset: RulesetName | None = None, params: Mapping[str, str] | None = None
                 ) -> str:
    by_id = {str(c.id): c for c in contests}
    audits: dict[str, _Audit] = {}
    draws = counts = 0
    for idx, type_, body in leaves:
        name = str(body["audit"])
        if type_ == rec.AUDIT:
            contest = by_id.get(str(body["contest"]))
            if contest is None or name in audits:
                raise _fail(f"leaf {idx}: audit {name} of an unknown contest, or begun twice",
                            leaf=idx)
            m = _manifest(contest, idx, geo, versions)
            if rec.manifest_digest(m) != body["manifest_sha256"]:
                raise _fail(f"leaf {idx}: audit {name}'s manifest is not the protocols logged "
                            "before it (digest differs)", leaf=idx)
            found = rec.assertions_from_json(body["assertions"])
            # the assertions are the reported outcome's, re-derived from the same figures
            derived = contest_assertions(m, contest, len(geo.top_level()), ruleset, params)
            kind = str(body.get("kind", rec.BATCH))
            expected = derived.assertions if kind == rec.BATCH else polling.for_polling(
                derived.assertions, derived.notes)[0]
            if rec.assertions_json(expected, polling=kind != rec.BATCH) != body["assertions"]:
                raise _fail(f"leaf {idx}: audit {name}'s assertions are not those the "
                            "reported outcome rests on", leaf=idx)
            prepare(m, found)
            method = body.get("method")
            if kind == polling.POLLING:
                polling.check_assertions(m, found)
                polling.check_method(str(method))
            elif kind != rec.BATCH or method is not None:
                raise _fail(f"leaf {idx}: audit {name} is of an unknown kind", leaf=idx)
            audits[name] = _Audit(m, found, float(body["risk_limit"]), int(body["max_rounds"]),
                                  contest, kind, None if method is None else str(method))
            continue
        a = audits.get(name)
        if a is None:
            raise _fail(f"leaf {idx}: {type_} of audit {name}, which has not begun", leaf=idx)
        round_ = int(body.get("round", 0))
        if type_ == rec.SEED:
            if round_ != len(a.seeds) + 1 or rec.seed_from_dice(body["dice"]) != body["seed"]:
                raise _fail(f"leaf {idx}: audit {name}'s seed of round {round_} is out of order "
                            "or not its dice", leaf=idx)
            a.seeds[round_] = str(body["seed"])
        elif type_ == rec.SAMPLE:
            seed = a.seeds.get(round_)
            if seed is None or seed != body["seed"] or int(body["start"]) != len(a.drawn):
                raise _fail(f"leaf {idx}: audit {name}'s sample of round {round_} has no seed "
                            "logged before it, or does not continue the earlier draws", leaf=idx)
            if a.kind == polling.POLLING:
                ballots = polling.draw_ballots(a.manifest, seed, len(a.drawn),
                                               int(body["draws"]))
                again = [s for s, _ in ballots]
                if [n for _, n in ballots] != list(body.get("places") or []):
                    again = []
                a.polled.append(ballots)
            else:
                again = rec.draw_sample(a.manifest, a.assertions, seed, len(a.drawn),
                                        int(body["draws"]))
            if again != list(body["stations"]):
                raise _fail(f"leaf {idx}: audit {name}'s sample of round {round_} is not the "
                            "one its seed draws from the manifest", leaf=idx)
            a.drawn.extend(again)
            a.rounds = round_
            draws += len(again)
        elif type_ == rec.COUNT:
            _count(idx, name, a, body)
            counts += 1
        elif type_ == rec.MEASURE:
            got = _risk(idx, name, a, round_, body)
            logged = float(body["risk"])
            if abs(got.risk - logged) > 1e-9 * max(1.0, got.risk):
                raise _fail(f"leaf {idx}: audit {name}'s risk is {body['risk']}, the hand counts "
                            f"give {rec.number(got.risk)}", leaf=idx)
            decision = rec.decide_round(got.risk, a.alpha, round_, a.max_rounds)
            if decision != body["decision"]:
                raise _fail(f"leaf {idx}: audit {name}'s decision is {body['decision']}, the "
                            f"risk gives {decision}", leaf=idx)
            a.measured += 1
            a.last = decision
        elif type_ == rec.FULL:
            a.concluded = _full(idx, name, a, body, len(geo.top_level()), ruleset, params)
        elif type_ != rec.ASSIGNMENT:
            raise _fail(f"leaf {idx}: unknown audit record type {type_}", leaf=idx)
    outcome = ", ".join(f"{k}: {a.last or 'in progress'}"
                        + (f", hand count {a.concluded}" if a.concluded else "")
                        for k, a in sorted(audits.items()))
    return (f"{len(audits)} risk-limiting audit(s): manifests equal to the protocols logged "
            f"before them, {draws:,} draw(s) redrawn from their seeds, {counts:,} hand count(s), "
            f"every risk and decision recomputed ({outcome})")


def _count(idx: int, name: str, a: _Audit, body: Mapping[str, Any]) -> None:
    """A hand count of a drawn station (batch), the readings of a station's drawn ballots
    this round (polling), or, after an escalation, a hand count of any station."""
    station, auditor = str(body["station"]), str(body["auditor"])
    if "readings" in body:
        round_ = int(body["round"])
        places = polling.places(a.polled[round_ - 1], station) if (
            a.kind == polling.POLLING and round_ == a.rounds and a.measured < a.rounds) else []
        readings = {str(k): str(v) for k, v in body["readings"].items()}
        if not places or sorted(readings, key=int) != [str(n) for n in places] or any(
                c not in a.manifest.categories for c in readings.values()):
            raise _fail(f"leaf {idx}: readings of station {station} that are not its ballots "
                        f"drawn in audit {name}'s open round", leaf=idx)
        a.entries.append((polling.entry_key(station, round_), auditor, readings))
        return
    counts = {str(k): int(v) for k, v in body["counts"].items()}
    if a.last == rec.FULL_HAND_COUNT and not a.concluded:
        if station not in a.manifest.stations:
            raise _fail(f"leaf {idx}: a hand count of {station}, not a station of audit "
                        f"{name}", leaf=idx)
        (a.entries if a.kind == rec.BATCH else a.full_entries).append(
            (station, auditor, counts))
        return
    if a.kind != rec.BATCH or station not in a.drawn:
        raise _fail(f"leaf {idx}: a hand count of station {station}, not drawn in audit "
                    f"{name}", leaf=idx)
    a.entries.append((station, auditor, counts))


def _risk(idx: int, name: str, a: _Audit, round_: int, body: Mapping[str, Any]) -> Any:
    if a.kind == polling.POLLING:
        keys = sorted({polling.entry_key(s, r) for r, ds in enumerate(a.polled, 1)
                       for s, _ in ds})
        agreed = rec.agree(keys, a.entries)
        if agreed.pending or round_ != a.rounds or int(body["draws"]) != len(a.drawn):
            raise _fail(f"leaf {idx}: audit {name}'s round {round_} was measured before every "
                        "drawn ballot had two agreeing readings", leaf=idx)
        return polling.measure(a.manifest, a.assertions,
                               polling.polled(a.polled, agreed.agreed), a.alpha,
                               str(a.method))
    agreed = rec.agree(sorted(set(a.drawn)), a.entries)
    if agreed.pending or round_ != a.rounds or int(body["draws"]) != len(a.drawn):
        raise _fail(f"leaf {idx}: audit {name}'s round {round_} was measured before "
                    "every drawn station had two agreeing counts", leaf=idx)
    return rec.measure_draws(a.manifest, a.assertions, a.drawn, agreed.agreed, a.alpha)


def _full(idx: int, name: str, a: _Audit, body: Mapping[str, Any], units: int,
          ruleset: RulesetName | None, params: Mapping[str, str] | None) -> str:
    """The full hand count's conclusion: every station's agreed hand count, the totals, the
    outcome they give against the reported one."""
    if a.last != rec.FULL_HAND_COUNT or a.concluded:
        raise _fail(f"leaf {idx}: audit {name} concludes a full hand count it was not "
                    "escalated to, or twice", leaf=idx)
    m = a.manifest
    got = rec.agree(list(m.stations), a.entries if a.kind == rec.BATCH else a.full_entries)
    if got.pending:
        raise _fail(f"leaf {idx}: audit {name}'s full hand count concluded with "
                    f"{len(got.pending)} station(s) not counted twice alike", leaf=idx)
    hand = np.asarray([[int(got.agreed[s][c]) for c in m.categories] for s in m.stations],
                      dtype=np.int64).reshape(m.counts.shape)
    totals = {c: int(v) for c, v in zip(m.categories, hand.sum(axis=0), strict=True)}
    again = oc.full_body(audit=name, stations=len(m.stations), totals=totals,
                         reported=oc.outcome(m, a.contest, units, ruleset, params),
                         counted=oc.outcome(oc.with_counts(m, hand), a.contest, units,
                                            ruleset, params))
    if again != dict(body):
        raise _fail(f"leaf {idx}: audit {name}'s full hand count says {body.get('outcome')}; "
                    f"the hand counts give {again['outcome']} ({again['counted']})", leaf=idx)
    return str(again["outcome"])
