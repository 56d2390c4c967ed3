"""Care-relationship source owned by the plans app: a unit taking part in an open SIP (DESIGN.md §4)."""

from django.db.models import Q

from nara.plans.models.sip import SipParticipant, SipStatus


def unit_takes_part_in_open_sip(unit_id, on) -> Q:
    person_ids = (
        SipParticipant.objects.filter(unit_id=unit_id, removed_at__isnull=True)
        .exclude(sip__status=SipStatus.CLOSED)
        .values("sip__person_id")
    )
    return Q(pk__in=person_ids)
