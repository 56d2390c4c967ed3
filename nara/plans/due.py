"""When things fall due: CFS reassessment (yearly and after a change), palliative review, SIP follow-up.

Pure functions over dates, so the work lists, the person overview and the tests share one rule.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings


def cfs_due(last_rated_on: dt.date | None, last_change_on: dt.date | None) -> dt.date | None:
    """The date a new CFS rating is due: yearly after the last one, or at once after a later change in condition.

    None when the person has never been rated and no change is noted (nothing to reassess).
    """
    if last_rated_on is None:
        return last_change_on
    due = last_rated_on + dt.timedelta(days=settings.NARA_CFS_REASSESS_DAYS)
    if last_change_on is not None and last_change_on > last_rated_on:
        return min(due, last_change_on)
    return due


def palliative_review_due(established_on: dt.date, review_due: dt.date | None) -> dt.date:
    """A palliative plan is reviewed at the yearly check-up unless an earlier date was set."""
    return review_due or established_on + dt.timedelta(days=settings.NARA_PALLIATIVE_REVIEW_DAYS)


def default_sip_follow_up(from_date: dt.date) -> dt.date:
    return from_date + dt.timedelta(days=settings.NARA_SIP_FOLLOW_UP_DAYS)


def week_bounds(on: dt.date) -> tuple[dt.date, dt.date]:
    """Monday to Sunday of the week holding `on` (Swedish weeks start on Monday)."""
    start = on - dt.timedelta(days=on.weekday())
    return start, start + dt.timedelta(days=6)
