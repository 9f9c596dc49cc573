"""`--lang kk|ru|en` on `saylau decide ...`, `saylau allocate` and `saylau compare`: the
explanation in that language, the JSON with each step's code and figures beside its text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from saylau.cli.main import app
from saylau.domain.law.allocation_csv import parse_party_csv
from saylau.domain.law.candidates import CandidateVotes, decide_district, decide_senate_seat
from saylau.domain.law.parliament import decide_list_seats
from saylau.domain.law.referendum import decide_referendum
from saylau.domain.law.referendum_csv import decode_csv, parse_referendum_csv

runner = CliRunner()
GOLDEN = Path(__file__).parents[1] / "golden" / "data"
UNITS = """unit,registered,ballots_issued,ballots_in_boxes,yes,no,both_marked,invalid
akmola,1000,700,690,500,150,20,20
almaty,1000,,600,200,380,10,10
astana,1000,800,790,600,100,40,50
"""
DISTRICT = "candidate,votes\nA,500\nB,300\nAGAINST_ALL,100\nINVALID,20\n"


def write(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def explanation_lines(output: str) -> list[str]:
    return [line.removeprefix("  - ") for line in output.splitlines() if line.startswith("  - ")]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_decide_referendum_in_each_language(tmp_path: Path, lang: str) -> None:
    path = write(tmp_path, UNITS, "units.csv")
    want = decide_referendum(parse_referendum_csv(decode_csv(path.read_bytes())).units,
                             constitutional=True, ruleset="kz-2022")
    out = run("decide", "referendum", "--ruleset", "kz-2022", "--constitutional",
              "--lang", lang, str(path)).output
    assert explanation_lines(out) == [s.render(lang) for s in want.explanation]
    j = json.loads(run("decide", "referendum", "--ruleset", "kz-2022", "--constitutional",
                       "--lang", lang, "--json", str(path)).stdout)
    assert j["lang"] == lang
    assert j["explanation"] == [s.render(lang) for s in want.explanation]
    assert [s["code"] for s in j["steps"]] == [s.code for s in want.explanation]
    turnout = next(s for s in j["steps"] if s["code"] == "ref.turnout.valid")
    assert turnout["params"]["participants"] == 2080 == j["participants"]
    assert turnout["params"]["turnout"] == {"fraction": "52/75", "shown": "69.33%"}
    assert turnout["cite"] == "ref.validity"
    assert "69.33%" in turnout["text"] and "§3.1" in turnout["rule"]


def test_english_is_the_default(tmp_path: Path) -> None:
    path = write(tmp_path, UNITS, "units.csv")
    j = json.loads(run("decide", "referendum", "--ruleset", "kz-2022", "--ordinary",
                       "--json", str(path)).stdout)
    assert j["lang"] == "en"
    assert j["explanation"][0].startswith("Ruleset kz-2022 (an ordinary question)")


def test_a_language_not_offered_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, UNITS, "units.csv")
    result = runner.invoke(app, ["decide", "referendum", "--ruleset", "kz-2022", "--lang", "de",
                                 str(path)])
    assert result.exit_code == 2
    text = " ".join(result.output.replace("│", " ").split())
    assert "Invalid value for '--lang'" in text and "'de' is not one of 'kk', 'ru', 'en'" in text


def test_decide_district_and_senate_seat_in_kazakh_and_russian(tmp_path: Path) -> None:
    path = write(tmp_path, DISTRICT, "district.csv")
    want = decide_district([CandidateVotes("A", 500), CandidateVotes("B", 300)],
                           ruleset="kz-2022", against_all=100, invalid=20)
    out = run("decide", "district", "--ruleset", "kz-2022", "--lang", "kk", str(path)).output
    assert explanation_lines(out) == [s.render("kk") for s in want.explanation]
    assert "барлығына қарсы: 100" in out
    seat = write(tmp_path, "candidate,votes\nA,80\nB,70\nC,36\nINVALID,4\n", "seat.csv")
    want = decide_senate_seat([CandidateVotes("A", 80), CandidateVotes("B", 70),
                               CandidateVotes("C", 36)], ruleset="kz-2022", electors=200,
                              electors_present=190, invalid=4)
    j = json.loads(run("decide", "senate-seat", "--ruleset", "kz-2022", "--electors", "200",
                       "--electors-present", "190", "--lang", "ru", "--json", str(seat)).stdout)
    assert j["explanation"] == [s.render("ru") for s in want.explanation]
    assert any("выборщики — 190 из 200" in s for s in j["explanation"])


def test_decide_president_in_russian(tmp_path: Path) -> None:
    path = write(tmp_path, "candidate,votes\nA,400\nB,300\nC,200\nAGAINST_ALL,50\n", "p.csv")
    j = json.loads(run("decide", "president", "--ruleset", "kz-2022", "--lang", "ru", "--json",
                       str(path)).stdout)
    assert j["outcome"] == "runoff"
    assert j["lang"] == "ru"
    assert any(s.startswith("Повторное голосование между двумя кандидатами") for s in
               j["explanation"])
    assert [s["code"] for s in j["steps"]][-1] == "cand.runoff"


def test_allocate_in_kazakh(tmp_path: Path) -> None:
    f = GOLDEN / "kz_majilis_2023.csv"
    parsed = parse_party_csv(f.read_text(encoding="utf-8"))
    want = decide_list_seats(parsed.parties, ruleset="kz-2022", against_all=parsed.against_all)
    out = run("allocate", "--ruleset", "kz-2022", "--lang", "kk", str(f)).output
    assert explanation_lines(out) == [s.render("kk") for s in want.explanation]
    j = json.loads(run("allocate", "--ruleset", "kz-2022", "--lang", "kk", "--json",
                       str(f)).stdout)
    quota = next(s for s in j["steps"] if s["code"] == "alloc.quota.hare")
    assert quota["params"]["total"] == 5_971_719 and quota["params"]["seats"] == 69
    assert quota["params"]["quota"]["fraction"] == "1990573/23"
    assert quota["text"].startswith("Квота = дауыстар / мандаттар = 5,971,719 / 69")


def test_compare_a_file_in_russian() -> None:
    f = GOLDEN / "kz_majilis_2021.csv"
    doc = json.loads(run("compare", "--rulesets", "kz-2007,kz-2022", str(f), "--json",
                         "--lang", "ru").stdout)
    for name in ("kz-2007", "kz-2022"):
        assert doc[name]["lang"] == "ru"
        assert doc[name]["explanation"][0].startswith(f"Набор правил {name}: Мажилис")
        assert doc[name]["steps"][0]["code"] == "list.ruleset"
