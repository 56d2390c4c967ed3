"""Trygg hemgång: follow-up tasks created at discharge from the agreement's rules, their completion, and the
readmission flag (a new case for the same person within NARA_READMISSION_DAYS of a previous discharge).

Contract with the case area: ``case_services.discharge`` calls ``create_safe_return_tasks(case, actor)`` (the
discharging ward user) inside its own transaction once the case is discharged, and case creation calls
``flag_readmission(new_case)``. Both are idempotent: calling them twice creates nothing new.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nara.access import gate
from nara.audit import services as audit
from nara.audit.models import Action
from nara.directory.actor import Actor
from nara.directory.models import Unit
from nara.directory.roles import Capability
from nara.people.models import CareTeamMember
from nara.transitions.models import (
    CaseEvent,
    CaseStatus,
    DischargeCase,
    EnrolmentStatus,
    FollowUpRule,
    FollowUpTask,
    HomeHealthEnrolment,
)

CONTEXT_DONE = "transitions:safe_return_done"
CONTEXT_TASKS = "transitions:case:discharge"


def readmission_days() -> int:
    """The readmission window (NARA_READMISSION_DAYS): the one reader, for the flag, the case page and the overview."""
    return settings.NARA_READMISSION_DAYS


def enrolment_on(person_id, on: dt.date) -> HomeHealthEnrolment | None:
    """The person's enrolment in kommunal hemsjukvård that is in force on the date, if any."""
    return (
        HomeHealthEnrolment.objects.filter(
            person_id=person_id, status=EnrolmentStatus.ENROLLED, start_on__lte=on
        )
        .select_related("home_health_unit")
        .order_by("-start_on", "-pk")
        .first()
    )


def municipality_home_health_unit(person_id, municipality_id, on: dt.date) -> Unit | None:
    """The municipality's home health unit for the person: of the enrolment, on the care team, or the first."""
    enrolment = enrolment_on(person_id, on)
    if (
        enrolment
        and enrolment.home_health_unit
        and enrolment.home_health_unit.organisation_id == municipality_id
    ):
        return enrolment.home_health_unit
    team = (
        CareTeamMember.objects.current(on)
        .filter(person_id=person_id, unit__kind=Unit.Kind.HOME_HEALTH, unit__organisation_id=municipality_id)
        .select_related("unit")
        .order_by("-valid_from", "pk")
        .first()
    )
    if team:
        return team.unit
    return first_unit(municipality_id, Unit.Kind.HOME_HEALTH)


def first_unit(org_id, kind) -> Unit | None:
    return Unit.objects.filter(organisation_id=org_id, kind=kind).order_by("name", "pk").first()


def responsible_unit(case: DischargeCase, responsible: str, on: dt.date) -> Unit | None:
    if responsible == FollowUpRule.Responsible.HOME_HEALTH:
        return municipality_home_health_unit(case.person_id, case.municipality_id, on)
    if responsible == FollowUpRule.Responsible.HEALTH_CENTRE:
        return case.health_centre
    if responsible == FollowUpRule.Responsible.NEEDS_ASSESSMENT:
        return first_unit(case.municipality_id, Unit.Kind.NEEDS_ASSESSMENT)
    return None


def _note_condition_change(actor: Actor, case: DischargeCase, on: dt.date) -> None:
    """Make a new CFS rating due (the CFS work list shows it): a condition change noted by the discharging ward,
    through the plans service (gate and access log)."""
    from nara.plans import assessment_services

    description = _("Utskriven från sjukhus (%(ward)s): ny CFS-bedömning") % {"ward": case.ward.name}
    assessment_services.note_condition_change_at_discharge(actor, case.person_id, on, description, CONTEXT_TASKS)


@transaction.atomic
def create_safe_return_tasks(case: DischargeCase, actor: Actor) -> list[FollowUpTask]:
    """Create the trygg hemgång tasks of the case's agreement at discharge (once per rule); returns the new ones.

    Each active FollowUpRule gives one task for the unit named by its `responsible`, due `within_hours` after
    the discharge. Rules marked only_if_home_health apply only to persons enrolled in kommunal hemsjukvård.
    A rule whose responsible unit cannot be resolved is noted on the case's timeline instead.
    """
    case = (
        # Lock only the case row: PostgreSQL refuses FOR UPDATE on the nullable side of the outer joins.
        DischargeCase.objects.select_for_update(of=("self",))
        .select_related("ward", "health_centre", "agreement")
        .get(pk=case.pk)
    )
    if case.status != CaseStatus.DISCHARGED or case.discharged_at is None or case.agreement_id is None:
        return []
    on = timezone.localtime(case.discharged_at).date()
    done_rules = set(case.follow_up_tasks.filter(rule__isnull=False).values_list("rule_id", flat=True))
    enrolled = enrolment_on(case.person_id, on) is not None
    created, missing = [], []
    for rule in case.agreement.follow_up_rules.filter(active=True).order_by("within_hours", "pk"):
        if rule.pk in done_rules or (rule.only_if_home_health and not enrolled):
            continue
        unit = responsible_unit(case, rule.responsible, on)
        if unit is None:
            missing.append(rule)
            continue
        created.append(
            FollowUpTask.objects.create(
                case=case,
                rule=rule,
                label=rule.label,
                responsible_unit=unit,
                due_at=case.discharged_at + dt.timedelta(hours=rule.within_hours),
            )
        )
        if rule.kind == FollowUpRule.Kind.CFS_REASSESSMENT:
            _note_condition_change(actor, case, on)
    if created or missing:
        lines = [
            _("%(label)s – %(unit)s senast %(due)s")
            % {
                "label": t.label,
                "unit": t.responsible_unit.name,
                "due": timezone.localtime(t.due_at).strftime("%Y-%m-%d %H:%M"),
            }
            for t in created
        ]
        lines += [
            _("%(label)s – ingen ansvarig enhet hittades (%(who)s)")
            % {"label": r.label, "who": r.get_responsible_display()}
            for r in missing
        ]
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.FOLLOW_UP,
            unit_id=case.ward_id,
            text="\n".join(lines),
            data={"created": [t.pk for t in created], "missing_rules": [r.pk for r in missing]},
        )
    return created


def previous_discharge(case: DischargeCase) -> DischargeCase | None:
    """The person's latest case discharged within NARA_READMISSION_DAYS before this case's admission."""
    since = case.admitted_at - dt.timedelta(days=readmission_days())
    return (
        DischargeCase.objects.filter(
            person_id=case.person_id,
            status=CaseStatus.DISCHARGED,
            discharged_at__isnull=False,
            discharged_at__gte=since,
            discharged_at__lte=case.admitted_at,
        )
        .exclude(pk=case.pk)
        .order_by("-discharged_at", "-pk")
        .first()
    )


@transaction.atomic
def flag_readmission(new_case: DischargeCase) -> DischargeCase | None:
    """Flag a readmission: set new_case.readmission_of and note it on the previous case (once)."""
    if new_case.readmission_of_id is not None:
        return new_case.readmission_of
    previous = previous_discharge(new_case)
    if previous is None:
        return None
    DischargeCase.objects.filter(pk=new_case.pk).update(readmission_of=previous)
    new_case.readmission_of = previous
    if not previous.events.filter(kind=CaseEvent.Kind.READMITTED, data__case=new_case.pk).exists():
        days = (new_case.admitted_at - previous.discharged_at).days
        CaseEvent.objects.create(
            case=previous,
            kind=CaseEvent.Kind.READMITTED,
            at=new_case.admitted_at,
            unit_id=new_case.ward_id,
            text=_("Återinskriven %(date)s på %(ward)s, %(days)s dagar efter utskrivningen.")
            % {
                "date": timezone.localtime(new_case.admitted_at).strftime("%Y-%m-%d"),
                "ward": new_case.ward.name,
                "days": days,
            },
            data={"case": new_case.pk, "days": days},
        )
    return previous


@transaction.atomic
def complete_task(actor: Actor, task_id: int, note: str, context: str = CONTEXT_DONE) -> FollowUpTask:
    """Mark a follow-up task done with a note. Only the responsible unit; a task is done once (atomic)."""
    task = FollowUpTask.objects.select_for_update(of=("self",)).select_related("case").filter(pk=task_id).first()
    if task is None:
        raise gate.AccessDenied(_("Uppgiften finns inte eller så saknar du behörighet."))
    if task.responsible_unit_id != actor.unit_id:
        raise gate.AccessDenied(
            _("Bara den ansvariga enheten kan markera uppgiften som utförd."), task.case.person_id
        )
    access = gate.require_write(actor, task.case.person_id, Capability.PERSON_DATA, context)
    if task.done_at is not None:
        raise ValidationError({"note": _("Uppgiften är redan markerad som utförd.")})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Skriv en kort anteckning om vad som gjordes.")})
    task.done_at = timezone.now()
    task.done_by_id = actor.user_id
    task.note = note
    task.save(update_fields=["done_at", "done_by", "note"])
    CaseEvent.objects.create(
        case=task.case,
        kind=CaseEvent.Kind.FOLLOW_UP,
        user_id=actor.user_id,
        unit_id=actor.unit_id,
        text=_("Utförd: %(label)s. %(note)s") % {"label": task.label, "note": note},
        data={"done": task.pk},
    )
    audit.record(
        actor, access.person.pk, Action.CHANGE, "transitions.followuptask", task.pk, access.basis, context
    )
    return task
