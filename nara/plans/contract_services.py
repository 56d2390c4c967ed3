"""Writes for the patientkontrakt: one transaction each, access check and access log inside."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from nara.access import gate
from nara.audit import services as audit
from nara.audit.models import Action
from nara.directory.actor import Actor
from nara.directory.roles import Capability
from nara.plans.models import PatientContract


def _log(actor, access, action, record, context):
    audit.record(actor, access.person.pk, action, record._meta.label_lower, record.pk, access.basis, context)


@transaction.atomic
def create_contract(actor: Actor, person_id, form, context: str) -> PatientContract:
    access = gate.require_write(actor, person_id, Capability.PERSON_DATA, context)
    contract = form.save(commit=False)
    contract.person = access.person
    contract.recorded_by_unit_id = actor.unit_id
    contract.recorded_by_org_id = actor.org_id
    contract.recorded_by_id = actor.user_id
    contract.save()
    _log(actor, access, Action.CREATE, contract, context)
    return contract


@transaction.atomic
def change_contract(actor: Actor, contract: PatientContract, form, expected_version: int, context: str):
    access = gate.require_write(actor, contract.person_id, Capability.PERSON_DATA, context)
    gate.require_own_record(actor, contract)
    if contract.ended_on:
        raise gate.AccessDenied(_("Kontraktet är avslutat och kan inte ändras."), contract.person_id)
    changed = form.save(commit=False)
    changed.save_checked(expected_version)
    _log(actor, access, Action.CHANGE, changed, context)
    return changed


@transaction.atomic
def end_contract(
    actor: Actor,
    contract: PatientContract,
    ended_on: dt.date,
    reason: str,
    expected_version: int,
    context: str,
):
    access = gate.require_write(actor, contract.person_id, Capability.PERSON_DATA, context)
    gate.require_own_record(actor, contract)
    contract.ended_on = ended_on
    contract.end_reason = reason
    contract.save_checked(expected_version, update_fields=["ended_on", "end_reason"])
    _log(actor, access, Action.CHANGE, contract, f"{context}:end")
    return contract
