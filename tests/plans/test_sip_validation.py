"""SIP input rules found when the SIP was tried as a new user would: a participant's phone number, an insats'
"klart senast" in the past, and a plan fixed before the SIP meeting was held."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from nara.directory.models import Unit
from nara.plans import sip_forms
from nara.plans import sip_services as s
from nara.plans.models import Sip, SipAction, SipGoal, SipMeeting, SipStatus
from nara.plans.sip_services import SipRefused
from tests import factories as f
from tests.plans import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def w():
    return build()


def part_url(w, sip, part):
    return reverse("plans:sip_part", args=[w.person.pk, sip.pk, part])


# --- phone ------------------------------------------------------------------------------------------------------


def test_a_participants_phone_must_be_a_phone_number(w):
    data = {"version": 1, "kind": "other", "name": "Grannen Sven", "phone": "abc"}
    form = sip_forms.ParticipantForm(data, units=None, relatives=())
    assert not form.is_valid()
    assert "Telefonnumret får bara innehålla siffror" in form.errors["phone"][0]
    form = sip_forms.ParticipantForm({**data, "phone": "070-174 06 10"}, units=None, relatives=())
    assert form.is_valid(), form.errors


def test_participant_page_shows_the_phone_message_and_adds_no_one(client, w):
    sip = b.sip(w)
    client.force_login(w.vc_nurse)
    before = sip.participants.count()
    r = client.post(part_url(w, sip, "deltagare"),
                    {"form": "add", "version": sip.version, "kind": "other", "name": "Grannen Sven", "phone": "abc"})
    assert r.status_code == 400 and "Telefonnumret får bara innehålla siffror" in r.content.decode()
    assert sip.participants.count() == before


# --- due date of an insats ----------------------------------------------------------------------------------------


def action_form(data, initial=None, w=None):
    return sip_forms.ActionForm(
        {"version": 1, "description": "Hemtjänst", "responsible_unit": w.vc.pk, "status": "planned", **data},
        initial=initial or {},
        goals=SipGoal.objects.none(),
        units=Unit.objects.filter(pk=w.vc.pk),
        staff=get_user_model().objects.none(),
    )


def test_a_new_due_date_in_the_past_is_refused_on_the_field(w):
    yesterday = TODAY() - dt.timedelta(days=1)
    form = action_form({"due_date": yesterday.isoformat()}, w=w)
    assert not form.is_valid()
    assert form.errors["due_date"] == ["Datumet har redan passerat. Ange dagens datum eller ett senare."]
    assert action_form({"due_date": TODAY().isoformat()}, w=w).is_valid()
    assert action_form({"due_date": ""}, w=w).is_valid()


def test_an_overdue_insats_keeps_its_date_when_its_status_changes(w):
    overdue = TODAY() - dt.timedelta(days=10)
    form = action_form({"due_date": overdue.isoformat(), "status": "done"}, initial={"due_date": overdue}, w=w)
    assert form.is_valid(), form.errors
    moved = action_form({"due_date": (overdue - dt.timedelta(days=1)).isoformat()}, initial={"due_date": overdue},
                        w=w)
    assert "due_date" in moved.errors


def test_the_service_refuses_a_due_date_in_the_past_too(w):
    sip = b.sip(w)
    Sip.objects.filter(pk=sip.pk).update(status=SipStatus.MAPPING)
    vc = f.actor(w.vc_nurse)
    data = {"description": "Fallriskbedömning", "responsible_unit": w.vc, "responsible_staff": None,
            "due_date": TODAY() - dt.timedelta(days=1)}
    with pytest.raises(SipRefused, match="redan passerat"):
        s.save_action(vc, sip.pk, sip.version, data)
    assert not sip.actions.exists()
    sip = s.save_action(vc, sip.pk, sip.version, {**data, "due_date": TODAY()})
    action = sip.actions.get()
    # Time passes: the insats is overdue, and is still marked done without a new date.
    SipAction.objects.filter(pk=action.pk).update(due_date=TODAY() - dt.timedelta(days=3))
    sip = s.save_action(vc, sip.pk, sip.version, {**data, "due_date": TODAY() - dt.timedelta(days=3),
                                                  "status": "done"}, action_id=action.pk)
    assert sip.actions.get().status == "done"


def test_the_insats_page_shows_the_date_message_and_saves_nothing(client, w):
    sip = b.sip(w)
    Sip.objects.filter(pk=sip.pk).update(status=SipStatus.MAPPING)
    client.force_login(w.vc_nurse)
    r = client.post(part_url(w, sip, "insatser"), {
        "form": "action", "version": sip.version, "description": "Fallriskbedömning", "responsible_unit": w.vc.pk,
        "status": "planned", "due_date": (TODAY() - dt.timedelta(days=1)).isoformat(),
    })
    assert r.status_code == 400 and "Datumet har redan passerat." in r.content.decode()
    assert not sip.actions.exists()


# --- the plan is fixed at the SIP meeting ------------------------------------------------------------------------


def ready_to_fix(w):
    """A SIP with everything the plan needs, its meeting called for in three days."""
    sip = b.sip(w, plan=True)
    Sip.objects.filter(pk=sip.pk).update(status=SipStatus.MAPPING, plan_agreed_at=None)
    SipMeeting.objects.filter(sip=sip).update(starts_at=timezone.now() + dt.timedelta(days=3))
    sip.refresh_from_db()
    return sip


def test_one_party_cannot_fix_the_plan_before_the_meeting_was_held(w):
    sip = ready_to_fix(w)
    vc = f.actor(w.vc_nurse)
    with pytest.raises(SipRefused, match="Planen fastställs på SIP-mötet") as refused:
        s.change_status(vc, sip.pk, sip.version, SipStatus.ACTIVE)
    assert timezone.localtime(sip.meetings.get().starts_at).strftime("%Y-%m-%d %H:%M") in refused.value.message
    sip.refresh_from_db()
    assert sip.status == SipStatus.MAPPING and sip.plan_agreed_at is None
    # A cancelled meeting was not held either.
    SipMeeting.objects.filter(sip=sip).update(starts_at=timezone.now() - dt.timedelta(hours=2),
                                              cancelled_at=timezone.now() - dt.timedelta(days=1))
    with pytest.raises(SipRefused, match="inget SIP-möte har hållits"):
        s.change_status(vc, sip.pk, sip.version, SipStatus.ACTIVE)
    # Once the meeting has been held, the plan is fixed.
    SipMeeting.objects.filter(sip=sip).update(cancelled_at=None)
    sip = s.change_status(vc, sip.pk, sip.version, SipStatus.ACTIVE)
    assert sip.status == SipStatus.ACTIVE and sip.plan_agreed_at


def test_the_status_page_says_the_meeting_comes_first(client, w):
    sip = ready_to_fix(w)
    client.force_login(w.mark_nurse)
    page = client.get(reverse("plans:sip_detail", args=[w.person.pk, sip.pk])).content.decode()
    assert "Planen fastställs på SIP-mötet" in page
    r = client.post(part_url(w, sip, "status"), {"form": "transition", "version": sip.version, "target": "active"})
    assert r.status_code == 400 and "Planen fastställs på SIP-mötet" in r.content.decode()
    sip.refresh_from_db()
    assert sip.status == SipStatus.MAPPING
