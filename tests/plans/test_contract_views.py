"""Patientkontrakt: create, edit (version checked), end, list on the person, print for the person (logged)."""

import datetime as dt

import pytest
from django.urls import reverse

from nara.audit.models import AccessLogEntry
from nara.plans.models import PatientContract
from tests.plans import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def form_data(w, **extra):
    return {
        "agreed_on": TODAY.isoformat(),
        "what_matters": "Att få bo kvar hemma",
        "agreement": "Anna ringer varannan tisdag. Astrid väger sig varje morgon.",
        "contact_staff": w.vc_nurse.pk,
        "contact_unit": w.vc.pk,
        "how_to_reach": "Ring 0320-100 00 vardagar 8–10",
        "next_contact": (TODAY + dt.timedelta(days=14)).isoformat(),
        **extra,
    }


def test_create_list_and_print(client):
    w = build()
    client.force_login(w.vc_nurse)
    url = reverse("plans:contract_new", args=[w.person.pk])
    response = client.post(url, form_data(w, agreement=""))
    assert "Skriv vad ni har kommit överens om." in response.content.decode()
    response = client.post(url, form_data(w, next_contact=(TODAY - dt.timedelta(days=1)).isoformat()))
    assert "Nästa kontakt kan inte vara före" in response.content.decode()
    assert not PatientContract.objects.exists()
    response = client.post(url, form_data(w))
    contract = PatientContract.objects.get()
    assert response.status_code == 302
    listing = client.get(reverse("plans:contracts", args=[w.person.pk])).content.decode()
    assert 'data-testid="contracts"' in listing
    printed = client.get(reverse("plans:contract_print", args=[w.person.pk, contract.pk])).content.decode()
    assert "Anna ringer varannan tisdag" in printed and "1177" in printed and "112" in printed
    assert "Det här är viktigt för dig" in printed
    assert w.person.personnummer not in printed
    assert AccessLogEntry.objects.filter(action="print", record_type="plans.patientcontract").exists()


def test_contact_staff_must_work_at_the_unit(client):
    w = build()
    client.force_login(w.vc_nurse)
    other = b.vc_physician(w)
    from tests import factories as f

    elsewhere = f.unit(w.region, name="Vårdcentralen Horred")
    response = client.post(
        reverse("plans:contract_new", args=[w.person.pk]),
        form_data(w, contact_staff=other.pk, contact_unit=elsewhere.pk),
    )
    assert "Kontaktpersonen har inget uppdrag på den valda enheten." in response.content.decode()


def test_edit_with_version_check_and_end(client):
    w = build()
    contract = b.contract(w)
    client.force_login(w.vc_nurse)
    url = reverse("plans:contract_edit", args=[w.person.pk, contract.pk])
    PatientContract.objects.filter(pk=contract.pk).update(version=5)
    response = client.post(url, form_data(w, version=1, agreement="Min nya text"))
    body = response.content.decode()
    assert "Någon annan har ändrat uppgiften" in body and "Min nya text" in body
    assert client.post(url, form_data(w, version=5, agreement="Min nya text")).status_code == 302
    contract.refresh_from_db()
    assert contract.agreement == "Min nya text"
    response = client.post(
        url, {"end": "1", "version": contract.version, "ended_on": TODAY.isoformat(), "end_reason": ""}
    )
    assert "Skriv varför kontraktet avslutas." in response.content.decode()
    response = client.post(
        url,
        {
            "end": "1",
            "version": contract.version,
            "ended_on": TODAY.isoformat(),
            "end_reason": "Ersatt av SIP",
        },
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.ended_on == TODAY and contract.end_reason == "Ersatt av SIP"
    assert client.get(url).status_code == 403


def test_other_org_sees_only_with_consent_and_never_edits(client):
    w = build()
    contract = b.contract(w)
    client.force_login(w.mark_nurse)
    body = client.get(reverse("plans:contracts", args=[w.person.pk])).content.decode()
    assert "Anna ringer" not in body and 'data-testid="hidden-notice"' in body
    assert client.get(reverse("plans:contract_print", args=[w.person.pk, contract.pk])).status_code == 403
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
    assert client.get(reverse("plans:contract_print", args=[w.person.pk, contract.pk])).status_code == 200
    assert client.get(reverse("plans:contract_edit", args=[w.person.pk, contract.pk])).status_code == 403
