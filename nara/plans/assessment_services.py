"""Writes of CFS ratings, condition changes and structured assessments. One transaction each; the access check
(gate.require_write, and gate.require_own_record for changes) and the access log are inside."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nara.access import gate
from nara.audit import services as audit
from nara.audit.models import Action
from nara.directory.actor import Actor
from nara.directory.roles import Capability
from nara.plans.assessment_templates import Template
from nara.plans.models import ConditionChange, FrailtyAssessment, StructuredAssessment

HABITUAL_REQUIRED = gettext_lazy(
    "Bekräfta att bedömningen gäller personens vanliga tillstånd före akut sjukdom (ungefär två veckor "
    "tidigare). CFS ska inte bedömas utifrån tillståndet under en akut sjukdom."
)



def _log(actor, access, action, record, context):
    audit.record(actor, access.person.pk, action, record._meta.label_lower, record.pk, access.basis, context)


def _check_rating(record: FrailtyAssessment) -> None:
    if not record.habitual_status_confirmed:
        raise ValidationError({"habitual_status_confirmed": HABITUAL_REQUIRED})
    if not 1 <= int(record.score) <= 9:
        raise ValidationError({"score": _("CFS-nivån måste vara mellan 1 och 9.")})


@transaction.atomic
def record_cfs(actor: Actor, person_id, form, context: str) -> FrailtyAssessment:
    """Save a new CFS rating from a valid CfsForm."""
    access = gate.require_write(actor, person_id, Capability.PERSON_DATA, context)
    record = form.save(commit=False)
    record.person = access.person
    _check_rating(record)
    record.stamp(actor)
    record.save()
    _log(actor, access, Action.CREATE, record, context)
    return record


@transaction.atomic
def change_cfs(actor: Actor, record: FrailtyAssessment, form, expected_version: int, context: str):
    """Save a corrected CFS rating of the actor's own organisation; a stale version raises ConcurrentEditError."""
    access = gate.require_write(actor, record.person_id, Capability.PERSON_DATA, context)
    gate.require_own_record(actor, record)
    changed = form.save(commit=False)
    _check_rating(changed)
    changed.save_checked(expected_version)
    _log(actor, access, Action.CHANGE, changed, context)
    return changed


@transaction.atomic
def note_condition_change(actor: Actor, person_id, form, context: str) -> ConditionChange:
    """Note a change in condition (makes a new CFS rating due at once)."""
    return _add_condition_change(actor, person_id, form.save(commit=False), context)


@transaction.atomic
def note_condition_change_at_discharge(actor: Actor, person_id, noted_on, description: str, context: str):
    """The discharging ward notes a change in condition (trygg hemgång makes a new CFS rating due).

    Once per person, day, unit and text: a repeated discharge step adds nothing. Returns the new record or None.
    """
    description = description[: ConditionChange._meta.get_field("description").max_length]
    if ConditionChange.objects.filter(
        person_id=person_id, noted_on=noted_on, recorded_by_unit_id=actor.unit_id, description=description
    ).exists():
        return None
    return _add_condition_change(actor, person_id, ConditionChange(noted_on=noted_on, description=description),
                                 context)


def _add_condition_change(actor: Actor, person_id, record: ConditionChange, context: str) -> ConditionChange:
    access = gate.require_write(actor, person_id, Capability.PERSON_DATA, context)
    record.person = access.person
    record.stamp(actor)
    record.save()
    _log(actor, access, Action.CREATE, record, context)
    return record


def _fill(record: StructuredAssessment, template: Template, data: dict) -> None:
    """Copy a valid AssessmentForm's data into the record; a derived result is always recomputed here."""
    record.template = template.key
    record.template_version = template.version
    record.answers = data["answers"]
    derived = template.derive(data["answers"])
    record.result = derived if derived is not None else data["result"]
    record.performed_on = data["performed_on"]
    record.performed_by = data["performed_by"]
    record.summary = data.get("summary", "")
    record.actions = list(data.get("actions", []))
    record.actions_note = data.get("actions_note", "")
    record.follow_up_on = data.get("follow_up_on")


@transaction.atomic
def record_assessment(actor: Actor, person_id, template: Template, data: dict, context: str):
    """Save a new structured assessment from AssessmentForm.assessment_data()."""
    access = gate.require_write(actor, person_id, Capability.PERSON_DATA, context)
    record = StructuredAssessment(person=access.person)
    _fill(record, template, data)
    record.stamp(actor)
    record.save()
    _log(actor, access, Action.CREATE, record, context)
    return record


@transaction.atomic
def change_assessment(
    actor: Actor,
    record: StructuredAssessment,
    template: Template,
    data: dict,
    expected_version: int,
    context: str,
):
    """Save changes to a structured assessment of the actor's own organisation (version checked)."""
    access = gate.require_write(actor, record.person_id, Capability.PERSON_DATA, context)
    gate.require_own_record(actor, record)
    _fill(record, template, data)
    record.save_checked(expected_version)
    _log(actor, access, Action.CHANGE, record, context)
    return record
