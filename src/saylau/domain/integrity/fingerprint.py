"""The turnout x vote-share fingerprint: Klimek, Yegorov, Hanel & Thurner, "Statistical
detection of systematic election irregularities", PNAS 109(41), 16469-16473, 2012.

1. The 2-D histogram of the stations' turnout and the winner's share (1% x 1% bins by default).
2. The honest mode: the peak of the smoothed histogram (scipy.ndimage.gaussian_filter)
   below the rim of 90% turnout and share,
   with the spread of turnout and share estimated from the stations on the low side of the
   peak only (where ballot stuffing, which raises both, does not reach), as Kobak, Shpilkin &
   Pshenichnikov re-derived it ("Statistical anomalies in 2011-2012 Russian elections revealed
   by 2D correlation analysis", arXiv:1205.0741).
3. The fraud model of Klimek et al.: every station's honest turnout and share are drawn
   from normal laws around the honest mode; with probability f_i a station has *incremental*
   fraud (a fraction x ~ |N(0, sigma_x)| of the non-voters' ballots is cast for the winner,
   and a fraction x^alpha of the opposition's votes moves to the winner), with probability f_e
   *extreme* fraud (x = 1 - |N(0, sigma_x / 5)|: nearly every ballot). f_i and f_e are fitted
   on a grid by least squares between the model's and the data's normalised histograms; the
   fit's error is the SD of the fitted values over `repeats` independent simulations (the
   paper's error bars are of this kind). sigma_x = 0.075, alpha = 2 (the paper's magnitudes
   as we read them: UNVERIFIED, so parameters, printed with the result).

A fast exact grid: the model's histogram is additive over stations, so the stations are
drawn once (honest, incremental and extreme versions of each, and one uniform u per station
deciding which applies: extreme when u < f_e, incremental when f_e <= u < f_e + f_i) and
histograms of u-slices are summed by cumulative sums: every grid point costs one vector sum.

These are signals that warrant a look, not proof of fraud.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt
from scipy import ndimage

from saylau.domain.integrity.figures import StationFigures


@dataclass(frozen=True, slots=True)
class FingerprintParams:
    bins: int = 100
    """Histogram bins per axis (100: 1% x 1%)."""
    fit_bins: int = 50
    """Bins per axis of the fit's histograms (50: 2% x 2%)."""
    smooth: float = 2.0
    """The Gaussian smoothing (in bins) that finds the honest mode."""
    rim: float = 0.9
    """The honest mode is sought where turnout and share are both below the rim: the corner
    at 100% x 100% (whole regions reporting everyone voting for the winner) is a spike of
    its own and would otherwise be taken for the honest peak (Russia 2011 and 2012)."""
    sigma_x: float = 0.075
    alpha: float = 2.0
    fi_step: float = 0.005
    fi_max: float = 1.0
    fe_step: float = 0.0025
    fe_max: float = 0.2
    repeats: int = 5
    seed: int = 2012
    min_registered: int = 100
    refine: bool = True
    """Refine the honest centre with the model (`refine_mode`)."""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Fingerprint:
    params: FingerprintParams
    stations: int
    histogram: npt.NDArray[np.int64]
    """[turnout bin, share bin] station counts."""
    honest_turnout: float
    honest_share: float
    sd_turnout: float
    sd_share: float
    f_incremental: float
    f_incremental_error: float
    f_extreme: float
    f_extreme_error: float
    residual: float
    """The fit's least-squares distance (mean over repeats)."""
    fit_grid_at_zero: float
    """The distance at f_i = f_e = 0 (how much better than 'no fraud' the fit is)."""

    def as_dict(self) -> dict[str, object]:
        return {
            "test": "fingerprint",
            "source": "Klimek, Yegorov, Hanel & Thurner, PNAS 109(41), 16469-16473, 2012",
            "params": self.params.as_dict(), "stations": self.stations,
            "honest_mode": {"turnout": self.honest_turnout, "share": self.honest_share,
                            "sd_turnout": self.sd_turnout, "sd_share": self.sd_share},
            "f_incremental": self.f_incremental,
            "f_incremental_error": self.f_incremental_error,
            "f_extreme": self.f_extreme, "f_extreme_error": self.f_extreme_error,
            "residual": self.residual, "residual_no_fraud": self.fit_grid_at_zero,
        }


def _shares(figs: StationFigures, p: FingerprintParams,
            ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    ok = (figs.registered >= p.min_registered) & (figs.valid > 0) & (
        figs.given <= figs.registered)
    t = figs.given[ok] / figs.registered[ok]
    v = figs.leader_votes[ok] / figs.valid[ok]
    return t, v, figs.registered[ok]


def histogram(t: npt.NDArray[np.float64], v: npt.NDArray[np.float64], bins: int,
              ) -> npt.NDArray[np.int64]:
    """Station counts in bins x bins over [0, 1] x [0, 1] (1.0 falls in the last bin)."""
    it = np.minimum((t * bins).astype(np.int64), bins - 1)
    iv = np.minimum((v * bins).astype(np.int64), bins - 1)
    return np.bincount(it * bins + iv, minlength=bins * bins).reshape(bins, bins)


def honest_mode(t: npt.NDArray[np.float64], v: npt.NDArray[np.float64], p: FingerprintParams,
                ) -> tuple[float, float, float, float]:
    """The smoothed histogram's peak, and the spreads from the stations below it."""
    h = ndimage.gaussian_filter(histogram(t, v, p.bins).astype(float), p.smooth)
    edge = round(p.rim * p.bins)
    h[edge:, :] = -1.0
    h[:, edge:] = -1.0
    it, iv = np.unravel_index(int(np.argmax(h)), h.shape)
    t0 = (it + 0.5) / p.bins
    v0 = (iv + 0.5) / p.bins
    low_t = t[t < t0] - t0
    low_v = v[v < v0] - v0
    sd_t = float(np.sqrt((low_t ** 2).mean())) if len(low_t) else 0.05
    sd_v = float(np.sqrt((low_v ** 2).mean())) if len(low_v) else 0.05
    return float(t0), float(v0), sd_t, sd_v


def _versions(n: int, t0: float, v0: float, sd_t: float, sd_v: float, p: FingerprintParams,
              rng: np.random.Generator) -> tuple[list[tuple[npt.NDArray[np.float64], ...]],
                                                 npt.NDArray[np.float64]]:
    """Honest, incremental and extreme (turnout, share) of n model stations, and u."""
    tau = np.clip(rng.normal(t0, sd_t, n), 0.0, 1.0)
    nu = np.clip(rng.normal(v0, sd_v, n), 0.0, 1.0)
    x_inc = np.clip(np.abs(rng.normal(0.0, p.sigma_x, n)), 0.0, 1.0)
    x_ext = np.clip(1.0 - np.abs(rng.normal(0.0, p.sigma_x / 5, n)), 0.0, 1.0)
    u = rng.random(n)
    out: list[tuple[npt.NDArray[np.float64], ...]] = [(tau, nu)]
    for x in (x_inc, x_ext):
        turnout = tau + x * (1.0 - tau)
        winner = tau * nu + x * (1.0 - tau) + x ** p.alpha * tau * (1.0 - nu)
        share = np.where(turnout > 0, winner / np.maximum(turnout, 1e-12), nu)
        out.append((turnout, np.clip(share, 0.0, 1.0)))
    return out, u


def _fit_once(target: npt.NDArray[np.float64], n: int, mode: tuple[float, float, float, float],
              p: FingerprintParams, rng: np.random.Generator, coarse: int = 1,
              ) -> tuple[float, float, float, float]:
    """The best (f_i, f_e) on the grid, its distance, and the distance at no fraud. With
    `coarse` > 1 the grid's steps are that many times wider (the mode's refinement)."""
    versions, u = _versions(n, *mode, p, rng)
    step = p.fe_step * coarse
    fi_per = max(1, round(p.fi_step * coarse / step))
    slices = round(1.0 / step)
    s = np.minimum((u / step).astype(np.int64), slices - 1)
    nb = p.fit_bins * p.fit_bins
    cums = []
    for tt, vv in versions:
        idx = np.minimum((tt * p.fit_bins).astype(np.int64), p.fit_bins - 1) * p.fit_bins + \
            np.minimum((vv * p.fit_bins).astype(np.int64), p.fit_bins - 1)
        per = np.bincount(s * nb + idx, minlength=slices * nb).reshape(slices, nb)
        cums.append(np.vstack([np.zeros((1, nb)), np.cumsum(per, axis=0)]) / n)
    hon, inc, ext = cums
    best = (np.inf, 0.0, 0.0)
    zero = float(((hon[slices] - target) ** 2).sum())
    fe_steps = round(p.fe_max / step)
    for a in range(fe_steps + 1):
        top = np.arange(a, slices + 1, fi_per)  # a + f_i slices
        if len(top) == 0:
            continue
        if p.fi_max < 1.0:
            top = top[(top - a) * step <= p.fi_max + 1e-12]
        model = ext[a][None, :] + (inc[top] - inc[a][None, :]) + (hon[slices] - hon[top])
        d = ((model - target[None, :]) ** 2).sum(axis=1)
        j = int(np.argmin(d))
        if d[j] < best[0]:
            best = (float(d[j]), (top[j] - a) * step, a * step)
    return best[1], best[2], best[0], zero


def refine_mode(target: npt.NDArray[np.float64], t: npt.NDArray[np.float64],
                v: npt.NDArray[np.float64], mode: tuple[float, float, float, float],
                p: FingerprintParams) -> tuple[float, float, float, float]:
    """Incremental fraud moves stations a little up and right, which drags the smoothed
    histogram's peak with it (by about a point on Russia-like data), and a model centred on
    the dragged peak then explains the fraud away. So the honest centre is refined with the
    model itself: coordinate search over turnout and share offsets of -3..+1 points (half a
    point apart), each scored by the best coarse fit's distance, with common random numbers;
    then the spreads are measured again below the refined centre."""
    t0, v0, sd_t, sd_v = mode
    offsets = np.arange(-3.0, 1.01, 0.5) / 100

    def score(tc: float, vc: float) -> float:
        rng = np.random.default_rng(p.seed + 1)
        return _fit_once(target, len(t), (tc, vc, sd_t, sd_v), p, rng, coarse=4)[2]

    for _ in range(2):
        t0 = min((t0 + d for d in offsets), key=lambda tc: score(tc, v0))
        v0 = min((v0 + d for d in offsets), key=lambda vc: score(t0, vc))
        offsets = offsets / 2
    low_t = t[t < t0] - t0
    low_v = v[v < v0] - v0
    sd_t = float(np.sqrt((low_t ** 2).mean())) if len(low_t) else sd_t
    sd_v = float(np.sqrt((low_v ** 2).mean())) if len(low_v) else sd_v
    return float(t0), float(v0), sd_t, sd_v


def fingerprint(figs: StationFigures, params: FingerprintParams | None = None) -> Fingerprint:
    """The 2-D histogram, the honest mode and the fitted fraud fractions."""
    p = params or FingerprintParams()
    t, v, _ = _shares(figs, p)
    target = histogram(t, v, p.fit_bins).ravel() / max(len(t), 1)
    mode = honest_mode(t, v, p)
    if p.refine and len(t):
        mode = refine_mode(target, t, v, mode, p)
    rng = np.random.default_rng(p.seed)
    fits = [_fit_once(target, len(t), mode, p, rng) for _ in range(p.repeats)]
    fi = np.array([f[0] for f in fits])
    fe = np.array([f[1] for f in fits])
    return Fingerprint(
        params=p, stations=len(t), histogram=histogram(t, v, p.bins),
        honest_turnout=mode[0], honest_share=mode[1], sd_turnout=mode[2], sd_share=mode[3],
        f_incremental=float(fi.mean()),
        f_incremental_error=float(fi.std(ddof=1)) if len(fi) > 1 else 0.0,
        f_extreme=float(fe.mean()), f_extreme_error=float(fe.std(ddof=1)) if len(fe) > 1
        else 0.0,
        residual=float(np.mean([f[2] for f in fits])),
        fit_grid_at_zero=float(np.mean([f[3] for f in fits])),
    )
