"""The record envelope and its builders: shapes, every finding at once, timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from saylau.domain.errors import ValidationFailed
from saylau.domain.protocols import COUNT_FIELDS
from saylau.domain.record.envelope import (
    PROTOCOL_COUNT_FIELDS,
    RecordType,
    Signature,
    check_record,
    election_record,
    format_timestamp,
    geography_record,
    is_timestamp,
    leaf_bytes,
    make_record,
    protocol_body,
    protocol_record,
    record_problems,
    record_signature,
    signing_bytes,
    turnout_record,
    with_signature,
)
from saylau.domain.record.merkle import leaf_hash, record_leaf_hash

COUNTS = {"registered": 1200, "ballots_received": 1200, "ballots_issued": 845,
          "ballots_cancelled": 355, "ballots_in_boxes": 845, "invalid": 12, "both_marked": 3}
AT = "2024-06-05T17:20:00Z"
SIG = Signature("21fe31dfa154a261626bf854046fd227", bytes(64))


def fields(exc: pytest.ExceptionInfo[ValidationFailed]) -> set[str]:
    return {f["field"] for f in exc.value.details["findings"]}


def test_the_protocol_counts_are_the_domain_counts() -> None:
    assert set(PROTOCOL_COUNT_FIELDS) == set(COUNT_FIELDS)


def test_protocol_record_shape() -> None:
    record = protocol_record(contest="c", station="s", version=1, counts=COUNTS,
                             votes={"yes": 1, "no": 2}, reason=None, recorded_by="s",
                             recorded_at=AT, signature=SIG)
    assert set(record) == {"v", "type", "body", "recorded", "signature"}
    assert record["v"] == 1 and record["type"] == "protocol"
    assert record["body"] == {"contest": "c", "station": "s", "version": 1, "counts": COUNTS,
                              "votes": {"yes": 1, "no": 2}, "reason": None}
    assert record["recorded"] == {"at": AT, "by": "s"}
    assert record_signature(record) == SIG
    assert leaf_bytes(record).startswith(b'{"body":{"contest":"c","counts":{"ballots_cancelled"')
    assert record_leaf_hash(record) == leaf_hash(leaf_bytes(record))


def test_counts_may_come_with_their_votes() -> None:
    body = protocol_body(contest="c", station="s", version=1, counts={**COUNTS, "votes": {}},
                         votes={"yes": 1}, reason=None)
    assert body["counts"] == COUNTS


def test_a_bad_protocol_lists_every_problem() -> None:
    with pytest.raises(ValidationFailed) as exc:
        protocol_body(contest="", station="s", version=0,
                      counts={**COUNTS, "invalid": -1, "registered": 1.5, "extra": 1},
                      votes={"yes": -2}, reason="why")  # type: ignore[dict-item]
    assert fields(exc) >= {"body.contest", "body.version", "body.counts.invalid",
                           "body.counts.registered", "body.counts.extra", "body.votes.yes"}
    assert exc.value.code == "record.invalid"


@pytest.mark.parametrize(("version", "reason", "ok"), [
    (1, None, True), (1, "why", False), (2, "typo in invalid", True), (2, None, False),
    (2, "  ", False),
])
def test_only_corrections_have_reasons(version: int, reason: str | None, ok: bool) -> None:
    def build() -> None:
        protocol_body(contest="c", station="s", version=version, counts=COUNTS,
                      votes={"yes": 1}, reason=reason)

    if ok:
        build()
    else:
        with pytest.raises(ValidationFailed, match=r"reason|correction"):
            build()


def test_missing_counts_are_named() -> None:
    partial = {k: v for k, v in COUNTS.items() if k != "both_marked"}
    with pytest.raises(ValidationFailed) as exc:
        protocol_body(contest="c", station="s", version=1, counts=partial, votes={},
                      reason=None)
    assert fields(exc) == {"body.counts.both_marked"}


def test_turnout_record() -> None:
    record = turnout_record(contest="c", station="s", at="10:00", ballots_issued=3,
                            recorded_by="s", recorded_at=AT)
    assert record["body"] == {"contest": "c", "station": "s", "at": "10:00",
                              "ballots_issued": 3}
    for bad in ("10.00", "24:00", "9:00", "10:00:00"):
        with pytest.raises(ValidationFailed):
            turnout_record(contest="c", station="s", at=bad, ballots_issued=3,
                           recorded_by="s", recorded_at=AT)


def test_geography_units_are_sorted_by_id_in_utf16_order() -> None:
    units = [{"id": "\ufb33", "parent": None}, {"id": "\U0001f600", "parent": None},
             {"id": "b", "parent": "a"}, {"id": "a", "parent": None}]
    record = geography_record(units, recorded_by="cec", recorded_at=AT)
    assert [u["id"] for u in record["body"]["units"]] == ["a", "b", "\U0001f600", "\ufb33"]
    with pytest.raises(ValidationFailed):
        geography_record([{"parent": None}], recorded_by="cec", recorded_at=AT)


def test_election_record_needs_its_id_contests_and_keys() -> None:
    with pytest.raises(ValidationFailed) as exc:
        election_record({"name": "x", "keys": [{"unit": "KZ"}], "contests": [{}]},
                        recorded_by="cec", recorded_at=AT)
    assert {"body.election", "body.keys[0].key", "body.keys[0].public_key",
            "body.contests[0]"} <= fields(exc)
    ok = election_record({"election": "e", "contests": [{"contest": "c"}], "keys": [],
                          "extra": {"kept": True}}, recorded_by="cec", recorded_at=AT)
    assert ok["body"]["extra"] == {"kept": True}


def test_unknown_types_are_allowed_with_any_plain_body() -> None:
    record = make_record("senate-protocol", {"anything": [1, "two", None]},
                         recorded_by="x", recorded_at=AT)
    check_record(record)
    with pytest.raises(ValidationFailed):
        make_record("Senate Protocol", {}, recorded_by="x", recorded_at=AT)
    with pytest.raises(ValidationFailed) as exc:
        make_record("senate-protocol", {"share": 0.5}, recorded_by="x", recorded_at=AT)
    assert fields(exc) == {"body.share"}


@pytest.mark.parametrize(("record", "field"), [
    ({"v": 2, "type": "x", "body": {}, "recorded": {"at": AT, "by": "a"}}, "v"),
    ({"v": True, "type": "x", "body": {}, "recorded": {"at": AT, "by": "a"}}, "v"),
    ({"v": 1, "type": "x", "body": [], "recorded": {"at": AT, "by": "a"}}, "body"),
    ({"v": 1, "type": "x", "body": {}}, "recorded"),
    ({"v": 1, "type": "x", "body": {}, "recorded": {"at": "2024-06-05 17:20", "by": "a"}},
     "recorded.at"),
    ({"v": 1, "type": "x", "body": {}, "recorded": {"at": AT, "by": ""}}, "recorded.by"),
    ({"v": 1, "type": "x", "body": {}, "recorded": {"at": AT, "by": "a"}, "extra": 1},
     "extra"),
    ({"v": 1, "type": "x", "body": {}, "recorded": {"at": AT, "by": "a"},
      "signature": {"key": "k", "value": "00"}}, "signature.key"),
    ({"v": 1, "type": "tree-head", "body": {"size": 1, "root": "00" * 32, "timestamp": AT},
      "recorded": {"at": AT, "by": "a"}}, "recorded"),
])
def test_envelope_problems(record: dict[str, Any], field: str) -> None:
    assert field in {p["field"] for p in record_problems(record)}
    with pytest.raises(ValidationFailed):
        leaf_bytes(record)


def test_signing_bytes_leave_out_recorded_and_signature() -> None:
    record = make_record("x", {"a": 1}, recorded_by="a", recorded_at=AT, signature=SIG)
    assert signing_bytes("x", {"a": 1}) == b'{"body":{"a":1},"type":"x","v":1}'
    again = with_signature(make_record("x", {"a": 1}, recorded_by="b", recorded_at=AT), SIG)
    assert record_signature(again) == SIG
    assert leaf_bytes(again) != leaf_bytes(record)


def test_record_types() -> None:
    assert {t.value for t in RecordType} == {"election", "geography", "key", "key-revocation",
                                             "protocol", "turnout", "tree-head",
                                             # risk-limiting audits (issue 15)
                                             "rla", "rla-assignment", "rla-seed", "rla-sample",
                                             "rla-count", "rla-measure", "rla-full",
                                             "senate-session",
                                             # observation (issue 12)
                                             "observer-report", "observer-copy",
                                             # integrity analytics (issue 14)
                                             "integrity-params", "pvt-commitment",
                                             # the party register (issue 13)
                                             "party-application", "party-list",
                                             "party-decision", "party-liquidation"}


def test_timestamps() -> None:
    at = datetime(2024, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=5)))
    assert format_timestamp(at) == "2024-03-01T07:00:00Z"
    assert format_timestamp(datetime(2024, 3, 1, 7, 0, 0, 500000, tzinfo=UTC)) == (
        "2024-03-01T07:00:00.500000Z")
    with pytest.raises(ValidationFailed):
        format_timestamp(datetime(2024, 3, 1, 7, 0))  # a naive time: refused
    for good in ("2024-03-01T07:00:00Z", "2024-03-01T12:00:00+05:00",
                 "2024-06-05T19:02:45.5Z", datetime(2024, 1, 1, tzinfo=UTC).isoformat()):
        assert is_timestamp(good), good
    for bad in ("2024-03-01 07:00:00Z", "2024-03-01T07:00Z", "2024-13-01T07:00:00Z",
                "2024-03-01T07:00:00", "2024-03-01t07:00:00z", 5):
        assert not is_timestamp(bad), bad


def test_bulk_protocol_leaves_equal_the_builder() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from saylau.domain.record.envelope import leaf_bytes, protocol_leaves_fast, protocol_record

    ids = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]),
                  min_size=1, max_size=8)

    @settings(max_examples=60, deadline=None)
    @given(ids, st.lists(st.tuples(ids, st.lists(st.integers(0, 10**9), min_size=7,
                                                  max_size=7),
                                   st.lists(st.integers(0, 10**9), min_size=3, max_size=3)),
                         min_size=1, max_size=5),
           st.lists(ids, min_size=3, max_size=3, unique=True), ids)
    def check(contest: str, rows: list, options: list, by: str) -> None:  # type: ignore[type-arg]
        fast = protocol_leaves_fast(contest, [r[0] for r in rows], [r[1] for r in rows],
                                    options, [r[2] for r in rows], recorded_by=by,
                                    recorded_at="2022-06-05T20:00:00Z")
        for (station, counts, votes), got in zip(rows, fast, strict=True):
            from saylau.domain.record.envelope import PROTOCOL_COUNT_FIELDS

            slow = leaf_bytes(protocol_record(
                contest=contest, station=station, version=1,
                counts=dict(zip(PROTOCOL_COUNT_FIELDS, counts, strict=True)),
                votes=dict(zip(options, votes, strict=True)), reason=None,
                recorded_by=by, recorded_at="2022-06-05T20:00:00Z"))
            assert got == slow

    check()
