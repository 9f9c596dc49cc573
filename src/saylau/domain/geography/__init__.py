"""The electoral geography: a tree of units of any depth.

The root is the country; its children are the top-level units (regions, cities of republican
significance, the capital), the units that the two-thirds rule of constitutional referendums
counts and that each send two elected senators. Below them: districts of any depth, then
polling stations, the leaves, each with the number of voters on its list. Stations abroad
belong to the capital's unit (Constitutional Law on the Republican Referendum; docs/law.md
§3.7) and carry `abroad=True`.

`Geography` indexes the tree once (parents, children, depth order, each station's top-level
unit) so that tallies over a million stations stay vectorised.
"""

from __future__ import annotations

from saylau.domain.geography.problems import (
    limit_problems,
    structural_problems,
)
from saylau.domain.geography.tree import (
    Geography,
)
from saylau.domain.geography.units import (
    TOP_LEVEL_KINDS,
    GeographyProblem,
    Unit,
    UnitKind,
)

__all__ = [
    "TOP_LEVEL_KINDS",
    "Geography",
    "GeographyProblem",
    "Unit",
    "UnitKind",
    "limit_problems",
    "structural_problems",
]
