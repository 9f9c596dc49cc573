"""Results and decisions on the wire."""

from __future__ import annotations

from typing import Any

from saylau.api.schemas.common import (
    NamesOut,
    Strict,
)
from saylau.domain.decide import Decision, DecisionState
from saylau.domain.errors import ValidationFailed
from saylau.domain.explain import share_json
from saylau.domain.geography import Unit
from saylau.domain.law.referendum import ReferendumDecision, decision_json
from saylau.domain.tally import TurnoutPoint, UnitResult


class Share(Strict):
    fraction: str
    percent: str


class UnitResultOut(Strict):
    unit: str
    name: NamesOut
    kind: str
    stations_expected: int
    stations_reported: int
    list_size: int
    registered: int
    ballots_received: int
    ballots_issued: int
    ballots_cancelled: int
    ballots_in_boxes: int
    invalid: int
    both_marked: int
    participants: int
    turnout: Share
    votes: dict[str, int]
    shares: dict[str, Share]

    @staticmethod
    def of(u: Unit, r: UnitResult) -> UnitResultOut:
        return UnitResultOut(
            unit=u.id, name=NamesOut.of(u.name), kind=u.kind.value,
            stations_expected=r.stations_expected, stations_reported=r.stations_reported,
            list_size=r.list_size, registered=r.registered, ballots_received=r.ballots_received,
            ballots_issued=r.ballots_issued, ballots_cancelled=r.ballots_cancelled,
            ballots_in_boxes=r.ballots_in_boxes, invalid=r.invalid, both_marked=r.both_marked,
            participants=r.participants, turnout=Share(**share_json(r.turnout)),
            votes=dict(r.votes),
            shares={o: Share(**share_json(r.vote_share(o))) for o, _ in r.votes},
        )


class TurnoutPointOut(Strict):
    at: str
    ballots_issued: int
    list_size: int
    stations_reporting: int
    stations_expected: int
    turnout: Share

    @staticmethod
    def of(p: TurnoutPoint) -> TurnoutPointOut:
        return TurnoutPointOut(at=p.at.strftime("%H:%M"), ballots_issued=p.ballots_issued,
                               list_size=p.list_size, stations_reporting=p.stations_reporting,
                               stations_expected=p.stations_expected,
                               turnout=Share(**share_json(p.turnout)))


class ResultsOut(Strict):
    contest: str
    as_of: int
    turnout_as_of: int
    result: UnitResultOut
    children: list[UnitResultOut]
    children_total: int = 0
    children_offset: int = 0
    turnout_during_day: list[TurnoutPointOut]
    decision: dict[str, Any] | None
    tree_head: dict[str, Any] | None = None
    """The signed tree head of the election's log when these results were computed."""

    @staticmethod
    def of(v: Any, tree_head: dict[str, Any] | None, children_offset: int = 0) -> ResultsOut:
        """The wire shape of a results view (services.results.ResultsView), the same for the
        API and the static snapshot."""
        return ResultsOut(
            contest=v.contest.id, as_of=v.as_of, turnout_as_of=v.turnout_as_of,
            result=UnitResultOut.of(v.unit, v.result),
            children=[UnitResultOut.of(u, r) for u, r in v.children],
            children_total=v.children_total, children_offset=children_offset,
            turnout_during_day=[TurnoutPointOut.of(p) for p in v.turnout],
            decision=decision_out(v.decision), tree_head=tree_head,
        )


def decision_out(d: ReferendumDecision | None, lang: str = "en") -> dict[str, Any] | None:
    return None if d is None else decision_json(d, lang)


def decision_wire(d: Decision, lang: str, as_of: int) -> dict[str, Any]:
    """A contest's decision as GET /api/contests/{id}/decision gives it, whatever its kind:
    the kind's own decision as `domain/law/` writes it (the referendum's, the list seats',
    the candidates'), the stations it covers and the record it was computed from (`as_of`).
    A Senate seat before its joint session: {"outcome": null, "state": "pending", ...}. A
    contest without a decision of its own, a list before its first protocol, figures the law
    cannot be applied to, are errors (`Decision.not_decided_error`)."""
    if d.state is DecisionState.NONE:
        raise ValidationFailed(
            f"contest {d.contest!r} has no decision of its own",
            details={"field": "contest", "expected": "a nationwide referendum, a list, "
                     "district or presidential contest", "actual": d.contest},
        )
    law = d.law_json(lang)
    if d.reason is not None or (law is None and d.stations_expected is not None):
        raise d.not_decided_error()  # e.g. a list before its first protocol: 422
    out: dict[str, Any] = dict(law) if law is not None else {
        "outcome": None, "state": "pending",
        "explanation": [s.render(lang) for s in d.explanation]}
    if d.stations_expected is not None and d.referendum is None:
        out["stations_reported"] = d.stations_reported
        out["stations_expected"] = d.stations_expected
    out["as_of"] = as_of
    return out
