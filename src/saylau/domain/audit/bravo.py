"""Ballot polling: BRAVO (M. Lindeman, P. B. Stark and V. S. Yates, "BRAVO: Ballot-polling
Risk-limiting Audits to Verify Outcomes", EVT/WOTE 2012), Wald's sequential probability ratio
test, for an assertion "the ballots of W are more than a fraction f of the ballots of W and L".

With s the reported share of W among W and L, each sampled ballot (drawn uniformly with
replacement) multiplies the test statistic T by s / f if it is for W, by (1 - s) / (1 - f) if it
is for L, and leaves it alone otherwise; the risk is min(1, 1 / T). The average sample number
(the paper's approximation) is

    ASN = (ln(1/alpha) + ln(s/f) / 2) / (p_W ln(s/f) + p_L ln((1-s)/(1-f))),

with p_W, p_L the reported fractions of all ballots. The planner gives the sample that ends the
audit in one round with a stated chance when the reported shares are right, computed exactly:
the W+L ballots among n are Binomial(n, p_W + p_L), the W ballots among those Binomial(j, s).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import stats

from saylau.domain.audit.model import Polling
from saylau.domain.errors import RuleError


@dataclass(frozen=True)
class Reported:
    """The reported fractions of all ballots: W's and L's, and W's share s of W + L."""

    p_w: float
    p_l: float

    @property
    def share(self) -> float:
        return self.p_w / (self.p_w + self.p_l)


def reported(p: Polling, totals: Mapping[str, int]) -> Reported:
    ballots = sum(totals.values())
    w = sum(totals[c] for c in p.winners)
    lo = sum(totals[c] for c in p.losers)
    if ballots == 0 or w + lo == 0:
        raise RuleError("no ballots for either side: nothing to poll", code="no_margin")
    return Reported(w / ballots, lo / ballots)


def _steps(share: float, fraction: float) -> tuple[float, float]:
    if share <= fraction:
        raise RuleError(f"the reported share {share:.6f} is not above {fraction}: BRAVO cannot "
                        "confirm this outcome; count by hand", code="no_margin")
    up = math.log(share / fraction)
    down = math.log((1 - share) / (1 - fraction)) if share < 1 else -math.inf
    return up, down


def risk(p: Polling, rep: Reported, winners_seen: int, losers_seen: int) -> float:
    """min(1, 1/T) after the sample's W and L ballots (others do not count)."""
    up, down = _steps(rep.share, p.fraction)
    if losers_seen and down == -math.inf:
        return 1.0
    log_t = winners_seen * up + (losers_seen * down if losers_seen else 0.0)
    return float(min(1.0, math.exp(-log_t)))


def asn(p: Polling, rep: Reported, alpha: float) -> int:
    up, down = _steps(rep.share, p.fraction)
    drift = rep.p_w * up + (rep.p_l * down if rep.p_l else 0.0)
    if drift <= 0:
        raise RuleError("the expected evidence per ballot is not positive", code="no_margin")
    return math.ceil((math.log(1 / alpha) + up / 2) / drift)


def finish_chance(p: Polling, rep: Reported, alpha: float, n: int) -> float:
    """The chance that a round of n ballots (from none) reaches risk <= alpha when the reported
    fractions are the truth."""
    up, down = _steps(rep.share, p.fraction)
    j = np.arange(n + 1)
    pj = stats.binom.pmf(j, n, rep.p_w + rep.p_l)
    if down == -math.inf:
        need = np.full(n + 1, math.ceil(math.log(1 / alpha) / up))
        ok = stats.binom.sf(need - 1, j, rep.share) * (need <= j)
        return float((pj * ok).sum())
    # k up + (j - k) down >= ln(1/alpha)  <=>  k >= (ln(1/alpha) - j down) / (up - down)
    need = np.ceil((math.log(1 / alpha) - j * down) / (up - down) - 1e-12)
    need = np.maximum(need, 0)
    ok = np.where(need <= j, stats.binom.sf(need - 1, j, rep.share), 0.0)
    return float((pj * ok).sum())


def sample_for(p: Polling, rep: Reported, alpha: float, chance: float,
               limit: int = 5_000_000) -> int:
    """A round size that finishes with probability >= chance. The chance is not monotone in n
    (the thresholds are whole ballots), so a doubling search and bisection find one such n and
    a scan below it over a window of 5% (at least 20) keeps the smallest seen."""
    hi = max(1, asn(p, rep, alpha))
    while finish_chance(p, rep, alpha, hi) < chance:
        hi *= 2
        if hi > limit:
            raise RuleError("no sample size up to the limit finishes with that chance")
    lo = hi // 2
    while lo < hi:
        mid = (lo + hi) // 2
        if finish_chance(p, rep, alpha, mid) >= chance:
            hi = mid
        else:
            lo = mid + 1
    best = hi
    for n in range(hi - 1, max(0, hi - max(20, hi // 20)), -1):
        if finish_chance(p, rep, alpha, n) >= chance:
            best = n
    return best
