"""The integer-percentage test (Kobak, Shpilkin & Pshenichnikov, AoAS 10(1), 2016):
exact bins, the exact null against brute force, the vectorised Monte Carlo against the
authors' per-draw method, and a planted fraud found while a clean election is not flagged."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from saylau.domain.errors import ValidationFailed
from saylau.domain.integrity import integer as it
from saylau.domain.integrity.figures import StationFigures, figures_of


def _bin_by_fractions(k: int, n: int) -> int:
    x = Fraction(100 * k, n)
    for m in range(101):
        if Fraction(m) - Fraction(1, 20) <= x < Fraction(m) + Fraction(1, 20):
            return m
    return -1


def test_bins_are_exact_at_their_edges() -> None:
    # 57/300 = 19.0% exactly; 1/3 = 33.33% in no bin; 379/2000 = 18.95% (left edge, in);
    # 381/2000 = 19.05% (right edge, out)
    k = np.array([57, 1, 379, 381, 0, 10])
    n = np.array([300, 3, 2000, 2000, 10, 10])
    assert it.integer_bin(k, n).tolist() == [19, -1, 19, -1, 0, 100]


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 100_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_bins_equal_rational_arithmetic(kn: tuple[int, int]) -> None:
    k, n = kn
    assert int(it.integer_bin(np.array([k]), np.array([n]))[0]) == _bin_by_fractions(k, n)


def test_exact_null_equals_brute_force_binomial_sums() -> None:
    rng = np.random.default_rng(3)
    n = rng.integers(100, 2500, 300)
    p = rng.random(300)
    p[:3] = 0.0
    p[3:6] = 1.0
    q = it.bin_probability(n, p, 1, 99)
    for i in range(300):
        k = np.arange(n[i] + 1)
        b = it.integer_bin(k, np.full(len(k), n[i]))
        ref = stats.binom.pmf(k[(b >= 1) & (b <= 99)], n[i], p[i]).sum()
        assert q[i] == pytest.approx(ref, abs=1e-10)


def _clean(n: int, seed: int) -> StationFigures:
    rng = np.random.default_rng(seed)
    reg = rng.integers(300, 3000, n)
    given_ = rng.binomial(reg, rng.beta(30, 25, n))
    invalid = rng.binomial(given_, 0.01)
    valid = given_ - invalid
    lead = rng.binomial(valid, rng.beta(20, 25, n))
    return figures_of(
        stations=[f"S{i}" for i in range(n)], registered=reg, given=given_,
        in_boxes=given_, valid=valid, votes=np.stack([lead, valid - lead], axis=1),
        options=["A", "B"], units=[[f"U{i % 7}" for i in range(n)]])


def test_monte_carlo_agrees_with_the_exact_null_and_the_authors_per_draw_method() -> None:
    figs = _clean(4000, 1)
    params = it.IntegerParams(draws=400, seed=11)
    res = it.integer_test(figs, params)
    e = res.either
    # the vectorised draws: mean within 5 standard errors of the exact expectation
    assert abs(e.expected_mc - e.expected_exact) < 5 * e.sd_exact / np.sqrt(params.draws)
    assert e.sd_mc == pytest.approx(e.sd_exact, rel=0.15)
    # the per-draw binomial reference (the notebooks' method) has the same law
    ref = it.per_draw_reference(figs, it.IntegerParams(draws=200, seed=5))
    assert abs(ref.mean() - e.expected_exact) < 5 * e.sd_exact / np.sqrt(200)
    assert ref.std(ddof=1) == pytest.approx(e.sd_exact, rel=0.2)


def test_clean_election_is_not_flagged_and_planted_integers_are() -> None:
    figs = _clean(6000, 2)
    clean = it.integer_test(figs, it.IntegerParams(draws=300))
    assert not clean.signal
    assert clean.either.p_value > 0.01
    # a commission writing 60% turnout at one station in twenty
    reg = figs.registered.copy()
    reg[::20] = 1000
    given_ = figs.given.copy()
    given_[::20] = 600
    valid = np.minimum(figs.valid, given_)
    lead = np.minimum(figs.votes[:, 0], valid)
    forged = StationFigures(
        stations=figs.stations, registered=reg, given=given_, in_boxes=given_, valid=valid,
        votes=np.stack([lead, valid - lead], axis=1), options=figs.options, units=figs.units)
    res = it.integer_test(forged, it.IntegerParams(draws=300))
    assert res.signal
    assert res.turnout.excess > 200
    assert res.by_integer["turnout_observed"][59] > res.by_integer["turnout_expected"][59] + 200
    assert res.voter_weighted_excess > 0


def test_inclusion_criteria_are_counted() -> None:
    figs = figures_of(
        stations=["a", "b", "c", "d"], registered=[50, 500, 500, 500],
        given=[40, 0, 300, 300], in_boxes=[40, 0, 0, 300], valid=[40, 0, 0, 300],
        votes=[[20, 20], [0, 0], [0, 0], [200, 100]], options=["A", "B"])
    res = it.integer_test(figs, it.IntegerParams(draws=10))
    assert res.stations_included == 1
    assert res.excluded == {"registered_below_100": 1, "no_ballots_given": 1,
                            "no_ballots_in_boxes": 1, "share_above_100_percent": 0}


def test_bad_parameters_name_the_field() -> None:
    with pytest.raises(ValidationFailed) as e:
        it.IntegerParams(draws=0, alpha=2.0)
    fields = {x["field"] for x in e.value.details["errors"]}
    assert fields == {"draws", "alpha"}


def test_a_cap_on_the_percentages_leaves_out_the_stations_above_it() -> None:
    # turnout 99% (kept: at most the cap), turnout 99.5% (left out), share 100% (left out)
    figs = figures_of(stations=["a", "b", "c", "d"], registered=[1000, 1000, 1000, 1000],
                      given=[990, 995, 600, 700], in_boxes=[990, 995, 600, 700],
                      valid=[990, 995, 600, 700],
                      votes=[[500, 490], [500, 495], [600, 0], [400, 300]], options=["x", "y"])
    keep, why = it.included(figs, it.IntegerParams(max_percent=99))
    assert keep.tolist() == [True, False, False, True]
    assert why["share_above_99_percent"] == 2
    keep, why = it.included(figs, it.IntegerParams())
    assert keep.tolist() == [True, True, True, True]
    assert "share_above_99_percent" not in why
    with pytest.raises(ValidationFailed):
        it.IntegerParams(max_percent=0)
