"""Writes for care plans, treatment limitations, the prepared care request and the medical referral.

One transaction each; the access check (gate) and the access log inside. Medical and palliative care plans and
treatment limitations are physicians' decisions: only an actor with the physician role may make or change them.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nara.access import gate
from nara.audit import services as audit
from nara.audit.models import Action
from nara.directory.actor import Actor
from nara.directory.roles import Capability, Role
from nara.plans import due
from nara.plans.models import CarePlan, TreatmentLimitation

PHYSICIAN_KINDS = {CarePlan.Kind.MEDICAL, CarePlan.Kind.PALLIATIVE}


def is_physician(actor: Actor) -> bool:
    return Role.PHYSICIAN in actor.roles


def may_decide_plan(actor: Actor, kind: str) -> bool:
    """Medical and palliative plans are established and changed by a physician; anyone with person data may
    record the hospital's treatment plan received at discharge."""
    return actor.can(Capability.PERSON_DATA) and (kind not in PHYSICIAN_KINDS or is_physician(actor))


def _require_physician(actor: Actor, person_id, what: str) -> None:
    if not is_physician(actor):
        raise gate.AccessDenied(what, person_id)



def _log(actor, access, action, record, context):
    audit.record(actor, access.person.pk, action, record._meta.label_lower, record.pk, access.basis, context)


# --- Care plans ------------------------------------------------------------------------------------------


@transaction.atomic
def create_care_plan(actor: Actor, person_id, kind: str, form, context: str) -> CarePlan:
    access = gate.require_write(actor, person_id, Capability.PERSON_DATA, context)
    if kind in PHYSICIAN_KINDS:
        _require_physician(
            actor, person_id, _("Bara läkare kan upprätta en medicinsk eller palliativ vårdplan.")
        )
    plan = form.save(commit=False)
    plan.person = access.person
    plan.kind = kind
    if kind in PHYSICIAN_KINDS:
        plan.responsible_physician_id = actor.user_id
    if kind == CarePlan.Kind.PALLIATIVE:
        plan.review_due = due.palliative_review_due(plan.established_on, plan.review_due)
    plan.stamp(actor)
    plan.save()
    _log(actor, access, Action.CREATE, plan, context)
    return plan


def _check_change(actor: Actor, plan: CarePlan, context: str):
    access = gate.require_write(actor, plan.person_id, Capability.PERSON_DATA, context)
    gate.require_own_record(actor, plan)
    if plan.kind in PHYSICIAN_KINDS:
        _require_physician(
            actor, plan.person_id, _("Bara läkare kan ändra en medicinsk eller palliativ vårdplan.")
        )
    return access


@transaction.atomic
def change_care_plan(actor: Actor, plan: CarePlan, form, expected_version: int, context: str) -> CarePlan:
    """Save an edit; a stale version raises ConcurrentEditError (the view keeps the user's input)."""
    access = _check_change(actor, plan, context)
    changed = form.save(commit=False)
    if changed.ended_on:
        raise gate.AccessDenied(_("Planen är avslutad och kan inte ändras."), plan.person_id)
    if plan.kind in PHYSICIAN_KINDS:
        changed.responsible_physician_id = actor.user_id  # the physician who last decided the plan
    if plan.kind == CarePlan.Kind.PALLIATIVE:
        changed.review_due = due.palliative_review_due(changed.established_on, changed.review_due)
    changed.save_checked(expected_version)
    _log(actor, access, Action.CHANGE, changed, context)
    return changed


@transaction.atomic
def end_care_plan(actor: Actor, plan: CarePlan, ended_on: dt.date, expected_version: int, context: str):
    access = _check_change(actor, plan, context)
    plan.ended_on = ended_on
    plan.save_checked(expected_version, update_fields=["ended_on"])
    _log(actor, access, Action.CHANGE, plan, f"{context}:end")
    return plan


@transaction.atomic
def mark_palliative_reviewed(actor: Actor, plan: CarePlan, expected_version: int, context: str):
    """The physician has gone through the palliative plan (e.g. at the yearly check-up): next review in a year."""
    access = _check_change(actor, plan, context)
    today = timezone.localdate()
    plan.review_due = due.palliative_review_due(today, None)
    plan.responsible_physician_id = actor.user_id
    plan.save_checked(expected_version, update_fields=["review_due", "responsible_physician"])
    _log(actor, access, Action.CHANGE, plan, f"{context}:reviewed")
    return plan


# --- Treatment limitations -------------------------------------------------------------------------------


@transaction.atomic
def create_limitation(actor: Actor, person_id, form, context: str) -> TreatmentLimitation:
    access = gate.require_write(actor, person_id, Capability.PERSON_DATA, context)
    _require_physician(actor, person_id, _("Bara läkare kan besluta om behandlingsbegränsningar."))
    limitation = form.save(commit=False)
    limitation.person = access.person
    limitation.decided_by_id = actor.user_id
    limitation.stamp(actor)
    limitation.save()
    _log(actor, access, Action.CREATE, limitation, context)
    return limitation


@transaction.atomic
def revoke_limitation(
    actor: Actor, limitation: TreatmentLimitation, reason: str, expected_version: int, context: str
) -> TreatmentLimitation:
    access = gate.require_write(actor, limitation.person_id, Capability.PERSON_DATA, context)
    gate.require_own_record(actor, limitation)
    _require_physician(actor, limitation.person_id, _("Bara läkare kan upphäva en behandlingsbegränsning."))
    if limitation.revoked_at:
        raise gate.AccessDenied(_("Beslutet är redan upphävt."), limitation.person_id)
    limitation.revoked_at = timezone.now()
    limitation.revoked_by_id = actor.user_id
    limitation.revoke_reason = reason
    limitation.save_checked(expected_version, update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    _log(actor, access, Action.CHANGE, limitation, f"{context}:revoke")
    return limitation


# --- Prepared care request and medical referral ----------------------------------------------------------


@transaction.atomic
def save_prepared_care_request(actor: Actor, person_id, form, expected_version: int | None, context: str):
    """Create the actor's organisation's part of the prepared care request, or change it (version checked)."""
    access = gate.require_write(actor, person_id, Capability.PERSON_DATA, context)
    record = form.save(commit=False)
    if record.pk is None:
        record.person = access.person
        record.stamp(actor)
        record.save()
        _log(actor, access, Action.CREATE, record, context)
    else:
        gate.require_own_record(actor, record)
        record.save_checked(expected_version if expected_version is not None else -1)
        _log(actor, access, Action.CHANGE, record, context)
    return record


@transaction.atomic
def create_referral(actor: Actor, person_id, form, context: str):
    access = gate.require_write(actor, person_id, Capability.PERSON_DATA, context)
    referral = form.save(commit=False)
    referral.person = access.person
    referral.sent_at = timezone.now()
    referral.stamp(actor)
    referral.save()
    _log(actor, access, Action.CREATE, referral, context)
    return referral
