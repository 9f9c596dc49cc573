"""Render the views to HTML, in one language, with links for the live site or for a snapshot.

One Jinja environment per language (autoescaping every value; gettext from the language's
catalog). Links are an interface: the live site links to its routes, the static snapshot to
relative files, so the same templates serve both.

`links` (where links go), `helpers` (labels, template helpers, environments, colours), one
module per page beyond that: `unit` (a unit, the country included), `pages` (a station, a
contest, the list of elections, the chooser, an error). Every name is importable from here as
before the split.
"""

from saylau.web.render.helpers import (
    CHAMBERS,
    CHECK_LABELS,
    CHILDREN_OF,
    CONTEST_KINDS,
    COUNT_LABELS,
    FINDINGS,
    OUTCOMES,
    REFERENDUM_STATES,
    SEAT_KEYS,
    UNIT_KINDS,
    Chart,
    Helpers,
    colours,
    environment,
    page_context,
    vega_locale,
)
from saylau.web.render.links import Links, ServerLinks, StaticLinks, file_name, q
from saylau.web.render.pages import (
    render_chooser,
    render_contest,
    render_elections,
    render_error,
    render_station,
)
from saylau.web.render.unit import UnitRow, hemicycle_svg, render_unit, unit_charts, unit_rows

__all__ = [
    "CHAMBERS", "CHECK_LABELS", "CHILDREN_OF", "CONTEST_KINDS", "COUNT_LABELS", "FINDINGS",
    "OUTCOMES", "REFERENDUM_STATES", "SEAT_KEYS", "UNIT_KINDS", "Chart", "Helpers", "Links",
    "ServerLinks", "StaticLinks", "UnitRow", "colours", "environment", "file_name",
    "hemicycle_svg", "page_context", "q", "render_chooser", "render_contest",
    "render_elections", "render_error", "render_station", "render_unit", "unit_charts",
    "unit_rows", "vega_locale",
]
