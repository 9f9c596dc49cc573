"""The protocol checks of docs/law.md §4.2, table-driven: each check fires exactly when it should,
with its stable code, severity and numbers; all findings come back at once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from saylau.domain.contests import NO, YES, Contest, ContestKind, Option, referendum_contest
from saylau.domain.errors import Conflict, ValidationFailed
from saylau.domain.ids import ActorId, ContestId, ElectionId, OptionId, StationId, UnitId
from saylau.domain.names import Names
from saylau.domain.protocols import (
    MAX_COUNT,
    NewVersion,
    ProtocolCheckContext,
    ProtocolCounts,
    SameAsCurrent,
    Severity,
    SubmittedProtocol,
    accept,
    canonical_json_fast,
    classify_submission,
    run_checks,
)

REF = referendum_contest(ContestId("c"), ElectionId("e"), Names.same("Q?"), constitutional=True,
                         area=UnitId("KZ"))
PARTY = Contest(ContestId("p"), ElectionId("e"), ContestKind.PARTY_LIST, Names.same("List"),
                UnitId("KZ"), (Option(OptionId("A"), Names.same("A")),
                               Option(OptionId("B"), Names.same("B"))))
STATION = StationId(UnitId("S1"))
GOOD: dict[str, Any] = {"registered": 1000, "ballots_received": 900, "ballots_issued": 700,
                            "ballots_cancelled": 200, "ballots_in_boxes": 690, "invalid": 10,
                            "both_marked": 5, "votes": {YES: 500, NO: 175}}


def counts(**changes: Any) -> ProtocolCounts:
    return ProtocolCounts.of(**{**GOOD, **changes})


def codes(c: ProtocolCounts, contest: Contest = REF, list_size: int = 1000,
          last_turnout: int | None = None) -> dict[str, Severity]:
    ctx = ProtocolCheckContext(contest, STATION, list_size, last_turnout)
    return {f.code: f.severity for f in run_checks(ctx, c)}


def test_a_good_protocol_has_no_findings() -> None:
    assert codes(counts()) == {}


@pytest.mark.parametrize(
    ("changes", "code", "severity"),
    [
        ({"ballots_in_boxes": 691, "ballots_issued": 701, "ballots_cancelled": 199},
         "boxes.sum_mismatch", Severity.ERROR),
        ({"invalid": 20, "ballots_in_boxes": 700, "ballots_issued": 699,
          "ballots_cancelled": 201}, "boxes.exceed_issued", Severity.ERROR),
        ({"ballots_cancelled": 201}, "ballots.exceed_received", Severity.ERROR),
        ({"ballots_cancelled": 199}, "ballots.unaccounted", Severity.WARNING),
        ({"registered": 699}, "issued.exceed_registered", Severity.ERROR),
        ({"registered": 1001}, "registered.differs_from_list", Severity.WARNING),
        ({"invalid": -1, "ballots_in_boxes": 679}, "count.negative", Severity.ERROR),
        ({"registered": MAX_COUNT + 1}, "count.too_large", Severity.ERROR),
        ({"votes": {YES: 500, NO: 175, OptionId("maybe"): 0}}, "option.unknown", Severity.ERROR),
        ({"votes": {YES: 675}}, "option.missing", Severity.ERROR),
    ],
)
def test_each_check_fires_with_its_code(changes: dict[str, Any], code: str,
                                        severity: Severity) -> None:
    found = codes(counts(**changes))
    assert found.get(code) is severity, found


def test_equalities_hold_exactly_at_the_bounds() -> None:
    # in boxes == issued, issued == registered, issued + cancelled == received: all fine
    c = counts(registered=700, ballots_received=700, ballots_cancelled=0, ballots_in_boxes=700,
               invalid=20)
    assert codes(c, list_size=700) == {}


def test_every_finding_comes_back_at_once() -> None:
    bad = counts(registered=600, ballots_in_boxes=800, ballots_cancelled=300)
    found = codes(bad)
    assert {"boxes.sum_mismatch", "boxes.exceed_issued", "ballots.exceed_received",
            "issued.exceed_registered", "registered.differs_from_list"} <= set(found)


def test_findings_carry_the_numbers_and_a_message_with_them() -> None:
    ctx = ProtocolCheckContext(REF, STATION, 1000)
    [f] = list(run_checks(ctx, counts(ballots_cancelled=201)))
    assert f.field == "ballots_received"
    assert dict(f.numbers) == {"ballots_received": 900, "issued_plus_cancelled": 901}
    assert "901" in f.message and "900" in f.message


def test_both_marked_exists_only_on_referendum_ballots() -> None:
    c = ProtocolCounts.of(registered=1000, ballots_received=900, ballots_issued=700,
                          ballots_cancelled=200, ballots_in_boxes=690, invalid=10, both_marked=5,
                          votes={OptionId("A"): 400, OptionId("B"): 275})
    assert codes(c, PARTY).get("both_marked.not_applicable") is Severity.ERROR


def test_final_issued_below_last_turnout_report_is_flagged() -> None:
    assert codes(counts(), last_turnout=701).get("issued.below_turnout_report") is Severity.WARNING
    assert "issued.below_turnout_report" not in codes(counts(), last_turnout=700)


NOW = datetime(2022, 6, 5, 20, 0, tzinfo=UTC)


def _accepted(c: ProtocolCounts, previous: Any = None, reason: str | None = None) -> Any:
    p = SubmittedProtocol(ContestId("c"), STATION, c)
    ctx = ProtocolCheckContext(REF, STATION, 1000)
    return accept(p, run_checks(ctx, c), previous=previous, by=ActorId("PEC"), at=NOW,
                  reason=reason)


def test_identical_again_is_idempotent_different_is_a_conflict() -> None:
    v1 = _accepted(counts())
    same = SubmittedProtocol(ContestId("c"), STATION, counts())
    assert isinstance(classify_submission(same, v1, correction=False), SameAsCurrent)
    other = SubmittedProtocol(ContestId("c"), STATION, counts(invalid=9, ballots_in_boxes=689))
    with pytest.raises(Conflict) as e:
        classify_submission(other, v1, correction=False)
    assert e.value.details["current_version"] == 1
    assert isinstance(classify_submission(other, v1, correction=True, corrects=1), NewVersion)
    with pytest.raises(ValidationFailed):
        classify_submission(other, None, correction=True)


def test_a_correction_needs_a_reason_and_makes_a_new_version() -> None:
    v1 = _accepted(counts())
    with pytest.raises(ValidationFailed) as e:
        _accepted(counts(invalid=9, ballots_in_boxes=689), previous=v1, reason="  ")
    assert e.value.details["field"] == "reason"
    v2 = _accepted(counts(invalid=9, ballots_in_boxes=689), previous=v1, reason="recount")
    assert (v2.version, v2.reason, v2.is_correction) == (2, "recount", True)
    assert v1.counts.invalid == 10  # the first version is untouched


def test_errors_reject_with_every_finding_listed() -> None:
    with pytest.raises(ValidationFailed) as e:
        _accepted(counts(registered=600, ballots_in_boxes=800))
    codes_ = {f["code"] for f in e.value.details["findings"]}
    assert {"boxes.sum_mismatch", "boxes.exceed_issued", "issued.exceed_registered"} <= codes_


def test_content_hash_ignores_vote_order_but_not_values() -> None:
    a = SubmittedProtocol(ContestId("c"), STATION, counts(votes={YES: 500, NO: 175}))
    b = SubmittedProtocol(ContestId("c"), STATION,
                          counts(votes=[(NO, 175), (YES, 500)]))
    c = SubmittedProtocol(ContestId("c"), STATION, counts(votes={YES: 501, NO: 174}))
    assert a.content_hash() == b.content_hash() != c.content_hash()


def test_fast_canonical_json_equals_the_dict_path() -> None:
    import hashlib

    p = SubmittedProtocol(ContestId("ref.«q»"), StationId(UnitId("Ст-1\"x")), counts())
    c = p.counts
    fast = canonical_json_fast(p.contest, p.station,
                               (c.registered, c.ballots_received, c.ballots_issued,
                                c.ballots_cancelled, c.ballots_in_boxes, c.invalid,
                                c.both_marked), c.votes)
    assert hashlib.sha256(fast.encode()).hexdigest() == p.content_hash()
