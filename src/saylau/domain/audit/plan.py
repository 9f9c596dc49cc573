"""The sample-size planner (sizes for a 70%, 80% and 90% chance of finishing in one round) and
the round's decision, for both kinds of audit; and a simulator of whole audits used by the
validation tests and the benchmark (numpy, seeds explicit).

Batch comparison plans PPEB draws under a stated assumption about discrepancies (a share of
the drawn stations showing a given taint; with none, every chance gives the zero-error size);
ballot polling plans the BRAVO sample of the hardest assertion (the sample is shared, and each
assertion needs its own evidence)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from saylau.domain.audit import bravo, macro
from saylau.domain.audit.model import Assertion, Manifest
from saylau.domain.errors import RuleError, ValidationFailed, field_error

CHANCES = (0.7, 0.8, 0.9)


def check_alpha(alpha: float) -> None:
    if not 0 < alpha < 1:
        raise ValidationFailed("the risk limit must be between 0 and 1", details={"findings": [
            field_error("risk_limit", "0 < alpha < 1", alpha, "bad risk limit")]})


@dataclass(frozen=True)
class PlanRow:
    chance: float
    draws: int
    stations: float  # expected distinct stations (batch) or ballots (polling)


@dataclass(frozen=True)
class Plan:
    kind: str
    alpha: float
    rows: tuple[PlanRow, ...]
    total_bound: float | None = None
    assumption: str = ""


def plan_batch(manifest: Manifest, assertions: Sequence[Assertion], alpha: float, *,
               error_rate: float = 0.0, taint: float = 0.0) -> Plan:
    check_alpha(alpha)
    u = macro.error_bounds(manifest, assertions)
    total = float(u.sum())
    rows = []
    for q in CHANCES:
        n = macro.draws_for(total, alpha, q, error_rate, taint)
        rows.append(PlanRow(q, n, macro.expected_distinct(u, n)))
    return Plan("batch", alpha, tuple(rows), total,
                f"discrepancies assumed in {error_rate:.1%} of draws with taint {taint:g}")


def plan_polling(manifest: Manifest, assertions: Sequence[Assertion], alpha: float) -> Plan:
    check_alpha(alpha)
    rows = []
    for q in CHANCES:
        n = 0
        for a in assertions:
            if a.polling is None:
                raise RuleError(f"assertion {a.key} cannot be audited by ballot polling; use a "
                                "batch comparison", code="polling_unsupported")
            totals = manifest.totals(a.unit)
            rep = bravo.reported(a.polling, totals)
            rep = _diluted(rep, manifest, a.unit)
            n = max(n, bravo.sample_for(a.polling, rep, alpha, q))
        rows.append(PlanRow(q, n, float(n)))
    return Plan("polling", alpha, tuple(rows), None, "the reported shares are right")


def _diluted(rep: bravo.Reported, manifest: Manifest, unit: str | None) -> bravo.Reported:
    """A unit's assertion polls ballots drawn from the whole contest: its fractions are of all
    the ballots."""
    if unit is None:
        return rep
    f = float(manifest.ballots[manifest.unit_mask(unit)].sum()) / float(manifest.ballots.sum())
    return bravo.Reported(rep.p_w * f, rep.p_l * f)


# --- simulation ---------------------------------------------------------------------------

def simulate_batch(manifest: Manifest, assertions: Sequence[Assertion], truth: np.ndarray,
                   alpha: float, max_draws: int, runs: int, seed: int) -> np.ndarray:
    """`runs` sequential batch-comparison audits of the reported `manifest` when the stations'
    true counts are `truth` (stations x categories): PPEB draws from a seeded numpy generator,
    the risk checked after every draw (the most favourable schedule for confirming), stopping
    at `max_draws` (a full hand count). Returns per run the draws taken to confirm, or -1."""
    prep = macro.prepare(manifest, assertions)
    u = prep.u
    total = float(u.sum())
    everyone = np.arange(len(manifest.stations))
    over = macro.overstatements(manifest, assertions, prep, everyone, truth)
    taint = np.where(u > 0, over / np.where(u > 0, u, 1.0), 0.0)
    with np.errstate(divide="ignore"):
        step = np.log1p(-1.0 / total) - np.log1p(-np.minimum(taint, 1.0))
    step = np.where(taint >= 1.0, np.inf, step)
    rng = np.random.default_rng(seed)
    out = np.full(runs, -1, dtype=np.int64)
    chunk = max(1, 2_000_000 // max(1, max_draws))
    for start in range(0, runs, chunk):
        k = min(chunk, runs - start)
        draws = rng.choice(len(u), size=(k, max_draws), p=u / total)
        log_p = np.cumsum(step[draws], axis=1)
        hit = log_p <= np.log(alpha)
        first = np.where(hit.any(axis=1), hit.argmax(axis=1) + 1, -1)
        out[start:start + k] = first
    return out


def simulate_polling(share_true: float, other_true: float, polling: bravo.Reported,
                     fraction: float, alpha: float, max_ballots: int, runs: int,
                     seed: int) -> np.ndarray:
    """`runs` sequential BRAVO audits of a reported (p_w, p_l) when a ballot truly is for W
    with probability share_true x (1 - other_true), for L with (1 - share_true) x (1 -
    other_true); returns the ballots to confirm per run, or -1."""
    up, down = bravo._steps(polling.share, fraction)
    rng = np.random.default_rng(seed)
    out = np.full(runs, -1, dtype=np.int64)
    chunk = max(1, 2_000_000 // max(1, max_ballots))
    p_w = share_true * (1 - other_true)
    p_l = (1 - share_true) * (1 - other_true)
    for start in range(0, runs, chunk):
        k = min(chunk, runs - start)
        r = rng.random((k, max_ballots))
        inc = np.where(r < p_w, up, np.where(r < p_w + p_l, down, 0.0))
        log_t = np.cumsum(inc, axis=1)
        hit = log_t >= np.log(1 / alpha)
        out[start:start + k] = np.where(hit.any(axis=1), hit.argmax(axis=1) + 1, -1)
    return out
