"""Minerva (Zagórski, McClearn, Morin, McBurnett and Vora, USENIX Security 2021) against the
figures of its authors' own software, r2b2 (gwexploratoryaudits/r2b2, by the paper's
authors' group at George Washington University), each with its file:

- src/r2b2/tests/test_minerva.py, test_minerva_kmins: reported 60,000 vs 40,000 of 100,000
  ballots, risk limit 10%, rounds of 100, 200, 400 ballots: kmin 58, 113, 221.
- the same file, test_sentinel: rounds of 13, 14, 15: kmin 13, none (round 2 cannot stop),
  14.
- the same file, test_min_sample_size: the least round that can stop is 13 (60/40, 10%), 5
  (100/0, 5%), 152 (51/49, 5%).
- src/r2b2/tests/data/cli_test_expected_out_compute_risk_minerva.txt: 57 ballots for the
  winner in a first round of 100 (60/40, 10%) give the p-value 0.1266246240013251.
- test_bulk_minerva: with one ballot a round Minerva's stopping rule is BRAVO's.
"""

from __future__ import annotations

import math

import pytest

from saylau.domain.audit import minerva
from saylau.domain.errors import RuleError, ValidationFailed


def test_kmins_of_a_three_round_schedule() -> None:
    assert minerva.kmins(0.6, 0.5, 0.1, [100, 200, 400]) == [58, 113, 221]


def test_a_round_that_cannot_stop_is_marked() -> None:
    assert minerva.kmins(0.6, 0.5, 0.1, [13, 14, 15]) == [13, None, 14]


def test_least_round_that_can_stop() -> None:
    assert minerva.min_sample_size(0.6, 0.5, 0.1) == 13
    assert minerva.min_sample_size(1.0, 0.5, 0.05) == 5
    assert minerva.min_sample_size(0.51, 0.5, 0.05) == 152


def test_p_value_of_a_first_round() -> None:
    (r,) = minerva.rounds(0.6, 0.5, 0.1, [(100, 57)])
    assert r.risk == pytest.approx(0.1266246240013251, rel=1e-12)
    assert r.kmin == 58 and r.risk > 0.1
    # the interactive session of the same file's sibling: 57 of 100, 112 of 200, 221 of 400
    three = minerva.rounds(0.6, 0.5, 0.1, [(100, 57), (200, 112), (400, 221)])
    assert [x.risk <= 0.1 for x in three] == [False, False, True]


def test_one_ballot_a_round_is_bravo() -> None:
    """r2b2's test_bulk_minerva: kmin satisfies BRAVO's ratio, kmin - 1 does not."""
    sizes = list(range(13, 60))
    up, down = math.log(0.6 / 0.5), math.log(0.4 / 0.5)
    for n, k in zip(sizes, minerva.kmins(0.6, 0.5, 0.1, sizes), strict=True):
        if k is None:
            continue
        assert k * up + (n - k) * down >= math.log(10) - 1e-12
        assert (k - 1) * up + (n - k + 1) * down < math.log(10)


def test_refusals() -> None:
    with pytest.raises(RuleError):
        minerva.rounds(0.5, 0.5, 0.1, [(10, 5)])
    with pytest.raises(ValidationFailed):
        minerva.rounds(0.6, 0.5, 0.1, [(10, 5), (8, 5)])
    with pytest.raises(ValidationFailed):
        minerva.rounds(0.6, 0.5, 0.1, [(10, 11)])
