"""Every denied attempt leaves exactly one access-log row: who, unit, person (when one is known), what and why.

A probe of the running demo made 864 denied requests and the log had no row of any of them, so a log review
could never see someone trying persons they have no relationship with. The row is written where the denial
becomes the 403 page (nara/access/middleware.py), after the request's transaction has been rolled back.
"""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from nara.access.models import Block, Consent
from nara.audit.models import AccessLogEntry, Action
from nara.people.models import Relative
from tests import factories as f
from tests import logrows
from tests.transitions import builders as tb
from tests.world import build

pytestmark = pytest.mark.django_db

NO_RELATIONSHIP = "Din enhet har ingen aktuell vårdrelation med personen."


@pytest.fixture
def w():
    return build()


def denials(since):
    """(user, unit, person, record_type, record_id, basis, context, reason) of every denied row after `since`."""
    return [
        (e.user_id, e.unit_id, e.person_id, e.record_type, e.record_id, e.basis, e.context, e.reason)
        for e in AccessLogEntry.objects.filter(pk__gt=since, action=Action.DENIED).order_by("pk")
    ]


def attempt(client, user, method, url, data=None):
    """Send the request as `user`; return the rows it wrote (all of them must be the one denial)."""
    client.force_login(user)
    since = logrows.mark()
    response = getattr(client, method)(url, data or {})
    assert response.status_code == 403, response.status_code
    rows = list(AccessLogEntry.objects.filter(pk__gt=since))
    assert [r.action for r in rows] == [Action.DENIED], [(r.action, r.context) for r in rows]
    assert response.content.decode().count(rows[0].reason) >= 1  # the row names the reason the user was shown
    return denials(since)


def unit_of(user):
    from nara.directory.models import Assignment

    return Assignment.objects.get(user=user).unit_id


def test_get_without_relationship(client, w):
    url = reverse("people:overview", args=[w.person.pk])
    assert attempt(client, w.outsider_nurse, "get", url) == [
        (w.outsider_nurse.pk, unit_of(w.outsider_nurse), w.person.pk, "", "", "", "GET people:overview",
         NO_RELATIONSHIP)
    ]


def test_post_without_relationship(client, w):
    url = reverse("access:consents", args=[w.person.pk])
    data = {"all_sources": "on", "method": "verbal", "valid_from": dt.date.today().isoformat()}
    assert attempt(client, w.outsider_nurse, "post", url, data) == [
        (w.outsider_nurse.pk, unit_of(w.outsider_nurse), w.person.pk, "", "", "", "POST access:consents",
         NO_RELATIONSHIP)
    ]
    assert not Consent.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_blocked_record(client, w, method):
    """Mark's relative record is blocked: the region's nurse (with consent) is refused the record's page."""
    Consent.objects.create(person=w.person, receiving_org=w.region, all_sources=True, method="verbal",
                           recorded_by_unit=w.vc, recorded_by_org=w.region, recorded_by=w.vc_nurse)
    Block.objects.create(person=w.person, blocked_org=w.mark, recorded_by_unit=w.hsv, recorded_by_org=w.mark,
                         recorded_by=w.mark_nurse)
    url = reverse("people:record_edit", args=[w.person.pk, "narstaende", w.relative.pk])
    data = {"version": w.relative.version, "name": "Ändrat namn", "relation": "son"}
    assert attempt(client, w.vc_nurse, method, url, data) == [
        (w.vc_nurse.pk, w.vc.pk, w.person.pk, "", "", "", f"{method.upper()} people:record_edit "
         f"slug=narstaende pk={w.relative.pk}", "Personen har spärrat uppgifter från Marks kommun.")
    ]
    assert Relative.objects.get(pk=w.relative.pk).name == "Karl Lindqvist"


def test_get_with_the_wrong_role(client, w):
    url = reverse("people:overview", args=[w.person.pk])
    assert attempt(client, w.vc_analyst, "get", url) == [
        (w.vc_analyst.pk, w.vc.pk, w.person.pk, "", "", "", "GET people:overview",
         "Din roll ger inte åtkomst till uppgifter om enskilda personer.")
    ]


def test_post_with_the_wrong_role(client, w):
    """A manager has no emergency capability: step one of an emergency access is refused and logged."""
    url = reverse("access:emergency", args=[w.person.pk])
    assert attempt(client, w.vc_manager, "post", url, {"step": "locate"}) == [
        (w.vc_manager.pk, w.vc.pk, w.person.pk, "", "", "", "POST access:emergency",
         "Din roll får inte använda nödåtkomst.")
    ]


@pytest.fixture
def region_consent(w):
    """A consent the region recorded for itself: Marks kommun is not named in it, so may neither change nor
    withdraw it."""
    return Consent.objects.create(person=w.person, receiving_org=w.region, all_sources=True, method="verbal",
                                  recorded_by_unit=w.vc, recorded_by_org=w.region, recorded_by=w.vc_nurse)


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_organisations_record(client, w, region_consent, method):
    url = reverse("access:consent_edit", args=[w.person.pk, region_consent.pk])
    data = {"version": region_consent.version, "all_sources": "on", "method": "written", "valid_from": "2026-01-01"}
    assert attempt(client, w.mark_nurse, method, url, data) == [
        (w.mark_nurse.pk, w.hsv.pk, w.person.pk, "access.consent", str(region_consent.pk), "",
         f"{method.upper()} access:consent_edit pk={region_consent.pk}",
         "Uppgiften är registrerad av en annan huvudman och kan bara ändras där.")
    ]
    assert Consent.objects.get(pk=region_consent.pk).method == "verbal"


def _task_of_the_health_centre(w):
    from nara.transitions import safe_return_services
    from nara.transitions.models import FollowUpRule

    tb.fu_ward(w)
    at = timezone.now() - dt.timedelta(days=2)
    rules = [(FollowUpRule.Kind.PHONE_CALL, FollowUpRule.Responsible.HEALTH_CENTRE, 72, False)]
    case = tb.fu_case(w, status="discharged", admitted_at=at - dt.timedelta(days=5), discharged_at=at,
                      agreement=tb.fu_agreement(w, rules=rules))
    (task,) = safe_return_services.create_safe_return_tasks(case, f.actor(w._fu_ward_nurse))
    return task


def test_post_refused_inside_a_transaction_is_logged_with_the_person_the_gate_knew(client, w):
    """complete_task runs in one transaction; the refusal rolls it back, and the denial row is still written."""
    task = _task_of_the_health_centre(w)
    url = reverse("transitions:safe_return_done", args=[task.pk])
    assert attempt(client, w.outsider_nurse, "post", url, {"note": "Ringt"}) == [
        (w.outsider_nurse.pk, unit_of(w.outsider_nurse), w.person.pk, "", "", "",
         f"POST transitions:safe_return_done pk={task.pk}",
         "Bara den ansvariga enheten kan markera uppgiften som utförd.")
    ]
    task.refresh_from_db()
    assert task.done_at is None


@pytest.mark.django_db(transaction=True)
def test_denial_row_survives_the_rollback_of_the_request(client):
    """Without the test's own wrapping transaction: the service's transaction really rolls back, the row stays."""
    w = build()
    task = _task_of_the_health_centre(w)
    client.force_login(w.outsider_nurse)
    response = client.post(reverse("transitions:safe_return_done", args=[task.pk]), {"note": "Ringt"})
    assert response.status_code == 403
    assert AccessLogEntry.objects.filter(action=Action.DENIED, user=w.outsider_nurse, person=w.person).count() == 1
    task.refresh_from_db()
    assert task.done_at is None


def test_unknown_person_is_logged_without_person(client, w):
    missing = uuid.uuid4()
    url = reverse("people:overview", args=[missing])
    assert attempt(client, w.outsider_nurse, "get", url) == [
        (w.outsider_nurse.pk, unit_of(w.outsider_nurse), None, "", "", "", "GET people:overview",
         "Personen finns inte eller så saknar du behörighet.")
    ]


def test_id_of_a_person_that_does_not_exist_is_not_logged_as_a_person(client, w):
    """require_write names the URL's person id before the gate has looked it up: the row must not carry it."""
    missing = uuid.uuid4()
    url = reverse("access:emergency", args=[missing])
    rows = attempt(client, w.vc_manager, "post", url, {"step": "locate"})
    assert [r[2] for r in rows] == [None]


def test_plain_permission_denied_is_logged_without_person(client, w):
    """A page the role may not open at all (the log review for a nurse): a row without person."""
    rows = attempt(client, w.vc_nurse, "get", reverse("audit:review"))
    assert rows == [(w.vc_nurse.pk, w.vc.pk, None, "", "", "", "GET audit:review",
                     "Du har inte behörighet till den här sidan under ditt nuvarande uppdrag.")]


def test_no_personnummer_in_the_denial_row(client, w):
    attempt(client, w.outsider_nurse, "get", reverse("people:overview", args=[w.person.pk]))
    row = AccessLogEntry.objects.get(action=Action.DENIED)
    text = " ".join(str(getattr(row, field.attname)) for field in row._meta.concrete_fields)
    digits = w.person.personnummer.replace("-", "")
    assert digits not in text.replace("-", "") and digits[2:] not in text.replace("-", "")


def test_anonymous_request_writes_nothing(client, w):
    since = logrows.mark()
    client.get(reverse("people:overview", args=[w.person.pk]))
    assert logrows.written(since) == []
