"""The unit's work list: the right items, nothing from units without a relationship, consent for other
organisations' SIPs, and a fixed number of queries whatever the number of persons."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nara.access.models import Consent
from nara.audit.models import AccessLogEntry
from nara.plans import due, worklist_selectors
from nara.plans.models import Sip, SipAction, SipParticipant
from tests import factories as f
from tests.plans import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def sip(w, person=None, unit=None, org=None, user=None, follow_up=TODAY, status="active", units=None):
    s = Sip.objects.create(
        person=person or w.person,
        status=status,
        initiative_reason="Många akutbesök",
        next_follow_up=follow_up,
        recorded_by_unit=unit or w.vc,
        recorded_by_org=org or w.region,
        recorded_by=user or w.vc_nurse,
    )
    for u in units if units is not None else (w.vc, w.hsv):
        SipParticipant.objects.create(sip=s, kind="staff", organisation=u.organisation, unit=u)
    return s


def action(s, org, unit=None, staff=None, due_in=0, status="planned", text="Insats"):
    return SipAction.objects.create(
        sip=s,
        description=text,
        responsible_org=org,
        responsible_unit=unit,
        responsible_staff=staff,
        due_date=TODAY + dt.timedelta(days=due_in),
        status=status,
    )


def test_my_actions_follow_ups_cfs_and_palliative():
    w = build()
    s = sip(w)
    mine = action(s, w.region, staff=w.vc_nurse, due_in=-1, text="Läkemedelsgenomgång")
    unit_action = action(s, w.region, unit=w.vc, due_in=6, text="Ring dottern")
    action(s, w.region, unit=w.vc, due_in=20, text="Långt fram")
    action(s, w.region, unit=w.vc, due_in=1, status="done", text="Redan gjord")
    action(s, w.mark, unit=w.hsv, due_in=2, text="Hemsjukvårdens")
    b.cfs_rating(w, score=5, rated_on=TODAY - dt.timedelta(days=400))
    pall = b.care_plan(w, kind="palliative", established_on=TODAY - dt.timedelta(days=400))
    # The stranger is listed elsewhere: nothing about him reaches Vårdcentralen Kinna.
    other_unit = w.stranger.listed_unit
    other_sip = sip(w, person=w.stranger, unit=other_unit, user=w.outsider_nurse, units=[other_unit])
    action(
        other_sip, w.region, unit=w.vc, due_in=1, text="Främlingens insats"
    )  # misassigned: still not shown
    stranger_cfs = b.cfs_rating(
        w, rated_on=TODAY - dt.timedelta(days=400), user=w.outsider_nurse, unit=other_unit
    )
    type(stranger_cfs).objects.filter(pk=stranger_cfs.pk).update(person=w.stranger)

    wl = worklist_selectors.worklist(f.actor(w.vc_nurse))
    assert [i.record for i in wl.actions] == [mine, unit_action]
    assert wl.actions[0].overdue and not wl.actions[1].overdue
    assert [i.record for i in wl.follow_ups] == [s]
    assert [i.person for i in wl.cfs_due] == [w.person] and wl.cfs_due[0].overdue
    assert [i.record for i in wl.palliative] == [pall] and wl.palliative[0].overdue
    assert w.stranger not in {i.person for i in wl.actions + wl.follow_ups + wl.cfs_due + wl.palliative}
    assert not AccessLogEntry.objects.filter(person=w.stranger).exists()
    assert AccessLogEntry.objects.filter(person=w.person, record_type="plans.sip", user=w.vc_nurse).exists()


def test_other_org_sees_sip_items_only_with_consent():
    w = build()
    s = sip(w)
    hsv_action = action(s, w.mark, unit=w.hsv, due_in=2)
    wl = worklist_selectors.worklist(f.actor(w.mark_nurse))
    assert wl.actions == [] and wl.follow_ups == [] and wl.hidden_count == 2
    Consent.objects.create(
        person=w.person,
        receiving_org=w.mark,
        all_sources=True,
        method="verbal",
        recorded_by_unit=w.vc,
        recorded_by_org=w.region,
        recorded_by=w.vc_nurse,
    )
    wl = worklist_selectors.worklist(f.actor(w.mark_nurse))
    assert [i.record for i in wl.actions] == [hsv_action] and [i.record for i in wl.follow_ups] == [s]


def test_follow_ups_only_this_week_or_overdue():
    w = build()
    start, end = due.week_bounds(TODAY)
    overdue = sip(w, follow_up=start - dt.timedelta(days=3))
    this_week = sip(w, follow_up=end)
    sip(w, follow_up=end + dt.timedelta(days=1))
    sip(w, follow_up=TODAY, status="closed")
    wl = worklist_selectors.worklist(f.actor(w.vc_nurse))
    assert [i.record for i in wl.follow_ups] == [overdue, this_week]


def test_cfs_due_counts_only_visible_ratings():
    """A recent rating by Mark, not shared with the region, does not hide that the region's is overdue."""
    w = build()
    b.cfs_rating(w, rated_on=TODAY - dt.timedelta(days=400))
    b.cfs_rating(w, rated_on=TODAY, user=w.mark_nurse, unit=w.hsv, org=w.mark)
    assert [i.person for i in worklist_selectors.worklist(f.actor(w.vc_nurse)).cfs_due] == [w.person]
    assert worklist_selectors.worklist(f.actor(w.mark_nurse)).cfs_due == []


def _more_persons(w, n):
    from nara.plans.models import CarePlan, FrailtyAssessment

    for i in range(n):
        p = f.person(listed_unit=w.vc, given=f"P{i}", family="Lista")
        action(sip(w, person=p), w.region, unit=w.vc, due_in=1)
        FrailtyAssessment.objects.filter(
            pk=b.cfs_rating(w, rated_on=TODAY - dt.timedelta(days=400)).pk
        ).update(person=p)
        plan = b.care_plan(w, kind="palliative", established_on=TODAY - dt.timedelta(days=400))
        CarePlan.objects.filter(pk=plan.pk).update(person=p)


def test_fixed_number_of_queries():
    w = build()
    _more_persons(w, 2)
    actor = f.actor(w.vc_nurse)
    with CaptureQueriesContext(connection) as few:
        small = worklist_selectors.worklist(actor)
    _more_persons(w, 6)
    with CaptureQueriesContext(connection) as many:
        big = worklist_selectors.worklist(actor)
    assert len(big.actions) == 8 and len(big.cfs_due) > len(small.cfs_due)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_page_and_nav_link(client):
    w = build()
    action(sip(w), w.region, staff=w.vc_nurse, due_in=1, text="Ring Astrid")
    client.force_login(w.vc_nurse)
    body = client.get(reverse("plans:worklist")).content.decode()
    assert "Ring Astrid" in body and "Astrid Lindqvist" in body
    assert 'href="/planer/arbetslista/" aria-current="page"' in body
    client.force_login(w.vc_analyst)
    assert client.get(reverse("plans:worklist")).status_code == 403
