"""One place per ruleset (saylau.domain.rulesets) and one lookup: the registry holds the
figures of docs/law.md §2 and §8.1, the law reads them there, the chambers add up from them,
and every unknown name is refused with the same error shape."""

from __future__ import annotations

from enum import StrEnum
from fractions import Fraction

import pytest

from saylau.domain.contests import Contest, ContestKind, Option, signatures_policy
from saylau.domain.errors import RuleError, ValidationFailed
from saylau.domain.explain import check_lang
from saylau.domain.ids import ContestId, ElectionId, OptionId, UnitId
from saylau.domain.law.allocation import Method, allocation_method, largest_remainder
from saylau.domain.law.candidates import CandidateVotes, decide_district, decide_senate_seat
from saylau.domain.law.parliament import (
    LIST_RULES,
    DistrictResult,
    PartyVotes,
    compose_chamber,
    decide_list_seats,
    list_rules,
    senate_composition,
    senate_steps,
)
from saylau.domain.law.referendum import decide_referendum
from saylau.domain.lookup import lookup, member, unknown
from saylau.domain.names import Names
from saylau.domain.rulesets import (
    RULESETS,
    Guarantee,
    RulesetName,
    list_size_limit,
    ruleset,
    ruleset_name,
    rulesets_with_districts,
    rulesets_with_senate,
)

# --- the registry --------------------------------------------------------------------------------


def test_the_registry_holds_the_figures_of_the_law() -> None:
    """docs/law.md §2.2-§2.5 and §8.1."""
    k7, k22, k26, gen = (RULESETS[n] for n in RulesetName)
    assert (k7.lists.seats, k7.lists.threshold, k7.chamber.districts, k7.chamber.apk) == (
        98, Fraction(7, 100), 0, 9)
    assert k7.chamber_size(98) == 107 and k7.senate is not None
    assert (k7.senate.per_unit, k7.senate.appointed, k7.senate.apk_recommended) == (2, 15, 0)
    assert (k22.lists.seats, k22.lists.threshold, k22.chamber.districts, k22.chamber.apk) == (
        69, Fraction(5, 100), 29, 0)
    assert k22.chamber_size(69) == 98 and k22.senate is not None
    assert (k22.senate.per_unit, k22.senate.appointed, k22.senate.apk_recommended) == (2, 10, 5)
    assert (k26.chamber.name, k26.lists.seats, k26.lists.threshold, k26.senate) == (
        "Kurultai", 145, Fraction(5, 100), None)
    assert k26.chamber_size(145) == 145 and not k26.lists.method_verified
    assert (gen.lists.seats, gen.lists.threshold, gen.chamber.districts) == (None, 0, None)
    assert [r.against_all_on_ballot for r in (k7, k22, k26, gen)] == [False, True, True, False]
    assert [r.lists.guarantee for r in (k7, k22, k26, gen)] == [
        Guarantee.STATUTE, Guarantee.UNVERIFIED, Guarantee.UNVERIFIED, Guarantee.NONE]
    assert rulesets_with_senate() == (RulesetName.KZ_2007, RulesetName.KZ_2022,
                                      RulesetName.GENERIC)
    assert rulesets_with_districts() == (RulesetName.KZ_2022, RulesetName.GENERIC)
    assert list_size_limit(69) == 90 and list_size_limit(98) == 128 and list_size_limit(10) == 13


def test_the_law_reads_its_numbers_from_the_registry() -> None:
    for name, rs in RULESETS.items():
        rules = LIST_RULES[name]
        assert (rules.seats, rules.threshold, rules.method, rules.guarantee) == (
            rs.lists.seats, rs.lists.threshold, rs.lists.method, rs.lists.guarantee)
        assert rules.against_all is rs.list_against_all and rules.body == rs.lists.body
    parties = [PartyVotes("A", 600, 1), PartyVotes("B", 300, 2), PartyVotes("C", 100, 3)]
    assert decide_list_seats(parties, ruleset="kz-2022").seats_total == 69
    assert decide_list_seats(parties, ruleset="kz-2026").seats_total == 145
    cands = [CandidateVotes("A", 10), CandidateVotes("B", 5)]
    for name in set(RulesetName) - set(rulesets_with_districts()):
        with pytest.raises(RuleError) as no_districts:
            decide_district(cands, ruleset=name)
        assert no_districts.value.code == "no_districts"
    for name in set(RulesetName) - set(rulesets_with_senate()):
        with pytest.raises(RuleError) as no_senate:
            decide_senate_seat(cands, ruleset=name, electors=20, electors_present=15)
        assert no_senate.value.details["expected"] == ["kz-2007", "kz-2022", "generic"]


# --- the chambers --------------------------------------------------------------------------------


def _list_contest() -> Contest:
    return Contest(ContestId("m.list"), ElectionId("m"), ContestKind.PARTY_LIST,
                   Names.same("Lists"), UnitId("KZ"),
                   tuple(Option(OptionId(p), Names.same(p), registration_order=k + 1,
                                list_names=(f"{p}-1", f"{p}-2"))
                         for k, p in enumerate(("A", "B", "C"))))


def test_a_kz_2007_majilis_adds_the_apk_seats() -> None:
    parties = [PartyVotes("A", 600, 1), PartyVotes("B", 300, 2), PartyVotes("C", 10, 3)]
    ld = decide_list_seats(parties, ruleset="kz-2007")
    comp = compose_chamber(RulesetName.KZ_2007, _list_contest(), ld, list_complete=True)
    assert (comp.chamber, comp.size, len(comp.seats)) == ("Majilis", 107, 107)
    assert comp.by_party()["apk"] == {"list": 0, "district": 0, "other": 9, "total": 9}
    assert [s.member for s in comp.seats if s.party == "A"][:3] == ["A-1", "A-2", None]
    assert comp.pending == () and comp.vacancies == ()


def test_a_kz_2022_majilis_fills_districts_and_leaves_vacancies() -> None:
    from saylau.domain.districts import ElectoralDistrict
    from saylau.domain.ids import StationId

    parties = [PartyVotes("A", 600, 1), PartyVotes("B", 300, 2), PartyVotes("C", 100, 3)]
    ld = decide_list_seats(parties, ruleset="kz-2022", against_all=50)
    results = []
    for k, votes in enumerate(((500, 100), (100, 500), (100, 100))):
        d = ElectoralDistrict(f"D{k}", k + 1, Names.same(f"D{k}"), UnitId("KZ-11"),
                              frozenset({StationId(UnitId(f"S{k}"))}))
        c = Contest(ContestId(f"m.d{k}"), ElectionId("m"), ContestKind.SINGLE_MEMBER,
                    Names.same(f"D{k}"), UnitId("KZ-11"),
                    (Option(OptionId(f"X{k}"), Names.same("X"), party=OptionId("A")),
                     Option(OptionId(f"Y{k}"), Names.same("Y"))), district=d)
        dec = decide_district([CandidateVotes(f"X{k}", votes[0]),
                               CandidateVotes(f"Y{k}", votes[1])], ruleset="kz-2022")
        results.append(DistrictResult(c, dec, complete=True))
    results[2] = DistrictResult(results[2].contest, results[2].decision, complete=False)
    comp = compose_chamber(RulesetName.KZ_2022, _list_contest(), ld, list_complete=False,
                           districts=results)
    assert comp.size == 69 + 29
    assert comp.pending == ("list", "D2") and comp.vacancies == ()
    by = comp.by_party()
    assert by["A"]["district"] == 1 and by["independent"]["district"] == 1
    tied = decide_district([CandidateVotes("X0", 100), CandidateVotes("Y0", 100)],
                           ruleset="kz-2022")
    again = compose_chamber(RulesetName.KZ_2022, _list_contest(), ld, True,
                            [DistrictResult(results[0].contest, tied, complete=True)])
    assert again.vacancies == ("D0",)


def test_the_senate_adds_up_from_the_registry() -> None:
    units = [f"KZ-{k}" for k in range(20)]
    s22 = senate_composition(RulesetName.KZ_2022, units)
    assert (s22.elected, s22.appointed, s22.apk_recommended, s22.size) == (40, 10, 5, 50)
    assert [s.code for s in senate_steps(s22)] == ["senate.elected", "senate.appointed",
                                                   "senate.total"]
    assert senate_composition(RulesetName.KZ_2007, units[:17]).size == 34 + 15
    with pytest.raises(RuleError) as none:
        senate_composition(RulesetName.KZ_2026, units)
    assert none.value.code == "no_senate"


# --- one lookup, one error shape ----------------------------------------------------------------


def _shape(exc: ValidationFailed, field: str, actual: object) -> list[str]:
    d = exc.details
    assert d["field"] == field and d["actual"] == actual, d
    assert isinstance(d["expected"], list) and d["expected"], d
    (finding,) = d["findings"]
    assert {k: finding[k] for k in ("field", "expected", "actual")} == {
        k: d[k] for k in ("field", "expected", "actual")}
    assert "unknown" in exc.message and "expected one of" in exc.message
    assert all(str(e) in exc.message for e in d["expected"])
    return list(d["expected"])


@pytest.mark.parametrize(("call", "field", "actual", "code"), [
    (lambda: ruleset("kz-1995"), "ruleset", "kz-1995", "ruleset_unknown"),
    (lambda: ruleset_name("kz-1995"), "ruleset", "kz-1995", "ruleset_unknown"),
    (lambda: list_rules("kz-1995"), "ruleset", "kz-1995", "ruleset_unknown"),
    (lambda: decide_district([], ruleset="kz-1995"), "ruleset", "kz-1995", "ruleset_unknown"),
    (lambda: decide_referendum([], constitutional=False, ruleset="kz-1995"), "ruleset",
     "kz-1995", "ruleset_unknown"),
    (lambda: allocation_method("borda"), "method", "borda", "method_unknown"),
    (lambda: largest_remainder({"A": 1}, 1, quota="imperiali"), "quota", "imperiali",
     "quota_unknown"),
    (lambda: check_lang("de"), "lang", "de", "lang_unknown"),
    (lambda: signatures_policy("sometimes"), "signatures", "sometimes", "signatures_unknown"),
    (lambda: _list_contest().option(OptionId("Z")), "option", "Z", "option_unknown"),
], ids=["ruleset", "ruleset name", "list rules", "district", "referendum", "method", "quota",
        "language", "signatures", "option"])
def test_every_lookup_refuses_an_unknown_name_the_same_way(
        call: object, field: str, actual: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        call()  # type: ignore[operator]
    assert exc.value.code == code
    _shape(exc.value, field, actual)


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


def test_the_helper_itself() -> None:
    assert lookup({"a": 1}, "a", field="x") == 1
    assert member(Colour, "red", field="colour") is Colour.RED
    assert member(Colour, Colour.BLUE, field="colour") is Colour.BLUE
    assert lookup({Method.HARE: 1}, "hare", field="method", convert=Method) == 1
    with pytest.raises(ValidationFailed) as exc:
        member(Colour, "green", field="params.colour", what="colour")
    assert exc.value.code == "colour_unknown"
    assert _shape(exc.value, "params.colour", "green") == ["red", "blue"]
    with pytest.raises(ValidationFailed) as exc:
        lookup({Colour.RED: 1}, 7, field="colour", convert=Colour)
    assert _shape(exc.value, "colour", 7) == ["red"]
    err = unknown("kind", ["a", "b"], "c", code="custom")
    assert err.code == "custom" and err.details["expected"] == ["a", "b"]
