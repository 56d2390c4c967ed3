"""The person's encounters over 24 months, from the lake, as a server-rendered SVG bar chart plus a data table.

The lake knows the person only by pseudonym (computed here from the personnummer of a person the gate has already
let the actor open). Each encounter was recorded by some care unit; its organisation decides visibility exactly
as for any record (`PersonAccess.decide`): own organisation, or another organisation's with consent and no
block. Encounters at units missing from the directory are not shown (their organisation is unknown). Reading
writes one access-log row per access basis used (record type "identify.encounters").
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nara.access import gate
from nara.audit import services as audit
from nara.audit.models import Action
from nara.directory.actor import Actor
from nara.directory.models import Unit
from nara.identify.pseudonym import pseudonym as make_pseudonym

log = logging.getLogger(__name__)

MONTHS = 24
RECORD_TYPE = "identify.encounters"
# (care type in the lake, label, fill in the chart). The fills differ in pattern as well as colour, so the
# series are told apart without colour (WCAG 1.4.1); all three reach 3:1 against white (WCAG 1.4.11).
SERIES = (
    ("emergency", gettext_lazy("Akutbesök"), "#8b1111"),
    ("inpatient", gettext_lazy("Inskrivningar i slutenvård"), "url(#tl-hatch)"),
    ("primary_care", gettext_lazy("Besök i primärvården"), "url(#tl-dots)"),
)

# Chart geometry (SVG user units).
WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 10, 40


@dataclass
class Month:
    start: dt.date
    counts: dict

    @property
    def label(self) -> str:
        return self.start.strftime("%Y-%m")

    def cells(self) -> list[int]:
        return [self.counts.get(key, 0) for key, _label, _fill in SERIES]


@dataclass
class Timeline:
    months: list[Month]
    hidden: list[gate.HiddenGroup] = field(default_factory=list)
    unknown_units: int = 0

    @property
    def series(self):
        return SERIES

    @property
    def total(self) -> int:
        return sum(sum(m.counts.values()) for m in self.months)

    @property
    def maximum(self) -> int:
        return max([1, *(n for m in self.months for n in m.counts.values())])

    @property
    def ticks(self) -> list[dict]:
        top = self.maximum
        step = max(1, -(-top // 4))
        plot_h = HEIGHT - TOP - BOTTOM
        return [{"value": v, "y": round(TOP + plot_h - v * plot_h / top, 1)} for v in range(0, top + 1, step)]

    @property
    def bars(self) -> list[dict]:
        plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
        slot = plot_w / len(self.months)
        bar_w = (slot - 4) / len(SERIES)
        out = []
        for i, month in enumerate(self.months):
            for j, (key, label, fill) in enumerate(SERIES):
                n = month.counts.get(key, 0)
                if not n:
                    continue
                h = n * plot_h / self.maximum
                out.append({
                    "x": round(LEFT + i * slot + 2 + j * bar_w, 1), "y": round(TOP + plot_h - h, 1),
                    "w": round(bar_w, 1), "h": round(h, 1), "fill": fill,
                    "title": f"{month.label}: {label} {n}",
                })
        return out

    @property
    def labels(self) -> list[dict]:
        """Every third month on the x axis."""
        slot = (WIDTH - LEFT - RIGHT) / len(self.months)
        return [
            {"x": round(LEFT + i * slot + slot / 2, 1), "text": m.label}
            for i, m in enumerate(self.months) if i % 3 == 0
        ]

    @property
    def summary(self) -> str:
        """The chart in one sentence (the SVG's accessible description)."""
        totals: dict = defaultdict(int)
        for m in self.months:
            for key, n in m.counts.items():
                totals[key] += n
        parts = "; ".join(f"{label} {totals[key]}" for key, label, _fill in SERIES)
        return _("Antal per månad, senaste 24 månaderna. Totalt: %(parts)s.") % {"parts": parts}

    geometry = {"width": WIDTH, "height": HEIGHT, "left": LEFT, "top": TOP, "bottom": HEIGHT - BOTTOM,
                "right": WIDTH - RIGHT}


def _month_starts(today: dt.date) -> list[dt.date]:
    y, m = today.year, today.month
    out = []
    for _i in range(MONTHS):
        out.append(dt.date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def _connect():
    """A DuckDB connection with the lake's views; None when the lake is not there yet."""
    try:
        from nara.identify import lake

        return lake.connect()
    except Exception:  # no lake yet (fresh install) or unreadable: the overview still works without a timeline
        log.warning("The analytics lake is not available; the timeline is not shown.")
        return None


def _counts(con, pseudonym: str, since: dt.date) -> list[tuple] | None:
    """(unit HSA-id, care type, month, count) for the person; None when the lake holds no encounters at all."""
    if con.execute("SELECT 1 FROM encounters LIMIT 1").fetchone() is None:
        return None
    return con.execute(
        """SELECT unit_hsa, care_type, date_trunc('month', start_at)::DATE AS month, count(*)
           FROM encounters
           WHERE pseudonym = $p AND start_at >= $since AND list_contains($types, care_type)
           GROUP BY ALL""",
        {"p": pseudonym, "since": since, "types": [key for key, _l, _f in SERIES]},
    ).fetchall()


def for_person(actor: Actor, access: gate.PersonAccess, context: str) -> Timeline | None:
    """The timeline of a person the actor has opened through the gate; None when the lake has no data."""
    con = _connect()
    if con is None:
        return None
    starts = _month_starts(access.now.date())
    try:
        rows = _counts(con, make_pseudonym(access.person.personnummer), starts[0])
    except Exception:  # e.g. no encounters imported yet
        log.warning("Encounters could not be read from the lake; the timeline is not shown.")
        return None
    finally:
        close = getattr(con, "close", None)
        if close is not None:
            close()
    if rows is None:
        return None
    units = {
        u.hsa_id: u
        for u in Unit.objects.filter(hsa_id__in={r[0] for r in rows}).select_related("organisation")
    }
    counts: dict = defaultdict(lambda: defaultdict(int))
    hidden: dict = {}
    bases: set = set()
    unknown = 0
    for unit_hsa, care_type, month, n in rows:
        unit = units.get(unit_hsa)
        if unit is None:
            unknown += n
            continue
        decision = access.decide(actor, unit.organisation_id, unit.organisation.name)
        if decision.allowed:
            counts[month][care_type] += n
            bases.add(decision.basis)
        else:
            key = (unit.organisation_id, decision.reason)
            group = hidden.get(key) or gate.HiddenGroup(unit.organisation.name, decision.reason, decision.blocked, 0)
            group.count += n
            hidden[key] = group
    if not rows:
        bases.add(access.basis)  # "no encounters" is information about the person too
    if bases:
        audit.record_many(actor, [(access.person.pk, RECORD_TYPE, "", b) for b in sorted(bases)], Action.READ,
                          context)
    months = [Month(s, dict(counts.get(s, {}))) for s in starts]
    return Timeline(months, list(hidden.values()), unknown)
