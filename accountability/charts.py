"""Monthly trend charts, drawn on the server as SVG (no JavaScript), each with a table of
the same numbers beside it. In Arabic time runs from right to left, as the reader reads.

A withheld month (fewer requests than the small-number rule allows) gets no bar, only its
"fewer than N" label: a bar's height would give the number away.
"""

import datetime
from dataclasses import dataclass

from accountability.records import SHARE, Shown

WIDTH = 720
HEIGHT = 260
TOP = 28
BOTTOM = 40


@dataclass(frozen=True)
class Point:
    month: datetime.date
    shown: Shown


def bar_chart(points: list[Point], rtl: bool) -> dict:
    """The geometry of a bar chart of ``points`` (one per month, oldest first)."""
    values = [p.shown.value for p in points if not p.shown.withheld and p.shown.value is not None]
    style = points[0].shown.style if points else ""
    highest = max(values, default=0)
    # Shares on a fixed 0-100% scale, so two charts of shares compare at a glance.
    scale_max = 1 if style == SHARE else max(highest, 1)
    plot_height = HEIGHT - TOP - BOTTOM
    slot = WIDTH / max(len(points), 1)
    bars = []
    for index, point in enumerate(points):
        position = len(points) - 1 - index if rtl else index
        value = point.shown.value
        drawn = not point.shown.withheld and value is not None
        height = round(plot_height * value / scale_max, 1) if drawn else 0
        bars.append(
            {
                "point": point,
                "x": round(position * slot + slot * 0.15, 1),
                "y": round(TOP + plot_height - height, 1),
                "width": round(slot * 0.7, 1),
                "height": height,
                "label_x": round(position * slot + slot / 2, 1),
                "value_y": round(TOP + plot_height - height - 6, 1),
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": TOP + plot_height,
        "label_y": HEIGHT - 14,
        "bars": bars,
        "style": style,
        "first": points[0].month if points else None,
        "last": points[-1].month if points else None,
    }
