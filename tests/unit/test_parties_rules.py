"""The registration conditions of docs/law.md §10 and §11.3, table-driven, and the row checks
of a member list (members.py): every failed condition and every bad row named with its
numbers."""

from __future__ import annotations

from datetime import date

import pytest

from saylau.domain.errors import ValidationFailed
from saylau.domain.parties import privacy
from saylau.domain.parties.members import (
    BarredCategory,
    ListHashes,
    MemberColumns,
    check_list,
    cross_check,
    standing,
    valid_by_region,
)
from saylau.domain.parties.rules import (
    Application,
    BranchReading,
    Decision,
    InitiativeRegionsReading,
    Readings,
    add_months,
    compare,
    decide,
    two_thirds_of,
)
from saylau.domain.parties.synthetic import BadShares, member_list, random_iin
from saylau.domain.rulesets import RulesetName

REGIONS = tuple(f"KZ-{n}" for n in (10, 11, 15, 19, 23, 27, 31, 33, 35, 39, 43, 47, 55, 59,
                                    61, 62, 63, 71, 75, 79))
KEY = b"k" * 32


def app(per_region: int, *, founders: int = 1000, regions: int = 20,
        formed: date | None = date(2022, 7, 1), congress: date | None = date(2022, 8, 20),
        extra: int = 0) -> Application:
    counts = dict.fromkeys(REGIONS, per_region)
    counts[REGIONS[0]] += extra
    return Application("P", formed, founders, frozenset(REGIONS[:regions]), congress, counts)


def test_the_figures_of_the_table() -> None:
    assert two_thirds_of(20) == 14
    assert two_thirds_of(3) == 2
    assert add_months(date(2022, 11, 30), 3) == date(2023, 2, 28)
    assert add_months(date(2022, 7, 1), 12) == date(2023, 7, 1)


def test_reform_party_registers_under_2022_and_is_refused_under_2007() -> None:
    """250 per region, 5,000 in all: 2022's 5,000 and 200 are met; 2007's 20,000 and 600 not,
    nor its 1,000 founders when there are 800."""
    a = app(250, founders=800)
    old, new = compare(a, ("kz-2007", "kz-2022"), REGIONS)
    assert new.decision is Decision.REGISTERED
    assert old.decision is Decision.REFUSED
    failed = {c.code: c for c in old.failed}
    assert set(failed) == {"initiative_group.size", "members.total", "members.per_branch"}
    assert (failed["members.total"].required, failed["members.total"].actual) == (20000, 5000)
    assert (failed["initiative_group.size"].required,
            failed["initiative_group.size"].actual) == (1000, 800)
    assert failed["members.per_branch"].actual == 0
    assert "5,000 valid members; kz-2007 requires at least 20,000" in failed["members.total"].text
    assert all("docs/law.md §" in c.cite for c in old.conditions)


def test_branches_and_total_are_both_checked() -> None:
    """20 x 200 = 4,000 < 5,000 (docs/law.md §10.1): branches met, total not."""
    d = decide(app(200), "kz-2022", REGIONS)
    assert d.decision is Decision.REFUSED
    assert [c.code for c in d.failed] == ["members.total"]
    # one region short of 200: named with its count
    a = app(260)
    short = dict(a.members_by_region)
    short["KZ-79"] = 199
    d = decide(Application("P", a.initiative_formed, 800, a.founder_regions, a.congress_held,
                           short), "kz-2022", REGIONS)
    (c,) = d.failed
    assert c.code == "members.per_branch"
    assert dict(c.details)["short"] == {"KZ-79": 199}
    assert "short: KZ-79 199" in c.text


def test_the_branch_reading_is_a_parameter_and_printed() -> None:
    counts = {r: (400 if i < 14 else 0) for i, r in enumerate(REGIONS)}
    a = Application("P", date(2022, 7, 1), 800, frozenset(REGIONS), date(2022, 9, 1), counts)
    every = decide(a, "kz-2022", REGIONS)
    two = decide(a, "kz-2022", REGIONS, Readings(branches=BranchReading.TWO_THIRDS))
    assert every.decision is Decision.REFUSED
    assert two.decision is Decision.REGISTERED
    assert any("every region" in r and "--branches two-thirds" in r for r in every.readings)
    assert any("two-thirds of the regions" in r for r in two.readings)


def test_congress_deadline_two_months_then_three() -> None:
    a = app(1100, congress=date(2022, 9, 15))  # 2.5 months after 1 July
    assert [c.code for c in decide(a, "kz-2007", REGIONS).failed] == ["congress.deadline"]
    assert decide(a, "kz-2022", REGIONS).decision is Decision.REGISTERED
    late = decide(app(1100, congress=date(2022, 10, 2)), "kz-2022", REGIONS)
    (c,) = late.failed
    assert (c.required, c.actual) == ("2022-10-01", "2022-10-02")


def test_initiative_group_regions() -> None:
    a = app(1100, regions=13)
    d = decide(a, "kz-2022", REGIONS)
    (c,) = d.failed
    assert (c.code, c.required, c.actual) == ("initiative_group.regions", 14, 13)
    off = decide(a, "kz-2022", REGIONS,
                 Readings(initiative_regions=InitiativeRegionsReading.NONE))
    assert off.decision is Decision.REGISTERED


def test_incomplete_names_what_is_missing_and_kz2026_prints_its_reading() -> None:
    d = decide(app(300, congress=None), "kz-2026", REGIONS)
    assert d.decision is Decision.INCOMPLETE
    assert d.missing == ("the date of the founding congress",)
    assert any("kz-2026" in r for r in d.readings)
    empty = Application("P", date(2022, 1, 1), 800, frozenset(REGIONS), date(2022, 2, 1), {})
    assert decide(empty, "kz-2022", REGIONS).missing == (
        "a member list with at least one valid member",)


def test_unknown_ruleset_is_refused_naming_the_choices() -> None:
    with pytest.raises(ValidationFailed) as e:
        decide(app(300), "generic", REGIONS)
    assert e.value.details["expected"] == ["kz-2007", "kz-2022", "kz-2026"]


def _cols(iins: list[str], regions: list[str] | None = None) -> MemberColumns:
    n = len(iins)
    return MemberColumns(tuple(range(2, n + 2)), ("A B",) * n, ("1990-01-01",) * n,
                         tuple(iins), tuple(regions or ["KZ-11"] * n), ("2022-10-01",) * n,
                         (True,) * n)


def test_row_checks_name_line_field_and_never_the_iin() -> None:
    good, other = "061211600012", random_iin(__import__("random").Random(1))
    bad = good[:11] + "3"
    cols = MemberColumns(
        (2, 3, 4, 5, 6), ("A", "", "C", "D", "E"),
        ("1990-01-01", "1990-01-01", "1990-13-01", "1990-01-01", "1990-01-01"),
        (good, bad, good, "12345", other), ("KZ-11", "KZ-11", "KZ-11", "KZ-99", "KZ-11"),
        ("2022-10-01", "2022-10-01", "2022-10-01", "2022-10-01", "2023-01-01"),
        (True, True, False, True, True))
    hashes = privacy.hash_all(KEY, list(cols.iins))
    found = check_list(cols, hashes, frozenset(REGIONS), date(2022, 12, 1))
    got = {(f.line, f.code, f.field) for f in found}
    assert got == {
        (3, "iin.check_digit", "iin"), (3, "name.missing", "full_name"),
        (4, "iin.duplicate", "iin"), (4, "signature.missing", "signature"),
        (4, "birth_date.format", "birth_date"),
        (5, "iin.format", "iin"), (5, "region.unknown", "region"),
        (6, "joined.after_submission", "joined"),
    }
    dup = next(f for f in found if f.code == "iin.duplicate")
    assert dict(dup.details)["first_line"] == 2
    for f in found:
        text = repr(f.as_dict())
        assert good not in text and bad not in text and other not in text
    assert valid_by_region(cols.lines, cols.regions, found) == {"KZ-11": 1}


def test_one_party_per_citizen_first_received_stands_both_see_it() -> None:
    shared, barred_iin = "061211600012", random_iin(__import__("random").Random(2))

    def lh(iins: list[str], start: int) -> ListHashes:
        hs = tuple(privacy.hash_all(KEY, iins))
        return ListHashes(tuple(range(1, len(iins) + 1)), hs,
                          tuple(range(start, start + len(iins))), tuple(i[-4:] for i in iins))

    lists = {"early": lh([shared, "000000000000"], 10),
             "late": lh(["111111111110", shared, barred_iin], 50)}
    barred = {privacy.iin_hash(KEY, barred_iin): BarredCategory.AKIM}
    late = cross_check("late", lists, barred, RulesetName.KZ_2022)
    early = cross_check("early", lists, barred, RulesetName.KZ_2022)
    assert [(f.line, f.code) for f in late] == [(2, "member.other_party"), (3, "member.barred")]
    assert dict(late[0].details)["party"] == "early"
    assert [(f.line, f.code, f.severity.value) for f in early] == [
        (1, "member.claimed_by_other", "warning")]
    # an akim was barred only by the 2022 amendments (docs/law.md §11.2)
    old = cross_check("late", lists, barred, RulesetName.KZ_2007)
    assert [f.code for f in old] == ["member.other_party"]
    # the same rule whatever the order the lists are given in
    assert standing(lists)["late"].tolist() == [1, 0, 1]


def test_synthetic_lists_have_the_chosen_faults() -> None:
    clean = member_list(1, 400, REGIONS)
    found = check_list(clean, privacy.hash_all(KEY, list(clean.iins)), frozenset(REGIONS),
                       date(2022, 12, 1))
    assert found == []
    bad = member_list(2, 2000, REGIONS, shares=BadShares(check_digit=0.1, duplicate=0.05,
                                                         unknown_region=0.05))
    found = check_list(bad, privacy.hash_all(KEY, list(bad.iins)), frozenset(REGIONS),
                       date(2022, 12, 1))
    codes = [f.code for f in found]
    assert 140 < codes.count("iin.check_digit") < 260
    assert 50 < codes.count("iin.duplicate") < 150
    assert 50 < codes.count("region.unknown") < 150
