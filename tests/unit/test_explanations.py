"""The explanations' catalog: every code in kk, ru and en with the same placeholders, every code
the decisions use is in it and every entry is used, every step renders in every language with
the same figures and articles, Kazakh and Russian in Cyrillic, and the figures exact."""

from __future__ import annotations

import re
from collections.abc import Iterator
from fractions import Fraction

import pytest

from saylau.domain.errors import ValidationFailed
from saylau.domain.explain import (
    Arg,
    Fig,
    Join,
    Phrase,
    Step,
    Style,
    explanation_json,
    num,
    pct,
    placeholders,
    step,
)
from saylau.domain.law import allocation, candidates, parliament, referendum
from saylau.domain.law.referendum import decide_referendum
from saylau.domain.law.texts import CITATIONS, TEMPLATES
from saylau.domain.names import LANGUAGES, Names
from saylau.domain.rulesets import RulesetName
from tests.unit.explanation_cases import (
    all_cases,
    candidate_decisions,
    language_problems,
    list_cases,
    missing_articles,
    missing_figures,
    unit,
)

CASES = all_cases()
STEPS = [s for _, steps in CASES for s in steps]


def _phrase_codes(value: Arg) -> Iterator[str]:
    if isinstance(value, Phrase):
        yield value.code
        for _, v in value.args:
            yield from _phrase_codes(v)
    elif isinstance(value, Join):
        yield from _phrase_codes(value.sep)
        for v in value.items:
            yield from _phrase_codes(v)


def _template_codes(s: Step) -> Iterator[str]:
    yield s.code
    for _, v in s.args:
        yield from _phrase_codes(v)


def _other_phrases() -> list[Phrase]:
    """Phrases shown outside the steps: the ties of candidate contests as `Tie.describe` shows
    them (the CLI and the API), and each ruleset's body."""
    ties = [d.tie.phrase() for _, d in candidate_decisions() if d.tie is not None]
    return ties + [Phrase(r.body_code) for r in parliament.LIST_RULES.values()]


# --- the catalog ----------------------------------------------------------------------------------


@pytest.mark.parametrize("catalog", [TEMPLATES, CITATIONS], ids=["templates", "citations"])
def test_every_code_has_all_three_languages(catalog: dict[str, dict[str, str]]) -> None:
    wrong = {code: sorted(texts) for code, texts in catalog.items()
             if sorted(texts) != sorted(LANGUAGES) or not all(t.strip() for t in texts.values())}
    assert not wrong


def test_placeholders_match_in_every_language() -> None:
    wrong = {code: {lang: sorted(placeholders(t)) for lang, t in texts.items()}
             for code, texts in TEMPLATES.items()
             if not placeholders(texts["en"]) == placeholders(texts["kk"])
             == placeholders(texts["ru"])}
    assert not wrong
    assert not {code for code, texts in CITATIONS.items()
                if any(placeholders(t) for t in texts.values())}


def test_every_code_used_is_in_the_catalog_and_every_entry_is_used() -> None:
    used = {c for s in STEPS for c in _template_codes(s)}
    used |= {c for p in _other_phrases() for c in _phrase_codes(p)}
    assert used - set(TEMPLATES) == set()
    assert set(TEMPLATES) - used == set(), "templates no decision uses (or no case covers)"


def test_every_citation_named_is_in_the_catalog_and_every_entry_is_named() -> None:
    named = {value for module in (allocation, parliament, referendum, candidates)
             for name, value in vars(module).items()
             if name.startswith("RULE_") and isinstance(value, str)}
    named |= {r.rule for r in parliament.LIST_RULES.values()}
    named |= {r.seats_rule for r in parliament.LIST_RULES.values()}
    cited = {s.cite for s in STEPS}
    assert (named | cited) - set(CITATIONS) == set()
    assert set(CITATIONS) - (named | cited) == set()


def test_every_citation_names_a_section_of_docs_law_md() -> None:
    for code, texts in CITATIONS.items():
        for lang, text in texts.items():
            assert re.search(r"docs/law\.md §\d", text), (code, lang, text)


# --- rendering ------------------------------------------------------------------------------------


def test_the_cases_cover_every_kind_of_decision() -> None:
    names = " | ".join(name for name, _ in CASES)
    for kind in ("ref ", "hare", "droop", "dhondt", "sainte-lague", "2007", "2022", "2026",
                 "generic", "district", "president", "senate"):
        assert kind in names


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_step_renders_in_every_language(lang: str) -> None:
    for s in STEPS:
        text, rule = s.text_in(lang), s.rule_in(lang)
        assert text.strip() and rule.strip(), s
        assert not re.search(r"[{}]", text + rule), (s, text)
        assert "Step(" not in text and "Phrase(" not in text
        assert s.render(lang) == f"{text} [{rule}]"


def test_figures_and_articles_are_the_same_in_every_language() -> None:
    problems = [f"{name}: {p}" for name, steps in CASES for p in language_problems(steps)]
    assert not problems, "\n".join(problems[:20])


def test_the_language_check_can_fail() -> None:
    assert missing_figures("Turnout 7,985,769 (68.05%)", "Қатысу 7,985,769") == ["68.05"]
    assert missing_figures("2 × 5 = 10 > 9", "2 × 5 = 10 > 9") == []
    assert missing_articles("Art. 31(2); docs", "31-бап", "статья 31, пункт 2") == [
        "kk lacks paragraph 2 of article 31: 31-бап"]
    assert missing_articles("Art. 97", "97-бабы", "статья 96")


LATIN = re.compile(r"[A-Za-z]+")
# What stays Latin in every language: the values of the parameters (as typed on the command
# line), the names of rulesets and methods, formulas, the standards and sources named.
PARAMETER_VALUES = sorted(
    {v.value for enum in (referendum.ParticipantsReading, referendum.TwoThirdsReading,
                          referendum.NationalMajorityReading, parliament.ThresholdBase,
                          parliament.SecondPartyReading, parliament.RunnerUpMinimum,
                          parliament.LeftoverSeats, allocation.Method, RulesetName)
     for v in enum}, key=len, reverse=True)
KEYS = ("participants", "two-thirds", "national-majority", "method", "threshold-base",
        "second-party", "runner-up-minimum", "leftover")
LATIN_ALLOWED = {"max", "floor", "N", "k", "SHA", "UTF", "x", "IPU", "PARLINE"}


def _latin_words(text: str) -> set[str]:
    text = re.sub(r"\{\w+\}", "", text).replace("docs/law.md", "")
    for key in KEYS:
        text = text.replace(f"{key}=", "=")
    for value in PARAMETER_VALUES:
        text = re.sub(rf"(?<![\w-]){re.escape(value)}(?![\w-])", "", text)
    return set(LATIN.findall(text)) - LATIN_ALLOWED


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_kazakh_and_russian_are_in_cyrillic(lang: str) -> None:
    latin = {(code, tuple(sorted(_latin_words(texts[lang]))))
             for catalog in (TEMPLATES, CITATIONS) for code, texts in catalog.items()
             if _latin_words(texts[lang])}
    assert not latin
    assert _latin_words("the other reading is 'ballots-issued'") == {"the", "other", "reading",
                                                                    "is"}


def test_kazakh_uses_its_own_letters() -> None:
    kk = " ".join(t["kk"] for t in (*TEMPLATES.values(), *CITATIONS.values())).lower()
    assert set("әғқңөұүі") <= set(kk)


def test_official_terms() -> None:
    assert "«Республикалық референдум туралы» Конституциялық заң" in CITATIONS[
        "ref.validity"]["kk"]
    assert "Конституционный закон «О республиканском референдуме»" in CITATIONS[
        "ref.validity"]["ru"]
    assert "31-баптың 2-тармағы" in CITATIONS["ref.validity"]["kk"]
    assert "пункт 2 статьи 31" in CITATIONS["ref.validity"]["ru"]
    assert "үштен екісі" in TEMPLATES["ref.units"]["kk"]
    assert "двух третей" in TEMPLATES["ref.units"]["ru"]


# --- figures --------------------------------------------------------------------------------------


def test_figures_are_exact_and_the_same_in_every_language() -> None:
    turnout = Fraction(7_985_769, 11_734_642)
    assert pct(turnout).text() == "68.05%"
    assert Fig(Fraction(1, 20), Style.LEGAL).text() == "5%"
    assert Fig(Fraction(7, 200), Style.LEGAL).text() == "3.5%"
    quota = Fraction(5_971_719, 69)
    assert num(quota).text() == "86,546.652174"
    assert Fig(quota, Style.DECIMAL).text() == "86546.652174"
    assert Fig(quota, Style.FRACTION).text() == "1990573/23"  # the fraction in lowest terms
    assert Fig(Fraction(1, 3), Style.PERCENT4).text() == "33.3333%"
    s = step("ref.turnout.valid", "ref.validity", participants=7_985_769, registered=11_734_642,
             turnout=pct(turnout), double=15_971_538, provisionally=None)
    for lang in LANGUAGES:
        assert "7,985,769" in s.text_in(lang) and "68.05%" in s.text_in(lang)
        assert "15,971,538 > 11,734,642" in s.text_in(lang)


def test_a_step_as_json_keeps_its_code_and_figures_beside_the_text() -> None:
    s = step("ref.turnout.valid", "ref.validity", participants=800, registered=1000,
             turnout=pct(Fraction(4, 5)), double=1600,
             provisionally=Phrase("word.provisionally"))
    j = s.as_json("kk")
    assert j["code"] == "ref.turnout.valid" and j["cite"] == "ref.validity"
    assert j["params"] == {"participants": 800, "registered": 1000,
                           "turnout": {"fraction": "4/5", "shown": "80.00%"}, "double": 1600,
                           "provisionally": {"code": "word.provisionally", "params": {}}}
    assert j["text"] == s.text_in("kk") and j["rule"] == s.rule_in("kk")
    assert "алдын ала" in j["text"]
    e = explanation_json([s], "ru")
    assert e["lang"] == "ru" and e["explanation"] == [s.render("ru")] and e["steps"] == [
        s.as_json("ru")]


def test_an_unknown_language_is_refused_naming_the_field() -> None:
    s = step("ref.given_complete", "ref.complete")
    with pytest.raises(ValidationFailed) as exc:
        s.text_in("de")
    finding = exc.value.details["findings"][0]
    assert (finding["field"], finding["actual"]) == ("lang", "de")


def test_the_english_names_of_a_step_still_work() -> None:
    s = step("ref.given_complete", "ref.complete")
    assert s.text == "The figures are given as complete and final"
    assert s.rule == "docs/law.md §3.8 (results are set from every commission's figures)"
    assert s.render() == f"{s.text} [{s.rule}]"


def test_a_unit_is_named_in_the_explanations_language() -> None:
    akmola = Names("Ақмола облысы", "Акмолинская область", "Akmola Region")
    d = decide_referendum([unit("a", 1000, 600, 100, names=akmola), unit("b", 1000, 600, 100)],
                          constitutional=True)
    for lang in LANGUAGES:
        texts = [s.text_in(lang) for s in d.explanation if s.code == "ref.unit"]
        assert texts[0].startswith(akmola.get(lang) + ":")
        assert texts[1].startswith("B:")  # no names given: the unit's name as it came


def test_list_decisions_name_their_body_in_each_language() -> None:
    kurultai = next(steps for name, steps in list_cases() if name == "2026 hare")
    assert "Құрылтай" in kurultai[0].text_in("kk")
    assert "Курултай" in kurultai[0].text_in("ru")
    assert "Kurultai of 145" in kurultai[0].text_in("en")
