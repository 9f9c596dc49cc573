"""Golden, on real data: Russia's State Duma election of 4 December 2011 (party lists) and
presidential election of 4 March 2012, every polling station
(../shared/data/forensics/russia/ru2011_duma.csv and ru2012_president.csv; source and columns
in ../shared/data/forensics/README.md), mapped through the documented layout
(saylau.importers.russia_cec, docs/importers.md) and loaded as stored elections. Skipped,
saying why, when ../shared is absent.

What is asserted, and from where:
- the rows, regions, TIKs and voters of the files, computed here independently with the csv
  module (and the voters against the README);
- the rows saylau refuses: those, and only those, with more ballots in the boxes than ballots
  given (found here with the csv module): 18 in 2011, 13 in 2012; `strict` refuses the file,
  `skip` loads the rest;
- the tally of the loaded contest equals the files' column sums over the loaded rows;
- 2011: saylau's list decision under the election's parameters (450 seats, 7%, Hare quota)
  gives the seats the CEC published: United Russia 238, CPRF 92, A Just Russia 64, LDPR 56,
  the three others none (CEC of Russia, result of 9 December 2011; as listed e.g. at
  tradebridgeconsultants.com/election-dates/russia-parliamentary-4-dec-2011/);
- 2012: the file's own column sum of Putin's votes is the CEC's published 45,602,075
  (en.wikipedia.org/wiki/2012_Russian_presidential_election, infobox, from the CEC's final
  protocol), 63.6% of the 71,701,665 ballots in the boxes (the CEC's "63.6%" as reported by
  interia.pl on the final result); the 13 rows saylau refuses hold 8,802 of those votes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest

from saylau.domain.errors import ImportFailed, NotFound
from saylau.domain.ids import OptionId
from saylau.importers import russia2020 as ru
from saylau.importers import russia_cec
from saylau.services import results as results_svc
from saylau.services.context import Saylau
from saylau.services.elections import list_elections
from saylau.services.imports import load_russia_cec
from saylau.services.parliament import list_decision
from tests.conftest import shared_file

pytestmark = [pytest.mark.shared, pytest.mark.slow]

FILES = {"russia-2011": ("data/forensics/russia/ru2011_duma.csv", 109_229_337, 18),
         "russia-2012": ("data/forensics/russia/ru2012_president.csv", 109_860_331, 13)}
_data: dict[str, bytes] = {}
_mapped: dict[str, ru.RussiaMapping] = {}


def data(kind: str) -> bytes:
    if kind not in _data:
        _data[kind] = shared_file(FILES[kind][0]).read_bytes()
    return _data[kind]


def rows(kind: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data(kind).decode("utf-8"), newline="")))


def mapped(kind: str) -> ru.RussiaMapping:
    if kind not in _mapped:
        _mapped[kind] = russia_cec.map_file(kind, data(kind))
    return _mapped[kind]


def in_boxes(r: dict[str, str]) -> int:
    return int(r["ballots_portable_box"]) + int(r["ballots_stationary_box"])


@pytest.mark.parametrize("kind", sorted(FILES))
def test_every_row_placed_and_only_the_impossible_ones_refused(kind: str) -> None:
    rs, m = rows(kind), mapped(kind)
    _, voters, refused = FILES[kind]
    g = m.geography
    assert m.rows == len(g.station_indices) == len(rs)
    assert len(g.top_level()) == len({r["region"] for r in rs})
    assert sum(s.registered for s in g.stations()) == voters
    assert all("-U" in s for s in m.accepted.stations)  # every precinct is a bare number
    over = [k + 2 for k, r in enumerate(rs) if in_boxes(r) > int(r["ballots_given"])]
    assert len(over) == refused
    assert [p.line for p in m.problems] == over
    assert {p.code for p in m.problems} == {"boxes.exceed_issued"}
    p = m.problems[0]
    assert p.field == "ballots_portable_box + ballots_stationary_box"
    assert p.expected == "ballots_portable_box + ballots_stationary_box <= ballots_given"
    assert len(m.accepted) == len(rs) - refused
    empty = [k + 2 for k, r in enumerate(rs) if r["registered"] == "0"]
    assert [n.line for n in m.notes if n.code == "source.empty_list"] == empty


def test_strict_refuses_the_file_and_stores_nothing(saylau: Saylau) -> None:
    with pytest.raises(ImportFailed) as e:
        load_russia_cec(saylau, "russia-2012", data("russia-2012"), mapping=mapped("russia-2012"))
    assert len(e.value.rows) == 13
    assert list_elections(saylau) == []
    with pytest.raises(NotFound):
        saylau.geography()


@pytest.fixture
def loaded(request: pytest.FixtureRequest, db_url: str) -> Iterator[tuple[Saylau, str]]:
    kind = request.param
    path, mapping = data(kind), mapped(kind)  # skip, saying why, before a store is opened
    app = Saylau.open(db_url)
    try:
        rep = load_russia_cec(app, kind, path, on_bad_rows=ru.OnBadRows.SKIP, mapping=mapping)
        assert rep.accepted == len(mapping.accepted) and rep.flagged == 0
        yield app, rep.contest
    finally:  # a store left open is a connection left to the garbage collector
        app.engine.dispose()


def _sums(kind: str, options: tuple[str, ...]) -> dict[str, int]:
    good = [r for r in rows(kind) if in_boxes(r) <= int(r["ballots_given"])]
    out = {c: sum(int(r[c]) for r in good) for c in ("registered", "ballots_given", "invalid",
                                                      *options)}
    out["in_boxes"] = sum(in_boxes(r) for r in good)
    return out


@pytest.mark.parametrize("loaded", ["russia-2011"], indirect=True)
def test_2011_tally_and_the_seats_the_cec_published(loaded: tuple[Saylau, str]) -> None:
    app, contest = loaded
    assert contest == "ru-2011.list"
    parties = tuple(p for p, _ in russia_cec.PARTIES_2011)
    want = _sums("russia-2011", parties)
    r = results_svc.results(app, contest).result
    assert (r.registered, r.ballots_issued, r.ballots_in_boxes, r.invalid) == (
        want["registered"], want["ballots_given"], want["in_boxes"], want["invalid"])
    assert {p: r.vote(OptionId(p)) for p in parties} == {p: want[p] for p in parties}
    decision, progress = list_decision(app, contest)
    assert progress.complete is False  # the 18 refused stations have not reported
    seats = {row.party: row.seats for row in decision.rows}
    assert seats == {"UR": 238, "KPRF": 92, "SR": 64, "LDPR": 56, "Yabloko": 0,
                     "Patriots": 0, "PravoeDelo": 0}


@pytest.mark.parametrize("loaded", ["russia-2012"], indirect=True)
def test_2012_tally_and_the_cec_total(loaded: tuple[Saylau, str]) -> None:
    app, contest = loaded
    assert contest == "ru-2012.president"
    cands = tuple(c for c, _ in russia_cec.CANDIDATES_2012)
    want = _sums("russia-2012", cands)
    r = results_svc.results(app, contest).result
    assert (r.registered, r.ballots_issued, r.ballots_in_boxes, r.invalid) == (
        want["registered"], want["ballots_given"], want["in_boxes"], want["invalid"])
    assert {c: r.vote(OptionId(c)) for c in cands} == {c: want[c] for c in cands}
    everything = rows("russia-2012")
    putin = sum(int(x["Putin"]) for x in everything)
    boxes = sum(in_boxes(x) for x in everything)
    assert (putin, boxes) == (45_602_075, 71_701_665)  # the CEC's published total
    assert round(100 * putin / boxes, 1) == 63.6
    assert putin - r.vote(OptionId("Putin")) == 8_802  # held by the 13 refused rows
