"""The demo's election night as data and as traffic: what each synthetic polling station
"really" counted, and its replay through the API (turnout batches from the territorial
commissions, protocols from the precinct commissions, a few rejected and resent, a few
corrected, one conflict). `saylau demo` (cli/demo.py) prepares the store and serves.

The figures are drawn from a seeded random generator around the shape of the real results
(2022 referendum: turnout about two-thirds, yes about three-quarters; Majilis 2023: the
parties' national shares as published by the CEC), so the same seed replays the same night.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from rich.console import Console

from saylau.domain.geography import Geography, Unit
from saylau.domain.turnout import CEC_REPORT_TIMES


@dataclass(frozen=True)
class Ballot:
    """One contest's figures at one station, as counted: what the protocol will say."""

    contest: str
    in_boxes: int
    invalid: int
    both: int
    votes: dict[str, int]


@dataclass(frozen=True)
class StationTruth:
    """What 'really' happened at a station: the ground truth the night replays."""

    station: str
    registered: int
    issued: int
    cancelled: int
    curve: tuple[float, ...]
    """Share of the final ballots issued already issued at each CEC report time."""
    ballots: tuple[Ballot, ...]

    def protocol(self, b: Ballot) -> dict[str, Any]:
        return {
            "station": self.station, "registered": self.registered,
            "ballots_received": self.issued + self.cancelled, "ballots_issued": self.issued,
            "ballots_cancelled": self.cancelled, "ballots_in_boxes": b.in_boxes,
            "invalid": b.invalid, "both_marked": b.both, "votes": dict(b.votes),
        }


def _split(rng: random.Random, total: int, weights: dict[str, float]) -> dict[str, int]:
    """`total` votes spread over options by noisy weights; sums exactly to `total`."""
    noisy = {k: max(0.0001, w * rng.uniform(0.7, 1.3)) for k, w in weights.items()}
    s = sum(noisy.values())
    out = {k: int(total * w / s) for k, w in noisy.items()}
    first = max(noisy, key=lambda k: noisy[k])
    out[first] += total - sum(out.values())
    return out


def _station_base(rng: random.Random, s: Unit, level: float) -> tuple[int, int, int, tuple[
        float, ...]]:
    t = min(0.97, max(0.05, rng.gauss(level, 0.07)))
    issued = round(s.registered * t)
    in_boxes = issued - (1 if issued > 50 and rng.random() < 0.05 else 0)
    cancelled = rng.randint(5, 60)
    shape = sorted(rng.uniform(0.05, 1.0) for _ in range(len(CEC_REPORT_TIMES) - 2))
    curve = (*(round(x * 0.9, 4) for x in shape), 0.97, 1.0)
    return issued, in_boxes, cancelled, curve


def simulate_referendum(geo: Geography, seed: int, contest: str) -> list[StationTruth]:
    """Each top-level unit gets its own turnout and yes levels; stations vary around them."""
    rng = random.Random(seed)
    unit_turnout = {u.id: rng.uniform(0.55, 0.82) for u in geo.top_level()}
    unit_yes = {u.id: rng.uniform(0.58, 0.90) for u in geo.top_level()}
    out = []
    for s in geo.stations():
        top = geo.top_level_of(s.id)
        assert top is not None
        issued, in_boxes, cancelled, curve = _station_base(rng, s, unit_turnout[top.id])
        invalid = round(in_boxes * rng.uniform(0.01, 0.04))
        both = round(in_boxes * rng.uniform(0.005, 0.025))
        valid = in_boxes - invalid - both
        yes = round(valid * min(0.99, max(0.2, rng.gauss(unit_yes[top.id], 0.06))))
        out.append(StationTruth(s.id, s.registered, issued, cancelled, curve,
                                (Ballot(contest, in_boxes, invalid, both,
                                        {"yes": yes, "no": valid - yes}),)))
    return out


# National list shares of the Majilis election of 19 March 2023 as published by the CEC
# (27 March 2023), used as the centre of the synthetic night's noise.
PARTIES_2023: tuple[tuple[str, str, str, str, float], ...] = (
    ("AMANAT", "AMANAT", "AMANAT", "Amanat", 53.90),
    ("AUYL", "AUYL", "AUYL", "Auyl", 10.90),
    ("RESPUBLICA", "RESPUBLICA", "RESPUBLICA", "Respublica", 8.59),
    ("AKZHOL", "Ақ жол", "Ак жол", "Ak Zhol", 8.41),
    ("QHP", "Қазақстан Халық партиясы", "Народная партия Казахстана",
     "People's Party of Kazakhstan", 6.80),
    ("NSDP", "ЖСДП", "ОСДП", "National Social Democratic Party", 5.20),
    ("BAITAQ", "Байтақ", "Байтак", "Baitaq", 2.30),
)
AGAINST_ALL_2023 = 3.90


def simulate_majilis(geo: Geography, seed: int, list_contest: str,
                     district_of: dict[str, tuple[str, list[str]]]) -> list[StationTruth]:
    """List votes around the 2023 shares; district votes for each district's candidates
    (the first candidate is Amanat's), with "against all". `district_of` maps a station to
    (contest, candidate ids)."""
    rng = random.Random(seed)
    unit_turnout = {u.id: rng.uniform(0.45, 0.70) for u in geo.top_level()}
    weights = {p[0]: p[4] for p in PARTIES_2023} | {"AGAINST_ALL": AGAINST_ALL_2023}
    cand_weights: dict[str, dict[str, float]] = {}
    out = []
    for s in geo.stations():
        top = geo.top_level_of(s.id)
        assert top is not None
        issued, in_boxes, cancelled, curve = _station_base(rng, s, unit_turnout[top.id])
        invalid = round(in_boxes * rng.uniform(0.01, 0.03))
        lst = Ballot(list_contest, in_boxes, invalid, 0,
                     _split(rng, in_boxes - invalid, weights))
        contest, cands = district_of[s.id]
        if contest not in cand_weights:
            w = {c: rng.uniform(5, 25) for c in cands}
            w[cands[0]] = rng.uniform(25, 60)
            # the district with the highest number has a strong "against all": a repeat
            w["AGAINST_ALL"] = 90.0 if contest.endswith("smd-29") else rng.uniform(2, 8)
            cand_weights[contest] = w
        d_invalid = round(in_boxes * rng.uniform(0.01, 0.03))
        smd = Ballot(contest, in_boxes, d_invalid, 0,
                     _split(rng, in_boxes - d_invalid, cand_weights[contest]))
        out.append(StationTruth(s.id, s.registered, issued, cancelled, curve, (lst, smd)))
    return out


class Client(Protocol):
    def post(self, url: str, *, json: Any, headers: dict[str, str]) -> Any: ...

    def get(self, url: str) -> Any: ...


@dataclass
class NightLog:
    accepted: int = 0
    rejected: int = 0
    corrected: int = 0
    conflicts: int = 0
    turnout: int = 0
    failures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, **kw: int) -> None:
        with self.lock:
            for k, v in kw.items():
                setattr(self, k, getattr(self, k) + v)


@dataclass(frozen=True)
class Night:
    """Everything the replay needs: who votes, their tokens, and where turnout goes."""

    truths: list[StationTruth]
    tokens: dict[str, str]
    units_of: dict[str, str]
    turnout_contest: str
    keys: dict[str, Any] = field(default_factory=dict)
    """Each station's commission's private signing key (the demo signs every protocol)."""


def signed(night: Night, body: dict[str, Any], contest: str, version: int) -> dict[str, Any]:
    """`body` with the station commission's signature over its protocol record (as a
    commission's own software would make it: docs/record.md)."""
    from saylau.domain.record.envelope import protocol_body
    from saylau.domain.record.signing import sign_body

    key = night.keys.get(body["station"])
    if key is None:
        return body
    counts = {f: body[f] for f in ("registered", "ballots_received", "ballots_issued",
                                   "ballots_cancelled", "ballots_in_boxes", "invalid",
                                   "both_marked")}
    record_body = protocol_body(contest=contest, station=body["station"], version=version,
                                counts=counts, votes=body["votes"],
                                reason=body.get("reason"))
    sig = sign_body(key, "protocol", record_body)
    return {**body, "signature": sig.as_json()}


def run_night(client: Client, night: Night, *, seed: int, pace: Callable[[float], None],
              workers: int, console: Console) -> NightLog:
    """Replay turnout and protocols through `client`. `pace(fraction)` is called as the night
    advances (it sleeps in the served demo, does nothing in the instant one)."""
    rng = random.Random(seed + 1)
    log = NightLog()
    truths, tokens = night.truths, night.tokens
    url_t = f"/api/contests/{night.turnout_contest}/turnout/batch"

    def url_p(contest: str) -> str:
        return f"/api/contests/{contest}/protocols"

    def auth(station: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[station]}"}

    by_unit: dict[str, list[StationTruth]] = {}
    for t in truths:
        by_unit.setdefault(night.units_of[t.station], []).append(t)

    def send_turnout(k: int, unit: str) -> None:
        # territorial commissions relay their stations' turnout in one batch per report time
        at = CEC_REPORT_TIMES[k].strftime("%H:%M")
        body = {"reports": [{"station": t.station, "at": at,
                             "ballots_issued": int(t.issued * t.curve[k])}
                            for t in by_unit[unit]]}
        r = client.post(url_t, json=body, headers={"Authorization": f"Bearer {tokens[unit]}"})
        if r.status_code == 200:
            log.add(turnout=len(body["reports"]))
        else:
            log.add(failures=1)

    order = truths[:]
    rng.shuffle(order)
    n_bad = max(1, len(order) // 200)
    n_fix = max(1, len(order) // 300)
    bad = {t.station for t in order[:n_bad]}
    fixes = {t.station for t in order[n_bad : n_bad + n_fix]}
    conflict = order[n_bad + n_fix] if len(order) > n_bad + n_fix else None

    def send_protocols(t: StationTruth) -> None:
        for k, b in enumerate(t.ballots):
            body = t.protocol(b)
            if k == 0 and t.station in bad:  # a count that does not add up: rejected, resent
                wrong = dict(body, ballots_in_boxes=body["ballots_in_boxes"] + 7)
                r = client.post(url_p(b.contest), json=signed(night, wrong, b.contest, 1),
                                headers=auth(t.station))
                log.add(rejected=1 if r.status_code == 422 else 0,
                        failures=0 if r.status_code == 422 else 1)
            r = client.post(url_p(b.contest), json=signed(night, body, b.contest, 1),
                            headers=auth(t.station))
            log.add(accepted=1) if r.status_code in (200, 201) else log.add(failures=1)

    def moved(t: StationTruth) -> dict[str, Any]:
        """The first contest's protocol with three votes moved from the first option with
        votes to another: what a recount might find."""
        b = t.ballots[0]
        votes = dict(b.votes)
        src = next((k for k, v in votes.items() if v >= 3), None)
        dst = next((k for k in votes if k != src), None)
        if src is not None and dst is not None:
            votes[src] -= 3
            votes[dst] += 3
        return dict(t.protocol(b), votes=votes)

    def correct(t: StationTruth, reason: str) -> None:
        body = dict(moved(t), correction=True, corrects=1, reason=reason)
        contest = t.ballots[0].contest
        r = client.post(url_p(contest), json=signed(night, body, contest, 2),
                        headers=auth(t.station))
        log.add(corrected=1) if r.status_code == 201 else log.add(failures=1)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for k, at in enumerate(CEC_REPORT_TIMES):
            list(pool.map(lambda u, k=k: send_turnout(k, u), sorted(by_unit)))
            console.print(f"  {at:%H:%M} turnout reports in from {len(truths):,} stations")
            pace(0.3 * (k + 1) / len(CEC_REPORT_TIMES))
        batches = 20
        size = max(1, len(order) // batches + 1)
        for b in range(batches):
            list(pool.map(send_protocols, order[b * size : (b + 1) * size]))
            pace(0.3 + 0.6 * (b + 1) / batches)
        console.print(f"  protocols in from {len(order):,} stations")
        if conflict is not None:
            contest = conflict.ballots[0].contest
            # sent as a first protocol (version 1): the server answers 409, nothing stored
            r = client.post(url_p(contest), json=signed(night, moved(conflict), contest, 1),
                            headers=auth(conflict.station))
            log.add(conflicts=1 if r.status_code == 409 else 0)
            correct(conflict, "second count after the 409: three ballots had been misfiled")
        for t in (x for x in truths if x.station in fixes):
            correct(t, "recount ordered by the territorial commission")
        pace(1.0)
    return log
