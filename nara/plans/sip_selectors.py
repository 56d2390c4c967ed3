"""Reads of SIPs, all through the access gate (which writes the access log)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nara.access import gate
from nara.audit.models import Action
from nara.directory.actor import Actor
from nara.directory.models import Organisation, Unit
from nara.people import selectors as people_selectors
from nara.plans import sip_access, sip_rules, sip_snapshot
from nara.plans.models.sip import Sip, SipAction, SipFollowUp, SipParticipant, SipStatus, SipVersion

CONTEXT = "plans:sip"

# Numbers the person can call when the care team is closed; one place, overridable in settings.
OUT_OF_HOURS_NUMBERS = getattr(
    settings,
    "NARA_OUT_OF_HOURS_NUMBERS",
    (
        ("1177", gettext_lazy("Vårdguiden – sjukvårdsrådgivning dygnet runt")),
        ("112", gettext_lazy("Vid akut fara för liv")),
    ),
)

# The steps of a SIP as users know them (reference/rules.md §2).
STEPS = (
    ("underlag", gettext_lazy("Underlag")),
    ("kallelse", gettext_lazy("Kallelse")),
    ("kartlaggning", gettext_lazy("Kartläggning")),
    ("plan", gettext_lazy("Plan")),
    ("uppfoljning", gettext_lazy("Uppföljning")),
    ("utvardering", gettext_lazy("Utvärdering")),
    ("avslut", gettext_lazy("Avslut")),
)


def _sips(person):
    return Sip.objects.filter(person=person).select_related(
        "recorded_by_org", "recorded_by_unit", "overall_responsible_org", "coordinator"
    )


def person_sips(actor: Actor, person_id) -> dict:
    access = gate.open_person(actor, person_id, f"{CONTEXT}:list")
    visible = gate.filter_records(actor, access, _sips(access.person), f"{CONTEXT}:list")
    return {"access": access, "person": access.person, "visible": visible}


@dataclass(frozen=True)
class OpenSip:
    """The person's open SIP, as offered where another one could be started (the discharge case's SIP step)."""

    sip: Sip
    visible: bool  # the actor may see it through the gate (else only that it exists and who started it)
    write_refusal: str | None  # why the actor may not add a meeting to it; None when it may


def open_sip_for(actor: Actor, access: gate.PersonAccess) -> OpenSip | None:
    """The person's open SIP (the latest started, if ever more than one), so that a caller offers it instead of
    starting a second. Not logged: the caller has opened the person and logs its own page."""
    sip = _sips(access.person).exclude(status=SipStatus.CLOSED).order_by("-created_at", "-pk").first()
    if sip is None:
        return None
    visible = bool(gate.filter_records(actor, access, [sip], f"{CONTEXT}:offer", log=False).shown)
    return OpenSip(sip, visible, sip_access.write_refusal(actor, access, sip))


def open_sip(actor: Actor, person_id, pk, context: str, log: bool = True) -> tuple[gate.PersonAccess, Sip]:
    """The SIP if the actor may see it (logged), else AccessDenied with the reason (blocked notice for a spärr)."""
    access = gate.open_person(actor, person_id, context)
    sip = _sips(access.person).filter(pk=pk).first()
    if sip is None:
        raise Http404
    visible = gate.filter_records(actor, access, [sip], context, log=log)
    if not visible.shown:
        hidden = visible.hidden[0]
        raise gate.AccessDenied(hidden.reason, access.person.pk, hidden.blocked)
    return access, sip


def _steps(sip: Sip) -> list[dict]:
    kinds = set(sip.follow_ups.values_list("kind", flat=True))
    done = {
        "underlag": sip.consent_given_at is not None,
        "kallelse": sip.meetings.filter(cancelled_at__isnull=True).exists(),
        "kartlaggning": sip.status in (SipStatus.ACTIVE, SipStatus.CLOSED)
        or bool(sip.what_matters or sip.situation or sip.needs),
        "plan": sip.plan_agreed_at is not None,
        "uppfoljning": SipFollowUp.Kind.FOLLOW_UP in kinds,
        "utvardering": SipFollowUp.Kind.EVALUATION in kinds,
        "avslut": sip.status == SipStatus.CLOSED,
    }
    steps, current_found = [], False
    for key, label in STEPS:
        state = "done" if done[key] else "todo"
        if not done[key] and not current_found and sip.is_open:
            state, current_found = "current", True
        steps.append({"key": key, "label": label, "state": state})
    return steps


def next_steps(sip: Sip) -> list[dict]:
    """For each status the SIP may move to (except closing), what is still missing."""
    return [
        {"target": t, "label": SipStatus(t).label, "missing": sip_rules.missing_for(sip, t)}
        for t in sip_rules.allowed_next(sip.status)
        if t != SipStatus.CLOSED
    ]


def sip_page(actor: Actor, person_id, pk) -> dict:
    access, sip = open_sip(actor, person_id, pk, CONTEXT)
    refusal = sip_access.write_refusal(actor, access, sip)
    return {
        "access": access,
        "person": access.person,
        "sip": sip,
        "s": sip_snapshot.build(sip),
        "steps": _steps(sip),
        "next_steps": next_steps(sip) if sip.is_open else [],
        "write_refusal": refusal,
        "can_write": refusal is None and sip.is_open,
        "plan_editable": sip_rules.plan_editable(sip.status),
        "latest_version": sip.versions.only("number", "changed_at", "summary").first(),
    }


def history(actor: Actor, person_id, pk) -> dict:
    access, sip = open_sip(actor, person_id, pk, f"{CONTEXT}:history")
    versions = list(
        sip.versions.select_related("changed_by", "changed_by_unit__organisation").defer("snapshot")
    )
    return {"access": access, "person": access.person, "sip": sip, "versions": versions}


def version(actor: Actor, person_id, pk, number: int) -> dict:
    access, sip = open_sip(actor, person_id, pk, f"{CONTEXT}:version")
    v = (
        SipVersion.objects.select_related("changed_by", "changed_by_unit")
        .filter(sip=sip, number=number)
        .first()
    )
    if v is None:
        raise Http404
    previous = SipVersion.objects.filter(sip=sip, number__lt=number).order_by("-number").first()
    return {
        "access": access,
        "person": access.person,
        "sip": sip,
        "v": v,
        "s": v.snapshot,
        "previous": previous,
        "changes": sip_snapshot.list_changes(previous.snapshot if previous else None, v.snapshot),
        "is_current": v.number == sip.version,
    }


def print_view(actor: Actor, person_id, pk) -> dict:
    """The plain-language plan for the person; logged as a print."""
    context = f"{CONTEXT}:print"
    access, sip = open_sip(actor, person_id, pk, context, log=False)
    gate.log_records(actor, access, [sip], context, Action.PRINT)
    s = sip_snapshot.build(sip)
    now = timezone.now()
    next_meeting = (
        sip.meetings.filter(cancelled_at__isnull=True, starts_at__gte=now).order_by("starts_at").first()
    )
    fixed = people_selectors.records(actor, access, "fixed_contacts", context)
    today = timezone.localdate()
    fixed_contacts = [
        c for c in fixed.shown if c.valid_from <= today and (c.valid_to is None or c.valid_to >= today)
    ]
    fixed_staff = {c.staff_id for c in fixed_contacts}
    participants = [
        p
        for p in s["participants"]
        if not p["removed"] and p["kind"] != SipParticipant.Kind.PERSON and p["staff_id"] not in fixed_staff
    ]
    actions = [
        a for a in s["actions"] if a["status"] not in (SipAction.Status.CANCELLED, SipAction.Status.DONE)
    ]
    return {
        "access": access,
        "person": access.person,
        "sip": sip,
        "s": s,
        "actions": actions,
        "next_meeting": next_meeting,
        "fixed_contacts": fixed_contacts,
        "participants": participants,
        "out_of_hours": OUT_OF_HOURS_NUMBERS,
        "printed_on": today,
    }


# --- Choices for the forms (staff and units, never persons) ---------------------------------------------------


def candidate_org_ids(actor: Actor, person, sip: Sip | None = None) -> set[int]:
    """Organisations that may take part: the actor's, the person's municipality, the region of the person's
    health centre, and those already taking part."""
    ids = {actor.org_id}
    if person.municipality_id:
        ids.add(person.municipality_id)
    if person.listed_unit_id:
        ids.add(person.listed_unit.organisation_id)
    if sip is not None:
        ids |= sip_access.participating_org_ids(sip)
    return ids


def unit_choices(actor: Actor, person, sip: Sip | None = None):
    return (
        Unit.objects.filter(organisation_id__in=candidate_org_ids(actor, person, sip))
        .exclude(kind=Unit.Kind.ANALYSIS)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def staff_of_unit(unit_id):
    today = timezone.localdate()
    return (
        get_user_model()
        .objects.filter(
            Q(assignments__valid_to__isnull=True) | Q(assignments__valid_to__gte=today),
            assignments__unit_id=unit_id,
            assignments__valid_from__lte=today,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def participant_staff(sip: Sip):
    """Staff taking part in the SIP (for responsible person and coordinator)."""
    ids = sip.participants.filter(removed_at__isnull=True, staff__isnull=False).values("staff_id")
    return get_user_model().objects.filter(pk__in=ids).order_by("last_name", "first_name")


def participating_orgs(sip: Sip):
    return Organisation.objects.filter(pk__in=sip_access.participating_org_ids(sip)).order_by("name")


def relative_choices(actor: Actor, access: gate.PersonAccess, context: str) -> list:
    """The person's relatives the actor may see (through the gate; hidden ones are not offered)."""
    return people_selectors.records(actor, access, "relatives", context).shown


def no_write_message() -> str:
    return _("Du kan läsa SIP:en men inte ändra den.")
