"""The quick count's reports from the observers' copies (domain/integrity/copies.py): which
copies are used, which are left out and why, and that the order they arrived in does not
matter."""

from __future__ import annotations

import random

from saylau.domain.integrity.copies import reports_from_copies
from saylau.domain.integrity.pvt import StationReport

OPTIONS = ("yes", "no")


def copy(registered: int = 1000, issued: int = 700, in_boxes: int = 690, invalid: int = 10,
         both: int = 5, yes: int = 500, no: int = 175) -> dict[str, int]:
    return {"registered": registered, "ballots_received": registered, "ballots_issued": issued,
            "ballots_cancelled": registered - issued, "ballots_in_boxes": in_boxes,
            "invalid": invalid, "both_marked": both, "votes.yes": yes, "votes.no": no}


def test_agreeing_copies_give_one_report_measured_as_the_official_figures() -> None:
    got = reports_from_copies(["A"], {"A": [copy(), copy()]}, OPTIONS)
    # valid = in the boxes - invalid - both marked, as station_figures reads the protocols
    assert got.reports == (StationReport("A", 1000, 700, 675, {"yes": 500, "no": 175}),)
    assert (got.missing, got.conflicts, got.incomplete, got.outside) == ((), (), (), 0)


def test_conflicts_missing_incomplete_and_outside_are_left_out_and_said() -> None:
    short = copy()
    del short["votes.no"]
    no_invalid = copy()
    del no_invalid["invalid"]
    copies = {"A": [copy()], "B": [copy(), copy(yes=490, no=185)], "C": [short],
              "D": [no_invalid], "X": [copy()], "E": []}
    got = reports_from_copies(["A", "B", "C", "D", "E", "F"], copies, OPTIONS)
    assert [r.station for r in got.reports] == ["A"]
    assert got.conflicts == ("B",)  # nothing averaged or picked
    assert got.incomplete == (("C", "votes.no"), ("D", "invalid"))
    assert got.missing == ("E", "F")
    assert got.outside == 1  # X has a copy but is not in the sample
    d = got.as_dict()
    assert (d["from_copies"], d["missing"], d["outside_sample"]) == (1, 2, 1)
    assert d["incomplete"][0] == {"station": "C", "field": "votes.no"}


def test_a_ballot_without_both_marked_counts_it_as_zero() -> None:
    c = copy()
    del c["both_marked"]
    (r,) = reports_from_copies(["A"], {"A": [c]}, OPTIONS).reports
    assert r.valid == 680


def test_the_order_copies_arrived_in_does_not_matter() -> None:
    rng = random.Random(14)
    copies = {f"S{k}": [copy(yes=400 + k, no=275 - k)] * rng.randrange(1, 3) for k in range(30)}
    copies["S3"] = [copy(), copy(yes=1, no=674)]
    sample = [*sorted(copies)[::2], "S3"]
    first = reports_from_copies(sample, copies, OPTIONS)
    items = list(copies.items())
    rng.shuffle(items)
    again = reports_from_copies(list(reversed(sample)),
                                {s: list(reversed(c)) for s, c in items}, OPTIONS)
    assert first == again
    assert first.conflicts == ("S3",)
