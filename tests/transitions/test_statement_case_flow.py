"""The statement adds up to cases run through the case services (admission notice, utskrivningsklar,
withdrawal, renewed notice, discharge), as in the demo: no row written by hand."""

import datetime as dt

import pytest

from nara.transitions import case_services
from nara.transitions import statement_selectors as sel
from nara.transitions.daycount import case_days
from tests import factories as f
from tests.transitions import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db
D = dt.date


def test_statement_of_a_case_run_through_the_services():
    w = build()
    b.ag_day_price(2025, "9000.00")
    b.ag_agreement(w)  # resolved for the case by municipality and date when the admission notice is sent
    case = b.case_start(w, now=b.ag_local(D(2025, 10, 1), 13), both_must_act=False)
    assert case.agreement is not None
    ward = f.actor(w.ward_nurse)
    case = case_services.notify_ready(ward, case.pk, case.version, at=b.ag_local(D(2025, 10, 2), 10))
    case = case_services.withdraw_ready(
        ward, case.pk, case.version, "Feber", at=b.ag_local(D(2025, 10, 4), 9)
    )
    case = case_services.notify_ready(ward, case.pk, case.version, at=b.ag_local(D(2025, 10, 6), 10))
    case = case_services.discharge(
        ward,
        case.pk,
        case.version,
        {
            "summary": "Pneumoni, behandlad",
            "discharged_to": "Hemmet",
            "discharged_at": b.ag_local(D(2025, 10, 14), 11),
        },
    )
    days = case_days(b.ag_fresh(case), D(2025, 10, 31))
    # Ready 2-3 Oct, withdrawn 4 Oct; ready again 6-13 Oct; new waiting period 7-9 Oct, paid 10-13 Oct.
    assert days.ready_dates == [D(2025, 10, 2), D(2025, 10, 3)] + [D(2025, 10, d) for d in range(6, 14)]
    assert days.payment_dates == [D(2025, 10, d) for d in range(10, 14)]
    october = sel.statement(f.actor(w.vc_manager), w.mark.pk, D(2025, 10, 1), "test")
    (line,) = october["lines"]
    assert (line.ready_days, line.payment_days, line.amount) == (10, 4, 36000)
    assert october["totals"].amount == line.amount
