"""The columns of a geography file and the patterns its values follow."""

from __future__ import annotations

import re

from saylau.domain.geography import (
    UnitKind,
)

COLUMNS: tuple[str, ...] = (
    "id",
    "parent",
    "kind",
    "name_kk",
    "name_ru",
    "name_en",
    "code",
    "registered",
    "abroad",
)
"""The columns of a geography file, in the order the export writes them."""

_KINDS = ", ".join(k.value for k in UnitKind)
_INTEGER = re.compile(r"-?[0-9]+", re.ASCII)
_ISO_3166_2 = re.compile(r"[A-Z]{2}-[A-Z0-9]{1,3}", re.ASCII)
_NEEDS_QUOTES = re.compile(r'[,"\r\n]')
_SHOWN = 60  # how much of a bad value a message quotes
