"""Reads of trygg hemgång tasks, through the access gate.

``unit_tasks(actor)`` — the actor's unit's open tasks (overdue first) and those done in the last DONE_DAYS days.
Persons go through gate.visible_persons (each logged) and each case through gate.filter_records (the case is
the region's record: another organisation sees it with the person's consent); tasks of cases the actor may not
see are only counted.

``tasks_for_case(actor, access, case)`` — the tasks of a case the caller has already shown (for the case page,
rendered with transitions/safe_return/_case_tasks.html).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from nara.access import gate, policy
from nara.audit import services as audit
from nara.audit.models import Action
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
    person_ids = {t.case.person_id for t in tasks}
    persons = {
        p.pk: p for p in gate.visible_persons(actor, Person.objects.filter(pk__in=person_ids), CONTEXT)
    }
    facts = gate.facts_for_many(actor, persons, now)
    log_entries = []
    for t in tasks:
        person = persons.get(t.case.person_id)
        if person is None:
            result.hidden_count += 1
            continue
        access = gate.PersonAccess(
            person, facts[person.pk], policy.may_see_person(actor, facts[person.pk], now), now
        )
        if not gate.filter_records(actor, access, [t.case], CONTEXT, log=False).shown:
            result.hidden_count += 1
            continue
        log_entries.append((person.pk, t.case._meta.label_lower, t.case.pk, access.basis))
        row = TaskRow(t, person, t.done_at is None and t.due_at < now, t.done_at is None)
        (result.open if t.done_at is None else result.done).append(row)
    result.open = _sort_open(result.open)
    result.done.sort(key=lambda r: r.task.done_at, reverse=True)
    if log_entries:
        audit.record_many(actor, list(dict.fromkeys(log_entries)), Action.READ, CONTEXT)
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
