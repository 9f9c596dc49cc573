"""Protocols, turnout reports and a Senate seat's joint-session protocol on the wire."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictBool, StringConstraints

from saylau.api.schemas.common import (
    Count,
    Ident,
    Strict,
    Text,
)
from saylau.domain.protocols import AcceptedProtocol, Finding


class SignatureIn(Strict):
    key: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
    value: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{128}$")]


class ProtocolIn(Strict):
    station: Ident
    registered: Count
    ballots_received: Count
    ballots_issued: Count
    ballots_cancelled: Count
    ballots_in_boxes: Count
    invalid: Count
    both_marked: Count = 0
    votes: dict[Ident, Count] = Field(max_length=200)
    correction: StrictBool = False
    corrects: Annotated[int, Field(strict=True, ge=1, le=2**31)] | None = Field(
        default=None, description=(
            "the version this correction corrects (required with `correction`): the station's "
            "current version. A correction of a version that is no longer the latest is "
            "refused with 409 `correction_stale` and kept among the rejections, so two "
            "corrections sent at once never stack"))
    reason: Text | None = Field(default=None, description=(
        "why this correction is made (required with `correction`); a first protocol sent with "
        "a reason is refused, 422 `reason_without_correction`: a reason explains a "
        "correction, and none is ever dropped"))
    signature: SignatureIn | None = None
    """The commission's Ed25519 signature over the canonical bytes of the protocol record's
    {v, type, body} (docs/record.md); required where the election says so."""


class FindingOut(Strict):
    code: str
    severity: str
    field: str
    message: str
    numbers: dict[str, int]
    expected: str = ""
    """What the field should hold, in words."""
    actual: str = ""
    """What it holds, in words."""

    @staticmethod
    def of(f: Finding) -> FindingOut:
        return FindingOut(code=f.code, severity=f.severity.value, field=f.field,
                          message=f.message, numbers=dict(f.numbers), expected=f.expected,
                          actual=f.actual)


class ProtocolOut(Strict):
    contest: str
    station: str
    version: int
    registered: int
    ballots_received: int
    ballots_issued: int
    ballots_cancelled: int
    ballots_in_boxes: int
    invalid: int
    both_marked: int
    votes: dict[str, int]
    content_hash: str
    warnings: list[FindingOut]
    submitted_by: str
    submitted_at: str
    reason: str | None

    @staticmethod
    def of(p: AcceptedProtocol) -> ProtocolOut:
        c = p.counts
        return ProtocolOut(
            contest=p.contest, station=p.station, version=p.version, registered=c.registered,
            ballots_received=c.ballots_received, ballots_issued=c.ballots_issued,
            ballots_cancelled=c.ballots_cancelled, ballots_in_boxes=c.ballots_in_boxes,
            invalid=c.invalid, both_marked=c.both_marked, votes=dict(c.votes),
            content_hash=p.content_hash, warnings=[FindingOut.of(w) for w in p.warnings],
            submitted_by=p.submitted_by, submitted_at=p.submitted_at.isoformat(),
            reason=p.reason,
        )


class SubmissionOut(Strict):
    status: str
    protocol: ProtocolOut
    findings: list[FindingOut]


class TurnoutIn(Strict):
    station: Ident
    at: Annotated[str, StringConstraints(min_length=4, max_length=8)]
    ballots_issued: Count


class TurnoutBatchIn(Strict):
    reports: list[TurnoutIn] = Field(min_length=1, max_length=50_000)


class TurnoutBatchOut(Strict):
    stored: int
    unchanged: int


class TurnoutOut(Strict):
    status: str
    contest: str
    station: str
    at: str
    ballots_issued: int


class SessionIn(Strict):
    round: Annotated[int, Field(strict=True, ge=1, le=2)] = 1
    electors: Count
    electors_present: Count
    invalid: Count = 0
    votes: dict[Ident, Count] = Field(max_length=200)
    correction: StrictBool = False
    corrects: Annotated[int, Field(strict=True, ge=1, le=2**31)] | None = Field(
        default=None, description="the version this correction corrects (required with "
        "`correction`); another than the latest is refused with 409 `correction_stale`")
    reason: Text | None = Field(default=None, description=(
        "why this correction is made (required with `correction`); refused on a round's first "
        "protocol (422 `reason_without_correction`)"))
