"""The unit's trygg hemgång list: overdue first and marked, done ones of the last 14 days, access, marking done."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from nara.audit.models import AccessLogEntry
from nara.transitions.models import FollowUpTask
from tests.transitions import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db


def task(case, unit, label, due_at, done_at=None, done_by=None):
    return FollowUpTask.objects.create(
        case=case,
        label=label,
        responsible_unit=unit,
        due_at=due_at,
        done_at=done_at,
        done_by=done_by,
        note="Klart" if done_at else "",
    )


@pytest.fixture
def scenario():
    w = build()
    now = timezone.now()
    case = b.fu_case(
        w,
        status="discharged",
        admitted_at=now - dt.timedelta(days=10),
        discharged_at=now - dt.timedelta(days=3),
    )
    b.fu_consent(w)  # Astrid lets Mark take part of the region's data (the case)
    w.later = task(case, w.hsv, "Hembesök senare", now + dt.timedelta(hours=20))
    w.overdue = task(case, w.hsv, "Hembesök försenat", now - dt.timedelta(hours=2))
    w.recent = task(
        case, w.hsv, "Nyligen klar", now - dt.timedelta(days=2), now - dt.timedelta(days=1), w.mark_nurse
    )
    w.old = task(
        case, w.hsv, "Gammal klar", now - dt.timedelta(days=30), now - dt.timedelta(days=20), w.mark_nurse
    )
    w.vc_task = task(case, w.vc, "Samtal från vårdcentralen", now + dt.timedelta(hours=50))
    w.case = case
    return w


def test_overdue_first_with_badge_and_recent_done(client, scenario):
    w = scenario
    client.force_login(w.mark_nurse)
    before = AccessLogEntry.objects.filter(person=w.person).count()
    body = client.get(reverse("transitions:safe_return")).content.decode()
    assert body.index("Hembesök försenat") < body.index("Hembesök senare")
    assert "Försenad" in body
    assert "Nyligen klar" in body and "Gammal klar" not in body
    assert "Samtal från vårdcentralen" not in body  # another unit's task
    assert AccessLogEntry.objects.filter(person=w.person).count() > before


def test_unrelated_unit_sees_nothing(client, scenario):
    w = scenario
    client.force_login(w.outsider_nurse)
    body = client.get(reverse("transitions:safe_return")).content.decode()
    assert "Astrid" not in body and "Hembesök" not in body


def test_case_without_consent_is_only_counted(client, scenario):
    from nara.access.models import Consent

    w = scenario
    Consent.objects.all().delete()
    client.force_login(w.mark_nurse)
    body = client.get(reverse("transitions:safe_return")).content.decode()
    assert "Hembesök försenat" not in body
    assert "uppgifter gäller personer eller ärenden som du inte kan se" in body


def test_mark_done_from_the_list(client, scenario):
    w = scenario
    client.force_login(w.mark_nurse)
    url = reverse("transitions:safe_return_done", args=[w.overdue.pk])
    response = client.post(
        url, {"note": "Hembesök gjort, inga nya behov", "next": reverse("transitions:safe_return")}
    )
    assert response.status_code == 302
    w.overdue.refresh_from_db()
    assert w.overdue.done_by == w.mark_nurse and w.overdue.note.startswith("Hembesök gjort")


def test_empty_note_is_refused_with_a_message(client, scenario):
    w = scenario
    client.force_login(w.mark_nurse)
    response = client.post(
        reverse("transitions:safe_return_done", args=[w.later.pk]), {"note": ""}, follow=True
    )
    assert "Skriv en kort anteckning" in response.content.decode()
    w.later.refresh_from_db()
    assert w.later.done_at is None


def test_other_unit_cannot_mark_done(client, scenario):
    w = scenario
    client.force_login(w.vc_nurse)
    response = client.post(reverse("transitions:safe_return_done", args=[w.later.pk]), {"note": "x"})
    assert response.status_code == 403
    w.later.refresh_from_db()
    assert w.later.done_at is None


def test_case_include_lists_tasks_and_done_form_for_the_responsible_unit(scenario):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from nara.access import gate
    from nara.transitions import safe_return_selectors
    from tests import factories as f

    w = scenario
    actor = f.actor(w.vc_nurse)
    access = gate.open_person(actor, w.person.pk, "test")
    rows = safe_return_selectors.tasks_for_case(actor, access, w.case)
    assert [r.task.label for r in rows][:2] == ["Hembesök försenat", "Hembesök senare"]
    request = RequestFactory().get("/")
    html = render_to_string("transitions/safe_return/_case_tasks.html", {"tasks": rows, "request": request})
    assert html.count("Markera utförd") == 1  # only the vårdcentral's own open task
    assert "Försenad" in html
