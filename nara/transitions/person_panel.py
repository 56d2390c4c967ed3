"""The "Sjukhusvistelse och hemsjukvård" part of the person overview: the person's current discharge cases and
enrolment in hemsjukvård, each through the gate (other organisations' only under consent)."""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from nara.access import gate
from nara.directory.actor import Actor
from nara.transitions.models import CaseStatus, DischargeCase, EnrolmentStatus, HomeHealthEnrolment


def for_person(actor: Actor, access: gate.PersonAccess, context: str) -> dict:
    since = timezone.now() - dt.timedelta(days=settings.NARA_CASE_RELATIONSHIP_DAYS)
    cases = DischargeCase.objects.filter(person_id=access.person.pk).filter(
        status__in=(CaseStatus.ADMITTED, CaseStatus.READY)
    ) | DischargeCase.objects.filter(person_id=access.person.pk, discharged_at__gte=since)
    cases = gate.filter_records(
        actor, access, cases.select_related("recorded_by_org", "ward").order_by("-admitted_at"), context
    )
    enrolments = gate.filter_records(
        actor,
        access,
        HomeHealthEnrolment.objects.filter(
            person_id=access.person.pk, status__in=(EnrolmentStatus.REQUESTED, EnrolmentStatus.ENROLLED)
        ).select_related("recorded_by_org", "home_health_unit", "physician"),
        context,
    )
    return {
        "cases": cases.shown,
        "enrolments": enrolments.shown,
        "hidden": [*cases.hidden, *enrolments.hidden],
    }
