"""Writes of enrolments in kommunal hemsjukvård. One transaction each; access check (gate.require_write) and the
access log inside; every change of the enrolment row is version checked (ConcurrentEditError).

Who does what:
- the request: a vårdcentral or a hospital ward (region units), with the agreement's criteria as a checklist
  (each ticked, or explained when not met) and the person's consent to information transfer to the municipality;
- the decision (approve with start date and home health unit, or decline), the periodic review and the
  discharge from hemsjukvård: units of the person's municipality of kind home_health or needs_assessment;
- the responsible physician (läkarstöd) and planned physician home visits: the vårdcentral (physician_unit).
The enrolment is recorded by the requesting organisation; the municipality writes its decision fields on it
(the decision is the municipality's part of the shared routine), which is why those steps check the
municipality instead of gate.require_own_record.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from nara.access import gate
from nara.access import services as access_services
from nara.audit import services as audit
from nara.audit.models import Action
from nara.directory.actor import Actor
from nara.directory.models import Assignment, Organisation, Unit
from nara.directory.roles import Capability, Role
from nara.transitions.models import (
    Agreement,
    EnrolmentReview,
    EnrolmentStatus,
    HomeHealthEnrolment,
    PhysicianVisit,
)
from nara.transitions.safe_return_services import municipality_home_health_unit

CONSENT_PURPOSE = "Inskrivning i hemsjukvård"
REQUESTING_KINDS = (Unit.Kind.HEALTH_CENTRE, Unit.Kind.WARD)
MUNICIPALITY_KINDS = (Unit.Kind.HOME_HEALTH, Unit.Kind.NEEDS_ASSESSMENT)
ACTIVE = (EnrolmentStatus.REQUESTED, EnrolmentStatus.ENROLLED)


def agreement_for(region_id, municipality_id, on: dt.date) -> Agreement | None:
    qs = Agreement.objects.filter(municipality_id=municipality_id, valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )
    if region_id is not None:
        qs = qs.filter(region_id=region_id)
    return qs.order_by("-valid_from", "-pk").first()


def criteria_for(actor: Actor, person, on: dt.date | None = None) -> list[str]:
    if person.municipality_id is None:
        return []
    on = on or timezone.localdate()
    region_id = actor.org_id if _actor_org_kind(actor) == Organisation.Kind.REGION else None
    agreement = agreement_for(region_id, person.municipality_id, on)
    return list(agreement.home_health_criteria) if agreement else []


def is_physician_support(criterion: str) -> bool:
    """The agreement's criterion that läkarstöd is arranged ("Läkarstöd från vårdcentralen är ordnat (namngiven
    läkare)" in the demo): ticking it says a physician is named, so the request names the physician."""
    return "läkarstöd" in criterion.casefold()


def request_physician_unit(actor: Actor, person) -> Unit | None:
    """The vårdcentral that gives läkarstöd: the requesting vårdcentral, or for a ward the person's own."""
    unit = _actor_unit(actor)
    return unit if unit.kind == Unit.Kind.HEALTH_CENTRE else person.listed_unit


def request_physicians(actor: Actor, person):
    """The physicians a request may name (those of request_physician_unit)."""
    unit = request_physician_unit(actor, person)
    return physicians_of(unit.pk if unit else None)


def _actor_unit(actor: Actor) -> Unit:
    return Unit.objects.select_related("organisation").get(pk=actor.unit_id)


def _actor_org_kind(actor: Actor) -> str:
    return Organisation.objects.filter(pk=actor.org_id).values_list("kind", flat=True).first() or ""



def _log(actor, access, action, record, context):
    audit.record(actor, access.person.pk, action, record._meta.label_lower, record.pk, access.basis, context)


def _locked(enrolment_id) -> HomeHealthEnrolment:
    enrolment = HomeHealthEnrolment.objects.select_for_update().filter(pk=enrolment_id).first()
    if enrolment is None:
        raise gate.AccessDenied(_("Inskrivningen finns inte eller så saknar du behörighet."))
    return enrolment


def is_municipality_actor(actor: Actor, enrolment: HomeHealthEnrolment) -> bool:
    return actor.org_id == enrolment.municipality_id and _actor_unit(actor).kind in MUNICIPALITY_KINDS


def is_physician_unit_actor(actor: Actor, enrolment: HomeHealthEnrolment) -> bool:
    return enrolment.physician_unit_id is not None and actor.unit_id == enrolment.physician_unit_id


def _require_municipality(actor: Actor, enrolment: HomeHealthEnrolment) -> None:
    if not is_municipality_actor(actor, enrolment):
        raise gate.AccessDenied(
            _(
                "Bara kommunens hemsjukvård eller biståndsenhet i personens kommun fattar beslut om hemsjukvård."
            ),
            enrolment.person_id,
        )


def _require_physician_unit(actor: Actor, enrolment: HomeHealthEnrolment) -> None:
    if not is_physician_unit_actor(actor, enrolment):
        raise gate.AccessDenied(
            _("Bara vårdcentralen som ger läkarstöd kan ändra läkarstöd och läkarbesök."), enrolment.person_id
        )


def _require_status(enrolment, *statuses) -> None:
    if enrolment.status not in statuses:
        raise ValidationError(
            _("Det går inte i det här läget (inskrivningen är %(status)s).")
            % {"status": enrolment.get_status_display().lower()}
        )


def may_request(actor: Actor, person) -> bool:
    """A region vårdcentral or ward may ask, when the person has a municipality and nothing is pending."""
    unit = _actor_unit(actor)
    return (
        unit.kind in REQUESTING_KINDS
        and unit.organisation.kind == Organisation.Kind.REGION
        and person.municipality_id is not None
        and not HomeHealthEnrolment.objects.filter(person=person, status__in=ACTIVE).exists()
    )


@transaction.atomic
def request_enrolment(actor: Actor, person_id, data: dict, context: str) -> HomeHealthEnrolment:
    """A vårdcentral or ward asks the municipality to enrol the person in hemsjukvård.

    data: criteria (list of {"criterion", "met", "explanation"} covering every agreement criterion),
    request_reason, consent_method (Consent.Method) and for a representative consent_given_by/consent_relation,
    physician (a physician at the vårdcentral; needed when the läkarstöd criterion is ticked).
    """
    access = gate.require_write(actor, person_id, Capability.PERSON_DATA, context)
    person = access.person
    unit = _actor_unit(actor)
    if unit.kind not in REQUESTING_KINDS or unit.organisation.kind != Organisation.Kind.REGION:
        raise gate.AccessDenied(
            _("En begäran om inskrivning i hemsjukvård görs av vårdcentralen eller sjukhuset."), person_id
        )
    if person.municipality_id is None:
        raise ValidationError(_("Personen har ingen folkbokföringskommun i registret."))
    if HomeHealthEnrolment.objects.filter(person=person, status__in=ACTIVE).exists():
        raise ValidationError(_("Det finns redan en begäran eller inskrivning i hemsjukvård för personen."))
    today = timezone.localdate()
    agreement = agreement_for(actor.org_id, person.municipality_id, today)
    criteria = list(agreement.home_health_criteria) if agreement else []
    given = {c["criterion"]: c for c in data.get("criteria", [])}
    checklist, errors = [], []
    for text in criteria:
        item = given.get(text, {})
        met = bool(item.get("met"))
        explanation = (item.get("explanation") or "").strip()
        if not met and not explanation:
            errors.append(_("Kriteriet ”%(c)s” är varken bockat eller förklarat.") % {"c": text})
        checklist.append({"criterion": text, "met": met, "explanation": explanation})
    reason = (data.get("request_reason") or "").strip()
    field_errors = {}
    if errors:
        field_errors["criteria"] = errors
    if not reason:
        field_errors["request_reason"] = [_("Skriv skälet till begäran.")]
    physician_unit = request_physician_unit(actor, person)
    physician = data.get("physician")
    if physician is not None and not request_physicians(actor, person).filter(pk=physician.pk).exists():
        field_errors["physician"] = [_("Välj en läkare som arbetar på vårdcentralen.")]
    elif physician is None and any(c["met"] and is_physician_support(c["criterion"]) for c in checklist):
        field_errors["physician"] = [_("Kriteriet om läkarstöd är bockat: välj den ansvariga läkaren.")]
    if field_errors:
        raise ValidationError(field_errors)
    method = data.get("consent_method") or ""
    if method:
        consents = access_services.register_consents_between(
            actor,
            person.pk,
            [actor.org_id, person.municipality_id],
            method,
            CONSENT_PURPOSE,
            data.get("consent_given_by", "") if method == "representative" else "",
            data.get("consent_relation", "") if method == "representative" else "",
        )
    else:
        consents = []
    enrolment = HomeHealthEnrolment(
        person=person,
        municipality_id=person.municipality_id,
        agreement=agreement,
        case_id=data.get("case_id"),
        criteria_met=checklist,
        request_reason=reason,
        home_health_unit=municipality_home_health_unit(person.pk, person.municipality_id, today),
        physician_unit=physician_unit,
        physician=physician,
    )
    enrolment.stamp(actor)
    enrolment.save()
    _log(actor, access, Action.CREATE, enrolment, context)
    enrolment.consents_registered = consents
    return enrolment


@transaction.atomic
def decide(
    actor: Actor, enrolment_id, expected_version: int, data: dict, context: str
) -> HomeHealthEnrolment:
    """The municipality approves (start date, home health unit) or declines, with a reason."""
    enrolment = _locked(enrolment_id)
    access = gate.require_write(actor, enrolment.person_id, Capability.PERSON_DATA, context)
    _require_municipality(actor, enrolment)
    _require_status(enrolment, EnrolmentStatus.REQUESTED)
    reason = (data.get("decision_reason") or "").strip()
    errors = {}
    if not reason:
        errors["decision_reason"] = [_("Skriv en motivering till beslutet.")]
    if data.get("approve"):
        start_on = data.get("start_on")
        unit = data.get("home_health_unit")
        if start_on is None:
            errors["start_on"] = [_("Ange startdatum för inskrivningen.")]
        if (
            unit is None
            or unit.organisation_id != enrolment.municipality_id
            or unit.kind != Unit.Kind.HOME_HEALTH
        ):
            errors["home_health_unit"] = [_("Välj en hemsjukvårdsenhet i personens kommun.")]
        if errors:
            raise ValidationError(errors)
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.start_on = start_on
        enrolment.home_health_unit = unit
        enrolment.next_review_on = start_on + dt.timedelta(days=enrolment.review_interval_days)
    else:
        if errors:
            raise ValidationError(errors)
        enrolment.status = EnrolmentStatus.DECLINED
    enrolment.decision_reason = reason
    enrolment.decided_at = timezone.now()
    enrolment.decided_by_id = actor.user_id
    enrolment.save_checked(expected_version)
    _log(actor, access, Action.CHANGE, enrolment, context)
    return enrolment


def physicians_of(unit_id, on: dt.date | None = None):
    """Users with an active physician assignment at the unit."""
    from django.contrib.auth import get_user_model

    user_ids = [
        a.user_id
        for a in Assignment.objects.active(on).filter(unit_id=unit_id)
        if Role.PHYSICIAN in (a.roles or [])
    ]
    return get_user_model().objects.filter(pk__in=user_ids).order_by("last_name", "first_name")


@transaction.atomic
def set_physician(actor: Actor, enrolment_id, expected_version: int, physician, context: str):
    """The vårdcentral names the responsible physician (läkarstöd): a physician working at the vårdcentral."""
    enrolment = _locked(enrolment_id)
    access = gate.require_write(actor, enrolment.person_id, Capability.PERSON_DATA, context)
    _require_physician_unit(actor, enrolment)
    _require_status(enrolment, *ACTIVE)
    if physician is None or not physicians_of(enrolment.physician_unit_id).filter(pk=physician.pk).exists():
        raise ValidationError({"physician": [_("Välj en läkare som arbetar på vårdcentralen.")]})
    enrolment.physician = physician
    enrolment.save_checked(expected_version)
    _log(actor, access, Action.CHANGE, enrolment, context)
    return enrolment


@transaction.atomic
def plan_visit(actor: Actor, enrolment_id, planned_on: dt.date, note: str, context: str) -> PhysicianVisit:
    enrolment = _locked(enrolment_id)
    access = gate.require_write(actor, enrolment.person_id, Capability.PERSON_DATA, context)
    _require_physician_unit(actor, enrolment)
    _require_status(enrolment, EnrolmentStatus.ENROLLED)
    if planned_on is None:
        raise ValidationError({"planned_on": [_("Ange datum för läkarbesöket.")]})
    if planned_on < timezone.localdate():
        raise ValidationError({"planned_on": [_("Dagen har redan passerat: planera besöket i dag eller senare.")]})
    visit = PhysicianVisit.objects.create(
        enrolment=enrolment, planned_on=planned_on, note=(note or "").strip()
    )
    _log(actor, access, Action.CHANGE, enrolment, context)
    return visit


@transaction.atomic
def visit_done(actor: Actor, visit_id, done_on: dt.date, note: str, context: str) -> PhysicianVisit:
    visit = PhysicianVisit.objects.select_for_update().filter(pk=visit_id).first()
    if visit is None:
        raise gate.AccessDenied(_("Besöket finns inte eller så saknar du behörighet."))
    enrolment = visit.enrolment
    access = gate.require_write(actor, enrolment.person_id, Capability.PERSON_DATA, context)
    _require_physician_unit(actor, enrolment)
    if visit.done_on is not None:
        raise ValidationError({"done_on": [_("Besöket är redan markerat som genomfört.")]})
    if done_on is None:
        raise ValidationError({"done_on": [_("Ange datum då besöket genomfördes.")]})
    visit.done_on = done_on
    if note:
        visit.note = note.strip()[:300]
    visit.save(update_fields=["done_on", "note"])
    _log(actor, access, Action.CHANGE, enrolment, context)
    return visit


@transaction.atomic
def review(actor: Actor, enrolment_id, expected_version: int, data: dict, context: str) -> EnrolmentReview:
    """Periodic review by the municipality or the vårdcentral: outcome and the next review date."""
    enrolment = _locked(enrolment_id)
    access = gate.require_write(actor, enrolment.person_id, Capability.PERSON_DATA, context)
    if not (is_municipality_actor(actor, enrolment) or is_physician_unit_actor(actor, enrolment)):
        raise gate.AccessDenied(
            _("Omprövningen görs av kommunens hemsjukvård eller vårdcentralen som ger läkarstöd."),
            enrolment.person_id,
        )
    _require_status(enrolment, EnrolmentStatus.ENROLLED)
    outcome = (data.get("outcome") or "").strip()
    reviewed_on = data.get("reviewed_on") or timezone.localdate()
    next_on = data.get("next_review_on")
    errors = {}
    if not outcome:
        errors["outcome"] = [_("Skriv bedömningen vid omprövningen.")]
    if next_on is not None and next_on <= reviewed_on:
        errors["next_review_on"] = [_("Nästa omprövning måste vara efter omprövningsdagen.")]
    if errors:
        raise ValidationError(errors)
    next_on = next_on or reviewed_on + dt.timedelta(days=enrolment.review_interval_days)
    record = EnrolmentReview.objects.create(
        enrolment=enrolment,
        reviewed_on=reviewed_on,
        reviewed_by_id=actor.user_id,
        outcome=outcome,
        next_review_on=next_on,
    )
    enrolment.next_review_on = next_on
    enrolment.save_checked(expected_version)
    _log(actor, access, Action.CHANGE, enrolment, context)
    return record


@transaction.atomic
def end(actor: Actor, enrolment_id, expected_version: int, data: dict, context: str) -> HomeHealthEnrolment:
    """Discharge from hemsjukvård (the municipality), with a reason."""
    enrolment = _locked(enrolment_id)
    access = gate.require_write(actor, enrolment.person_id, Capability.PERSON_DATA, context)
    _require_municipality(actor, enrolment)
    _require_status(enrolment, EnrolmentStatus.ENROLLED)
    reason = (data.get("end_reason") or "").strip()
    ended_on = data.get("ended_on")
    errors = {}
    if not reason:
        errors["end_reason"] = [_("Skriv skälet till utskrivningen från hemsjukvården.")]
    if ended_on is None:
        errors["ended_on"] = [_("Ange datum för utskrivningen.")]
    elif enrolment.start_on and ended_on < enrolment.start_on:
        errors["ended_on"] = [_("Utskrivningen kan inte vara före startdatum.")]
    if errors:
        raise ValidationError(errors)
    enrolment.status = EnrolmentStatus.ENDED
    enrolment.ended_on = ended_on
    enrolment.end_reason = reason[:300]
    enrolment.next_review_on = None
    enrolment.save_checked(expected_version)
    _log(actor, access, Action.CHANGE, enrolment, context)
    return enrolment
