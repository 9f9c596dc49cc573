"""Units, elections and contests on the wire, and the bodies that create elections."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from saylau.api.schemas.common import (
    Ident,
    NamesIO,
    NamesOut,
    Strict,
    Text,
)
from saylau.domain.contests import Contest, Election
from saylau.domain.geography import Unit


class UnitOut(Strict):
    id: str
    parent: str | None
    kind: str
    name: NamesOut
    code: str | None
    registered: int
    abroad: bool

    @staticmethod
    def of(u: Unit) -> UnitOut:
        return UnitOut(id=u.id, parent=u.parent, kind=u.kind.value, name=NamesOut.of(u.name),
                       code=u.code, registered=u.registered, abroad=u.abroad)


class UnitTreeOut(Strict):
    unit: UnitOut
    children: list[UnitOut]
    stations_below: int


class OptionOut(Strict):
    id: str
    name: NamesOut
    kind: str
    registration_order: int | None


class ContestOut(Strict):
    id: str
    election: str
    kind: str
    name: NamesOut
    area: str
    options: list[OptionOut]
    constitutional: bool | None

    @staticmethod
    def of(c: Contest) -> ContestOut:
        return ContestOut(
            id=c.id, election=c.election, kind=c.kind.value, name=NamesOut.of(c.name),
            area=c.area,
            options=[OptionOut(id=o.id, name=NamesOut.of(o.name), kind=o.kind.value,
                               registration_order=o.registration_order) for o in c.options],
            constitutional=None if c.referendum is None else c.referendum.constitutional,
        )


class ElectionOut(Strict):
    id: str
    name: NamesOut
    ruleset: str
    date: str
    signatures: str
    """'required' or 'optional' (SignaturesField)."""
    contests: list[ContestOut]

    @staticmethod
    def of(e: Election, contests: list[Contest]) -> ElectionOut:
        return ElectionOut(id=e.id, name=NamesOut.of(e.name), ruleset=e.ruleset.value,
                           date=e.date, signatures=e.signatures.value,
                           contests=[ContestOut.of(c) for c in contests])


SignaturesField = Annotated[Literal["required", "optional"], Field(description=(
    "'required': every protocol must carry the signature of a registered commission key of "
    "its station or a unit above it; 'optional' (the default): unsigned protocols are taken, "
    "except from a station whose own commission key is registered, which must sign "
    "(docs/record.md)"))]


class ReferendumIn(Strict):
    id: Ident
    name: NamesIO
    ruleset: Ident = "kz-2022"
    date: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    signatures: SignaturesField = "optional"
    question: NamesIO
    constitutional: bool


class PartyIn(Strict):
    id: Ident
    name: NamesIO
    registration_order: Annotated[int, Field(strict=True, ge=1, le=10_000)]
    list_names: list[Text] = Field(default_factory=list, max_length=1000)


class CandidateIn(Strict):
    id: Ident
    name: NamesIO
    party: Ident | None = None


class ParliamentIn(Strict):
    id: Ident
    name: NamesIO
    ruleset: Ident = "kz-2022"
    date: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    signatures: SignaturesField = "optional"
    parties: list[PartyIn] = Field(min_length=1, max_length=200)
    candidates: dict[Ident, list[CandidateIn]] = Field(
        default_factory=dict, max_length=1000,
        description="district number (as text, '1'..'29') -> its candidates; the districts "
        "are drawn over the geography (one per top-level unit, the rest by voters)")
    params: dict[Ident, Ident] | None = Field(
        default=None, description="generic ruleset only: seats, threshold (percent), method")


class PresidentialIn(Strict):
    id: Ident
    name: NamesIO
    ruleset: Ident = "kz-2022"
    date: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    signatures: SignaturesField = "optional"
    candidates: list[CandidateIn] = Field(min_length=1, max_length=100)


class SenateIn(Strict):
    id: Ident
    name: NamesIO
    ruleset: Ident = "kz-2022"
    date: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    signatures: SignaturesField = "optional"
    seats: dict[Ident, list[CandidateIn]] = Field(min_length=1, max_length=100)
