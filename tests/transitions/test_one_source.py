"""One source for each rule of a discharge case: the case page and the overview show the same deadlines
(the SIP invitation included, wherever it was sent from), the day count reads the same invitation, and every
reader of NARA_READMISSION_DAYS and NARA_SIP_INVITATION_DAYS uses the setting's value."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from nara.plans import sip_services
from nara.transitions import case_selectors, case_services, daycount, overview_selectors
from nara.transitions.models import CaseEvent
from tests import factories as f
from tests.transitions import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    world = build()
    b.case_parties(world)
    return world


def ready_case(w, ready_hours_ago=60):
    """A case of w.person where both must act, utskrivningsklar `ready_hours_ago` hours ago (SIP not called)."""
    case = b.case_start(w, both_must_act=True, admitted_hours_ago=ready_hours_ago + 20)
    ready_at = timezone.now() - dt.timedelta(hours=ready_hours_ago)
    return case_services.notify_ready(f.actor(w.ward_nurse), case.pk, case.version, at=ready_at)


def page_deadlines(w, case, user):
    ctx = case_selectors.case_page(f.actor(user), w.person.pk, case.pk)
    return {d.key: d for d in ctx["deadlines"]}


def overview_risks(w, case, user, now):
    data = overview_selectors.at_risk(f.actor(user), now=now)
    rows = [r for r in data.rows if r.case.pk == case.pk]
    return {r.key: r for r in rows[0].risks} if rows else {}


def test_case_page_and_overview_give_the_same_sip_deadline(w, settings):
    settings.NARA_SIP_INVITATION_DAYS = 2  # due 48 h after the notice: 12 h from now
    case = ready_case(w, ready_hours_ago=36)
    now = timezone.now()
    deadline = page_deadlines(w, case, w.vc_nurse)["sip"]
    assert deadline.state == "pending"
    assert abs(deadline.due - (now + dt.timedelta(hours=12))) < dt.timedelta(minutes=1)
    risk = overview_risks(w, case, w.vc_nurse, now)["sip"]
    assert risk.deadline == deadline and not risk.overdue
    # Past the deadline both say it is overdue.
    later = now + dt.timedelta(hours=13)
    late = {d.key: d for d in case_selectors.deadlines_for(case, later)}["sip"]
    assert late.state == "overdue"
    risk = overview_risks(w, case, w.vc_nurse, later)["sip"]
    assert risk.deadline == late and risk.overdue


def test_an_invitation_sent_from_the_sip_page_counts_on_both(w):
    """The SIP is started from the case without a time; the vårdcentral then calls the meeting on the SIP page.
    The case page, the overview and the day count all see that invitation."""
    case = ready_case(w, ready_hours_ago=60)
    vc = f.actor(w.vc_nurse)
    case_services.invite_to_sip(vc, case.pk, case.version, {})
    case.refresh_from_db()
    assert case.sip is not None and case.sip_invited_at is None
    assert "sip" in overview_risks(w, case, w.vc_nurse, timezone.now())
    # The SIP needs the person's own consent to the SIP (the discharge consent is not carried over).
    sip = sip_services.record_consent(
        vc, case.sip.pk, case.sip.version, {"method": "verbal", "given_by": "Astrid", "relatives_take_part": False}
    )
    sip = sip_services.send_invitation(
        vc,
        sip.pk,
        sip.version,
        {"kind": "planning", "starts_at": timezone.now() + dt.timedelta(days=1), "place": "Hemma"},
    )
    invited_at = sip.meetings.get().invited_at
    deadline = page_deadlines(w, case, w.vc_nurse)["sip"]
    assert deadline.state == "met" and deadline.done_at == invited_at
    assert "sip" not in overview_risks(w, case, w.vc_nurse, timezone.now())
    # The day count's SIP condition reads the same invitation.
    case.agreement = b.ag_agreement(w, require_sip_invitation=True, days_after_notice=0, count_day_zero=True)
    case.save()
    days = daycount.case_days(b.ag_fresh(case), timezone.localdate())
    assert days.payment_dates and days.payment_dates[0] == timezone.localtime(invited_at).date()


def test_a_meeting_called_before_the_admission_is_not_this_cases_invitation(w):
    from tests.plans import builders as plans

    sip = plans.sip(w)
    sip = sip_services.send_invitation(
        f.actor(w.vc_nurse),
        sip.pk,
        sip.version,
        {"kind": "follow_up", "starts_at": timezone.now() + dt.timedelta(days=1), "place": "Vårdcentralen"},
    )
    sip.meetings.update(invited_at=timezone.now() - dt.timedelta(days=40))
    case = ready_case(w, ready_hours_ago=80)  # the SIP invitation was due 8 hours ago
    case.refresh_from_db()
    case.sip = sip
    case.save()
    assert page_deadlines(w, case, w.vc_nurse)["sip"].state == "overdue"
    assert overview_risks(w, case, w.vc_nurse, timezone.now())["sip"].overdue


def test_the_readmission_setting_flags_and_labels_the_case(client, w, settings):
    settings.NARA_READMISSION_DAYS = 14
    now = timezone.now()
    old = b.fu_case(
        w,
        status="discharged",
        admitted_at=now - dt.timedelta(days=20),
        discharged_at=now - dt.timedelta(days=10),
    )
    case = b.case_start(w)
    case.refresh_from_db()
    assert case.readmission_of == old
    client.force_login(w.ward_nurse)
    page = client.get(reverse("transitions:case_detail", args=[w.person.pk, case.pk])).content.decode()
    assert "inom 14 dagar efter utskrivningen" in page
    old_page = client.get(reverse("transitions:case_detail", args=[w.person.pk, old.pk])).content.decode()
    assert "Återinskriven" in old_page and "30 dagar" not in old_page


def test_no_readmission_outside_the_setting(w, settings):
    settings.NARA_READMISSION_DAYS = 14
    now = timezone.now()
    b.fu_case(
        w,
        status="discharged",
        admitted_at=now - dt.timedelta(days=30),
        discharged_at=now - dt.timedelta(days=20),
    )
    case = b.case_start(w)
    case.refresh_from_db()
    assert case.readmission_of is None


def test_the_overview_uses_the_readmission_setting(client, w, settings):
    settings.NARA_READMISSION_DAYS = 14
    now = timezone.now()
    risky = b.fu_case(
        w,
        status="ready",
        admitted_at=now - dt.timedelta(days=6),
        both_must_act=True,
        planning_due_at=now - dt.timedelta(hours=3),
    )
    b.fu_event(risky, CaseEvent.Kind.ADMISSION_NOTICE, now - dt.timedelta(hours=30), units=[w.vc])
    b.fu_ready(risky, now - dt.timedelta(days=4))
    old = b.fu_case(
        w,
        status="discharged",
        admitted_at=now - dt.timedelta(days=30),
        discharged_at=risky.admitted_at - dt.timedelta(days=10),
    )
    data = overview_selectors.at_risk(f.actor(w.vc_nurse), now=now)
    assert [r.readmission_of for r in data.rows if r.case.pk == risky.pk] == [old]
    client.force_login(w.vc_nurse)
    body = client.get(reverse("transitions:overview")).content.decode()
    assert "inom 14 dagar efter utskrivning" in body and "30 dagar" not in body
    old.discharged_at = risky.admitted_at - dt.timedelta(days=20)
    old.save()
    data = overview_selectors.at_risk(f.actor(w.vc_nurse), now=now)
    assert [r.readmission_of for r in data.rows if r.case.pk == risky.pk] == [None]
