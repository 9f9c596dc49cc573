"""Vega-Lite specifications of the integrity page's charts (issue 14), in the style of
web/charts.py: the turnout x winner's-share fingerprint (a heatmap, viridis), the
integer-percentage histogram with its null band (observed points over the expected count
+- 2 SD), and the quick count's intervals against the official figures.

Every chart has its numbers in a table beside it on the page; the caveat goes with them:
signals that warrant a look, not proof of fraud.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Spec = dict[str, Any]
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"


def _base(description: str, height: int) -> Spec:
    return {
        "$schema": SCHEMA, "description": description, "width": "container",
        "height": height, "autosize": {"type": "fit", "contains": "padding"},
        "background": None,
    }


def fingerprint_chart(histogram: Sequence[Sequence[int]], *, x_title: str, y_title: str,
                      description: str) -> Spec:
    """Stations per 1% x 1% cell of turnout (x) and the winner's share (y); empty cells
    left out; colour on a log scale (a few cells hold thousands)."""
    bins = len(histogram)
    values = [{"turnout": (i + 0.5) * 100 / bins, "share": (j + 0.5) * 100 / bins,
               "stations": int(c)}
              for i, row in enumerate(histogram) for j, c in enumerate(row) if c]
    step = 100 / bins
    return {
        **_base(description, 360),
        "data": {"values": values},
        "mark": {"type": "rect", "width": {"band": 1}},
        "encoding": {
            "x": {"field": "turnout", "type": "quantitative", "bin": {"step": step},
                  "scale": {"domain": [0, 100]}, "title": x_title},
            "y": {"field": "share", "type": "quantitative", "bin": {"step": step},
                  "scale": {"domain": [0, 100]}, "title": y_title},
            "color": {"field": "stations", "type": "quantitative",
                      "scale": {"type": "log", "scheme": "viridis"}},
            "tooltip": [{"field": "turnout", "type": "quantitative", "format": ".1f"},
                        {"field": "share", "type": "quantitative", "format": ".1f"},
                        {"field": "stations", "type": "quantitative"}],
        },
    }


def integer_chart(by_integer: Mapping[str, Sequence[float]], which: str, *, x_title: str,
                  y_title: str, band_title: str, description: str) -> Spec:
    """Stations in each integer bin (points) against the binomial null: the expected count
    (line) and +- 2 SD (band). `which` is 'turnout' or 'leader'."""
    ints = by_integer["integer"]
    obs = by_integer[f"{which}_observed"]
    exp = by_integer[f"{which}_expected"]
    sd = by_integer[f"{which}_sd"]
    values = [{"percent": m, "observed": o, "expected": e, "low": max(e - 2 * s, 0.0),
               "high": e + 2 * s}
              for m, o, e, s in zip(ints, obs, exp, sd, strict=True)]
    x = {"field": "percent", "type": "quantitative", "title": x_title,
         "scale": {"domain": [0, 100]}}
    return {
        **_base(description, 260),
        "data": {"values": values},
        "layer": [
            {"mark": {"type": "area", "opacity": 0.3, "color": "#56B4E9"},
             "encoding": {"x": x, "y": {"field": "low", "type": "quantitative",
                                        "title": y_title},
                          "y2": {"field": "high"}}},
            {"mark": {"type": "line", "color": "#0072B2"},
             "encoding": {"x": x, "y": {"field": "expected", "type": "quantitative"}}},
            {"mark": {"type": "point", "filled": True, "color": "#D55E00"},
             "encoding": {"x": x, "y": {"field": "observed", "type": "quantitative"},
                          "tooltip": [{"field": "percent", "type": "quantitative"},
                                      {"field": "observed", "type": "quantitative"},
                                      {"field": "expected", "type": "quantitative",
                                       "format": ".1f", "title": band_title}]}},
        ],
    }


def quick_count_chart(rows: Sequence[Mapping[str, Any]], *, x_title: str,
                      description: str) -> Spec:
    """One row per figure (unit, figure, estimate, low, high, official): the interval as a
    rule, the estimate as a tick, the official figure as a point (red when outside)."""
    values = [{"label": f"{r['unit'] or '*'} {r['figure']}".strip(),
               "estimate": 100 * r["estimate"], "low": 100 * r["low"],
               "high": 100 * r["high"], "official": 100 * r["official"],
               "outside": bool(r["outside"])}
              for r in rows if r.get("low") is not None and r.get("high") is not None]
    y = {"field": "label", "type": "nominal", "title": None, "sort": None}
    return {
        **_base(description, max(60, 22 * len(values))),
        "data": {"values": values},
        "layer": [
            {"mark": {"type": "rule", "color": "#0072B2", "strokeWidth": 3},
             "encoding": {"y": y, "x": {"field": "low", "type": "quantitative",
                                        "title": x_title}, "x2": {"field": "high"}}},
            {"mark": {"type": "tick", "color": "#0072B2"},
             "encoding": {"y": y, "x": {"field": "estimate", "type": "quantitative"}}},
            {"mark": {"type": "point", "filled": True},
             "encoding": {"y": y, "x": {"field": "official", "type": "quantitative"},
                          "color": {"field": "outside", "type": "nominal",
                                    "scale": {"domain": [False, True],
                                              "range": ["#009E73", "#D55E00"]}}}},
        ],
    }
