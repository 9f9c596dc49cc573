"""The parliament chart: a chamber's seats in a half circle, computed here as SVG.

Seats sit on concentric arcs; each arc holds seats in proportion to its length, so spacing is
even. Seats are then dealt out by angle from the left, so each party holds one wedge, in the
order given. The SVG needs no script and no style sheet (fills are attributes), carries a title
and a description for screen readers, and every seat names its party in a <title>.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

INNER = 0.38
"""Radius of the innermost arc, the outer one being 1."""


@dataclass(frozen=True, slots=True)
class SeatPoint:
    x: float
    y: float
    """Upwards from the chamber's floor (SVG y is this, negated)."""
    angle: float


def rows_for(n: int) -> int:
    """How many arcs a chamber of `n` seats gets: 98 -> 6, 145 -> 7, 10 -> 2."""
    return max(1, round(math.sqrt(n / 3)))


def layout(n: int, rows: int | None = None) -> list[SeatPoint]:
    """Positions of `n` seats, ordered left to right (then inner to outer)."""
    if n <= 0:
        return []
    r = rows if rows is not None else rows_for(n)
    r = min(r, n)
    radii = [INNER + (1 - INNER) * (i / (r - 1) if r > 1 else 1.0) for i in range(r)]
    total = sum(radii)
    counts = [int(n * rad / total) for rad in radii]
    # seats left over go to the arcs whose share lost most to rounding down
    left = n - sum(counts)
    order = sorted(range(r), key=lambda i: -(n * radii[i] / total - counts[i]))
    for i in order[:left]:
        counts[i] += 1
    points: list[SeatPoint] = []
    for rad, k in zip(radii, counts, strict=True):
        for j in range(k):
            angle = math.pi * (1 - (j / (k - 1) if k > 1 else 0.5))
            points.append(SeatPoint(rad * math.cos(angle), rad * math.sin(angle), angle))
    points.sort(key=lambda p: (-round(p.angle, 9), math.hypot(p.x, p.y)))
    return points


def seat_radius(n: int, rows: int | None = None) -> float:
    r = rows if rows is not None else rows_for(n)
    radial = (1 - INNER) / max(1, r - 1) if r > 1 else 0.3
    arc = math.pi * (1 + INNER) / 2 * r / max(1, n) if n else 0.3
    return 0.42 * min(radial, arc, 0.25)


@dataclass(frozen=True, slots=True)
class SeatGroup:
    label: str
    """The party's name (or 'Vacant', 'Awaiting protocols') shown in the seat's title."""
    seats: int
    fill: str
    outline: bool = False
    """Draw as an empty ring (seats not yet decided)."""


def svg(groups: Sequence[SeatGroup], *, title: str, description: str, total_label: str,
        element_id: str = "hemicycle") -> str:
    """The chart as an SVG element (all text escaped)."""
    n = sum(g.seats for g in groups)
    points = layout(n)
    rad = seat_radius(n)
    parts: list[str] = [
        f'<svg id="{escape(element_id)}" class="hemicycle" viewBox="-1.06 -1.06 2.12 1.14" '
        f'role="img" aria-labelledby="{escape(element_id)}-title {escape(element_id)}-desc" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(element_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(element_id)}-desc">{escape(description)}</desc>',
    ]
    k = 0
    for g in groups:
        parts.append(f'<g aria-label="{escape(g.label)}: {g.seats}">')
        for _ in range(g.seats):
            p = points[k]
            k += 1
            if g.outline:
                paint = f'fill="#ffffff" stroke="{escape(g.fill)}" stroke-width="{rad / 3:.4f}"'
            else:
                paint = f'fill="{escape(g.fill)}" stroke="#333333" stroke-width="{rad / 12:.4f}"'
            parts.append(f'<circle cx="{p.x:.4f}" cy="{-p.y:.4f}" r="{rad:.4f}" {paint}>'
                         f"<title>{escape(g.label)}</title></circle>")
        parts.append("</g>")
    parts.append(f'<text x="0" y="-0.06" text-anchor="middle" font-size="0.22" '
                 f'font-weight="bold" fill="#111111">{escape(total_label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
