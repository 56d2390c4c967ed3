"""Care-relationship sources of the transitions app (DESIGN.md §4), registered in apps.py:
- a discharge case gives its ward and the units it is addressed to (their receipts) a relationship while it is
  open and for NARA_CASE_RELATIONSHIP_DAYS after discharge (the discharge information, trygg hemgång);
- an open trygg hemgång task gives its responsible unit one until it is done (the case may be closed by then);
- an enrolment in hemsjukvård gives its home health unit and the physician's vårdcentral one, and while it is
  only requested, the municipality's home health and needs assessment units that decide on it.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from nara.directory.models import Unit
from nara.transitions.models import (
    CaseStatus,
    DischargeCase,
    EnrolmentStatus,
    FollowUpTask,
    HomeHealthEnrolment,
    Receipt,
)

OPEN = (CaseStatus.ADMITTED, CaseStatus.READY)
DECIDING_UNITS = (Unit.Kind.HOME_HEALTH, Unit.Kind.NEEDS_ASSESSMENT)


def _current_cases(on):
    since = timezone.make_aware(
        dt.datetime.combine(on - dt.timedelta(days=settings.NARA_CASE_RELATIONSHIP_DAYS), dt.time.min)
    )
    return DischargeCase.objects.filter(
        Q(status__in=OPEN) | Q(status=CaseStatus.DISCHARGED, discharged_at__gte=since)
    )


def unit_addressed_by_open_case(unit_id, on) -> Q:
    cases = _current_cases(on)
    addressed = Receipt.objects.filter(unit_id=unit_id, event__case__in=cases).values("event__case__person_id")
    at_ward = cases.filter(ward_id=unit_id).values("person_id")
    return Q(pk__in=addressed) | Q(pk__in=at_ward)


def unit_has_open_follow_up(unit_id, on) -> Q:
    person_ids = FollowUpTask.objects.filter(responsible_unit_id=unit_id, done_at__isnull=True).values(
        "case__person_id"
    )
    return Q(pk__in=person_ids)


def unit_handles_enrolment(unit_id, on) -> Q:
    enrolments = HomeHealthEnrolment.objects.filter(
        Q(status=EnrolmentStatus.ENROLLED, home_health_unit_id=unit_id)
        | Q(status__in=(EnrolmentStatus.REQUESTED, EnrolmentStatus.ENROLLED), physician_unit_id=unit_id)
        | Q(
            status=EnrolmentStatus.REQUESTED,
            municipality__units__id=unit_id,
            municipality__units__kind__in=DECIDING_UNITS,
        )
    )
    return Q(pk__in=enrolments.values("person_id"))
