"""Property tests (hypothesis) of the day counting in nara/transitions/daycount.py.

The cases here are plain in-memory objects (unsaved models), so thousands of examples run without a database.
"""

import datetime as dt
from types import SimpleNamespace

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from nara.transitions import daycount
from nara.transitions.daycount import (
    STOCKHOLM,
    case_days,
    effective_notice_date,
    is_working_day,
    payment_start,
)
from nara.transitions.models import Agreement

UTC = dt.UTC
ONE = dt.timedelta(days=1)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class _Rows(list):
    def all(self):
        return self


def make_case(
    notices, discharged_at=None, agreement=None, admission_at=None, both_must_act=False, sip_invited_at=None
):
    """notices: list of (notified_at, withdrawn_at or None), aware datetimes."""
    events = _Rows()
    if admission_at is not None:
        events.append(SimpleNamespace(kind="admission_notice", at=admission_at))
    return SimpleNamespace(
        status="discharged" if discharged_at else "ready",
        cancelled_at=None,
        discharged_at=discharged_at,
        agreement=agreement,
        both_must_act=both_must_act,
        sip_invited_at=sip_invited_at,
        sip_id=None,
        ready_notices=_Rows(
            SimpleNamespace(notified_at=n, withdrawn_at=w, pk=i) for i, (n, w) in enumerate(notices)
        ),
        events=events,
    )


def agreement(**kw):
    values = dict(
        day_kind="calendar",
        days_after_notice=3,
        count_day_zero=False,
        notice_cutoff=None,
        extra_non_working_days=[],
        require_both_notices=False,
        require_sip_invitation=False,
    )
    values.update(kw)
    return Agreement(**values)


def at_local(day: dt.date, time: dt.time = dt.time(10, 0), fold=0) -> dt.datetime:
    """A local wall-clock moment as an aware UTC datetime (as the database returns it)."""
    return dt.datetime.combine(day, time, tzinfo=STOCKHOLM).replace(fold=fold).astimezone(UTC)


days = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2028, 12, 31))
times = st.times()
agreements = st.builds(
    agreement,
    day_kind=st.sampled_from(["calendar", "working"]),
    days_after_notice=st.integers(0, 10),
    count_day_zero=st.booleans(),
    notice_cutoff=st.one_of(st.none(), st.times(min_value=dt.time(8), max_value=dt.time(17))),
    extra_non_working_days=st.sampled_from([[], ["06-19", "12-24", "12-31"], ["2026-06-19"]]),
)


@st.composite
def histories(draw):
    """A first notice, then alternating withdrawals and renewed notices, maybe a discharge; and an `until`."""
    start = draw(days)
    moment = at_local(start, draw(times))
    notices = []
    current = moment
    for _ in range(draw(st.integers(1, 4))):
        gap = dt.timedelta(hours=draw(st.integers(0, 24 * 20)), minutes=draw(st.integers(0, 59)))
        withdrawn = current + gap if draw(st.booleans()) else None
        notices.append((current, withdrawn))
        if withdrawn is None:
            break
        current = withdrawn + dt.timedelta(hours=draw(st.integers(1, 24 * 15)))
    discharged = None
    if draw(st.booleans()):
        discharged = current + dt.timedelta(hours=draw(st.integers(0, 24 * 40)))
    until = daycount.local_date(current) + dt.timedelta(days=draw(st.integers(0, 80)))
    return notices, discharged, until


def _month_key(d):
    return (d.year, d.month)


@SETTINGS
@given(histories(), agreements)
def test_invariants(history, agr):
    notices, discharged, until = history
    result = case_days(make_case(notices, discharged, agr), until)
    first_notice_day = daycount.local_date(notices[0][0])
    for dates in (result.ready_dates, result.payment_dates):
        assert dates == sorted(set(dates))
        assert all(first_notice_day <= d <= until for d in dates)
    assert set(result.payment_dates) <= set(result.ready_dates)
    if discharged is not None:
        assert all(d < daycount.local_date(discharged) for d in result.ready_dates)


@SETTINGS
@given(histories(), agreements)
def test_withdrawn_days_count_for_nothing_and_months_sum_to_the_whole(history, agr):
    notices, discharged, until = history
    result = case_days(make_case(notices, discharged, agr), until)
    # No day between a withdrawal and the renewed notice is ready (or paid).
    for (_n, withdrawn), (renewed, _w) in zip(notices, notices[1:], strict=False):
        gap = {
            daycount.local_date(withdrawn) + ONE * i
            for i in range((daycount.local_date(renewed) - daycount.local_date(withdrawn)).days)
        }
        assert not gap & set(result.ready_dates)
    # Each renewed notice restarts the waiting period.
    for renewed, _w in notices[1:]:
        start = payment_start(agr, effective_notice_date(agr, renewed))
        renewed_day = daycount.local_date(renewed)
        assert not [d for d in result.payment_dates if renewed_day <= d < start]
    # Months (and years) partition the days; a later `until` never changes the days up to the earlier one.
    months = sorted({_month_key(d) for d in result.ready_dates})
    parts = [result.in_month(dt.date(y, m, 1)) for y, m in months]
    assert sum(len(p.ready_dates) for p in parts) == len(result.ready_dates)
    assert sum(len(p.payment_dates) for p in parts) == len(result.payment_dates)
    later = case_days(make_case(notices, discharged, agr), until + dt.timedelta(days=45))
    assert [d for d in later.ready_dates if d <= until] == result.ready_dates
    assert [d for d in later.payment_dates if d <= until] == result.payment_dates


@SETTINGS
@given(
    st.dates(min_value=dt.date(2024, 11, 15), max_value=dt.date(2028, 2, 15)),
    st.integers(0, 80),
    st.integers(1, 10),
)
def test_month_and_year_boundaries(start, length, n):
    """A case over a month or year end: the months' days add up to the whole stay."""
    agr = agreement(days_after_notice=n)
    notice = at_local(start, dt.time(9))
    discharged = at_local(start + dt.timedelta(days=length), dt.time(14))
    result = case_days(make_case([(notice, None)], discharged, agr), start + dt.timedelta(days=200))
    assert len(result.ready_dates) == length
    assert len(result.payment_dates) == max(0, length - n - 1)  # day 0 (the notice day) is not counted
    total_ready = total_paid = 0
    month = start.replace(day=1)
    while month <= start + dt.timedelta(days=length):
        part = result.in_month(month)
        total_ready += len(part.ready_dates)
        total_paid += len(part.payment_dates)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    assert (total_ready, total_paid) == (length, max(0, length - n - 1))


@SETTINGS
@given(days, st.integers(1, 10), st.booleans(), st.sampled_from([[], ["06-19", "12-24", "12-31"]]))
def test_working_day_rule_skips_weekends_and_public_holidays(day, n, day_zero, extra):
    agr = agreement(
        day_kind="working", days_after_notice=n, count_day_zero=day_zero, extra_non_working_days=extra
    )
    start = payment_start(agr, day)
    extra_days = daycount.parse_extra_days(extra)
    first = day if day_zero else day + ONE
    waited = [first + ONE * i for i in range((start - first).days)]
    working = [d for d in waited if is_working_day(d, extra_days)]
    assert len(working) == n
    assert is_working_day(start - ONE, extra_days)  # the last waiting day is a working day
    assert not [d for d in waited if daycount.is_public_holiday(d) and d in working]


def test_known_holidays():
    # Easter 2026: Good Friday 3 April, Easter Monday 6 April. A notice on Thursday 2 April waits Tue-Thu.
    agr = agreement(day_kind="working", days_after_notice=3)
    assert payment_start(agr, dt.date(2026, 4, 2)) == dt.date(2026, 4, 10)
    # Midsommarafton, julafton and nyårsafton are not public holidays in the library: the agreement lists them.
    for eve in (dt.date(2026, 6, 19), dt.date(2026, 12, 24), dt.date(2026, 12, 31)):
        assert not daycount.is_public_holiday(eve)
        assert is_working_day(eve)
        assert not is_working_day(eve, daycount.parse_extra_days(["06-19", "12-24", "12-31"]))
    assert daycount.is_public_holiday(dt.date(2026, 6, 6))  # nationaldagen (a Saturday in 2026)
    assert daycount.is_public_holiday(dt.date(2026, 1, 6))
    assert not daycount.is_public_holiday(dt.date(2026, 6, 7))  # an ordinary Sunday is not listed
    # Christmas 2026: notice Wed 23 Dec; julafton Thu (extra), juldagen Fri, annandag Sat, Sun; waits Mon-Wed.
    agr = agreement(day_kind="working", days_after_notice=3, extra_non_working_days=["12-24", "12-31"])
    assert payment_start(agr, dt.date(2026, 12, 23)) == dt.date(2026, 12, 31)
    # Notice Tue 29 Dec: Wed 30 (1), nyårsafton (extra), nyårsdagen, Sat, Sun, Mon 4 Jan (2), Tue 5 Jan (3).
    assert payment_start(agr, dt.date(2026, 12, 29)) == dt.date(2027, 1, 6)
    agr.extra_non_working_days = []
    assert payment_start(agr, dt.date(2026, 12, 29)) == dt.date(2027, 1, 5)


def _dst_days():
    out = []
    for year in range(2024, 2029):
        for month in (3, 10):
            last = dt.date(year, month, 31)
            out.append(last - dt.timedelta(days=(last.weekday() + 1) % 7))  # last Sunday
    return out


@SETTINGS
@given(
    st.sampled_from(_dst_days()),
    st.integers(-2, 2),
    times,
    st.integers(0, 1),
    st.integers(0, 20),
    times,
    agreements,
)
def test_daylight_saving_changes_do_not_shift_dates(dst_day, offset, time, fold, length, out_time, agr):
    """Around the last Sunday of March and October: dates are those of the wall clock, as in naive reasoning."""
    day = dst_day + dt.timedelta(days=offset)
    notified = at_local(day, time, fold)
    assume(daycount.local_date(notified) == day)  # a wall time that does not exist moves; skip those
    discharge_day = day + dt.timedelta(days=length)
    discharged = at_local(discharge_day, out_time)
    assume(daycount.local_date(discharged) == discharge_day)
    result = case_days(make_case([(notified, None)], discharged, agr), discharge_day + ONE * 30)
    # Naive reasoning on wall-clock dates.
    expected_ready = [day + ONE * i for i in range(length)]
    naive_effective = day + ONE if agr.notice_cutoff is not None and time > agr.notice_cutoff else day
    start = payment_start(agr, naive_effective)
    assert result.ready_dates == expected_ready
    assert result.payment_dates == [d for d in expected_ready if d >= start]


@SETTINGS
@given(days, st.times(min_value=dt.time(8, 0, 1), max_value=dt.time(17, 59, 58)), agreements)
def test_cutoff_one_second_either_side(day, cutoff, agr):
    agr.notice_cutoff = cutoff.replace(microsecond=0)
    exact = dt.datetime.combine(day, agr.notice_cutoff)
    before = at_local(day, (exact - dt.timedelta(seconds=1)).time())
    after = at_local(day, (exact + dt.timedelta(seconds=1)).time())
    on_time = at_local(day, agr.notice_cutoff)
    assume(all(daycount.local_date(m) == day for m in (before, after, on_time)))
    assert effective_notice_date(agr, before) == day
    assert effective_notice_date(agr, on_time) == day
    assert effective_notice_date(agr, after) == day + ONE
    until = day + dt.timedelta(days=40)
    early = case_days(make_case([(before, None)], None, agr), until)
    late = case_days(make_case([(after, None)], None, agr), until)
    next_morning = case_days(make_case([(at_local(day + ONE, dt.time(0, 0, 1)), None)], None, agr), until)
    assert early.ready_dates == late.ready_dates  # the patient is ready from the actual notice day
    assert late.payment_dates == next_morning.payment_dates
    assert early.payment_dates[:1] == [payment_start(agr, day)] or not early.payment_dates
    assert late.payment_dates[:1] == [payment_start(agr, day + ONE)] or not late.payment_dates


@SETTINGS
@given(histories(), agreements, st.integers(0, 24 * 30))
def test_a_repeated_notice_while_still_ready_changes_nothing(history, agr, hours_later):
    """A second utskrivningsklar notice while the first is in force neither adds days nor restarts waiting."""
    notices, discharged, until = history
    last_notified, last_withdrawn = notices[-1]
    repeat = last_notified + dt.timedelta(hours=hours_later)
    ends = [m for m in (last_withdrawn, discharged) if m is not None]
    assume(not ends or repeat < min(ends))
    before = case_days(make_case(notices, discharged, agr), until)
    after = case_days(make_case([*notices, (repeat, last_withdrawn)], discharged, agr), until)
    assert after == before
