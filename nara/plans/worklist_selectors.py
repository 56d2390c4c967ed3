"""The unit's work list: my SIP actions due, SIP follow-ups this week, CFS reassessments due, palliative reviews due.

Persons are shown through gate.visible_persons (care relationship or emergency access; each person logged) and
every SIP or care plan row through gate.filter_records, so another organisation's data needs consent as
anywhere else. A fixed number of queries whatever the number of persons: the gate's facts are read for all
persons at once and the record reads are logged in one batch.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max, Q
from django.utils import timezone

from nara.access import gate, policy
from nara.audit import services as audit
from nara.audit.models import Action
from nara.directory.actor import Actor
from nara.people.models import Person
from nara.plans import due
from nara.plans.models import (
    CarePlan,
    ConditionChange,
    FrailtyAssessment,
    Sip,
    SipAction,
    SipParticipant,
    SipStatus,
)

CONTEXT = "plans:worklist"
ACTION_HORIZON_DAYS = 7
OPEN_ACTION = [SipAction.Status.PLANNED, SipAction.Status.ONGOING]


@dataclass
class Item:
    person: Person
    on: dt.date
    overdue: bool
    record: object = None
    extra: object = None


@dataclass
class WorkList:
    today: dt.date
    week_start: dt.date
    week_end: dt.date
    actions: list[Item] = field(default_factory=list)
    follow_ups: list[Item] = field(default_factory=list)
    cfs_due: list[Item] = field(default_factory=list)
    palliative: list[Item] = field(default_factory=list)
    hidden_count: int = 0


def _cfs_due_visible(actor: Actor, person_qs, facts: dict, now) -> dict:
    """person_id -> the date a new CFS rating is due, counting only ratings and changes the actor may see.

    Each organisation's latest date is weighed by the gate's decision, in two queries whatever the number of
    persons.
    """
    rated: dict = defaultdict(dict)
    for pid, org_id, last in (
        FrailtyAssessment.objects.filter(person__in=person_qs, rated_on__lte=now.date())
        .values("person_id", "recorded_by_org_id")
        .annotate(m=Max("rated_on"))
        .values_list("person_id", "recorded_by_org_id", "m")
    ):
        rated[pid][org_id] = last
    changed: dict = defaultdict(dict)
    for pid, org_id, last in (
        ConditionChange.objects.filter(person__in=person_qs, noted_on__lte=now.date())
        .values("person_id", "recorded_by_org_id")
        .annotate(m=Max("noted_on"))
        .values_list("person_id", "recorded_by_org_id", "m")
    ):
        changed[pid][org_id] = last
    out = {}
    for pid in set(rated) | set(changed):
        person_facts = facts.get(pid)
        if person_facts is None:
            continue

        def latest(by_org, person_facts=person_facts):
            dates = [
                d
                for org, d in by_org.items()
                if policy.may_see_record(actor, person_facts, org, "", now).allowed
            ]
            return max(dates) if dates else None

        due_on = due.cfs_due(latest(rated.get(pid, {})), latest(changed.get(pid, {})))
        if due_on is not None:
            out[pid] = due_on
    return out


def worklist(actor: Actor, on: dt.date | None = None) -> WorkList:
    now = gate.now_local()
    today = on or timezone.localdate()
    week_start, week_end = due.week_bounds(today)
    result = WorkList(today, week_start, week_end)
    related = gate.relationship_persons(actor, today)

    actions = list(
        SipAction.objects.filter(
            Q(responsible_staff_id=actor.user_id) | Q(responsible_unit_id=actor.unit_id),
            status__in=OPEN_ACTION,
            due_date__isnull=False,
            due_date__lte=today + dt.timedelta(days=ACTION_HORIZON_DAYS),
        )
        .exclude(sip__status=SipStatus.CLOSED)
        .select_related("sip__recorded_by_org", "responsible_unit", "responsible_staff", "responsible_org")
        .order_by("due_date", "pk")
    )
    sips = list(
        Sip.objects.exclude(status=SipStatus.CLOSED)
        .filter(next_follow_up__isnull=False, next_follow_up__lte=week_end)
        .filter(
            Q(
                pk__in=SipParticipant.objects.filter(unit_id=actor.unit_id, removed_at__isnull=True).values(
                    "sip_id"
                )
            )
            | Q(recorded_by_unit_id=actor.unit_id)
        )
        .select_related("recorded_by_org", "coordinator")
        .order_by("next_follow_up", "pk")
    )
    palliative = [
        p
        for p in CarePlan.objects.filter(
            kind=CarePlan.Kind.PALLIATIVE, ended_on__isnull=True, person__in=related
        ).select_related("recorded_by_org", "responsible_physician")
        if due.palliative_review_due(p.established_on, p.review_due) <= week_end
    ]

    # The persons concerned: only those the actor may see (logged once each).
    candidate_ids = (
        {a.sip.person_id for a in actions} | {s.person_id for s in sips} | {p.person_id for p in palliative}
    )
    cfs_candidates = related.filter(
        Q(pk__in=FrailtyAssessment.objects.values("person_id"))
        | Q(pk__in=ConditionChange.objects.values("person_id"))
    )
    cfs_ids = set(cfs_candidates.values_list("pk", flat=True))
    facts = gate.facts_for_many(actor, candidate_ids | cfs_ids, now)
    cfs_due = {
        pid: d for pid, d in _cfs_due_visible(actor, cfs_candidates, facts, now).items() if d <= week_end
    }
    wanted = candidate_ids | set(cfs_due)
    persons = {
        p.pk: p
        for p in gate.visible_persons(
            actor, Person.objects.filter(pk__in=wanted).order_by("family_name", "given_name"), CONTEXT
        )
    }

    accesses = {
        pid: gate.PersonAccess(p, facts[pid], policy.may_see_person(actor, facts[pid], now), now)
        for pid, p in persons.items()
    }
    log_entries = []

    def visible(record, person_id) -> bool:
        access = accesses.get(person_id)
        if access is None:
            result.hidden_count += 1
            return False
        shown = gate.filter_records(actor, access, [record], CONTEXT, log=False).shown
        if not shown:
            result.hidden_count += 1
            return False
        log_entries.append((person_id, record._meta.label_lower, record.pk, access.basis))
        return True

    for a in actions:
        if visible(a.sip, a.sip.person_id):
            result.actions.append(Item(persons[a.sip.person_id], a.due_date, a.due_date < today, a, a.sip))
    for s in sips:
        if visible(s, s.person_id):
            result.follow_ups.append(
                Item(persons[s.person_id], s.next_follow_up, s.next_follow_up < today, s)
            )
    for p in palliative:
        if visible(p, p.person_id):
            review_on = due.palliative_review_due(p.established_on, p.review_due)
            result.palliative.append(Item(persons[p.person_id], review_on, review_on < today, p))
    for pid, due_on in sorted(cfs_due.items(), key=lambda kv: kv[1]):
        if pid in persons:
            result.cfs_due.append(Item(persons[pid], due_on, due_on < today))
    result.palliative.sort(key=lambda i: i.on)
    if log_entries:
        audit.record_many(actor, list(dict.fromkeys(log_entries)), Action.READ, CONTEXT)
    return result
