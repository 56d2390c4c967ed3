"""The overview at /overgangar/oversikt/: today's utskrivningsklara per municipality with the days and the cost so far
this month (aggregates, no person rows), and the open cases whose deadlines are at risk (person rows only through
the gate: gate.filter_across decides on each person and case and logs each shown row).

Which cases an actor's figures cover: a region unit sees the cases its organisation recorded (all its wards);
a municipality unit the cases addressed to its municipality. The at-risk list is narrower: the cases of the
actor's own unit (its ward, its vårdcentral, or a receipt addressed to it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from nara.access import gate
from nara.core import suppression
from nara.directory.actor import Actor
from nara.directory.models import Organisation
from nara.people.models import Person
from nara.transitions import case_rules, case_selectors, daycount, safe_return_services
from nara.transitions.models import CaseEvent, CaseStatus, DischargeCase

CONTEXT = "transitions:overview"
DEFAULT_LONG_READY_DAYS = 5
OPEN = (CaseStatus.ADMITTED, CaseStatus.READY)


@dataclass
class MunicipalityRow:
    name: str
    ready_now: int = 0
    cases_this_month: int = 0
    ready_days: int = 0
    payment_days: int = 0
    cost: Decimal | None = None


@dataclass
class ReadyTable:
    """The overview's figures as they may be shown (suppression.Cell per field; cost None without a day price)."""

    rows: list[tuple[str, dict[str, suppression.Cell]]]
    totals: dict[str, suppression.Cell]
    limit: int


COUNTS = ("ready_now", "cases_this_month")
# Days and cost are summed over the cases of the month: hidden with that count.
MEASURES = {"ready_days": "cases_this_month", "payment_days": "cases_this_month", "cost": "cases_this_month"}


@dataclass
class ReadyOverview:
    today: dt.date
    month_start: dt.date
    rows: list[MunicipalityRow] = field(default_factory=list)
    price: Decimal | None = None

    @cached_property
    def table(self) -> ReadyTable:
        """What the page shows: small cells suppressed for every viewer (the figures cover all the organisation's
        cases, far beyond the viewer's care relationships; the at-risk list is where persons are shown)."""
        measures = {k: v for k, v in MEASURES.items() if k != "cost" or self.price is not None}
        records = [{name: getattr(r, name) for name in (*COUNTS, *measures)} for r in self.rows]
        cells, totals = suppression.records(records, COUNTS, measures)
        return ReadyTable(
            [(r.name, c) for r, c in zip(self.rows, cells, strict=True)], totals or {}, suppression.small_cell_limit()
        )

    @property
    def totals(self) -> MunicipalityRow:
        total = MunicipalityRow(_("Totalt"))
        for r in self.rows:
            total.ready_now += r.ready_now
            total.cases_this_month += r.cases_this_month
            total.ready_days += r.ready_days
            total.payment_days += r.payment_days
        total.cost = self.price * total.payment_days if self.price is not None else None
        return total


def _scope(actor: Actor):
    kind = Organisation.objects.filter(pk=actor.org_id).values_list("kind", flat=True).first()
    if kind == Organisation.Kind.MUNICIPALITY:
        return DischargeCase.objects.filter(municipality_id=actor.org_id)
    return DischargeCase.objects.filter(recorded_by_org_id=actor.org_id)


def ready_per_municipality(actor: Actor, today: dt.date | None = None) -> ReadyOverview:
    """Per municipality: patients utskrivningsklar now, and this month's ready days, payment days and cost."""
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    result = ReadyOverview(today, month_start)
    month_start_at = timezone.make_aware(dt.datetime.combine(month_start, dt.time.min))
    cases = list(
        _scope(actor)
        .exclude(status=CaseStatus.CANCELLED)
        .filter(ready_notices__notified_at__date__lte=today)
        .filter(Q(discharged_at__isnull=True) | Q(discharged_at__gte=month_start_at))
        .distinct()
        .select_related("municipality", "agreement")
        .prefetch_related("ready_notices", "events", "sip__meetings")
    )
    rows: dict = {}
    result.price = daycount.day_price(today.year)
    for case in cases:
        row = rows.setdefault(case.municipality_id, MunicipalityRow(case.municipality.name))
        if case.status == CaseStatus.READY:
            row.ready_now += 1
        days = daycount.case_days(case, today).in_month(today)
        if days.ready_dates or days.payment_dates:
            row.cases_this_month += 1
        row.ready_days += len(days.ready_dates)
        row.payment_days += len(days.payment_dates)
    for row in rows.values():
        row.cost = result.price * row.payment_days if result.price is not None else None
    result.rows = sorted(rows.values(), key=lambda r: r.name)
    return result


@dataclass
class Risk:
    key: str
    text: str
    overdue: bool
    deadline: case_rules.Deadline | None = None  # the case page's deadline this risk shows, if it is one


@dataclass
class RiskRow:
    case: DischargeCase
    person: Person
    risks: list[Risk]
    readmission_of: DischargeCase | None = None

    @property
    def overdue(self) -> bool:
        return any(r.overdue for r in self.risks)


@dataclass
class AtRisk:
    now: dt.datetime
    long_ready_days: int
    rows: list[RiskRow] = field(default_factory=list)
    hidden_count: int = 0
    readmission_days: int = field(default_factory=safe_return_services.readmission_days)


def _fmt(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def case_risks(case: DischargeCase, now: dt.datetime, long_ready_days: int) -> list[Risk]:
    """The deadlines of an open case that are passed or due within a day (over prefetched rows). The planning
    and SIP deadlines are the case page's (case_selectors.deadlines_for), so the two pages never disagree."""
    soon = dt.timedelta(hours=24)
    risks: list[Risk] = []
    notice_hours = settings.NARA_ADMISSION_NOTICE_HOURS
    for event in case.events.all():
        if event.kind != CaseEvent.Kind.ADMISSION_NOTICE:
            continue
        missing = [r.unit.name for r in event.receipts.all() if r.acknowledged_at is None]
        if missing and event.at + dt.timedelta(hours=notice_hours) < now:
            risks.append(
                Risk(
                    "unacknowledged",
                    _("Inskrivningsmeddelandet är inte kvitterat efter %(h)s timmar: %(units)s")
                    % {"h": notice_hours, "units": ", ".join(sorted(missing))},
                    True,
                )
            )
    deadlines = {d.key: d for d in case_selectors.deadlines_for(case, now)}
    for key in ("planning", "sip"):
        deadline = deadlines.get(key)
        if deadline is None or deadline.done_at is not None:
            continue
        if deadline.state == "overdue":
            risks.append(Risk(key, deadline.message, True, deadline))
        elif deadline.state == "pending" and deadline.due - now < soon:
            risks.append(Risk(key, deadline.message, False, deadline))
    current = [n for n in case.ready_notices.all() if n.withdrawn_at is None]
    if case.status == CaseStatus.READY and current:
        first_ready = min(n.notified_at for n in current)
        days = (now - first_ready).days
        if days > long_ready_days:
            risks.append(
                Risk(
                    "long_ready",
                    _("Utskrivningsklar sedan %(d)s (%(n)s dagar).") % {"d": _fmt(first_ready), "n": days},
                    True,
                )
            )
    return risks


def at_risk(
    actor: Actor, now: dt.datetime | None = None, long_ready_days: int = DEFAULT_LONG_READY_DAYS
) -> AtRisk:
    now = now or gate.now_local()
    result = AtRisk(now, long_ready_days)
    mine = (
        Q(ward_id=actor.unit_id)
        | Q(health_centre_id=actor.unit_id)
        | Q(events__receipts__unit_id=actor.unit_id)
    )
    cases = list(
        DischargeCase.objects.filter(mine, status__in=OPEN)
        .distinct()
        .select_related("recorded_by_org", "ward", "municipality", "readmission_of")
        .prefetch_related("ready_notices", "planning", "events__receipts__unit", "sip__meetings")
        .order_by("admitted_at", "pk")
    )
    flagged = [(c, case_risks(c, now, long_ready_days)) for c in cases]
    flagged = dict((c, r) for c, r in flagged if r)
    seen = gate.filter_across(actor, flagged, CONTEXT)
    result.hidden_count = seen.hidden_count
    for row in seen.shown:
        case = row.record
        # Readmission: flagged at case creation; computed here for cases created before that existed.
        previous = case.readmission_of or safe_return_services.previous_discharge(case)
        result.rows.append(RiskRow(case, row.person, flagged[case], previous))
    result.rows.sort(key=lambda r: (not r.overdue, r.case.admitted_at))
    return result
