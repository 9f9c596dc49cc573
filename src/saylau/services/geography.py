"""Load and export the electoral geography."""

from __future__ import annotations

from saylau.domain.errors import Conflict, ValidationFailed
from saylau.domain.geography import Geography, limit_problems
from saylau.domain.geography.columns import columns_of
from saylau.services import logs
from saylau.services.context import Saylau
from saylau.store import geography as geography_store
from saylau.store import snapshots


def load_geography(app: Saylau, geo: Geography, *, by: str = "operator") -> int:
    """Store a validated geography in an empty database; returns the number of units.

    The geography is the frame every protocol refers to, so it is loaded once: a second
    import is a Conflict (nothing is replaced or lost). Ids and names beyond the limits
    (saylau.domain.limits) are refused, however the geography was made."""
    problems = limit_problems(geo.units)
    if problems:
        raise ValidationFailed(
            f"the geography has {len(problems)} id(s) or name(s) that cannot be stored; "
            f"nothing was loaded; first: {problems[0].message}", code="geography_invalid",
            details={"problems": [p.as_dict() for p in problems]})
    with app.write() as conn:
        existing = geography_store.unit_count(conn)
        if existing:
            raise Conflict(
                f"a geography of {existing:,} units is already loaded; saylau never replaces "
                "it (protocols refer to it). Start a new database to load another one.",
                code="geography_exists",
                details={"units": existing},
            )
        geography_store.insert_units(conn, geo.units)
        snapshots.write(conn, snapshots.GEOGRAPHY, len(geo.units),
                        snapshots.encode_geography(columns_of(geo)))
        logs.log_action(conn, app, logs.Action.GEOGRAPHY_LOADED, by, units=len(geo.units),
                        stations=len(geo.station_indices))
    return len(geo.units)
