"""Batch comparison with the polling station as the batch: MACRO with PPEB sampling and the
Kaplan-Markov P-value (P. B. Stark, "Efficient post-election audits of multiple contests: 2009
California tests", 2009, SSRN 1443314; "Risk-limiting postelection audits: conservative
P-values from common probability inequalities", IEEE TIFS 4(4), 2009).

For every assertion a (margin M_a > 0 in votes) and station p, the most the protocol can
overstate a's margin is u_pa = (m_pa - lowest m_pa any true count of at most the station's
ballots could give) / M_a. MACRO, the maximum across-contest relative overstatement, takes
u_p = max_a u_pa and U = sum_p u_p; stations are drawn with probability u_p / U (PPEB, with
replacement). The hand count gives the observed overstatement e_p = max_a (m_pa - m'_pa) / M_a
and the taint t_p = e_p / u_p <= 1. After draws j = 1..n the risk is

    P = min(1, prod_j (1 - 1/U) / (1 - t_j)),

valid at any stopping time (the product is a nonnegative supermartingale when the outcome is
wrong). With no discrepancy, n = ceil(ln alpha / ln(1 - 1/U)) draws confirm.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from saylau.domain.audit.model import Assertion, Manifest
from saylau.domain.audit.model import weight_vector as _weights
from saylau.domain.errors import RuleError, ValidationFailed, field_error


@dataclass(frozen=True)
class Prepared:
    """The assertions as arrays: weights (categories x A), registered weights (A), margins (A);
    for each assertion the stations in its scope (`rows`, None for all) and their bounds
    u_pa there (`bounds`); `u`, MACRO's u_p = max_a u_pa for every station. A unit's assertion
    is computed on its unit's stations only (a million stations stay fast)."""

    weights: np.ndarray
    registered_weights: np.ndarray
    margins: np.ndarray
    rows: tuple[np.ndarray | None, ...]
    bounds: tuple[np.ndarray, ...]
    u: np.ndarray

    def scope_at(self, manifest: Manifest, idx: np.ndarray, units: Sequence[str | None]
                 ) -> np.ndarray:
        """len(idx) x A: whether each of those stations is in each assertion's scope."""
        out = np.ones((len(idx), len(units)), dtype=bool)
        for j, unit in enumerate(units):
            if unit is not None:
                out[:, j] = manifest.unit_mask(unit)[idx]
        return out

    def margins_at(self, manifest: Manifest, idx: np.ndarray, counts: np.ndarray,
                   scope: np.ndarray) -> np.ndarray:
        """len(idx) x A: the stations' contributions to each assertion's margin, for `counts`
        (the protocols' rows of idx, or the hand counts)."""
        reg = manifest.registered[idx].astype(np.float64)[:, None]
        out = (counts.astype(np.float64) @ self.weights + reg * self.registered_weights) * scope
        return np.asarray(out, dtype=np.float64)


def prepare(manifest: Manifest, assertions: Sequence[Assertion]) -> Prepared:
    n = len(manifest.stations)
    weights = (np.column_stack([_weights(manifest, a) for a in assertions]) if assertions
               else np.zeros((len(manifest.categories), 0)))
    rw = np.asarray([a.registered_weight for a in assertions], dtype=np.float64)
    counts = manifest.counts
    reg = manifest.registered.astype(np.float64)
    ballots = counts.sum(axis=1).astype(np.float64)
    u = np.zeros(n)
    margins, rows, bounds = [], [], []
    for j, a in enumerate(assertions):
        r = None if a.unit is None else np.flatnonzero(manifest.unit_mask(a.unit))
        c, g, b = (counts, reg, ballots) if r is None else (counts[r], reg[r], ballots[r])
        reported = c @ weights[:, j] + rw[j] * g
        m = float(reported.sum())
        if m <= 0:
            raise RuleError(f"assertion {a.key} has no positive reported margin ({m:g}): the "
                            "reported outcome cannot be confirmed by an audit; count by hand",
                            code="no_margin")
        lowest = min(0.0, float(weights[:, j].min()))
        bound = (reported - (b * lowest + rw[j] * g)) / m
        if r is None:
            np.maximum(u, bound, out=u)
        else:
            u[r] = np.maximum(u[r], bound)
        margins.append(m)
        rows.append(r)
        bounds.append(bound)
    return Prepared(weights, rw, np.asarray(margins, dtype=np.float64), tuple(rows),
                    tuple(bounds), u)


def error_bounds(manifest: Manifest, assertions: Sequence[Assertion]) -> np.ndarray:
    """u_p = max over assertions of u_pa."""
    if not assertions:
        return np.zeros(len(manifest.stations))
    return prepare(manifest, assertions).u


def overstatements(manifest: Manifest, assertions: Sequence[Assertion], prep: Prepared,
                   idx: np.ndarray, actual_rows: np.ndarray) -> np.ndarray:
    """e_p = max_a (m_pa - m'_pa) / M_a for the stations idx, from their actual rows."""
    if idx.size == 0:
        return np.zeros(0)
    scope = prep.scope_at(manifest, idx, [a.unit for a in assertions])
    reported = prep.margins_at(manifest, idx, manifest.counts[idx], scope)
    actual = prep.margins_at(manifest, idx, actual_rows, scope)
    return np.asarray(((reported - actual) / prep.margins).max(axis=1), dtype=np.float64)


@dataclass(frozen=True)
class Discrepancy:
    station: str
    reported: dict[str, int]
    audited: dict[str, int]
    overstatement: float  # e_p, in units of the tightest margin
    taint: float  # e_p / u_p


def check_hand_count(manifest: Manifest, index: int, audited: Mapping[str, int],
                     batch: int | None = None) -> np.ndarray:
    """The hand count as a row of the manifest's categories; refuses a count larger than the
    station's ballots (`batch`, else read from the manifest), an unknown or missing category, a
    negative number."""
    findings = []
    station = manifest.stations[index]
    unknown = sorted(set(audited) - set(manifest.categories))
    missing = sorted(set(manifest.categories) - set(audited))
    if unknown:
        findings.append(field_error("counts", str(list(manifest.categories)), unknown,
                                    f"station {station}: unknown categories"))
    if missing:
        findings.append(field_error("counts", str(list(manifest.categories)), missing,
                                    f"station {station}: categories missing"))
    if not findings:
        for c in manifest.categories:
            v = audited[c]
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                findings.append(field_error(f"counts.{c}", "a whole number >= 0", v,
                                            f"station {station}: bad count"))
    if findings:
        raise ValidationFailed(f"hand count of station {station} refused",
                               details={"findings": findings})
    row = np.asarray([audited[c] for c in manifest.categories], dtype=np.int64)
    batch = int(manifest.counts[index].sum()) if batch is None else batch
    if int(row.sum()) > batch:
        raise ValidationFailed(
            f"hand count of station {station} has more ballots than the station's protocol",
            details={"findings": [field_error("counts", f"at most {batch} ballots in total",
                                              int(row.sum()),
                                              "more ballots than the batch holds")]})
    return row


def _hand_rows(manifest: Manifest, idx: np.ndarray, audited: Mapping[int, Mapping[str, int]]
               ) -> np.ndarray:
    """The hand counts of the stations `idx` as rows, checked all at once; on a bad one,
    check_hand_count names it."""
    cats = manifest.categories
    if idx.size == 0:
        return np.zeros((0, len(cats)), dtype=np.int64)
    wanted = set(cats)
    values = []
    for i in idx:
        row = audited[int(i)]
        got = [row.get(c) for c in cats]
        if set(row) != wanted or not all(type(v) is int and v >= 0 for v in got):
            check_hand_count(manifest, int(i), row)  # raises, naming the field
        values.append(got)
    rows = np.asarray(values, dtype=np.int64)
    over = np.flatnonzero(rows.sum(axis=1) > manifest.counts[idx].sum(axis=1))
    if over.size:
        i = int(idx[over[0]])
        check_hand_count(manifest, i, audited[i])
    return rows


@dataclass(frozen=True)
class Measured:
    risk: float
    draws: int
    distinct: int
    total_bound: float  # U
    discrepancies: tuple[Discrepancy, ...]
    confirmed: bool


def measure(manifest: Manifest, assertions: Sequence[Assertion], draws: Sequence[int],
            audited: Mapping[int, Mapping[str, int]], alpha: float) -> Measured:
    """The Kaplan-Markov risk over the draws (station indices, in draw order, repeats counted)
    from the hand counts of the drawn stations (by station index)."""
    prep = prepare(manifest, assertions)
    u = prep.u
    total = float(u.sum())
    missing = sorted({manifest.stations[i] for i in draws if i not in audited})
    if missing:
        raise ValidationFailed(
            "the risk needs the hand count of every drawn station",
            details={"findings": [field_error("hand_counts", "every drawn station", missing[:20],
                                              "stations drawn but not counted")]})
    idx = np.asarray(sorted(set(draws)), dtype=np.int64)
    rows = _hand_rows(manifest, idx, audited)
    over = overstatements(manifest, assertions, prep, idx, rows)
    taints = np.where(u[idx] > 0, over / np.where(u[idx] > 0, u[idx], 1.0), 0.0)
    taint = {int(i): float(t) for i, t in zip(idx, taints, strict=True)}
    found = []
    changed = np.any(rows != manifest.counts[idx], axis=1)
    for k in np.flatnonzero(changed):
        i = int(idx[k])
        found.append(Discrepancy(
            manifest.stations[i],
            {c: int(v) for c, v in zip(manifest.categories, manifest.counts[i], strict=True)},
            {c: int(v) for c, v in zip(manifest.categories, rows[k], strict=True)},
            float(over[k]), float(taints[k])))
    risk = km_risk(total, [taint[i] for i in draws])
    return Measured(risk, len(draws), len(set(draws)), total, tuple(found), risk <= alpha)


def km_risk(total_bound: float, taints: Sequence[float] | np.ndarray) -> float:
    """min(1, prod (1 - 1/U) / (1 - t_j)); a taint of 1 (the batch's whole bound) gives 1."""
    t = np.asarray(taints, dtype=np.float64)
    if t.size == 0:
        return 1.0
    if total_bound <= 1.0:
        return 0.0 if np.all(t < 1) else 1.0
    if np.any(t >= 1.0):
        return 1.0
    log_p = t.size * math.log1p(-1.0 / total_bound) - np.log1p(-t).sum()
    return float(min(1.0, math.exp(min(log_p, 0.0))))


def zero_error_draws(total_bound: float, alpha: float) -> int:
    return max(1, math.ceil(math.log(alpha) / math.log1p(-1.0 / total_bound)))


def draws_for(total_bound: float, alpha: float, chance: float, error_rate: float,
              taint: float, limit: int = 10_000_000) -> int:
    """The draws that finish in one round with probability `chance` when each draw shows, with
    probability `error_rate`, an overstatement of `taint` (and none otherwise): the number k of
    tainted draws is Binomial(n, rate) and the round finishes when
    n ln(1 - 1/U) - k ln(1 - taint) <= ln alpha."""
    n0 = zero_error_draws(total_bound, alpha)
    if error_rate <= 0 or taint <= 0:
        return n0
    step = -math.log1p(-1.0 / total_bound)
    cost = -math.log1p(-taint)

    def finishes(n: int) -> float:
        kmax = math.floor((n * step - math.log(1 / alpha)) / cost)
        return 0.0 if kmax < 0 else float(stats.binom.cdf(kmax, n, error_rate))

    lo, hi = n0, n0
    while finishes(hi) < chance:
        hi *= 2
        if hi > limit:
            raise RuleError("no sample size up to the limit finishes with that chance")
    while lo < hi:
        mid = (lo + hi) // 2
        if finishes(mid) >= chance:
            hi = mid
        else:
            lo = mid + 1
    return lo


def expected_distinct(bounds: np.ndarray, draws: int) -> float:
    """The expected number of distinct stations among `draws` PPEB draws: the hand-count work."""
    p = bounds / bounds.sum()
    return float((1.0 - np.power(1.0 - p, draws)).sum())
