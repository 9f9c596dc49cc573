"""Ballot polling through its own code path (the seed's draws of ballots, the readings, the
risk by BRAVO or Minerva over rounds) validated by simulation: on a contest whose reported
outcome is wrong (yes reported above half, truly 49.5%), audits of up to three rounds confirm
it in at most alpha of runs (three standard errors); on a correct outcome the planned first
round finishes about as often as planned."""

from __future__ import annotations

import math

import numpy as np
import pytest

from saylau.domain.audit import assertions as asr
from saylau.domain.audit import polling
from tests.audit_fixtures import referendum_manifest
from tests.property.test_audit_simulation import _reported_wrong

RUNS = 400


def _audit(reported: asr.Manifest, truth: np.ndarray, claim: list[asr.Assertion],
           method: str, sizes: list[int], alpha: float, run: int) -> bool:
    """One audit: rounds of `sizes` draws from the seed "run-<n>"; each drawn ballot read
    from the station's true counts (a ballot at random from its stack)."""
    rng = np.random.default_rng(run)
    index = reported.index
    cumulative = np.cumsum(truth, axis=1) / np.maximum(truth.sum(axis=1, keepdims=True), 1)
    rounds: list[list[tuple[str, str]]] = []
    start = 0
    for n in sizes:
        drawn = polling.draw_ballots(reported, f"{run:020d}", start, n)
        start += n
        rows = np.asarray([index[s] for s, _ in drawn], dtype=np.int64)
        u = rng.random(len(rows))[:, None]
        picked = np.minimum((u >= cumulative[rows]).sum(axis=1), len(reported.categories) - 1)
        cats = [reported.categories[int(k)] for k in picked]
        rounds.append([(s, c) for (s, _), c in zip(drawn, cats, strict=True)])
        if polling.measure(reported, claim, rounds, alpha, method).risk <= alpha:
            return True
    return False


@pytest.mark.parametrize("method", [polling.MINERVA, polling.BRAVO])
def test_polling_rarely_confirms_a_wrong_outcome(method: str) -> None:
    alpha = 0.1
    reported, truth = _reported_wrong()
    claim = [asr.majority_of(reported, "yes", "majority", "")]
    n = polling.plan_minerva(reported, claim, alpha, 0.9)
    confirmed = sum(_audit(reported, truth, claim, method, [n, 2 * n, 4 * n], alpha, run)
                    for run in range(RUNS))
    assert confirmed / RUNS <= alpha + 3 * math.sqrt(alpha * (1 - alpha) / RUNS), confirmed


def test_minervas_planned_first_round_finishes_as_planned() -> None:
    alpha = 0.1
    m = referendum_manifest(stations=340, yes_share=0.6, seed=5)
    claim = [asr.majority_of(m, "yes", "majority", "")]
    n = polling.plan_minerva(m, claim, alpha, 0.8)
    done = sum(_audit(m, m.counts, claim, polling.MINERVA, [n], alpha, run)
               for run in range(RUNS))
    # the plan converts relevant ballots at their reported rate: about 80%, within 4 s.e.
    assert abs(done / RUNS - 0.8) <= 4 * math.sqrt(0.8 * 0.2 / RUNS), done
