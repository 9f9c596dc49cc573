"""What every wire shape shares: strict models, names in three languages, the limits of
an id, a text and a count."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from saylau.domain.limits import MAX_ID, MAX_TEXT
from saylau.domain.names import Names

Count = Annotated[int, Field(strict=True, ge=-(2**62), le=2**62)]
"""A count on the wire: a JSON integer (not a string or a float). Range and sign are judged
by the protocol checks, which name the field and the numbers."""

NO_NUL = r"^[^\x00]*$"
"""PostgreSQL text cannot hold NUL characters: they are refused on the wire, naming the field."""
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT, pattern=NO_NUL)]
"""A name or a text as it comes in: saylau.domain.limits, the same limit as every other entry.
Responses are never stricter: their strings are plain `str` (NamesOut)."""
Ident = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ID, pattern=NO_NUL)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NamesIO(Strict):
    """A name in kk, ru and en as it comes in (each at most MAX_TEXT characters)."""

    kk: Text
    ru: Text
    en: Text

    def to_domain(self) -> Names:
        return Names(kk=self.kk, ru=self.ru, en=self.en)


class NamesOut(Strict):
    """A name as it goes out: whatever was stored, never refused on the way out."""

    kk: str
    ru: str
    en: str

    @staticmethod
    def of(n: Names) -> NamesOut:
        return NamesOut(kk=n.kk, ru=n.ru, en=n.en)
