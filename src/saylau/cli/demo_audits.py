"""The end of the demo's referendum night (issue 15): two risk-limiting audits through the real
API, as the central commission and two auditors would run them.

1. A one-round audit that confirms the outcome: the seed ceremony (ten-sided dice drawn from
   the demo's seed, three observers named), the sample the plan gives for a 90% chance, two
   auditors counting every drawn station by hand (their counts are the stations' current
   protocols: the paper agrees with them), the risk measured below the limit.
2. An audit with a planted error: the paper ballots of a few drawn stations say otherwise than
   their protocols (half the yes votes were really no), the risk stays above the limit after
   its only round, and the audit calls for a full hand count.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Protocol

from rich.console import Console

OBSERVERS = ("Aigerim Seitkali", "Nurlan Abenov", "Olga Petrenko")
AUDITORS = ("auditor-1", "auditor-2")
PLANTED = 3
"""Stations whose paper ballots disagree with their protocols in the second audit."""


class Client(Protocol):
    def post(self, url: str, *, json: Any = None, headers: dict[str, str]) -> Any: ...

    def get(self, url: str, *, headers: dict[str, str] | None = None) -> Any: ...


@dataclass(frozen=True)
class AuditOutcome:
    audit: str
    state: str
    risk: str
    stations: int
    planted: tuple[str, ...]


def _ok(r: Any, what: str) -> Any:
    if r.status_code not in (200, 201):
        raise RuntimeError(f"{what}: {r.status_code} {r.text[:300]}")
    return r.json()


def _hand_count(client: Client, contest: str, station: str, admin: dict[str, str]
                ) -> dict[str, int]:
    versions = _ok(client.get(f"/api/contests/{contest}/stations/{station}/protocols",
                              headers=admin), f"protocols of {station}")
    p = versions[-1]
    return {**{k: int(v) for k, v in p["votes"].items()}, "both_marked": p["both_marked"],
            "invalid": p["invalid"]}


def run_audit(client: Client, contest: str, tokens: dict[str, str], *, seed: int,
              planted: int, max_rounds: int) -> AuditOutcome:
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    audit = _ok(client.post("/api/audits", json={"contest": contest, "risk_limit": "0.05",
                                                 "max_rounds": max_rounds}, headers=admin),
                "begin the audit")["audit"]
    rng = random.Random(seed)  # noqa: S311 - the demo replays its dice; real ones are rolled
    dice = [rng.randrange(10) for _ in range(20)]
    _ok(client.post(f"/api/audits/{audit}/seed", json={"dice": dice,
                                                       "observers": list(OBSERVERS)},
                    headers=admin), "the seed ceremony")
    plan = _ok(client.get(f"/api/audits/{audit}/plan"), "the plan")
    draws = next(r["draws"] for r in plan["rows"] if r["chance"] == 0.9)
    stations = _ok(client.post(f"/api/audits/{audit}/sample", json={"draws": draws},
                               headers=admin), "the sample")["stations"]
    distinct = sorted(set(stations))
    for name in AUDITORS:
        _ok(client.post(f"/api/audits/{audit}/assignments",
                        json={"auditor": name, "stations": distinct}, headers=admin),
            "the assignment")
    wrong = tuple(distinct[:planted])
    for station in distinct:
        counts = _hand_count(client, contest, station, admin)
        if station in wrong:  # the protocol said yes where the paper says no
            moved = counts["yes"] // 2
            counts = dict(counts, yes=counts["yes"] - moved, no=counts["no"] + moved)
        for name in AUDITORS:
            _ok(client.post(f"/api/audits/{audit}/counts",
                            json={"station": station, "counts": counts},
                            headers={"Authorization": f"Bearer {tokens[name]}"}),
                f"the hand count of {station}")
    m = _ok(client.post(f"/api/audits/{audit}/measure", headers=admin), "the risk")
    state = {"confirmed": "confirmed", "full-hand-count": "full-hand-count"}.get(
        m["decision"], "in-progress")
    return AuditOutcome(audit, state, m["risk"], len(distinct), wrong)


def run_audits(client: Client, contest: str, tokens: dict[str, str], *, seed: int,
               console: Console) -> list[AuditOutcome]:
    """The two audits; prints one line each."""
    out = [run_audit(client, contest, tokens, seed=seed, planted=0, max_rounds=2),
           run_audit(client, contest, tokens, seed=seed + 1, planted=PLANTED, max_rounds=1)]
    for o in out:
        extra = (f"; planted errors at {', '.join(o.planted)}" if o.planted else "")
        console.print(f"  audit {o.audit}: {o.state} (risk {float(o.risk):.4f}, "
                      f"{o.stations:,} stations counted by hand{extra}); /audits/{o.audit}",
                      markup=False)
    return out


def audit_tokens(app: Any) -> dict[str, str]:
    """The central commission's token for the audits and one per auditor."""
    from saylau.services.tokens import create_token

    tokens = {"admin": create_token(app, "CEC audits", "admin")}
    for name in AUDITORS:
        tokens[name] = create_token(app, name, "auditor")
    return tokens
