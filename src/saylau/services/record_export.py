"""The public record of an election, exported: its log's leaves, the signed tree heads, the
central commission's public key, and the results this server publishes computed from its
tables (not from the log), which the verifier recomputes from the log and compares
(docs/record.md, `saylau verify`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from saylau.domain.contests import ContestKind
from saylau.domain.errors import SaylauError
from saylau.domain.record.verify import UNIT_FIGURES
from saylau.services import logs
from saylau.services import results as results_svc
from saylau.services.context import Saylau
from saylau.services.elections import contests as contests_of
from saylau.services.elections import get_election


def published_results(app: Saylau, election: str) -> dict[str, Any]:
    """What this server publishes for `election`, computed from its tables (not from the
    log): the verifier recomputes it from the log and compares."""
    e = get_election(app, election)
    geo = app.geography()
    out: dict[str, Any] = {"election": e.id, "contests": {}}
    for c in contests_of(app, e.id):
        t, _cache = results_svc.refresh(app, c.id)
        units = {}
        # a Senate seat has no polling station figures: its decision only, from its sessions
        for u in geo.units if c.kind is not ContestKind.SENATE_SEAT else ():
            r = t.result(u.id)
            if r.stations_expected == 0:
                continue
            units[u.id] = {**{f: getattr(r, f) for f in UNIT_FIGURES}, "votes": dict(r.votes)}
        try:
            decision = results_svc.decision(app, c.id)[0].summary()
        except SaylauError as exc:  # figures the law cannot decide on: published as such
            decision = {"error": exc.message}
        out["contests"][c.id] = {"units": units, "decision": decision}
    return out


def export_record(app: Saylau, election: str, out: Path) -> dict[str, int]:
    """Write the whole public record of `election` to the directory `out`: leaves.jsonl (one
    leaf's canonical bytes per line), tree-heads.json, central.pub, results.json."""
    e = get_election(app, election)
    head = logs.tree_head(app, e.id)  # a head covering everything logged so far
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    with (out / "leaves.jsonl").open("wb") as f:
        for data in logs.all_leaves(app, e.id):
            if n >= head.size:
                break
            f.write(data + b"\n")
            n += 1
    heads = [h.as_json() for h in logs.tree_heads(app, e.id)]
    (out / "tree-heads.json").write_text(json.dumps(heads, indent=1) + "\n", encoding="utf-8")
    (out / "central.pub").write_text(logs.central_public_hex(app) + "\n", encoding="utf-8")
    (out / "results.json").write_text(
        json.dumps(published_results(app, e.id), ensure_ascii=False, sort_keys=True) + "\n",
        encoding="utf-8")
    # observation (issue 12): the comparison of observers' copies, as published
    from saylau.services.observation.compare import published_comparison

    (out / "observation.json").write_text(
        json.dumps(published_comparison(app, e.id), ensure_ascii=False, sort_keys=True)
        + "\n", encoding="utf-8")
    (out / "README.txt").write_text(
        f"The public record of election {e.id} (docs/record.md).\n"
        "leaves.jsonl: the log, one leaf (canonical JSON) per line, leaf 0 first.\n"
        "tree-heads.json: the tree heads signed by the central commission.\n"
        "central.pub: the central commission's Ed25519 public key (hex); check it against\n"
        "  the one the commission publishes elsewhere: it is the trust anchor.\n"
        "results.json: the results the server published, per contest and unit.\n"
        "observation.json: observers' protocol copies compared with the official ones.\n"
        "Check it all: saylau verify <this directory>\n", encoding="utf-8")
    return {"leaves": n, "tree_heads": len(heads)}


__all__ = ["export_record", "published_results"]
