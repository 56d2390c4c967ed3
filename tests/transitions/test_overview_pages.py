"""The transitions overview: utskrivningsklara per municipality with days and cost this month, and open cases whose
deadlines are at risk (person rows through the gate)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from nara.audit.models import AccessLogEntry
from nara.transitions import overview_selectors as selectors
from nara.transitions.models import CaseEvent, DayPrice
from tests import factories as f
from tests.transitions import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 20)


def at(day, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def ready_case(w, agreement, person, ready_on, municipality=None, discharged_on=None, status="ready"):
    admitted = at(ready_on - dt.timedelta(days=5))
    case = b.fu_case(
        w,
        person=person,
        status=status,
        admitted_at=admitted,
        agreement=agreement,
        discharged_at=at(discharged_on) if discharged_on else None,
        **({"municipality": municipality} if municipality else {}),
    )
    b.fu_event(case, CaseEvent.Kind.ADMISSION_NOTICE, admitted)
    b.fu_ready(case, at(ready_on))
    return case


@pytest.fixture
def scenario():
    w = build()
    DayPrice.objects.create(year=2026, price=Decimal("9800.00"))
    mark_agreement = b.fu_agreement(w)
    boras = f.organisation("Borås stad", code="1490")
    from nara.transitions.models import Agreement

    boras_agreement = Agreement.objects.create(
        region=w.region, municipality=boras, name="Borås", valid_from=dt.date(2020, 1, 1)
    )
    # Mark: one patient ready since 10 Nov (11 ready days, payment from 14 Nov: 7 days), one discharged on 5 Nov
    # after being ready since 28 Oct (1–4 Nov: 4 ready days, all payment days).
    ready_case(w, mark_agreement, w.person, dt.date(2026, 11, 10))
    ready_case(
        w,
        mark_agreement,
        f.person(municipality=w.mark),
        dt.date(2026, 10, 28),
        discharged_on=dt.date(2026, 11, 5),
        status="discharged",
    )
    # Borås: one patient ready since 18 Nov (3 ready days, no payment day yet). A cancelled case counts for nothing.
    ready_case(w, boras_agreement, f.person(municipality=boras), dt.date(2026, 11, 18), municipality=boras)
    ready_case(w, mark_agreement, f.person(municipality=w.mark), dt.date(2026, 11, 1), status="cancelled")
    return w


def test_numbers_per_municipality_for_the_region(scenario):
    w = scenario
    data = selectors.ready_per_municipality(f.actor(w.vc_nurse), TODAY)
    rows = {r.name: r for r in data.rows}
    assert set(rows) == {"Marks kommun", "Borås stad"}
    mark = rows["Marks kommun"]
    assert (mark.ready_now, mark.cases_this_month, mark.ready_days, mark.payment_days) == (1, 2, 15, 11)
    assert mark.cost == Decimal("9800.00") * 11
    boras = rows["Borås stad"]
    assert (boras.ready_now, boras.ready_days, boras.payment_days, boras.cost) == (1, 3, 0, Decimal("0"))
    assert data.totals.payment_days == 11


def test_municipality_sees_only_its_own_figures(scenario):
    w = scenario
    data = selectors.ready_per_municipality(f.actor(w.mark_nurse), TODAY)
    assert [r.name for r in data.rows] == ["Marks kommun"]


def test_without_day_price_the_cost_is_not_invented(scenario):
    w = scenario
    DayPrice.objects.all().delete()
    data = selectors.ready_per_municipality(f.actor(w.vc_nurse), TODAY)
    assert all(r.cost is None for r in data.rows)


def test_a_municipality_without_agreement_pays_by_the_laws_main_rule(scenario):
    """Bollebygd has no agreement: its days follow lagens huvudregel (3 calendar days after the notice)."""
    w = scenario
    bollebygd = f.organisation("Bollebygds kommun", code="1443")
    # Ready since 10 Nov (11 ready days to 20 Nov; waiting 11-13 Nov, paid 14-20 Nov: 7 days).
    ready_case(w, None, f.person(municipality=bollebygd), dt.date(2026, 11, 10), municipality=bollebygd)
    data = selectors.ready_per_municipality(f.actor(w.vc_nurse), TODAY)
    row = {r.name: r for r in data.rows}["Bollebygds kommun"]
    assert (row.ready_now, row.ready_days, row.payment_days) == (1, 11, 7)
    assert row.cost == Decimal("9800.00") * 7
    assert data.totals.payment_days == 11 + 7


@pytest.fixture
def risky():
    w = build()
    now = timezone.now()
    case = b.fu_case(
        w,
        status="ready",
        admitted_at=now - dt.timedelta(days=6),
        both_must_act=True,
        planning_due_at=now - dt.timedelta(hours=3),
        agreement=b.fu_agreement(w),
    )
    b.fu_event(case, CaseEvent.Kind.ADMISSION_NOTICE, now - dt.timedelta(hours=30), units=[w.hsv, w.vc])
    b.fu_ready(case, now - dt.timedelta(days=4))
    calm = b.fu_case(
        w, person=f.person(listed_unit=w.vc, given="Calm"), admitted_at=now - dt.timedelta(hours=2)
    )
    b.fu_event(calm, CaseEvent.Kind.ADMISSION_NOTICE, now - dt.timedelta(hours=1), units=[w.vc])
    w.case = case
    return w


def test_at_risk_lists_each_deadline(risky):
    w = risky
    data = selectors.at_risk(f.actor(w.vc_nurse), long_ready_days=2)
    assert [r.case for r in data.rows] == [w.case]
    keys = {r.key for r in data.rows[0].risks}
    assert keys == {"unacknowledged", "planning", "sip", "long_ready"}
    text = " ".join(r.text for r in data.rows[0].risks)
    assert "Hemsjukvården Mark" in text and "Vårdcentralen Kinna" in text


def test_at_risk_respects_acknowledgements_and_limits(risky):
    from nara.transitions.models import PlanningInfo, Receipt

    w = risky
    Receipt.objects.update(acknowledged_at=timezone.now())
    PlanningInfo.objects.create(case=w.case, unit=w.hsv, user=w.mark_nurse, needs="Hemtjänst")
    w.case.sip_invited_at = timezone.now()
    w.case.save()
    data = selectors.at_risk(f.actor(w.vc_nurse), long_ready_days=10)
    assert data.rows == []


def test_overview_page_person_rows_through_the_gate(client, risky):
    w = risky
    client.force_login(w.vc_nurse)
    before = AccessLogEntry.objects.filter(person=w.person).count()
    body = client.get(reverse("transitions:overview") + "?dagar=2").content.decode()
    assert "Astrid Lindqvist" in body and "Kallelse till SIP" in body
    assert AccessLogEntry.objects.filter(person=w.person).count() > before

    client.force_login(w.mark_nurse)  # a receiver without the person's consent sees only a count
    body = client.get(reverse("transitions:overview")).content.decode()
    assert "Astrid" not in body and "gäller en person du inte kan se" in body

    client.force_login(w.outsider_nurse)
    body = client.get(reverse("transitions:overview")).content.decode()
    assert "Astrid" not in body


def test_readmission_is_computed_when_not_flagged(risky):
    w = risky
    b.fu_case(
        w,
        status="discharged",
        admitted_at=w.case.admitted_at - dt.timedelta(days=20),
        discharged_at=w.case.admitted_at - dt.timedelta(days=10),
    )
    data = selectors.at_risk(f.actor(w.vc_nurse), long_ready_days=2)
    assert data.rows[0].readmission_of is not None


def test_analyst_sees_figures_but_no_person_rows(client, scenario):
    w = scenario
    client.force_login(w.vc_analyst)
    response = client.get(reverse("transitions:overview"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Marks kommun" in body and "Astrid" not in body
