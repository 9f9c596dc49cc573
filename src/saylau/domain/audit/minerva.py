"""Ballot polling by rounds: Minerva (F. Zagórski, G. McClearn, S. Morin, N. McBurnett and
P. L. Vora, "Minerva - An Efficient Risk-Limiting Ballot Polling Audit", USENIX Security 2021),
implemented from the paper, for an assertion "the ballots of W are more than a fraction f of
the ballots of W and L" (BRAVO's, bravo.py).

The audit draws ballots with replacement in rounds; only W and L ballots are relevant. With
n_j the relevant ballots of the first j rounds and k_j those for W, the paper compares two
hypotheses about W's share among them: the null p0 = f (the outcome is wrong or tied) and the
alternative p1 = the reported share s. Let D_j^h be the distribution of K_j under hypothesis h
over the samples that did not stop in an earlier round:

    D_1^h = Binomial(n_1, p_h),
    D_{j+1}^h = (D_j^h with the mass at k >= kmin_j removed) * Binomial(n_{j+1} - n_j, p_h)

(* is convolution). Round j stops when alpha x tail_1(k_j) >= tail_0(k_j), tail_h(k) the mass
of D_j^h at k or more; kmin_j is the least such k (the ratio of the tails decreases in k, so
the stopping set is k >= kmin_j; None when no k stops). The measured risk of round j is
tail_0(k_j) / tail_1(k_j) (at most 1), which is at most alpha exactly when the round stops.
With one ballot a round it is BRAVO's rule; with larger rounds it stops sooner at the same
risk limit (the paper's theorem 1: the chance that a wrong outcome stops is at most alpha).

The distributions are exact (numpy convolution of scipy's binomial probabilities), so anyone
recomputes the same risk from the record.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from saylau.domain.errors import RuleError, ValidationFailed, field_error


@dataclass(frozen=True)
class MinervaRound:
    relevant: int
    """n_j: the W and L ballots of rounds 1..j."""
    winners: int
    """k_j: the W ballots among them."""
    kmin: int | None
    """The least k_j that stops this round (None: none does)."""
    risk: float


def _check(p1: float, p0: float, alpha: float) -> None:
    if not 0 < alpha < 1:
        raise ValidationFailed("the risk limit must be between 0 and 1", details={"findings": [
            field_error("risk_limit", "0 < alpha < 1", alpha, "bad risk limit")]})
    if not 0 < p0 < p1 <= 1:
        raise RuleError(f"the reported share {p1:.6f} is not above {p0}: Minerva cannot "
                        "confirm this outcome; count by hand", code="no_margin")


def _kmin(d1: np.ndarray, d0: np.ndarray, alpha: float) -> int | None:
    tail1 = np.cumsum(d1[::-1])[::-1]
    tail0 = np.cumsum(d0[::-1])[::-1]
    ok = np.flatnonzero((alpha * tail1 >= tail0) & (tail1 > 0))
    return int(ok[0]) if ok.size else None


def rounds(p1: float, p0: float, alpha: float, sample: Sequence[tuple[int, int]]
           ) -> list[MinervaRound]:
    """Each round's kmin and risk, for the cumulative (relevant, winners) at the end of each
    round. A round that adds no relevant ballot is no new test for this assertion: it repeats
    the previous round's figures. Raises ValidationFailed on figures that cannot be."""
    _check(p1, p0, alpha)
    out: list[MinervaRound] = []
    d1 = np.ones(1)
    d0 = np.ones(1)
    last_n = 0
    for j, (n, k) in enumerate(sample):
        if n < last_n or not 0 <= k <= n or (out and k < out[-1].winners) or (
                out and k - out[-1].winners > n - last_n):
            raise ValidationFailed("the sample's counts do not grow round by round", details={
                "findings": [field_error(f"rounds[{j}]", "0 <= winners <= relevant, both "
                                         "cumulative", [n, k], "bad round figures")]})
        if out and n == last_n:
            out.append(out[-1])
            continue
        if out and out[-1].kmin is not None:
            cut = out[-1].kmin
            d1, d0 = d1.copy(), d0.copy()
            d1[cut:] = 0.0
            d0[cut:] = 0.0
        step = np.arange(n - last_n + 1)
        d1 = np.convolve(d1, stats.binom.pmf(step, n - last_n, p1))
        d0 = np.convolve(d0, stats.binom.pmf(step, n - last_n, p0))
        kmin = _kmin(d1, d0, alpha)
        t1 = float(d1[k:].sum())
        t0 = float(d0[k:].sum())
        risk = 1.0 if t1 <= 0 else min(1.0, t0 / t1)
        out.append(MinervaRound(n, k, kmin, risk))
        last_n = n
    return out


def kmins(p1: float, p0: float, alpha: float, sizes: Sequence[int]) -> list[int | None]:
    """The kmin of each round for a schedule of cumulative relevant sizes (as if no round
    before stopped): the audit's stopping rule, published before the draws."""
    return [r.kmin for r in rounds(p1, p0, alpha, [(n, 0) for n in sizes])]


def min_sample_size(p1: float, p0: float, alpha: float) -> int:
    """The least first round that can stop at all: all of it for W, (p1 / p0)^n >= 1 / alpha
    (then tail_0 = p0^n <= alpha p1^n = alpha tail_1)."""
    _check(p1, p0, alpha)
    n = math.ceil(math.log(1 / alpha) / math.log(p1 / p0))
    while n > 1 and (p1 / p0) ** (n - 1) * alpha >= 1:
        n -= 1
    while (p1 / p0) ** n * alpha < 1:
        n += 1
    return n


def first_round_chance(p1: float, p0: float, alpha: float, n: int) -> float:
    """The chance that a first round of n relevant ballots stops when the reported share is
    right."""
    kmin = kmins(p1, p0, alpha, [n])[0]
    return 0.0 if kmin is None else float(stats.binom.sf(kmin - 1, n, p1))


def first_round_size(p1: float, p0: float, alpha: float, chance: float,
                     limit: int = 2_000_000) -> int:
    """The least first round (relevant ballots) that stops with at least `chance` when the
    reported share is right. The chance is not monotone in n (whole ballots), so a doubling
    search and bisection find such an n and a scan of the window below keeps the least."""
    hi = max(1, min_sample_size(p1, p0, alpha))
    while first_round_chance(p1, p0, alpha, hi) < chance:
        hi *= 2
        if hi > limit:
            raise RuleError("no first round up to the limit stops with that chance")
    lo = hi // 2
    while lo < hi:
        mid = (lo + hi) // 2
        if first_round_chance(p1, p0, alpha, mid) >= chance:
            hi = mid
        else:
            lo = mid + 1
    best = hi
    for n in range(hi - 1, max(0, hi - max(20, hi // 20)), -1):
        if first_round_chance(p1, p0, alpha, n) >= chance:
            best = n
    return best
