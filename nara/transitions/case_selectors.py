"""Reads of discharge cases, all through the access gate (which writes the access log).

A case is recorded by the region; the municipality's units see it through the person's consent to information
transfer. Without it they see only that a case exists (the hidden notice) and may acknowledge what was sent to
them. The case's children (events, receipts, planning, ready notices, follow-up tasks) are shown with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from nara.access import gate
from nara.directory.actor import Actor
from nara.directory.models import Unit
from nara.people.models import Person
from nara.plans import sip_selectors
from nara.transitions import case_rules, case_services, daycount, safe_return_services
from nara.transitions.models import CaseEvent, CaseStatus, DischargeCase, Receipt

CONTEXT = "transitions:case"


def _case_qs():
    return DischargeCase.objects.select_related(
        "recorded_by_org",
        "recorded_by_unit",
        "ward",
        "municipality",
        "health_centre",
        "agreement",
        "fixed_care_contact",
        "fixed_care_contact_unit",
        "sip",
        "readmission_of",
        "admission_access",
    )


def deadlines_for(case: DischargeCase, now=None) -> list[case_rules.Deadline]:
    """The case's deadlines at `now`: the one computation behind the case page, the inbox warnings and the
    overview's at-risk list. Reads the case's rows (prefetch planning, ready_notices, events and sip__meetings
    when reading many cases)."""
    now = now or timezone.now()
    planning = list(case.planning.all())
    current = [n for n in case.ready_notices.all() if n.withdrawn_at is None]
    return case_rules.deadlines(
        status=case.status,
        admitted_at=case.admitted_at,
        notice_sent_at=case.notice_sent_at,
        planning_due_at=case.planning_due_at,
        first_planning_at=min((p.submitted_at for p in planning), default=None),
        both_must_act=case.both_must_act,
        ready_at=current[-1].notified_at if current else None,
        sip_invited_at=case_rules.sip_invitation_time(case),
        expected_discharge_on=case.expected_discharge_on,
        discharged_at=case.discharged_at,
        fixed_contact_set=case.fixed_care_contact_id is not None,
        now=now,
    )


def _my_open_receipts(actor: Actor, case_ids):
    return list(
        Receipt.objects.filter(
            unit_id=actor.unit_id, acknowledged_at__isnull=True, event__case_id__in=case_ids
        )
        .select_related("event")
        .order_by("event__at")
    )


# --- Inbox ------------------------------------------------------------------------------------------------


@dataclass
class InboxRow:
    person: Person
    case: DischargeCase | None  # None: hidden (no consent); only the notice is shown
    case_id: int
    version: int
    status: str
    open_receipts: list = field(default_factory=list)
    hidden_reason: str = ""
    warnings: list = field(default_factory=list)


def inbox(actor: Actor) -> dict:
    """The unit's cases: with unacknowledged notices first, then the open ones. Persons through the gate."""
    context = "transitions:inbox"
    unit_receipts = Receipt.objects.filter(unit_id=actor.unit_id)
    unacked_case_ids = unit_receipts.filter(acknowledged_at__isnull=True).values("event__case_id")
    mine = Q(pk__in=unit_receipts.values("event__case_id")) | Q(ward_id=actor.unit_id)
    cases = list(
        _case_qs()
        .filter(mine)
        .filter(Q(status__in=case_rules.OPEN) | Q(pk__in=unacked_case_ids))
        .prefetch_related("planning", "ready_notices")
    )
    # A case the actor may not see (no consent) still shows its person and that a case exists.
    seen = gate.filter_across(actor, cases, context, persons_of_hidden=True)
    receipts = _my_open_receipts(actor, [c.pk for c in cases])
    by_case: dict = {}
    for r in receipts:
        by_case.setdefault(r.event.case_id, []).append(r)
    rows = []
    now = timezone.now()
    for seen_case in seen.rows:
        if seen_case.access is None:
            continue
        c, shown = seen_case.record, seen_case.decision.allowed
        row = InboxRow(seen_case.person, c if shown else None, c.pk, c.version, c.status, by_case.get(c.pk, []))
        if shown:
            row.warnings = [d for d in deadlines_for(c, now) if d.warning]
        else:
            row.hidden_reason = seen_case.decision.reason
        rows.append(row)
    rows.sort(key=lambda r: (not r.open_receipts, -r.case_id))
    return {
        "unacknowledged": [r for r in rows if r.open_receipts],
        "others": [r for r in rows if not r.open_receipts],
        "nav": "discharge",
    }


def start_refusal(actor: Actor, person: Person) -> str | None:
    """Why the actor cannot send an admission notice for the person (shown before the form is filled in)."""
    unit = Unit.objects.only("kind").get(pk=actor.unit_id)
    return case_rules.start_refusal(unit.kind, person.municipality_id is not None)


# --- One person's cases -----------------------------------------------------------------------------------


def person_cases(actor: Actor, person_id) -> dict:
    context = "transitions:case:list"
    access = gate.open_person(actor, person_id, context)
    visible = gate.filter_records(actor, access, _case_qs().filter(person=access.person), context)
    return {"person": access.person, "access": access, "visible": visible}


# --- The case page ----------------------------------------------------------------------------------------


def staff_of_unit(unit_id):
    if unit_id is None:
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(assignments__unit_id=unit_id, is_active=True)
        .distinct()
        .order_by("last_name", "first_name")
    )


def case_page(actor: Actor, person_id, pk, context: str = CONTEXT) -> dict:
    """Everything on the case page; a case the actor may not see shows only the hidden notice and receipts."""
    access = gate.open_person(actor, person_id, context)
    qs = _case_qs().prefetch_related(
        Prefetch(
            "events",
            queryset=CaseEvent.objects.select_related("user", "unit").prefetch_related(
                Prefetch("receipts", queryset=Receipt.objects.select_related("unit", "acknowledged_by"))
            ),
        ),
        "planning__unit",
        "planning__user",
        "ready_notices__notified_by",
        "ready_notices__withdrawn_by",
        "follow_up_tasks__responsible_unit",
    )
    case = qs.filter(pk=pk, person=access.person).first()
    if case is None:
        raise Http404
    visible = gate.filter_records(actor, access, [case], context)
    who = case_services.parties_of(actor, case)
    allowed = case_rules.allowed_steps(case.status, who)
    ctx = {
        "person": access.person,
        "access": access,
        "case_id": case.pk,
        "case_version": case.version,
        "my_receipts": _my_open_receipts(actor, [case.pk]),
        "hidden": visible.hidden,
        "who": who,
        "nav": "discharge",
    }
    if not visible.shown:
        ctx.update(case=None, allowed={"acknowledge"} & allowed)
        return ctx
    sip_invited_at = case_rules.sip_invitation_time(case)
    ctx.update(
        case=case,
        allowed=allowed,
        events=list(case.events.all()),
        planning=list(case.planning.all()),
        ready_notices=list(case.ready_notices.all()),
        follow_up_tasks=list(case.follow_up_tasks.all()),
        deadlines=deadlines_for(case),
        payment_rule=daycount.payment_rule(case),
        # The SIP step offers the person's open SIP (a new meeting in it) rather than starting a second one.
        offered_sip=(
            sip_selectors.open_sip_for(actor, access) if case.sip_id is None and "sip" in allowed else None
        ),
        sip_invited_at=sip_invited_at,
        addressed=list(
            Receipt.objects.filter(event__case=case, event__kind=CaseEvent.Kind.ADMISSION_NOTICE)
            .select_related("unit__organisation")
            .order_by("unit__name")
        ),
        readmission_days=safe_return_services.readmission_days(),
        is_open=case.status in (CaseStatus.ADMITTED, CaseStatus.READY),
    )
    return ctx
