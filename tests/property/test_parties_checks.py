"""The cross-list checks' fast paths equal naive oracles: who stands for each person (the
first received; docs/law.md §11.1 and domain/parties/members.py CONFLICT_RULE), the duplicates
within a list, and the parties listing each person."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from saylau.domain.parties import shared
from saylau.domain.parties.members import ListHashes, duplicates, listing, standing

COLLIDING = [f"{k:064x}" for k in range(12)]
"""Hashes whose first 16 digits agree: members.listing/standing take their exact path on full
hashes (shared.groups refuses the 64-bit keys)."""
DISTINCT = [hashlib.sha256(bytes([k])).hexdigest() for k in range(12)]
"""Real-looking keyed hashes: the array path (domain/parties/shared.py)."""
party_lists = st.sampled_from([COLLIDING, DISTINCT]).flatmap(lambda pop: st.dictionaries(
    st.sampled_from(["a", "b", "c", "d"]),
    st.lists(st.tuples(st.sampled_from(pop), st.integers(0, 50)), max_size=15), max_size=4))


def _lists(raw: dict[str, list[tuple[str, int]]]) -> dict[str, ListHashes]:
    return {p: ListHashes(tuple(range(1, len(rows) + 1)), tuple(h for h, _ in rows),
                          tuple(r for _, r in rows), tuple(h[-4:] for h, _ in rows))
            for p, rows in raw.items()}


@given(party_lists)
def test_standing_is_the_first_received(raw: dict[str, list[tuple[str, int]]]) -> None:
    lists = _lists(raw)
    parties = sorted(lists)
    got = standing(lists)
    for k, p in enumerate(parties):
        for i, h in enumerate(lists[p].hashes):
            naive = min((lists[q].received[j], m) for m, q in enumerate(parties)
                        for j, g in enumerate(lists[q].hashes) if g == h)
            # a person listed by one party only is that party's, whatever the order
            want = naive[1] if any(h in lists[q].hashes for q in parties if q != p) else k
            assert int(got[p][i]) == want


@given(party_lists)
def test_listing_names_every_party_of_a_shared_person(
        raw: dict[str, list[tuple[str, int]]]) -> None:
    lists = _lists(raw)
    got = listing(lists)
    for h in {h for lh in lists.values() for h in lh.hashes}:
        owners = sorted(p for p, lh in lists.items() if h in lh.hashes)
        assert got.get(h, []) == (owners if len(owners) > 1 else [])


@given(st.sampled_from([COLLIDING, DISTINCT]).flatmap(
    lambda pop: st.lists(st.sampled_from(pop), max_size=30)))
def test_duplicates_flag_every_later_line(hashes: list[str]) -> None:
    lines = list(range(2, len(hashes) + 2))
    got = [(f.line, dict(f.details)["first_line"])
           for f in duplicates(lines, hashes, [h[-4:] for h in hashes])]
    want = [(lines[i], lines[hashes.index(h)]) for i, h in enumerate(hashes)
            if hashes.index(h) != i]
    assert got == want


def test_the_array_path_refuses_keys_two_hashes_share() -> None:
    """Two people whose hashes agree in their first 64 bits are never taken for one: the
    array path gives way to the exact one."""
    two = _lists({"a": [(COLLIDING[1], 1)], "b": [(COLLIDING[2], 2)]})
    assert shared.groups(two) is None
    assert listing(two) == {}
    assert [a.tolist() for a in standing(two).values()] == [[0], [1]]
    same = _lists({"a": [(DISTINCT[1], 1)], "b": [(DISTINCT[1], 0), (DISTINCT[2], 3)]})
    g = shared.groups(same)
    assert g is not None and shared.listing_of(g) == {DISTINCT[1]: ["a", "b"]}
    assert listing(same) == {DISTINCT[1]: ["a", "b"]}
    assert [a.tolist() for a in standing(same).values()] == [[1], [1, 1]]

    assert shared.later_rows([COLLIDING[1], COLLIDING[2]]) is None  # keys agree, hashes differ
    assert shared.later_rows([DISTINCT[1], DISTINCT[2], DISTINCT[1]]) == ([2], [0])


@given(st.dictionaries(st.sampled_from(["a", "b", "c"]),
                       st.lists(st.tuples(st.integers(0, 11), st.integers(0, 50)), max_size=12),
                       min_size=1, max_size=3),
       st.sets(st.integers(0, 11), max_size=3))
def test_cross_check_is_the_same_on_either_path(raw: dict[str, list[tuple[int, int]]],
                                                barred_people: set[int]) -> None:
    """The same season, its people hashed so that the array path runs (DISTINCT) or gives way
    (COLLIDING): the same findings, row for row."""
    from saylau.domain.parties.members import BarredCategory, cross_check
    from saylau.domain.rulesets import RulesetName

    def found(pop: list[str]) -> list[tuple[object, ...]]:
        lists = _lists({p: [(pop[k], r) for k, r in rows] for p, rows in raw.items()})
        barred = {pop[k]: BarredCategory.AKIM for k in barred_people}
        out = []
        for p in sorted(lists):
            for f in cross_check(p, lists, barred, RulesetName.KZ_2022):
                d = dict(f.details)
                out.append((p, f.line, f.code, f.severity, d.get("party"), d.get("parties")))
        return out

    assert found(DISTINCT) == found(COLLIDING)


NEAR = [h[:16] + "0" * 48 for h in DISTINCT]
"""Not on any list, but with a list's hash's 64-bit key: the register's keys only point."""


@given(party_lists, st.sets(st.sampled_from([*COLLIDING, *DISTINCT, *NEAR]), max_size=6),
       st.booleans())
def test_the_register_is_found_row_for_row(raw: dict[str, list[tuple[str, int]]],
                                           people: set[str], odd: bool) -> None:
    """members.on_register (the season's rows on the barred register, found at once) names
    exactly the rows whose hash is on the register, on either path; a register hash that is
    not 64 characters sends it one by one."""
    from saylau.domain.parties.members import BarredCategory, on_register

    lists = _lists(raw)
    register = dict.fromkeys(people, BarredCategory.CEC)
    if odd:
        register["not a hash"] = BarredCategory.AKIM
    got = on_register(lists, register)
    assert sorted(got) == sorted(lists)
    for p, lh in lists.items():
        assert got[p] == [i for i, h in enumerate(lh.hashes) if h in register]


@given(st.dictionaries(st.sampled_from(["a", "b", "c"]),
                       st.lists(st.tuples(st.integers(0, 11), st.integers(0, 50)), max_size=12),
                       min_size=1, max_size=3),
       st.sets(st.integers(0, 11), max_size=3), st.sampled_from([COLLIDING, DISTINCT]))
def test_cross_check_with_the_season_given_is_the_same(
        raw: dict[str, list[tuple[int, int]]], barred_people: set[int], pop: list[str]) -> None:
    """cross_check given the season's standing, listing and register rows (as a season's
    decisions compute them once) finds what it finds computing them itself, message for
    message."""
    from saylau.domain.parties.members import (
        BarredCategory,
        cross_check,
        on_register,
    )
    from saylau.domain.rulesets import RulesetName

    lists = _lists({p: [(pop[k], r) for k, r in rows] for p, rows in raw.items()})
    barred = {pop[k]: (BarredCategory.AKIM if k % 2 else BarredCategory.JUDGE)
              for k in barred_people}
    stands, listed, at = standing(lists), listing(lists), on_register(lists, barred)
    for p in sorted(lists):
        for rs in (RulesetName.KZ_2007, RulesetName.KZ_2022):
            alone = [f.as_dict() for f in cross_check(p, lists, barred, rs)]
            given_ = [f.as_dict() for f in cross_check(p, lists, barred, rs, stands, listed, at)]
            assert alone == given_
