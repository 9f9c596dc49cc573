"""Risk-limiting audits re-derived from the record alone (issue 15): each audit's manifest from
the protocol leaves before its `rla` leaf (compared with the digest it logged), each round's
sample redrawn from its seed (logged before the sample) and the manifest, the hand counts'
double entry, and each measured risk and decision recomputed from the agreed hand counts.
The first mismatch fails the verification, naming the leaf."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

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
    seeds: dict[int, str] = field(default_factory=dict)
    drawn: list[str] = field(default_factory=list)
    entries: list[tuple[str, str, dict[str, int]]] = field(default_factory=list)
    rounds: int = 0
    measured: int = 0
    last: str = ""


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
            if rec.assertions_json(derived.assertions) != body["assertions"]:
                raise _fail(f"leaf {idx}: audit {name}'s assertions are not those the "
                            "reported outcome rests on", leaf=idx)
            prepare(m, found)
            audits[name] = _Audit(m, found, float(body["risk_limit"]), int(body["max_rounds"]))
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
            again = rec.draw_sample(a.manifest, a.assertions, seed, len(a.drawn),
                                    int(body["draws"]))
            if again != list(body["stations"]):
                raise _fail(f"leaf {idx}: audit {name}'s sample of round {round_} is not the "
                            "one its seed draws from the manifest", leaf=idx)
            a.drawn.extend(again)
            a.rounds = round_
            draws += len(again)
        elif type_ == rec.COUNT:
            if body["station"] not in a.drawn:
                raise _fail(f"leaf {idx}: a hand count of station {body['station']}, not drawn "
                            f"in audit {name}", leaf=idx)
            a.entries.append((str(body["station"]), str(body["auditor"]),
                              {str(k): int(v) for k, v in body["counts"].items()}))
            counts += 1
        elif type_ == rec.MEASURE:
            agreed = rec.agree(sorted(set(a.drawn)), a.entries)
            if agreed.pending or round_ != a.rounds or int(body["draws"]) != len(a.drawn):
                raise _fail(f"leaf {idx}: audit {name}'s round {round_} was measured before "
                            "every drawn station had two agreeing counts", leaf=idx)
            got = rec.measure_draws(a.manifest, a.assertions, a.drawn, agreed.agreed, a.alpha)
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
        elif type_ != rec.ASSIGNMENT:
            raise _fail(f"leaf {idx}: unknown audit record type {type_}", leaf=idx)
    outcome = ", ".join(f"{k}: {a.last or 'in progress'}" for k, a in sorted(audits.items()))
    return (f"{len(audits)} risk-limiting audit(s): manifests equal to the protocols logged "
            f"before them, {draws:,} draw(s) redrawn from their seeds, {counts:,} hand count(s), "
            f"every risk and decision recomputed ({outcome})")
