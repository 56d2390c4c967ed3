"""Care-relationship sources of the transitions app (DESIGN.md §4: an open discharge case gives the addressed
units a relationship; so does an enrolment in hemsjukvård to its home health unit and physician's vårdcentral)."""

from django.db.models import Q

from nara.transitions.models import CaseStatus, EnrolmentStatus, HomeHealthEnrolment, Receipt

OPEN = (CaseStatus.ADMITTED, CaseStatus.READY)


def unit_addressed_by_open_case(unit_id, on) -> Q:
    person_ids = Receipt.objects.filter(unit_id=unit_id, event__case__status__in=OPEN).values(
        "event__case__person_id"
    )
    return Q(pk__in=person_ids)


def unit_handles_enrolment(unit_id, on) -> Q:
    active = HomeHealthEnrolment.objects.filter(
        status__in=(EnrolmentStatus.REQUESTED, EnrolmentStatus.ENROLLED)
    )
    person_ids = active.filter(Q(home_health_unit_id=unit_id) | Q(physician_unit_id=unit_id)).values(
        "person_id"
    )
    return Q(pk__in=person_ids)
