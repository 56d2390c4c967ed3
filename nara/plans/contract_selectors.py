"""Reads of patient contracts through the access gate (which logs every record shown)."""

from __future__ import annotations

from nara.access import gate
from nara.audit.models import Action
from nara.directory.actor import Actor
from nara.plans.models import PatientContract


def _qs(person_id):
    return PatientContract.objects.filter(person_id=person_id).select_related(
        "recorded_by_org", "recorded_by_unit", "contact_staff", "contact_unit"
    )


def contracts(actor: Actor, access: gate.PersonAccess, context: str) -> gate.Visible:
    return gate.filter_records(actor, access, _qs(access.person.pk), context)


def active_contracts(actor: Actor, access: gate.PersonAccess, context: str) -> gate.Visible:
    return gate.filter_records(actor, access, _qs(access.person.pk).filter(ended_on__isnull=True), context)


def contract(actor: Actor, access: gate.PersonAccess, pk, context: str, action: str = Action.READ):
    from django.http import Http404

    record = _qs(access.person.pk).filter(pk=pk).first()
    if record is None:
        raise Http404
    visible = gate.filter_records(actor, access, [record], context)
    if not visible.shown:
        raise gate.AccessDenied(visible.hidden[0].reason, access.person.pk, visible.hidden[0].blocked)
    if action == Action.PRINT:
        gate.log_records(actor, access, [record], context, Action.PRINT)  # with the record's own basis
    return record
