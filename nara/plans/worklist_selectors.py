"""The unit's work list: my SIP actions due, SIP follow-ups this week, CFS reassessments due, palliative reviews due.

Every SIP or care plan row goes through gate.filter_across (the person must be visible, and another
organisation's record needs consent as anywhere else; each shown person and record logged); a CFS reassessment
counts only the ratings the gate lets the actor see (gate.open_persons, PersonAccess.decide). A fixed number of
queries whatever the number of persons.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max, Q
from django.utils import timezone

from nara.access import gate
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


def _cfs_due_visible(actor: Actor, person_qs, accesses: dict, now) -> dict:
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
        access = accesses.get(pid)
        if access is None:
            continue

        def latest(by_org, access=access):
            dates = [d for org, d in by_org.items() if access.decide(actor, org).allowed]
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

    # Each row's record through the gate (its person must be visible, another organisation's record needs
    # consent); every shown person and record logged once.
    records = [a.sip for a in actions] + sips + palliative
    across = gate.filter_across(actor, records, CONTEXT)
    seen = across.rows
    seen_actions, seen_sips, seen_palliative = (
        seen[: len(actions)],
        seen[len(actions) : len(actions) + len(sips)],
        seen[len(actions) + len(sips) :],
    )
    result.hidden_count = across.hidden_count
    for a, row in zip(actions, seen_actions, strict=True):
        if row.decision.allowed:
            result.actions.append(Item(row.person, a.due_date, a.due_date < today, a, a.sip))
    for s, row in zip(sips, seen_sips, strict=True):
        if row.decision.allowed:
            result.follow_ups.append(Item(row.person, s.next_follow_up, s.next_follow_up < today, s))
    for p, row in zip(palliative, seen_palliative, strict=True):
        if row.decision.allowed:
            review_on = due.palliative_review_due(p.established_on, p.review_due)
            result.palliative.append(Item(row.person, review_on, review_on < today, p))

    # CFS reassessments: the persons with a relationship and ratings or noted changes, each weighed by what the
    # gate lets the actor see; the persons listed are logged as register reads.
    cfs_candidates = related.filter(
        Q(pk__in=FrailtyAssessment.objects.values("person_id"))
        | Q(pk__in=ConditionChange.objects.values("person_id"))
    )
    accesses = gate.open_persons(actor, cfs_candidates.values_list("pk", flat=True), CONTEXT, log=False, now=now)
    cfs_due = {
        pid: d for pid, d in _cfs_due_visible(actor, cfs_candidates, accesses, now).items() if d <= week_end
    }
    gate.log_persons(actor, [accesses[pid] for pid in cfs_due if pid not in across.accesses], CONTEXT)
    for pid, due_on in sorted(cfs_due.items(), key=lambda kv: kv[1]):
        result.cfs_due.append(Item(accesses[pid].person, due_on, due_on < today))
    result.palliative.sort(key=lambda i: i.on)
    return result
