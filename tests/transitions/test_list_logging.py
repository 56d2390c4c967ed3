"""The exact access-log rows of the transitions list pages (the at-risk overview, the discharge inbox, the trygg
hemgång list and the enrolment register) and of a person's case list, enrolment page and overview panel.

One scenario for all four: Astrid (consent: Marks kommun may take part of the region's data), Berit (no consent),
a stranger listed at another vårdcentral and Cecilia who has no relationship with anyone any more. Each page is
opened by the region's nurse at Vårdcentralen Kinna and by Mark's home health nurse; every shown person leaves its
register read, every shown record one row with its own basis, and nothing at all is written for what is hidden.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from nara.audit.basis import Basis
from nara.directory.models import Unit
from nara.transitions.models import CaseEvent, FollowUpTask, HomeHealthEnrolment, Receipt
from tests import factories as f
from tests import logrows
from tests.transitions import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db


def _unacknowledged_case(w, person, units, now, **extra):
    """An open case whose admission notice to `units` is unacknowledged after 30 hours (a deadline at risk)."""
    case = b.fu_case(w, person=person, admitted_at=now - dt.timedelta(days=2), **extra)
    b.fu_event(case, CaseEvent.Kind.ADMISSION_NOTICE, now - dt.timedelta(hours=30), units=units)
    return case


def _task(case, unit, now, done_by=None):
    return FollowUpTask.objects.create(
        case=case, label="Hembesök", responsible_unit=unit, due_at=now + dt.timedelta(hours=24),
        done_at=now - dt.timedelta(days=1) if done_by else None, done_by=done_by,
    )


@pytest.fixture
def s():
    w = build()
    now = timezone.now()
    b.fu_ward(w)
    b.fu_consent(w)  # Astrid lets Marks kommun take part of the region's data
    astrid = w.person
    berit = f.person(listed_unit=w.vc, given="Berit", family="Nilsson", municipality=w.mark)
    stranger = w.stranger  # listed at Vårdcentralen Sätila
    cecilia = f.person(given="Cecilia", family="Ek", municipality=w.mark)  # listed nowhere
    case_a = _unacknowledged_case(w, astrid, [w.hsv, w.vc], now)
    case_b = _unacknowledged_case(w, berit, [w.hsv, w.vc], now)
    # Addressed to Sätila only, but with Kinna as health centre: on Kinna's at-risk list, its person not visible.
    case_s = _unacknowledged_case(w, stranger, [stranger.listed_unit], now)
    # Cancelled with a notice nobody acknowledged: in both inboxes, but it gives no relationship.
    case_c = _unacknowledged_case(w, cecilia, [w.hsv, w.vc], now, status="cancelled")
    tasks = SimpleNamespace(
        hsv=[_task(case_a, w.hsv, now), _task(case_b, w.hsv, now), _task(case_c, w.hsv, now, w.mark_nurse)],
        vc=[_task(case_a, w.vc, now), _task(case_a, w.vc, now, w.vc_nurse), _task(case_s, w.vc, now, w.vc_nurse)],
    )
    return SimpleNamespace(w=w, astrid=astrid, berit=berit, stranger=stranger, cecilia=cecilia, case_a=case_a,
                           case_b=case_b, case_s=case_s, case_c=case_c, tasks=tasks)


def opened(client, user, url):
    client.force_login(user)
    since = logrows.mark()
    response = client.get(url)
    assert response.status_code == 200
    return logrows.written(since, user), response.content.decode()


def test_at_risk_overview_logs_each_shown_person_and_case(client, s):
    ctx = "transitions:overview"
    rows, body = opened(client, s.w.vc_nurse, reverse("transitions:overview"))
    assert "Astrid" in body and "Berit" in body and "Bertil" not in body
    assert rows == logrows.expect(
        logrows.person(s.astrid, ctx), logrows.record(s.case_a, Basis.OWN_ORG, ctx),
        logrows.person(s.berit, ctx), logrows.record(s.case_b, Basis.OWN_ORG, ctx),
    )
    # Mark's nurse: Astrid's case through her consent; Berit's (no consent) only counted.
    rows, body = opened(client, s.w.mark_nurse, reverse("transitions:overview"))
    assert "Astrid" in body and "Berit" not in body
    assert rows == logrows.expect(logrows.person(s.astrid, ctx), logrows.record(s.case_a, Basis.CONSENT, ctx))


def test_inbox_logs_shown_cases_and_the_persons_of_hidden_ones(client, s):
    ctx = "transitions:inbox"
    rows, body = opened(client, s.w.vc_nurse, reverse("transitions:case_inbox"))
    assert "Astrid" in body and "Berit" in body and "Cecilia" not in body
    assert rows == logrows.expect(
        logrows.person(s.astrid, ctx), logrows.record(s.case_a, Basis.OWN_ORG, ctx),
        logrows.person(s.berit, ctx), logrows.record(s.case_b, Basis.OWN_ORG, ctx),
    )
    # Mark's nurse sees Berit's name with "a case exists" (no consent): her register read, not the case.
    rows, body = opened(client, s.w.mark_nurse, reverse("transitions:case_inbox"))
    assert "Astrid" in body and "Berit" in body and "Cecilia" not in body
    assert rows == logrows.expect(
        logrows.person(s.astrid, ctx), logrows.record(s.case_a, Basis.CONSENT, ctx), logrows.person(s.berit, ctx),
    )


def test_inbox_of_hidden_cases_only_still_logs_the_persons_named(client, s):
    ctx = "transitions:inbox"
    # Astrid's case cancelled and its notices acknowledged: only Berit's hidden case is left.
    type(s.case_a).objects.filter(pk=s.case_a.pk).update(status="cancelled")
    Receipt.objects.filter(event__case=s.case_a).update(acknowledged_at=timezone.now())
    rows, body = opened(client, s.w.mark_nurse, reverse("transitions:case_inbox"))
    assert "Berit" in body and "Astrid" not in body
    assert rows == [logrows.person(s.berit, ctx)]


def test_safe_return_list_logs_each_shown_person_and_case_once(client, s):
    ctx = "transitions:safe_return"
    # Kinna: two tasks of Astrid's case (one open, one done) and a done task of the stranger's (no relationship).
    rows, body = opened(client, s.w.vc_nurse, reverse("transitions:safe_return"))
    assert "Astrid" in body and "Bertil" not in body
    assert rows == logrows.expect(logrows.person(s.astrid, ctx), logrows.record(s.case_a, Basis.OWN_ORG, ctx))
    # Mark: Astrid's case with consent; Berit's without; Cecilia's done task with no relationship left.
    rows, body = opened(client, s.w.mark_nurse, reverse("transitions:safe_return"))
    assert "Astrid" in body and "Berit" not in body and "Cecilia" not in body
    assert rows == logrows.expect(logrows.person(s.astrid, ctx), logrows.record(s.case_a, Basis.CONSENT, ctx))


def test_enrolment_register_logs_each_shown_person_and_enrolment(client, s):
    ctx = "transitions:enrolment_register"
    w = s.w
    on = {"status": "enrolled", "start_on": dt.date(2026, 1, 1), "next_review_on": dt.date(2027, 1, 1)}
    e_astrid = b.fu_enrolment(w, **on)
    e_berit = b.fu_enrolment(w, person=s.berit, **on)
    # Mark's own record about Cecilia (her physician at Kinna), and Dora at another home health unit of Mark's.
    e_cecilia = b.fu_enrolment(w, person=s.cecilia, **on)
    HomeHealthEnrolment.objects.filter(pk=e_cecilia.pk).update(
        recorded_by_org=w.mark, recorded_by_unit=w.hsv, recorded_by=w.mark_nurse
    )
    dora = f.person(given="Dora", family="Lund", municipality=w.mark)
    other_hsv = f.unit(w.mark, kind=Unit.Kind.HOME_HEALTH, name="Hemsjukvården Fritsla")
    e_dora = b.fu_enrolment(w, person=dora, **on)
    HomeHealthEnrolment.objects.filter(pk=e_dora.pk).update(
        home_health_unit=other_hsv, physician_unit=s.stranger.listed_unit
    )

    rows, body = opened(client, w.mark_nurse, reverse("transitions:enrolment_register"))
    assert "Astrid" in body and "Cecilia" in body and "Berit" not in body and "Dora" not in body
    assert rows == logrows.expect(
        logrows.person(s.astrid, ctx), logrows.record(e_astrid, Basis.CONSENT, ctx),
        logrows.person(s.cecilia, ctx), logrows.record(e_cecilia, Basis.OWN_ORG, ctx),
    )
    # Kinna: its own two; Mark's record about Cecilia needs her consent, which she has not given.
    rows, body = opened(client, w.vc_nurse, reverse("transitions:enrolment_register"))
    assert "Astrid" in body and "Berit" in body and "Cecilia" not in body
    assert rows == logrows.expect(
        logrows.person(s.astrid, ctx), logrows.record(e_astrid, Basis.OWN_ORG, ctx),
        logrows.person(s.berit, ctx), logrows.record(e_berit, Basis.OWN_ORG, ctx),
    )


# --- The person's own transitions pages and overview panel ------------------------------------------------------


def test_case_list_of_a_person_logs_the_cases_shown(client, s):
    ctx = "transitions:case:list"
    rows, _body = opened(client, s.w.mark_nurse, reverse("transitions:case_list", args=[s.astrid.pk]))
    assert rows == logrows.expect(logrows.person(s.astrid, ctx), logrows.record(s.case_a, Basis.CONSENT, ctx))
    # Berit's case needs her consent to Mark: only her register read.
    rows, _body = opened(client, s.w.mark_nurse, reverse("transitions:case_list", args=[s.berit.pk]))
    assert rows == [logrows.person(s.berit, ctx)]


def test_overview_panel_logs_the_current_cases_and_enrolments_shown(client, s):
    ctx = "people:overview"
    enrolment = b.fu_enrolment(s.w, status="enrolled", start_on=dt.date(2026, 1, 1))
    rows, _body = opened(client, s.w.mark_nurse, reverse("people:overview", args=[s.astrid.pk]))
    assert [r for r in rows if r[2].startswith("transitions.")] == logrows.expect(
        logrows.record(s.case_a, Basis.CONSENT, ctx), logrows.record(enrolment, Basis.CONSENT, ctx)
    )


def test_enrolment_page_of_a_person_logs_the_enrolments_shown(client, s):
    ctx = "transitions:enrolment"
    current = b.fu_enrolment(s.w, status="enrolled", start_on=dt.date(2026, 1, 1))
    ended = b.fu_enrolment(s.w, status="ended", start_on=dt.date(2025, 1, 1))
    rows, _body = opened(client, s.w.vc_nurse, reverse("transitions:enrolment", args=[s.astrid.pk]))
    assert rows == logrows.expect(
        logrows.person(s.astrid, ctx), *(logrows.record(e, Basis.OWN_ORG, ctx) for e in (current, ended))
    )
