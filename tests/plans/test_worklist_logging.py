"""The exact access-log rows of the work list: every shown person's register read, every shown SIP and care plan
with its own basis (own organisation or consent), the persons listed only for a CFS reassessment, and nothing
for what the gate hid."""

import datetime as dt

import pytest
from django.urls import reverse

from nara.access.models import Consent
from nara.audit.basis import Basis
from nara.plans.models import Sip, SipAction, SipParticipant
from tests import factories as f
from tests import logrows
from tests.plans import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
LONG_AGO = TODAY - dt.timedelta(days=400)
CTX = "plans:worklist"


def _sip(w, person, unit, user, units):
    s = Sip.objects.create(
        person=person, status="active", initiative_reason="Många akutbesök", next_follow_up=TODAY,
        recorded_by_unit=unit, recorded_by_org=unit.organisation, recorded_by=user,
    )
    for u in units:
        SipParticipant.objects.create(sip=s, kind="staff", organisation=u.organisation, unit=u)
    return s


def _action(s, unit):
    return SipAction.objects.create(sip=s, description="Insats", responsible_org=unit.organisation,
                                    responsible_unit=unit, due_date=TODAY + dt.timedelta(days=1), status="planned")


def _of(person, obj):
    """Move a builder's record (made for w.person) to `person`."""
    type(obj).objects.filter(pk=obj.pk).update(person=person)
    obj.person_id = person.pk
    return obj


def test_worklist_logs_each_shown_person_and_record_with_its_basis(client):
    w = build()
    astrid = w.person
    berit = f.person(listed_unit=w.vc, given="Berit", family="Nilsson")
    cecilia = f.person(listed_unit=w.vc, given="Cecilia", family="Ek")
    dora = f.person(listed_unit=w.vc, given="Dora", family="Lund")
    # Astrid: the region's SIP (an action of Kinna's and this week's follow-up: one record, logged once), its
    # palliative plan and a CFS rating overdue (she is already on the list: no second register read).
    sip = _sip(w, astrid, w.vc, w.vc_nurse, [w.vc, w.hsv])
    _action(sip, w.vc)
    own_plan = b.care_plan(w, kind="palliative", established_on=LONG_AGO)
    b.cfs_rating(w, rated_on=LONG_AGO)
    # Berit: Mark's palliative plan, shared with the region by her consent.
    mark = {"user": w.mark_nurse, "unit": w.hsv, "org": w.mark}
    shared_plan = _of(berit, b.care_plan(w, kind="palliative", established_on=LONG_AGO, **mark))
    Consent.objects.create(person=berit, receiving_org=w.region, all_sources=True, method="verbal",
                           recorded_by_unit=w.vc, recorded_by_org=w.region, recorded_by=w.vc_nurse)
    # Cecilia: Mark's palliative plan and CFS rating without consent: hidden, not due, not logged.
    _of(cecilia, b.care_plan(w, kind="palliative", established_on=LONG_AGO, **mark))
    _of(cecilia, b.cfs_rating(w, rated_on=LONG_AGO, **mark))
    # Dora: only a CFS reassessment due (a change in condition after the region's last rating).
    _of(dora, b.cfs_rating(w, rated_on=TODAY - dt.timedelta(days=30)))
    _of(dora, b.condition_change(w, noted_on=TODAY - dt.timedelta(days=2)))
    # The stranger (no relationship with Kinna): an action misassigned to Kinna on another unit's SIP.
    other = w.stranger.listed_unit
    _action(_sip(w, w.stranger, other, w.outsider_nurse, [other]), w.vc)

    client.force_login(w.vc_nurse)
    since = logrows.mark()
    body = client.get(reverse("plans:worklist")).content.decode()
    assert "Astrid" in body and "Berit" in body and "Dora" in body
    assert "Cecilia" not in body and "Bertil" not in body
    assert logrows.written(since, w.vc_nurse) == logrows.expect(
        logrows.person(astrid, CTX),
        logrows.record(sip, Basis.OWN_ORG, CTX),
        logrows.record(own_plan, Basis.OWN_ORG, CTX),
        logrows.person(berit, CTX),
        logrows.record(shared_plan, Basis.CONSENT, CTX),
        logrows.person(dora, CTX),
    )


def test_worklist_of_mark_logs_the_sip_only_with_consent(client):
    """Mark's nurse has an action on the region's SIP: without consent nothing is logged, with it the SIP."""
    w = build()
    sip = _sip(w, w.person, w.vc, w.vc_nurse, [w.vc, w.hsv])
    _action(sip, w.hsv)
    client.force_login(w.mark_nurse)
    since = logrows.mark()
    assert "Astrid" not in client.get(reverse("plans:worklist")).content.decode()
    assert logrows.written(since) == []
    Consent.objects.create(person=w.person, receiving_org=w.mark, all_sources=True, method="verbal",
                           recorded_by_unit=w.vc, recorded_by_org=w.region, recorded_by=w.vc_nurse)
    since = logrows.mark()
    assert "Astrid" in client.get(reverse("plans:worklist")).content.decode()
    assert logrows.written(since, w.mark_nurse) == logrows.expect(
        logrows.person(w.person, CTX), logrows.record(sip, Basis.CONSENT, CTX)
    )
