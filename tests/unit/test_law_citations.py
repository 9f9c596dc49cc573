"""docs/law.md is the law the code applies and what everything cites: no file of src/ or docs/
cites a LAW.md (none is in the repository), every section cited exists, every explanation cites
one, every UNVERIFIED reading is named with the parameter that carries it, and the figures,
articles and sources of the specification it was written from are all in it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from saylau.domain.law.texts import CITATIONS
from tests.conftest import shared_file
from tests.unit.explanation_cases import all_cases

ROOT = Path(__file__).resolve().parents[2]
LAW = ROOT / "docs" / "law.md"
CITED = re.compile(r"\blaw\.md §(\d+(?:\.\d+)?)")
BARE = re.compile(r"LAW\.md")


def sections() -> set[str]:
    """'3' for '## 3. Referendums', '3.6' for a paragraph opening with '3.6.'."""
    text = LAW.read_text(encoding="utf-8")
    found = set(re.findall(r"^## (\d+)\. ", text, flags=re.M))
    found |= set(re.findall(r"^(\d+\.\d+)\. ", text, flags=re.M))
    return found


def text_files() -> list[Path]:
    files = [ROOT / "README.md"]
    for top in ("src", "docs"):
        files += [p for p in (ROOT / top).rglob("*") if p.is_file()
                  and p.suffix in {".py", ".md", ".html", ".po", ".pot", ".json", ".js", ".css",
                                   ".txt", ".cfg", ".toml"}]
    return files


def test_the_sections_are_numbered_in_order() -> None:
    found = sections()
    assert {"1", "2", "3", "5", "6", "7", "8", "9", "15"} <= found
    assert {"3.1", "3.2", "3.6", "3.8", "5.2", "5.4", "6.2", "6.3", "6.4", "8.1", "9.3"} <= found


def test_nothing_in_src_or_docs_cites_a_bare_law_md() -> None:
    bare = [f"{p.relative_to(ROOT)}:{n}" for p in text_files()
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if BARE.search(line)]
    assert not bare


def test_every_cited_section_exists() -> None:
    have = sections()
    cited: dict[str, set[str]] = {}
    for p in text_files():
        for section in CITED.findall(p.read_text(encoding="utf-8")):
            cited.setdefault(section, set()).add(str(p.relative_to(ROOT)))
    assert len(cited) > 20  # the code and the docs do cite it
    assert {s: sorted(files) for s, files in cited.items() if s not in have} == {}


def test_the_check_would_catch_a_missing_section() -> None:
    assert CITED.findall("see docs/law.md §3.6 and law.md §99.9") == ["3.6", "99.9"]
    assert "99.9" not in sections()
    assert BARE.search("as LAW.md says") and not BARE.search("docs/law.md §3.1")


def test_every_step_of_every_explanation_cites_a_section_in_every_language() -> None:
    have = sections()
    for code, texts in CITATIONS.items():
        for lang, text in texts.items():
            found = CITED.findall(text)
            assert found and set(found) <= have, (code, lang, text)
    for name, steps in all_cases():
        for s in steps:
            assert CITED.search(s.rule_in("en")), (name, s.code)


@pytest.mark.parametrize("parameter", [
    "--participants", "ParticipantsReading", "--two-thirds", "TwoThirdsReading",
    "--national-majority", "NationalMajorityReading", "--threshold-base", "ThresholdBase",
    "--second-party", "SecondPartyReading", "--runner-up-minimum", "RunnerUpMinimum",
    "--leftover", "LeftoverSeats", "--method", "against_all_first", "against_all_tie",
    "president_rule_2026", "runoff_rule", "sole_candidate",
])
def test_every_unverified_reading_names_its_parameter(parameter: str) -> None:
    text = LAW.read_text(encoding="utf-8")
    assert parameter in text
    around = text[max(0, text.index(parameter) - 900):text.index(parameter) + 200]
    assert "UNVERIFIED" in around, parameter


def test_the_options_named_exist_on_the_command_line() -> None:
    from typer.main import get_command

    from saylau.cli.main import app

    command = get_command(app)
    options = set()
    for name in ("decide", "allocate", "parties"):  # parties: the parties wing (issue 13)
        sub = command.commands[name]  # type: ignore[attr-defined]
        subs = getattr(sub, "commands", {"": sub})
        for c in subs.values():
            options |= {o for p in c.params for o in p.opts}
    named = set(re.findall(r"`(--[a-z-]+)", LAW.read_text(encoding="utf-8")))
    assert named and named <= options


KEY_FACTS = [
    "No. 2592", "2 November 1995", "Art. 31(2)", "Art. 91", "Art. 50(3)", "Art. 9(2)",
    "Art. 97", "Art. 97(2)-(3)", "Art. 3(2)", "Art. 6", "Art. 10", "Art. 11", "Art. 20",
    "6,163,516", "1,490,470", "125,859", "205,924", "7,985,769", "8,030,739", "3 × k >= 2 × N",
    "17 units need 12", "20 units need 14", "11 of 17", "7 days", "27 March 2023", "5.000%",
    "90 names", "0.7", "at least two seats", "107", "145", "1 July 2026", "15 March 2026",
    "20,000", "5,000", "600", "200", "1,000", "700", "20 × 200 = 4,000", "061211600012",
    "821214240092", "UTC+5", "1 March 2024", "IPU PARLINE", "Gallagher", "Balinski",
    "Droop, 1881", "272", "641", "793", "10,012",
]


@pytest.mark.parametrize("fact", KEY_FACTS)
def test_the_law_keeps_its_figures_articles_and_sources(fact: str) -> None:
    assert fact in LAW.read_text(encoding="utf-8").replace("\n", " ")


NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?")
ARTICLE = re.compile(r"Art\.\s*(\d+(?:\(\d+\))?(?:-\(\d+\))?)")


def test_every_figure_and_article_of_the_specification_is_kept() -> None:
    """Against ../shared/LAW.md, the specification docs/law.md was written from (skipped when
    that file is not next to this clone)."""
    spec = shared_file("LAW.md").read_text(encoding="utf-8")
    law = LAW.read_text(encoding="utf-8")
    assert set(NUMBER.findall(spec)) - set(NUMBER.findall(law)) == set()
    assert set(ARTICLE.findall(spec)) - set(ARTICLE.findall(law)) == set()
    assert law.count("UNVERIFIED") >= spec.count("UNVERIFIED")
