"""The CFS history as a server-rendered SVG line chart (levels 1–9 over time) plus the numbers as a table.

Built like nara/identify/timeline.py: geometry is computed here, the template only draws. Each rating is a point
with its own <title> (date, level and label); the y axis carries the level numbers and their short labels, so the
chart does not rely on colour. The SVG has a one-sentence description and the page has the same data as a table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from nara.plans import cfs

# Chart geometry (SVG user units). The wide left margin holds the level labels.
WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 190, 24, 14, 36


@dataclass
class Point:
    rated_on: dt.date
    score: int
    x: float
    y: float

    @property
    def title(self) -> str:
        return f"{self.rated_on:%Y-%m-%d}: CFS {self.score} – {cfs.label(self.score)}"


class CfsChart:
    """`ratings`: FrailtyAssessment rows (any order); the chart shows them oldest to newest."""

    geometry = {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
    }

    def __init__(self, ratings):
        self.ratings = sorted(ratings, key=lambda r: (r.rated_on, r.pk or 0))

    def _y(self, score: int) -> float:
        plot_h = HEIGHT - TOP - BOTTOM
        return round(TOP + plot_h - (score - cfs.MIN_SCORE) * plot_h / (cfs.MAX_SCORE - cfs.MIN_SCORE), 1)

    @property
    def levels(self) -> list[dict]:
        """One horizontal grid line and axis label per level."""
        return [{"score": s, "label": f"{s} {cfs.label(s)}", "y": self._y(s)} for s in range(1, 10)]

    @property
    def points(self) -> list[Point]:
        if not self.ratings:
            return []
        first, last = self.ratings[0].rated_on, self.ratings[-1].rated_on
        span = (last - first).days
        plot_w = WIDTH - LEFT - RIGHT - 20
        out = []
        for i, r in enumerate(self.ratings):
            if span:
                x = LEFT + 10 + (r.rated_on - first).days * plot_w / span
            elif len(self.ratings) > 1:
                x = LEFT + 10 + i * plot_w / (len(self.ratings) - 1)
            else:
                x = LEFT + 10 + plot_w / 2
            out.append(Point(r.rated_on, r.score, round(x, 1), self._y(r.score)))
        return out

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)

    @property
    def date_labels(self) -> list[dict]:
        """The first and the last date (and every rating's date when there are few)."""
        pts = self.points
        if len(pts) > 6:
            pts = [pts[0], pts[-1]]
        return [{"x": p.x, "text": f"{p.rated_on:%Y-%m-%d}"} for p in pts]

    @property
    def summary(self) -> str:
        """The chart in one sentence (the SVG's accessible description)."""
        if not self.ratings:
            return _("Inga CFS-bedömningar.")
        parts = "; ".join(f"{r.rated_on:%Y-%m-%d}: {r.score} {cfs.label(r.score)}" for r in self.ratings)
        return _("CFS-nivå över tid, äldst först: %(parts)s.") % {"parts": parts}
