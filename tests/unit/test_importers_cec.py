"""The 2011 and 2012 CEC files' layouts (importers/russia_cec) on a few hand-written rows: the
mapping of each column, bare precinct numbers, the checks of the file's own sums, the
contests. The real files are in tests/golden/test_russia_2011_2012.py (../shared)."""

from __future__ import annotations

import pytest

from saylau.domain.contests import ContestKind
from saylau.domain.errors import ImportFailed, ValidationFailed
from saylau.domain.protocols import COUNT_FIELDS
from saylau.importers import russia_cec
from saylau.importers.russia2020 import RussiaMapping

HEAD_2011 = ("region,tik,precinct_id,registered,ballots_early,ballots_in_station,"
             "ballots_outside,ballots_given,ballots_portable_box,ballots_stationary_box,"
             "invalid,valid,SR,LDPR,Patriots,KPRF,Yabloko,UR,PravoeDelo")
ROWS_2011 = [
    "Республика Адыгея (Адыгея),1 Адыгейская,1,2609,0,1614,182,1796,182,1614,4,1792,36,13,7,"
    "472,16,1242,6",
    "Республика Адыгея (Адыгея),1 Адыгейская,2,2594,0,1520,54,1500,54,1446,0,1500,141,65,11,"
    "433,35,809,6",  # given 1500, but its parts add up to 1574
    "Республика Адыгея (Адыгея),1 Адыгейская,3,1000,0,500,0,500,0,500,0,500,100,100,100,100,"
    "100,1,0",  # valid 500, the parties 501
    "город Москва,Тверская,Участок А,1000,0,500,0,500,0,500,0,500,100,100,100,100,100,0,0",
]


def mapped_2011() -> RussiaMapping:
    data = (HEAD_2011 + "\n" + "\n".join(ROWS_2011) + "\n").encode()
    return russia_cec.map_file("russia-2011", data)


def test_2011_columns_map_to_a_protocol() -> None:
    m = mapped_2011()
    assert m.rows == 4
    assert m.accepted.stations == ("RU-001-T001-U1", "RU-002-T001-X1")
    row = dict(zip((*COUNT_FIELDS, *m.accepted.options), m.accepted.counts[0].tolist(),
                   strict=True))
    assert row == {"registered": 2609, "ballots_received": 1796, "ballots_issued": 1796,
                   "ballots_cancelled": 0, "ballots_in_boxes": 182 + 1614, "invalid": 4,
                   "both_marked": 0, "SR": 36, "LDPR": 13, "Patriots": 7, "KPRF": 472,
                   "Yabloko": 16, "UR": 1242, "PravoeDelo": 6}
    given, valid = m.problems
    assert (given.line, given.code, given.field) == (3, "source.given_mismatch", "ballots_given")
    assert given.expected == "ballots_early + ballots_in_station + ballots_outside = 1574"
    assert (valid.line, valid.code, valid.expected) == (
        4, "source.valid_mismatch", "the party columns = 501")
    assert m.contest.kind is ContestKind.PARTY_LIST and m.contest.id == "ru-2011.list"
    assert [o.registration_order for o in m.contest.options] == list(range(1, 8))


def test_2012_is_a_presidential_contest_of_five() -> None:
    head = HEAD_2011.replace("SR,LDPR,Patriots,KPRF,Yabloko,UR,PravoeDelo",
                             "Zhirinovsky,Zyuganov,Mironov,Prokhorov,Putin")
    row = "Республика Адыгея (Адыгея),1 Адыгейская,7,2383,0,1513,77,1590,77,1513,19,1571,24,382," \
          "28,71,1066"
    m = russia_cec.map_file("russia-2012", f"{head}\n{row}\n".encode(), election_id="ru12")
    assert m.problems == () and m.accepted.stations == ("RU-001-T001-U7",)
    assert m.contest.id == "ru12.president" and m.contest.kind is ContestKind.PRESIDENTIAL
    assert m.contest.option_ids == ("Zhirinovsky", "Zyuganov", "Mironov", "Prokhorov", "Putin")


def test_a_wrong_file_or_kind_is_named() -> None:
    with pytest.raises(ValidationFailed) as e:
        russia_cec.map_file("russia-2013", b"")
    assert e.value.details["field"] == "kind"
    with pytest.raises(ImportFailed) as e2:
        russia_cec.map_file("russia-2012", (HEAD_2011 + "\n").encode())
    assert "the 2012 file" in str(e2.value) and "Putin" in str(e2.value)
