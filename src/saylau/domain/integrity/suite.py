"""Every integrity test with its parameters fixed in one value: what the election's record
stores before results come in (so nobody tunes a test after the fact), and what `run_all`
runs.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field, fields, replace
from typing import Any

from scipy import stats

from saylau.domain.errors import ValidationFailed, field_error
from saylau.domain.integrity import CAVEAT, pvt
from saylau.domain.integrity.calibration import CalibrationParams, calibrate
from saylau.domain.integrity.digits import DigitParams, by_unit, digit_tests
from saylau.domain.integrity.figures import StationFigures
from saylau.domain.integrity.fingerprint import FingerprintParams, fingerprint
from saylau.domain.integrity.integer import IntegerParams, integer_test


@dataclass(frozen=True)
class IntegrityParams:
    integer: IntegerParams = field(default_factory=IntegerParams)
    fingerprint: FingerprintParams = field(default_factory=FingerprintParams)
    digits: DigitParams = field(default_factory=DigitParams)
    calibration: CalibrationParams = field(default_factory=CalibrationParams)
    unit_level: int = 0
    """The level at which the digit tests also run per unit (0 = top-level units)."""

    def as_dict(self) -> dict[str, Any]:
        return {"integer": self.integer.as_dict(), "fingerprint": self.fingerprint.as_dict(),
                "digits": self.digits.as_dict(), "calibration": self.calibration.as_dict(),
                "unit_level": self.unit_level}

    def canonical(self) -> bytes:
        """The parameters' canonical JSON (sorted keys, no spaces): what the record holds."""
        return json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":")).encode()

    def digest(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IntegrityParams:
        """Parameters from their stored form; an unknown or missing key is refused."""
        parts: dict[str, Any] = {}
        for name, kind in (("integer", IntegerParams), ("fingerprint", FingerprintParams),
                           ("digits", DigitParams), ("calibration", CalibrationParams)):
            given = dict(data.get(name, {}))
            known = {f.name for f in fields(kind)}
            unknown = sorted(set(given) - known)
            if unknown:
                raise ValidationFailed(
                    f"unknown {name} parameter(s): {', '.join(unknown)}",
                    code="integrity_params",
                    details=field_error(name, ", ".join(sorted(known)), ", ".join(unknown),
                                        "unknown parameter"))
            parts[name] = kind(**given)
        return cls(**parts, unit_level=int(data.get("unit_level", 0)))


def run_all(figs: StationFigures, params: IntegrityParams | None = None, *,
            calibrate_tests: bool = True) -> dict[str, Any]:
    """Every test on these stations: the integer test, the fingerprint, the digit tests
    nationally and per unit, and (unless turned off) the false-alarm rates on clean
    elections of the same structure."""
    p = params or IntegrityParams()
    fp = fingerprint(figs, p.fingerprint)
    out: dict[str, Any] = {
        "caveat": CAVEAT,
        "stations": len(figs),
        "leader": figs.leader_name,
        "params": p.as_dict(),
        "params_sha256": p.digest(),
        "integer": integer_test(figs, p.integer).as_dict(),
        "fingerprint": fp.as_dict(),
        "fingerprint_histogram": fp.histogram.tolist(),
        "digits": digit_tests(figs, p.digits).as_dict(),
    }
    if figs.units and p.unit_level < len(figs.units):
        out["digits_by_unit"] = {u: r.as_dict()
                                 for u, r in by_unit(figs, p.unit_level, p.digits).items()}
        out["integer_by_unit"] = integer_by_unit(figs, p.unit_level, p.integer)
    if calibrate_tests:
        cal = calibrate(figs, p.integer, p.digits, p.calibration)
        out["calibration"] = cal.as_dict()
        out["calibrated_signals"] = _calibrated(out, cal.ranges)
    return out


def integer_by_unit(figs: StationFigures, level: int, params: IntegerParams,
                    ) -> dict[str, dict[str, Any]]:
    """The integer test in each unit at `level`, against its exact null only (z, one-sided
    normal p-value; a unit-by-unit Monte Carlo would cost a national one per unit): a signal
    where z exceeds the normal quantile of alpha."""
    z_crit = float(stats.norm.isf(params.alpha))
    cheap = replace(params, draws=1)
    out: dict[str, dict[str, Any]] = {}
    for unit, sub in figs.by_unit(level).items():
        r = integer_test(sub, cheap, per_integer=False).either
        out[unit] = {"stations": len(sub), "observed": r.observed,
                     "expected": r.expected_exact, "sd": r.sd_exact, "excess": r.excess,
                     "z": r.z, "p_value": float(stats.norm.sf(r.z)) if r.sd_exact > 0 else 1.0,
                     "signal": bool(r.sd_exact > 0 and r.z > z_crit)}
    return out


def _calibrated(out: dict[str, Any], ranges: dict[str, tuple[float, float]]) -> list[str]:
    """The statistics outside the range of the clean elections (their 2.5-97.5% quantiles)."""
    found = []
    for name, stat in out["digits"]["tests"].items():
        lo_hi = ranges.get(name)
        v = stat["value"]
        if lo_hi is not None and not math.isnan(v) and not lo_hi[0] <= v <= lo_hi[1]:
            found.append(name)
    z = out["integer"]["either"]["z"]
    if "integer_z" in ranges and z > ranges["integer_z"][1]:
        found.append("integer")
    return found


def official_of(figs: StationFigures, level: int = 0) -> dict[str, dict[str, float]]:
    """The official figures of these stations: turnout and every option's share, nationally
    (key '') and per unit at `level`."""
    def figures(f: StationFigures) -> dict[str, float]:
        reg = int(f.registered.sum())
        valid = int(f.valid.sum())
        out = {"turnout": int(f.given.sum()) / reg if reg else 0.0}
        for j, o in enumerate(f.options):
            out[o] = int(f.votes[:, j].sum()) / valid if valid else 0.0
        return out

    result = {"": figures(figs)}
    if figs.units and level < len(figs.units):
        result.update({u: figures(sub) for u, sub in figs.by_unit(level).items()})
    return result


def quick_count_on(figs: StationFigures, seed: str, margin: float, *, sigma: float = 0.1,
                   reported: float = 1.0, options: tuple[str, ...] | None = None,
                   ) -> dict[str, Any]:
    """A whole quick count on station figures (a real file, a simulation, the demo): the
    plan for `margin`, the sample drawn from `seed` (its commitment printed), the first
    `reported` share of the sampled stations reporting (in the order of their keys, as if
    they phoned in one by one), the estimate and its comparison with the official figures."""
    strata = figs.units[0] if figs.units else ("all",) * len(figs)
    frame = pvt.frame_of(figs.stations, strata, figs.registered.tolist())
    plan = pvt.plan(frame, margin, sigma=sigma)
    sample = pvt.draw_sample(frame, seed, plan.per_stratum)
    if options is None:
        # the options with at least 1% nationally (66 parties ran in Albania in 2013)
        totals = figs.votes.sum(axis=0)
        valid = max(int(figs.valid.sum()), 1)
        options = tuple(o for j, o in enumerate(figs.options) if totals[j] / valid >= 0.01)
    opts = options
    cols = {o: figs.votes[:, figs.options.index(o)].tolist() for o in opts}
    ordered = sorted(sample, key=lambda s: pvt.station_key(seed, s))
    chosen = ordered[: round(len(ordered) * reported)]
    reports = pvt.reports_of(figs.stations, figs.registered.tolist(), figs.given.tolist(),
                             figs.valid.tolist(), cols, chosen)
    qc = pvt.estimate(frame, sample, reports, opts)
    official = {u: {k: v for k, v in f.items() if k == "turnout" or k in opts}
                for u, f in official_of(figs).items()}
    comparison = [c.as_dict() for c in pvt.compare(qc, official)]
    return {"commitment": pvt.commit(seed), "plan": plan.as_dict(), "sample": list(sample),
            "quick_count": qc.as_dict(), "comparison": comparison, "caveat": CAVEAT}
