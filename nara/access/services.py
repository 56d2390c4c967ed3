"""Writes for consent, block and emergency access. One transaction each, gate check and access log inside."""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from nara.access import gate
from nara.access.models import AdmissionAccess, Block, Consent, EmergencyAccess, EmergencyDataReview
from nara.audit import services as audit
from nara.audit.basis import Basis
from nara.audit.models import AccessLogEntry, Action
from nara.core.models import ConcurrentEditError
from nara.directory.actor import Actor
from nara.directory.roles import Capability


@transaction.atomic
def register_consent(actor: Actor, person_id, form) -> Consent:
    """The person lets the actor's organisation take part of other organisations' data."""
    access = gate.require_write(actor, person_id, Capability.CONSENT, "access:consent")
    consent = form.save(commit=False)
    consent.person = access.person
    consent.receiving_org_id = actor.org_id
    consent.stamp(actor)
    consent.save()
    form.save_m2m()
    audit.record(
        actor, person_id, Action.CREATE, "access.consent", consent.pk, access.basis, "access:consent"
    )
    return consent


@transaction.atomic
def register_consents_between(
    actor: Actor,
    person_id,
    org_ids,
    method: str,
    purpose: str,
    representative_name: str = "",
    representative_relation: str = "",
    receiving_org_ids=None,
) -> list[Consent]:
    """The person lets each of `org_ids` take part of the others' data (e.g. consent to a SIP).

    One Consent per receiving organisation (all of `org_ids`, or only `receiving_org_ids` when given, e.g. an
    organisation joining later), with the other organisations as sources. Recorded by the actor's organisation;
    either side may withdraw it.
    """
    access = gate.require_write(actor, person_id, Capability.CONSENT, "access:consent")
    org_ids = sorted(set(org_ids))
    created = []
    for receiving in sorted(set(receiving_org_ids or org_ids)):
        sources = [o for o in org_ids if o != receiving]
        if not sources:
            continue
        consent = Consent(
            person=access.person,
            receiving_org_id=receiving,
            method=method,
            purpose=purpose,
            representative_name=representative_name,
            representative_relation=representative_relation,
        )
        consent.stamp(actor)
        consent.save()
        consent.source_orgs.set(sources)
        audit.record(
            actor, person_id, Action.CREATE, "access.consent", consent.pk, access.basis, "access:consent"
        )
        created.append(consent)
    return created


@transaction.atomic
def register_scoped_consents(
    actor: Actor,
    person_id,
    receiving_org_ids,
    scope: str,
    method: str,
    purpose: str,
    given_at,
    representative_name: str = "",
    representative_relation: str = "",
) -> list[Consent]:
    """The person lets each of `receiving_org_ids` take part of the actor's organisation's data of one scope only
    (e.g. the discharge case: access.registry.register_consent_scope), never the other way round.

    A documented consent: how (`method`), when (`given_at`) and who (the person, or the named representative).
    Recorded by the actor's organisation; any organisation it names may withdraw it.
    """
    access = gate.require_write(actor, person_id, Capability.CONSENT, "access:consent")
    if method == Consent.Method.REPRESENTATIVE and not representative_name.strip():
        raise gate.AccessDenied(_("Skriv företrädarens namn när samtycket lämnas genom företrädare."), person_id)
    if given_at is None:
        raise gate.AccessDenied(_("Ange när samtycket lämnades."), person_id)
    created = []
    for receiving in sorted(set(receiving_org_ids) - {actor.org_id}):
        consent = Consent(
            person=access.person,
            receiving_org_id=receiving,
            method=method,
            purpose=purpose,
            scope=scope,
            given_at=given_at,
            valid_from=timezone.localtime(given_at).date(),
            representative_name=representative_name.strip() if method == Consent.Method.REPRESENTATIVE else "",
            representative_relation=(
                representative_relation.strip() if method == Consent.Method.REPRESENTATIVE else ""
            ),
        )
        consent.stamp(actor)
        consent.save()
        consent.source_orgs.set([actor.org_id])
        audit.record(
            actor, person_id, Action.CREATE, "access.consent", consent.pk, access.basis, "access:consent"
        )
        created.append(consent)
    return created


@transaction.atomic
def change_consent(actor: Actor, consent: Consent, form, expected_version: int) -> Consent:
    access = gate.require_write(actor, consent.person_id, Capability.CONSENT, "access:consent")
    gate.require_own_record(actor, consent)
    if consent.withdrawn_at:
        raise gate.AccessDenied(
            _("Ett återkallat samtycke kan inte ändras. Registrera ett nytt."), consent.person_id
        )
    changed = form.save(commit=False)
    changed.save_checked(expected_version)
    form.save_m2m()
    audit.record(
        actor, consent.person_id, Action.CHANGE, "access.consent", consent.pk, access.basis, "access:consent"
    )
    return changed


def may_withdraw(actor: Actor, consent: Consent) -> bool:
    """The person may tell any organisation the consent names that they withdraw it: the one that recorded it,
    the one it lets in, or one whose data it shares (e.g. any party to a SIP). The one rule for the service and
    the pages."""
    if consent.withdrawn_at is not None or not actor.can(Capability.CONSENT):
        return False
    named = {consent.recorded_by_org_id, consent.receiving_org_id}
    if not consent.all_sources:
        named |= {o.pk for o in consent.source_orgs.all()}
    return actor.org_id in named


@transaction.atomic
def withdraw_consent(actor: Actor, consent: Consent, expected_version: int, note: str) -> None:
    access = gate.require_write(actor, consent.person_id, Capability.CONSENT, "access:consent")
    if not may_withdraw(actor, consent):
        if consent.withdrawn_at is not None:
            raise ConcurrentEditError(str(ConcurrentEditError.message))
        gate.require_own_record(actor, consent)
    now = timezone.now()
    updated = Consent.objects.filter(
        pk=consent.pk, version=expected_version, withdrawn_at__isnull=True
    ).update(
        withdrawn_at=now,
        withdrawn_by_id=actor.user_id,
        withdrawal_note=note,
        version=expected_version + 1,
        updated_at=now,
    )
    if not updated:
        raise ConcurrentEditError(str(ConcurrentEditError.message))
    audit.record(
        actor,
        consent.person_id,
        Action.CHANGE,
        "access.consent",
        consent.pk,
        access.basis,
        "access:consent:withdraw",
    )


@transaction.atomic
def register_block(actor: Actor, person_id, note: str) -> Block:
    """The person blocks the actor's organisation's data from being shared with other organisations."""
    access = gate.require_write(actor, person_id, Capability.CONSENT, "access:block")
    block = Block(person=access.person, blocked_org_id=actor.org_id, note=note)
    block.stamp(actor)
    block.save()
    audit.record(actor, person_id, Action.CREATE, "access.block", block.pk, access.basis, "access:block")
    return block


@transaction.atomic
def lift_block(actor: Actor, block: Block, expected_version: int, note: str) -> None:
    access = gate.require_write(actor, block.person_id, Capability.CONSENT, "access:block")
    gate.require_own_record(actor, block)
    now = timezone.now()
    updated = Block.objects.filter(pk=block.pk, version=expected_version, lifted_at__isnull=True).update(
        lifted_at=now,
        lifted_by_id=actor.user_id,
        lift_note=note,
        version=expected_version + 1,
        updated_at=now,
    )
    if not updated:
        raise ConcurrentEditError(str(ConcurrentEditError.message))
    audit.record(
        actor, block.person_id, Action.CHANGE, "access.block", block.pk, access.basis, "access:block:lift"
    )


# --- Admission basis: a ward opens a person it has no relationship with, to send the admission notice ----------


@transaction.atomic
def open_admission(actor: Actor, person_id, reason: str, typed: bool) -> AdmissionAccess | None:
    """The ward user typed the whole personnummer (`typed`, admission_proof) and gives the reason: the admission
    access lets them open the person to send the admission notice for NARA_ADMISSION_ACCESS_MINUTES. Logged and
    listed for the manager's follow-up. None when the unit already has a relationship (nothing extra is opened).
    """
    from nara.people.models import Person

    person = Person.objects.filter(pk=person_id).first()
    if person is None or not actor.can(Capability.PERSON_DATA):
        raise gate.AccessDenied(_("Personen finns inte eller så saknar du behörighet."))
    if gate.may_see_person(actor, person.pk):
        return None
    decision = gate.admission_decision(actor, typed)
    if not decision.allowed:
        raise gate.AccessDenied(decision.reason, person.pk)
    reason = (reason or "").strip()
    if not reason:
        raise gate.AccessDenied(_("Skriv skälet, t.ex. att personen är inlagd via akuten."), person.pk)
    now = timezone.now()
    aa = AdmissionAccess.objects.create(
        person=person,
        user_id=actor.user_id,
        unit_id=actor.unit_id,
        source=AdmissionAccess.Source.TYPED_PERSONNUMMER,
        reason=reason,
        opened_at=now,
        expires_at=now + dt.timedelta(minutes=settings.NARA_ADMISSION_ACCESS_MINUTES),
    )
    audit.record(
        actor, person.pk, Action.CREATE, "access.admissionaccess", aa.pk, Basis.ADMISSION, "access:admission:open"
    )
    return aa


def admission_check(actor: Actor, person_id, typed: bool) -> None:
    """Raise AccessDenied unless the actor could open an admission access for the person (shows nothing)."""
    from nara.people.models import Person

    if not Person.objects.filter(pk=person_id).exists() or not actor.can(Capability.PERSON_DATA):
        raise gate.AccessDenied(_("Personen finns inte eller så saknar du behörighet."))
    if gate.may_see_person(actor, person_id):
        return
    decision = gate.admission_decision(actor, typed)
    if not decision.allowed:
        raise gate.AccessDenied(decision.reason, person_id)


def admission_used(actor: Actor, admission: AdmissionAccess) -> None:
    """The admission notice is sent: the admission access ends (the case gives the relationship from now on)."""
    AdmissionAccess.objects.filter(pk=admission.pk, user_id=actor.user_id, notice_sent_at__isnull=True).update(
        notice_sent_at=timezone.now()
    )


def admission_followup_list(actor: Actor):
    """Admission accesses by users of the manager's organisation, unreviewed first."""
    if not actor.can(Capability.LOG_REVIEW):
        raise gate.AccessDenied(
            _("Uppföljning av nödåtkomst görs av chef med behörighet till logguppföljning.")
        )
    return (
        AdmissionAccess.objects.filter(unit__organisation_id=actor.org_id)
        .select_related("person", "user", "unit", "reviewed_by")
        .order_by("reviewed_at", "-opened_at")
    )


@transaction.atomic
def admission_review(actor: Actor, admission_id: int, comment: str) -> None:
    aa = admission_followup_list(actor).filter(pk=admission_id, reviewed_at__isnull=True).first()
    if aa is None:
        raise gate.AccessDenied(_("Åtkomsten finns inte eller är redan uppföljd."))
    AdmissionAccess.objects.filter(pk=aa.pk).update(
        reviewed_at=timezone.now(), reviewed_by_id=actor.user_id, review_comment=comment
    )
    audit.record(
        actor,
        aa.person_id,
        Action.CHANGE,
        "access.admissionaccess",
        aa.pk,
        Basis.LOG_REVIEW,
        "access:admission:review",
    )


def _log_emergency(actor: Actor, ea: EmergencyAccess, step: str) -> None:
    """Each step of an emergency access (locate, open, close) leaves one row per organisation that holds data
    about the person (one row naming none when nobody does): the access concerns all of their data, and each of
    them follows it up in its own log review. The user's own organisation sees every row."""
    orgs = gate.orgs_holding_data(ea.person_id) or [None]
    audit.record_many(
        actor,
        [(ea.person_id, "access.emergencyaccess", ea.pk, Basis.EMERGENCY, org) for org in orgs],
        Action.EMERGENCY,
        f"access:emergency:{step}",
    )


def _require_emergency_capability(actor: Actor, person_id) -> None:
    if not actor.can(Capability.EMERGENCY):
        raise gate.AccessDenied(_("Din roll får inte använda nödåtkomst."), person_id)


@transaction.atomic
def emergency_locate(actor: Actor, person_id) -> tuple[EmergencyAccess, list]:
    """Step one: show where data about the person exists (organisations and kinds, no content)."""
    _require_emergency_capability(actor, person_id)
    from nara.people.models import Person

    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise gate.AccessDenied(_("Personen finns inte eller så saknar du behörighet."))
    ea = EmergencyAccess.objects.create(person=person, user_id=actor.user_id, unit_id=actor.unit_id)
    _log_emergency(actor, ea, "locate")
    return ea, gate.where_data_exists(person.pk)


@transaction.atomic
def emergency_open(actor: Actor, ea_id: int, reason: str, hours: int | None = None) -> EmergencyAccess:
    """Step two: open access with a reason; it expires after the configured number of hours."""
    ea = EmergencyAccess.objects.select_for_update().filter(pk=ea_id, user_id=actor.user_id).first()
    if ea is None:
        raise gate.AccessDenied(_("Nödåtkomsten hittades inte. Börja om från steg 1."))
    _require_emergency_capability(actor, ea.person_id)
    if ea.opened_at:
        raise gate.AccessDenied(_("Nödåtkomsten är redan öppnad."), ea.person_id)
    now = timezone.now()
    ea.reason = reason
    ea.opened_at = now
    ea.expires_at = now + dt.timedelta(hours=hours or settings.NARA_EMERGENCY_ACCESS_HOURS)
    ea.save(update_fields=["reason", "opened_at", "expires_at"])
    _log_emergency(actor, ea, "open")
    return ea


@transaction.atomic
def emergency_close(actor: Actor, ea_id: int) -> EmergencyAccess | None:
    """The user closes their own open emergency access early; logged like its opening."""
    ea = (
        EmergencyAccess.objects.select_for_update()
        .filter(pk=ea_id, user_id=actor.user_id, closed_at__isnull=True)
        .first()
    )
    if ea is None:
        return None
    ea.closed_at = timezone.now()
    ea.save(update_fields=["closed_at"])
    _log_emergency(actor, ea, "close")
    return ea


def _emergencies_opening_data_of(org_id: int):
    """Ids of the emergency accesses whose steps opened data the organisation recorded: their access-log rows name
    it as the data organisation (`_log_emergency`). A subquery, however many there are."""
    return (
        AccessLogEntry.objects.filter(
            action=Action.EMERGENCY, record_type="access.emergencyaccess", data_org_id=org_id
        )
        .annotate(ea_id=Cast("record_id", IntegerField()))
        .values("ea_id")
    )


def emergency_followup_list(actor: Actor):
    """The emergency accesses the manager's organisation follows up, not yet followed up by it first: those by
    its own users, and those by other organisations' users that opened data it recorded (`by_other_org`).

    `followed_up_at` is the organisation's own follow-up: on the emergency access for its own users', in an
    EmergencyDataReview of the organisation for another's.
    """
    if not actor.can(Capability.LOG_REVIEW):
        raise gate.AccessDenied(
            _("Uppföljning av nödåtkomst görs av chef med behörighet till logguppföljning.")
        )
    own = Q(unit__organisation_id=actor.org_id)
    review = EmergencyDataReview.objects.filter(emergency=OuterRef("pk"), organisation_id=actor.org_id)
    return (
        EmergencyAccess.objects.filter(own | Q(pk__in=Subquery(_emergencies_opening_data_of(actor.org_id))))
        .select_related("person", "user", "unit__organisation", "reviewed_by")
        .annotate(
            by_other_org=ExpressionWrapper(~own, output_field=BooleanField()),
            followed_up_at=Case(
                When(own, then=F("reviewed_at")),
                default=Subquery(review.values("reviewed_at")[:1]),
            ),
        )
        .order_by(F("followed_up_at").asc(nulls_first=True), "-located_at", "-pk")
    )


@transaction.atomic
def emergency_review(actor: Actor, ea_id: int, comment: str) -> None:
    """The manager documents their organisation's follow-up of an emergency access, once per organisation."""
    ea = emergency_followup_list(actor).filter(pk=ea_id, followed_up_at__isnull=True).first()
    if ea is None:
        raise gate.AccessDenied(_("Nödåtkomsten finns inte eller är redan uppföljd."))
    if ea.by_other_org:
        try:
            with transaction.atomic():
                EmergencyDataReview.objects.create(
                    emergency=ea, organisation_id=actor.org_id, reviewed_by_id=actor.user_id, comment=comment
                )
        except IntegrityError:  # documented a moment ago by another manager of the organisation
            raise gate.AccessDenied(_("Nödåtkomsten finns inte eller är redan uppföljd.")) from None
    elif not EmergencyAccess.objects.filter(pk=ea.pk, reviewed_at__isnull=True).update(
        reviewed_at=timezone.now(), reviewed_by_id=actor.user_id, review_comment=comment
    ):
        raise gate.AccessDenied(_("Nödåtkomsten finns inte eller är redan uppföljd."))
    audit.record(
        actor,
        ea.person_id,
        Action.CHANGE,
        "access.emergencyaccess",
        ea.pk,
        Basis.LOG_REVIEW,
        "access:emergency:review",
    )
