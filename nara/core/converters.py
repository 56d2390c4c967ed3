"""Path converters that match only values a view can use, so that a URL with anything else is a plain 404.

- `<id:pk>`: a database id, 1 to 2**63 - 1 (a bigint). Django's `int` also matches 0 and ids no database column
  holds (20 digits: OverflowError on SQLite, out of range on PostgreSQL) and lets them reach the view.
- `<month:month>`: a calendar month YYYY-MM within the dates Nära has records for (DAYS); the view gets the first
  day of the month as a date.

Registered in CoreConfig.ready(). `parse_id` is the same rule for an id that comes in a form or a query string.
"""

from __future__ import annotations

import datetime as dt
import re

MAX_ID = 2**63 - 1
# The dates of what Nära records (access log rows, discharge cases, statements): a date outside them in a filter or
# a URL is a mistake, and answered as one, before it reaches date arithmetic at the ends of the calendar.
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)


def parse_id(value) -> int | None:
    """The id in `value` (str or int), or None when it is not a database id (not digits, 0, or too large)."""
    text = str(value if value is not None else "").strip()
    if not re.fullmatch(r"[0-9]{1,19}", text, re.ASCII):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


class IdConverter:
    regex = "[0-9]{1,19}"
    extremes = ("0", "1", str(MAX_ID), str(MAX_ID + 1), "9" * 19)  # for tests/test_url_robustness.py

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError("not a database id")
        return number

    def to_url(self, value) -> str:
        return str(int(value))


class MonthConverter:
    regex = "[0-9]{4}-[0-9]{2}"
    extremes = ("0001-01", "0000-00", "1999-12", "2000-01", "2026-13", "2099-12", "2100-01", "9999-12")

    def to_python(self, value: str) -> dt.date:
        year, month = int(value[:4]), int(value[5:])
        if not 1 <= month <= 12:
            raise ValueError("no such month")
        first = dt.date(year, month, 1)
        if not FIRST_DAY <= first <= LAST_DAY:
            raise ValueError("outside the dates Nära has records for")
        return first

    def to_url(self, value) -> str:
        if isinstance(value, dt.date):
            return f"{value.year:04d}-{value.month:02d}"
        return str(value)
