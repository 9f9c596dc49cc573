"""The audits validated by simulation (seeded, so a failure is reproducible).

On elections whose reported outcome is wrong, the audit confirms it in at most a fraction alpha
of the runs, within Monte Carlo error (three standard errors); on correct outcomes it finishes
with the workload the planner announced."""

from __future__ import annotations

import math

import numpy as np

from saylau.domain.audit import assertions as asr
from saylau.domain.audit import bravo, macro, plan
from tests.audit_fixtures import referendum_manifest, shift_votes

RUNS = 2000


def _bound(alpha: float, runs: int = RUNS) -> float:
    return alpha + 3 * math.sqrt(alpha * (1 - alpha) / runs)


def _reported_wrong() -> tuple[asr.Manifest, np.ndarray]:
    """The truth: yes has 49.5% of the participants. The protocols of a fifth of the stations
    were altered (up to 400 votes moved from no to yes in each) so that yes is reported at
    57%."""
    truth = referendum_manifest(stations=1000, yes_share=0.495, seed=11)
    t = truth.totals()
    assert 2 * t["yes"] < sum(t.values())
    rng = np.random.default_rng(3)
    altered = rng.choice(1000, size=200, replace=False)
    reported_counts = shift_votes(truth, altered, 400)
    reported = asr.Manifest(truth.stations, truth.units, truth.categories, reported_counts,
                          truth.registered)
    r = reported.totals()
    assert 2 * r["yes"] > sum(r.values())
    return reported, truth.counts


def test_batch_comparison_rarely_confirms_a_wrong_outcome() -> None:
    alpha = 0.1
    reported, truth = _reported_wrong()
    s = [asr.majority_of(reported, "yes", "majority", "")]
    got = plan.simulate_batch(reported, s, truth, alpha, max_draws=200, runs=RUNS, seed=1)
    confirmed = float((got > 0).mean())
    assert confirmed <= _bound(alpha), confirmed


def test_batch_comparison_finishes_at_the_zero_error_plan_when_all_is_right() -> None:
    m = referendum_manifest(stations=1000, seed=5)
    s = asr.referendum(m, yes="yes", units_needed=12, adopted=True, valid=True).assertions
    planned = plan.plan_batch(m, s, 0.05).rows[-1].draws
    got = plan.simulate_batch(m, s, m.counts, 0.05, max_draws=planned + 50, runs=200, seed=2)
    assert (got == planned).all()


def test_batch_comparison_finishes_with_the_planned_chance_under_small_errors() -> None:
    alpha, rate, taint = 0.05, 0.05, 0.3
    m = referendum_manifest(stations=1000, seed=9)
    s = [asr.majority_of(m, "yes", "majority", "")]
    prep = macro.prepare(m, s)
    u = prep.u
    prob = u / u.sum()
    rng = np.random.default_rng(4)
    truth = m.counts.copy()
    mass = 0.0
    for i in rng.permutation(len(u)):
        if mass + prob[i] > rate:
            continue
        k = math.floor(taint * u[i] * prep.margins[0])  # votes yes -> no: e = k / M
        k = min(k, int(truth[i, 0]))
        truth[i, 0] -= k
        truth[i, 1] += k
        mass += prob[i]
    p = plan.plan_batch(m, s, alpha, error_rate=rate, taint=taint)
    n90 = p.rows[-1].draws
    got = plan.simulate_batch(m, s, truth, alpha, max_draws=n90, runs=RUNS, seed=5)
    assert float((got > 0).mean()) >= 0.9 - 3 * math.sqrt(0.09 / RUNS)
    n70 = p.rows[0].draws
    assert n70 < n90


def test_bravo_rarely_confirms_a_wrong_outcome() -> None:
    alpha = 0.1
    rep = bravo.Reported(0.55 * 0.95, 0.45 * 0.95)
    got = plan.simulate_polling(0.5, 0.05, rep, 0.5, alpha, max_ballots=4000, runs=RUNS, seed=6)
    confirmed = float((got > 0).mean())
    assert confirmed <= _bound(alpha), confirmed


def test_bravo_round_finishes_with_the_planned_chance() -> None:
    """The planner's exact chance against multinomial rounds drawn by numpy."""
    alpha = 0.1
    poll = asr.Polling(("w",), ("l",), 0.5)
    rep = bravo.Reported(0.3, 0.2)
    n = bravo.sample_for(poll, rep, alpha, 0.8)
    chance = bravo.finish_chance(poll, rep, alpha, n)
    assert chance >= 0.8
    rng = np.random.default_rng(8)
    runs = 20000
    draws = rng.multinomial(n, [0.3, 0.2, 0.5], size=runs)
    risks = np.asarray([bravo.risk(poll, rep, int(w), int(lo)) for w, lo, _ in draws])
    observed = float((risks <= alpha).mean())
    assert abs(observed - chance) <= 4 * math.sqrt(chance * (1 - chance) / runs)
    seq = plan.simulate_polling(0.6, 0.5, rep, 0.5, alpha, max_ballots=n, runs=RUNS, seed=9)
    assert float((seq > 0).mean()) >= chance - 3 * math.sqrt(chance * (1 - chance) / RUNS)
