"""The station figures every integrity test reads: one row per polling station, as integer
columns (votes stay integers), with the station's place in the geography.

Built by the importers (real files) or by services/integrity from an election's stored
protocols; the tests never see where they came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from saylau.domain.errors import ValidationFailed, field_error

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class StationFigures:
    """Integer columns, one entry per station, all of the same length.

    - `registered`: voters on the list;
    - `given`: ballots issued (the turnout's numerator; Kobak et al.'s "given");
    - `in_boxes`: ballots found in the boxes, valid + invalid (the leader share's denominator
      in Kobak et al. 2016: "received");
    - `valid`: valid ballots;
    - `votes`: one column per option (party, candidate, yes/no), `options` their names;
    - `leader`: the index in `options` of the option with the most votes nationally (the
      "leader" of the papers), fixed at construction;
    - `units`: per level, the unit of each station (level 0 = top-level units: regions,
      prefectures), as strings, so any test can be run per unit at any level;
    - `stations`: the station ids (for links and the quick count's sample).
    """

    stations: tuple[str, ...]
    registered: IntArray
    given: IntArray
    in_boxes: IntArray
    valid: IntArray
    votes: npt.NDArray[np.int64]
    options: tuple[str, ...]
    units: tuple[tuple[str, ...], ...] = field(default=())
    leader: int = -1

    def __post_init__(self) -> None:
        n = len(self.stations)
        errors = []
        for name in ("registered", "given", "in_boxes", "valid"):
            col = getattr(self, name)
            if col.shape != (n,):
                errors.append(field_error(name, f"{n} entries", f"{col.shape}",
                                          f"{name} must have one entry per station"))
            elif n and int(col.min()) < 0:
                errors.append(field_error(name, ">= 0", int(col.min()),
                                          f"{name} holds a negative count"))
        if self.votes.shape != (n, len(self.options)):
            errors.append(field_error("votes", f"({n}, {len(self.options)})",
                                      f"{self.votes.shape}", "one vote column per option"))
        for level, col in enumerate(self.units):
            if len(col) != n:
                errors.append(field_error(f"units[{level}]", f"{n} entries", len(col),
                                          "one unit per station at each level"))
        if errors:
            raise ValidationFailed("the station figures are inconsistent",
                                   code="integrity_figures", details={"errors": errors})
        if self.leader < 0 and self.options:
            totals = self.votes.sum(axis=0)
            object.__setattr__(self, "leader", int(np.argmax(totals)))

    def __len__(self) -> int:
        return len(self.stations)

    @property
    def leader_votes(self) -> IntArray:
        return self.votes[:, self.leader]

    @property
    def leader_name(self) -> str:
        return self.options[self.leader]

    def take(self, mask: npt.NDArray[np.bool_]) -> StationFigures:
        """The stations where `mask` holds (the same leader)."""
        keep = np.flatnonzero(mask)
        return StationFigures(
            stations=tuple(self.stations[int(k)] for k in keep),
            registered=self.registered[keep], given=self.given[keep],
            in_boxes=self.in_boxes[keep], valid=self.valid[keep], votes=self.votes[keep],
            options=self.options,
            units=tuple(tuple(col[int(k)] for k in keep) for col in self.units),
            leader=self.leader,
        )

    def unit_names(self, level: int) -> tuple[str, ...]:
        """The distinct units at `level`, in order of first appearance."""
        return tuple(dict.fromkeys(self.units[level]))

    def by_unit(self, level: int) -> dict[str, StationFigures]:
        """The stations of each unit at `level` (0 = top-level units)."""
        if level >= len(self.units):
            raise ValidationFailed(
                f"no unit level {level}: these figures have {len(self.units)} level(s)",
                code="integrity_level",
                details=field_error("level", f"< {len(self.units)}", level, "no such level"))
        col = np.array(self.units[level], dtype=object)
        return {u: self.take(col == u) for u in self.unit_names(level)}


def figures_of(
    *,
    stations: list[str] | tuple[str, ...],
    registered: list[int] | IntArray,
    given: list[int] | IntArray,
    in_boxes: list[int] | IntArray,
    valid: list[int] | IntArray,
    votes: list[list[int]] | npt.NDArray[np.int64],
    options: list[str] | tuple[str, ...],
    units: list[list[str]] | tuple[tuple[str, ...], ...] = (),
) -> StationFigures:
    """StationFigures from plain lists (tests, services)."""
    n = len(stations)
    v = np.asarray(votes, dtype=np.int64).reshape(n, len(options))
    return StationFigures(
        stations=tuple(stations),
        registered=np.asarray(registered, dtype=np.int64),
        given=np.asarray(given, dtype=np.int64),
        in_boxes=np.asarray(in_boxes, dtype=np.int64),
        valid=np.asarray(valid, dtype=np.int64),
        votes=v, options=tuple(options),
        units=tuple(tuple(col) for col in units),
    )
