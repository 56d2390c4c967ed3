"""The exact access-log rows of transitions writes not covered by their own flows' tests: marking a trygg
hemgång task done, and closing a month's statement of payment days (one row per person and case stated)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from nara.audit.basis import Basis
from nara.audit.models import Action
from nara.transitions import statement_selectors, statement_services
from nara.transitions.models import FollowUpTask
from tests import factories as f
from tests import logrows
from tests.transitions import builders as b
from tests.transitions.test_statement_month import OCT, setup_cases
from tests.world import build

pytestmark = pytest.mark.django_db


def test_marking_a_safe_return_task_done_logs_the_change(client):
    w = build()
    case = b.fu_case(w, status="discharged", discharged_at=timezone.now() - dt.timedelta(hours=5))
    task = FollowUpTask.objects.create(case=case, label="Hembesök", responsible_unit=w.hsv,
                                       due_at=timezone.now() + dt.timedelta(hours=19))
    client.force_login(w.mark_nurse)
    since = logrows.mark()
    response = client.post(reverse("transitions:safe_return_done", args=[task.pk]), {"note": "Allt väl hemma."})
    assert response.status_code == 302 and FollowUpTask.objects.get(pk=task.pk).done_at is not None
    assert logrows.written(since, w.mark_nurse) == [
        (w.person.pk, Action.CHANGE, "transitions.followuptask", str(task.pk), Basis.RELATIONSHIP,
         "transitions:safe_return_done")
    ]


def test_closing_a_month_logs_each_person_and_case_stated_once():
    w = build()
    astrid, _notice, bertil = setup_cases(w)
    since = logrows.mark()
    statement_services.close_month(f.actor(w.vc_manager), w.mark.pk, OCT, "transitions:statement:close",
                                   today=dt.date(2025, 11, 5))
    basis, kind = statement_selectors.BASIS, statement_selectors.RECORD_TYPE
    assert logrows.written(since, w.vc_manager) == logrows.expect(
        (w.person.pk, Action.CREATE, kind, str(astrid.pk), basis, "transitions:statement:close"),
        (w.stranger.pk, Action.CREATE, kind, str(bertil.pk), basis, "transitions:statement:close"),
    )
