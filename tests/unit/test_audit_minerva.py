"""Minerva's risk by simulation: on a tied contest (the reported winner did not win) an audit
of three rounds confirms in at most alpha of runs (within Monte Carlo error); on a correct
outcome it stops in the first round about as often as planned."""

from __future__ import annotations

import math

import numpy as np

from saylau.domain.audit import minerva


def _confirmed(true_p: float, sizes: list[int], runs: int, seed: int) -> tuple[int, int]:
    rng = np.random.default_rng(seed)
    confirmed = first = 0
    for _ in range(runs):
        k, last, sample = 0, 0, []
        for n in sizes:
            k += int(rng.binomial(n - last, true_p))
            last = n
            sample.append((n, k))
            got = minerva.rounds(0.6, 0.5, 0.1, sample)
            if got[-1].risk <= 0.1:
                confirmed += 1
                first += len(sample) == 1
                break
    return confirmed, first


def test_a_wrong_outcome_is_confirmed_in_at_most_alpha_of_runs() -> None:
    runs = 2000
    confirmed, _ = _confirmed(0.5, [60, 120, 240], runs, seed=15)
    se = math.sqrt(0.1 * 0.9 / runs)
    assert confirmed / runs <= 0.1 + 3 * se


def test_a_correct_outcome_stops_in_the_planned_first_round() -> None:
    n = minerva.first_round_size(0.6, 0.5, 0.1, 0.9)
    assert minerva.first_round_chance(0.6, 0.5, 0.1, n) >= 0.9
    assert minerva.first_round_chance(0.6, 0.5, 0.1, n - 1) < 0.9 or n <= 20
    runs = 1000
    _confirmed_too, first = _confirmed(0.6, [n], runs, seed=16)
    assert abs(first / runs - minerva.first_round_chance(0.6, 0.5, 0.1, n)) < 4 * math.sqrt(
        0.9 * 0.1 / runs)


def test_an_assertion_that_stopped_stays_confirmed_while_another_goes_on() -> None:
    """Two assertions share the rounds: one meets the limit in round 1, the other needs round
    2; the first's later round (conditioned on its not having stopped) must not undo it."""
    from saylau.domain.audit import polling
    from saylau.domain.audit.assertions import Manifest, plurality

    stations = ("S1", "S2")
    m = Manifest(stations, ("U", "U"), ("a", "b", "c", "both_marked", "invalid"),
                 np.asarray([[700, 100, 460, 0, 0], [700, 100, 460, 0, 0]]),
                 np.asarray([2000, 2000]))
    found = plurality(m, winner="a", others=["b", "c"]).assertions
    r1 = [("S1", "a")] * 40 + [("S1", "b")] * 2 + [("S1", "c")] * 30
    r2 = [("S2", "a")] * 60 + [("S2", "b")] * 20 + [("S2", "c")] * 35
    one = polling.measure(m, found, [r1], 0.1, polling.MINERVA)
    assert one.by_assertion["plurality:a>b"] <= 0.1 < one.by_assertion["plurality:a>c"]
    both = polling.measure(m, found, [r1, r2], 0.1, polling.MINERVA)
    assert both.by_assertion["plurality:a>b"] == one.by_assertion["plurality:a>b"]
    bravo_both = polling.measure(m, found, [r1, r2], 0.1, polling.BRAVO)
    assert bravo_both.by_assertion["plurality:a>b"] <= 0.1
