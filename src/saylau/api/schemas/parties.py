"""Wire shapes of party registration (issue 13). No shape carries an IIN out: rows name the
last four digits only."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints

from saylau.api.schemas.common import NO_NUL, Ident, NamesIO, Strict, Text
from saylau.domain.parties.rules import BranchReading, InitiativeRegionsReading

Region = Annotated[str, StringConstraints(min_length=1, max_length=16, pattern=NO_NUL)]
IinText = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=NO_NUL)]


class ApplicationIn(Strict):
    id: Ident
    name: NamesIO
    ruleset: Annotated[str, StringConstraints(max_length=16)] = "kz-2022"
    founders: Annotated[int, Field(strict=True, ge=0, le=10_000_000)]
    founder_regions: list[Region] = Field(max_length=64)
    initiative_formed: date | None = None
    congress_held: date | None = None
    submitted_on: date | None = None


class RowChangeIn(Strict):
    """A correction (new values; the IIN given again if it changes) or a withdrawal of one
    row, naming the version it corrects and why."""

    corrects: Annotated[int, Field(strict=True, ge=1)]
    reason: Text
    withdraw: bool = False
    full_name: Text | None = None
    birth_date: Annotated[str, StringConstraints(max_length=32, pattern=NO_NUL)] | None = None
    iin: IinText | None = None
    region: Region | None = None
    joined: Annotated[str, StringConstraints(max_length=32, pattern=NO_NUL)] | None = None
    signature: bool | None = None


class DecideIn(Strict):
    rulesets: list[Annotated[str, StringConstraints(max_length=16)]] = Field(
        default_factory=list, max_length=4)
    record: bool = True
    branches: BranchReading = BranchReading.EVERY_REGION
    initiative_regions: InitiativeRegionsReading = InitiativeRegionsReading.APPLY


class LiquidationIn(Strict):
    reason: Text
