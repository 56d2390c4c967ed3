"""Enrolment in kommunal hemsjukvård: request with criteria, the municipality's decision, läkarstöd, visits, review,
discharge from hemsjukvård, and the refusals (wrong organisation, unticked criteria, stale version)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from nara.access.gate import AccessDenied
from nara.access.models import Consent
from nara.audit.models import AccessLogEntry, Action
from nara.core.models import ConcurrentEditError
from nara.transitions import enrolment_services as services
from nara.transitions.models import EnrolmentStatus, HomeHealthEnrolment
from tests import factories as f
from tests.transitions import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db
CTX = "test"
CRITERIA = ["Kan inte ta sig till vårdcentralen", "Behov av hälso- och sjukvård i hemmet mer än tillfälligt"]


def request_data(met=(True, True), explanations=("", ""), reason="Svag efter sjukhusvistelse"):
    return {
        "criteria": [
            {"criterion": c, "met": m, "explanation": e}
            for c, m, e in zip(CRITERIA, met, explanations, strict=True)
        ],
        "request_reason": reason,
        "consent_method": "verbal",
    }


@pytest.fixture
def w():
    world = build()
    b.fu_agreement(world, criteria=CRITERIA)
    return world


def requested(w):
    return services.request_enrolment(f.actor(w.vc_nurse), w.person.pk, request_data(), CTX)


def test_request_from_the_vardcentral_with_consent(w):
    enrolment = requested(w)
    assert enrolment.status == EnrolmentStatus.REQUESTED
    assert enrolment.home_health_unit == w.hsv and enrolment.physician_unit == w.vc
    assert [c["met"] for c in enrolment.criteria_met] == [True, True]
    assert Consent.objects.filter(
        person=w.person, receiving_org=w.mark, purpose=services.CONSENT_PURPOSE
    ).exists()
    assert AccessLogEntry.objects.filter(
        person=w.person, action=Action.CREATE, record_type="transitions.homehealthenrolment"
    ).exists()


def test_unticked_criterion_without_explanation_is_refused(w):
    with pytest.raises(ValidationError) as exc:
        services.request_enrolment(f.actor(w.vc_nurse), w.person.pk, request_data(met=(True, False)), CTX)
    assert "criteria" in exc.value.message_dict
    assert not HomeHealthEnrolment.objects.exists()
    assert not Consent.objects.filter(purpose=services.CONSENT_PURPOSE).exists()  # nothing half saved


def test_unticked_criterion_with_explanation_is_accepted(w):
    data = request_data(met=(True, False), explanations=("", "Tillfälligt men långvarigt behov"))
    enrolment = services.request_enrolment(f.actor(w.vc_nurse), w.person.pk, data, CTX)
    assert enrolment.criteria_met[1] == {
        "criterion": CRITERIA[1],
        "met": False,
        "explanation": "Tillfälligt men långvarigt behov",
    }


def test_reason_required(w):
    with pytest.raises(ValidationError) as exc:
        services.request_enrolment(f.actor(w.vc_nurse), w.person.pk, request_data(reason=" "), CTX)
    assert "request_reason" in exc.value.message_dict


def test_municipality_cannot_request_and_no_second_active_request(w):
    with pytest.raises(AccessDenied):
        services.request_enrolment(f.actor(w.mark_nurse), w.person.pk, request_data(), CTX)
    requested(w)
    with pytest.raises(ValidationError):
        requested(w)


def test_municipality_approves_with_start_date_and_unit(w):
    enrolment = requested(w)
    decided = services.decide(
        f.actor(w.mark_nurse),
        enrolment.pk,
        enrolment.version,
        {
            "approve": True,
            "decision_reason": "Uppfyller kriterierna",
            "start_on": dt.date(2026, 12, 1),
            "home_health_unit": w.hsv,
        },
        CTX,
    )
    assert decided.status == EnrolmentStatus.ENROLLED and decided.decided_by == w.mark_nurse
    assert decided.next_review_on == dt.date(2026, 12, 1) + dt.timedelta(days=180)


def test_wrong_organisation_cannot_decide(w):
    enrolment = requested(w)
    with pytest.raises(AccessDenied):
        services.decide(
            f.actor(w.vc_nurse),
            enrolment.pk,
            enrolment.version,
            {"approve": False, "decision_reason": "Nej"},
            CTX,
        )
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.REQUESTED


def test_approval_needs_start_date_unit_and_reason(w):
    enrolment = requested(w)
    with pytest.raises(ValidationError) as exc:
        services.decide(
            f.actor(w.mark_nurse),
            enrolment.pk,
            enrolment.version,
            {"approve": True, "decision_reason": ""},
            CTX,
        )
    assert {"decision_reason", "start_on", "home_health_unit"} <= set(exc.value.message_dict)


def test_decline_with_reason_and_stale_version(w):
    enrolment = requested(w)
    with pytest.raises(ConcurrentEditError):
        services.decide(
            f.actor(w.mark_nurse),
            enrolment.pk,
            enrolment.version - 1,
            {"approve": False, "decision_reason": "Kan besöka vårdcentralen"},
            CTX,
        )
    declined = services.decide(
        f.actor(w.mark_nurse),
        enrolment.pk,
        enrolment.version,
        {"approve": False, "decision_reason": "Kan besöka vårdcentralen"},
        CTX,
    )
    assert declined.status == EnrolmentStatus.DECLINED and declined.start_on is None


def enrolled(w):
    return b.fu_enrolment(
        w, status="enrolled", start_on=dt.date(2026, 1, 1), next_review_on=dt.date(2026, 7, 1)
    )


def test_physician_of_the_vardcentral_and_visits(w):
    enrolment = enrolled(w)
    doctor = f.staff(w.vc, ["physician"])
    actor = f.actor(w.vc_nurse)
    with pytest.raises(ValidationError):
        services.set_physician(actor, enrolment.pk, enrolment.version, w.vc_nurse, CTX)  # not a physician
    with pytest.raises(AccessDenied):
        services.set_physician(f.actor(w.mark_nurse), enrolment.pk, enrolment.version, doctor, CTX)
    enrolment = services.set_physician(actor, enrolment.pk, enrolment.version, doctor, CTX)
    assert enrolment.physician == doctor
    today = timezone.localdate()  # a visit is planned for today or later (test_enrolment_validation.py)
    visit = services.plan_visit(actor, enrolment.pk, today, "Läkemedelsgenomgång", CTX)
    services.visit_done(actor, visit.pk, today, "", CTX)
    visit.refresh_from_db()
    assert visit.done_on == today and visit.note == "Läkemedelsgenomgång"
    with pytest.raises(ValidationError):
        services.visit_done(actor, visit.pk, today + dt.timedelta(days=1), "", CTX)


def test_review_sets_next_date(w):
    enrolment = enrolled(w)
    services.review(
        f.actor(w.mark_nurse),
        enrolment.pk,
        enrolment.version,
        {"outcome": "Fortsatt behov", "reviewed_on": dt.date(2026, 7, 2)},
        CTX,
    )
    enrolment.refresh_from_db()
    assert enrolment.next_review_on == dt.date(2026, 7, 2) + dt.timedelta(days=180)
    assert enrolment.reviews.get().outcome == "Fortsatt behov"
    with pytest.raises(AccessDenied):
        services.review(f.actor(w.outsider_nurse), enrolment.pk, enrolment.version, {"outcome": "x"}, CTX)


def test_discharge_from_home_health_with_reason(w):
    enrolment = enrolled(w)
    with pytest.raises(ValidationError):
        services.end(
            f.actor(w.mark_nurse), enrolment.pk, enrolment.version, {"ended_on": dt.date(2026, 11, 1)}, CTX
        )
    with pytest.raises(AccessDenied):
        services.end(
            f.actor(w.vc_nurse),
            enrolment.pk,
            enrolment.version,
            {"ended_on": dt.date(2026, 11, 1), "end_reason": "Klarar sig"},
            CTX,
        )
    ended = services.end(
        f.actor(w.mark_nurse),
        enrolment.pk,
        enrolment.version,
        {"ended_on": dt.date(2026, 11, 1), "end_reason": "Kan åter besöka vårdcentralen"},
        CTX,
    )
    assert ended.status == EnrolmentStatus.ENDED and ended.next_review_on is None
