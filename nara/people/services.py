"""Writes to the shared register. One transaction each; access check and access log inside."""

from django.db import transaction

from nara.access import gate
from nara.audit import services as audit
from nara.audit.models import Action
from nara.directory.actor import Actor
from nara.directory.roles import Capability


@transaction.atomic
def create_record(actor: Actor, person_id, form, context: str):
    """Save a new relative, fixed contact or care-team entry from a valid ModelForm."""
    access = gate.require_write(actor, person_id, Capability.PERSON_DATA, context)
    record = form.save(commit=False)
    record.person = access.person
    record.stamp(actor)
    record.save()
    audit.record(
        actor, access.person.pk, Action.CREATE, record._meta.label_lower, record.pk, access.basis, context
    )
    return record


@transaction.atomic
def change_record(actor: Actor, record, form, expected_version: int, context: str):
    """Save changes from a valid ModelForm; refuse another organisation's record and stale versions."""
    access = gate.require_write(actor, record.person_id, Capability.PERSON_DATA, context)
    gate.require_own_record(actor, record)
    changed = form.save(commit=False)
    changed.save_checked(expected_version)
    audit.record(
        actor, access.person.pk, Action.CHANGE, record._meta.label_lower, record.pk, access.basis, context
    )
    return changed


@transaction.atomic
def remove_record(actor: Actor, record, expected_version: int, context: str) -> None:
    """Remove a wrongly registered record of the actor's own organisation (the log keeps the trace)."""
    access = gate.require_write(actor, record.person_id, Capability.PERSON_DATA, context)
    gate.require_own_record(actor, record)
    deleted, _rows = type(record).objects.filter(pk=record.pk, version=expected_version).delete()
    if not deleted:
        from nara.core.models import ConcurrentEditError

        raise ConcurrentEditError(str(ConcurrentEditError.message))
    audit.record(
        actor,
        access.person.pk,
        Action.CHANGE,
        record._meta.label_lower,
        record.pk,
        access.basis,
        f"{context}:remove",
    )
