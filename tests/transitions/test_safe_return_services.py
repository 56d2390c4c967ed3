"""Trygg hemgång: follow-up tasks from the agreement's rules at discharge, readmission flags, completing a task."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from nara.access.gate import AccessDenied
from nara.audit.basis import Basis
from nara.audit.models import AccessLogEntry, Action
from nara.directory.models import Unit
from nara.people.models import CareTeamMember
from nara.plans.models import ConditionChange
from nara.transitions import safe_return_services as services
from nara.transitions.models import CaseEvent, FollowUpRule, FollowUpTask
from tests import factories as f
from tests.transitions import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db

K = FollowUpRule.Kind
R = FollowUpRule.Responsible
RULES = [
    (K.HOME_VISIT, R.HOME_HEALTH, 24, False),
    (K.PHONE_CALL, R.HEALTH_CENTRE, 72, False),
    (K.MEDICATION_REVIEW, R.HEALTH_CENTRE, 168, True),
    (K.CFS_REASSESSMENT, R.NEEDS_ASSESSMENT, 336, False),
]
# Two days ago: the ward keeps its care relationship NARA_CASE_RELATIONSHIP_DAYS after discharge, and the
# discharge notes its condition change through the gate (a fixed date would fall out of that window).
DISCHARGED_AT = timezone.localtime().replace(hour=14, minute=30, second=0, microsecond=0) - dt.timedelta(days=2)


def ward_actor(w):
    """The ward nurse who discharges (the cases of b.fu_case are recorded at b.fu_ward)."""
    b.fu_ward(w)
    return f.actor(w._fu_ward_nurse)


def discharged_case(w, rules=RULES, **extra):
    agreement = b.fu_agreement(w, rules=rules)
    return b.fu_case(
        w,
        status="discharged",
        admitted_at=DISCHARGED_AT - dt.timedelta(days=5),
        discharged_at=DISCHARGED_AT,
        agreement=agreement,
        **extra,
    )


def test_tasks_per_rule_with_units_and_due_times():
    w = build()
    bist = b.fu_needs_assessment(w)
    case = discharged_case(w)
    created = services.create_safe_return_tasks(case, ward_actor(w))
    by_kind = {t.rule.kind: t for t in created}
    # Not enrolled in hemsjukvård: the medication review (only_if_home_health) is left out.
    assert set(by_kind) == {K.HOME_VISIT, K.PHONE_CALL, K.CFS_REASSESSMENT}
    assert by_kind[K.HOME_VISIT].responsible_unit == w.hsv  # on Astrid's care team
    assert by_kind[K.PHONE_CALL].responsible_unit == w.vc  # the case's vårdcentral
    assert by_kind[K.CFS_REASSESSMENT].responsible_unit == bist
    assert by_kind[K.HOME_VISIT].due_at == DISCHARGED_AT + dt.timedelta(hours=24)
    assert by_kind[K.PHONE_CALL].due_at == DISCHARGED_AT + dt.timedelta(hours=72)
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.FOLLOW_UP)
    assert "Hembesök" in event.text and sorted(event.data["created"]) == sorted(t.pk for t in created)


def test_only_if_home_health_rule_applies_to_enrolled_persons():
    w = build()
    b.fu_enrolment(w, status="enrolled", start_on=DISCHARGED_AT.date() - dt.timedelta(days=300))
    case = discharged_case(w)
    kinds = {t.rule.kind for t in services.create_safe_return_tasks(case, ward_actor(w))}
    assert K.MEDICATION_REVIEW in kinds


def test_enrolment_starting_after_discharge_does_not_count():
    w = build()
    b.fu_enrolment(w, status="enrolled", start_on=DISCHARGED_AT.date() + dt.timedelta(days=1))
    case = discharged_case(w)
    assert K.MEDICATION_REVIEW not in {
        t.rule.kind for t in services.create_safe_return_tasks(case, ward_actor(w))
    }


def test_idempotent():
    w = build()
    b.fu_needs_assessment(w)
    case = discharged_case(w)
    first = services.create_safe_return_tasks(case, ward_actor(w))
    again = services.create_safe_return_tasks(case, ward_actor(w))
    assert len(first) == 3 and again == []
    assert FollowUpTask.objects.filter(case=case).count() == 3
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.FOLLOW_UP).count() == 1
    assert ConditionChange.objects.filter(person=w.person).count() == 1


def test_cfs_rule_notes_a_condition_change_recorded_by_the_ward():
    w = build()
    b.fu_needs_assessment(w)
    case = discharged_case(w)
    services.create_safe_return_tasks(case, ward_actor(w))
    change = ConditionChange.objects.get(person=w.person)
    assert change.recorded_by_unit == case.ward and change.recorded_by_org == w.region
    assert change.noted_on == DISCHARGED_AT.date()
    assert change.recorded_by == w._fu_ward_nurse
    # Written through the plans service: the gate let the ward in and the access log has the create.
    logged = AccessLogEntry.objects.filter(person=w.person, action=Action.CREATE, record_type="plans.conditionchange")
    assert list(logged.values_list("record_id", "user_id", "basis")) == [
        (str(change.pk), w._fu_ward_nurse.pk, Basis.RELATIONSHIP)
    ]


def test_home_health_unit_falls_back_to_the_municipalitys_first():
    w = build()
    CareTeamMember.objects.filter(pk=w.team_entry.pk).update(valid_to=dt.date(2025, 6, 1))
    first = f.unit(w.mark, kind=Unit.Kind.HOME_HEALTH, name="A-hemsjukvården")
    case = discharged_case(w, rules=[RULES[0]])
    (task,) = services.create_safe_return_tasks(case, ward_actor(w))
    assert task.responsible_unit == first


def test_missing_unit_is_noted_not_invented():
    w = build()  # Mark has no needs assessment unit
    case = discharged_case(w, rules=[RULES[3]])
    assert services.create_safe_return_tasks(case, ward_actor(w)) == []
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.FOLLOW_UP)
    assert event.data["missing_rules"] and "ingen ansvarig enhet" in event.text


def test_inactive_rules_and_undischarged_cases_give_nothing():
    w = build()
    case = discharged_case(w, rules=[RULES[0]])
    FollowUpRule.objects.update(active=False)
    assert services.create_safe_return_tasks(case, ward_actor(w)) == []
    open_case = b.fu_case(w, agreement=case.agreement)
    FollowUpRule.objects.update(active=True)
    assert services.create_safe_return_tasks(open_case, ward_actor(w)) == []


# --- Readmission --------------------------------------------------------------------------------------------------


def test_readmission_within_30_days_is_flagged_once():
    w = build()
    previous = b.fu_case(
        w, status="discharged", admitted_at=DISCHARGED_AT - dt.timedelta(days=4), discharged_at=DISCHARGED_AT
    )
    new = b.fu_case(w, admitted_at=DISCHARGED_AT + dt.timedelta(days=29))
    assert services.flag_readmission(new) == previous
    new.refresh_from_db()
    assert new.readmission_of == previous
    services.flag_readmission(new)
    events = CaseEvent.objects.filter(case=previous, kind=CaseEvent.Kind.READMITTED)
    assert events.count() == 1 and events[0].data["days"] == 29


def test_readmission_after_30_days_is_not_flagged():
    w = build()
    b.fu_case(
        w, status="discharged", admitted_at=DISCHARGED_AT - dt.timedelta(days=4), discharged_at=DISCHARGED_AT
    )
    new = b.fu_case(w, admitted_at=DISCHARGED_AT + dt.timedelta(days=31))
    assert services.flag_readmission(new) is None
    new.refresh_from_db()
    assert new.readmission_of is None
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.READMITTED).exists()


def test_other_persons_discharge_is_not_a_readmission():
    w = build()
    b.fu_case(
        w,
        person=w.stranger,
        status="discharged",
        admitted_at=DISCHARGED_AT - dt.timedelta(days=4),
        discharged_at=DISCHARGED_AT,
    )
    new = b.fu_case(w, admitted_at=DISCHARGED_AT + dt.timedelta(days=2))
    assert services.flag_readmission(new) is None


# --- Completing a task ----------------------------------------------------------------------------------------


def task_for(w, kind=K.PHONE_CALL):
    case = discharged_case(w, rules=[r for r in RULES if r[0] == kind])
    (task,) = services.create_safe_return_tasks(case, ward_actor(w))
    return task


def test_responsible_unit_marks_done_with_note_once():
    w = build()
    task = task_for(w)
    actor = f.actor(w.vc_nurse)
    services.complete_task(actor, task.pk, "Ringt, mår bra")
    task.refresh_from_db()
    assert task.done_at and task.done_by == w.vc_nurse and task.note == "Ringt, mår bra"
    with pytest.raises(ValidationError):
        services.complete_task(actor, task.pk, "Igen")
    assert (
        CaseEvent.objects.filter(case=task.case, kind=CaseEvent.Kind.FOLLOW_UP, data__done=task.pk).count()
        == 1
    )


def test_other_unit_may_not_mark_done():
    w = build()
    task = task_for(w)
    with pytest.raises(AccessDenied):
        services.complete_task(f.actor(w.mark_nurse), task.pk, "Gjort")
    task.refresh_from_db()
    assert task.done_at is None


def test_note_is_required():
    w = build()
    task = task_for(w)
    with pytest.raises(ValidationError):
        services.complete_task(f.actor(w.vc_nurse), task.pk, "  ")


def test_open_task_gives_the_responsible_unit_a_relationship():
    from nara.people.models import Person
    from nara.transitions.relationships import unit_has_open_follow_up

    w = build()
    bist = b.fu_needs_assessment(w)
    case = discharged_case(w, rules=[RULES[3]])
    (task,) = services.create_safe_return_tasks(case, ward_actor(w))
    assert list(Person.objects.filter(unit_has_open_follow_up(bist.pk, None))) == [w.person]
    FollowUpTask.objects.filter(pk=task.pk).update(done_at=timezone.now())
    assert not Person.objects.filter(unit_has_open_follow_up(bist.pk, None)).exists()
