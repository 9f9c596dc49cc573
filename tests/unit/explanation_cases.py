"""Decisions that between them take every path of every explanation: each kind of decision
(referendum, list seats under kz-2007, kz-2022, kz-2026 and generic, district, president,
Senate seat, the Senate's size), every reading of every UNVERIFIED point, ties broken and not.
Used by the catalog tests (every code is used, in all three languages) and by the
multilingual tests (figures and articles the same in kk, ru and en)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from fractions import Fraction

from saylau.domain.explain import Step
from saylau.domain.law.allocation import (
    Lot,
    TieBreaker,
    dhondt,
    largest_remainder,
    sainte_lague,
    threshold,
)
from saylau.domain.law.candidates import (
    CandidateDecision,
    CandidateVotes,
    decide_district,
    decide_president,
    decide_senate_seat,
)
from saylau.domain.law.parliament import (
    LeftoverSeats,
    ListReadings,
    PartyVotes,
    RunnerUpMinimum,
    SecondPartyReading,
    ThresholdBase,
    decide_list_seats,
)
from saylau.domain.law.referendum import (
    NationalMajorityReading,
    ParticipantsReading,
    ReferendumReadings,
    TwoThirdsReading,
    UnitFigures,
    decide_referendum,
)
from saylau.domain.names import Names
from saylau.domain.rulesets import RulesetName
from saylau.services.parliament import SenateComposition, senate_steps


def unit(uid: str, registered: int, yes: int, no: int, *, both: int = 0, invalid: int = 0,
         issued: int | None = None, expected: int = 0, reported: int = 0,
         names: Names | None = None) -> UnitFigures:
    boxes = yes + no + both + invalid
    return UnitFigures(uid, uid.upper(), registered, boxes if issued is None else issued, boxes,
                       yes, no, both, invalid, expected, reported, names)


def referendum_cases() -> Iterator[tuple[str, tuple[Step, ...]]]:
    akmola = Names("Ақмола облысы", "Акмолинская область", "Akmola Region")
    three = [unit("a", 1000, 600, 200, both=20, invalid=30, names=akmola),
             unit("b", 1000, 300, 500, both=10, invalid=10), unit("c", 1000, 700, 100)]
    for ruleset in (None, "kz-2022", "generic"):
        for constitutional in (True, False):
            for readings in (
                ReferendumReadings(),
                ReferendumReadings(ParticipantsReading.BALLOTS_ISSUED, TwoThirdsReading.FLOOR,
                                   NationalMajorityReading.REQUIRED),
            ):
                d = decide_referendum(three, constitutional=constitutional, readings=readings,
                                      ruleset=ruleset)
                yield f"ref {ruleset} {constitutional} {readings}", d.explanation
    low = [unit("a", 1000, 300, 100), unit("b", 1000, 200, 100)]  # 700 of 2000: not valid
    yield "ref invalid", decide_referendum(low, constitutional=True).explanation
    few = [unit("a", 1000, 600, 100), unit("b", 1000, 100, 600), unit("c", 1000, 100, 600)]
    yield "ref units not met", decide_referendum(few, constitutional=True).explanation
    no_national = [unit("s1", 100, 60, 30), unit("s2", 100, 60, 30), unit("big", 1000, 100, 800)]
    yield "ref national required", decide_referendum(
        no_national, constitutional=True,
        readings=ReferendumReadings(national_majority=NationalMajorityReading.REQUIRED),
    ).explanation
    yield "ref ordinary rejected", decide_referendum(few, constitutional=False).explanation
    pending = [unit("a", 1000, 600, 100, expected=10, reported=10),
               unit("b", 1000, 600, 100, expected=8, reported=5)]
    yield "ref pending", decide_referendum(pending, constitutional=True).explanation
    reported = [unit("a", 1000, 600, 100, expected=4, reported=4)]
    yield "ref all reported", decide_referendum(reported, constitutional=True).explanation


def allocation_cases() -> Iterator[tuple[str, tuple[Step, ...]]]:
    votes = {"A": 100, "B": 60, "C": 40}
    yield "hare open tie", largest_remainder(votes, 5).explanation
    order = TieBreaker({"A": 1, "B": 2, "C": 3})
    yield "hare order", largest_remainder(votes, 5, tie_breaker=order).explanation
    lot = TieBreaker({}, Lot.from_hex("9f86d081884c7d65"))
    yield "hare lot", largest_remainder(votes, 5, tie_breaker=lot).explanation
    yield "hare exact quota", largest_remainder({"A": 100, "B": 61, "C": 40}, 7).explanation
    yield "droop rounds", largest_remainder({"A": 1, "B": 1}, 10, "droop").explanation
    yield "dhondt", dhondt({"A": 100, "B": 61, "C": 40, "D": 0}, 5).explanation
    yield "dhondt open tie", dhondt({"A": 100, "B": 100}, 3).explanation
    yield "sainte-lague", sainte_lague({"A": 100, "B": 61, "C": 40}, 5).explanation
    yield "threshold", threshold({"A": 100, "B": 3}, Fraction(5, 100)).explanation


def list_cases() -> Iterator[tuple[str, tuple[Step, ...]]]:
    many = [PartyVotes("A", 5000, 1), PartyVotes("B", 3000, 2), PartyVotes("C", 150, 3)]
    one = [PartyVotes("A", 5000, 1), PartyVotes("B", 300, 2), PartyVotes("C", 200, 3)]
    tied = [PartyVotes("A", 5000, 1), PartyVotes("B", 300), PartyVotes("C", 300)]
    yield "2007", decide_list_seats(many, ruleset="kz-2007").explanation
    yield "2007 guarantee", decide_list_seats(one, ruleset="kz-2007").explanation
    yield "2007 guarantee, remainders", decide_list_seats(
        one, ruleset="kz-2007",
        readings=ListReadings(runner_up_minimum=RunnerUpMinimum.NONE,
                              leftover=LeftoverSeats.LARGEST_REMAINDER)).explanation
    small = [PartyVotes("A", 9750, 1), PartyVotes("B", 250, 2)]  # B: 1 seat, raised to 2
    yield "2007 guarantee, minimum, remainders", decide_list_seats(
        small, ruleset="kz-2007",
        readings=ListReadings(leftover=LeftoverSeats.LARGEST_REMAINDER)).explanation
    yield "2007 runner-up tie", decide_list_seats(tied, ruleset="kz-2007").explanation
    yield "2022", decide_list_seats(many, ruleset="kz-2022", against_all=400).explanation
    yield "2022 parties only", decide_list_seats(
        many, ruleset="kz-2022", against_all=400,
        readings=ListReadings(threshold_base=ThresholdBase.PARTIES)).explanation
    one_5 = [PartyVotes("A", 5000, 1), PartyVotes("B", 200, 2), PartyVotes("C", 100, 3)]
    yield "2022 guarantee", decide_list_seats(one_5, ruleset="kz-2022",
                                              against_all=10).explanation
    yield "2022 no guarantee", decide_list_seats(
        one_5, ruleset="kz-2022", against_all=10,
        readings=ListReadings(second_party=SecondPartyReading.NONE)).explanation
    yield "2026 hare", decide_list_seats(many, ruleset="kz-2026", against_all=400).explanation
    yield "2026 dhondt", decide_list_seats(many, ruleset="kz-2026", against_all=400,
                                           method="dhondt").explanation
    yield "generic", decide_list_seats(many, ruleset="generic", seats=10,
                                       threshold_share=Fraction(3, 100)).explanation
    yield "generic only one", decide_list_seats(one, ruleset="generic", seats=10,
                                                threshold_share=Fraction(10, 100)).explanation
    unordered = [PartyVotes("A", 100), PartyVotes("B", 100)]
    yield "generic undecided", decide_list_seats(unordered, ruleset="generic",
                                                 seats=3).explanation


def candidate_decisions() -> Iterator[tuple[str, CandidateDecision]]:
    cv = CandidateVotes
    yield "district", decide_district([cv("A", 500), cv("B", 300)], ruleset="kz-2022",
                                      against_all=100, invalid=20)
    yield "district repeat", decide_district([cv("A", 200), cv("B", 300)], ruleset="kz-2022",
                                             against_all=400)
    yield "district tie", decide_district([cv("A", 300), cv("B", 300)], ruleset="generic")
    yield "district tie with against all", decide_district(
        [cv("A", 300), cv("B", 100)], ruleset="kz-2022", against_all=300)
    yield "president", decide_president([cv("A", 600), cv("B", 300)], ruleset="kz-2022",
                                        against_all=50, invalid=10)
    yield "president runoff", decide_president([cv("A", 400), cv("B", 300), cv("C", 200)],
                                               ruleset="kz-2022", against_all=50)
    yield "president runoff tie", decide_president([cv("A", 300), cv("B", 300), cv("C", 300)],
                                                   ruleset="kz-2007")
    yield "president sole", decide_president([cv("A", 300)], ruleset="kz-2022",
                                             against_all=400)
    yield "president 2026", decide_president([cv("A", 600), cv("B", 300)], ruleset="kz-2026")
    yield "president round 2", decide_president([cv("A", 600), cv("B", 300)],
                                                ruleset="kz-2022", round=2)
    yield "president round 2 tie", decide_president([cv("A", 300), cv("B", 300)],
                                                    ruleset="kz-2022", round=2)
    seat = [cv("A", 80), cv("B", 70), cv("C", 36)]
    yield "senate runoff", decide_senate_seat(seat, ruleset="kz-2022", electors=200,
                                              electors_present=190, invalid=4)
    yield "senate elected", decide_senate_seat([cv("A", 150), cv("B", 30)], ruleset="kz-2007",
                                               electors=200, electors_present=185)
    yield "senate not valid", decide_senate_seat([cv("A", 50)], ruleset="generic",
                                                 electors=200, electors_present=90)
    yield "senate round 2", decide_senate_seat([cv("A", 90), cv("B", 95)], ruleset="kz-2022",
                                               electors=200, electors_present=188, round=2)
    yield "senate round 2 tie", decide_senate_seat([cv("A", 90), cv("B", 90)],
                                                   ruleset="kz-2022", electors=200,
                                                   electors_present=188, round=2)


def candidate_cases() -> Iterator[tuple[str, tuple[Step, ...]]]:
    for name, d in candidate_decisions():
        yield name, d.explanation


def senate_cases() -> Iterator[tuple[str, tuple[Step, ...]]]:
    per_unit = tuple((f"U{k}", 2) for k in range(20))
    yield "senate 2022", senate_steps(SenateComposition(RulesetName.KZ_2022, 40, 10, 5, per_unit))
    yield "senate 2007", senate_steps(SenateComposition(RulesetName.KZ_2007, 40, 15, 0, per_unit))


def decide_cases() -> Iterator[tuple[str, tuple[Step, ...]]]:
    """What `decide()` says before or instead of the law's steps: no protocol yet, no joint
    session yet, a question put to part of the country, figures no party passes on."""
    from saylau.domain.contests import AGAINST_ALL, Contest, ContestKind, Option, OptionKind
    from saylau.domain.contests import referendum_contest as ref
    from saylau.domain.decide import decide
    from saylau.domain.ids import ContestId, ElectionId, OptionId, StationId, UnitId
    from saylau.domain.names import Names
    from saylau.domain.protocols import ProtocolCounts
    from saylau.domain.tally import tally_protocols
    from tests.conftest import small_country

    geo, e, kz = small_country(), ElectionId("e"), RulesetName.KZ_2022
    parties = (*(Option(OptionId(p), Names.same(p), registration_order=k)
                 for k, p in enumerate(("P1", "P2"), 1)),
               Option(AGAINST_ALL, Names.same("against all"), OptionKind.AGAINST_ALL))
    lists = Contest(ContestId("l"), e, ContestKind.PARTY_LIST, Names.same("L"), UnitId("KZ"),
                    parties)
    seat = Contest(ContestId("s"), e, ContestKind.SENATE_SEAT, Names.same("S"),
                   UnitId("KZ-11"), (Option(OptionId("A"), Names.same("A")),))
    part = ref(ContestId("r"), e, Names.same("Q"), constitutional=False, area=UnitId("KZ-71"))
    none = tally_protocols(geo, lists, [])
    yield "decide pending stations", decide(lists, none, geo, kz).explanation
    yield "decide pending session", decide(seat, tally_protocols(geo, seat, []), geo,
                                           kz).explanation
    yield "decide none area", decide(part, tally_protocols(geo, part, []), geo, kz).explanation
    station = StationId(UnitId("KZ-11-D0-S0"))
    one = ProtocolCounts.of(registered=1000, ballots_received=500, ballots_issued=500,
                            ballots_cancelled=0, ballots_in_boxes=500, invalid=0,
                            votes={OptionId("P1"): 2, OptionId("P2"): 1, AGAINST_ALL: 497})
    no_party = tally_protocols(geo, lists, [(station, one)])
    yield "decide undecidable", decide(lists, no_party, geo, kz).explanation


def all_cases() -> list[tuple[str, tuple[Step, ...]]]:
    """Every case, named: (name, its explanation)."""
    return [*referendum_cases(), *allocation_cases(), *list_cases(), *candidate_cases(),
            *senate_cases(), *decide_cases()]


# --- the same figures and articles in every language ---------------------------------------------

NUMBER = re.compile(r"\d+(?:[.,/]\d+)*")
ARTICLE = re.compile(r"Art\. (\d+)(?:\((\d+)\))?")


def numbers(text: str) -> Counter[str]:
    """Every number of a text, as written ('7,985,769', '68.05', '5971719/69', '2022')."""
    return Counter(NUMBER.findall(text))


def missing_figures(en: str, other: str) -> list[str]:
    """The numbers of the English text that the other language's text lacks (with repeats)."""
    return sorted((numbers(en) - numbers(other)).elements())


def missing_articles(en: str, kk: str, ru: str) -> list[str]:
    """Every 'Art. N(M)' of the English citation that the Kazakh ('N-бап', 'M-тармақ') or the
    Russian ('статья N', 'пункт M') citation lacks."""
    problems: list[str] = []
    for article, paragraph in ARTICLE.findall(en):
        if not re.search(rf"\b{article}-ба[бп]", kk):
            problems.append(f"kk lacks article {article}: {kk}")
        if not re.search(rf"стать\w* {article}\b", ru):
            problems.append(f"ru lacks article {article}: {ru}")
        if paragraph:
            if not re.search(rf"\b{paragraph}(?:-\d+)?-тарма[қғ]", kk):
                problems.append(f"kk lacks paragraph {paragraph} of article {article}: {kk}")
            if not re.search(rf"пункт\w* {paragraph}\b", ru):
                problems.append(f"ru lacks paragraph {paragraph} of article {article}: {ru}")
    return problems


def language_problems(steps: tuple[Step, ...]) -> list[str]:
    """Every step whose Kazakh or Russian text or citation lacks a figure or an article of the
    English one."""
    problems: list[str] = []
    for s in steps:
        en_text, en_rule = s.text_in("en"), s.rule_in("en")
        for lang in ("kk", "ru"):
            for part, en, other in (("text", en_text, s.text_in(lang)),
                                    ("rule", en_rule, s.rule_in(lang))):
                lost = missing_figures(en, other)
                if lost:
                    problems.append(f"{s.code} {part} {lang}: lacks {lost}: {other!r}")
        problems.extend(f"{s.cite}: {p}"
                        for p in missing_articles(en_rule, s.rule_in("kk"), s.rule_in("ru")))
    return problems
