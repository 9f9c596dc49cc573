"""Ballot polling through rounds (issue 15): ballots drawn uniformly with replacement from the
manifest's ballots by the seed (sampler.draw_fractions, Rivest's SHA-256 tickets), each draw a
station and a ballot's place in its stack (1 = the first ballot counted out of the box), the
auditors' readings of the drawn ballots with double entry, and the risk of each assertion by
BRAVO (bravo.py, Lindeman, Stark and Yates 2012: the sequential ratio after all the draws) or
Minerva (minerva.py, Zagórski et al. 2021: the round-by-round tails). A unit's assertion
counts the drawn ballots of its unit's stations only; the audit's risk is the largest. Each
assertion is a test of its own that may stop before the others: BRAVO's risk is the least of
its values at the rounds' ends (valid at any stopping time), Minerva's the first round's within
the limit (its later rounds, conditioned on not having stopped, are no test of it), else the
last round's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from saylau.domain.audit import bravo, minerva, sampler
from saylau.domain.audit.model import Assertion, Manifest
from saylau.domain.errors import RuleError, ValidationFailed, field_error

POLLING = "ballot-polling"
BRAVO = "bravo"
MINERVA = "minerva"
METHODS = (BRAVO, MINERVA)


def check_method(method: str) -> str:
    if method not in METHODS:
        raise ValidationFailed("unknown ballot-polling method", details={"findings": [
            field_error("method", "|".join(METHODS), method, "unknown method")]})
    return method


TURNOUT_NOTE = ("ballot polling reads the ballots' marks, not their number: the turnout "
                "(ballots in the boxes against the voters on the lists) rests on the ballot "
                "manifest, each stack's size, which the auditors confirm when they find the "
                "drawn places")


def for_polling(assertions: Sequence[Assertion], notes: Sequence[str]
                ) -> tuple[tuple[Assertion, ...], tuple[str, ...]]:
    """The assertions a polling audit tests: the turnout's (a count of ballots, not of their
    marks) is left to the ballot manifest, with a note saying so."""
    kept = tuple(a for a in assertions if a.key != "turnout")
    if len(kept) == len(assertions):
        return kept, tuple(notes)
    return kept, (*notes, TURNOUT_NOTE)


def check_assertions(manifest: Manifest, assertions: Sequence[Assertion]) -> None:
    """Every assertion must be one ballot polling can test, with a reported share above its
    fraction (else a sample cannot confirm it)."""
    for a in assertions:
        if a.polling is None:
            raise RuleError(f"assertion {a.key} cannot be audited by ballot polling (a Hare "
                            "seat with a quota term): use a batch comparison",
                            code="polling_unsupported")
        rep = bravo.reported(a.polling, manifest.totals(a.unit))
        bravo._steps(rep.share, a.polling.fraction)


def draw_ballots(manifest: Manifest, seed: str, start: int, count: int
                 ) -> list[tuple[str, int]]:
    """Draws start+1 .. start+count: ballot floor(u x B) of the B ballots in the boxes, in the
    stations' order, as (station, place in its stack from 1)."""
    ballots = manifest.ballots
    total = int(ballots.sum())
    if total <= 0:
        raise RuleError("no ballots in the boxes: nothing to poll", code="audit_nothing")
    u = sampler.draw_fractions(seed, start, count)
    index = np.minimum(np.floor(u * total).astype(np.int64), total - 1)
    cumulative = np.cumsum(ballots)
    at = np.searchsorted(cumulative, index, side="right")
    before = np.where(at > 0, cumulative[np.maximum(at - 1, 0)], 0)
    return [(manifest.stations[int(s)], int(i - b) + 1)
            for s, i, b in zip(at, index, before, strict=True)]


def entry_key(station: str, round_: int) -> str:
    """Double entry of polled ballots is per station and round (a station drawn again in a
    later round has new ballots to read)."""
    return f"{station}#{round_}"


def places(draws: Sequence[tuple[str, int]], station: str) -> list[int]:
    return sorted({n for s, n in draws if s == station})


def check_readings(manifest: Manifest, station: str, expected: Sequence[int],
                   readings: Mapping[str, str]) -> dict[str, str]:
    """An auditor's readings of a station's drawn ballots: place -> category, for exactly the
    places drawn there this round."""
    want = {str(n) for n in expected}
    findings = []
    if set(readings) != want:
        findings.append(field_error("ballots", ", ".join(sorted(want, key=int)),
                                    sorted(readings),
                                    "the places drawn at the station this round, each once"))
    bad = sorted({str(c) for c in readings.values() if c not in manifest.categories})
    if bad:
        findings.append(field_error("ballots", "|".join(manifest.categories), bad,
                                    "unknown category"))
    if findings:
        raise ValidationFailed(f"the readings of station {station}'s drawn ballots are wrong",
                               details={"findings": findings})
    return {k: str(readings[k]) for k in sorted(readings, key=int)}


@dataclass(frozen=True)
class PolledRisk:
    risk: float
    by_assertion: dict[str, float]
    ballots: int


def measure(manifest: Manifest, assertions: Sequence[Assertion],
            rounds: Sequence[Sequence[tuple[str, str]]], alpha: float, method: str
            ) -> PolledRisk:
    """The risk after every round's polled ballots ((station, category) in draw order)."""
    check_method(method)
    index = manifest.index
    cats = {c: k for k, c in enumerate(manifest.categories)}
    flat = [(s, c, r) for r, ballots in enumerate(rounds) for s, c in ballots]
    unit = np.asarray([manifest.units[index[s]] for s, _, _ in flat], dtype=object)
    code = np.asarray([cats[c] for _, c, _ in flat], dtype=np.int64)
    ends = np.cumsum([len(b) for b in rounds])
    by: dict[str, float] = {}
    for a in assertions:
        if a.polling is None:
            raise RuleError(f"assertion {a.key} cannot be audited by ballot polling",
                            code="polling_unsupported")
        rep = bravo.reported(a.polling, manifest.totals(a.unit))
        scope = np.ones(len(flat), dtype=bool) if a.unit is None else unit == a.unit
        win = np.isin(code, [cats[c] for c in a.polling.winners]) & scope
        lose = np.isin(code, [cats[c] for c in a.polling.losers]) & scope
        w_at = np.concatenate([[0], np.cumsum(win)])[ends]
        l_at = np.concatenate([[0], np.cumsum(lose)])[ends]
        if method == BRAVO:
            # min over the rounds' ends: valid at any stopping time (Ville's inequality)
            risks = [bravo.risk(a.polling, rep, int(x), int(y))
                     for x, y in zip(w_at, l_at, strict=True)]
            by[a.key] = min(risks, default=1.0)
        else:
            cumulative = [(int(x) + int(y), int(x)) for x, y in zip(w_at, l_at, strict=True)]
            got = minerva.rounds(rep.share, a.polling.fraction, alpha, cumulative)
            # an assertion stops at its first round within the limit and stays confirmed
            # while the audit goes on for the others (its later rounds are no test of it)
            stop = next((r for r in got if r.risk <= alpha), got[-1] if got else None)
            by[a.key] = 1.0 if stop is None else stop.risk
    worst = max(by.values()) if by else 1.0
    return PolledRisk(worst, by, sum(len(r) for r in rounds))


def polled(draws: Sequence[Sequence[tuple[str, int]]],
           agreed: Mapping[str, Mapping[str, str]]) -> list[list[tuple[str, str]]]:
    """Each round's draws read from the agreed entries (keyed by entry_key): a ballot drawn
    twice counts twice."""
    out = []
    for r, ds in enumerate(draws, start=1):
        out.append([(s, str(agreed[entry_key(s, r)][str(n)])) for s, n in ds])
    return out


def plan_minerva(manifest: Manifest, assertions: Sequence[Assertion], alpha: float,
                 chance: float) -> int:
    """The draws of a first round that stops with `chance` for every assertion when the
    reported shares are right: Minerva's first-round size in relevant ballots, over the
    reported rate of relevant ballots among all draws (for a unit's assertion, its unit's)."""
    total = float(manifest.ballots.sum())
    n = 0
    for a in assertions:
        assert a.polling is not None
        t = manifest.totals(a.unit)
        rep = bravo.reported(a.polling, t)
        relevant = sum(t[c] for c in (*a.polling.winners, *a.polling.losers)) / total
        size = minerva.first_round_size(rep.share, a.polling.fraction, alpha, chance)
        n = max(n, int(np.ceil(size / relevant)))
    return n
