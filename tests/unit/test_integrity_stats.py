"""Digit and distribution tests, the fingerprint fit, the calibration and the stored
parameters of domain/integrity."""

from __future__ import annotations

import numpy as np
import pytest

from saylau.domain.errors import ValidationFailed
from saylau.domain.integrity import digits as dg
from saylau.domain.integrity.calibration import CalibrationParams, calibrate, clean_election
from saylau.domain.integrity.figures import StationFigures, figures_of
from saylau.domain.integrity.fingerprint import FingerprintParams, _versions, fingerprint
from saylau.domain.integrity.suite import IntegrityParams, run_all


def test_benford_second_digit_law() -> None:
    # Mebane's 2BL expectation: 4.187 (Mebane 2006, Table 1)
    assert dg.BENFORD2.sum() == pytest.approx(1.0)
    assert pytest.approx(4.187, abs=5e-4) == dg.BENFORD2_MEAN


def test_digit_tests_see_rounded_counts() -> None:
    rng = np.random.default_rng(0)
    p = dg.DigitParams()
    smooth = rng.integers(10, 5000, 20000)
    rounded = smooth - smooth % 5
    assert not dg.share_0_or_5(smooth, p).signal
    assert dg.share_0_or_5(rounded, p).value == 1.0
    assert dg.share_0_or_5(rounded, p).signal
    assert not dg.beber_scacco(smooth, p).signal
    assert dg.beber_scacco(rounded, p).signal
    assert not dg.last_digit_mean(smooth, p).signal
    # numbers spread over several orders of magnitude follow Benford's law
    benford = np.floor(10 ** rng.uniform(1, 6, 50000)).astype(np.int64)
    assert not dg.second_digit_mean(benford, p).signal
    assert dg.second_digit_mean(rounded * 0 + 15, p).signal


def _figs(turnout: np.ndarray, seed: int = 1) -> StationFigures:
    rng = np.random.default_rng(seed)
    n = len(turnout)
    reg = rng.integers(800, 2000, n)
    given_ = np.rint(reg * turnout).astype(np.int64)
    lead = rng.binomial(given_, 0.4)
    return figures_of(stations=[str(i) for i in range(n)], registered=reg, given=given_,
                      in_boxes=given_, valid=given_, votes=np.stack([lead, given_ - lead], 1),
                      options=["A", "B"], units=[[f"U{i % 3}" for i in range(n)]])


def test_dip_test_sees_two_modes() -> None:
    rng = np.random.default_rng(2)
    one = _figs(np.clip(rng.normal(0.6, 0.08, 3000), 0.05, 1))
    two = _figs(np.clip(np.r_[rng.normal(0.45, 0.04, 1500), rng.normal(0.85, 0.04, 1500)],
                        0.05, 1))
    assert not dg.digit_tests(one).tests["DipT"].signal
    assert dg.digit_tests(two).tests["DipT"].signal
    assert set(dg.by_unit(two, 0)) == {"U0", "U1", "U2"}


def _model_figures(fi: float, fe: float, n: int, seed: int) -> StationFigures:
    p = FingerprintParams()
    rng = np.random.default_rng(seed)
    (hon, inc, ext), u = _versions(n, 0.55, 0.45, 0.07, 0.06, p, rng)
    t = np.where(u < fe, ext[0], np.where(u < fe + fi, inc[0], hon[0]))
    v = np.where(u < fe, ext[1], np.where(u < fe + fi, inc[1], hon[1]))
    reg = np.full(n, 100_000)
    given_ = np.rint(reg * t).astype(np.int64)
    lead = np.rint(given_ * v).astype(np.int64)
    return figures_of(stations=[str(i) for i in range(n)], registered=reg, given=given_,
                      in_boxes=given_, valid=given_, votes=np.stack([lead, given_ - lead], 1),
                      options=["W", "O"])


def test_fingerprint_recovers_the_fractions_it_was_made_with() -> None:
    figs = _model_figures(0.3, 0.05, 40000, 4)
    fp = fingerprint(figs, FingerprintParams(repeats=3))
    assert fp.honest_turnout == pytest.approx(0.55, abs=0.03)
    assert fp.honest_share == pytest.approx(0.45, abs=0.03)
    assert fp.f_incremental == pytest.approx(0.3, abs=0.05)
    assert fp.f_extreme == pytest.approx(0.05, abs=0.01)
    clean = fingerprint(_model_figures(0.0, 0.0, 40000, 5), FingerprintParams(repeats=3))
    assert clean.f_incremental < 0.05
    assert clean.f_extreme < 0.01
    assert fp.histogram.sum() == 40000


def test_clean_elections_keep_the_structure_and_are_not_flagged_by_the_integer_test() -> None:
    rng = np.random.default_rng(9)
    base = _figs(np.clip(rng.normal(0.6, 0.1, 3000), 0.05, 1))
    clean = clean_election(base, np.random.default_rng(1))
    assert (clean.registered == base.registered).all()
    assert clean.units == base.units
    assert (clean.votes.sum(axis=1) == clean.valid).all()
    assert (clean.given <= clean.registered).all()
    cal = calibrate(base, params=CalibrationParams(elections=10))
    assert cal.false_alarms["integer"] <= 0.2
    assert set(cal.false_alarms) >= {"integer", "2BL", "C05s", "P05s", "DipT", "BeberScacco"}
    lo, hi = cal.ranges["Skew"]
    assert lo <= hi


def test_parameters_round_trip_and_refuse_unknown_keys() -> None:
    p = IntegrityParams()
    again = IntegrityParams.from_dict(p.as_dict())
    assert again == p
    assert again.digest() == p.digest()
    with pytest.raises(ValidationFailed) as e:
        IntegrityParams.from_dict({"integer": {"draws": 10, "sneaky": 1}})
    assert e.value.details["actual"] == "sneaky"


def test_run_all_says_what_it_is() -> None:
    rng = np.random.default_rng(3)
    figs = _figs(np.clip(rng.normal(0.6, 0.1, 1500), 0.05, 1))
    small = IntegrityParams.from_dict({"integer": {"draws": 50},
                                       "fingerprint": {"repeats": 2},
                                       "calibration": {"elections": 3}})
    out = run_all(figs, small)
    assert out["caveat"] == "These are signals that warrant a look, not proof of fraud."
    assert out["params_sha256"] == small.digest()
    assert set(out["digits_by_unit"]) == {"U0", "U1", "U2"}
    assert "false_alarms" in out["calibration"]
