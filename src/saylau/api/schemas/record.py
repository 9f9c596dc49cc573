"""The record's wire shapes: a commission's key registered, a key revoked."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from saylau.api.schemas.common import (
    NO_NUL,
    Ident,
    Strict,
)
from saylau.domain.limits import MAX_TEXT


class KeyIn(Strict):
    unit: Ident
    public_key: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class RevocationIn(Strict):
    reason: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT,
                                             pattern=NO_NUL)]
