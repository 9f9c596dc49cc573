"""Calibration: how often each test raises a signal on a *clean* election of the same size
and structure. A test's result is printed beside this false-alarm rate, so a reader knows
what a signal from it is worth on this election.

The generator (`clean_election`) keeps every station's voter list and top-level unit and
draws, per station, an honest turnout and leader's share from Beta laws whose mean and spread
are those of the station's unit, measured robustly (the unit's median and 1.4826 x MAD, so
that falsified stations do not widen the clean law), then the counts by binomial draws:
ballots given ~ Binomial(registered, turnout); invalid ballots at the election's median
invalid share; the leader's votes ~ Binomial(valid, share); the other options split the rest
by a multinomial draw at their national shares. Nothing is rounded to a target: a clean
election by construction.

The integer test is calibrated with its exact null (the z of the observed count against the
exact expectation and SD, at the same alpha as the Monte Carlo p-value): the same decision up
to Monte Carlo error, and a thousand times cheaper, which is what makes a few dozen simulated
elections affordable.

These are signals that warrant a look, not proof of fraud.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from saylau.domain.integrity.digits import DigitParams, digit_tests
from saylau.domain.integrity.figures import StationFigures
from saylau.domain.integrity.integer import IntegerParams, integer_test


@dataclass(frozen=True, slots=True)
class CalibrationParams:
    elections: int = 10
    """Clean elections simulated: with 10, a false-alarm rate is known to the nearest 10%
    (enough to tell a test that alarms on every clean election from one that does not; a
    finer rate needs more, at about a second each on 100,000 stations)."""
    seed: int = 7
    min_sd: float = 0.02
    """The smallest spread of turnout or share allowed in a unit (a unit whose stations all
    report one figure would otherwise get a degenerate law)."""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _robust(x: npt.NDArray[np.float64], floor: float) -> tuple[float, float]:
    if len(x) == 0:
        return 0.5, 0.1
    med = float(np.median(x))
    mad = float(np.median(np.abs(x - med))) * 1.4826
    return min(max(med, 0.01), 0.99), max(mad, floor)


def _beta(mean: float, sd: float, n: int, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    var = min(sd * sd, mean * (1 - mean) * 0.95)
    k = mean * (1 - mean) / var - 1
    return rng.beta(mean * k, (1 - mean) * k, n)


def clean_election(figs: StationFigures, rng: np.random.Generator, min_sd: float = 0.02,
                   ) -> StationFigures:
    """A clean election with the same stations, voter lists and units as `figs`."""
    n = len(figs)
    reg = figs.registered
    ok = reg > 0
    turnout = np.zeros(n)
    share = np.zeros(n)
    names = figs.units[0] if figs.units else ("all",) * n
    code_of: dict[str, int] = {}
    codes = np.fromiter((code_of.setdefault(u, len(code_of)) for u in names), dtype=np.int64,
                        count=n)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(code_of) + 1))
    t_obs = np.where(ok, figs.given / np.maximum(reg, 1), np.nan)
    v_obs = np.where(figs.valid > 0, figs.leader_votes / np.maximum(figs.valid, 1), np.nan)
    for c in range(len(code_of)):  # the units in order of first appearance
        sel = order[bounds[c]:bounds[c + 1]]
        mt, st = _robust(t_obs[sel][~np.isnan(t_obs[sel])], min_sd)
        mv, sv = _robust(v_obs[sel][~np.isnan(v_obs[sel])], min_sd)
        turnout[sel] = _beta(mt, st, len(sel), rng)
        share[sel] = _beta(mv, sv, len(sel), rng)
    given = rng.binomial(reg, turnout)
    bad = figs.in_boxes - figs.valid
    inv_share = float(np.median(bad[figs.in_boxes > 0] / figs.in_boxes[figs.in_boxes > 0])) \
        if (figs.in_boxes > 0).any() else 0.0
    invalid = rng.binomial(given, min(max(inv_share, 0.0), 0.5))
    valid = given - invalid
    lead = rng.binomial(valid, share)
    k = len(figs.options)
    votes = np.zeros((n, k), dtype=np.int64)
    votes[:, figs.leader] = lead
    others = [j for j in range(k) if j != figs.leader]
    if others:
        tot = figs.votes[:, others].sum(axis=0).astype(float)
        pv = tot / tot.sum() if tot.sum() > 0 else np.full(len(others), 1 / len(others))
        votes[:, others] = rng.multinomial(valid - lead, pv)
    elif (valid - lead).any():
        votes[:, figs.leader] = valid
    return StationFigures(
        stations=figs.stations, registered=reg.copy(), given=given, in_boxes=given,
        valid=valid, votes=votes, options=figs.options, units=figs.units, leader=figs.leader)


@dataclass(frozen=True)
class Calibration:
    params: CalibrationParams
    false_alarms: dict[str, float]
    """Per test, the share of clean simulated elections where it raised a signal."""
    ranges: dict[str, tuple[float, float]]
    """Per statistic, its 2.5% and 97.5% quantiles over the clean elections (the
    descriptive statistics, skewness and kurtosis, are judged against these)."""

    def as_dict(self) -> dict[str, object]:
        return {"params": self.params.as_dict(), "false_alarms": dict(self.false_alarms),
                "clean_ranges": {k: list(v) for k, v in self.ranges.items()},
                "elections": self.params.elections}


def calibrate(figs: StationFigures, integer: IntegerParams | None = None,
              digits: DigitParams | None = None, params: CalibrationParams | None = None,
              ) -> Calibration:
    """Run every test on `params.elections` clean elections shaped like `figs`."""
    p = params or CalibrationParams()
    ip = integer or IntegerParams()
    dp = digits or DigitParams()
    rng = np.random.default_rng(p.seed)
    z_crit = float(stats.norm.isf(ip.alpha))
    alarms: dict[str, int] = {}
    values: dict[str, list[float]] = {}
    cheap = IntegerParams(draws=1, seed=ip.seed, min_registered=ip.min_registered,
                          lowest=ip.lowest, highest=ip.highest, alpha=ip.alpha)
    for _ in range(p.elections):
        clean = clean_election(figs, rng, p.min_sd)
        res = integer_test(clean, cheap, per_integer=False)
        alarms["integer"] = alarms.get("integer", 0) + int(res.either.z > z_crit)
        values.setdefault("integer_z", []).append(res.either.z)
        d = digit_tests(clean, dp)
        for name, s in d.tests.items():
            alarms[name] = alarms.get(name, 0) + int(s.signal)
            values.setdefault(name, []).append(s.value)
    return Calibration(
        params=p,
        false_alarms={k: v / p.elections for k, v in alarms.items()},
        ranges={k: (float(np.quantile(v, 0.025)), float(np.quantile(v, 0.975)))
                for k, v in values.items()},
    )
