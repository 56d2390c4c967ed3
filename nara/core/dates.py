"""One rule for every date a user types (issue 11 item 14): a window of sensible dates per kind of date.

Without it 0001-01-01 and 9999-12-31 were saved (a CFS rating, a care plan, a treatment limitation, a consent …)
and date arithmetic at the ends of the calendar failed later. Every date and datetime field of every form is one
of the fields below (tests/core/test_dates.py walks every form class and the sources):

- PastDate / PastDateTime — something that has happened (rated, decided, held, done, agreed, ended, admitted):
  from 1900-01-01 up to today.
- SoonDate / SoonDateTime — planned in the near term (an expected discharge date, a meeting, a planned visit, an
  enrolment's start): at most a year ahead.
- PlannedDate — a planned review or follow-up, the next contact, a due date, the start of a period of validity:
  at most five years ahead.
- LastingDate — the end of a period of validity (a consent, a treatment limitation, an agreement, a care-team
  entry, a fixed contact): at most ten years ahead.
- RecordedDate — a filter over what Nära records (the log review): the dates Nära has records for
  (core.converters.FIRST_DAY … LAST_DAY).

The window is checked on the local date (a datetime in Swedish time). Form-specific rules (an end not before its
start, a follow-up not in the past …) stay in the forms; this is the outer frame that every date keeps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nara.core.converters import FIRST_DAY, LAST_DAY

EARLIEST = dt.date(1900, 1, 1)
DATE_INPUT = "%Y-%m-%d"
DATETIME_INPUT = "%Y-%m-%dT%H:%M"


def years_ahead(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Window:
    """Dates from `earliest` to `years` years after today (0: up to today); or fixed bounds (`latest`)."""

    years: int | None = 0
    earliest: dt.date = EARLIEST
    latest: dt.date | None = None
    message: object = None  # one (lazy) message for both ends, with %(first)s and %(last)s

    def bounds(self, today: dt.date) -> tuple[dt.date, dt.date]:
        return self.earliest, self.latest if self.latest else years_ahead(today, self.years)

    def check(self, day: dt.date, label) -> None:
        first, last = self.bounds(timezone.localdate())
        if first <= day <= last:
            return
        label = str(label or _("Datumet"))
        if self.message:
            text = str(self.message) % {"first": first.isoformat(), "last": last.isoformat()}
        elif day < first:
            text = _("”%(label)s” kan inte vara före %(first)s. Kontrollera årtalet.") % {
                "label": label,
                "first": first.isoformat(),
            }
        elif self.years == 0:
            text = _("”%(label)s” kan inte vara ett datum i framtiden.") % {"label": label}
        else:
            text = _("”%(label)s” kan inte vara mer än %(years)s år fram i tiden (senast %(last)s).") % {
                "label": label,
                "years": self.years,
                "last": last.isoformat(),
            }
        raise forms.ValidationError(text, code="date_window")


PAST = Window(0)
SOON = Window(1)
PLANNED = Window(5)
LASTING = Window(10)
RECORDED = Window(
    None, earliest=FIRST_DAY, latest=LAST_DAY, message=gettext_lazy("Ange ett datum mellan %(first)s och %(last)s.")
)


class DateField(forms.DateField):
    """A date within the subclass's window (see the module docstring); dates are written 2026-11-22."""

    window: Window

    def __init__(self, *args, window: Window | None = None, **kwargs):
        self.window = window or type(self).window
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format=DATE_INPUT))
        super().__init__(*args, **kwargs)

    def validate(self, value):
        super().validate(value)
        if value:
            self.window.check(value, self.label)


class DateTimeField(forms.DateTimeField):
    """A date and time whose local date is within the subclass's window."""

    window: Window

    def __init__(self, *args, window: Window | None = None, **kwargs):
        self.window = window or type(self).window
        kwargs.setdefault("widget", forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT))
        super().__init__(*args, **kwargs)

    def validate(self, value):
        super().validate(value)
        if value:
            try:
                day = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
            except (OverflowError, ValueError):
                day = value.date()
            self.window.check(day, self.label)


class PastDate(DateField):
    window = PAST


class SoonDate(DateField):
    window = SOON


class PlannedDate(DateField):
    window = PLANNED


class LastingDate(DateField):
    window = LASTING


class RecordedDate(DateField):
    window = RECORDED


class PastDateTime(DateTimeField):
    window = PAST


class SoonDateTime(DateTimeField):
    window = SOON
