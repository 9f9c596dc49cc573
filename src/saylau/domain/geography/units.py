"""The units of the geography: kinds, the unit itself, and a problem with one."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from saylau.domain.ids import UnitId
from saylau.domain.names import Names


class UnitKind(StrEnum):
    COUNTRY = "country"
    REGION = "region"
    """A top-level oblys."""
    CITY = "city"
    """A top-level city of republican significance (Almaty, Shymkent) or the capital."""
    DISTRICT = "district"
    """Any intermediate unit: district (audan), city district, territorial commission area."""
    STATION = "station"
    """A polling station: a leaf with a voter list."""


TOP_LEVEL_KINDS = frozenset({UnitKind.REGION, UnitKind.CITY})


@dataclass(frozen=True, slots=True)
class Unit:
    """One node of the geography."""

    id: UnitId
    parent: UnitId | None
    kind: UnitKind
    name: Names
    code: str | None = None
    """ISO 3166-2 code for top-level units (e.g. 'KZ-71' for Astana), else None."""
    registered: int = 0
    """Voters on the station's list (stations only; 0 for other units)."""
    abroad: bool = False
    """A station abroad (it belongs to the capital's unit)."""

    @property
    def is_station(self) -> bool:
        return self.kind is UnitKind.STATION


@dataclass(frozen=True, slots=True)
class GeographyProblem:
    """One structural problem of a set of units; `line` is the input line when known."""

    unit: str
    field: str
    expected: str
    actual: str
    message: str
    line: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "unit": self.unit,
            "field": self.field,
            "expected": self.expected,
            "actual": self.actual,
            "message": self.message,
        }
