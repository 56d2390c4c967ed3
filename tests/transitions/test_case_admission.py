"""A ward sends the admission notice for a patient it has no care relationship with in Nära yet (the admission is
in the hospital's own record): policy.may_register_admission, with evidence of the admission (the whole
personnummer typed, and a reason: tests/transitions/test_admission_basis.py). Nobody else gets in that way."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from nara.access import gate
from nara.access import services as access_services
from nara.audit.basis import Basis
from nara.audit.models import AccessLogEntry
from nara.directory.models import Unit
from nara.transitions import case_services
from tests import factories as f
from tests.world import build

pytestmark = pytest.mark.django_db


def _data():
    now = timezone.now()
    return {
        "admitted_at": now - dt.timedelta(hours=3),
        "expected_discharge_on": timezone.localdate() + dt.timedelta(days=3),
        "reason": "Fall i hemmet",
        "both_must_act": True,
        "consent_method": "verbal",
        "consent_given_at": now - dt.timedelta(hours=2),
    }


def _admitted(actor, person):
    """The ward user typed the whole personnummer and wrote the reason (the admission basis)."""
    return access_services.open_admission(actor, person.pk, "Inlagd via akuten", typed=True)


def test_a_ward_without_relationship_sends_the_notice_and_then_has_one():
    w = build()
    ward = f.unit(w.region, kind=Unit.Kind.WARD, name="Avdelning 12")
    nurse = f.actor(f.staff(ward, ["nurse"]))
    with pytest.raises(gate.AccessDenied):
        gate.open_person(nurse, w.person.pk, "t")
    with pytest.raises(gate.AccessDenied, match="Sök på hela personnumret"):
        case_services.start_case(nurse, w.person.pk, _data())  # the opaque id alone
    with pytest.raises(gate.AccessDenied, match="Sök på hela personnumret"):
        access_services.open_admission(nurse, w.person.pk, "Inlagd via akuten", typed=False)
    _admitted(nurse, w.person)
    case = case_services.start_case(nurse, w.person.pk, _data())
    assert case.ward_id == ward.pk
    assert gate.open_person(nurse, w.person.pk, "t").basis == Basis.RELATIONSHIP  # the case gives it
    assert AccessLogEntry.objects.filter(user_id=nurse.user_id, action="create", basis=Basis.ADMISSION).exists()


def test_the_new_case_page_opens_for_a_ward_and_is_logged_as_admission(client):
    w = build()
    ward = f.unit(w.region, kind=Unit.Kind.WARD, name="Avdelning 12")
    user = f.staff(ward, ["nurse"])
    client.force_login(user)
    assert client.get(reverse("transitions:case_new", args=[w.person.pk])).status_code == 403
    client.post(reverse("people:search"), {"q": w.person.personnummer})
    client.post(reverse("transitions:case_admission", args=[w.person.pk]), {"reason": "Inlagd via akuten"})
    response = client.get(reverse("transitions:case_new", args=[w.person.pk]))
    assert response.status_code == 200
    assert AccessLogEntry.objects.filter(user=user, person=w.person, basis=Basis.ADMISSION).exists()


@pytest.mark.parametrize("kind", [Unit.Kind.HEALTH_CENTRE, Unit.Kind.NEEDS_ASSESSMENT, Unit.Kind.EMERGENCY_DEPARTMENT])
def test_other_units_without_relationship_are_refused(client, kind):
    w = build()
    unit = f.unit(w.region if kind != Unit.Kind.NEEDS_ASSESSMENT else w.mark, kind=kind)
    user = f.staff(unit, ["nurse"])
    with pytest.raises(gate.AccessDenied):
        case_services.start_case(f.actor(user), w.person.pk, _data())
    client.force_login(user)
    assert client.get(reverse("transitions:case_new", args=[w.person.pk])).status_code == 403


def test_an_analyst_at_a_ward_is_refused():
    w = build()
    ward = f.unit(w.region, kind=Unit.Kind.WARD)
    with pytest.raises(gate.AccessDenied):
        case_services.start_case(f.actor(f.staff(ward, ["analyst"])), w.person.pk, _data())


def test_the_relationship_lasts_a_while_after_discharge(settings):
    from nara.people.models import Person
    from nara.transitions.models import DischargeCase
    from nara.transitions.relationships import unit_addressed_by_open_case

    w = build()
    ward = f.unit(w.region, kind=Unit.Kind.WARD)
    nurse = f.actor(f.staff(ward, ["nurse"]))
    _admitted(nurse, w.person)
    case = case_services.start_case(nurse, w.person.pk, _data())
    today = timezone.localdate()
    DischargeCase.objects.filter(pk=case.pk).update(status="discharged", discharged_at=timezone.now())
    related = Person.objects.filter(unit_addressed_by_open_case(ward.pk, today))
    assert list(related) == [w.person]
    later = today + dt.timedelta(days=settings.NARA_CASE_RELATIONSHIP_DAYS + 1)
    assert not Person.objects.filter(unit_addressed_by_open_case(ward.pk, later)).exists()


def test_a_ward_finds_the_person_by_whole_personnummer_and_is_offered_the_notice(client):
    w = build()
    ward = f.unit(w.region, kind=Unit.Kind.WARD)
    client.force_login(f.staff(ward, ["assistant_nurse"]))  # no emergency access, but works at the ward
    body = client.post(reverse("people:search"), {"q": w.person.personnummer}).content.decode()
    assert reverse("transitions:case_admission", args=[w.person.pk]) in body
    assert reverse("transitions:case_new", args=[w.person.pk]) not in body  # the reason comes first
    assert "Nödåtkomst" not in body
    client.force_login(f.staff(f.unit(w.region), ["assistant_nurse"]))  # a health centre: neither
    body = client.post(reverse("people:search"), {"q": w.person.personnummer}).content.decode()
    assert "inskrivningsmeddelande" not in body.lower() and str(w.person.pk) not in body
