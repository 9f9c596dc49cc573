"""What differs between the CEC files the reader maps (2020 here; 2011 and 2012 in
importers/russia2011): the columns, how a precinct is written, which columns add up to the
ballots given and to the ballots in the boxes, the vote columns (the contest's options) and
the contest they are checked against. Everything else (regions, TIKs, stations, messy rows,
saylau's protocol checks) is the one reader's."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from saylau.domain.contests import Contest


@dataclass(frozen=True)
class Layout:
    what: str
    """How messages name the file ("the 2020 file")."""
    columns: tuple[str, ...]
    """region, tik, precinct_id, then the count columns (registered first)."""
    options: tuple[str, ...]
    """The vote columns: the contest's option ids, in the contest's order."""
    precinct: re.Pattern[str]
    """A precinct written so that its number (group 1) makes the station's id (`-U<n>`)."""
    contest: Callable[[str], Contest]
    """The contest of an election id (what the loading service creates)."""
    election_id: str
    in_boxes: tuple[str, ...]
    """Columns whose sum is saylau's ballots in the boxes."""
    given_parts: tuple[str, ...] = ()
    """Columns whose sum must equal `ballots_given` (checked; none: not checked)."""
    votes_label: str = "the vote columns"
    """How messages name the sum of the vote columns ("yes + no")."""

    @property
    def name_columns(self) -> tuple[str, ...]:
        return self.columns[:3]

    @property
    def count_columns(self) -> tuple[str, ...]:
        return self.columns[3:]

    @property
    def in_boxes_field(self) -> str:
        """The file's column(s) a report names for saylau's ballots in the boxes."""
        return " + ".join(self.in_boxes)

    def expected(self, code: str) -> str | None:
        """What a failed protocol check expected, in the file's own words."""
        return {
            "boxes.exceed_issued": f"{self.in_boxes_field} <= ballots_given",
            "issued.exceed_registered": "ballots_given <= registered",
            "boxes.sum_mismatch": f"{self.in_boxes_field} = invalid + {self.votes_label}",
            "count.too_large": "a count of at most 1,000,000,000",
        }.get(code)
