"""Golden, on messy real data: Russia's nationwide vote on constitutional amendments of
1 July 2020, every polling station (../shared/data/forensics/russia/ru2020_constitutional_vote.csv,
96,765 rows; source and columns in ../shared/data/forensics/README.md), imported through the
documented mapping (saylau.importers.russia2020, docs/importers.md) into a fresh store and
tallied. The national and regional totals must equal the file's column sums, computed here
independently with the csv module. Skipped, saying why, when ../shared is absent.

What the real file holds: no row fails saylau's checks under the mapping (ballots in the boxes
never exceed ballots given, ballots given never exceed the list, in the boxes = invalid + yes +
no everywhere), and 11 precincts have an empty voter list (every figure 0): reported as notes.
The messy-row handling is exercised on real rows too: a copy of the file with a few rows broken
the way real files break.

Runs on SQLite and, when a server answers, PostgreSQL (the `db_url` fixture): an import there
takes a few seconds.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest

from saylau.domain.contests import NO, YES
from saylau.domain.errors import ImportFailed
from saylau.domain.geography import UnitKind
from saylau.importers import russia2020 as ru
from saylau.services import results as results_svc
from saylau.services.context import Saylau
from saylau.services.imports import load_russia_2020
from tests.conftest import shared_file

pytestmark = [pytest.mark.shared, pytest.mark.slow]

FILE = "data/forensics/russia/ru2020_constitutional_vote.csv"
COUNTS = ("registered", "ballots_given", "ballots_in_boxes", "invalid", "valid", "yes", "no")
REGISTERED_PER_README = 107_999_611


@pytest.fixture(scope="module")
def data() -> bytes:
    return shared_file(FILE).read_bytes()


@pytest.fixture(scope="module")
def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


@pytest.fixture(scope="module")
def mapping(data: bytes) -> ru.RussiaMapping:
    return ru.map_file(data)


def sums(rows: list[dict[str, str]], region: str | None = None) -> dict[str, int]:
    chosen = [r for r in rows if region is None or r["region"] == region]
    return {c: sum(int(r[c]) for r in chosen) for c in COUNTS}


def test_the_file_is_what_the_readme_says(rows: list[dict[str, str]]) -> None:
    assert len(rows) == 96_765
    assert sums(rows)["registered"] == REGISTERED_PER_README
    assert all(int(r["valid"]) == int(r["yes"]) + int(r["no"]) for r in rows)


def test_the_mapping_places_every_precinct(
    mapping: ru.RussiaMapping, rows: list[dict[str, str]]
) -> None:
    g = mapping.geography
    assert len(g.station_indices) == len(rows) == mapping.rows
    tops = g.top_level()
    assert len(tops) == len({r["region"] for r in rows}) == 87
    assert sum(1 for u in g.units if u.kind is UnitKind.DISTRICT) == len(
        {(r["region"], r["tik"]) for r in rows}) == 2_770
    assert [u.id for u in tops[:2]] == ["RU-001", "RU-002"]
    assert tops[0].name.ru == rows[0]["region"]
    cities = {u.name.ru for u in tops if u.kind is UnitKind.CITY}
    assert cities == {"город Москва", "город Санкт-Петербург", "город Севастополь"}
    abroad = [s for s in g.stations() if s.abroad]
    assert len(abroad) == sum(1 for r in rows if r["region"] == ru.ABROAD_REGION)
    assert sum(s.registered for s in g.stations()) == REGISTERED_PER_README


def test_no_real_row_fails_a_check_and_empty_lists_are_notes(
    mapping: ru.RussiaMapping, data: bytes
) -> None:
    assert mapping.problems == ()
    assert len(mapping.accepted) == 96_765 and len(mapping.failed_checks) == 0
    lines = data.decode("utf-8").split("\n")
    assert len(mapping.notes) == 11
    for note in mapping.notes:
        assert note.code == "source.empty_list"
        assert next(csv.reader([lines[note.line - 1]]))[3] == "0"


@pytest.fixture
def loaded(db_url: str, data: bytes, mapping: ru.RussiaMapping) -> Iterator[Saylau]:
    app = Saylau.open(db_url)
    rep = load_russia_2020(app, data, on_bad_rows=ru.OnBadRows.STRICT, mapping=mapping)
    assert rep.accepted == 96_765 and rep.contest == "ru-2020.referendum"
    yield app
    app.engine.dispose()


def test_tallied_totals_equal_the_file_column_sums(
    loaded: Saylau, rows: list[dict[str, str]], mapping: ru.RussiaMapping
) -> None:
    view = results_svc.results(loaded, "ru-2020.referendum")
    r, want = view.result, sums(rows)
    assert r.unit == "RU"
    assert (r.stations_expected, r.stations_reported) == (96_765, 96_765)
    assert r.registered == r.list_size == want["registered"] == REGISTERED_PER_README
    assert r.ballots_issued == r.ballots_received == want["ballots_given"] == 73_107_907
    assert r.ballots_in_boxes == want["ballots_in_boxes"] == 73_024_006
    assert r.invalid == want["invalid"] == 604_950
    assert r.vote(YES) == want["yes"] == 57_071_119
    assert r.vote(NO) == want["no"] == 15_347_937
    assert r.vote(YES) + r.vote(NO) == want["valid"]
    assert r.ballots_cancelled == r.both_marked == 0
    # two regions, found by their names in the file
    ids = {u.name.ru: u.id for u in mapping.geography.top_level()}
    for region in ("город Москва", ru.ABROAD_REGION):
        got = results_svc.results(loaded, "ru-2020.referendum", ids[region]).result
        there = sums(rows, region)
        assert (got.registered, got.ballots_issued, got.ballots_in_boxes, got.invalid,
                got.vote(YES), got.vote(NO)) == (
            there["registered"], there["ballots_given"], there["ballots_in_boxes"],
            there["invalid"], there["yes"], there["no"])
    children = dict(view.children)
    assert len(children) == 87
    assert sum(c.vote(YES) for c in children.values()) == want["yes"]
    assert view.decision is not None and view.decision.adopted is True


# --- the same real rows, broken the way real files break -------------------------------------

BROKEN = {
    # line: (column, new value)
    101: ("ballots_in_boxes", None),  # becomes ballots_given + 7: more in the boxes than given
    2_002: ("ballots_given", None),  # becomes registered + 3: more given than on the list
    30_003: ("invalid", ""),  # an empty cell
    40_004: ("yes", "n/a"),  # not a number
}


def broken_copy(rows: list[dict[str, str]]) -> tuple[bytes, list[dict[str, str]]]:
    changed = [dict(r) for r in rows]
    for line, (col, value) in BROKEN.items():
        r = changed[line - 2]
        if col == "ballots_in_boxes":
            r[col] = str(int(r["ballots_given"]) + 7)
            r["invalid"] = str(int(r["invalid"]) + 7)  # keep in the boxes = invalid + yes + no
        elif col == "ballots_given":
            r[col] = str(int(r["registered"]) + 3)
        else:
            r[col] = str(value)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(changed)
    return buf.getvalue().encode("utf-8"), changed


def test_broken_real_rows_are_reported_and_the_rest_still_adds_up(
    rows: list[dict[str, str]],
) -> None:
    data, changed = broken_copy(rows)
    m = ru.map_file(data)
    assert [(p.line, p.field, p.code) for p in m.problems] == [
        (101, "ballots_in_boxes", "boxes.exceed_issued"),
        (2_002, "ballots_given", "issued.exceed_registered"),
        (30_003, "invalid", "source.not_a_count"),
        (40_004, "yes", "source.not_a_count"),
    ]
    r = changed[101 - 2]
    assert m.problems[0].actual == (
        f"ballots_in_boxes={r['ballots_in_boxes']}, ballots_given={r['ballots_given']}")
    assert len(m.failed_checks) == 2 and len(m.accepted) == 96_765 - 4
    good = [r for k, r in enumerate(changed) if k + 2 not in BROKEN]
    accepted = m.accepted.counts.sum(axis=0)
    assert int(accepted[0]) == sums(good)["registered"]
    assert int(accepted[2]) == sums(good)["ballots_given"]
    assert int(accepted[7]) == sums(good)["yes"] and int(accepted[8]) == sums(good)["no"]
    with pytest.raises(ImportFailed) as exc:
        # strict: refused before storing
        load_russia_2020(Saylau.open("sqlite://"), data, mapping=m)
    assert [row["line"] for row in exc.value.rows] == [101, 2_002, 30_003, 40_004]
