"""Reads of trygg hemgång tasks, through the access gate.

``unit_tasks(actor)`` — the actor's unit's open tasks (overdue first) and those done in the last DONE_DAYS days.
Persons and cases go through gate.filter_across (each shown one logged; the case is the region's record: another
organisation sees it with the person's consent); tasks of cases the actor may not see are only counted.

``tasks_for_case(actor, access, case)`` — the tasks of a case the caller has already shown (for the case page,
rendered with transitions/safe_return/_case_tasks.html).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from nara.access import gate
from nara.directory.actor import Actor
from nara.people.models import Person
from nara.transitions.models import FollowUpTask

CONTEXT = "transitions:safe_return"
DONE_DAYS = 14


@dataclass
class TaskRow:
    task: FollowUpTask
    person: Person | None
    overdue: bool
    may_complete: bool


@dataclass
class UnitTasks:
    now: dt.datetime
    open: list[TaskRow] = field(default_factory=list)
    done: list[TaskRow] = field(default_factory=list)
    hidden_count: int = 0

    @property
    def overdue_count(self) -> int:
        return sum(1 for r in self.open if r.overdue)


def _sort_open(rows: list[TaskRow]) -> list[TaskRow]:
    return sorted(rows, key=lambda r: (not r.overdue, r.task.due_at, r.task.pk))


def unit_tasks(actor: Actor, now: dt.datetime | None = None) -> UnitTasks:
    now = now or gate.now_local()
    result = UnitTasks(now)
    tasks = list(
        FollowUpTask.objects.filter(responsible_unit_id=actor.unit_id)
        .filter(Q(done_at__isnull=True) | Q(done_at__gte=now - dt.timedelta(days=DONE_DAYS)))
        .select_related("case__recorded_by_org", "case__ward", "done_by", "responsible_unit")
        .order_by("due_at", "pk")
    )
    # A task is shown with its case: the case is the region's record, the gate decides on it (and logs it).
    seen = gate.filter_across(actor, {t.case for t in tasks}, CONTEXT)
    shown = {row.record.pk: row.person for row in seen.shown}
    for t in tasks:
        person = shown.get(t.case_id)
        if person is None:
            result.hidden_count += 1
            continue
        row = TaskRow(t, person, t.done_at is None and t.due_at < now, t.done_at is None)
        (result.open if t.done_at is None else result.done).append(row)
    result.open = _sort_open(result.open)
    result.done.sort(key=lambda r: r.task.done_at, reverse=True)
    return result


def tasks_for_case(actor: Actor, access: gate.PersonAccess, case) -> list[TaskRow]:
    """The case's tasks (open ones first, overdue first); the caller has checked and logged the case."""
    now = timezone.now()
    rows = [
        TaskRow(
            t,
            access.person,
            t.done_at is None and t.due_at < now,
            t.done_at is None and t.responsible_unit_id == actor.unit_id,
        )
        for t in FollowUpTask.objects.filter(case_id=case.pk).select_related("responsible_unit", "done_by")
    ]
    open_rows = _sort_open([r for r in rows if r.task.done_at is None])
    return open_rows + [r for r in rows if r.task.done_at is not None]
