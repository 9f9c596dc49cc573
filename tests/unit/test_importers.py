"""The Russia 2020 importer on a small hand-made file: the column mapping, messy rows reported
(line, field, numbers), the three ways to treat them, and the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saylau.cli.main import app as cli
from saylau.domain.contests import NO, YES
from saylau.domain.errors import Conflict, ImportFailed
from saylau.domain.geography import UnitKind
from saylau.domain.ids import UnitId
from saylau.domain.protocol_csv import parse_protocols_csv
from saylau.importers import russia2020 as ru
from saylau.services import results as results_svc
from saylau.services.context import Saylau
from saylau.services.imports import load_russia_2020
from saylau.services.protocols import protocol_rejections
from saylau.store import repository

HEADER = "region,tik,precinct_id,registered,ballots_given,ballots_in_boxes,invalid,valid,yes,no"
ADYGEA = "Республика Адыгея (Адыгея)"
MOSCOW = "город Москва"
ABROAD = "Территория за пределами РФ"
# (line, row): the header is line 1; line 14 is blank
ROWS: list[tuple[int, str]] = [
    (2, f"{ADYGEA},1 Адыгейская,УИК №1,1000,800,790,10,780,600,180"),  # clean
    (3, f"{ADYGEA},1 Адыгейская,УИК №2,0,0,0,0,0,0,0"),  # empty list: a note
    (4, f"{ADYGEA},2 Майкопская,УИК №3,1200,900,950,10,940,700,240"),  # in boxes > given
    (5, f"{ADYGEA},2 Майкопская,УИК №4,500,600,600,0,600,400,200"),  # given > registered
    (6, f"{ADYGEA},2 Майкопская,УИК №5,700,500,500,,490,300,190"),  # empty cell
    (7, f"{MOSCOW},Тверская,УИК №10,1500,1000,1000,5,995,700,29x"),  # not a number
    (8, f"{MOSCOW},Тверская,УИК №11,,100,100,0,100,50,50"),  # no voter list
    (9, f"{MOSCOW},Тверская,УИК №12,1500,1000,1000,5,990,700,295"),  # valid != yes + no
    (10, f"{MOSCOW},Тверская,УИК №10,1500,1000,1000,5,995,700,295"),  # repeats line 7
    (11, f"{MOSCOW},Тверская,УИК №13,1500,1000"),  # too few fields
    (12, ",Тверская,УИК №14,1500,1000,1000,5,995,700,295"),  # no region
    (13, f"{MOSCOW},Тверская,Участок на вокзале,300,200,200,2,198,100,98"),  # odd precinct id
    (15, f"{ABROAD},Зарубежная,УИК №8001,400,300,300,3,297,200,97"),  # abroad, clean
    (16, f"{MOSCOW},Тверская,УИК №15,1500,1000,1001,5,995,700,295"),  # two findings
    (17, f"{ADYGEA},1 Адыгейская,УИК № 1,900,800,790,10,780,600,180"),  # UIK 1 again
]
TEXT = "\n".join([HEADER, *(r for _, r in ROWS[:12]), "", *(r for _, r in ROWS[12:])]) + "\n"
DATA = TEXT.encode("utf-8")
ACCEPTED_LINES = (2, 3, 13, 15)
FAILING_CHECKS_LINES = (4, 5, 16)


@pytest.fixture(scope="module")
def mapping() -> ru.RussiaMapping:
    return ru.map_file(DATA)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Saylau]:
    app = Saylau.open(f"sqlite:///{tmp_path / 'saylau.db'}")
    yield app
    app.engine.dispose()


def test_the_text_has_the_lines_the_table_says() -> None:
    lines = TEXT.split("\n")
    for line, row in ROWS:
        assert lines[line - 1] == row


def test_regions_and_tiks_get_stable_ascii_ids_and_kinds(mapping: ru.RussiaMapping) -> None:
    g = mapping.geography
    assert g.root.id == "RU" and g.root.kind is UnitKind.COUNTRY
    tops = g.top_level()
    assert [u.id for u in tops] == ["RU-001", "RU-002", "RU-003"]
    assert [u.kind for u in tops] == [UnitKind.REGION, UnitKind.CITY, UnitKind.REGION]
    assert tops[0].name.ru == tops[0].name.kk == ADYGEA
    assert tops[0].name.en == "Respublika Adygeya (Adygeya)"
    assert tops[1].name.en == "gorod Moskva"
    assert all(u.code is None for u in tops)
    assert g.children[UnitId("RU-001")] == ("RU-001-T001", "RU-001-T002")
    assert g.unit(UnitId("RU-001-T002")).kind is UnitKind.DISTRICT
    assert all(u.id.isascii() for u in g.units)


def test_stations_are_the_rows_that_can_be_placed(mapping: ru.RussiaMapping) -> None:
    g = mapping.geography
    ids = sorted(s.id for s in g.stations())
    assert ids == sorted([
        "RU-001-T001-U1", "RU-001-T001-U2", "RU-001-T002-U3", "RU-001-T002-U4",
        "RU-001-T002-U5", "RU-002-T001-U10", "RU-002-T001-U12", "RU-002-T001-X1",
        "RU-002-T001-U15", "RU-003-T001-U8001",
    ])  # not U11 (no voter list), not the repeat of U10, not the short row or the regionless
    assert g.unit(UnitId("RU-001-T002-U5")).registered == 700  # placed: its list is known
    assert g.unit(UnitId("RU-001-T001-U2")).registered == 0
    assert g.unit(UnitId("RU-002-T001-X1")).name.ru == "Участок на вокзале"
    assert g.unit(UnitId("RU-001-T001-U1")).name.en == "UIK No.1"
    assert g.unit(UnitId("RU-003-T001-U8001")).abroad
    assert not g.unit(UnitId("RU-001-T001-U1")).abroad


def test_protocol_mapping(mapping: ru.RussiaMapping) -> None:
    acc = mapping.accepted
    assert tuple(int(x) for x in acc.lines) == ACCEPTED_LINES
    first = acc.row(0)
    assert (first.registered, first.ballots_received, first.ballots_issued,
            first.ballots_cancelled, first.ballots_in_boxes, first.invalid,
            first.both_marked) == (1000, 800, 800, 0, 790, 10, 0)
    assert first.vote(YES) == 600 and first.vote(NO) == 180
    assert mapping.contest.option_ids == (YES, NO)
    assert mapping.contest.referendum is not None
    assert not mapping.contest.referendum.constitutional


def test_every_bad_row_is_reported_with_line_field_and_numbers(
    mapping: ru.RussiaMapping,
) -> None:
    got = [(p.line, p.field, p.code) for p in mapping.problems]
    assert got == [
        (4, "ballots_in_boxes", "boxes.exceed_issued"),
        (5, "ballots_given", "issued.exceed_registered"),
        (6, "invalid", "source.not_a_count"),
        (7, "no", "source.not_a_count"),
        (8, "registered", "source.not_a_count"),
        (9, "valid", "source.valid_mismatch"),
        (10, "precinct_id", "source.duplicate_station"),
        (11, "row", "source.row_width"),
        (12, "region", "source.missing_name"),
        (16, "ballots_in_boxes", "boxes.exceed_issued"),
        (16, "ballots_in_boxes", "boxes.sum_mismatch"),
        (17, "precinct_id", "source.duplicate_station"),
    ]
    assert mapping.bad_lines == (4, 5, 6, 7, 8, 9, 10, 11, 12, 16, 17)
    by_line = {(p.line, p.code): p for p in mapping.problems}
    p = by_line[(4, "boxes.exceed_issued")]
    assert p.actual == "ballots_in_boxes=950, ballots_given=900"
    assert p.expected == "ballots_in_boxes <= ballots_given"
    assert "950" in p.message and "900" in p.message and p.station == "RU-001-T002-U3"
    p = by_line[(5, "issued.exceed_registered")]
    assert p.actual == "ballots_given=600, registered=500"
    p = by_line[(6, "source.not_a_count")]
    assert p.actual == "" and "empty" in p.message
    assert by_line[(7, "source.not_a_count")].actual == "29x"
    assert "left out of the geography" in by_line[(8, "source.not_a_count")].message
    p = by_line[(9, "source.valid_mismatch")]
    assert (p.expected, p.actual) == ("yes + no = 995", "990")
    assert "line 7" in by_line[(10, "source.duplicate_station")].message
    assert "line 2" in by_line[(17, "source.duplicate_station")].message
    assert by_line[(11, "source.row_width")].actual == "5"
    assert [int(x) for x in mapping.failed_checks.lines] == list(FAILING_CHECKS_LINES)


def test_empty_voter_lists_are_notes_not_errors(mapping: ru.RussiaMapping) -> None:
    assert [(n.line, n.code, n.station) for n in mapping.notes] == [
        (3, "source.empty_list", "RU-001-T001-U2")
    ]
    assert 3 in [int(x) for x in mapping.accepted.lines]


def test_protocols_csv_is_saylau_import_format(mapping: ru.RussiaMapping) -> None:
    data = mapping.protocols_csv()
    assert data.decode().splitlines()[0] == (
        "station,registered,ballots_received,ballots_issued,ballots_cancelled,"
        "ballots_in_boxes,invalid,both_marked,yes,no"
    )
    cols = parse_protocols_csv(data, mapping.contest)
    assert cols.stations == list(mapping.accepted.stations)
    assert (cols.counts == mapping.accepted.counts).all()


def test_report_is_plain_data(mapping: ru.RussiaMapping) -> None:
    rep = mapping.report()
    json.dumps(rep, ensure_ascii=False)
    assert rep["rows"] == 15 and rep["stations"] == 10 and rep["regions"] == 3
    assert rep["districts"] == 4 and rep["bad_rows"] == 11
    assert rep["protocols_accepted"] == 4 and rep["protocols_failing_checks"] == 3


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (b"", "header"),
        (b"region,tik,precinct_id,registered\n", "header"),
        ((HEADER + ",yes\n").encode(), "header"),
        (b"\xff\xfe" + DATA, "encoding"),
    ],
)
def test_a_file_that_cannot_be_read_at_all_is_refused(data: bytes, field: str) -> None:
    with pytest.raises(ImportFailed) as exc:
        ru.map_file(data)
    assert exc.value.rows[0]["field"] == field


def test_columns_may_come_in_any_order_and_a_bom_is_fine() -> None:
    rows = [r.split(",") for r in (HEADER, ROWS[0][1])]
    order = list(reversed(range(len(rows[0]))))
    text = "\n".join(",".join(r[i] for i in order) for r in rows)
    m = ru.map_file(b"\xef\xbb\xbf" + text.encode())
    assert not m.problems and len(m.accepted) == 1
    assert m.accepted.row(0).vote(YES) == 600


def test_transliteration() -> None:
    assert ru.transliterate("Щёлково, ЮЖНЫЙ район") == "Shchyolkovo, YuZhNYY rayon"
    assert ru.transliterate("Подъезд № 5 «Ёлка»") == 'Podezd No. 5 "Yolka"'
    assert ru.transliterate("Ärger ☃").isascii()


# --- loading into a store ---------------------------------------------------------------------


def test_strict_refuses_the_whole_file_and_stores_nothing(store: Saylau) -> None:
    with pytest.raises(ImportFailed) as exc:
        load_russia_2020(store, DATA, on_bad_rows=ru.OnBadRows.STRICT)
    assert [r["line"] for r in exc.value.rows] == [4, 5, 6, 7, 8, 9, 10, 11, 12, 16, 16, 17]
    assert "11 of 15 rows" in exc.value.message
    with store.read() as conn:
        assert repository.unit_count(conn) == 0


def test_skip_imports_the_rest_and_the_totals_are_the_rows_sums(store: Saylau) -> None:
    rep = load_russia_2020(store, DATA, on_bad_rows=ru.OnBadRows.SKIP)
    assert rep.accepted == 4 and rep.rejections_recorded == 0
    view = results_svc.results(store, rep.contest)
    r = view.result
    rows = [ROWS[[ln for ln, _ in ROWS].index(line)][1].split(",") for line in ACCEPTED_LINES]
    assert r.stations_expected == 10 and r.stations_reported == 4
    assert r.registered == sum(int(x[3]) for x in rows) == 1700
    assert r.ballots_issued == r.ballots_received == sum(int(x[4]) for x in rows)
    assert r.ballots_in_boxes == sum(int(x[5]) for x in rows)
    assert r.invalid == sum(int(x[6]) for x in rows)
    assert r.vote(YES) == sum(int(x[8]) for x in rows)
    assert r.vote(NO) == sum(int(x[9]) for x in rows)
    assert r.list_size == 8600  # every placed station's list, reported or not
    assert protocol_rejections(store, rep.contest) == []
    with pytest.raises(Conflict):  # a second load never replaces the first
        load_russia_2020(store, DATA, on_bad_rows=ru.OnBadRows.SKIP)


def test_reject_records_the_refused_protocols(store: Saylau) -> None:
    rep = load_russia_2020(store, DATA, on_bad_rows=ru.OnBadRows.REJECT)
    assert rep.accepted == 4 and rep.rejections_recorded == 3
    rejected = protocol_rejections(store, rep.contest)
    assert sorted(r["station"] for r in rejected) == [
        "RU-001-T002-U3", "RU-001-T002-U4", "RU-002-T001-U15"]
    codes = {r["station"]: sorted(f["code"] for f in r["findings"]) for r in rejected}
    assert codes["RU-002-T001-U15"] == ["boxes.exceed_issued", "boxes.sum_mismatch"]
    assert results_svc.results(store, rep.contest).result.stations_reported == 4


# --- the command line -------------------------------------------------------------------------

runner = CliRunner()


def test_cli_strict_exits_2_listing_the_lines(tmp_path: Path) -> None:
    src = tmp_path / "ru.csv"
    src.write_bytes(DATA)
    env = {"SAYLAU_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    res = runner.invoke(cli, ["import", "russia-2020", str(src)], env=env)
    assert res.exit_code == 2, res.output
    assert "line 4: ballots_in_boxes (boxes.exceed_issued)" in res.output
    assert "nothing was imported" in res.output


def test_cli_skip_with_report_and_protocols_csv(tmp_path: Path) -> None:
    src = tmp_path / "ru.csv"
    src.write_bytes(DATA)
    env = {"SAYLAU_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    report, protocols = tmp_path / "report.json", tmp_path / "protocols.csv"
    res = runner.invoke(cli, ["import", "russia-2020", str(src), "--on-bad-rows", "skip",
                              "--report", str(report), "--protocols-csv", str(protocols)],
                        env=env)
    assert res.exit_code == 0, res.output
    assert "4 protocols accepted" in res.output
    doc = json.loads(report.read_text(encoding="utf-8"))
    assert doc["bad_rows"] == 11 and len(doc["problems"]) == 12
    assert protocols.read_bytes() == ru.map_file(DATA).protocols_csv()
    # the protocols CSV goes through `saylau protocols import` too: identical, so unchanged
    res = runner.invoke(cli, ["protocols", "import", "ru-2020.referendum", str(protocols)],
                        env=env)
    assert res.exit_code == 0, res.output
    assert "4 unchanged" in res.output


def test_cli_dry_run_stores_nothing(tmp_path: Path) -> None:
    src = tmp_path / "ru.csv"
    src.write_bytes(DATA)
    db = tmp_path / "cli.db"
    res = runner.invoke(cli, ["import", "russia-2020", str(src), "--dry-run"],
                        env={"SAYLAU_DATABASE_URL": f"sqlite:///{db}"})
    assert res.exit_code == 0, res.output
    assert "11 rows are bad" in res.output
    assert not db.exists()
