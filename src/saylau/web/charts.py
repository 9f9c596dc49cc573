"""Vega-Lite specifications of the pages' charts, built here from the views.

Every chart is drawn in the browser by the vendored Vega (no eval: the CSP-safe expression
interpreter) and has its numbers in a table beside it. Colours read for colour-blind readers:
parties take the Okabe-Ito palette; turnout uses viridis; the yes share a blue-orange diverging
scale centred on one half; "passed the threshold" is blue against grey, and the threshold is
also a marked line with its label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from saylau.domain.contests import Option, OptionKind
from saylau.domain.tally import TurnoutPoint
from saylau.web.i18n import Tr

OKABE_ITO: tuple[str, ...] = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
)
"""Okabe & Ito's palette, distinguishable under the common colour-vision deficiencies."""
NEUTRAL = "#8C8C8C"
"""'Against all', independents and other seats."""
EMPTY = "#E8E8E8"
PASSED = "#0072B2"
NOT_PASSED = "#BDBDBD"
THRESHOLD = "#D55E00"

Spec = dict[str, Any]


def option_colour(option: Option | None, options: Sequence[Option]) -> str:
    """A party's or candidate's colour: by its place on the ballot, the same on every chart."""
    if option is None or option.kind is OptionKind.AGAINST_ALL:
        return NEUTRAL
    choices = [o.id for o in options if o.kind is OptionKind.CHOICE]
    k = choices.index(option.id) if option.id in choices else len(choices)
    return OKABE_ITO[k % len(OKABE_ITO)]


def compact_places(share: Fraction) -> int:
    """Decimals a legal percentage needs: 5% -> 0, 3.5% -> 2."""
    return 0 if (share * 100).denominator == 1 else 2


def _f(x: Fraction) -> float:
    """A share for drawing only (the page's numbers come from the exact value)."""
    return float(x)


def _base(description: str, height: int) -> Spec:
    return {
        "description": description,
        "width": "container",
        "height": height,
        "autosize": {"type": "fit", "contains": "padding"},
        "background": None,
        "config": {"view": {"stroke": None}, "font": "system-ui, sans-serif",
                   "axis": {"labelFontSize": 12, "titleFontSize": 12},
                   "legend": {"labelFontSize": 12, "titleFontSize": 12}},
    }


def turnout_line(points: Sequence[TurnoutPoint], t: Tr) -> Spec:
    """Turnout through the day: ballots issued so far over the voters on the lists."""
    values = [{"at": t.time(p.at), "turnout": _f(p.turnout), "label": t.pct(p.turnout),
               "stations": f"{t.num(p.stations_reporting)} / {t.num(p.stations_expected)}"}
              for p in points]
    spec = _base(t.gettext("Line chart of turnout through the day; the table below gives "
                           "the same figures."), 220)
    spec.update({
        "data": {"values": values},
        "mark": {"type": "line", "point": {"filled": True, "size": 60}, "color": PASSED,
                 "strokeWidth": 2.5},
        "encoding": {
            "x": {"field": "at", "type": "ordinal", "sort": None,
                  "title": t.gettext("Time"), "axis": {"labelAngle": 0}},
            "y": {"field": "turnout", "type": "quantitative", "title": t.gettext("Turnout"),
                  "axis": {"format": ".0%"}, "scale": {"domain": [0, 1]}},
            "tooltip": [{"field": "at", "title": t.gettext("Time")},
                        {"field": "label", "title": t.gettext("Turnout")},
                        {"field": "stations", "title": t.gettext("Stations reporting")}],
        },
    })
    return spec


@dataclass(frozen=True)
class MapRow:
    code: str
    name: str
    href: str
    value: float | None
    """A share (0..1) for the quantitative maps; None when nothing is reported yet."""
    label: str
    category: str | None = None
    """The leading party or candidate (nominal maps)."""


def _map(rows: Sequence[MapRow], geo_url: str, description: str, colour: Spec,
         tooltip_title: str, t: Tr) -> Spec:
    spec = _base(description, 340)
    values = [{"code": r.code, "name": r.name, "href": r.href, "value": r.value,
               "label": r.label, "category": r.category} for r in rows]
    shapes = {"url": geo_url, "format": {"type": "json", "property": "features"}}
    lookup = {"lookup": "properties.iso3166_2",
              "from": {"data": {"values": values}, "key": "code",
                       "fields": ["name", "href", "value", "label", "category"]}}
    field = "category" if colour.get("type") == "nominal" else "value"
    spec.update({
        "data": shapes,
        "projection": {"type": "conicConformal", "rotate": [-67, 0], "parallels": [44, 52]},
        "layer": [
            {"transform": [lookup],
             "mark": {"type": "geoshape", "fill": EMPTY, "stroke": "#ffffff",
                      "strokeWidth": 0.8},
             "encoding": {"tooltip": [{"field": "name", "title": t.gettext("Unit")}]}},
            {"transform": [lookup, {"filter": f"isValid(datum.{field})"}],
             "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.8,
                      "cursor": "pointer"},
             "encoding": {
                 "color": colour,
                 "href": {"field": "href"},
                 "tooltip": [{"field": "name", "title": t.gettext("Unit")},
                             {"field": "label", "title": tooltip_title}],
             }},
        ],
    })
    return spec


def turnout_map(rows: Sequence[MapRow], geo_url: str, t: Tr) -> Spec:
    return _map(rows, geo_url,
                t.gettext("Map of turnout by top-level unit; the table below gives the same "
                          "figures."),
                {"field": "value", "type": "quantitative", "title": t.gettext("Turnout"),
                 "scale": {"scheme": "viridis", "reverse": True},
                 "legend": {"format": ".0%", "orient": "bottom", "gradientLength": 220}},
                t.gettext("Turnout"), t)


def yes_map(rows: Sequence[MapRow], geo_url: str, t: Tr) -> Spec:
    return _map(rows, geo_url,
                t.gettext("Map of the yes share by top-level unit; the table below gives the "
                          "same figures."),
                {"field": "value", "type": "quantitative", "title": t.gettext("Yes share"),
                 "scale": {"scheme": "blueorange", "domainMid": 0.5, "reverse": True},
                 "legend": {"format": ".0%", "orient": "bottom", "gradientLength": 220}},
                t.gettext("Yes share"), t)


def coverage_map(rows: Sequence[MapRow], geo_url: str, t: Tr) -> Spec:
    """The observation missions' coverage: each top-level unit coloured by the share of its
    stations with at least one observer deployed (issue 12)."""
    return _map(rows, geo_url,
                t.gettext("Map of the share of stations with an observer deployed, by "
                          "top-level unit; the table beside it gives the same figures."),
                {"field": "value", "type": "quantitative",
                 "title": t.gettext("Stations covered"),
                 "scale": {"scheme": "greens", "domain": [0, 1]},
                 "legend": {"format": ".0%", "orient": "bottom", "gradientLength": 220}},
                t.gettext("Stations covered"), t)


def category_map(rows: Sequence[MapRow], geo_url: str, categories: Sequence[tuple[str, str]],
                 title: str, description: str, t: Tr) -> Spec:
    """A map coloured by a nominal value (the leading party, the district winners' party):
    `categories` gives each label its colour, in legend order."""
    return _map(rows, geo_url, description,
                {"field": "category", "type": "nominal", "title": title,
                 "scale": {"domain": [c for c, _ in categories],
                           "range": [colour for _, colour in categories]},
                 "legend": {"orient": "bottom", "columns": 2, "labelLimit": 260}},
                title, t)


@dataclass(frozen=True)
class ListBar:
    name: str
    share: Fraction
    label: str
    passed: bool


def list_bars(rows: Sequence[ListBar], threshold: Fraction, t: Tr) -> Spec:
    """Party lists' shares of the threshold base, with the threshold drawn and labelled."""
    passed, failed = t.gettext("Passed the threshold"), t.gettext("Below the threshold")
    values = [{"party": r.name, "share": _f(r.share), "label": r.label,
               "status": passed if r.passed else failed} for r in rows]
    spec = _base(t.gettext("Bar chart of the party lists' shares with the threshold marked; "
                           "the table below gives the same figures."),
                 max(120, 34 * len(rows)))
    spec.update({
        "data": {"values": values},
        "layer": [
            {"mark": {"type": "bar", "cornerRadiusEnd": 2},
             "encoding": {
                 "y": {"field": "party", "type": "nominal", "sort": "-x", "title": None,
                       "axis": {"labelLimit": 180}},
                 "x": {"field": "share", "type": "quantitative",
                       "title": t.gettext("Share; the dashed line is the threshold, %(share)s")
                       % {"share": t.pct(threshold, compact_places(threshold))},
                       "axis": {"format": ".0%"}},
                 "color": {"field": "status", "type": "nominal", "title": None,
                           "scale": {"domain": [passed, failed],
                                     "range": [PASSED, NOT_PASSED]},
                           "legend": {"orient": "bottom"}},
                 "tooltip": [{"field": "party", "title": t.gettext("Party")},
                             {"field": "label", "title": t.gettext("Share")}],
             }},
            {"data": {"values": [{"threshold": _f(threshold)}]},
             "mark": {"type": "rule", "color": THRESHOLD, "strokeWidth": 2.5,
                      "strokeDash": [6, 3]},
             "encoding": {"x": {"field": "threshold", "type": "quantitative"}}},
        ],
    })
    return spec
