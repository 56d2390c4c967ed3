"""The prepared care request: content from the records, recent changes, hidden organisations, print logged,
and the medical referral note."""

import datetime as dt

import pytest
from django.urls import reverse

from nara.access.models import Consent
from nara.audit.models import AccessLogEntry
from nara.plans import careplan_selectors
from nara.plans.models import MedicalReferral, PreparedCareRequest
from tests import factories as f
from tests.plans import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db


def part(w, user=None, unit=None, org=None, **extra):
    user = user or w.mark_nurse
    return PreparedCareRequest.objects.create(
        person=w.person,
        recorded_by=user,
        recorded_by_unit=unit or w.hsv,
        recorded_by_org=org or w.mark,
        medication_list_location="Pärmen i köket",
        wishes="Vill inte till sjukhus om det går att undvika",
        diagnoses="KOL",
        **extra,
    )


def test_content_for_own_org_with_recent_changes():
    w = build()
    b.cfs_rating(w, score=4, rated_on=dt.date.today() - dt.timedelta(days=400))
    b.cfs_rating(w, score=6)
    b.limitation(w)
    b.care_plan(w, kind="medical", diagnoses="Hjärtsvikt")
    cr = careplan_selectors.care_request(f.actor(w.vc_nurse), w.person.pk, "test")
    assert cr.cfs["score"] == 6 and cr.cfs["rated_on"] == dt.date.today()
    assert [lim.kind for lim in cr.limitations] == ["no_cpr"]
    assert ("Västra Götalandsregionen", "Medicinsk vårdplan", "Hjärtsvikt") in cr.diagnoses
    whats = {c.what for c in cr.recent}
    assert {"CFS-bedömning", "Behandlingsbegränsning", "Medicinsk vårdplan"} <= whats
    assert [c.detail for c in cr.recent if c.what == "CFS-bedömning"] == ["6 – Måttligt skör"]
    # The municipality's part (wishes, medication list) and the son are hidden without consent.
    assert cr.parts == [] and cr.relatives == []
    assert {g.org_name for g in cr.hidden} == {"Marks kommun"}
    assert cr.included_orgs == ["Västra Götalandsregionen"]
    assert [c.staff for c in cr.fixed_contacts] == [w.vc_nurse]


def test_old_changes_are_not_recent(settings):
    settings.NARA_RECENT_CHANGES_DAYS = 30
    w = build()
    lim = b.limitation(w)
    type(lim).objects.filter(pk=lim.pk).update(updated_at=lim.updated_at - dt.timedelta(days=40))
    cr = careplan_selectors.care_request(f.actor(w.vc_nurse), w.person.pk, "test")
    assert cr.limitations and not cr.recent


def test_page_states_included_and_hidden_orgs(client):
    w = build()
    part(w)
    b.limitation(w)
    client.force_login(w.vc_nurse)
    url = reverse("plans:care_request", args=[w.person.pk])
    body = client.get(url).content.decode()
    assert 'data-testid="cr-hidden"' in body and "Marks kommun" in body
    assert "Pärmen i köket" not in body
    assert 'data-testid="limitation-banner"' in body
    Consent.objects.create(
        person=w.person,
        receiving_org=w.region,
        all_sources=True,
        method="verbal",
        recorded_by_unit=w.vc,
        recorded_by_org=w.region,
        recorded_by=w.vc_nurse,
    )
    body = client.get(url).content.decode()
    assert "Pärmen i köket" in body and "Vill inte till sjukhus" in body and "070-1740605" in body
    assert 'data-testid="cr-hidden"' not in body
    # Ambulance and emergency staff identify the patient by personnummer: on the page, never in a link.
    assert w.person.personnummer in body and w.person.personnummer not in url


def test_emergency_department_sees_it_under_consent(client):
    """The hospital's emergency department (a region unit with a relationship) sees the municipality's part
    only when the person's consent covers it."""
    w = build()
    part(w)
    ed = f.unit(w.region, kind="emergency_department", name="Akutmottagningen SÄS")
    ed_nurse = f.staff(ed, ["nurse"])
    from nara.people.models import CareTeamMember

    CareTeamMember.objects.create(
        person=w.person,
        unit=ed,
        role="Akuten",
        recorded_by_unit=ed,
        recorded_by_org=w.region,
        recorded_by=ed_nurse,
    )
    client.force_login(ed_nurse)
    url = reverse("plans:care_request_print", args=[w.person.pk])
    assert "Pärmen i köket" not in client.get(url).content.decode()
    Consent.objects.create(
        person=w.person,
        receiving_org=w.region,
        all_sources=True,
        method="verbal",
        recorded_by_unit=w.vc,
        recorded_by_org=w.region,
        recorded_by=w.vc_nurse,
    )
    assert "Pärmen i köket" in client.get(url).content.decode()


def test_print_is_logged_as_print(client):
    w = build()
    lim = b.limitation(w)
    client.force_login(w.vc_nurse)
    response = client.get(reverse("plans:care_request_print", args=[w.person.pk]))
    assert response.status_code == 200 and "data-print" in response.content.decode()
    printed = AccessLogEntry.objects.filter(person=w.person, action="print", user=w.vc_nurse)
    assert printed.filter(record_type="plans.treatmentlimitation", record_id=str(lim.pk)).exists()
    assert printed.filter(record_type="people.person").exists()


def test_edit_own_part_with_version_check(client):
    w = build()
    client.force_login(w.mark_nurse)
    url = reverse("plans:care_request_edit", args=[w.person.pk])
    data = {
        "medication_list_location": "Dosett i badrummet",
        "diagnoses": "",
        "wishes": "Hemma",
        "other_information": "",
    }
    assert client.post(url, data).status_code == 302
    mine = PreparedCareRequest.objects.get()
    assert mine.recorded_by_org == w.mark
    stale = {**data, "version": mine.version, "wishes": "Ändrad"}
    PreparedCareRequest.objects.filter(pk=mine.pk).update(version=mine.version + 1)
    response = client.post(url, stale)
    assert "Någon annan har ändrat uppgiften" in response.content.decode()
    # The region edits its own part; the municipality's stays untouched.
    client.force_login(w.vc_nurse)
    assert client.post(url, {**data, "wishes": "Regionens"}).status_code == 302
    assert PreparedCareRequest.objects.count() == 2


def test_referral_form_and_print_includes_care_request(client):
    w = build()
    b.limitation(w)
    Consent.objects.create(
        person=w.person,
        receiving_org=w.mark,
        all_sources=True,
        method="verbal",
        recorded_by_unit=w.vc,
        recorded_by_org=w.region,
        recorded_by=w.vc_nurse,
    )
    client.force_login(w.mark_nurse)
    url = reverse("plans:referral_new", args=[w.person.pk])
    response = client.post(url, {"reason": ""})
    assert "Skriv varför personen skickas till akuten." in response.content.decode()
    response = client.post(
        url,
        {
            "reason": "Fall med misstänkt höftfraktur",
            "vital_signs": "Puls 96",
            "contact_back": "Maria, 0320-123 45",
        },
    )
    referral = MedicalReferral.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/remiss/{referral.pk}/utskrift/")
    body = client.get(response["Location"]).content.decode()
    assert "Fall med misstänkt höftfraktur" in body and "Ej hjärt-lungräddning (HLR)" in body
    assert AccessLogEntry.objects.filter(action="print", record_type="plans.medicalreferral").exists()


def test_hidden_limitation_is_flagged_next_to_the_banner(client):
    w = build()
    b.limitation(w)  # the region's decision; Mark has no consent
    client.force_login(w.mark_nurse)
    body = client.get(reverse("plans:care_request", args=[w.person.pk])).content.decode()
    assert 'data-testid="limitation-hidden"' in body and "Ej hjärt-lungräddning" not in body
    assert 'data-testid="no-limitation"' in body
