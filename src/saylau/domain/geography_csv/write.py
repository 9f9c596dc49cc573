"""Writing a geography file."""

from __future__ import annotations

from collections.abc import Iterable

from saylau.domain.geography import (
    Geography,
    Unit,
    UnitKind,
)
from saylau.domain.geography_csv.columns import _NEEDS_QUOTES, COLUMNS
from saylau.domain.spreadsheet import escape


def geography_to_csv(geo: Geography) -> str:
    """The geography as CSV text (encode it as UTF-8); `parse_geography_csv` reads it back to
    an equal geography."""
    return units_to_csv(geo.units)


def units_to_csv(units: Iterable[Unit]) -> str:
    """Units as CSV text in the given order, e.g. straight from the generator without building
    a Geography first. Only a valid geography's units read back without problems."""
    station = UnitKind.STATION
    lines = [",".join(COLUMNS)]
    append = lines.append
    for u in units:
        is_station = u.kind is station
        append(
            ",".join(
                (
                    _cell(u.id),
                    _cell(u.parent or ""),
                    u.kind.value,
                    _cell(u.name.kk),
                    _cell(u.name.ru),
                    _cell(u.name.en),
                    _cell(u.code or ""),
                    str(u.registered) if is_station or u.registered else "",
                    "true" if u.abroad else ("false" if is_station else ""),
                )
            )
        )
    append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    """A field as RFC 4180 writes it: quoted when it holds a comma, a quote, CR or LF, after
    a formula's start is neutralised (saylau.domain.spreadsheet; the reader undoes it).
    (The csv module's writer leaves a lone CR unquoted when lines end with LF, which would
    split the record on reading; hence this small writer.)"""
    text = escape(text)
    if _NEEDS_QUOTES.search(text) is None:
        return text
    return '"' + text.replace('"', '""') + '"'
