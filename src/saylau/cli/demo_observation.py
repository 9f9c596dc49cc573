"""The demo's observation (issue 12): after the night's protocols, the missions' day replayed.

The central commission registers three missions, as at the 2022 referendum (docs/law.md
§14.4: ODIHR sent a small assessment mission, the CIS a large one; a domestic NGO), takes
their applications and accredits the observers during the accreditation weeks (the replay's
clock is set to a week before voting day for that step, since the demo's voting day is past),
and the missions deploy them, one observer of a mission per station. Then every observer, with
their own token and through the real API, sends the opening, voting and counting checklists
and their copy of the station's posted protocol; some send incidents. A few copies disagree
with the official protocol (a vote miscounted between the options), and at one station two
observers disagree with each other, so the comparison shows `differs` and `conflict`. The same
seed replays the same day.

The domestic mission runs the quick count (issue 14): given the stations of its sample (drawn
from the seed whose commitment the record already holds), it deploys one observer to each of
them, so that the quick count takes its figures from the observers' copies
(services/integrity/observers.py), as a parallel vote tabulation does.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from rich.console import Console

from saylau.cli.demo_night import Client
from saylau.domain.access import Principal, Role
from saylau.domain.ids import ActorId

MISSIONS = (("ODIHR", "OSCE/ODIHR Election Assessment Mission", "odihr", 10),
            ("CIS", "CIS Observer Mission", "cis", 60),
            ("NGO-ADAL", "Adal public association (domestic observers)", "association", 120))
"""Code, name, organisation, observers (scaled down when the country has few stations)."""


@dataclass
class ObservationLog:
    observers: int = 0
    checklists: int = 0
    incidents: int = 0
    copies: int = 0
    differing: int = 0
    failures: int = 0


def run_observation(client: Client, app: Any, election: str, contest: str, seed: int,
                    console: Console, pvt_sample: tuple[str, ...] = ()) -> ObservationLog:
    from saylau.services.elections import get_election
    from saylau.services.observation import compare, deployment, missions

    rng = random.Random(seed * 7 + 12)  # noqa: S311 - a seeded replay, not a secret
    log = ObservationLog()
    cec = Principal(ActorId("demo"), Role.ADMIN)
    official = compare.official_figures(app, contest)
    stations = sorted(official)
    if len(stations) < 4:
        return log
    voting_day = date.fromisoformat(get_election(app, election).date)
    real_clock = app.clock
    # the accreditation weeks: a week before voting day (the demo's voting day is past)
    app.clock = lambda: datetime.combine(voting_day - timedelta(days=7), time(10), UTC)
    placed: dict[str, list[tuple[str, str]]] = {}
    try:
        for code, name, org, wanted in MISSIONS:
            missions.create_mission(app, election, code, name, org, by="demo")
            chosen = rng.sample(stations, max(1, min(wanted, len(stations) // 3)))
            if pvt_sample and org == "association":  # the quick count's observers
                chosen = [st for st in pvt_sample if st in official]
            for k, station in enumerate(chosen):
                badge = missions.apply(app, cec, election, code, f"{code} observer {k + 1}")
                missions.accredit(app, election, badge, by="demo", issue_token=False)
                deployment.deploy(app, cec, election, badge, station)
                placed.setdefault(station, []).append((badge, code))
    finally:
        app.clock = real_clock
    tokens = {b: missions.observer_token(app, election, b, by="demo")
              for obs in placed.values() for b, _ in obs}
    log.observers = len(tokens)
    shared = [s for s, obs in sorted(placed.items()) if len(obs) >= 2]
    conflict_at = shared[0] if shared else None
    differing = set(rng.sample(sorted(placed), min(3, len(placed))))
    base = f"/api/elections/{election}/observation"
    for station, obs in sorted(placed.items()):
        for i, (badge, _code) in enumerate(obs):
            auth = {"Authorization": f"Bearer {tokens[badge]}"}
            figs = dict(official[station])
            if (station in differing and i == 0) or (station == conflict_at and i == 1):
                yes_key = next(k for k in sorted(figs) if k.startswith("votes."))
                other = next(k for k in sorted(figs) if k.startswith("votes.") and k != yes_key)
                moved = min(figs[yes_key], 5 + rng.randrange(20))
                figs[yes_key] -= moved
                figs[other] += moved
                log.differing += 1
            for form, answers in _checklists(rng, figs):
                r = client.post(f"{base}/reports", json={"station": station, "form": form,
                                                         "answers": answers}, headers=auth)
                log.checklists += r.status_code in (200, 201)
                log.failures += r.status_code not in (200, 201)
            r = client.post(f"/api/contests/{contest}/observation/copies",
                            json={"station": station, "figures": figs}, headers=auth)
            log.copies += r.status_code in (200, 201)
            log.failures += r.status_code not in (200, 201)
            if rng.random() < 0.15:
                r = client.post(f"{base}/reports", headers=auth, json={
                    "station": station, "form": "incident", "ref": f"{badge}-1",
                    "answers": {"category": rng.randrange(1, 7),
                                "severity": rng.randrange(1, 4),
                                "description": "Reported by the demo's observer."}})
                log.incidents += r.status_code in (200, 201)
                log.failures += r.status_code not in (200, 201)
    summary = compare.comparison_report(app, contest)["summary"]
    console.print(f"observation: {len(MISSIONS)} missions, {log.observers} observers "
                  f"accredited and deployed; {log.checklists} checklists, {log.incidents} "
                  f"incidents, {log.copies} protocol copies ({log.differing} copied "
                  f"differently); {log.failures} failures", markup=False)
    console.print("comparison: " + ", ".join(f"{k.replace('_', ' ')} {v:,}"
                                             for k, v in summary.items()), markup=False)
    return log


def _checklists(rng: random.Random, figs: dict[str, int]) -> list[tuple[str, dict[str, Any]]]:
    issued = figs.get("ballots_issued", 0)
    return [
        ("opening", {"opened_on_time": rng.random() > 0.05, "boxes_sealed": True,
                     "observers_admitted": rng.random() > 0.03}),
        ("voting", {"registered": figs.get("registered", 0),
                    "ballots_issued": issued * 3 // 5, "secrecy_ok": rng.random() > 0.04,
                    "queue": rng.randrange(1, 4)}),
        ("counting", {"count_public": rng.random() > 0.05, "protocol_posted": True,
                      "copy_given": True}),
    ]
