"""Reads of consents and blocks, through the gate and the access log."""

from django.shortcuts import get_object_or_404

from nara.access import gate
from nara.access.models import Block, Consent
from nara.audit import services as audit
from nara.audit.basis import Basis
from nara.audit.models import Action
from nara.directory.actor import Actor


def consents(actor: Actor, person_id) -> tuple[gate.PersonAccess, list[Consent]]:
    """All consents about the person: register information every carer with a relationship needs."""
    access = gate.open_person(actor, person_id, "access:consents")
    rows = list(
        Consent.objects.filter(person=access.person)
        .select_related("receiving_org", "recorded_by_unit", "recorded_by", "withdrawn_by")
        .prefetch_related("source_orgs")
    )
    from nara.access import services

    for c in rows:
        c.may_change = gate.may_change_record(actor, c) and c.withdrawn_at is None
        c.may_withdraw = services.may_withdraw(actor, c)
    gate.log_register_records(actor, access, rows, "access:consents")
    return access, rows


def consent_to_change(actor: Actor, person_id, pk) -> tuple[gate.PersonAccess, Consent]:
    """One consent for changing (the organisation that recorded it) or withdrawing (any organisation it names:
    services.may_withdraw); `consent.may_change` and `consent.may_withdraw` tell the page which."""
    from nara.access import services

    access = gate.open_person(actor, person_id, "access:consent:edit", log=False)
    consent = get_object_or_404(Consent.objects.prefetch_related("source_orgs"), pk=pk, person=access.person)
    consent.may_change = gate.may_change_record(actor, consent) and consent.withdrawn_at is None
    consent.may_withdraw = services.may_withdraw(actor, consent)
    if not (consent.may_change or consent.may_withdraw):
        gate.require_own_record(actor, consent)  # refused: the 403 page shows nothing, its denial row is all
    gate.log_persons(actor, [access], "access:consent:edit")
    audit.record(actor, access.person.pk, Action.READ, "access.consent", consent.pk, access.basis,
                 "access:consent:edit")
    return access, consent


def blocks(actor: Actor, person_id) -> tuple[gate.PersonAccess, list[Block]]:
    """Blocks about the person. The template shows a block's comments only to the organisation that holds it."""
    access = gate.open_person(actor, person_id, "access:blocks")
    rows = list(Block.objects.filter(person=access.person).select_related("blocked_org", "recorded_by_unit",
                                                                         "lifted_by"))
    gate.log_register_records(actor, access, rows, "access:blocks")
    return access, rows


def emergency_in_progress(actor: Actor, ea_id: str):
    """The actor's own emergency access that passed step one, to show step two again (e.g. after a form error)."""
    from nara.access.models import EmergencyAccess

    ea = get_object_or_404(EmergencyAccess, pk=ea_id if (ea_id or "").isdigit() else 0, user_id=actor.user_id,
                           opened_at__isnull=True)
    return ea, gate.where_data_exists(ea.person_id)


FOLLOW_UP_ROWS = 200


def emergency_followup(actor: Actor) -> list:
    """The emergency accesses a manager follows up (not yet followed up by the manager's organisation first); each
    row shown is a log-review read. Each row carries the organisation's own follow-up: `followed_up_at`,
    `followed_up_by`, `followed_up_comment` (for another organisation's user's access, the EmergencyDataReview
    of the manager's organisation)."""
    from nara.access import services
    from nara.access.models import EmergencyDataReview

    rows = list(services.emergency_followup_list(actor)[:FOLLOW_UP_ROWS])
    reviews = {
        r.emergency_id: r
        for r in EmergencyDataReview.objects.filter(
            organisation_id=actor.org_id, emergency__in=[ea.pk for ea in rows if ea.by_other_org]
        ).select_related("reviewed_by")
    }
    for ea in rows:
        review = reviews.get(ea.pk)
        if not ea.by_other_org:
            ea.followed_up_by, ea.followed_up_comment = ea.reviewed_by, ea.review_comment
        elif review is not None:
            ea.followed_up_by, ea.followed_up_comment = review.reviewed_by, review.comment
        else:
            ea.followed_up_by, ea.followed_up_comment = None, ""
    audit.record_many(
        actor,
        [(ea.person_id, "access.emergencyaccess", ea.pk, Basis.LOG_REVIEW) for ea in rows],
        Action.READ,
        "access:emergency_followup",
    )
    return rows


def admission_followup(actor: Actor) -> list:
    """The admission accesses (a ward opening a person without a relationship, to send the admission notice) a
    manager follows up, unreviewed first; each row shown is a log-review read."""
    from nara.access import services

    rows = list(services.admission_followup_list(actor)[:FOLLOW_UP_ROWS])
    audit.record_many(
        actor,
        [(aa.person_id, "access.admissionaccess", aa.pk, Basis.LOG_REVIEW) for aa in rows],
        Action.READ,
        "access:emergency_followup",
    )
    return rows
