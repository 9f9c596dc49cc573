"""The quick count: the committed seed, the redrawable stratified sample, the planner, the
ratio estimator's intervals (their coverage by simulation) and the comparison."""

from __future__ import annotations

import numpy as np
import pytest

from saylau.domain.errors import ValidationFailed
from saylau.domain.integrity import pvt


def _population(seed: int, strata: int = 6, per: int = 400):
    rng = np.random.default_rng(seed)
    stations, units, reg, given, valid, a = [], [], [], [], [], []
    for h in range(strata):
        mean_a = 0.35 + 0.05 * h
        for i in range(per):
            r = int(rng.integers(200, 2500))
            g = int(rng.binomial(r, rng.beta(30, 25)))
            v = g - int(rng.binomial(g, 0.02))
            stations.append(f"U{h}-S{i}")
            units.append(f"U{h}")
            reg.append(r)
            given.append(g)
            valid.append(v)
            a.append(int(rng.binomial(v, np.clip(rng.normal(mean_a, 0.08), 0, 1))))
    frame = pvt.Frame(tuple(stations), tuple(units), tuple(reg))
    reports = {s: pvt.StationReport(s, r, g, v, {"A": x, "B": v - x})
               for s, r, g, v, x in zip(stations, reg, given, valid, a, strict=True)}
    true_a = sum(a) / sum(valid)
    return frame, reports, true_a, sum(given) / sum(reg)


def test_commitment_and_redraw() -> None:
    frame, _, _, _ = _population(0, strata=3, per=50)
    c = pvt.commit("a secret chosen on the eve")
    pvt.check_commitment("a secret chosen on the eve", c)
    with pytest.raises(ValidationFailed) as e:
        pvt.check_commitment("another seed", c)
    assert e.value.details["field"] == "seed"
    per = {"U0": 5, "U1": 7, "U2": 3}
    s1 = pvt.draw_sample(frame, "a secret chosen on the eve", per)
    s2 = pvt.draw_sample(frame, "a secret chosen on the eve", per)
    assert s1 == s2
    assert pvt.draw_sample(frame, "another seed", per) != s1
    assert [sum(x.startswith(f"{h}-") for x in s1) for h in ("U0", "U1", "U2")] == [5, 7, 3]


def test_planner() -> None:
    frame, _, _, _ = _population(1)
    p = pvt.plan(frame, 0.01, sigma=0.1, cv=0.5)
    # n0 = (1.96 / 0.01)^2 * 1.25 * 0.01 = 480.2; with 2,400 stations n = 480.2 / 1.2 = 401
    assert p.n0 == pytest.approx(480.2, abs=0.1)
    assert p.total == sum(p.per_stratum.values())
    assert 400 <= p.total <= 410
    with pytest.raises(ValidationFailed):
        pvt.plan(frame, 0.0)


def test_intervals_cover_the_truth_about_95_percent_of_the_time() -> None:
    frame, reports, true_a, true_t = _population(2)
    per = {f"U{h}": 40 for h in range(6)}
    hits_a = hits_t = 0
    sims = 300
    for k in range(sims):
        sample = pvt.draw_sample(frame, f"seed-{k}", per)
        qc = pvt.estimate(frame, sample, [reports[s] for s in sample], ["A", "B"])
        assert qc.complete
        hits_a += bool(qc.shares["A"].covers(true_a))
        hits_t += bool(qc.turnout.covers(true_t))
    assert 0.91 <= hits_a / sims <= 0.985
    assert 0.91 <= hits_t / sims <= 0.985


def test_live_partial_reports_and_comparison() -> None:
    frame, reports, true_a, _ = _population(3)
    per = {f"U{h}": 30 for h in range(6)}
    sample = pvt.draw_sample(frame, "live", per)
    partial = pvt.estimate(frame, sample, [reports[s] for s in sample[:1]], ["A", "B"])
    assert not partial.complete
    assert partial.shares["A"].low is None
    qc = pvt.estimate(frame, sample, [reports[s] for s in sample], ["A", "B"])
    cmp_ = pvt.compare(qc, {"": {"A": true_a, "B": 1 - true_a + 0.2},
                            "U0": {"A": 0.99}})
    by = {(c.unit, c.figure): c.outside for c in cmp_}
    assert by[("", "B")] is True
    assert by[("U0", "A")] is True
    outside = next(s for s in frame.stations if s not in sample)
    with pytest.raises(ValidationFailed) as e:
        pvt.estimate(frame, sample, [reports[outside]], ["A", "B"])
    assert e.value.code == "pvt_not_sampled"


def test_csv_reports_name_bad_cells() -> None:
    good = b"station,registered,given,valid,A,B\nS1,100,60,58,30,28\n"
    [r] = pvt.csv_reports(good)
    assert r.votes == {"A": 30, "B": 28}
    with pytest.raises(ValidationFailed) as e:
        pvt.csv_reports(b"station,registered,given,valid,A,B\nS1,100,x,58,30,28\n")
    [err] = e.value.details["errors"]
    assert (err["line"], err["field"], err["actual"]) == (2, "given", "x")


def test_a_census_is_the_count_itself() -> None:
    frame, reports, true_a, true_t = _population(4, strata=2, per=20)
    everyone = frame.stations
    qc = pvt.estimate(frame, everyone, [reports[s] for s in everyone], ["A", "B"])
    assert qc.shares["A"].value == pytest.approx(true_a)
    assert (qc.shares["A"].low, qc.shares["A"].high) == (qc.shares["A"].value,) * 2
    assert qc.turnout.value == pytest.approx(true_t)
