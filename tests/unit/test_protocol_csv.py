"""Parsing protocols from CSV: every bad value reported with its line, nothing half-read."""

from __future__ import annotations

import pytest

from saylau.domain.contests import NO, YES, referendum_contest
from saylau.domain.errors import ImportFailed
from saylau.domain.ids import ContestId, ElectionId, UnitId
from saylau.domain.names import Names
from saylau.domain.protocol_csv import parse_protocols_csv

C = referendum_contest(ContestId("c"), ElectionId("e"), Names.same("Q"), constitutional=True,
                       area=UnitId("KZ"))
HEADER = ("station,registered,ballots_received,ballots_issued,ballots_cancelled,"
          "ballots_in_boxes,invalid,both_marked,yes,no\n")


def test_parses_rows_in_any_column_order_with_a_bom() -> None:
    text = ("\ufeffno,yes,station,registered,ballots_received,ballots_issued,ballots_cancelled,"
            "ballots_in_boxes,invalid,both_marked\n185,790,S1,1520,1500,1010,490,1008,21,12\n")
    cols = parse_protocols_csv(text.encode(), C)
    assert cols.stations == ["S1"]
    row = cols.row(0)
    assert (row.registered, row.vote(YES), row.vote(NO), row.both_marked) == (1520, 790, 185, 12)
    assert cols.lines.tolist() == [2]


def test_every_bad_value_is_reported_with_its_line() -> None:
    text = HEADER + "S1,1520,1500,1010,490,1008,21,12,790,185\n" \
        "S2,-5,1500,1010,490,1008,21,12,790,185\n" \
        "S3,1520,1500,10.5,490,1008,21,12,790,185\n" \
        "S4,1520,1500,1010\n" \
        ",1520,1500,1010,490,1008,21,12,790,x\n"
    with pytest.raises(ImportFailed) as e:
        parse_protocols_csv(text.encode(), C)
    rows = e.value.rows
    got = {(r["line"], r["field"]) for r in rows}
    assert got == {(3, "registered"), (4, "ballots_issued"), (5, "row"), (6, "station"),
                   (6, "no")}
    [neg] = [r for r in rows if r["line"] == 3]
    assert neg["actual"] == "-5" and "non-negative" in str(neg["expected"])


def test_wrong_header_names_the_missing_and_unknown_columns() -> None:
    text = "station,registered,ballots_received,ballots_issued,ballots_cancelled," \
           "ballots_in_boxes,invalid,both_marked,yes,maybe\n"
    with pytest.raises(ImportFailed) as e:
        parse_protocols_csv(text.encode(), C)
    assert "missing ['no']" in e.value.message and "maybe" in e.value.message
    assert e.value.rows[0]["line"] == 1


def test_bad_encoding_names_the_line() -> None:
    data = HEADER.encode() + b"S1,1520,1500,1010,490,1008,21,12,790,185\n" + b"S\xff2,1\n"
    with pytest.raises(ImportFailed) as e:
        parse_protocols_csv(data, C)
    assert e.value.rows[0]["line"] == 3
    assert e.value.rows[0]["field"] == "encoding"


def test_empty_file() -> None:
    with pytest.raises(ImportFailed) as e:
        parse_protocols_csv(b"", C)
    assert "empty" in e.value.message
