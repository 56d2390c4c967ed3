"""The "Planer" section of the person overview: active plans, follow-ups, CFS trend, open actions per
organisation, who to call; each part through the gate."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nara.access import gate
from nara.access.models import Consent
from nara.plans import overview_selectors
from nara.plans.models import Sip, SipAction, SipParticipant
from tests import factories as f
from tests.plans import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def active_sip(w):
    s = Sip.objects.create(
        person=w.person,
        status="active",
        initiative_reason="Fall",
        next_follow_up=TODAY + dt.timedelta(days=3),
        coordinator=w.vc_nurse,
        coordinator_unit=w.vc,
        recorded_by_unit=w.vc,
        recorded_by_org=w.region,
        recorded_by=w.vc_nurse,
    )
    SipParticipant.objects.create(sip=s, kind="staff", organisation=w.region, unit=w.vc)
    SipParticipant.objects.create(sip=s, kind="staff", organisation=w.mark, unit=w.hsv)
    SipAction.objects.create(
        sip=s,
        description="Trygghetslarm",
        responsible_org=w.mark,
        responsible_unit=w.hsv,
        due_date=TODAY - dt.timedelta(days=1),
    )
    SipAction.objects.create(
        sip=s,
        description="Läkemedelsgenomgång",
        responsible_org=w.region,
        responsible_unit=w.vc,
        due_date=TODAY + dt.timedelta(days=5),
    )
    SipAction.objects.create(sip=s, description="Klar sedan länge", responsible_org=w.region, status="done")
    return s


def overview(w, user):
    actor = f.actor(user)
    access = gate.open_person(actor, w.person.pk, "test")
    return overview_selectors.for_person(actor, access, "test")


def test_panel_content_for_own_org():
    w = build()
    w.vc.phone = "0320-100 00"
    w.vc.save()
    w.hsv.phone = "0320-200 00"
    w.hsv.save()
    s = active_sip(w)
    b.cfs_rating(w, score=4, rated_on=TODAY - dt.timedelta(days=200))
    b.cfs_rating(w, score=6, rated_on=TODAY - dt.timedelta(days=10))
    pall = b.care_plan(w, kind="palliative", established_on=TODAY - dt.timedelta(days=400))
    contract = b.contract(w, next_contact=TODAY + dt.timedelta(days=20))
    data = overview(w, w.vc_nurse)
    assert data["sips"] == [s] and data["care_plans"] == [pall] and data["contracts"] == [contract]
    assert data["cfs"]["score"] == 6 and data["cfs"]["trend"] == "rising"
    groups = dict(data["actions_by_org"])
    assert [a.description for a in groups["Marks kommun"]] == ["Trygghetslarm"]
    assert groups["Marks kommun"][0].overdue
    assert [a.description for a in groups["Västra Götalandsregionen"]] == ["Läkemedelsgenomgång"]
    whats = [fu.what for fu in data["follow_ups"]]
    assert whats[0] == "Översyn av palliativ vårdplan"  # overdue first
    assert "Uppföljning av SIP" in whats and "Kontakt enligt patientkontrakt" in whats
    roles = {c.role: c.phone for c in data["contacts"]}
    assert roles["Namngiven äldresjuksköterska/lots"] == "0320-100 00"
    assert roles["Samordnare för SIP"] == "0320-100 00"
    # Hemsjukvården's care-team entry is Mark's record: no consent, so not shown to the region.
    assert "Hemsjukvård" not in roles


def test_other_org_sees_sip_and_hemsjukvard_under_consent():
    w = build()
    active_sip(w)
    data = overview(w, w.mark_nurse)
    assert data["sips"] == [] and data["actions_by_org"] == []
    assert {g.org_name for g in data["hidden"]} == {"Västra Götalandsregionen"}
    assert "Hemsjukvård" in {c.role for c in data["contacts"]}  # Mark's own care-team entry
    Consent.objects.create(
        person=w.person,
        receiving_org=w.mark,
        all_sources=True,
        method="verbal",
        recorded_by_unit=w.vc,
        recorded_by_org=w.region,
        recorded_by=w.vc_nurse,
    )
    data = overview(w, w.mark_nurse)
    assert len(data["sips"]) == 1 and len(dict(data["actions_by_org"])) == 2


def test_overview_page_shows_panel_and_fixed_queries(client):
    w = build()
    client.force_login(w.vc_nurse)
    url = reverse("people:overview", args=[w.person.pk])
    active_sip(w)
    with CaptureQueriesContext(connection) as one:
        body = client.get(url).content.decode()
    assert (
        'data-testid="plans-overview"' in body and "Trygghetslarm" in body
    )  # the region's SIP: all its actions
    for _ in range(3):
        active_sip(w)
        b.care_plan(w)
        b.contract(w)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) <= len(one.captured_queries) + 3
    assert "1177" in body and "112" in body


def test_an_invited_sip_meeting_is_among_the_next_follow_ups():
    from django.utils import timezone

    from nara.plans.models import SipMeeting

    w = build()
    sip = b.sip(w)
    starts = timezone.localtime() + dt.timedelta(days=2)
    starts = starts.replace(hour=13, minute=30, second=0, microsecond=0)
    SipMeeting.objects.create(sip=sip, starts_at=starts, place="Hemma", invited_by=w.vc_nurse)
    SipMeeting.objects.create(sip=sip, starts_at=starts, place="Inställt", invited_by=w.vc_nurse,
                              cancelled_at=timezone.now())
    actor = f.actor(w.vc_nurse)
    panel = overview_selectors.for_person(actor, gate.open_person(actor, w.person.pk, "t"), "t")
    meetings = [x for x in panel["follow_ups"] if "13:30" in x.what]
    assert len(meetings) == 1 and meetings[0].on == starts.date() and "SIP-möte" in meetings[0].what
