"""Published results: what the server publishes, and their comparison with the recomputation."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from saylau.domain.contests import ContestKind
from saylau.domain.record.verify.core import Report, VerifiedElection, _fail

UNIT_FIGURES = ("stations_expected", "stations_reported", "registered", "ballots_issued",
                "ballots_in_boxes", "invalid", "both_marked")


def published_results(v: VerifiedElection) -> dict[str, Any]:
    """What the server publishes, in the shape `compare_published` reads (the exporter uses
    this with its own tallies; the verifier with the recomputed ones). A Senate seat has no
    polling station figures: its decision only (from its joint-session protocols)."""
    out: dict[str, Any] = {"election": v.election, "contests": {}}
    for c in v.contests:
        t = v.tallies[c.id]
        units = {}
        for u in v.geography.units if c.kind is not ContestKind.SENATE_SEAT else ():
            r = t.result(u.id)
            if r.stations_expected == 0:
                continue
            units[u.id] = {**{f: getattr(r, f) for f in UNIT_FIGURES}, "votes": dict(r.votes)}
        out["contests"][c.id] = {"units": units, "decision": v.decisions[c.id]}
    return out


def compare_published(v: VerifiedElection, published: Mapping[str, Any], report: Report) -> None:
    mine = published_results(v)
    theirs = published.get("contests", {})
    for cid, data in mine["contests"].items():
        if cid not in theirs:
            raise _fail(f"the published results have no contest {cid}", contest=cid)
        pub_units = theirs[cid].get("units", {})
        for unit, figures in data["units"].items():
            pub = pub_units.get(unit)
            if pub is None:
                raise _fail(f"{cid}: the published results have no unit {unit}", unit=unit)
            for f, value in figures.items():
                if pub.get(f) != value:
                    raise _fail(
                        f"{cid}: unit {unit}: published {f} = {json.dumps(pub.get(f))}, but "
                        f"the record gives {json.dumps(value)}", contest=cid, unit=unit,
                        field=f, expected=value, actual=pub.get(f))
        if theirs[cid].get("decision") != data["decision"]:
            raise _fail(f"{cid}: the published decision {theirs[cid].get('decision')} differs "
                        f"from the law applied to the record: {data['decision']}",
                        contest=cid, expected=data["decision"],
                        actual=theirs[cid].get("decision"))
    rows = sum(len(d["units"]) for d in mine["contests"].values())
    report.ok(f"published results: every figure of {rows:,} unit-contest rows and every "
              "decision equal the recomputation")
