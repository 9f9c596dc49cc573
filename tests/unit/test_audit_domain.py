"""The audits' pure core: assertions for each outcome, MACRO's bounds and risk, the hand
count's checks, the planner, the two-thirds rule's choice of units."""

from __future__ import annotations

import math

import numpy as np
import pytest

from saylau.domain.audit import assertions as asr
from saylau.domain.audit import macro, plan, sampler
from saylau.domain.errors import RuleError, ValidationFailed
from tests.audit_fixtures import CATEGORIES, referendum_manifest, shift_votes


def _all(m: asr.Manifest) -> dict[int, dict[str, int]]:
    return {i: dict(zip(CATEGORIES, map(int, m.counts[i]), strict=True))
            for i in range(len(m.stations))}


def test_referendum_majority_and_turnout() -> None:
    m = referendum_manifest()
    s = asr.referendum(m, yes="yes", units_needed=None, adopted=True, valid=True)
    assert [a.key for a in s.assertions] == ["turnout", "majority"]
    t = m.totals()
    assert asr.margin(m, s.assertions[1]) == pytest.approx(t["yes"] - sum(t.values()) / 2)
    assert asr.margin(m, s.assertions[0]) == pytest.approx(
        sum(t.values()) - m.registered.sum() / 2)


def test_two_thirds_audits_only_the_units_needed_and_the_cheapest() -> None:
    shares = [0.52, 0.9, 0.7, 0.8, 0.65, 0.75, 0.85, 0.6, 0.62, 0.58, 0.9, 0.88, 0.7, 0.55,
              0.45, 0.4, 0.3]
    m = referendum_manifest(unit_shares=shares)
    s = asr.referendum(m, yes="yes", units_needed=12, adopted=True, valid=True)
    units = [a for a in s.assertions if a.unit]
    assert len(units) == 12
    # the three units below half and the two narrowest winners (U00 at 52%, U13 at 55%) are left
    chosen = set(s.chosen_units)
    assert {"U14", "U15", "U16"}.isdisjoint(chosen)
    assert "U00" not in chosen and "U13" not in chosen
    assert "two-thirds rule" in s.notes[-1] and "U01" in s.notes[-1]


def test_two_thirds_rejection_needs_enough_failing_units() -> None:
    shares = [0.3] * 8 + [0.7] * 9
    m = referendum_manifest(unit_shares=shares)
    s = asr.referendum(m, yes="yes", units_needed=12, adopted=False, valid=True)
    assert len([a for a in s.assertions if a.unit]) == 17 - 12 + 1
    with pytest.raises(RuleError):
        asr.referendum(m, yes="yes", units_needed=12, adopted=True, valid=True)


def test_no_discrepancy_confirms_at_the_zero_error_size() -> None:
    m = referendum_manifest()
    s = asr.referendum(m, yes="yes", units_needed=None, adopted=True, valid=True).assertions
    u = macro.error_bounds(m, s)
    n = macro.zero_error_draws(float(u.sum()), 0.05)
    draws = list(sampler.weighted_draws(u, "seed", 0, n))
    got = macro.measure(m, s, draws, _all(m), 0.05)
    assert got.confirmed and not got.discrepancies
    assert got.risk == pytest.approx((1 - 1 / u.sum()) ** n)
    fewer = macro.measure(m, s, draws[:-1], _all(m), 0.05)
    assert not fewer.confirmed


def test_a_discrepancy_raises_the_risk_and_is_reported() -> None:
    m = referendum_manifest()
    s = asr.referendum(m, yes="yes", units_needed=None, adopted=True, valid=True).assertions
    counts = _all(m)
    counts[3] = dict(counts[3], yes=counts[3]["yes"] - 50, no=counts[3]["no"] + 50)
    clean = macro.measure(m, s, [3, 4, 5], _all(m), 0.05)
    dirty = macro.measure(m, s, [3, 4, 5], counts, 0.05)
    assert dirty.risk > clean.risk
    (d,) = dirty.discrepancies
    assert d.station == m.stations[3] and d.audited["no"] == d.reported["no"] + 50
    assert 0 < d.taint < 1


def test_hand_count_errors_name_the_field() -> None:
    m = referendum_manifest()
    row = dict(zip(CATEGORIES, map(int, m.counts[0]), strict=True))
    with pytest.raises(ValidationFailed) as e:
        macro.check_hand_count(m, 0, dict(row, yes=row["yes"] + 1))
    assert e.value.details["findings"][0]["field"] == "counts"
    with pytest.raises(ValidationFailed):
        macro.check_hand_count(m, 0, {"yes": 1})
    with pytest.raises(ValidationFailed):
        macro.check_hand_count(m, 0, dict(row, no=-1))


def test_measure_refuses_a_missing_hand_count() -> None:
    m = referendum_manifest()
    s = asr.referendum(m, yes="yes", units_needed=None, adopted=True, valid=True).assertions
    with pytest.raises(ValidationFailed):
        macro.measure(m, s, [1, 2], {1: _all(m)[1]}, 0.05)


def test_wrong_outcome_has_no_positive_margin() -> None:
    m = referendum_manifest(yes_share=0.45)
    with pytest.raises(RuleError):
        macro.error_bounds(m, [asr.majority_of(m, "yes", "majority", "")])


def test_planner_sizes_grow_with_the_chance() -> None:
    m = referendum_manifest()
    s = asr.referendum(m, yes="yes", units_needed=None, adopted=True, valid=True).assertions
    clean = plan.plan_batch(m, s, 0.05)
    assert len({r.draws for r in clean.rows}) == 1
    assert clean.rows[0].draws == macro.zero_error_draws(clean.total_bound or 0, 0.05)
    noisy = plan.plan_batch(m, s, 0.05, error_rate=0.05, taint=0.2)
    sizes = [r.draws for r in noisy.rows]
    assert sizes == sorted(sizes) and sizes[0] > clean.rows[0].draws
    polling = plan.plan_polling(m, [a for a in s if a.polling], 0.05)
    assert [r.chance for r in polling.rows] == [0.7, 0.8, 0.9]


def test_polling_refuses_assertions_it_cannot_poll() -> None:
    m = referendum_manifest()
    s = asr.referendum(m, yes="yes", units_needed=None, adopted=True, valid=True).assertions
    with pytest.raises(RuleError):
        plan.plan_polling(m, s, 0.05)  # the turnout assertion needs the registered voters


def _party_manifest(votes: list[int]) -> asr.Manifest:
    cats = (*tuple(f"P{i}" for i in range(len(votes))), "against_all", "invalid")
    row = np.asarray([*votes, 10, 5], dtype=np.int64)
    counts = np.vstack([row // 4] * 4)
    return asr.Manifest(tuple(f"S{i}" for i in range(4)), ("U",) * 4, cats, counts,
                      np.full(4, int(row.sum())))


@pytest.mark.parametrize("method", ["hare", "dhondt"])
def test_party_list_seat_assertions_hold_exactly_for_the_true_allocation(method: str) -> None:
    votes = [4100, 2450, 1630, 1190, 200]
    m = _party_manifest(votes)
    base = [f"P{i}" for i in range(5)] + ["against_all"]
    totals = m.totals()
    passed = [p for p in base[:5] if totals[p] >= 0.05 * sum(totals[c] for c in base)]
    seats = _allocate({p: totals[p] for p in passed}, 10, method)
    s = asr.party_list(m, parties=base[:5], base=base, threshold=0.05, seats=seats,
                     method=method)
    assert all(asr.margin(m, a) > 0 for a in s.assertions)
    assert any(a.key == "below:P4" for a in s.assertions)
    wrong = dict(seats)
    top, low = max(wrong, key=wrong.__getitem__), min(wrong, key=wrong.__getitem__)
    wrong[top] -= 1
    wrong[low] += 1
    bad = asr.party_list(m, parties=base[:5], base=base, threshold=0.05, seats=wrong,
                       method=method)
    assert any(asr.margin(m, a) <= 0 for a in bad.assertions)


def _allocate(votes: dict[str, int], seats: int, method: str) -> dict[str, int]:
    if method == "dhondt":
        out = dict.fromkeys(votes, 0)
        for _ in range(seats):
            best = max(votes, key=lambda p: (votes[p] / (out[p] + 1), -list(votes).index(p)))
            out[best] += 1
        return out
    total = sum(votes.values())
    quotas = {p: v * seats / total for p, v in votes.items()}
    out = {p: math.floor(q) for p, q in quotas.items()}
    left = seats - sum(out.values())
    for p in sorted(votes, key=lambda p: -(quotas[p] - out[p]))[:left]:
        out[p] += 1
    return out


def test_president_majority_and_runoff() -> None:
    cats = ("A", "B", "C", "against_all", "invalid")
    m = asr.Manifest(("S1",), ("U",), cats, np.asarray([[600, 300, 50, 30, 20]]),
                   np.asarray([2000]))
    s = asr.president(m, candidates=["A", "B", "C"])
    assert [a.key for a in s.assertions] == ["majority:A"]
    m2 = asr.Manifest(("S1",), ("U",), cats, np.asarray([[400, 350, 200, 30, 20]]),
                    np.asarray([2000]))
    s2 = asr.president(m2, candidates=["A", "B", "C"])
    keys = {a.key for a in s2.assertions}
    assert keys == {"no-majority:A", "finalist:A>C", "finalist:B>C"}
    assert all(asr.margin(m2, a) > 0 for a in s2.assertions)


def test_plurality_includes_against_all() -> None:
    cats = ("A", "B", "against_all", "invalid")
    m = asr.Manifest(("S1",), ("U",), cats, np.asarray([[300, 200, 250, 10]]), np.asarray([900]))
    s = asr.plurality(m, winner="A", others=["B", "against_all"])
    assert {a.key for a in s.assertions} == {"plurality:A>B", "plurality:A>against_all"}


def test_weighted_draws_follow_the_weights() -> None:
    w = np.asarray([0.0, 1.0, 3.0])
    d = sampler.weighted_draws(w, "s", 0, 4000)
    assert 0 not in d
    assert abs((d == 2).mean() - 0.75) < 0.03
    assert list(sampler.weighted_draws(w, "s", 10, 5)) == list(d[10:15])
    with pytest.raises(ValidationFailed):
        sampler.weighted_draws(np.zeros(3), "s", 0, 1)


def test_shift_votes_helper() -> None:
    m = referendum_manifest()
    c = shift_votes(m, np.asarray([0]), 5)
    assert c[0, 0] == m.counts[0, 0] + 5


def test_double_entry_agrees_on_two_auditors_and_keeps_disputes() -> None:
    from saylau.domain.audit import record as rec

    a = {"yes": 5, "no": 3}
    b = {"yes": 4, "no": 4}
    got = rec.agree(["S1", "S2", "S3"], [
        ("S1", "x", a), ("S1", "y", a),          # agreed
        ("S2", "x", a), ("S2", "y", b),          # disputed: both kept
        ("S3", "x", a), ("S3", "x", a),          # one auditor twice: not agreed
    ])
    assert got.agreed == {"S1": a}
    assert got.disputed["S2"] == [("x", a), ("y", b)]
    assert got.pending == ["S2", "S3"]
    later = rec.agree(["S2"], [("S2", "x", a), ("S2", "y", b), ("S2", "z", b)])
    assert later.agreed == {"S2": b}


def test_seed_from_dice_and_round_decisions() -> None:
    from saylau.domain.audit import record as rec

    assert rec.seed_from_dice([1, 2, 3, 4, 5, 6, 7, 8, 9, 0] * 2) == "12345678901234567890"
    for bad in ([1] * 19, [1] * 19 + [10], [1] * 19 + [True]):
        with pytest.raises(ValidationFailed):
            rec.seed_from_dice(bad)
    assert rec.decide_round(0.04, 0.05, 1, 2) == rec.CONFIRMED
    assert rec.decide_round(0.06, 0.05, 1, 2) == rec.NEXT_ROUND
    assert rec.decide_round(0.06, 0.05, 2, 2) == rec.FULL_HAND_COUNT


def test_manifest_round_trips_and_its_digest_names_its_figures() -> None:
    from saylau.domain.audit import record as rec

    m = referendum_manifest(stations=30)
    again = rec.manifest_from_json(rec.manifest_json(m))
    assert rec.manifest_digest(again) == rec.manifest_digest(m)
    changed = asr.Manifest(m.stations, m.units, m.categories, m.counts + (np.arange(30) == 4)[
        :, None] * np.asarray([1, -1, 0, 0]), m.registered)
    assert rec.manifest_digest(changed) != rec.manifest_digest(m)
    s = asr.referendum(m, yes="yes", units_needed=None, adopted=True, valid=True).assertions
    back = rec.assertions_from_json(rec.assertions_json(s))
    assert [(a.key, dict(a.weights), a.registered_weight, a.unit) for a in back] == [
        (a.key, dict(a.weights), a.registered_weight, a.unit) for a in s]


def test_contest_assertions_for_a_district_and_against_all_first() -> None:
    from saylau.domain.contests import Contest, ContestKind, Option, OptionKind
    from saylau.domain.ids import ContestId, ElectionId, OptionId, UnitId
    from saylau.domain.names import Names

    def district(votes: list[int]) -> tuple[asr.Manifest, Contest]:
        opts = (Option(OptionId("A"), Names.same("A")), Option(OptionId("B"), Names.same("B")),
                Option(OptionId("AGAINST_ALL"), Names.same("-"), OptionKind.AGAINST_ALL))
        c = Contest(ContestId("e.d1"), ElectionId("e"), ContestKind.SINGLE_MEMBER,
                    Names.same("D1"), UnitId("KZ"), opts)
        m = asr.Manifest(("S1",), ("U",), ("A", "B", "AGAINST_ALL", "both_marked", "invalid"),
                         np.asarray([[*votes, 0, 5]]), np.asarray([1000]))
        return m, c

    m, c = district([300, 200, 100])
    s = asr.contest_assertions(m, c, 1)
    assert {a.key for a in s.assertions} == {"plurality:A>B", "plurality:A>AGAINST_ALL"}
    m, c = district([200, 100, 300])  # against all first: nobody is elected (§5.7)
    with pytest.raises(RuleError):
        asr.contest_assertions(m, c, 1)
