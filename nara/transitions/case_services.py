"""Writes to a discharge case (Lag 2017:612, reference/rules.md §1). The only writer of DischargeCase, ReadyNotice,
CaseEvent, Receipt and PlanningInfo.

One transaction each. Every step after the admission notice goes through `_step`: it loads the case, opens the
person for writing (gate.require_write), asks case_rules whether the actor's unit may take the step in the case's
status, checks the version the user's form was opened with, applies the step, saves the case with save_checked,
writes a CaseEvent (with Receipts for the units it is addressed to) and the access-log row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from nara.access import gate
from nara.access import services as access_services
from nara.access.models import Consent
from nara.audit import services as audit
from nara.audit.models import Action
from nara.core.models import ConcurrentEditError
from nara.directory.actor import Actor
from nara.directory.models import Unit
from nara.directory.roles import Capability
from nara.people import services as people_services
from nara.people.forms import FixedContactForm
from nara.people.models import CareTeamMember, FixedContact
from nara.transitions import case_rules
from nara.transitions.models import (
    Agreement,
    CaseEvent,
    CaseStatus,
    DischargeCase,
    EnrolmentStatus,
    HomeHealthEnrolment,
    PlanningInfo,
    ReadyNotice,
    Receipt,
)

CONTEXT = "transitions:case"
CONSENT_PURPOSE = "Utskrivningsplanering"
# The consent recorded with the admission notice covers the case only (registered in apps.py).
CONSENT_SCOPE = "discharge_case"
RECORD_TYPE = "transitions.dischargecase"
K = CaseEvent.Kind


class CaseRefused(Exception):
    """The step breaks a rule of the case; the message (Swedish) is shown to the user beside the form."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def conflict_message() -> str:
    return _(
        "Någon annan har ändrat ärendet medan du hade det öppet. Det som nu är sparat visas på sidan; "
        "dina uppgifter finns kvar i formuläret. Kontrollera och skicka igen."
    )


# --- Addressing -------------------------------------------------------------------------------------------


def receiving_units(person, municipality, health_centre, on: dt.date) -> list[Unit]:
    """The units an admission notice goes to: the municipality's needs assessment unit(s), its home health unit
    when the person is on that unit's care team or enrolled there, and the listed vårdcentral."""
    home_health = Q(pk__in=CareTeamMember.objects.current(on).filter(person=person).values("unit_id")) | Q(
        pk__in=HomeHealthEnrolment.objects.filter(
            person=person, status__in=(EnrolmentStatus.REQUESTED, EnrolmentStatus.ENROLLED)
        ).values("home_health_unit_id")
    )
    units = list(
        Unit.objects.filter(organisation=municipality)
        .filter(Q(kind=Unit.Kind.NEEDS_ASSESSMENT) | (Q(kind=Unit.Kind.HOME_HEALTH) & home_health))
        .order_by("kind", "name")
    )
    if health_centre is not None:
        units.append(health_centre)
    return units


def resolve_agreement(region_id, municipality_id, on: dt.date) -> Agreement | None:
    """The agreement between the region and the municipality valid on the day (None: none is registered)."""
    return (
        Agreement.objects.filter(region_id=region_id, municipality_id=municipality_id, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("-valid_from")
        .first()
    )


def addressed_unit_ids(case: DischargeCase) -> list[int]:
    """The receivers: the units the admission notice was addressed to."""
    return list(
        Receipt.objects.filter(event__case=case, event__kind=K.ADMISSION_NOTICE)
        .order_by("unit_id")
        .values_list("unit_id", flat=True)
    )


def parties_of(actor: Actor, case: DischargeCase) -> case_rules.Parties:
    return case_rules.parties(actor.unit_id, case.ward_id, case.health_centre_id, addressed_unit_ids(case))


def _event(actor: Actor, case, kind: str, text: str = "", data=None, at=None, to_units=()) -> CaseEvent:
    event = CaseEvent.objects.create(
        case=case,
        kind=kind,
        at=at or timezone.now(),
        user_id=actor.user_id,
        unit_id=actor.unit_id,
        text=text,
        data=data or {},
    )
    Receipt.objects.bulk_create(
        [Receipt(event=event, unit_id=u) for u in dict.fromkeys(to_units) if u != actor.unit_id]
    )
    return event


# --- Admission notice -------------------------------------------------------------------------------------


@transaction.atomic
def start_case(actor: Actor, person_id, data: dict) -> DischargeCase:
    """The ward sends the admission notice: addressed from the register, consent recorded, receipts created.

    data: admitted_at, expected_discharge_on, reason, both_must_act, consent_method ("" when no consent),
    consent_given_at (required with a consent), representative_name, representative_relation; optionally `now`
    (tests).

    The consent is the person's documented consent (how, when, who) that the receivers — the municipality and a
    listed vårdcentral of another organisation — take part of the region's case data; it never makes the ward's
    organisation a receiver of their records (docs/decisions.md "Discharge cases").
    """
    # The ward may not have a relationship yet: with the admission basis (the whole personnummer typed and a
    # reason: gate.open_person_for_admission) sending the notice is what gives it one (DESIGN.md §4).
    access = gate.open_person_for_admission(actor, person_id, CONTEXT, log=False)
    person = access.person
    unit = Unit.objects.get(pk=actor.unit_id)
    refusal = case_rules.start_refusal(unit.kind, person.municipality_id is not None)
    if refusal:
        raise CaseRefused(refusal)
    now = data.get("now") or timezone.now()
    admitted_at = data["admitted_at"]
    if admitted_at > now:
        raise CaseRefused(_("Inskrivningstiden kan inte ligga i framtiden."))
    if data["expected_discharge_on"] < timezone.localtime(admitted_at).date():
        raise CaseRefused(_("Beräknat utskrivningsdatum kan inte vara före inskrivningen."))
    if DischargeCase.objects.filter(
        person=person, ward_id=actor.unit_id, status__in=case_rules.OPEN
    ).exists():
        raise CaseRefused(_("Personen har redan ett öppet utskrivningsärende på avdelningen."))
    method = data.get("consent_method") or ""
    if method and not actor.can(Capability.CONSENT):
        raise CaseRefused(_("Din roll får inte registrera samtycke. Be en sjuksköterska eller läkare."))
    if method == Consent.Method.REPRESENTATIVE and not data.get("representative_name", "").strip():
        raise CaseRefused(_("Skriv företrädarens namn när samtycket lämnas genom företrädare."))
    given_at = data.get("consent_given_at")
    if method and given_at is None:
        raise CaseRefused(_("Ange när samtycket lämnades."))
    if method and given_at > now:
        raise CaseRefused(_("Tidpunkten kan inte ligga i framtiden."))
    municipality = person.municipality
    health_centre = person.listed_unit
    case = DischargeCase(
        person=person,
        ward_id=actor.unit_id,
        admitted_at=admitted_at,
        notice_sent_at=now,
        expected_discharge_on=data["expected_discharge_on"],
        reason=data.get("reason", "").strip(),
        municipality=municipality,
        health_centre=health_centre,
        agreement=resolve_agreement(actor.org_id, municipality.pk, timezone.localtime(admitted_at).date()),
        both_must_act=bool(data.get("both_must_act")),
        planning_due_at=case_rules.planning_due(now),
        recorded_by_unit_id=actor.unit_id,
        recorded_by_org_id=actor.org_id,
        recorded_by_id=actor.user_id,
        admission_access=access.admission,
    )
    case.save()
    if access.admission is not None:
        access_services.admission_used(actor, access.admission)
    if method:
        receivers = [municipality.pk]
        if health_centre is not None:
            receivers.append(health_centre.organisation_id)  # a private vårdcentral; the region's own is left out
        created = access_services.register_scoped_consents(
            actor,
            person.pk,
            receivers,
            CONSENT_SCOPE,
            method,
            CONSENT_PURPOSE,
            given_at,
            data.get("representative_name", ""),
            data.get("representative_relation", ""),
        )
        case.consents.add(*created)
    units = receiving_units(person, municipality, health_centre, timezone.localtime(now).date())
    _event(
        actor,
        case,
        K.ADMISSION_NOTICE,
        case.reason,
        {
            "expected_discharge_on": case.expected_discharge_on.isoformat(),
            "late": case_rules.notice_late(admitted_at, now),
            "consent": method,
        },
        at=now,
        to_units=[u.pk for u in units],
    )
    audit.record(actor, person.pk, Action.CREATE, RECORD_TYPE, case.pk, access.basis, CONTEXT)
    from nara.transitions import safe_return_services  # trygg hemgång imports this module

    safe_return_services.flag_readmission(case)  # a readmission within NARA_READMISSION_DAYS is flagged on both cases
    return case


# --- The steps --------------------------------------------------------------------------------------------


def _step(
    actor: Actor,
    case_id,
    expected_version,
    step: str,
    apply: Callable[[DischargeCase, gate.PersonAccess, case_rules.Parties], None],
    needs_visible: bool = True,
) -> DischargeCase:
    """The one path for a step on a case (see the module docstring)."""
    case = DischargeCase.objects.select_related("recorded_by_org", "person").get(pk=case_id)
    access = gate.require_write(actor, case.person_id, Capability.PERSON_DATA, CONTEXT)
    who = parties_of(actor, case)
    refusal = case_rules.refusal(step, case.status, who)
    if refusal:
        raise CaseRefused(refusal)
    if needs_visible:
        visible = gate.filter_records(actor, access, [case], CONTEXT, log=False)
        if not visible.shown:
            raise CaseRefused(visible.hidden[0].reason)
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        expected = -1
    if expected != case.version:
        raise ConcurrentEditError(conflict_message())
    apply(case, access, who)
    try:
        case.save_checked(expected)
    except ConcurrentEditError:
        raise ConcurrentEditError(conflict_message()) from None
    audit.record(
        actor, case.person_id, Action.CHANGE, RECORD_TYPE, case.pk, access.basis, f"{CONTEXT}:{step}"
    )
    return case


@transaction.atomic
def acknowledge(actor: Actor, case_id, expected_version, receipt_id=None) -> DischargeCase:
    """The receiving unit acknowledges (kvitterar) one notice, or with no receipt_id all its open ones on the case.
    Allowed without consent: it shows nothing."""

    def apply(case, access, who):
        mine = Receipt.objects.select_for_update().filter(event__case=case, unit_id=actor.unit_id)
        if receipt_id is None:
            receipts = list(mine.filter(acknowledged_at__isnull=True))
            if not receipts:
                raise CaseRefused(_("Det finns inga okvitterade meddelanden för din enhet i ärendet."))
        else:
            receipt = mine.filter(pk=receipt_id).first()
            if receipt is None:
                raise CaseRefused(_("Meddelandet är inte adresserat till din enhet."))
            if receipt.acknowledged_at is not None:
                raise CaseRefused(_("Meddelandet är redan kvitterat."))
            receipts = [receipt]
        now = timezone.now()
        for receipt in receipts:
            receipt.acknowledged_at, receipt.acknowledged_by_id = now, actor.user_id
            receipt.save(update_fields=["acknowledged_at", "acknowledged_by"])
        kinds = ", ".join(str(r.event.get_kind_display()) for r in receipts)
        _event(
            actor,
            case,
            K.ACKNOWLEDGED,
            kinds,
            {"receipts": [r.pk for r in receipts], "events": [r.event_id for r in receipts]},
        )

    return _step(actor, case_id, expected_version, "acknowledge", apply, needs_visible=False)


@transaction.atomic
def change_expected_date(actor: Actor, case_id, expected_version, new_date: dt.date, note: str = ""):
    """A changed expected discharge date is a new notice that each receiver acknowledges."""

    def apply(case, access, who):
        if new_date == case.expected_discharge_on:
            raise CaseRefused(_("Datumet är detsamma som tidigare."))
        if new_date < timezone.localtime(case.admitted_at).date():
            raise CaseRefused(_("Beräknat utskrivningsdatum kan inte vara före inskrivningen."))
        old = case.expected_discharge_on
        case.expected_discharge_on = new_date
        _event(
            actor,
            case,
            K.DATE_CHANGED,
            note.strip(),
            {"from": old.isoformat(), "to": new_date.isoformat()},
            to_units=addressed_unit_ids(case),
        )

    return _step(actor, case_id, expected_version, "change_date", apply)


@transaction.atomic
def submit_planning(actor: Actor, case_id, expected_version, data: dict) -> DischargeCase:
    """A receiver's planeringsunderlag: needs after discharge, aids, home care, home health care."""

    def apply(case, access, who):
        if not data.get("needs", "").strip():
            raise CaseRefused(_("Beskriv behoven efter utskrivning."))
        info = PlanningInfo.objects.create(
            case=case,
            unit_id=actor.unit_id,
            user_id=actor.user_id,
            needs=data["needs"].strip(),
            aids=data.get("aids", "").strip(),
            home_care=data.get("home_care", "").strip(),
            home_health_care=data.get("home_health_care", "").strip(),
        )
        _event(actor, case, K.PLANNING, info.needs[:500], {"planning": info.pk}, to_units=[case.ward_id])

    return _step(actor, case_id, expected_version, "planning", apply)


@transaction.atomic
def appoint_fixed_contact(actor: Actor, case_id, expected_version, staff_id) -> DischargeCase:
    """The vårdcentral appoints a named fast vårdkontakt among its staff; also kept in the register."""

    def apply(case, access, who):
        user = (
            get_user_model()
            .objects.filter(pk=staff_id, assignments__unit_id=case.health_centre_id)
            .distinct()
            .first()
        )
        if user is None:
            raise CaseRefused(_("Välj en medarbetare på vårdcentralen."))
        case.fixed_care_contact = user
        case.fixed_care_contact_unit_id = case.health_centre_id
        today = timezone.localdate()
        if (
            not FixedContact.objects.current(today)
            .filter(
                person=case.person,
                kind=FixedContact.Kind.CARE_CONTACT,
                staff=user,
                unit_id=case.health_centre_id,
            )
            .exists()
        ):
            # Also in the register, through the people app's own service (it checks access and logs).
            form = FixedContactForm(
                {"kind": FixedContact.Kind.CARE_CONTACT, "staff": user.pk, "valid_from": today.isoformat()},
                actor=actor,
            )
            form.instance.unit_id = case.health_centre_id
            if form.is_valid():
                people_services.create_record(actor, case.person_id, form, CONTEXT)
        _event(
            actor,
            case,
            K.FIXED_CONTACT,
            user.get_full_name() or user.username,
            {"user": user.pk},
            to_units=[case.ward_id, *addressed_unit_ids(case)],
        )

    return _step(actor, case_id, expected_version, "fixed_contact", apply)


def _check_time(case, at, now) -> None:
    if at > now:
        raise CaseRefused(_("Tidpunkten kan inte ligga i framtiden."))
    if at < case.admitted_at:
        raise CaseRefused(_("Tidpunkten kan inte vara före inskrivningen."))


@transaction.atomic
def notify_ready(actor: Actor, case_id, expected_version, at: dt.datetime | None = None) -> DischargeCase:
    """Utskrivningsklar (or a renewed notice after a withdrawal); the timestamp counts for payment days."""

    def apply(case, access, who):
        now = timezone.now()
        when = at or now
        _check_time(case, when, now)
        last = case.ready_notices.order_by("-notified_at").first()
        if last is not None and last.withdrawn_at and when < last.withdrawn_at:
            raise CaseRefused(_("Ett förnyat meddelande kan inte vara före återtagandet."))
        ReadyNotice.objects.create(case=case, notified_at=when, notified_by_id=actor.user_id)
        case.status = CaseStatus.READY
        _event(
            actor,
            case,
            K.READY,
            _("Förnyat meddelande om utskrivningsklar.") if last is not None else "",
            {"renewed": last is not None},
            at=when,
            to_units=addressed_unit_ids(case),
        )

    return _step(actor, case_id, expected_version, "ready", apply)


@transaction.atomic
def withdraw_ready(actor: Actor, case_id, expected_version, reason: str, at=None) -> DischargeCase:
    """The patient is no longer utskrivningsklar: the parties are told at once."""

    def apply(case, access, who):
        if not reason.strip():
            raise CaseRefused(_("Skriv varför personen inte längre är utskrivningsklar."))
        now = timezone.now()
        when = at or now
        notice = case.ready_notices.filter(withdrawn_at__isnull=True).order_by("-notified_at").first()
        if notice is None:
            raise CaseRefused(_("Det finns inget gällande meddelande om utskrivningsklar."))
        if when > now or when < notice.notified_at:
            raise CaseRefused(_("Tidpunkten ska ligga mellan meddelandet om utskrivningsklar och nu."))
        notice.withdrawn_at, notice.withdrawn_by_id, notice.withdrawal_reason = (
            when,
            actor.user_id,
            reason.strip(),
        )
        notice.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        case.status = CaseStatus.ADMITTED
        _event(
            actor,
            case,
            K.READY_WITHDRAWN,
            reason.strip(),
            {"notice": notice.pk},
            at=when,
            to_units=addressed_unit_ids(case),
        )

    return _step(actor, case_id, expected_version, "withdraw_ready", apply)


@transaction.atomic
def invite_to_sip(actor: Actor, case_id, expected_version, data: dict) -> DischargeCase:
    """The vårdcentral calls the SIP (SFS 2019:979: within 3 days of utskrivningsklar when both must act).

    Uses the SIP linked to the case, else the person's open SIP (a person has one SIP: the invitation becomes a
    new meeting in it, never a second SIP; refused with the reason when the vårdcentral may not change it),
    else starts one through nara.plans.sip_services. The municipality's receiving units take part. The SIP needs
    the person's own consent to the SIP: the consent given to the ward for the discharge covers the case data
    only and is never carried over (docs/decisions.md "Discharge cases"); the vårdcentral documents it here
    (consent_method, consent_given_by, consent_relation) or on the SIP page. The invitation is sent when the SIP
    has the consent and a meeting time is given; otherwise it is sent from the SIP page, its time is then shown on
    the case from the SIP (case_rules.sip_invitation_time) and recorded here by this step. A meeting of the SIP
    called before the admission belongs to an earlier episode and is not this invitation.
    data: starts_at (optional), place, message, consent_method ("" or absent: none given here),
    consent_given_by, consent_relation.
    """
    from nara.plans import sip_selectors, sip_services
    from nara.plans.models.sip import SipMeeting, SipParticipant

    def this_stays_meeting(sip, case):
        return (
            sip.meetings.filter(cancelled_at__isnull=True, invited_at__gte=case.admitted_at)
            .order_by("invited_at", "pk")
            .first()
        )

    def apply(case, access, who):
        if case.sip_invited_at is not None:
            raise CaseRefused(_("Kallelsen till SIP är redan skickad."))
        joined = False  # the person's open SIP was taken instead of starting one
        try:
            sip = case.sip
            if sip is None:
                offered = sip_selectors.open_sip_for(actor, access)
                if offered is not None and offered.write_refusal:
                    raise CaseRefused(
                        _(
                            "Personen har redan en pågående SIP, påbörjad av %(org)s, och en andra SIP startas "
                            "inte."
                        )
                        % {"org": offered.sip.recorded_by_org.name}
                        + " "
                        + offered.write_refusal
                    )
                if offered is not None:
                    sip, joined = offered.sip, True
                else:
                    sip = sip_services.start_sip(
                        actor,
                        case.person_id,
                        _("Utskrivning från %(ward)s: både kommun och region behöver göra insatser.")
                        % {"ward": case.ward.name},
                    )
                muni_units = Unit.objects.filter(
                    pk__in=addressed_unit_ids(case), organisation=case.municipality
                ).exclude(pk__in=sip.participants.filter(removed_at__isnull=True).values("unit_id"))
                for unit in muni_units:
                    sip = sip_services.add_participant(
                        actor,
                        sip.pk,
                        sip.version,
                        {"kind": SipParticipant.Kind.STAFF, "unit": unit, "staff": None, "role": unit.name},
                    )
                case.sip = sip
            sip.refresh_from_db()
            method = data.get("consent_method") or ""
            if method and sip.consent_given_at is None:
                given_by = (data.get("consent_given_by") or "").strip()
                if not given_by:
                    raise CaseRefused(_("Ange vem som lämnade samtycket."))
                sip = sip_services.record_consent(
                    actor,
                    sip.pk,
                    sip.version,
                    {
                        "method": method,
                        "given_by": given_by,
                        "relation": (data.get("consent_relation") or "").strip()
                        if method == Consent.Method.REPRESENTATIVE
                        else "",
                        "relatives_take_part": False,
                        "relatives": [],
                        "relatives_note": "",
                    },
                )
                sip.refresh_from_db()
            meeting = this_stays_meeting(sip, case)
            if meeting is None and sip.consent_given_at is not None and data.get("starts_at"):
                sip = sip_services.send_invitation(
                    actor,
                    sip.pk,
                    sip.version,
                    {
                        "kind": SipMeeting.Kind.PLANNING,
                        "starts_at": data["starts_at"],
                        "place": data.get("place", ""),
                        "message": data.get("message", ""),
                    },
                )
                meeting = this_stays_meeting(sip, case)
        except sip_services.SipRefused as exc:
            raise CaseRefused(exc.message) from None
        if meeting is None:
            _event(
                actor,
                case,
                K.MESSAGE,
                _(
                    "Ärendet är kopplat till personens pågående SIP. Kallelsen till ett nytt möte skickas här "
                    "med en tid, eller från SIP-sidan."
                )
                if joined
                else _(
                    "SIP påbörjad. Kallelsen skickas från SIP-sidan när personens samtycke är registrerat."
                ),
                {"sip": case.sip_id},
            )
            return
        case.sip_invited_at = meeting.invited_at
        _event(
            actor,
            case,
            K.SIP_INVITATION,
            _("SIP-möte %(when)s %(place)s")
            % {
                "when": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M"),
                "place": meeting.place,
            },
            {"sip": case.sip_id, "meeting": meeting.pk},
            at=meeting.invited_at,
            to_units=[case.ward_id, *addressed_unit_ids(case)],
        )

    return _step(actor, case_id, expected_version, "sip", apply)


@transaction.atomic
def discharge(actor: Actor, case_id, expected_version, data: dict) -> DischargeCase:
    """Discharge with the information transfer on the day of discharge; then trygg hemgång follow-ups.

    data: summary, medication_changes, follow_up_information, discharged_to, optionally discharged_at.
    """

    def apply(case, access, who):
        now = timezone.now()
        when = data.get("discharged_at") or now
        _check_time(case, when, now)
        if not data.get("summary", "").strip():
            raise CaseRefused(_("Skriv en sammanfattning av vårdtillfället."))
        if not data.get("discharged_to", "").strip():
            raise CaseRefused(_("Ange vart personen skrivs ut."))
        case.status = CaseStatus.DISCHARGED
        case.discharged_at = when
        case.discharge_summary = data["summary"].strip()
        case.medication_changes = data.get("medication_changes", "").strip()
        case.follow_up_information = data.get("follow_up_information", "").strip()
        case.discharged_to = data["discharged_to"].strip()
        _event(
            actor,
            case,
            K.DISCHARGED,
            case.discharged_to,
            {"fixed_contact": case.fixed_care_contact_id is not None},
            at=when,
            to_units=addressed_unit_ids(case),
        )

    case = _step(actor, case_id, expected_version, "discharge", apply)
    from nara.transitions import safe_return_services

    safe_return_services.create_safe_return_tasks(case, actor)
    return case


@transaction.atomic
def send_message(actor: Actor, case_id, expected_version, text: str) -> DischargeCase:
    """A free-text message between the parties, addressed to all of them except the sender's unit."""

    def apply(case, access, who):
        if not text.strip():
            raise CaseRefused(_("Skriv ett meddelande."))
        _event(actor, case, K.MESSAGE, text.strip(), to_units=[case.ward_id, *addressed_unit_ids(case)])

    return _step(actor, case_id, expected_version, "message", apply)


@transaction.atomic
def cancel(actor: Actor, case_id, expected_version, reason: str) -> DischargeCase:
    def apply(case, access, who):
        if not reason.strip():
            raise CaseRefused(_("Skriv skälet till makuleringen."))
        case.status = CaseStatus.CANCELLED
        case.cancelled_at = timezone.now()
        case.cancel_reason = reason.strip()[:300]
        _event(actor, case, K.CANCELLED, case.cancel_reason, to_units=addressed_unit_ids(case))

    return _step(actor, case_id, expected_version, "cancel", apply)
