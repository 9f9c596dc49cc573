"""Golden: real decisions explained in Kazakh, Russian and English carry the same figures and
articles. The 2022 and 2024 referendums (published national figures, sources in
test_referendum_2022.py) and the Majilis allocations of 2023, 2021 and 2016 (sources in
data/README.md), each under its own ruleset and the others."""

from __future__ import annotations

import pytest

from saylau.domain.law.parliament import ListDecision, decision_json
from saylau.domain.law.referendum import (
    ReferendumDecision,
    ReferendumReadings,
    TwoThirdsReading,
    decide_referendum,
)
from saylau.domain.names import LANGUAGES
from tests.golden.test_allocations_published import decide_file
from tests.golden.test_referendum_2022 import KZ_2022, KZ_2024
from tests.unit.explanation_cases import language_problems


def referendums() -> list[tuple[str, ReferendumDecision]]:
    return [
        ("2022 national figures as one unit", decide_referendum(
            [KZ_2022], constitutional=True, ruleset="kz-2022")),
        ("2022 as an ordinary question", decide_referendum(
            [KZ_2022], constitutional=False, ruleset="kz-2022")),
        ("2022 under the other readings", decide_referendum(
            [KZ_2022], constitutional=True, ruleset="kz-2022",
            readings=ReferendumReadings(two_thirds=TwoThirdsReading.FLOOR))),
        ("2024 nuclear power plant", decide_referendum(
            [KZ_2024], constitutional=False, ruleset="kz-2022")),
    ]


def allocations() -> list[tuple[str, ListDecision]]:
    return [
        ("Majilis 2023 (kz-2022)", decide_file("kz_majilis_2023.csv", "kz-2022")),
        ("Majilis 2023 under kz-2026", decide_file("kz_majilis_2023.csv", "kz-2026")),
        ("Majilis 2021 (kz-2007)", decide_file("kz_majilis_2021.csv", "kz-2007")),
        ("Majilis 2016 (kz-2007)", decide_file("kz_majilis_2016.csv", "kz-2007")),
    ]


@pytest.mark.parametrize(("name", "decision"), referendums() + allocations(),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_every_figure_and_article_is_in_every_language(
        name: str, decision: ReferendumDecision | ListDecision) -> None:
    assert not language_problems(decision.explanation), name


def test_the_2022_referendum_reads_the_same_in_three_languages() -> None:
    d = decide_referendum([KZ_2022], constitutional=True, ruleset="kz-2022")
    turnout = next(s for s in d.explanation if s.code == "ref.turnout.valid")
    assert turnout.text_in("en") == (
        "Turnout: 7,985,769 of 11,734,642 citizens on the lists took part (68.05%); more than "
        "half is needed (2 × 7,985,769 = 15,971,538 > 11,734,642): the referendum is valid")
    assert turnout.text_in("kk") == (
        "Қатысу: тізімге енгізілген 11,734,642 азаматтың 7,985,769 азаматы қатысты (68.05%); "
        "жартысынан көбі қажет (2 × 7,985,769 = 15,971,538 > 11,734,642): референдум өтті деп "
        "есептеледі")
    assert turnout.text_in("ru") == (
        "Явка: приняли участие — 7,985,769, граждан в списках — 11,734,642 (68.05%); требуется "
        "более половины (2 × 7,985,769 = 15,971,538 > 11,734,642): референдум состоялся")
    assert turnout.rule_in("kk") == ("«Республикалық референдум туралы» Конституциялық заң, "
                                     "31-баптың 2-тармағы; docs/law.md §3.1")
    assert turnout.rule_in("ru") == ("Конституционный закон «О республиканском референдуме», "
                                     "пункт 2 статьи 31; docs/law.md §3.1")


def test_the_majilis_2023_allocation_in_three_languages() -> None:
    d = decide_file("kz_majilis_2023.csv", "kz-2022")
    quota = next(s for s in d.explanation if s.code == "alloc.quota.hare")
    for lang in LANGUAGES:
        assert "5,971,719 / 69 = 86,546.652174 (" in quota.text_in(lang)
        assert "1990573/23" in quota.text_in(lang)
    last = {lang: decision_json(d, lang)["explanation"][-1] for lang in LANGUAGES}
    seats = "AMANAT 40, Auyl 8, Respublica 6, Ak Zhol 6, People's Party of Kazakhstan 5, " \
            "Nationwide Social Democratic Party 4"
    assert all(seats in text for text in last.values())
    assert last["kk"].startswith("Шешім: ") and last["ru"].startswith("Решение: ")
    assert "97-бабы" in last["kk"] and "статья 97" in last["ru"]
