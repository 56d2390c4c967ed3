"""Reads for the start page of a unit. Persons shown go through the access gate and the log."""

from django.utils import timezone

from nara.access import gate
from nara.directory.actor import Actor
from nara.directory.roles import Capability
from nara.people.models import FixedContact, Person


def start_page(actor: Actor) -> dict:
    context: dict = {}
    if actor.can(Capability.PERSON_DATA):
        # Counting is not a read of anyone's data; only the named persons below are logged.
        context["listed_count"] = Person.objects.filter(
            listed_unit_id=actor.unit_id, date_of_death__isnull=True
        ).count()
        mine = FixedContact.objects.current().filter(staff_id=actor.user_id).values("person_id")
        context["my_persons"] = gate.visible_persons(
            actor,
            Person.objects.filter(pk__in=mine).order_by("family_name", "given_name"),
            "start:my_persons",
        )
    context["today"] = timezone.localdate()
    return context
