"""Risk-limiting audits' wire shapes (issue 15): an audit begun, stations assigned, the seed
ceremony, a sample, a hand count."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from saylau.api.schemas.common import NO_NUL, Ident, Strict

Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_NUL)]


class AuditIn(Strict):
    contest: Ident
    risk_limit: Annotated[str, StringConstraints(pattern=r"^0\.[0-9]{1,6}$")] = "0.05"
    max_rounds: Annotated[int, Field(ge=1, le=20)] = 2
    kind: Literal["batch-comparison", "ballot-polling"] = "batch-comparison"
    method: Literal["bravo", "minerva"] | None = None
    """Ballot polling's risk measure (default Minerva); none for a batch comparison."""


class AssignmentIn(Strict):
    auditor: Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=NO_NUL)]
    stations: Annotated[list[Ident], Field(min_length=1, max_length=100_000)]


class SeedIn(Strict):
    dice: Annotated[list[Annotated[int, Field(ge=0, le=9)]], Field(min_length=20,
                                                                    max_length=200)]
    observers: Annotated[list[Name], Field(min_length=1, max_length=50)]


class SampleIn(Strict):
    draws: Annotated[int, Field(ge=1, le=100_000)]


class CountIn(Strict):
    station: Ident
    counts: dict[Ident, Annotated[int, Field(ge=0, le=10_000_000)]]


Place = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{0,8}$")]


class ReadingsIn(Strict):
    """A ballot-polling audit: the categories of a station's drawn ballots, by their place in
    the station's stack."""

    station: Ident
    readings: Annotated[dict[Place, Ident], Field(min_length=1, max_length=10_000)]
