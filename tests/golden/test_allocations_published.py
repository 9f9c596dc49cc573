"""Golden: published seat allocations that the methods must reproduce exactly.

Sources of every figure: tests/golden/data/README.md. In short:
- Kazakhstan, Majilis 2023 (CEC final results, 27 March 2023; kz-2022): 40/8/6/6/5/4.
- Kazakhstan, Majilis 2021 and 2016 (CEC, kz-2007, 7%): 76/12/10 and 84/7/7.
- Russia, State Duma 2021 federal lists (CEC via IFES/Interfax; Hare largest remainder):
  126/48/19/19/13.
- New Zealand 2020 (Electoral Commission via Wikipedia/NZ Herald; Sainte-Laguë): 65/33/10/10/2.
- Textbook: Wikipedia "Largest remainder method" (Hare, Droop), honikel.de (D'Hondt,
  Sainte-Laguë, largest remainder), COMAP "For All Practical Purposes" (D'Hondt), the Alabama
  paradox, and a published 2021 Kazakh what-if at 5% and 3% (qazaq-stan.press).
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from saylau.cli.allocate import allocate_command
from saylau.domain.explain import percent
from saylau.domain.law.allocation import dhondt, largest_remainder, sainte_lague
from saylau.domain.law.allocation_csv import parse_party_csv
from saylau.domain.law.parliament import (
    ListDecision,
    ListReadings,
    ThresholdBase,
    decide_list_seats,
)

DATA = Path(__file__).parent / "data"

app = typer.Typer()
app.command("allocate")(allocate_command)
app.command("unused")(lambda: None)  # two commands, so "allocate" stays a subcommand
runner = CliRunner()


def decide_file(name: str, ruleset: str, **kw: Any) -> ListDecision:
    parsed = parse_party_csv((DATA / name).read_text(encoding="utf-8"))
    return decide_list_seats(parsed.parties, ruleset=ruleset, against_all=parsed.against_all, **kw)


def test_majilis_2023_cec_final_result() -> None:
    d = decide_file("kz_majilis_2023.csv", "kz-2022")
    assert d.seats == {
        "AMANAT": 40,
        "Auyl": 8,
        "Respublica": 6,
        "Ak Zhol": 6,
        "People's Party of Kazakhstan": 5,
        "Nationwide Social Democratic Party": 4,
        "Baytaq": 0,
    }
    # The CEC's percentages are of parties + "against all" = 6,366,441 (docs/law.md §5.2).
    assert d.threshold_base == 6_366_441
    shares = {r.party: percent(r.share) for r in d.rows}
    assert shares["AMANAT"] == "53.90"
    assert shares["Nationwide Social Democratic Party"] == "5.20"
    assert shares["Baytaq"] == "2.30"
    assert percent(Fraction(248_291, d.threshold_base)) == "3.90"
    assert d.quota == Fraction(5_971_719, 69)
    assert any("5,971,719 / 69" in s.text for s in d.explanation)


def test_majilis_2023_against_all_in_the_base_matters_only_for_shares() -> None:
    readings = ListReadings(threshold_base=ThresholdBase.PARTIES)
    d = decide_file("kz_majilis_2023.csv", "kz-2022", readings=readings)
    assert d.threshold_base == 6_366_441 - 248_291
    assert sum(d.seats.values()) == 69
    assert d.seats["AMANAT"] == 40


def test_majilis_2021_kz_2007() -> None:
    d = decide_file("kz_majilis_2021.csv", "kz-2007")
    assert d.seats == {"Nur Otan": 76, "Ak Zhol": 12, "People's Party of Kazakhstan": 10,
                       "Auyl": 0, "Adal": 0}
    assert d.threshold_base == 7_241_562
    assert [percent(r.share) for r in d.rows] == ["71.09", "10.95", "9.10", "5.29", "3.57"]
    assert d.guarantee is None


def test_majilis_2016_kz_2007() -> None:
    d = decide_file("kz_majilis_2016.csv", "kz-2007")
    assert d.seats["Nur Otan"] == 84
    assert d.seats["Ak Zhol"] == 7
    assert d.seats["Communist People's Party of Kazakhstan"] == 7
    assert d.passed == ("Nur Otan", "Ak Zhol", "Communist People's Party of Kazakhstan")
    assert d.threshold_base == 7_522_868


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [
        (Fraction(5, 100), {"Nur Otan": 72, "Ak Zhol": 11, "People's Party of Kazakhstan": 9,
                            "Auyl": 6, "Adal": 0}),
        (Fraction(3, 100), {"Nur Otan": 70, "Ak Zhol": 11, "People's Party of Kazakhstan": 9,
                            "Auyl": 5, "Adal": 3}),
    ],
)
def test_majilis_2021_what_if_published_by_qazaq_stan(
    threshold: Fraction, expected: dict[str, int]
) -> None:
    d = decide_file("kz_majilis_2021.csv", "generic", seats=98, threshold_share=threshold)
    assert d.seats == expected


def test_russian_duma_2021_federal_lists_hare() -> None:
    parsed = parse_party_csv((DATA / "ru_duma_2021_federal_list.csv").read_text())
    a = largest_remainder({p.party: p.votes for p in parsed.parties}, 225, "hare")
    assert a.seats == {"United Russia": 126, "CPRF": 48, "LDPR": 19,
                       "A Just Russia - For Truth": 19, "New People": 13}


@pytest.mark.parametrize("labour", [1_443_545, 1_443_546])
def test_new_zealand_2020_sainte_lague(labour: int) -> None:
    parsed = parse_party_csv((DATA / "nz_2020_party_vote.csv").read_text())
    votes = {p.party: p.votes for p in parsed.parties} | {"Labour": labour}
    a = sainte_lague(votes, 120)
    assert a.seats == {"Labour": 65, "National": 33, "Green": 10, "ACT": 10, "Maori Party": 2}
    assert not a.ties


WIKIPEDIA_LR = {"Yellows": 47_000, "Whites": 16_000, "Reds": 15_800, "Greens": 12_000,
                "Blues": 6_100, "Pinks": 3_100}


def test_wikipedia_largest_remainder_hare() -> None:
    a = largest_remainder(WIKIPEDIA_LR, 10, "hare")
    assert a.quota == 10_000
    assert a.seats == {"Yellows": 5, "Whites": 2, "Reds": 1, "Greens": 1, "Blues": 1, "Pinks": 0}


def test_wikipedia_largest_remainder_droop() -> None:
    a = largest_remainder(WIKIPEDIA_LR, 10, "droop")
    assert a.quota == 9_091
    assert a.seats == {"Yellows": 5, "Whites": 2, "Reds": 2, "Greens": 1, "Blues": 0, "Pinks": 0}


HONIKEL = {"A": 6_100, "B": 5_000, "C": 900}


def test_honikel_three_methods() -> None:
    assert sainte_lague(HONIKEL, 10).seats == {"A": 5, "B": 4, "C": 1}
    assert largest_remainder(HONIKEL, 10).seats == {"A": 5, "B": 4, "C": 1}
    assert dhondt(HONIKEL, 10).seats == {"A": 6, "B": 4, "C": 0}


def test_comap_dhondt_30_seats() -> None:
    a = dhondt({"Whigs": 5_525_381, "Tories": 3_470_152, "Liberals": 3_864_226,
                "Centrists": 201_203}, 30)
    assert a.seats == {"Whigs": 13, "Liberals": 9, "Tories": 8, "Centrists": 0}
    # The 30th seat is the Whigs' 13th: 5,525,381 / 13 = 425,029 (the book's #30).
    assert a.last_quotient == Fraction(5_525_381, 13)


def test_alabama_paradox_is_shown_not_hidden() -> None:
    """Largest remainder allows the Alabama paradox: one more seat, C loses one."""
    sizes = {"A": 6, "B": 6, "C": 2}
    ten = largest_remainder(sizes, 10)
    eleven = largest_remainder(sizes, 11)
    assert ten.seats == {"A": 4, "B": 4, "C": 2}
    assert eleven.seats == {"A": 5, "B": 5, "C": 1}
    assert eleven.seats["C"] < ten.seats["C"]
    # The divisor methods are house-monotone: no paradox on the same figures.
    for method in (dhondt, sainte_lague):
        assert method(sizes, 11).seats["C"] >= method(sizes, 10).seats["C"]


def test_cli_reproduces_2023() -> None:
    result = runner.invoke(
        app, ["allocate", "--ruleset", "kz-2022", str(DATA / "kz_majilis_2023.csv"), "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["seats"]["AMANAT"] == 40
    assert sum(doc["seats"].values()) == 69
    assert doc["quota"] == {"fraction": "1990573/23", "decimal": "86546.652174"}
    assert doc["threshold_base"]["votes"] == 6_366_441
    assert doc["ties"] == []
