"""The party register's public record exported for `saylau verify` (its leaves:
services/parties/record.py; their meaning and verifier: domain/parties/record.py)."""

from __future__ import annotations

import json
from pathlib import Path

from saylau.domain.parties import record as rec
from saylau.services import logs
from saylau.services.context import Saylau
from saylau.services.parties.decisions import register


def export_register(saylau: Saylau, out: Path) -> dict[str, int]:
    """The register's public record in `out`: leaves.jsonl, tree-heads.json, central.pub and
    register.json (the register as this server publishes it, from its tables), which
    `saylau verify` re-derives from the leaves and compares."""
    head = logs.tree_head(saylau, rec.PARTY_LOG)
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    with (out / "leaves.jsonl").open("wb") as f:
        for data in logs.all_leaves(saylau, rec.PARTY_LOG):
            if n >= head.size:
                break
            f.write(data + b"\n")
            n += 1
    heads = [h.as_json() for h in logs.tree_heads(saylau, rec.PARTY_LOG)]
    (out / "tree-heads.json").write_text(json.dumps(heads, indent=1) + "\n", encoding="utf-8")
    (out / "central.pub").write_text(logs.central_public_hex(saylau) + "\n", encoding="utf-8")
    (out / "register.json").write_text(
        json.dumps([e.as_dict() for e in register(saylau)], ensure_ascii=False,
                   sort_keys=True) + "\n", encoding="utf-8")
    (out / "README.txt").write_text(
        "The public record of the party register (docs/record.md, domain/parties/record.py).\n"
        "leaves.jsonl: the register's log, one leaf (canonical JSON) per line: applications,\n"
        "  member-list versions (counts and a commitment only, no IIN), decisions, liquidations.\n"
        "tree-heads.json: the tree heads signed by the central commission.\n"
        "central.pub: the central commission's Ed25519 public key (hex).\n"
        "register.json: the register as the server published it.\n"
        "Check it all: saylau verify <this directory>\n", encoding="utf-8")
    return {"leaves": n, "tree_heads": len(heads)}


__all__ = ["export_register"]
