"""Scenario tests of payment responsibility under Lag (2017:612), step by step, on real models.

Default agreement (tests/transitions/builders.ag_agreement): 3 calendar days counted from the day after the
utskrivningsklar notice (the notice day is day 0), no cut-off, the admission notice required.
Utskrivningsklara dagar: from the notice day up to, not including, the discharge day (midnights, as vårddagar).
"""

import datetime as dt
from decimal import Decimal

import pytest

from nara.transitions.daycount import case_days, day_price
from tests.transitions import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db
D = dt.date
END = D(2026, 12, 31)


def span(first, last):
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def days_of(case, until=END):
    return case_days(b.ag_fresh(case), until)


def test_the_law_step_by_step():
    w = build()
    agreement = b.ag_agreement(w)
    # Monday 5 October 2026: admitted; the ward sends the admission notice the same day.
    case = b.ag_case(w, D(2026, 10, 5), agreement)
    assert days_of(case, D(2026, 10, 5)).ready_dates == []
    # Tuesday 6 October 10:00: utskrivningsklar (day 0). Wednesday to Friday are waiting days 1-3.
    b.ag_ready(case, b.ag_local(D(2026, 10, 6), 10))
    midway = days_of(case, D(2026, 10, 9))
    assert midway.ready_dates == span(D(2026, 10, 6), D(2026, 10, 9))
    assert midway.payment_dates == []
    # From Saturday 10 October the municipality pays for every day the patient stays.
    still = days_of(case, D(2026, 10, 12))
    assert still.payment_dates == span(D(2026, 10, 10), D(2026, 10, 12))
    # Discharged Wednesday 14 October 13:00: the discharge day is not a ready day.
    b.ag_discharge(case, b.ag_local(D(2026, 10, 14), 13))
    result = days_of(case)
    assert result.ready_dates == span(D(2026, 10, 6), D(2026, 10, 13))
    assert result.payment_dates == span(D(2026, 10, 10), D(2026, 10, 13))
    assert result.reasons == []


def test_day_zero_counted():
    w = build()
    case = b.ag_case(w, D(2026, 10, 5), b.ag_agreement(w, count_day_zero=True))
    b.ag_ready(case, b.ag_local(D(2026, 10, 6), 10))
    b.ag_discharge(case, b.ag_local(D(2026, 10, 14), 13))
    assert days_of(case).payment_dates == span(D(2026, 10, 9), D(2026, 10, 13))


def test_discharged_within_the_waiting_days_gives_no_payment():
    w = build()
    case = b.ag_case(w, D(2026, 10, 5), b.ag_agreement(w))
    b.ag_ready(case, b.ag_local(D(2026, 10, 6), 10))
    b.ag_discharge(case, b.ag_local(D(2026, 10, 10), 9))  # the first day that would have been paid
    result = days_of(case)
    assert len(result.ready_dates) == 4
    assert result.payment_dates == []
    assert "väntetiden" in " ".join(result.reasons)


def test_no_admission_notice_when_required_gives_no_payment():
    w = build()
    case = b.ag_case(w, D(2026, 10, 5), b.ag_agreement(w), admission_notice=False)
    b.ag_ready(case, b.ag_local(D(2026, 10, 6), 10))
    b.ag_discharge(case, b.ag_local(D(2026, 10, 20), 10))
    result = days_of(case)
    assert len(result.ready_dates) == 14
    assert result.payment_dates == []
    assert "Inskrivningsmeddelande saknas" in " ".join(result.reasons)
    # When the agreement does not require it, the days are paid.
    case.agreement.require_both_notices = False
    case.agreement.save()
    assert days_of(case).payment_dates == span(D(2026, 10, 10), D(2026, 10, 19))


def test_late_admission_notice_starts_the_waiting_period():
    w = build()
    case = b.ag_case(w, D(2026, 10, 5), b.ag_agreement(w), admission_notice=False)
    b.ag_ready(case, b.ag_local(D(2026, 10, 6), 10))
    from nara.transitions.models import CaseEvent

    CaseEvent.objects.create(case=case, kind="admission_notice", at=b.ag_local(D(2026, 10, 8), 15))
    b.ag_discharge(case, b.ag_local(D(2026, 10, 20), 10))
    assert days_of(case).payment_dates == span(D(2026, 10, 12), D(2026, 10, 19))


def test_withdrawal_before_day_n_and_a_renewed_notice():
    w = build()
    case = b.ag_case(w, D(2026, 10, 5), b.ag_agreement(w))
    notice = b.ag_ready(case, b.ag_local(D(2026, 10, 6), 10))
    # Thursday 8 October: the patient is no longer ready (waiting day 2): nothing to pay.
    b.ag_withdraw(notice, b.ag_local(D(2026, 10, 8), 7))
    result = days_of(case, D(2026, 10, 11))
    assert result.ready_dates == [D(2026, 10, 6), D(2026, 10, 7)]
    assert result.payment_dates == []
    # Monday 12 October: ready again — a new waiting period (13-15), payment from Friday 16.
    b.ag_ready(case, b.ag_local(D(2026, 10, 12), 9))
    b.ag_discharge(case, b.ag_local(D(2026, 10, 20), 11))
    result = days_of(case)
    assert result.ready_dates == [D(2026, 10, 6), D(2026, 10, 7)] + span(D(2026, 10, 12), D(2026, 10, 19))
    assert result.payment_dates == span(D(2026, 10, 16), D(2026, 10, 19))


def test_no_agreement_follows_the_laws_main_rule():
    """Lag (2017:612) without an agreement: liability 3 days after the utskrivningsklar notice (lagens huvudregel),
    by default in calendar days (NARA_STATUTORY_DAY_KIND)."""
    w = build()
    case = b.ag_case(w, D(2026, 10, 5), None)
    # Thursday 8 October 10:00: utskrivningsklar (day 0); Friday to Sunday are waiting days 1-3.
    b.ag_ready(case, b.ag_local(D(2026, 10, 8), 10))
    b.ag_discharge(case, b.ag_local(D(2026, 10, 20), 10))
    result = days_of(case)
    assert result.ready_dates == span(D(2026, 10, 8), D(2026, 10, 19))
    assert result.payment_dates == span(D(2026, 10, 12), D(2026, 10, 19))
    assert result.statutory is True
    assert result.reasons == []
    # The same days as an agreement with the law's numbers.
    with_agreement = b.ag_case(w, D(2026, 10, 5), b.ag_agreement(w), person=w.stranger)
    b.ag_ready(with_agreement, b.ag_local(D(2026, 10, 8), 10))
    b.ag_discharge(with_agreement, b.ag_local(D(2026, 10, 20), 10))
    assert days_of(with_agreement).payment_dates == result.payment_dates
    assert days_of(with_agreement).statutory is False


def test_the_laws_main_rule_in_working_days(settings):
    settings.NARA_STATUTORY_DAY_KIND = "working"
    w = build()
    case = b.ag_case(w, D(2026, 10, 5), None)
    b.ag_ready(case, b.ag_local(D(2026, 10, 8), 10))  # Thursday: waiting days Fri 9, Mon 12, Tue 13
    b.ag_discharge(case, b.ag_local(D(2026, 10, 20), 10))
    assert days_of(case).payment_dates == span(D(2026, 10, 14), D(2026, 10, 19))


def test_the_laws_main_rule_setting_is_checked(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.NARA_STATUTORY_DAY_KIND = "vardagar"
    w = build()
    case = b.ag_case(w, D(2026, 10, 5), None)
    b.ag_ready(case, b.ag_local(D(2026, 10, 8), 10))
    with pytest.raises(ImproperlyConfigured, match="NARA_STATUTORY_DAY_KIND"):
        days_of(case)


def test_the_laws_main_rule_keeps_the_laws_conditions():
    """Without an agreement the municipality must still have received both notices."""
    w = build()
    case = b.ag_case(w, D(2026, 10, 5), None, admission_notice=False)
    b.ag_ready(case, b.ag_local(D(2026, 10, 6), 10))
    b.ag_discharge(case, b.ag_local(D(2026, 10, 30), 10))
    result = days_of(case)
    assert len(result.ready_dates) == 24
    assert result.payment_dates == []
    assert "Inskrivningsmeddelande saknas" in result.reasons[0]
    # An admission notice sent late (Thursday 8 Oct): the waiting period counts from it.
    from nara.transitions.models import CaseEvent

    CaseEvent.objects.create(case=case, kind="admission_notice", at=b.ag_local(D(2026, 10, 8), 15))
    assert days_of(case).payment_dates == span(D(2026, 10, 12), D(2026, 10, 29))


def test_cancelled_case_counts_nothing():
    w = build()
    case = b.ag_case(w, D(2026, 10, 5), b.ag_agreement(w))
    b.ag_ready(case, b.ag_local(D(2026, 10, 6), 10))
    case.status = "cancelled"
    case.save()
    assert days_of(case).ready_dates == []


def test_cut_off_at_noon():
    w = build()
    agreement = b.ag_agreement(w, notice_cutoff=dt.time(12, 0))
    early = b.ag_case(w, D(2026, 10, 5), agreement)
    b.ag_ready(early, b.ag_local(D(2026, 10, 6), 11, 59, 59))
    late = b.ag_case(w, D(2026, 10, 5), agreement, person=w.stranger)
    b.ag_ready(late, b.ag_local(D(2026, 10, 6), 12, 0, 1))
    assert days_of(early, D(2026, 10, 12)).payment_dates == span(D(2026, 10, 10), D(2026, 10, 12))
    assert days_of(late, D(2026, 10, 12)).payment_dates == span(D(2026, 10, 11), D(2026, 10, 12))
    assert days_of(late, D(2026, 10, 12)).ready_dates[0] == D(2026, 10, 6)


def test_working_days_over_easter():
    w = build()
    agreement = b.ag_agreement(w, day_kind="working")
    case = b.ag_case(w, D(2026, 3, 30), agreement)
    b.ag_ready(case, b.ag_local(D(2026, 4, 2), 10))  # Thursday before Good Friday
    b.ag_discharge(case, b.ag_local(D(2026, 4, 14), 10))
    # Waiting days: Tue 7, Wed 8, Thu 9 April (Good Friday, the weekend and Easter Monday are not working days).
    assert days_of(case).payment_dates == span(D(2026, 4, 10), D(2026, 4, 13))


def test_sip_invitation_required_when_both_must_act():
    w = build()
    agreement = b.ag_agreement(w, require_sip_invitation=True)
    case = b.ag_case(w, D(2026, 10, 5), agreement, both_must_act=True)
    b.ag_ready(case, b.ag_local(D(2026, 10, 6), 10))
    result = days_of(case, D(2026, 10, 15))
    assert result.payment_dates == []
    assert "SIP" in result.reasons[0]
    case.sip_invited_at = b.ag_local(D(2026, 10, 12), 14)
    case.save()
    assert days_of(case, D(2026, 10, 15)).payment_dates == span(D(2026, 10, 12), D(2026, 10, 15))
    # Not a condition when only one of them must act.
    case.sip_invited_at = None
    case.both_must_act = False
    case.save()
    assert days_of(case, D(2026, 10, 15)).payment_dates == span(D(2026, 10, 10), D(2026, 10, 15))


def test_day_price_per_year():
    assert day_price(2026) is None
    b.ag_day_price(2026, "9900.00")
    assert day_price(2026) == Decimal("9900.00")
