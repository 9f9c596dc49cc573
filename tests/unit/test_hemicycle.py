"""The parliament chart's geometry: every seat placed once, none overlapping, dealt left to
right; the SVG names each party and escapes every text."""

from __future__ import annotations

import math
import re

import pytest

from saylau.web.hemicycle import SeatGroup, layout, rows_for, seat_radius, svg


@pytest.mark.parametrize("n", [1, 2, 5, 10, 29, 69, 98, 107, 145, 300])
def test_every_seat_is_placed_without_overlap(n: int) -> None:
    points = layout(n)
    assert len(points) == n
    r = seat_radius(n)
    closest = min((math.dist((a.x, a.y), (b.x, b.y))
                   for k, a in enumerate(points) for b in points[k + 1:]), default=2 * r)
    assert closest >= 2 * r * 0.999, (n, closest, r)
    assert all(-1.0001 <= p.x <= 1.0001 and -1e-9 <= p.y <= 1.0001 for p in points)
    angles = [p.angle for p in points]
    assert angles == sorted(angles, reverse=True)  # dealt from the left


def test_rows_grow_with_the_chamber() -> None:
    assert [rows_for(n) for n in (10, 98, 145)] == [2, 6, 7]
    assert layout(0) == []


def test_svg_counts_seats_per_party_and_escapes() -> None:
    groups = [SeatGroup("AMANAT", 62, "#0072B2"), SeatGroup("<b>&Co</b>", 30, "#E69F00"),
              SeatGroup("Awaiting", 6, "#767676", outline=True)]
    out = svg(groups, title='Majilis "98"', description="a & b", total_label="98")
    assert out.count("<circle") == 98
    assert out.count("<title>AMANAT</title>") == 62
    assert "<b>" not in out and "&lt;b&gt;&amp;Co&lt;/b&gt;" in out
    assert 'role="img"' in out and "Majilis &quot;98&quot;" in out
    assert "style=" not in out  # fills are attributes: the CSP forbids inline styles
    assert len(re.findall(r'fill="#ffffff"', out)) == 6
