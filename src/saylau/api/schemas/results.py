"""Results and decisions on the wire."""

from __future__ import annotations

from typing import Any

from saylau.api.schemas.common import (
    NamesOut,
    Strict,
)
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
