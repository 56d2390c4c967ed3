"""Counting utskrivningsklara dagar and betalningsansvariga dagar (Lag 2017:612, reference/rules.md §1.6).

Pure computation over a case's loaded rows (ReadyNotice rows, CaseEvents, discharge, the agreement): no access
check and no logging here — callers do that. Every rule the law leaves to the parties comes from the case's
Agreement, or from lagens huvudregel when there is none (rule 6). All moments are turned into local dates in
Europe/Stockholm first, so daylight-saving changes never shift a date; after that only dates are counted.

The rules, precisely:

1. Ready periods. Each ReadyNotice opens a period at `notified_at`; it ends at the earliest of its
   `withdrawn_at`, the case's `discharged_at`, or (still open) after `until`. A notice given while an earlier
   period is still open is a repetition and neither opens a new period nor restarts the waiting period.
   A withdrawal stops the period; a renewed notice after it opens a new period with a new waiting period.
2. Utskrivningsklara dagar. A day counts when the patient is utskrivningsklar and still admitted at the end of
   that day, as hospital care days (vårddagar) count midnights: the (actual) notice day counts, the day of
   discharge and the day of a withdrawal do not. So a period covers the local dates from the notice date up to
   but not including the end date; an open period covers every date through `until`. (Socialstyrelsen's
   statistics count from the notice day to the discharge day inclusive, i.e. one day more per period; we follow
   the vårddag convention so that a patient discharged on the notice day has no ready days.)
3. Cut-off. A notice after the agreement's `notice_cutoff` (local time, strictly later) counts as given the next
   day for the payment rule; the ready days still start on the actual notice date.
4. Waiting period. From the effective notice day, `days_after_notice` (N) days of the agreement's `day_kind` are
   waiting days: calendar days, or working days (not Saturday, Sunday, a Swedish public holiday per the
   `holidays` library, or one of the agreement's `extra_non_working_days` such as midsommarafton, julafton and
   nyårsafton). With `count_day_zero` the effective notice day itself is waiting day 1 when it is a counted day;
   otherwise day 1 is the first counted day after it. Payment responsibility covers every ready (calendar) day
   after the last waiting day. Without `count_day_zero` the notice day is day 0 and never paid: N = 0 then means
   responsibility from the day after it; with `count_day_zero` and N = 0, from the effective notice day itself.
5. Conditions. `require_both_notices`: without an admission notice event there are no payment days, and the
   waiting period counts from the later of the effective ready day and the admission notice day.
   `require_sip_invitation` (only when `case.both_must_act`): no payment day before the day the SIP invitation
   was sent; without an invitation (by `until`) none at all.
6. No agreement: lagens huvudregel (`statutory_rule`). The law is dispositive; where region and municipality
   have not agreed, liability starts 3 days after the utskrivningsklar notice, counted as above from the day after
   the notice (the notice day is day 0, no cut-off), in the kind of day of NARA_STATUTORY_DAY_KIND (calendar days
   by default: the sources disagree, reference/rules.md §1.6 [P]), and only when the municipality received both
   the admission notice and the utskrivningsklar notice (condition 5). `CaseDays.statutory` says it was used.
7. A cancelled case: no ready days and no payment days. `reasons` says why payment days are missing or limited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from nara.transitions import case_rules

STOCKHOLM = ZoneInfo("Europe/Stockholm")
ONE_DAY = dt.timedelta(days=1)
# Lag (2017:612): without an agreement the municipality's liability starts 3 days after the utskrivningsklar notice.
STATUTORY_DAYS_AFTER_NOTICE = 3


@dataclass(frozen=True)
class CaseDays:
    ready_dates: list[dt.date] = field(default_factory=list)
    payment_dates: list[dt.date] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    statutory: bool = False  # counted by lagens huvudregel (no agreement)

    def in_month(self, month: dt.date) -> CaseDays:
        """The days that fall in the calendar month of `month`."""

        def same(d: dt.date) -> bool:
            return d.year == month.year and d.month == month.month

        return CaseDays(
            [d for d in self.ready_dates if same(d)],
            [d for d in self.payment_dates if same(d)],
            self.reasons,
            self.statutory,
        )


def local_date(moment: dt.datetime) -> dt.date:
    return local(moment).date()


def local(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:  # naive datetimes are taken as local time
        return moment.replace(tzinfo=STOCKHOLM)
    return moment.astimezone(STOCKHOLM)


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[dt.date]:
    # include_sundays=False: every Sunday is already a non-working day; only the named holidays are listed.
    return frozenset(holidays.Sweden(years=year, include_sundays=False).keys())


def is_public_holiday(day: dt.date) -> bool:
    return day in _public_holidays(day.year)


def parse_extra_days(entries) -> tuple[set[dt.date], set[tuple[int, int]]]:
    """`extra_non_working_days`: 'YYYY-MM-DD' for one date, 'MM-DD' for that date every year."""
    dates: set[dt.date] = set()
    yearly: set[tuple[int, int]] = set()
    for raw in entries or []:
        text = str(raw).strip()
        try:
            if len(text) == 10:
                dates.add(dt.date.fromisoformat(text))
            elif len(text) == 5:
                month, day = int(text[:2]), int(text[3:])
                dt.date(2000, month, day)  # validates (2000 is a leap year: 02-29 allowed)
                yearly.add((month, day))
        except ValueError:
            continue
    return dates, yearly


def is_working_day(day: dt.date, extra=None) -> bool:
    if day.weekday() >= 5 or is_public_holiday(day):
        return False
    if extra:
        dates, yearly = extra
        if day in dates or (day.month, day.day) in yearly:
            return False
    return True


def payment_start(agreement, effective: dt.date) -> dt.date:
    """The first day of payment responsibility for a period whose notice counts as given on `effective`."""
    n = agreement.days_after_notice
    if n <= 0:
        return effective if agreement.count_day_zero else effective + ONE_DAY
    if agreement.day_kind == "working":
        extra = parse_extra_days(agreement.extra_non_working_days)

        def counted(d):
            return is_working_day(d, extra)
    else:

        def counted(d):
            return True

    day = effective if agreement.count_day_zero else effective + ONE_DAY
    waited = 0
    while True:
        if counted(day):
            waited += 1
            if waited == n:
                return day + ONE_DAY
        day += ONE_DAY


def effective_notice_date(agreement, notified_at: dt.datetime) -> dt.date:
    moment = local(notified_at)
    cutoff = getattr(agreement, "notice_cutoff", None) if agreement else None
    if cutoff is not None and moment.time().replace(tzinfo=None) > cutoff:
        return moment.date() + ONE_DAY
    return moment.date()


def _dates(start: dt.date, end_exclusive: dt.date) -> list[dt.date]:
    out = []
    day = start
    while day < end_exclusive:
        out.append(day)
        day += ONE_DAY
    return out


def _periods(case, until: dt.date):
    """(notified_at, actual start date, end date exclusive) for each ready period, repetitions merged.

    A notice given while an earlier one is still in force extends that period to the later of the two ends
    (and keeps its waiting period); it does not restart the waiting period.
    """
    discharged = case.discharged_at
    notices = sorted(case.ready_notices.all(), key=lambda n: (n.notified_at, n.pk or 0))
    merged: list[list] = []  # [notified_at, end moment or None (still ready)]
    for notice in notices:
        if discharged is not None and notice.notified_at >= discharged:
            continue
        if notice.withdrawn_at is not None and notice.withdrawn_at <= notice.notified_at:
            continue  # withdrawn at once: never in force
        ends = [m for m in (notice.withdrawn_at, discharged) if m is not None]
        end = min(ends) if ends else None
        if merged and (merged[-1][1] is None or notice.notified_at < merged[-1][1]):
            current = merged[-1]
            current[1] = None if end is None or current[1] is None else max(current[1], end)
            continue
        merged.append([notice.notified_at, end])
    periods = []
    for notified_at, end in merged:
        end_exclusive = local_date(end) if end is not None else until + ONE_DAY
        periods.append((notified_at, local_date(notified_at), min(end_exclusive, until + ONE_DAY)))
    return periods


def _event_date(case, kind: str) -> dt.date | None:
    moments = [e.at for e in case.events.all() if e.kind == kind]
    return local_date(min(moments)) if moments else None


def statutory_rule():
    """Lagens huvudregel as an (unsaved) Agreement: the payment rule where region and municipality have not agreed."""
    from nara.transitions.models import Agreement

    kind = settings.NARA_STATUTORY_DAY_KIND
    if kind not in Agreement.DayKind.values:
        raise ImproperlyConfigured(
            f"NARA_STATUTORY_DAY_KIND must be one of {', '.join(Agreement.DayKind.values)}, not {kind!r}."
        )
    return Agreement(
        name=_("Lagens huvudregel"),
        day_kind=kind,
        days_after_notice=STATUTORY_DAYS_AFTER_NOTICE,
        count_day_zero=False,
        notice_cutoff=None,
        extra_non_working_days=[],
        require_both_notices=True,
        require_sip_invitation=False,
    )


def payment_rule(case):
    """The rule that counts the case's payment days: its agreement, or lagens huvudregel without one."""
    return case.agreement if case.agreement is not None else statutory_rule()


def case_days(case, until: dt.date) -> CaseDays:
    """Utskrivningsklara and betalningsansvariga dagar of `case` up to and including `until`."""
    if case.status == "cancelled" or case.cancelled_at is not None:
        return CaseDays([], [], [_("Ärendet är makulerat.")])
    periods = _periods(case, until)
    ready: set[dt.date] = set()
    for _notified, start, end_exclusive in periods:
        ready.update(_dates(start, end_exclusive))
    reasons: list[str] = []
    statutory = case.agreement is None
    agreement = payment_rule(case)
    earliest: dt.date | None = None  # no payment day before this
    if agreement.require_both_notices:
        admission = _event_date(case, "admission_notice")
        if admission is None or admission > until:
            reasons.append(_("Inskrivningsmeddelande saknas: inga betalningsansvariga dagar."))
            return CaseDays(sorted(ready), [], reasons, statutory)
        earliest = admission
    if agreement.require_sip_invitation and case.both_must_act:
        invited_at = case_rules.sip_invitation_time(case)
        invited = local_date(invited_at) if invited_at else None
        if invited is None or invited > until:
            reasons.append(_("Kallelse till SIP har inte skickats: inga betalningsansvariga dagar."))
            return CaseDays(sorted(ready), [], reasons, statutory)
        earliest = invited if earliest is None else max(earliest, invited)
    payment: set[dt.date] = set()
    for notified_at, start, end_exclusive in periods:
        effective = effective_notice_date(agreement, notified_at)
        if agreement.require_both_notices and earliest is not None:
            # The notice is complete when both messages have been received.
            effective = max(effective, _event_date(case, "admission_notice"))
        first = payment_start(agreement, effective)
        if earliest is not None:
            first = max(first, earliest)
        payment.update(d for d in _dates(start, end_exclusive) if d >= first)
    if ready and not payment:
        reasons.append(
            _("Ingen dag efter väntetiden enligt lagens huvudregel.")
            if statutory
            else _("Ingen dag efter väntetiden enligt överenskommelsen.")
        )
    return CaseDays(sorted(ready), sorted(payment), reasons, statutory)


def day_price(year: int) -> Decimal | None:
    from nara.transitions.models import DayPrice

    row = DayPrice.objects.filter(year=year).first()
    return row.price if row else None
