"""Hemsjukvård enrolment input rules found when it was tried as a new user would: "läkarstöd ordnat" ticked with no
physician named, and a physician home visit planned for a day that has passed."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from nara.transitions import enrolment_services as services
from nara.transitions.models import HomeHealthEnrolment, PhysicianVisit
from tests import factories as f
from tests.transitions import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db
CTX = "test"
CAN_NOT_TRAVEL = "Kan inte ta sig till vårdcentralen"
PHYSICIAN_SUPPORT = "Läkarstöd från vårdcentralen är ordnat (namngiven läkare)"
CRITERIA = [CAN_NOT_TRAVEL, PHYSICIAN_SUPPORT]
MESSAGE = "Kriteriet om läkarstöd är bockat: välj den ansvariga läkaren."


@pytest.fixture
def w():
    world = build()
    b.fu_agreement(world, criteria=CRITERIA)
    world.doctor = f.staff(world.vc, ["physician"])
    return world


def request_data(support_met=True, physician=None):
    return {
        "criteria": [
            {"criterion": CAN_NOT_TRAVEL, "met": True, "explanation": ""},
            {"criterion": PHYSICIAN_SUPPORT, "met": support_met,
             "explanation": "" if support_met else "Läkare utses när beslutet är fattat"},
        ],
        "request_reason": "Svag efter sjukhusvistelse",
        "consent_method": "verbal",
        "physician": physician,
    }


# --- läkarstöd --------------------------------------------------------------------------------------------------


def test_physician_support_ticked_without_a_physician_is_refused_on_the_field(w):
    with pytest.raises(ValidationError) as refused:
        services.request_enrolment(f.actor(w.vc_nurse), w.person.pk, request_data(), CTX)
    assert refused.value.message_dict["physician"] == [MESSAGE]
    assert not HomeHealthEnrolment.objects.exists()


def test_the_named_physician_must_work_at_the_vardcentral(w):
    elsewhere = f.staff(f.unit(w.region), ["physician"])
    for wrong in (w.vc_nurse, elsewhere):
        with pytest.raises(ValidationError) as refused:
            services.request_enrolment(f.actor(w.vc_nurse), w.person.pk, request_data(physician=wrong), CTX)
        assert "physician" in refused.value.message_dict
    assert not HomeHealthEnrolment.objects.exists()


def test_physician_support_with_a_named_physician_is_requested_with_that_physician(w):
    enrolment = services.request_enrolment(f.actor(w.vc_nurse), w.person.pk, request_data(physician=w.doctor), CTX)
    assert enrolment.physician == w.doctor and enrolment.physician_unit == w.vc


def test_without_physician_support_ticked_no_physician_is_needed(w):
    enrolment = services.request_enrolment(f.actor(w.vc_nurse), w.person.pk, request_data(support_met=False), CTX)
    assert enrolment.physician is None


def test_the_request_page_asks_for_the_physician_and_saves_nothing_without(client, w):
    client.force_login(w.vc_nurse)
    url = reverse("transitions:enrolment_request", args=[w.person.pk])
    page = client.get(url).content.decode()
    assert "Ansvarig läkare (läkarstöd)" in page and w.doctor.get_full_name() in page
    posted = {"crit_0": "on", "crit_1": "on", "request_reason": "Behöver hemsjukvård", "consent_method": "verbal"}
    response = client.post(url, posted)
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert response.context["form"].errors["physician"] == [MESSAGE]
    assert not HomeHealthEnrolment.objects.exists()
    response = client.post(url, {**posted, "physician": w.doctor.pk})
    assert response.status_code == 302
    assert HomeHealthEnrolment.objects.get().physician == w.doctor


# --- planned physician home visits -------------------------------------------------------------------------------


def enrolled(w):
    return b.fu_enrolment(w, status="enrolled", start_on=dt.date(2026, 1, 1), next_review_on=dt.date(2026, 7, 1),
                          physician=w.doctor)


def test_a_home_visit_cannot_be_planned_for_a_day_that_has_passed(w):
    enrolment = enrolled(w)
    actor = f.actor(w.vc_nurse)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.plan_visit(actor, enrolment.pk, yesterday, "Läkemedelsgenomgång", CTX)
    assert refused.value.message_dict["planned_on"] == [
        "Dagen har redan passerat: planera besöket i dag eller senare."
    ]
    assert not PhysicianVisit.objects.exists()
    visit = services.plan_visit(actor, enrolment.pk, timezone.localdate(), "Läkemedelsgenomgång", CTX)
    assert visit.planned_on == timezone.localdate()


def test_the_detail_page_shows_the_visit_message_and_plans_nothing(client, w):
    enrolment = enrolled(w)
    client.force_login(w.vc_nurse)
    detail = reverse("transitions:enrolment_detail", args=[w.person.pk, enrolment.pk])
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(detail, {"action": "visit", "visit-planned_on": yesterday.isoformat(), "visit-note": ""})
    assert response.status_code == 200
    assert "Dagen har redan passerat: planera besöket i dag eller senare." in response.content.decode()
    assert response.context["forms"]["visit"].errors["planned_on"]
    assert not PhysicianVisit.objects.exists()
