"""Writes to a SIP. One transaction each; access check, version check, SipVersion and access log inside.

Every change of any part of a SIP goes through `_change`: it loads the Sip, checks that the actor may write
(sip_access), applies the change, saves the Sip with the version the user's form was opened with (a stale version
raises ConcurrentEditError and the whole change is rolled back), writes a SipVersion (number, who, unit, when, a
Swedish summary, a JSON snapshot) and the access-log row.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nara.access import gate
from nara.access import services as access_services
from nara.audit import services as audit
from nara.audit.models import Action
from nara.core.models import ConcurrentEditError
from nara.directory.actor import Actor
from nara.directory.roles import Capability, Role
from nara.people.models import Person
from nara.plans import sip_access, sip_rules, sip_snapshot
from nara.plans.models.sip import (
    Sip,
    SipAction,
    SipFollowUp,
    SipGoal,
    SipMeeting,
    SipMeetingResponse,
    SipOtherMeasure,
    SipParticipant,
    SipStatus,
    SipVersion,
)

CONTEXT = "plans:sip"
CONSENT_PURPOSE = "SIP – samordnad individuell plan"


class SipRefused(Exception):
    """The change breaks a SIP rule; the message (Swedish) is shown to the user beside the form."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _write_version(actor: Actor, sip: Sip, summary: str) -> SipVersion:
    return SipVersion.objects.create(
        sip=sip,
        number=sip.version,
        changed_by_id=actor.user_id,
        changed_by_unit_id=actor.unit_id,
        summary=summary[:300],
        snapshot=sip_snapshot.build(sip),
    )


def _load(sip_id) -> Sip:
    return Sip.objects.select_related("recorded_by_org", "person").get(pk=sip_id)


def _change(
    actor: Actor,
    sip_id,
    expected_version,
    summary: str,
    apply: Callable[[Sip, gate.PersonAccess], str | None],
    open_only: bool = True,
) -> Sip:
    """The one path for changing a SIP (see the module docstring). `apply` may return a better summary."""
    sip = _load(sip_id)
    access = sip_access.require_write(actor, sip, CONTEXT)
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        expected = -1
    if expected != sip.version:
        # Checked before applying so a stale form never changes child rows; save_checked checks again below.
        raise ConcurrentEditError(_sip_conflict_message())
    if open_only and not sip.is_open:
        raise SipRefused(_("SIP:en är avslutad och kan inte ändras."))
    better = apply(sip, access)
    try:
        sip.save_checked(expected)
    except ConcurrentEditError:
        raise ConcurrentEditError(_sip_conflict_message()) from None
    _write_version(actor, sip, better or summary)
    audit.record(actor, sip.person_id, Action.CHANGE, "plans.sip", sip.pk, access.basis, CONTEXT)
    return sip


def _sip_conflict_message() -> str:
    return _(
        "Någon annan har ändrat SIP:en medan du hade den öppen. Det som nu är sparat visas nedan; "
        "dina uppgifter finns kvar i formuläret. Kontrollera och spara igen."
    )


def _require_consent(sip: Sip) -> None:
    if sip.consent_given_at is None:
        raise SipRefused(_("Personens samtycke till SIP är inte registrerat."))


def _require_status(sip: Sip, allowed: set, message: str) -> None:
    if sip.status not in allowed:
        raise SipRefused(message)


def _plan_editable(sip: Sip) -> None:
    _require_consent(sip)
    _require_status(
        sip,
        sip_rules.PLAN_EDITABLE,
        _("Planen är fastställd. Välj ”Revidera planen” för att ändra mål, insatser och ansvar."),
    )


# --- Start ------------------------------------------------------------------------------------------------


@transaction.atomic
def start_sip(actor: Actor, person_id, reason: str) -> Sip:
    """Initiative by the actor's organisation; the actor takes part as the first participant."""
    access = gate.require_write(actor, person_id, Capability.PERSON_DATA, CONTEXT)
    if not reason.strip():
        raise SipRefused(_("Skriv skälet till initiativet."))
    # One coordinated plan per person: a second initiative goes into the open SIP as a new meeting. The person
    # row is locked so that two initiatives at once cannot both pass the check.
    Person.objects.select_for_update().filter(pk=access.person.pk).first()
    existing = (
        Sip.objects.filter(person=access.person)
        .exclude(status=SipStatus.CLOSED)
        .select_related("recorded_by_org")
        .first()
    )
    if existing is not None:
        raise SipRefused(
            _("Personen har redan en pågående SIP (initiativ av %(org)s). Kalla till ett nytt möte i den i stället "
              "för att starta en till.") % {"org": existing.recorded_by_org.name}
        )
    sip = Sip(
        person=access.person,
        initiative_reason=reason.strip(),
        recorded_by_unit_id=actor.unit_id,
        recorded_by_org_id=actor.org_id,
        recorded_by_id=actor.user_id,
    )
    sip.save()
    SipParticipant.objects.create(
        sip=sip,
        kind=SipParticipant.Kind.STAFF,
        organisation_id=actor.org_id,
        unit_id=actor.unit_id,
        staff_id=actor.user_id,
        role=", ".join(str(Role(r).label) for r in sorted(actor.roles) if r in Role.values),
    )
    _write_version(actor, sip, _("SIP påbörjad: %(org)s tog initiativet.") % {"org": actor.org_name})
    audit.record(actor, person_id, Action.CREATE, "plans.sip", sip.pk, access.basis, CONTEXT)
    return sip


@transaction.atomic
def change_initiative(actor: Actor, sip_id, expected_version, reason: str) -> Sip:
    def apply(sip, access):
        if not reason.strip():
            raise SipRefused(_("Skriv skälet till initiativet."))
        sip.initiative_reason = reason.strip()

    return _change(actor, sip_id, expected_version, _("Skälet till initiativet ändrat."), apply)


# --- Consent ----------------------------------------------------------------------------------------------


def _register_consents(actor: Actor, sip: Sip, method: str, given_by: str, relation: str, receiving=None):
    """Consents between every organisation taking part; with `receiving`, only for that newcomer."""
    orgs = sip_access.participating_org_ids(sip)
    created = []
    rep_name = given_by if method == "representative" else ""
    rep_rel = relation if method == "representative" else ""
    if receiving is None:
        created = access_services.register_consents_between(
            actor, sip.person_id, orgs, method, CONSENT_PURPOSE, rep_name, rep_rel
        )
    else:
        # The newcomer may see the others' SIP data, and each of the others the newcomer's.
        created += access_services.register_consents_between(
            actor,
            sip.person_id,
            orgs,
            method,
            CONSENT_PURPOSE,
            rep_name,
            rep_rel,
            receiving_org_ids=[receiving],
        )
        for other in orgs - {receiving}:
            created += access_services.register_consents_between(
                actor,
                sip.person_id,
                [other, receiving],
                method,
                CONSENT_PURPOSE,
                rep_name,
                rep_rel,
                receiving_org_ids=[other],
            )
    sip.consents.add(*created)
    return created


@transaction.atomic
def record_consent(actor: Actor, sip_id, expected_version, data: dict) -> Sip:
    """The person consents to the SIP: who consented, how, and which relatives take part."""

    def apply(sip, access):
        if sip.consent_given_at is not None:
            raise SipRefused(_("Samtycket är redan registrerat."))
        sip.consent_given_at = timezone.now()
        sip.consent_method = data["method"]
        sip.consent_given_by = data["given_by"]
        sip.relatives_take_part = data["relatives_take_part"]
        relatives = list(data.get("relatives") or [])
        note = data.get("relatives_note", "")
        if relatives:
            names = ", ".join(f"{r.name} ({r.relation})" if r.relation else r.name for r in relatives)
            note = f"{names}. {note}".strip() if note else names
        sip.relatives_note = note[:300] if sip.relatives_take_part else ""
        _register_consents(actor, sip, data["method"], data["given_by"], data.get("relation", ""))
        for r in relatives if sip.relatives_take_part else []:
            if not sip.participants.filter(relative=r, removed_at__isnull=True).exists():
                SipParticipant.objects.create(
                    sip=sip,
                    kind=SipParticipant.Kind.RELATIVE,
                    relative=r,
                    name=r.name,
                    role=r.relation,
                    phone=r.phone,
                )

    return _change(actor, sip_id, expected_version, _("Personens samtycke till SIP registrerat."), apply)


@transaction.atomic
def withdraw_consent(actor: Actor, sip_id, expected_version, note: str) -> Sip:
    """The person withdraws the consent to the SIP: every consent created with it is withdrawn."""

    def apply(sip, access):
        if sip.consent_given_at is None:
            raise SipRefused(_("Det finns inget registrerat samtycke att återkalla."))
        # Every participating organisation is named in these consents, so any of them may register the
        # withdrawal (access.services.withdraw_consent); all are withdrawn in this one transaction or none.
        live = list(sip.consents.filter(withdrawn_at__isnull=True))
        for c in live:
            access_services.withdraw_consent(actor, c, c.version, note)
        sip.consent_given_at = None

    return _change(actor, sip_id, expected_version, _("Personen har återkallat samtycket till SIP."), apply)


# --- Participants -----------------------------------------------------------------------------------------


@transaction.atomic
def add_participant(actor: Actor, sip_id, expected_version, data: dict) -> Sip:
    def apply(sip, access):
        kind = data["kind"]
        p = SipParticipant(sip=sip, kind=kind, role=data.get("role", ""), phone=data.get("phone", ""))
        if kind == SipParticipant.Kind.STAFF:
            unit = data["unit"]
            p.unit, p.organisation, p.staff = unit, unit.organisation, data.get("staff")
            if (
                p.staff
                and sip.participants.filter(staff=p.staff, unit=unit, removed_at__isnull=True).exists()
            ):
                raise SipRefused(_("Medarbetaren deltar redan."))
        elif kind == SipParticipant.Kind.PERSON:
            p.name = access.person.full_name
            p.phone = p.phone or access.person.phone
        elif kind == SipParticipant.Kind.RELATIVE:
            r = data["relative"]
            p.relative, p.name, p.phone = r, r.name, p.phone or r.phone
            p.role = p.role or r.relation
        else:
            p.name = data["name"]
        newcomer = p.organisation_id and p.organisation_id not in sip_access.participating_org_ids(sip)
        p.save()
        if newcomer and sip.consent_given_at is not None:
            _register_consents(
                actor, sip, sip.consent_method, sip.consent_given_by, "", receiving=p.organisation_id
            )
        open_meetings = sip.meetings.filter(cancelled_at__isnull=True, starts_at__gte=timezone.now())
        for m in open_meetings:
            SipMeetingResponse.objects.get_or_create(meeting=m, participant=p)
        return _("Deltagare tillagd: %(who)s.") % {"who": sip_snapshot.participant_name(p)}

    return _change(actor, sip_id, expected_version, _("Deltagare tillagd."), apply)


@transaction.atomic
def remove_participant(actor: Actor, sip_id, expected_version, participant_id) -> Sip:
    def apply(sip, access):
        p = sip.participants.filter(pk=participant_id, removed_at__isnull=True).first()
        if p is None:
            raise SipRefused(_("Deltagaren finns inte i SIP:en."))
        p.removed_at = timezone.now()
        p.save(update_fields=["removed_at"])
        return _("Deltagare borttagen: %(who)s.") % {"who": sip_snapshot.participant_name(p)}

    return _change(actor, sip_id, expected_version, _("Deltagare borttagen."), apply)


# --- Invitation -------------------------------------------------------------------------------------------


@transaction.atomic
def send_invitation(actor: Actor, sip_id, expected_version, data: dict) -> Sip:
    """A kallelse to a meeting; every current participant gets a response to give. Initiated → invited."""

    def apply(sip, access):
        _require_consent(sip)
        meeting = SipMeeting.objects.create(
            sip=sip,
            kind=data["kind"],
            starts_at=data["starts_at"],
            place=data.get("place", ""),
            video_link=data.get("video_link", ""),
            message=data.get("message", ""),
            invited_by_id=actor.user_id,
        )
        for p in sip.participants.filter(removed_at__isnull=True):
            SipMeetingResponse.objects.create(meeting=meeting, participant=p)
        # The inviting user takes part and comes to the meeting.
        meeting.responses.filter(participant__staff_id=actor.user_id).update(
            answer=SipMeetingResponse.Answer.CONFIRMED,
            answered_at=timezone.now(),
            answered_by_id=actor.user_id,
        )
        summary = _("Kallelse skickad: %(kind)s %(when)s.") % {
            "kind": meeting.get_kind_display(),
            "when": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M"),
        }
        if sip.status == SipStatus.INITIATED:
            _transition(sip, SipStatus.INVITED)
            summary += " " + _("Status: Kallad.")
        return summary

    return _change(actor, sip_id, expected_version, _("Kallelse skickad."), apply)


@transaction.atomic
def cancel_meeting(actor: Actor, sip_id, expected_version, meeting_id) -> Sip:
    def apply(sip, access):
        m = sip.meetings.filter(pk=meeting_id, cancelled_at__isnull=True).first()
        if m is None:
            raise SipRefused(_("Mötet finns inte eller är redan inställt."))
        m.cancelled_at = timezone.now()
        m.save(update_fields=["cancelled_at"])
        return _("Mötet %(when)s är inställt.") % {
            "when": timezone.localtime(m.starts_at).strftime("%Y-%m-%d %H:%M")
        }

    return _change(actor, sip_id, expected_version, _("Möte inställt."), apply)


@transaction.atomic
def answer_invitation(actor: Actor, sip_id, expected_version, response_id, answer: str) -> Sip:
    """A participant confirms or declines. Staff answer for themselves; the person's and relatives' answers
    (given by phone, for example) are registered by any writer."""

    def apply(sip, access):
        r = (
            SipMeetingResponse.objects.select_related("participant", "meeting")
            .filter(pk=response_id, meeting__sip=sip)
            .first()
        )
        if r is None or answer not in (
            SipMeetingResponse.Answer.CONFIRMED,
            SipMeetingResponse.Answer.DECLINED,
        ):
            raise SipRefused(_("Svaret kunde inte registreras."))
        p = r.participant
        if p.kind == SipParticipant.Kind.STAFF and p.staff_id and p.staff_id != actor.user_id:
            raise SipRefused(_("Medarbetare svarar själva på kallelsen."))
        if r.meeting.cancelled_at:
            raise SipRefused(_("Mötet är inställt."))
        r.answer, r.answered_at, r.answered_by_id = answer, timezone.now(), actor.user_id
        r.save(update_fields=["answer", "answered_at", "answered_by"])
        return _("%(who)s: %(answer)s (möte %(when)s).") % {
            "who": sip_snapshot.participant_name(p),
            "answer": r.get_answer_display(),
            "when": timezone.localtime(r.meeting.starts_at).strftime("%Y-%m-%d %H:%M"),
        }

    return _change(actor, sip_id, expected_version, _("Svar på kallelse."), apply)


# --- Mapping and plan -------------------------------------------------------------------------------------


@transaction.atomic
def save_mapping(actor: Actor, sip_id, expected_version, data: dict) -> Sip:
    def apply(sip, access):
        _plan_editable(sip)
        sip.what_matters, sip.situation, sip.needs = data["what_matters"], data["situation"], data["needs"]

    return _change(actor, sip_id, expected_version, _("Kartläggningen ändrad."), apply)


@transaction.atomic
def save_goal(actor: Actor, sip_id, expected_version, text: str, goal_id=None, remove: bool = False) -> Sip:
    def apply(sip, access):
        _plan_editable(sip)
        if goal_id is None:
            SipGoal.objects.create(sip=sip, text=text, position=sip.goals.count() + 1)
            return _("Mål tillagt: %(text)s") % {"text": text[:200]}
        goal = sip.goals.filter(pk=goal_id).first()
        if goal is None:
            raise SipRefused(_("Målet finns inte i SIP:en."))
        if remove:
            goal.delete()
            return _("Mål borttaget: %(text)s") % {"text": goal.text[:200]}
        goal.text = text
        goal.save(update_fields=["text"])
        return _("Mål ändrat: %(text)s") % {"text": text[:200]}

    return _change(actor, sip_id, expected_version, _("Mål ändrat."), apply)


@transaction.atomic
def save_action(actor: Actor, sip_id, expected_version, data: dict, action_id=None) -> Sip:
    def apply(sip, access):
        if action_id is None:
            _plan_editable(sip)
            action = SipAction(sip=sip)
        else:
            _require_consent(sip)
            action = sip.actions.filter(pk=action_id).first()
            if action is None:
                raise SipRefused(_("Insatsen finns inte i SIP:en."))
            changes_plan = any(
                getattr(action, f) != data[f]
                for f in ("description", "responsible_unit", "responsible_staff")
            )
            if changes_plan and sip.status == SipStatus.ACTIVE:
                _plan_editable(sip)
        refusal = sip_rules.due_date_refusal(data.get("due_date"), action.due_date)
        if refusal:
            raise SipRefused(refusal)
        unit = data["responsible_unit"]
        action.description = data["description"]
        action.goal = data.get("goal")
        action.responsible_unit = unit
        action.responsible_org = unit.organisation
        action.responsible_staff = data.get("responsible_staff")
        action.due_date = data.get("due_date")
        if data.get("status"):
            action.status = data["status"]
        if action.status == SipAction.Status.DONE:
            action.done_at = action.done_at or timezone.now()
        else:
            action.done_at = None
        action.save()
        verb = _("Insats tillagd") if action_id is None else _("Insats ändrad")
        return f"{verb}: {action.description[:150]} ({unit.name}, {action.get_status_display()})."

    return _change(actor, sip_id, expected_version, _("Insats ändrad."), apply)


@transaction.atomic
def save_other_measure(actor: Actor, sip_id, expected_version, data: dict | None, remove_id=None) -> Sip:
    def apply(sip, access):
        _plan_editable(sip)
        if remove_id is not None:
            m = sip.other_measures.filter(pk=remove_id).first()
            if m is None:
                raise SipRefused(_("Åtgärden finns inte i SIP:en."))
            m.delete()
            return _("Åtgärd av annan borttagen: %(text)s") % {"text": m.description[:200]}
        SipOtherMeasure.objects.create(
            sip=sip, by=data["by"], by_name=data.get("by_name", ""), description=data["description"]
        )
        return _("Åtgärd av annan tillagd: %(text)s") % {"text": data["description"][:200]}

    return _change(actor, sip_id, expected_version, _("Åtgärder av andra ändrade."), apply)


@transaction.atomic
def save_responsibility(actor: Actor, sip_id, expected_version, data: dict) -> Sip:
    def apply(sip, access):
        _plan_editable(sip)
        sip.overall_responsible_org = data["overall_responsible_org"]
        sip.coordinator = data["coordinator"]
        sip.coordinator_unit = data["coordinator_unit"]
        sip.next_follow_up = data["next_follow_up"]

    return _change(
        actor, sip_id, expected_version, _("Ansvar, samordnare och nästa uppföljning ändrade."), apply
    )


# --- Status -----------------------------------------------------------------------------------------------


def _transition(sip: Sip, target: str) -> None:
    refusal = sip_rules.transition_refusal(sip, target)
    if refusal:
        raise SipRefused(refusal)
    sip.status = target


@transaction.atomic
def change_status(actor: Actor, sip_id, expected_version, target: str) -> Sip:
    """Only the transitions in sip_rules.TRANSITIONS, and only when the step's requirements are met."""

    def apply(sip, access):
        if target == SipStatus.CLOSED:
            raise SipRefused(_("Ange skälet till avslutet."))
        before = sip.status
        _transition(sip, target)
        if target == SipStatus.ACTIVE:
            sip.plan_agreed_at = timezone.now()
            return _("Planen fastställd.")
        if before == SipStatus.ACTIVE and target == SipStatus.MAPPING:
            return _("Planen öppnad för revidering.")
        return _("Status ändrad till %(status)s.") % {"status": SipStatus(target).label}

    return _change(actor, sip_id, expected_version, "", apply)


@transaction.atomic
def close_sip(actor: Actor, sip_id, expected_version, reason: str) -> Sip:
    def apply(sip, access):
        if not reason.strip():
            raise SipRefused(_("Ange skälet till avslutet."))
        _transition(sip, SipStatus.CLOSED)
        sip.closed_at, sip.closed_reason, sip.closed_by_id = timezone.now(), reason.strip(), actor.user_id
        return _("SIP:en avslutad: %(reason)s") % {"reason": reason.strip()[:200]}

    return _change(actor, sip_id, expected_version, "", apply)


# --- Follow-up --------------------------------------------------------------------------------------------


@transaction.atomic
def record_follow_up(actor: Actor, sip_id, expected_version, data: dict) -> Sip:
    """A follow-up or evaluation of the agreed plan; it sets the next follow-up date."""

    def apply(sip, access):
        _require_status(sip, {SipStatus.ACTIVE}, _("Uppföljning registreras när planen är fastställd."))
        f = SipFollowUp.objects.create(
            sip=sip,
            kind=data["kind"],
            held_on=data["held_on"],
            notes=data["notes"],
            goals_outcome=data.get("goals_outcome", ""),
            person_view=data.get("person_view", ""),
            next_follow_up=data.get("next_follow_up"),
            recorded_by_id=actor.user_id,
            recorded_by_unit_id=actor.unit_id,
        )
        sip.next_follow_up = f.next_follow_up
        summary = _("%(kind)s %(date)s registrerad.") % {"kind": f.get_kind_display(), "date": f.held_on}
        if data.get("revise"):
            _transition(sip, SipStatus.MAPPING)
            summary += " " + _("Planen öppnad för revidering.")
        return summary

    return _change(actor, sip_id, expected_version, "", apply)
