"""The audits' statistics against published figures, each with its source.

- Rivest's consistent sampler: the examples printed in the docstrings and README of
  R. L. Rivest's `consistent_sampler` (repository ron-rivest/consistent_sampler, file
  consistent_sampler.py, 2018; the sampler VotingWorks' Arlo draws with): sha256_uniform("abc"),
  first_fraction("AB-130", "01382438112797316654"), next_fraction("0.25471"), the second ticket
  of AB-130, the tickets of dog/cat/fish/goat under seed "xy()134!g2n".
- BRAVO (Lindeman, Stark and Yates 2012): the average sample numbers and risks of Arlo's own
  tests (votingworks/arlo, server/tests/audit_math/test_bravo.py): 600 vs 400 of 1,000 ballots
  at risk limit 10% has ASN 119 and, after 72 vs 47, a P-value of 0.07; 300/200/200 of 1,000
  has ASN 238; 600/200/100 of 900 has ASN 22 and, after 25 vs 18, 1/T = 10.38 (not capped).
"""

from __future__ import annotations

import math

import pytest

from saylau.domain.audit import bravo, sampler
from saylau.domain.audit.assertions import Polling


def test_sha256_uniform_of_abc() -> None:
    assert "0." + sampler.uniform_digits("abc") == (
        "0.56998071861792858926477341561059638840106636224182943832566300809078486324348")


def test_first_ticket_of_ab130() -> None:
    assert sampler.first_ticket("AB-130", "01382438112797316654") == (
        "0.26299714122838008416507544297546663599715395525154425586041245287750224561854")


def test_next_fraction() -> None:
    assert sampler.next_ticket("0.25471") == (
        "0.642853261655004694691182528114375607701032283189922170593838029306715548381901")
    first = sampler.first_ticket("AB-130", "01382438112797316654")
    assert sampler.next_ticket(first) == (
        "0.8232357229934205790595761924514048157652891124687533667363938813600770093316")


def test_ticket_heap_example() -> None:
    seed = "xy()134!g2n"
    expected = {
        "cat": "0.24866413894129579898796850445568128508290132707747976039848637531569373309555",
        "dog": "0.33886035615681875183111698317327684455682722683976874746986356932751818935066",
        "fish": "0.74685932088827950509145941729789143204056041958068799542050396198792954500593",
        "goat": "0.49599842072022713663423753308080171636735689997237236247068925068573448764387",
    }
    for item, ticket in expected.items():
        assert sampler.first_ticket(item, seed) == ticket
    assert sampler.sample_without_replacement(list(expected), seed, 4) == [
        "cat", "dog", "goat", "fish"]


@pytest.mark.parametrize(("totals", "expected"), [
    ({"c1": 600, "c2": 400}, 119),
    ({"c1": 300, "c2": 200, "c3": 200, "none": 300}, 238),
    ({"c1": 600, "c2": 200, "c3": 100}, 22),
])
def test_bravo_asn_as_arlo(totals: dict[str, int], expected: int) -> None:
    p = Polling(("c1",), ("c2",), 0.5)
    assert bravo.asn(p, bravo.reported(p, totals), 0.1) == expected


def test_bravo_risk_as_arlo() -> None:
    p = Polling(("c1",), ("c2",), 0.5)
    assert round(bravo.risk(p, bravo.reported(p, {"c1": 600, "c2": 400}), 72, 47), 2) == 0.07
    # Arlo reports 1/T uncapped (10.38); the risk is capped at 1
    rep = bravo.reported(p, {"c1": 600, "c2": 200, "c3": 100})
    log_t = 25 * math.log(2 * rep.share) + 18 * math.log(2 - 2 * rep.share)
    assert round(math.exp(-log_t), 2) == 10.38
    assert bravo.risk(p, rep, 25, 18) == 1.0
