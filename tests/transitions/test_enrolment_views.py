"""Hemsjukvård enrolment pages and the register of enrolled persons (content, access, logging)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from nara.audit.models import AccessLogEntry
from nara.transitions.models import EnrolmentStatus, HomeHealthEnrolment
from tests import factories as f
from tests.transitions import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db
CRITERIA = ["Kan inte ta sig till vårdcentralen", "Behov av hälso- och sjukvård i hemmet mer än tillfälligt"]


@pytest.fixture
def w():
    world = build()
    b.fu_agreement(world, criteria=CRITERIA)
    return world


def test_request_form_shows_the_checklist_and_refuses_unticked(client, w):
    client.force_login(w.vc_nurse)
    url = reverse("transitions:enrolment_request", args=[w.person.pk])
    body = client.get(url).content.decode()
    assert CRITERIA[0] in body and CRITERIA[1] in body
    response = client.post(
        url, {"crit_0": "on", "request_reason": "Behöver hemsjukvård", "consent_method": "verbal"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "är inte bockat" in body and "Behöver hemsjukvård" in body  # the input is kept
    assert not HomeHealthEnrolment.objects.exists()


def test_request_then_municipality_decides(client, w):
    client.force_login(w.vc_nurse)
    url = reverse("transitions:enrolment_request", args=[w.person.pk])
    response = client.post(
        url,
        {
            "crit_0": "on",
            "crit_1_why": "Långvarigt behov väntas",
            "request_reason": "Svag",
            "consent_method": "verbal",
        },
    )
    enrolment = HomeHealthEnrolment.objects.get()
    assert response.status_code == 302
    detail = reverse("transitions:enrolment_detail", args=[w.person.pk, enrolment.pk])
    assert "Kommunens beslut" not in client.get(detail).content.decode()  # the vårdcentral does not decide

    client.force_login(w.mark_nurse)  # sees the region's request through the consent given with it
    body = client.get(detail).content.decode()
    assert "Kommunens beslut" in body and "Långvarigt behov väntas" in body
    stale = {
        "action": "decide",
        "decide-version": enrolment.version - 1,
        "decide-outcome": "approve",
        "decide-decision_reason": "Uppfyller kriterierna",
        "decide-start_on": "2026-12-01",
        "decide-home_health_unit": w.hsv.pk,
    }
    response = client.post(detail, stale)
    assert response.status_code == 409 and "Uppfyller kriterierna" in response.content.decode()
    response = client.post(detail, {**stale, "decide-version": enrolment.version})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ENROLLED and enrolment.start_on == dt.date(2026, 12, 1)


def test_posting_a_step_the_actor_may_not_take_is_forbidden(client, w):
    enrolment = b.fu_enrolment(w)
    client.force_login(w.vc_nurse)
    detail = reverse("transitions:enrolment_detail", args=[w.person.pk, enrolment.pk])
    response = client.post(
        detail,
        {
            "action": "decide",
            "decide-version": enrolment.version,
            "decide-outcome": "decline",
            "decide-decision_reason": "Nej",
        },
    )
    assert response.status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.REQUESTED


def enrolled(w, person=None, review=dt.date(2026, 7, 1)):
    return b.fu_enrolment(
        w,
        status="enrolled",
        start_on=dt.date(2026, 1, 1),
        next_review_on=review,
        **({"person": person} if person else {}),
    )


def test_register_for_the_municipality_and_the_vardcentral(client, w):
    enrolled(w, review=dt.date(2020, 1, 1))  # overdue review
    b.fu_consent(w)
    client.force_login(w.mark_nurse)
    before = AccessLogEntry.objects.filter(person=w.person).count()
    body = client.get(reverse("transitions:enrolment_register")).content.decode()
    assert "Astrid Lindqvist" in body and "Marks kommun" in body and "Försenad" in body
    assert AccessLogEntry.objects.filter(person=w.person).count() > before
    client.force_login(w.vc_nurse)
    body = client.get(reverse("transitions:enrolment_register")).content.decode()
    assert "Astrid Lindqvist" in body and "Vårdcentralen Kinna" in body


def test_register_unrelated_unit_sees_nothing(client, w):
    enrolled(w)
    client.force_login(w.outsider_nurse)
    body = client.get(reverse("transitions:enrolment_register")).content.decode()
    assert "Astrid" not in body
    assert not AccessLogEntry.objects.filter(person=w.person, user=w.outsider_nurse).exists()


def test_register_without_consent_only_counts(client, w):
    enrolled(w)
    client.force_login(w.mark_nurse)
    body = client.get(reverse("transitions:enrolment_register")).content.decode()
    assert "Astrid" not in body and "1 inskrivning gäller en person som du inte kan se" in body


def test_physician_and_visit_steps_on_the_page(client, w):
    enrolment = enrolled(w)
    doctor = f.staff(w.vc, ["physician"])
    client.force_login(w.vc_nurse)
    detail = reverse("transitions:enrolment_detail", args=[w.person.pk, enrolment.pk])
    response = client.post(
        detail,
        {"action": "physician", "physician-version": enrolment.version, "physician-physician": doctor.pk},
    )
    assert response.status_code == 302
    response = client.post(
        detail, {"action": "visit", "visit-planned_on": timezone.localdate().isoformat(), "visit-note": "Hembesök"}
    )
    assert response.status_code == 302
    visit = enrolment.physician_visits.get()
    response = client.post(
        detail,
        {
            "action": "visit_done",
            "visit_done-visit": visit.pk,
            "visit_done-done_on": timezone.localdate().isoformat(),
            "visit_done-note": "",
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.done_on == timezone.localdate()
    assert "Hembesök" in client.get(detail).content.decode()
