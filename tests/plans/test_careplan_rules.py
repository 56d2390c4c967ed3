"""Role rules (physicians decide), version check on edit, ending a plan, and the palliative review rule."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from nara.access import gate
from nara.audit.models import AccessLogEntry
from nara.core.models import ConcurrentEditError
from nara.plans import careplan_selectors, careplan_services, due
from nara.plans.careplan_forms import CarePlanForm
from nara.plans.models import CarePlan, TreatmentLimitation
from tests import factories as f
from tests.plans import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def limitation_post(**extra):
    return {
        "kind": "no_cpr",
        "description": "",
        "decided_on": TODAY.isoformat(),
        "discussed_with": "Astrid och dottern Eva",
        "valid_until": "",
        **extra,
    }


def test_only_physician_decides_limitations(client):
    w = build()
    url = reverse("plans:limitation_new", args=[w.person.pk])
    client.force_login(w.vc_nurse)
    page = client.get(url).content.decode()
    assert 'data-testid="physician-only"' in page and '<form method="post" class="stack' not in page
    assert client.post(url, limitation_post()).status_code == 403
    assert not TreatmentLimitation.objects.exists()

    doctor = b.vc_physician(w)
    client.force_login(doctor)
    response = client.post(url, limitation_post())
    assert response.status_code == 302
    lim = TreatmentLimitation.objects.get()
    assert lim.decided_by == doctor and lim.recorded_by_org == w.region
    assert AccessLogEntry.objects.filter(action="create", record_type="plans.treatmentlimitation").exists()


def test_limitation_needs_who_it_was_discussed_with(client):
    w = build()
    client.force_login(b.vc_physician(w))
    url = reverse("plans:limitation_new", args=[w.person.pk])
    response = client.post(url, limitation_post(discussed_with=""))
    assert response.status_code == 200
    assert "Skriv vem beslutet har diskuterats med." in response.content.decode()
    response = client.post(url, limitation_post(kind="other"))
    assert "Beskriv begränsningen" in response.content.decode()
    response = client.post(url, limitation_post(valid_until=(TODAY - dt.timedelta(days=3)).isoformat()))
    assert "Giltighetstiden kan inte sluta före beslutsdatumet." in response.content.decode()
    assert not TreatmentLimitation.objects.exists()


def test_revoke_with_reason_by_physician_only(client):
    w = build()
    lim = b.limitation(w)
    url = reverse("plans:limitation_detail", args=[w.person.pk, lim.pk])
    client.force_login(w.vc_nurse)
    assert "Upphäv beslutet" not in client.get(url).content.decode()
    doctor = b.vc_physician(w)
    client.force_login(doctor)
    response = client.post(url, {"version": lim.version, "reason": ""})
    assert "Skriv varför beslutet upphävs." in response.content.decode()
    response = client.post(url, {"version": lim.version, "reason": "Förbättrat tillstånd"})
    assert response.status_code == 302
    lim.refresh_from_db()
    assert lim.revoked_at and lim.revoked_by == doctor and lim.revoke_reason == "Förbättrat tillstånd"


def test_only_physician_establishes_medical_plan(client):
    w = build()
    url = reverse("plans:careplan_new", args=[w.person.pk, "medicinsk"])
    data = {
        "established_on": TODAY.isoformat(),
        "diagnoses": "Hjärtsvikt",
        "goals_of_care": "",
        "plan": "Vikt",
    }
    client.force_login(w.vc_nurse)
    assert 'data-testid="physician-only"' in client.get(url).content.decode()
    assert client.post(url, data).status_code == 403
    doctor = b.vc_physician(w)
    client.force_login(doctor)
    response = client.post(url, data)
    assert response.status_code == 302
    plan = CarePlan.objects.get()
    assert plan.kind == "medical" and plan.responsible_physician == doctor
    detail = client.get(reverse("plans:careplan_detail", args=[w.person.pk, plan.pk])).content.decode()
    assert doctor.get_full_name() in detail  # shows who


def test_nurse_records_hospital_plan_and_cannot_edit_medical_plan(client):
    w = build()
    client.force_login(w.vc_nurse)
    url = reverse("plans:careplan_new", args=[w.person.pk, "sjukhus"])
    response = client.post(
        url,
        {
            "established_on": TODAY.isoformat(),
            "source_unit_name": "",
            "received_on": "",
            "diagnoses": "",
            "plan": "",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "errorlist" in body
    response = client.post(
        url,
        {
            "established_on": TODAY.isoformat(),
            "source_unit_name": "Avd 12, SÄS",
            "received_on": TODAY.isoformat(),
            "diagnoses": "Pneumoni",
            "plan": "Antibiotika",
        },
    )
    assert response.status_code == 302
    hospital = CarePlan.objects.get(kind="hospital")
    assert hospital.source_unit_name == "Avd 12, SÄS" and hospital.responsible_physician is None
    medical = b.care_plan(w, kind="medical")
    assert client.get(reverse("plans:careplan_edit", args=[w.person.pk, medical.pk])).status_code == 403


def test_other_org_cannot_change_the_plan(client):
    w = build()
    plan = b.care_plan(w)  # hospital plan recorded by the region
    client.force_login(w.mark_nurse)
    from nara.access.models import Consent

    Consent.objects.create(
        person=w.person,
        receiving_org=w.mark,
        all_sources=True,
        method="verbal",
        recorded_by_unit=w.vc,
        recorded_by_org=w.region,
        recorded_by=w.vc_nurse,
    )
    assert client.get(reverse("plans:careplan_detail", args=[w.person.pk, plan.pk])).status_code == 200
    assert client.get(reverse("plans:careplan_edit", args=[w.person.pk, plan.pk])).status_code == 403


def test_concurrent_edit_is_detected_and_input_kept(client):
    w = build()
    doctor = b.vc_physician(w)
    plan = b.care_plan(w, kind="medical", plan="Första")
    url = reverse("plans:careplan_edit", args=[w.person.pk, plan.pk])
    client.force_login(doctor)
    data = {
        "version": plan.version,
        "established_on": TODAY.isoformat(),
        "diagnoses": "",
        "goals_of_care": "",
        "plan": "Min ändring",
    }
    # Someone else saves first.
    other = CarePlan.objects.get(pk=plan.pk)
    other.plan = "Den andras ändring"
    other.save_checked(plan.version)
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 409
    assert "Någon annan har ändrat uppgiften" in body and "Min ändring" in body
    plan.refresh_from_db()
    assert plan.plan == "Den andras ändring"
    data["version"] = plan.version
    assert client.post(url, data).status_code == 302
    plan.refresh_from_db()
    assert plan.plan == "Min ändring" and plan.version == 3


def test_service_refuses_stale_version():
    w = build()
    doctor = b.vc_physician(w)
    plan = b.care_plan(w, kind="medical")
    actor = f.actor(doctor)
    form = CarePlanForm(
        {"version": 1, "established_on": TODAY.isoformat(), "plan": "x"}, instance=plan, kind="medical"
    )
    assert form.is_valid(), form.errors
    with pytest.raises(ConcurrentEditError):
        careplan_services.change_care_plan(actor, plan, form, 0, "test")


def test_end_plan(client):
    w = build()
    plan = b.care_plan(w)
    client.force_login(w.vc_nurse)
    url = reverse("plans:careplan_edit", args=[w.person.pk, plan.pk])
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    response = client.post(url, {"end": "1", "version": plan.version, "ended_on": tomorrow})
    assert "”Avslutad” kan inte vara ett datum i framtiden." in response.content.decode()
    response = client.post(url, {"end": "1", "version": plan.version, "ended_on": TODAY.isoformat()})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.ended_on == TODAY
    assert client.get(url).status_code == 403  # an ended plan is not edited


@override_settings(NARA_PALLIATIVE_REVIEW_DAYS=365)
def test_palliative_review_due_rules():
    est = dt.date(2025, 3, 1)
    assert due.palliative_review_due(est, None) == dt.date(2026, 3, 1)
    assert due.palliative_review_due(est, dt.date(2025, 9, 1)) == dt.date(2025, 9, 1)


def test_palliative_plan_gets_review_date_and_overdue_stands_out(client):
    w = build()
    doctor = b.vc_physician(w)
    client.force_login(doctor)
    url = reverse("plans:careplan_new", args=[w.person.pk, "palliativ"])
    response = client.post(
        url,
        {
            "established_on": TODAY.isoformat(),
            "diagnoses": "",
            "goals_of_care": "Lindra",
            "plan": "",
            "palliative_orders": "",
            "review_due": "",
        },
    )
    assert "errorlist" in response.content.decode()  # the palliative orders are required
    response = client.post(
        url,
        {
            "established_on": TODAY.isoformat(),
            "diagnoses": "",
            "goals_of_care": "Lindra",
            "plan": "",
            "palliative_orders": "Morfin vb",
            "review_due": "",
        },
    )
    plan = CarePlan.objects.get(kind="palliative")
    assert plan.review_due == due.palliative_review_due(TODAY, None)

    old = b.care_plan(w, kind="palliative", established_on=TODAY - dt.timedelta(days=400))
    actor = f.actor(w.vc_nurse)
    access = gate.open_person(actor, w.person.pk, "test")
    loaded = careplan_selectors.care_plan(actor, access, old.pk, "test")
    assert loaded.review_overdue
    body = client.get(reverse("plans:careplan_detail", args=[w.person.pk, old.pk])).content.decode()
    assert 'data-testid="review-overdue"' in body
    # The physician goes through it: the next review is a year from today.
    response = client.post(
        reverse("plans:careplan_detail", args=[w.person.pk, old.pk]),
        {"reviewed": "1", "version": old.version},
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.review_due == due.palliative_review_due(timezone.localdate(), None)
