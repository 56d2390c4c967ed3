"""Reads for the monthly statement of payment days per municipality.

An open month is computed from the cases (nara/transitions/daycount.py) and, after the regular lines, shows
correction lines for every closed earlier month whose days have changed since it was closed (e.g. a late
withdrawal). A closed month shows only its frozen StatementLine rows. Totals are always the sums of the lines.

Persons are shown by name: every person on a statement is logged (READ, or PRINT/EXPORT) per case.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, fields
from decimal import Decimal

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from nara.audit import services as audit
from nara.audit.models import Action
from nara.core import suppression
from nara.directory.actor import Actor
from nara.directory.models import Organisation
from nara.directory.roles import Capability
from nara.transitions import agreement_services
from nara.transitions.daycount import case_days, day_price
from nara.transitions.models import DischargeCase, StatementLine, StatementMonth

# The access-log basis of a statement: the municipality's payment responsibility under Lag (2017:612).
BASIS = "betalningsansvar"
RECORD_TYPE = "transitions.dischargecase"
CORRECTION_MONTHS_BACK = 24


@dataclass
class Line:
    case: DischargeCase
    ready_from: dt.date | None
    ready_to: dt.date | None
    ready_days: int
    payment_days: int
    day_price: Decimal
    amount: Decimal
    corrects_month: dt.date | None = None
    note: str = ""

    @property
    def person_name(self) -> str:
        return self.case.person.full_name

    @property
    def ward_name(self) -> str:
        return self.case.ward.name

    @property
    def is_correction(self) -> bool:
        return self.corrects_month is not None


@dataclass
class Totals:
    cases: int
    ready_days: int
    payment_days: int
    amount: Decimal


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def last_of_month(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def cases_touching(municipality_id: int, first: dt.date, last: dt.date):
    """The municipality's cases that may have utskrivningsklara dagar between first and last."""
    return (
        DischargeCase.objects.filter(
            municipality_id=municipality_id,
            ready_notices__notified_at__lt=_start_of(last + dt.timedelta(days=1)),
        )
        .filter(Q(discharged_at__isnull=True) | Q(discharged_at__gte=_start_of(first)))
        .distinct()
        .select_related("person", "ward", "agreement")
        .prefetch_related("ready_notices", "events", "sip__meetings")
    )


def _price(year: int, prices: dict) -> Decimal | None:
    if year not in prices:
        prices[year] = day_price(year)
    return prices[year]


def month_until(month: dt.date, today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return min(last_of_month(month), today)


def regular_lines(municipality_id: int, month: dt.date, prices: dict, today=None) -> list[Line]:
    first, last = month, last_of_month(month)
    until = month_until(month, today)
    lines = []
    if until < first:
        return lines
    for case in cases_touching(municipality_id, first, last):
        days = case_days(case, until).in_month(month)
        if not days.ready_dates and not days.payment_dates:
            continue
        price = _price(month.year, prices) or Decimal("0")
        lines.append(
            Line(
                case=case,
                ready_from=days.ready_dates[0] if days.ready_dates else None,
                ready_to=days.ready_dates[-1] if days.ready_dates else None,
                ready_days=len(days.ready_dates),
                payment_days=len(days.payment_dates),
                day_price=price,
                amount=price * len(days.payment_dates),
                note=line_note(days),
            )
        )
    lines.sort(key=lambda line: (line.person_name, line.case.pk))
    return lines


def line_note(days) -> str:
    """Lagens huvudregel when the case has no agreement, and why a line has no payment days."""
    notes = [_("Lagens huvudregel (ingen överenskommelse)")] if days.statutory else []
    if not days.payment_dates:
        notes += days.reasons
    return "; ".join(notes)


def stated_days(municipality_id: int, corrected: dt.date) -> dict[int, tuple[int, int]]:
    """What has been stated for `corrected` so far per case: its own lines plus later corrections of it."""
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    rows = StatementLine.objects.filter(statement__municipality_id=municipality_id).filter(
        Q(statement__month=corrected, corrects_month__isnull=True) | Q(corrects_month=corrected)
    )
    for case_id, ready, payment in rows.values_list("case_id", "ready_days", "payment_days"):
        totals[case_id][0] += ready
        totals[case_id][1] += payment
    return {k: (v[0], v[1]) for k, v in totals.items()}


def correction_lines(municipality_id: int, month: dt.date, prices: dict) -> list[Line]:
    """Differences between what closed earlier months stated and what the cases give now."""
    closed = StatementMonth.objects.filter(
        municipality_id=municipality_id,
        closed_at__isnull=False,
        month__lt=month,
        month__gte=add_months(month, -CORRECTION_MONTHS_BACK),
    ).order_by("month")
    lines = []
    for statement in closed:
        corrected = statement.month
        stated = stated_days(municipality_id, corrected)
        now: dict[int, tuple] = {}
        cases = {c.pk: c for c in cases_touching(municipality_id, corrected, last_of_month(corrected))}
        missing = set(stated) - set(cases)
        if missing:
            extra = DischargeCase.objects.filter(pk__in=missing).select_related("person", "ward", "agreement")
            extra = extra.prefetch_related("ready_notices", "events", "sip__meetings")
            cases.update({c.pk: c for c in extra})
        for case in cases.values():
            days = case_days(case, last_of_month(corrected)).in_month(corrected)
            now[case.pk] = (len(days.ready_dates), len(days.payment_dates), days)
        for case_id, case in cases.items():
            ready_now, paid_now, days = now[case_id]
            ready_then, paid_then = stated.get(case_id, (0, 0))
            if (ready_now, paid_now) == (ready_then, paid_then):
                continue
            price = _price(corrected.year, prices) or Decimal("0")
            diff = paid_now - paid_then
            lines.append(
                Line(
                    case=case,
                    ready_from=days.ready_dates[0] if days.ready_dates else None,
                    ready_to=days.ready_dates[-1] if days.ready_dates else None,
                    ready_days=ready_now - ready_then,
                    payment_days=diff,
                    day_price=price,
                    amount=price * diff,
                    corrects_month=corrected,
                    note=_("Rättelse av %(month)s: %(then)s → %(now)s betalningsansvariga dagar.")
                    % {"month": corrected.strftime("%Y-%m"), "then": paid_then, "now": paid_now},
                )
            )
    lines.sort(key=lambda line: (line.corrects_month, line.person_name, line.case.pk))
    return lines


def computed_lines(municipality_id: int, month: dt.date, today=None) -> list[Line]:
    prices: dict = {}
    return regular_lines(municipality_id, month, prices, today) + correction_lines(
        municipality_id, month, prices
    )


def frozen_lines(statement: StatementMonth) -> list[Line]:
    rows = statement.lines.select_related("case__person", "case__ward").order_by("corrects_month", "pk")
    return [Line(**{f.name: getattr(row, f.name) for f in fields(Line)}) for row in rows]


def line_values(line: Line) -> dict:
    """A line as StatementLine's field values (the same names), for freezing a month."""
    return {f.name: getattr(line, f.name) for f in fields(Line)} | {"note": line.note[:300]}


def totals(lines: list[Line]) -> Totals:
    return Totals(
        cases=len({line.case.pk for line in lines if not line.is_correction}),
        ready_days=sum(line.ready_days for line in lines),
        payment_days=sum(line.payment_days for line in lines),
        amount=sum((line.amount for line in lines), Decimal("0")),
    )


def closed_statement(municipality_id: int, month: dt.date) -> StatementMonth | None:
    return (
        StatementMonth.objects.filter(municipality_id=municipality_id, month=month, closed_at__isnull=False)
        .select_related("closed_by")
        .first()
    )


def municipality_or_404(municipality_id: int) -> Organisation:
    """The municipality with this id; any other organisation (the region's own id, say) has no statement."""
    return get_object_or_404(Organisation, pk=municipality_id, kind=Organisation.Kind.MUNICIPALITY)


def municipality_for(actor: Actor, municipality_id: int) -> Organisation:
    agreement_services.require(
        agreement_services.may_see_statement(actor, municipality_id),
        _("Betalningsansvaret för en kommun visas bara för chefer i kommunen och i regionen."),
    )
    return municipality_or_404(municipality_id)


def statement(actor: Actor, municipality_id: int, month: dt.date, context: str, action: str = Action.READ):
    """The statement of one municipality and month, access checked and every person shown logged."""
    municipality = municipality_for(actor, municipality_id)
    closed = closed_statement(municipality_id, month)
    lines = frozen_lines(closed) if closed else computed_lines(municipality_id, month)
    log_persons(actor, lines, action, context)
    warnings = []
    if not closed and lines and day_price(month.year) is None:
        warnings.append(
            _("Dagpris saknas för %(year)s: beloppen är 0 kr tills dagpriset är inlagt.")
            % {"year": month.year}
        )
    return {
        "municipality": municipality,
        "month": month,
        "closed": closed,
        "lines": lines,
        "regular": [line for line in lines if not line.is_correction],
        "corrections": [line for line in lines if line.is_correction],
        "totals": totals(lines),
        "warnings": warnings,
        "may_close": not closed and last_of_month(month) < timezone.localdate(),
        "previous": add_months(month, -1),
        "next": add_months(month, 1),
    }


def log_persons(actor: Actor, lines: list[Line], action: str, context: str) -> None:
    seen = dict.fromkeys((line.case.person_id, line.case.pk) for line in lines)
    audit.record_many(actor, [(pid, RECORD_TYPE, cid, BASIS) for pid, cid in seen], action, context)


def summary(actor: Actor, municipality_id: int, last_month: dt.date, months: int = 12):
    """Per month: cases, ready days, payment days, amount. No person is shown, so nothing is logged.

    An aggregate like any other: for analysts and managers alike, a month with fewer cases than
    NARA_SMALL_CELL_LIMIT shows "<5" and hides its days and amount (they would reveal the cases'); no totals row,
    so nothing else is hidden (nara/core/suppression.py). Managers who may see the statement ("exact") reach a
    month's exact figures on its statement, where every line is shown and logged.
    """
    exact = agreement_services.may_see_statement(actor, municipality_id)
    agreement_services.require(
        exact or agreement_services.may_see_aggregates(actor, municipality_id),
        _("Sammanställningen visas för chefer och analytiker i kommunen och i regionen."),
    )
    municipality = municipality_or_404(municipality_id)
    rows, figures = [], []
    for i in range(months):
        month = add_months(last_month, -i)
        closed = closed_statement(municipality_id, month)
        lines = frozen_lines(closed) if closed else computed_lines(municipality_id, month)
        rows.append({"month": month, "closed": closed})
        t = totals(lines)
        figures.append(
            {"cases": t.cases, "ready_days": t.ready_days, "payment_days": t.payment_days, "amount": t.amount}
        )
    cells, _none = suppression.records(
        figures, ["cases"], {"ready_days": "cases", "payment_days": "cases", "amount": "cases"}, totals=False
    )
    for row, c in zip(rows, cells, strict=True):
        row["cells"] = c
    return {
        "municipality": municipality,
        "rows": rows,
        "exact": exact,
        "limit": suppression.small_cell_limit(),
    }


def statement_municipalities(actor: Actor):
    """The municipalities whose statements the actor may see."""
    if not (agreement_services.is_manager(actor) or actor.can(Capability.AGGREGATES)):
        return Organisation.objects.none()
    ids = {actor.org_id} | agreement_services.region_party_municipality_ids(actor.org_id)
    return Organisation.objects.filter(pk__in=ids, kind=Organisation.Kind.MUNICIPALITY).order_by("name")

