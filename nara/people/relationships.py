"""Care-relationship sources owned by the people app (registered with the access gate in apps.ready)."""

from django.db.models import Q

from nara.people.models import CareTeamMember, FixedContact


def listed_at_unit(unit_id, on) -> Q:
    return Q(listed_unit_id=unit_id, date_of_death__isnull=True)


def unit_on_care_team(unit_id, on) -> Q:
    return Q(pk__in=CareTeamMember.objects.current(on).filter(unit_id=unit_id).values("person_id"))


def unit_holds_fixed_contact(unit_id, on) -> Q:
    return Q(pk__in=FixedContact.objects.current(on).filter(unit_id=unit_id).values("person_id"))
