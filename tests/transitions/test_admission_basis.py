"""Issue 11: a ward could give itself access to anyone. With only a person's opaque id a ward user opened
"utskrivning/ny", sent an admission notice, recorded the consent itself and then read another provider's palliative
plan, treatment limitation and CFS.

Now the admission basis needs evidence of the admission (the whole personnummer typed in a search by this user at
this unit, kept in the session for a short time) and a reason; the consent recorded in the discharge flow is a
documented consent (who, how, when) that lets the case's receivers take part of the region's case data only; and
every use of the admission basis is in the manager's follow-up list like emergency access."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from nara.access import gate
from nara.access.models import AdmissionAccess, Consent
from nara.audit.basis import Basis
from nara.audit.models import AccessLogEntry
from nara.directory.models import Organisation, Unit
from nara.transitions.models import DischargeCase
from tests import factories as f
from tests.plans import builders as plans
from tests.world import build

pytestmark = pytest.mark.django_db

REASON = "Inlagd via akuten 2026-12-03"


@pytest.fixture
def w():
    world = build()
    world.ward = f.unit(world.region, kind=Unit.Kind.WARD, name="Avdelning 12 SÄS")
    world.ward_user = f.staff(world.ward, ["nurse"], username="avd12")
    # The municipality's home health care has recorded a palliative plan, a treatment limitation and a CFS.
    stamp = {"user": world.mark_nurse, "unit": world.hsv, "org": world.mark}
    world.plan = plans.care_plan(world, kind="palliative", plan="Palliativ plan Hemsjukvården Mark", **stamp)
    world.limit = plans.limitation(world, description="Ej HLR enligt beslut i hemsjukvården", **stamp)
    world.cfs = plans.cfs_rating(world, score=7, comment="CFS bedömd av hemsjukvården", **stamp)
    return world


def new_case_url(w, person=None):
    return reverse("transitions:case_new", args=[(person or w.person).pk])


def admission_url(w, person=None):
    return reverse("transitions:case_admission", args=[(person or w.person).pk])


def search(client, person):
    return client.post(reverse("people:search"), {"q": person.personnummer})


def start_data(consent="verbal"):
    admitted = timezone.localtime() - dt.timedelta(hours=3)
    return {
        "admitted_at": admitted.strftime("%Y-%m-%dT%H:%M"),
        "expected_discharge_on": (admitted.date() + dt.timedelta(days=3)).isoformat(),
        "reason": "Pneumoni",
        "both_must_act": "on",
        "consent_method": consent,
        "consent_given_at": (admitted + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    }


def test_the_opaque_id_alone_is_refused_with_a_swedish_reason_and_a_link_to_search(client, w):
    client.force_login(w.ward_user)
    for response in (client.get(new_case_url(w)), client.post(new_case_url(w), start_data())):
        assert response.status_code == 403
        body = response.content.decode()
        assert "Sök på hela personnumret" in body
        assert f'href="{reverse("people:search")}"' in body
        assert "Astrid" not in body
    # Nor can the reason step be taken without the search: nothing is opened, no case is sent.
    response = client.post(admission_url(w), {"reason": REASON})
    assert response.status_code == 403 and "Sök på hela personnumret" in response.content.decode()
    assert not AdmissionAccess.objects.exists() and not DischargeCase.objects.exists()
    assert not AccessLogEntry.objects.filter(user=w.ward_user, basis=Basis.ADMISSION).exists()


def test_the_typed_personnummer_and_a_reason_open_the_notice(client, w):
    client.force_login(w.ward_user)
    body = search(client, w.person).content.decode()
    assert admission_url(w) in body and "Skäl" in body
    # The proof is kept in the session, never in a URL: the reason form posts to the opaque-id address.
    assert w.person.personnummer not in admission_url(w)
    # The reason is required, and without it nothing is opened.
    page = client.post(admission_url(w), {"reason": "  "})
    assert page.status_code == 200 and "Skriv skälet" in page.content.decode()
    assert not AdmissionAccess.objects.exists()
    response = client.post(admission_url(w), {"reason": REASON})
    assert response.status_code == 302 and response.url == new_case_url(w)
    aa = AdmissionAccess.objects.get()
    assert (aa.user, aa.unit, aa.person, aa.reason) == (w.ward_user, w.ward, w.person, REASON)
    assert aa.source == AdmissionAccess.Source.TYPED_PERSONNUMMER
    page = client.get(new_case_url(w))
    assert page.status_code == 200 and "Marks kommun" in page.content.decode()
    assert AccessLogEntry.objects.filter(
        user=w.ward_user, person=w.person, basis=Basis.ADMISSION, context="transitions:case:new"
    ).exists()
    response = client.post(new_case_url(w), start_data())
    case = DischargeCase.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/utskrivning/{case.pk}/")
    aa.refresh_from_db()
    assert case.admission_access == aa and aa.notice_sent_at is not None


def test_the_typed_proof_is_of_this_user_at_this_unit_and_short_lived(client, w, settings):
    from nara.access import admission_proof

    ward = f.actor(w.ward_user)
    session = {}
    admission_proof.remember_typed(session, ward, w.person.pk)
    assert admission_proof.typed_recently(session, ward, w.person.pk)
    assert not admission_proof.typed_recently(session, ward, w.stranger.pk)
    other_ward = f.unit(w.region, kind=Unit.Kind.WARD)
    colleague = f.staff(other_ward, ["nurse"])
    assert not admission_proof.typed_recently(session, f.actor(colleague), w.person.pk)
    later = timezone.now() + dt.timedelta(minutes=settings.NARA_ADMISSION_ACCESS_MINUTES + 1)
    assert not admission_proof.typed_recently(session, ward, w.person.pk, now=later)
    # The personnummer is not what is kept: only the opaque id.
    assert w.person.personnummer not in repr(session)


def test_an_admission_access_expires_and_is_used_up_by_the_notice(client, w, settings):
    client.force_login(w.ward_user)
    search(client, w.person)
    client.post(admission_url(w), {"reason": REASON})
    AdmissionAccess.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(new_case_url(w)).status_code == 403


def test_only_a_ward_gets_the_admission_basis(client, w):
    client.force_login(w.outsider_nurse)  # a vårdcentral without relationship, even with the whole number typed
    search(client, w.person)
    assert client.post(admission_url(w), {"reason": REASON}).status_code == 403
    assert not AdmissionAccess.objects.exists()


def ward_sends_notice_with_consent(client, w, person=None):
    person = person or w.person
    client.force_login(w.ward_user)
    search(client, person)
    client.post(admission_url(w, person), {"reason": REASON})
    response = client.post(new_case_url(w, person), start_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    return DischargeCase.objects.get(person=person)


def test_after_the_notice_and_the_consent_the_ward_still_cannot_read_another_providers_records(client, w):
    case = ward_sends_notice_with_consent(client, w)
    assert case.consents.exists()
    # The palliative plan, the treatment limitation and the CFS of the municipality stay hidden from the ward.
    for url in (
        reverse("plans:careplan_detail", args=[w.person.pk, w.plan.pk]),
        reverse("plans:limitation_detail", args=[w.person.pk, w.limit.pk]),
        reverse("plans:cfs_detail", args=[w.person.pk, w.cfs.pk]),
    ):
        assert client.get(url).status_code == 403, url
    for url in (
        reverse("people:overview", args=[w.person.pk]),
        reverse("plans:careplans", args=[w.person.pk]),
        reverse("plans:cfs", args=[w.person.pk]),
    ):
        body = client.get(url).content.decode()
        for text in ("Palliativ plan Hemsjukvården Mark", "Ej HLR enligt beslut", "CFS bedömd av hemsjukvården"):
            assert text not in body, (url, text)
    ward = f.actor(w.ward_user)
    access = gate.open_person(ward, w.person.pk, "t", log=False)
    assert gate.filter_records(ward, access, [w.plan, w.limit, w.cfs], "t", log=False).shown == []


def test_the_discharge_consent_is_documented_and_lets_the_receivers_see_only_the_case(client, w):
    case = ward_sends_notice_with_consent(client, w)
    consents = list(case.consents.all())
    # Receivers of the region's case data: the municipality (the vårdcentral is the region's own). Never the
    # ward's organisation as a receiver of the others' data.
    assert [(c.receiving_org_id, [o.pk for o in c.source_orgs.all()]) for c in consents] == [
        (w.mark.pk, [w.region.pk])
    ]
    consent = consents[0]
    assert consent.scope == "discharge_case" and not consent.all_sources
    assert consent.method == Consent.Method.VERBAL and consent.given_at is not None
    # The municipality's home health unit sees the case, but not the region's other records through it.
    region_cfs = plans.cfs_rating(w, score=4, comment="Vårdcentralens CFS")
    mark = f.actor(w.mark_nurse)
    access = gate.open_person(mark, w.person.pk, "t", log=False)
    assert gate.filter_records(mark, access, [case], "t", log=False).shown == [case]
    hidden = gate.filter_records(mark, access, [region_cfs], "t", log=False)
    assert hidden.shown == [] and "Samtycke saknas" in hidden.hidden[0].reason


def test_a_private_vardcentral_is_a_receiver_of_the_case_and_its_records_stay_hidden_from_the_ward(client, w):
    private = f.organisation("Capio Vårdcentral AB", kind=Organisation.Kind.PRIVATE)
    capio = f.unit(private, name="Capio Vårdcentral Kinna")
    capio_nurse = f.staff(capio, ["nurse"])
    person = f.person(listed_unit=capio, given="Greta", family="Privat", municipality=w.mark)
    limitation = plans.limitation(w, user=capio_nurse, unit=capio, org=private)
    limitation.person = person
    limitation.save()
    case = ward_sends_notice_with_consent(client, w, person)
    assert sorted((c.receiving_org_id, [o.pk for o in c.source_orgs.all()]) for c in case.consents.all()) == sorted(
        [(w.mark.pk, [w.region.pk]), (private.pk, [w.region.pk])]
    )
    capio_actor = f.actor(capio_nurse)
    access = gate.open_person(capio_actor, person.pk, "t", log=False)
    assert gate.filter_records(capio_actor, access, [case], "t", log=False).shown == [case]
    ward = f.actor(w.ward_user)
    access = gate.open_person(ward, person.pk, "t", log=False)
    assert gate.filter_records(ward, access, [limitation], "t", log=False).shown == []


def test_the_form_requires_when_the_consent_was_given(client, w):
    client.force_login(w.ward_user)
    search(client, w.person)
    client.post(admission_url(w), {"reason": REASON})
    data = start_data()
    del data["consent_given_at"]
    body = client.post(new_case_url(w), data).content.decode()
    assert "Ange när samtycket lämnades." in body
    assert not DischargeCase.objects.exists()


def test_the_managers_follow_up_lists_the_admission_use(client, w):
    ward_sends_notice_with_consent(client, w)
    aa = AdmissionAccess.objects.get()
    client.force_login(w.vc_manager)  # a manager of the region
    followup = reverse("access:emergency_followup")
    body = client.get(followup).content.decode()
    section = body[body.index('data-testid="admission-followup"') :]
    assert REASON in section and "Avdelning 12 SÄS" in section and "Astrid Lindqvist" in section
    assert w.ward_user.get_full_name() in section and "Inskrivningsmeddelande skickat" in section
    assert w.person.personnummer not in body
    assert list(
        AccessLogEntry.objects.filter(user=w.vc_manager, record_type="access.admissionaccess").values_list(
            "person_id", "record_id", "basis", "context"
        )
    ) == [(w.person.pk, str(aa.pk), "log_review", "access:emergency_followup")]
    response = client.post(followup, {"admission": aa.pk, "comment": "Kontrollerat mot inskrivningen i journalen."})
    assert response.status_code == 302
    aa.refresh_from_db()
    assert aa.reviewed_by == w.vc_manager and aa.review_comment.startswith("Kontrollerat")
    assert AccessLogEntry.objects.filter(
        user=w.vc_manager, record_type="access.admissionaccess", context="access:admission:review", action="change"
    ).exists()
    # The municipality's manager does not follow up the region's wards.
    mark_manager = f.staff(w.hsv, ["manager"])
    client.force_login(mark_manager)
    assert REASON not in client.get(followup).content.decode()


def test_an_admission_opened_but_never_sent_is_listed_too(client, w):
    client.force_login(w.ward_user)
    search(client, w.person)
    client.post(admission_url(w), {"reason": REASON})
    client.force_login(w.vc_manager)
    body = client.get(reverse("access:emergency_followup")).content.decode()
    assert "Inget inskrivningsmeddelande skickat" in body[body.index('data-testid="admission-followup"') :]
