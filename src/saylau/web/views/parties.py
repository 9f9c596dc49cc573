"""What the party register's pages show (issue 13): every application with its status and
valid members, and a party's decision under its ruleset beside the others asked for (kz-2007
and kz-2022 side by side), every failed condition with its numbers, and its valid members per
region. Public: counts and decisions only, never a row or an IIN."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from saylau.data import load_kz_units
from saylau.domain.errors import NotFound
from saylau.domain.names import Names
from saylau.services.context import Saylau
from saylau.services.parties.decisions import RegisterEntry, register


@dataclass(frozen=True, slots=True)
class ConditionRow:
    code: str
    cells: tuple[tuple[bool, str, str] | None, ...]
    """Per ruleset: (passed, actual, required), or None when not checked there."""


@dataclass(frozen=True, slots=True)
class PartyView:
    entry: RegisterEntry
    rulesets: tuple[str, ...]
    decisions: tuple[str, ...]
    conditions: tuple[ConditionRow, ...]
    failed: tuple[tuple[str, str, str], ...]
    """Under the party's own ruleset: (code, actual, required) of each failed condition."""
    missing: tuple[str, ...]
    regions: tuple[tuple[str, Names, tuple[int, ...]], ...]
    """Each region's code, name and valid members under each ruleset."""
    readings: tuple[str, ...]


def region_names() -> dict[str, Names]:
    return {u["iso3166_2"]: Names(u["name"]["kk"], u["name"]["ru"], u["name"]["en"])
            for u in load_kz_units()["units"]}


def register_view(saylau: Saylau) -> list[RegisterEntry]:
    return register(saylau)


def _cell(decision: dict[str, Any], code: str) -> tuple[bool, str, str] | None:
    for c in decision["conditions"]:
        if c["code"] == code:
            return bool(c["passed"]), str(c["actual"]), str(c["required"])
    return None


def party_view(saylau: Saylau, party: str) -> PartyView:
    entry = next((e for e in register(saylau) if e.id == party), None)
    if entry is None:
        raise NotFound(f"no party application {party!r}", code="party_not_found",
                       details={"field": "party", "actual": party})
    public = entry.decision or {"decisions": [], "members_by_region": {}}
    ds: list[dict[str, Any]] = public["decisions"]
    rulesets = tuple(d["ruleset"] for d in ds)
    codes = list(dict.fromkeys(c["code"] for d in ds for c in d["conditions"]))
    rows = tuple(ConditionRow(code, tuple(_cell(d, code) for d in ds)) for code in codes)
    own = ds[0] if ds else None
    failed = tuple((c["code"], str(c["actual"]), str(c["required"]))
                   for c in (own["conditions"] if own else []) if not c["passed"])
    names = region_names()
    counts = public["members_by_region"]
    regions = tuple((code, names[code],
                     tuple(int(counts.get(r, {}).get(code, 0)) for r in rulesets))
                    for code in names)
    return PartyView(entry, rulesets, tuple(d["decision"] for d in ds), rows, failed,
                     tuple(own["missing"]) if own else (), regions,
                     tuple(own["readings"]) if own else ())
