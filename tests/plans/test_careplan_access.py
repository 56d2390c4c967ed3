"""Who sees care plans and treatment limitations: the recording organisation decides, like any record."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from nara.access import gate
from nara.access.models import Block, Consent, EmergencyAccess
from nara.audit.models import AccessLogEntry
from nara.plans import careplan_selectors
from tests import factories as f
from tests.plans import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db


def consent_to_mark(w):
    return Consent.objects.create(
        person=w.person,
        receiving_org=w.mark,
        all_sources=True,
        method="verbal",
        recorded_by_unit=w.vc,
        recorded_by_org=w.region,
        recorded_by=w.vc_nurse,
    )


def plans_for(w, user):
    actor = f.actor(user)
    access = gate.open_person(actor, w.person.pk, "test")
    return careplan_selectors.care_plans(actor, access, "test")


def test_other_org_without_consent_sees_neither_plans_nor_limitations():
    w = build()
    b.care_plan(w, kind="palliative")
    b.limitation(w)
    data = plans_for(w, w.mark_nurse)
    assert data["active_plans"] == [] and data["active_limitations"] == []
    assert [g.org_name for g in data["limitations_hidden"]] == ["Västra Götalandsregionen"]
    assert not data["limitations_hidden"][0].blocked
    assert data["plans_hidden"][0].count == 1


def test_other_org_with_consent_sees_them_and_the_reads_are_logged():
    w = build()
    plan = b.care_plan(w, kind="palliative")
    lim = b.limitation(w)
    consent_to_mark(w)
    data = plans_for(w, w.mark_nurse)
    assert data["active_plans"] == [plan] and data["active_limitations"] == [lim]
    logged = AccessLogEntry.objects.filter(user=w.mark_nurse, record_type="plans.treatmentlimitation")
    assert logged.get().basis == "consent"


def test_block_hides_even_with_consent():
    w = build()
    b.limitation(w)
    consent_to_mark(w)
    Block.objects.create(
        person=w.person,
        blocked_org=w.region,
        recorded_by_unit=w.hsv,
        recorded_by_org=w.mark,
        recorded_by=w.mark_nurse,
    )
    data = plans_for(w, w.mark_nurse)
    assert data["active_limitations"] == []
    assert data["limitations_hidden"][0].blocked


def test_emergency_access_sees_all():
    w = build()
    lim = b.limitation(w)
    now = timezone.now()
    EmergencyAccess.objects.create(
        person=w.person,
        user=w.outsider_nurse,
        unit=w.outsider_nurse.assignments.get().unit,
        reason="Medvetslös",
        opened_at=now,
        expires_at=now + dt.timedelta(hours=2),
    )
    assert plans_for(w, w.outsider_nurse)["active_limitations"] == [lim]


def test_no_relationship_no_page(client):
    w = build()
    b.limitation(w)
    client.force_login(w.outsider_nurse)
    response = client.get(reverse("plans:careplans", args=[w.person.pk]))
    assert response.status_code == 403
    assert "Ej hjärt-lungräddning" not in response.content.decode()


def test_overview_banner_follows_consent(client):
    w = build()
    b.limitation(w, description="Beslut efter samtal")
    client.force_login(w.mark_nurse)
    url = reverse("people:overview", args=[w.person.pk])
    body = client.get(url).content.decode()
    assert 'data-testid="limitation-banner"' not in body
    assert 'data-testid="limitation-hidden"' in body  # told that something is hidden, not what
    assert "Ej hjärt-lungräddning" not in body
    consent_to_mark(w)
    body = client.get(url).content.decode()
    assert 'data-testid="limitation-banner"' in body and "Ej hjärt-lungräddning (HLR)" in body
    assert "Astrid själv och sonen Karl" in body  # after talking with whom


def test_revoked_or_expired_limitation_not_in_banner(client):
    w = build()
    b.limitation(w, kind="no_icu", revoked_at=timezone.now(), revoke_reason="Ändrat tillstånd")
    b.limitation(w, kind="no_hospital", valid_until=dt.date.today() - dt.timedelta(days=1))
    client.force_login(w.vc_nurse)
    body = client.get(reverse("people:overview", args=[w.person.pk])).content.decode()
    assert 'data-testid="limitation-banner"' not in body


def test_no_personnummer_in_plan_urls():
    w = build()
    plan = b.care_plan(w)
    for url in (
        reverse("plans:careplans", args=[w.person.pk]),
        reverse("plans:careplan_detail", args=[w.person.pk, plan.pk]),
        reverse("plans:care_request", args=[w.person.pk]),
        reverse("plans:care_request_print", args=[w.person.pk]),
    ):
        assert w.person.personnummer not in url
        assert w.person.personnummer.replace("-", "") not in url
