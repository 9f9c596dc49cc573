"""The file mapped: its protocols as columns, every problem and note with its line, and what
to do with the bad rows."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from saylau.domain.contests import Contest
from saylau.domain.geography import Geography, UnitKind
from saylau.domain.ids import OptionId, StationId
from saylau.domain.protocols import (
    COUNT_FIELDS,
    ProtocolCounts,
)


class OnBadRows(StrEnum):
    """What to do with rows that cannot be imported as they are."""

    STRICT = "strict"
    """Refuse the whole file, listing every bad row; nothing is stored."""
    SKIP = "skip"
    """Import the other rows; list the bad ones in the report."""
    REJECT = "reject"
    """As skip, and record each row that fails saylau's checks as a rejected protocol."""


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One thing wrong (or, as a note, worth knowing) about one row of the file."""

    line: int
    station: str | None
    """The station's id when the row got that far."""
    field: str
    """The file's column (or `row`)."""
    code: str
    expected: str
    actual: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line, "station": self.station, "field": self.field, "code": self.code,
            "expected": self.expected, "actual": self.actual, "message": self.message,
        }


@dataclass(frozen=True)
class ProtocolRows:
    """Mapped protocols as columns: `counts` has COUNT_FIELDS + the options (yes, no)."""

    lines: npt.NDArray[np.int64]
    stations: tuple[StationId, ...]
    counts: npt.NDArray[np.int64]
    options: tuple[OptionId, ...]

    def __len__(self) -> int:
        return len(self.stations)

    def row(self, k: int) -> ProtocolCounts:
        reg, rec, iss, can, box, inv, both, *votes = (int(x) for x in self.counts[k])
        return ProtocolCounts.of(
            registered=reg, ballots_received=rec, ballots_issued=iss, ballots_cancelled=can,
            ballots_in_boxes=box, invalid=inv, both_marked=both,
            votes=list(zip(self.options, votes, strict=True)),
        )

    def take(self, mask: npt.NDArray[np.bool_]) -> ProtocolRows:
        keep = np.flatnonzero(mask)
        return ProtocolRows(self.lines[keep], tuple(self.stations[int(k)] for k in keep),
                            self.counts[keep], self.options)


@dataclass(frozen=True)
class RussiaMapping:
    """The file mapped: the geography, the contest, protocols that pass every check, the rows
    that fail saylau's checks (whole protocols, recordable as rejections), every problem and
    every note, each with its line."""

    geography: Geography
    contest: Contest
    accepted: ProtocolRows
    failed_checks: ProtocolRows
    problems: tuple[RowProblem, ...]
    notes: tuple[RowProblem, ...]
    rows: int
    """Data rows read (blank lines not counted)."""

    @property
    def bad_lines(self) -> tuple[int, ...]:
        """The lines of the rows that are not imported as they are, ascending."""
        return tuple(sorted({p.line for p in self.problems}))

    def protocols_csv(self) -> bytes:
        """The accepted protocols in saylau's protocol CSV format (`saylau protocols import`)."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["station", *COUNT_FIELDS, *self.accepted.options])
        counts = self.accepted.counts.tolist()
        for station, c in zip(self.accepted.stations, counts, strict=True):
            w.writerow([station, *c])
        return buf.getvalue().encode("utf-8")

    def report(self) -> dict[str, object]:
        """Everything the mapping found, as plain data (the CLI's --report file)."""
        g = self.geography
        return {
            "rows": self.rows,
            "regions": len(g.children[g.root.id]),
            "districts": sum(1 for u in g.units if u.kind is UnitKind.DISTRICT),
            "stations": len(g.station_indices),
            "protocols_accepted": len(self.accepted),
            "protocols_failing_checks": len(self.failed_checks),
            "bad_rows": len(self.bad_lines),
            "problems": [p.as_dict() for p in self.problems],
            "notes": [p.as_dict() for p in self.notes],
        }
