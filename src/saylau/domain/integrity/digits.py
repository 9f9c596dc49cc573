"""Digit and distribution tests, as the Election Forensics Toolkit computes them (Kalinin &
Mebane, EFToolkit, `BasicElectionForensics`; Mebane, "Election Forensics", 2006-2013), and the
last-digit test of Beber & Scacco ("What the Numbers Say: A Digit-Based Test for Election
Fraud", Political Analysis 20(2), 211-234, 2012). Per unit at any level (`by_unit`).

- 2BL: mean second digit of the vote counts of 10 or more; Benford's second-digit law gives
  4.187 (sum d P(d), P(d) = sum_k log10(1 + 1/(10 k + d)), k = 1..9); tested with the normal
  approximation of its mean (SD of the law 2.8766 / sqrt n).
- LastC: mean last digit of the counts of 10 or more (uniform: 4.5).
- C05s: share of counts of 10 or more ending in 0 or 5 (uniform: 0.2); binomial z.
- P05s: share of the turnout percentages, rounded to a whole percent, ending in 0 or 5 (0.2).
- Skew, Kurt: skewness and kurtosis (Pearson: a normal law has 3) of the turnout;
  descriptive: their clean range comes from the calibration (calibration.py).
- DipT: Hartigan's dip test of unimodality of the turnout (the maintained `diptest` package,
  its interpolated p-value; above 72,000 stations the package extrapolates its table, so the
  p-value is approximate there).
- Beber-Scacco: chi-square of the last digits of every vote count against the uniform law
  (9 degrees of freedom), counts of 10 or more (an UNVERIFIED choice: Beber & Scacco discuss
  small counts; a parameter).

The toolkit bootstraps its intervals; this module uses each statistic's sampling law under the
null instead (deterministic, no seed needed). These are signals that warrant a look, not proof
of fraud.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass

import diptest
import numpy as np
import numpy.typing as npt
from scipy import stats

from saylau.domain.integrity.figures import StationFigures

_D = np.arange(10)
BENFORD2 = np.array([sum(math.log10(1 + 1 / (10 * k + d)) for k in range(1, 10))
                     for d in range(10)])
BENFORD2_MEAN = float((_D * BENFORD2).sum())
BENFORD2_SD = float(math.sqrt(float((_D ** 2 * BENFORD2).sum()) - BENFORD2_MEAN ** 2))
UNIFORM_SD = float(np.sqrt(((_D - 4.5) ** 2).mean()))


@dataclass(frozen=True, slots=True)
class DigitParams:
    min_count: int = 10
    """Counts below this are left out of the digit tests (their digits are not free)."""
    alpha: float = 0.01

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Stat:
    """One statistic: its value, what a clean election gives, n, and a two-sided p-value
    (None when the statistic is descriptive)."""

    value: float
    expected: float
    n: int
    p_value: float | None
    signal: bool

    def as_dict(self) -> dict[str, object]:
        return {"value": self.value, "expected": self.expected, "n": self.n,
                "p_value": self.p_value, "signal": self.signal}


def _two_sided(z: float) -> float:
    return float(2 * stats.norm.sf(abs(z)))


def _nan_stat(expected: float) -> Stat:
    return Stat(float("nan"), expected, 0, None, False)


def second_digit_mean(counts: npt.NDArray[np.int64], p: DigitParams) -> Stat:
    c = counts[counts >= max(p.min_count, 10)]
    if len(c) == 0:
        return _nan_stat(BENFORD2_MEAN)
    digits = c // (10 ** (np.floor(np.log10(c)).astype(np.int64) - 1)) % 10
    mean = float(digits.mean())
    pv = _two_sided((mean - BENFORD2_MEAN) / (BENFORD2_SD / math.sqrt(len(c))))
    return Stat(mean, BENFORD2_MEAN, len(c), pv, pv < p.alpha)


def last_digit_mean(counts: npt.NDArray[np.int64], p: DigitParams) -> Stat:
    c = counts[counts >= p.min_count]
    if len(c) == 0:
        return _nan_stat(4.5)
    mean = float((c % 10).mean())
    pv = _two_sided((mean - 4.5) / (UNIFORM_SD / math.sqrt(len(c))))
    return Stat(mean, 4.5, len(c), pv, pv < p.alpha)


def share_0_or_5(values: npt.NDArray[np.int64], p: DigitParams) -> Stat:
    """Share of values whose last digit is 0 or 5 (uniform last digits: 0.2)."""
    if len(values) == 0:
        return _nan_stat(0.2)
    share = float(np.isin(values % 10, (0, 5)).mean())
    pv = _two_sided((share - 0.2) / math.sqrt(0.16 / len(values)))
    return Stat(share, 0.2, len(values), pv, pv < p.alpha)


def beber_scacco(counts: npt.NDArray[np.int64], p: DigitParams) -> Stat:
    c = counts[counts >= p.min_count]
    if len(c) < 10:
        return _nan_stat(0.0)
    freq = np.bincount(c % 10, minlength=10)
    chi2, pv = stats.chisquare(freq)
    return Stat(float(chi2), 9.0, len(c), float(pv), float(pv) < p.alpha)


def turnout_of(figs: StationFigures) -> npt.NDArray[np.float64]:
    ok = figs.registered > 0
    return figs.given[ok] / figs.registered[ok]


@dataclass(frozen=True)
class DigitResult:
    params: DigitParams
    stations: int
    tests: dict[str, Stat]
    """Keys: 2BL, LastC, C05s (the vote counts of every option together), P05s (turnout),
    P05s_leader, Skew, Kurt, DipT (turnout), BeberScacco."""

    @property
    def signals(self) -> list[str]:
        return [k for k, s in self.tests.items() if s.signal]

    def as_dict(self) -> dict[str, object]:
        return {"stations": self.stations, "params": self.params.as_dict(),
                "tests": {k: s.as_dict() for k, s in self.tests.items()},
                "signals": self.signals}


def digit_tests(figs: StationFigures, params: DigitParams | None = None) -> DigitResult:
    """Every digit and distribution test on these stations."""
    p = params or DigitParams()
    counts = figs.votes.ravel()
    t = turnout_of(figs)
    ok = figs.valid > 0
    lead_pct = np.rint(100 * figs.leader_votes[ok] / figs.valid[ok]).astype(np.int64)
    tests = {
        "2BL": second_digit_mean(counts, p),
        "LastC": last_digit_mean(counts, p),
        "C05s": share_0_or_5(counts[counts >= p.min_count], p),
        "P05s": share_0_or_5(np.rint(100 * t).astype(np.int64), p),
        "P05s_leader": share_0_or_5(lead_pct, p),
        "BeberScacco": beber_scacco(counts, p),
    }
    spread = len(t) >= 3 and float(np.ptp(t)) > 1e-6
    if len(t) >= 3 and not spread:  # every station alike: no shape to measure
        tests["Skew"] = _nan_stat(0.0)
        tests["Kurt"] = _nan_stat(3.0)
    if spread:
        tests["Skew"] = Stat(float(stats.skew(t)), 0.0, len(t), None, False)
        tests["Kurt"] = Stat(float(stats.kurtosis(t, fisher=False)), 3.0, len(t), None, False)
    if len(t) >= 4 and spread:
        with warnings.catch_warnings():
            # above 72,000 stations the package extrapolates its table of critical values
            # and says so; the p-value is then approximate (stated in the module's doc)
            warnings.simplefilter("ignore", UserWarning)
            dip, pv = diptest.diptest(t)
        tests["DipT"] = Stat(float(dip), 0.0, len(t), float(pv), float(pv) < p.alpha)
    return DigitResult(p, len(figs), tests)


def by_unit(figs: StationFigures, level: int, params: DigitParams | None = None,
            ) -> dict[str, DigitResult]:
    """The digit tests of each unit at `level` (0 = top-level units)."""
    return {u: digit_tests(sub, params) for u, sub in figs.by_unit(level).items()}
