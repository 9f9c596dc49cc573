"""One versioning rule (saylau.domain.versions) for every slot: a Senate seat's joint-session
protocols and a bulk import of station protocols are judged exactly as the rule's `judge`
judges them, case by case, on both databases; nothing stored is overwritten."""

from __future__ import annotations

import pytest

from saylau.domain.access import Principal, Role
from saylau.domain.errors import ImportFailed, SaylauError
from saylau.domain.ids import ActorId
from saylau.domain.names import Names
from saylau.domain.versions import (
    FIRST_VERSION,
    Append,
    Head,
    Refused,
    Submission,
    Unchanged,
    judge,
)
from saylau.services import senate as senate_svc
from saylau.services.bulk import import_protocols
from saylau.services.context import Saylau
from saylau.services.parliament import CandidateSpec
from saylau.services.protocols import protocol_history

ADMIN = Principal(ActorId("cec"), Role.ADMIN)
FIRST = {"electors": 200, "electors_present": 190, "invalid": 4,
         "votes": {"A": 100, "B": 50, "C": 36}}
OTHER = {**FIRST, "votes": {"A": 99, "B": 51, "C": 36}}
THIRD = {**FIRST, "votes": {"A": 98, "B": 52, "C": 36}}

CASES: list[tuple[str, dict[str, object], dict[str, object]]] = [
    # (what, figures, how it is sent) in order on one slot
    ("a first protocol", FIRST, {}),
    ("the same again", FIRST, {}),
    ("the same again, sent as a correction", FIRST, {"correction": True, "corrects": 1,
                                                     "reason": "resent"}),
    ("names a version but is no correction", OTHER, {"corrects": 1}),
    ("different, not a correction", OTHER, {}),
    ("a correction naming no version", OTHER, {"correction": True, "reason": "recount"}),
    ("a correction of a version that is not the latest", OTHER,
     {"correction": True, "corrects": 2, "reason": "recount"}),
    ("a correction without a reason", OTHER, {"correction": True, "corrects": 1}),
    ("a correction", OTHER, {"correction": True, "corrects": 1, "reason": "recount"}),
    ("a stale correction after it", THIRD, {"correction": True, "corrects": 1,
                                            "reason": "recount"}),
]


def _seats(app: Saylau) -> list[str]:
    _, made = senate_svc.create_senate_election(
        app, election_id="sen", name=Names.same("Senate"), ruleset_name="kz-2022",
        date="2023-01-14", by=ActorId("cec"),
        seats={u: [CandidateSpec(c, Names.same(c), None) for c in "ABC"]
               for u in ("KZ-11", "KZ-75")})
    return [c.id for c in made]


def _hash(figures: dict[str, object]) -> str:
    votes = figures["votes"]
    assert isinstance(votes, dict)
    return senate_svc.session_hash(senate_svc.SessionProtocol(
        "x", 1, 0, int(str(figures["electors"])), int(str(figures["electors_present"])),
        int(str(figures["invalid"])), tuple(sorted(votes.items())), "", "", None))


def _send(app: Saylau, seat: str, figures: dict[str, object], how: dict[str, object]
          ) -> tuple[senate_svc.SessionProtocol, bool]:
    votes = figures["votes"]
    assert isinstance(votes, dict)
    return senate_svc.submit_session(
        app, ADMIN, seat, round_=1, electors=int(str(figures["electors"])),
        electors_present=int(str(figures["electors_present"])),
        invalid=int(str(figures["invalid"])), votes=votes,
        correction=bool(how.get("correction", False)),
        corrects=how.get("corrects"),  # type: ignore[arg-type]
        reason=how.get("reason"))  # type: ignore[arg-type]


def test_a_senate_session_is_judged_as_the_one_rule_judges_it(
        referendum: tuple[Saylau, str]) -> None:
    app, _ = referendum
    seat, empty_seat = _seats(app)
    outcomes = []
    for what, figures, how in CASES:
        history = senate_svc.session_history(app, seat)
        head = None if not history else Head(history[-1].version,
                                             senate_svc.session_hash(history[-1]))
        verdict = judge(head, Submission(_hash(figures), bool(how.get("correction")),
                                         how.get("corrects")))  # type: ignore[arg-type]
        error: SaylauError | None = None
        try:
            stored, new = _send(app, seat, figures, how)
        except SaylauError as exc:
            error = exc
        if error is not None:
            got = error.code
            if isinstance(verdict, Append):  # the rule appends, only the reason is missing
                assert got == "correction_reason_missing", what
            else:
                assert isinstance(verdict, Refused) and got == verdict.code, what
                assert error.details.get("field") == verdict.details()["field"], what
        else:
            got = f"v{stored.version}" if new else "unchanged"
            if isinstance(verdict, Unchanged):
                assert not new and stored.version == verdict.head.version, what
            else:
                assert isinstance(verdict, Append) and new, what
                assert stored.version == verdict.version, what
        outcomes.append(got)
    assert outcomes == [
        "v1", "unchanged", "unchanged", "corrects_without_correction", "protocol_conflict",
        "correction_version_missing", "correction_stale", "correction_reason_missing", "v2",
        "correction_stale"]
    history = senate_svc.session_history(app, seat)  # nothing overwritten
    assert [(h.version, dict(h.votes), h.reason) for h in history] == [
        (1, FIRST["votes"], None), (2, OTHER["votes"], "recount")]
    # a correction of an empty slot, and a reason on a first protocol
    with pytest.raises(SaylauError) as e:
        _send(app, empty_seat, FIRST, {"correction": True, "corrects": 1, "reason": "x"})
    assert e.value.code == "correction_without_original"
    with pytest.raises(SaylauError) as e:
        _send(app, empty_seat, FIRST, {"reason": "x"})
    assert e.value.code == "reason_without_correction"
    assert senate_svc.session_history(app, empty_seat) == []


def test_a_bulk_import_is_judged_by_the_one_rule(referendum: tuple[Saylau, str]) -> None:
    app, contest = referendum
    stations = list(app.geography().stations())[:3]
    header = ("station,registered,ballots_received,ballots_issued,ballots_cancelled,"
              "ballots_in_boxes,invalid,both_marked,yes,no\n")

    def csv(yes: int) -> bytes:
        return (header + "".join(f"{s.id},{s.registered},100,90,10,90,2,0,{yes},{88 - yes}\n"
                                 for s in stations)).encode()

    report = import_protocols(app, ADMIN, contest, csv(50))
    assert (report.accepted, report.unchanged) == (3, 0)
    assert {protocol_history(app, contest, s.id)[0].version for s in stations} == {
        FIRST_VERSION}
    report = import_protocols(app, ADMIN, contest, csv(50))  # Unchanged by the rule
    assert (report.accepted, report.unchanged) == (0, 3)
    with pytest.raises(ImportFailed) as e:  # different content, no correction: a conflict
        import_protocols(app, ADMIN, contest, csv(51))
    rows = e.value.rows
    assert [r["code"] for r in rows] == ["protocol_conflict"] * 3
    assert "already has protocol version 1 with different content" in str(rows[0]["message"])
    assert [len(protocol_history(app, contest, s.id)) for s in stations] == [1, 1, 1]
