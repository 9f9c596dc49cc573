"""Golden, on the real files of ../shared/data/forensics (source and columns in its README):
the importers' figures against the README, and the integrity tests against what the papers
publish. Skipped, saying why, when ../shared is absent.

What is asserted, and from where (each checked by the author of these tests in this session):
- the files' row counts and registered-voter totals: ../shared/data/forensics/README.md;
- Kobak, Shpilkin & Pshenichnikov, "Integer percentages as electoral falsification
  fingerprints", Annals of Applied Statistics 10(1), 54-73, 2016, abstract (p. 54): "in all
  elections since 2004 the number of polling stations reporting turnout and/or leader's result
  expressed by an integer percentage ... was much higher than expected by pure chance. Monte
  Carlo simulations confirmed high statistical significance";
- the same abstract: "these anomalies were concentrated in a specific subset of Russian
  regions" - the regions flagged on their own are few and hold most of the excess;
- Klimek, Yegorov, Hanel & Thurner, PNAS 109(41), 2012 (arXiv:1201.3087, abstract):
  "reported irregularities in recent Russian elections are indeed well explained by systematic
  ballot stuffing" - the fitted incremental fraud fraction is far from zero;
- the issue's requirement: Albania 2013 is not flagged by the integer test.

Reproduced exactly (within the Monte Carlo error of the authors' own mean): Kobak et al.'s
integer-percentage excess for 2011, 2012 and 2020, as the authors' notebook prints it (see
KOBAK_EXCESS), with their inclusion criteria (IntegerParams(lowest=0, highest=100,
max_percent=99)).

What is NOT reproduced (skipped, with the reasons and the values saylau obtains in
KLIMEK_NOT_FOUND and EFT_NOT_FOUND below): Klimek et al.'s fitted f_i and f_e for 2011 and 2012
and the Election Forensics Toolkit's worked Albania 2013 table. Searched again on 2026-12-06
(pages, code, docs and issues corpora; Russian-language queries too): the published numbers
are not in any text these tools return, and asserting numbers from memory would be fudging.
"""

from __future__ import annotations

import pytest

from saylau.domain.integrity.fingerprint import fingerprint
from saylau.domain.integrity.integer import IntegerParams, integer_test
from saylau.domain.integrity.suite import integer_by_unit
from saylau.importers.forensics import Mapped, map_file
from tests.conftest import shared_file

pytestmark = [pytest.mark.shared, pytest.mark.slow]

FILES = {
    "russia-2011": ("data/forensics/russia/ru2011_duma.csv", 95_225, 109_229_337, "UR"),
    "russia-2012": ("data/forensics/russia/ru2012_president.csv", 95_415, 109_860_331, "Putin"),
    "russia-2020": ("data/forensics/russia/ru2020_constitutional_vote.csv", 96_765,
                    107_999_611, "yes"),
}
_cache: dict[str, Mapped] = {}


def mapped(kind: str) -> Mapped:
    if kind not in _cache:
        rel = FILES[kind][0] if kind in FILES else "data/forensics/albania/al2013_parliament.csv"
        _cache[kind] = map_file(kind, shared_file(rel).read_bytes())
    return _cache[kind]


@pytest.mark.parametrize("kind", sorted(FILES))
def test_russian_files_read_whole(kind: str) -> None:
    _, rows, registered, leader = FILES[kind]
    m = mapped(kind)
    assert m.rows == rows
    assert m.problems == ()
    assert len(m.figures) == rows
    assert int(m.figures.registered.sum()) == registered
    assert m.figures.leader_name == leader
    assert (m.figures.votes.sum(axis=1) == m.figures.valid).all()


def test_albania_file_says_what_is_wrong_with_it() -> None:
    m = mapped("albania-2013")
    assert m.rows == 5_508
    # README: "Two cells are empty and two stations have registered = 0"
    assert [(p.code, p.actual) for p in m.problems] == [("source.not_a_count", "")] * 2
    assert len(m.figures) == 5_506
    assert sorted({n.code for n in m.notes}) == ["source.duplicate_precinct", "source.empty_list"]
    assert sum(n.code == "source.empty_list" for n in m.notes) == 2
    assert len(set(m.figures.stations)) == len(m.figures)
    assert len(set(m.figures.units[0])) == 12  # prefectures


@pytest.mark.parametrize("kind", ["russia-2011", "russia-2012"])
def test_integer_percentages_far_above_chance_in_russia(kind: str) -> None:
    res = integer_test(mapped(kind).figures, IntegerParams())
    # "much higher than expected by pure chance" (AoAS 10(1), abstract, p. 54)
    assert res.either.observed > res.either.expected_exact + 5 * res.either.sd_exact
    assert res.turnout.excess > 0
    assert res.leader.excess > 0
    # "Monte Carlo simulations confirmed high statistical significance": not one of the
    # 1,000 null draws reaches the observed count
    assert res.either.p_value == pytest.approx(1 / 1001)
    assert res.signal
    assert res.voter_weighted_excess > 0


def test_albania_2013_is_not_flagged_by_the_integer_test() -> None:
    res = integer_test(mapped("albania-2013").figures, IntegerParams())
    assert not res.signal
    assert res.either.p_value > 0.05


@pytest.mark.parametrize("kind", ["russia-2011", "russia-2012"])
def test_the_excess_is_concentrated_in_a_few_regions(kind: str) -> None:
    # "Geographical analysis showed that these anomalies were concentrated in a specific
    # subset of Russian regions" (AoAS 10(1), abstract, p. 54): the regions with a signal of
    # their own are a small minority, and they hold most of the national excess
    by_region = integer_by_unit(mapped(kind).figures, 0, IntegerParams())
    flagged = [d for d in by_region.values() if d["signal"]]
    total = sum(d["excess"] for d in by_region.values())
    assert len(flagged) <= 0.15 * len(by_region)
    assert sum(d["excess"] for d in flagged) >= 0.7 * total


@pytest.mark.parametrize("kind", ["russia-2011", "russia-2012"])
def test_fingerprint_finds_ballot_stuffing_in_russia(kind: str) -> None:
    fp = fingerprint(mapped(kind).figures)
    # "well explained by systematic ballot stuffing" (Klimek et al., PNAS 2012, abstract)
    assert fp.f_incremental > 0.2
    assert fp.f_incremental > 10 * max(fp.f_incremental_error, 0.005)
    assert fp.residual < fp.fit_grid_at_zero


KOBAK_EXCESS = {"russia-2011": 1003.477, "russia-2012": 1159.585, "russia-2020": 3610.885}
"""Excess of polling stations whose turnout or leader's result is an integer percentage
(observed minus the mean of 1,000 binomial null draws), as the authors' own notebook prints
it: dkobak/elections, analysis/2024/2024.ipynb (commit 3edf9851d9c3e6edc60003fb86c83006a6e3e951),
last cell, `print(anomalies[:,0,0])` -> `[108.577 84.458 933.748 722.725 1722.779 1003.477
1159.585 1502.391 1708.839 3610.885 1309.768 2931.642]`, the elections 2000 to 2024 in order
(2000, 2003, 2004, 2007, 2008, 2011, 2012, 2016, 2018, 2020, 2021, 2024: the years are read
from the notebook's code and the repository's data list, not printed beside the numbers).
The same notebook's `anomaly()` says how: stations with ballots in the boxes and at least 100
voters, turnout and leader's share at most 99%; integer within +-0.05 points; turnout = ballots
given / voters, share = leader's votes / ballots in the boxes; for 2020 the notebooks' loader
takes the ballots in the boxes for "given" too. The Annals of Applied Statistics paper (Kobak,
Shpilkin & Pshenichnikov 10(1), 2016) uses the same criteria (the notebook says so)."""


@pytest.mark.parametrize("kind", sorted(KOBAK_EXCESS))
def test_kobak_integer_excess_reproduced(kind: str) -> None:
    import dataclasses

    figs = mapped(kind).figures
    if kind == "russia-2020":  # the authors' loader: turnout from the ballots in the boxes
        figs = dataclasses.replace(figs, given=figs.in_boxes)
    res = integer_test(figs, IntegerParams(lowest=0, highest=100, max_percent=99))
    # ours is the exact expectation; theirs the mean of 1,000 draws, whose own standard error
    # is sd / sqrt(1000): three of those is the tolerance (about 11 stations)
    tolerance = 3 * res.either.sd_exact / 1000 ** 0.5
    assert res.either.excess == pytest.approx(KOBAK_EXCESS[kind], abs=tolerance), (
        kind, res.either.excess, KOBAK_EXCESS[kind], tolerance)
    # and our own Monte Carlo agrees with the exact expectation within its error
    assert abs(res.either.expected_mc - res.either.expected_exact) < tolerance


KLIMEK_NOT_FOUND = (
    "published figure not found: Klimek et al. (PNAS 109(41), 16469-16473, 2012) fit f_i and f_e "
    "for Russia 2011 and 2012 (Fig. 4's caption, pmc.ncbi.nlm.nih.gov/articles/PMC3478593/"
    "figure/fig04, says so) but the fitted values are in the paper's body/SI, which the search "
    "tools do not return (the pages corpus holds only page openings: the abstract and "
    "introduction of arXiv:1201.3087 on ar5iv and of the Scribd copy); no public repository in "
    "the code corpus prints them (EFToolkit's ComputeKlimekModel, Mebane & Egami's R port of "
    "the authors' Matlab, documents only an Albania example without output; "
    "dkobak/elections/mebane-kalinin.txt holds Mebane & Kalinin's finite-mixture f_i/f_e - "
    "2011: 0.1209 / 0.00323, 2012: 0.0844 / 0.00204 - another model, not comparable). "
    "saylau's fit (defaults: 100x100 bins, grid steps f_i 0.005, f_e 0.0025, 5 repeats) gives "
    "2011: f_i = 0.790 +- 0.011, f_e = 0.0250 +- 0.0000 (91,081 stations, honest mode turnout "
    "46.5%, share 28.5%); 2012: f_i = 0.454 +- 0.013, f_e = 0.0175 +- 0.0000 (91,113 stations, "
    "mode 59.5% / 58.0%); not asserted against a published figure")


@pytest.mark.skip(reason=KLIMEK_NOT_FOUND)
def test_klimek_2012_fitted_fraud_fractions() -> None:
    raise AssertionError("not reproduced")


EFT_NOT_FOUND = (
    "published figure not readable: the Election Forensics Toolkit's worked Albania 2013 table "
    "(kkalininMI/EFToolkit README, 'Basic Election Forensics Table': BasicElectionForensics("
    "Candidates=c('C035','C050'), Level='Prefectures', TotalReg='Registered', "
    "TotalVotes='Ballots', Methods=P05s,C05s,_2BL,Sobyanin,DipT,Skew,Kurt,Correlation, R=100)) "
    "is only an image, inst/figures/EFT_table.png (README.md, README.tex and the Rd files have "
    "no numbers; the image is not readable here); the stored text of the toolkit's web "
    "tutorial on Albania 2013 (electionforensics.cps.isr.umich.edu/help) is its opening, "
    "without figures. "
    "Its point estimates are deterministic (boot's t0: 2BL = mean second digit of counts >= 10, "
    "LastC and C05s over every count, P05s of round(100 x share) with share capped at 1, "
    "moments::skewness/kurtosis of the proportions, diptest::dip.test p-values; only the "
    "intervals are bootstrapped), so the table would be reproducible exactly once its numbers "
    "can be read. saylau's digit tests on the whole file (every party's counts >= 10; 5,506 "
    "stations) give 2BL 3.839, LastC 4.113, C05s 0.2231, P05s (turnout) 0.2046, Skew (turnout) "
    "1.297, Kurt 4.748, dip 0.0396; not asserted against a published figure")


@pytest.mark.skip(reason=EFT_NOT_FOUND)
def test_eftoolkit_albania_2013_worked_table() -> None:
    raise AssertionError("not reproduced")
