"""Every integrity test with its parameters fixed in one value: what the election's record
stores before results come in (so nobody tunes a test after the fact), and what `run_all`
runs.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field, fields
from typing import Any

from saylau.domain.errors import ValidationFailed, field_error
from saylau.domain.integrity import CAVEAT
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
    out: dict[str, Any] = {
        "caveat": CAVEAT,
        "stations": len(figs),
        "leader": figs.leader_name,
        "params": p.as_dict(),
        "params_sha256": p.digest(),
        "integer": integer_test(figs, p.integer).as_dict(),
        "fingerprint": fingerprint(figs, p.fingerprint).as_dict(),
        "digits": digit_tests(figs, p.digits).as_dict(),
    }
    if figs.units and p.unit_level < len(figs.units):
        out["digits_by_unit"] = {u: r.as_dict()
                                 for u, r in by_unit(figs, p.unit_level, p.digits).items()}
    if calibrate_tests:
        cal = calibrate(figs, p.integer, p.digits, p.calibration)
        out["calibration"] = cal.as_dict()
        out["calibrated_signals"] = _calibrated(out, cal.ranges)
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
