"""Reads of the shared register, all through the access gate (which also writes the access log)."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from nara.access import gate
from nara.access.models import Block, Consent
from nara.directory.actor import Actor
from nara.directory.roles import Capability
from nara.people import panels
from nara.people.models import CareTeamMember, FixedContact, Person, Relative

SEARCH_LIMIT = 50


@dataclass
class SearchResult:
    persons: list
    outside_relationship: Person | None = None  # exact personnummer hit without relationship (emergency path)
    truncated: bool = False


def search(actor: Actor, text: str, pnr=None) -> SearchResult:
    if pnr is not None:
        qs = Person.objects.filter(personnummer=pnr.canonical)
        persons = gate.visible_persons(actor, qs, "people:search")
        outside = None
        if not persons and (actor.can(Capability.EMERGENCY) or _at_ward(actor)):
            # The user typed the whole number: telling that the person exists lets them start emergency access,
            # or at a ward send the admission notice (policy.may_register_admission).
            outside = qs.first()
        return SearchResult(persons, outside)
    words = text.split()
    qs = Person.objects.all()
    for word in words:
        qs = qs.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    persons = gate.visible_persons(
        actor, qs.order_by("family_name", "given_name"), "people:search", limit=SEARCH_LIMIT
    )
    return SearchResult(persons, None, persons.truncated)


def _at_ward(actor: Actor) -> bool:
    from nara.directory.models import Unit

    return actor.can(Capability.PERSON_DATA) and Unit.objects.filter(pk=actor.unit_id, kind=Unit.Kind.WARD).exists()


RECORD_KINDS = {
    "relatives": (Relative, _("Närstående")),
    "fixed_contacts": (FixedContact, _("Fasta kontakter")),
    "care_team": (CareTeamMember, _("Vårdteam")),
}


def records(actor: Actor, access: gate.PersonAccess, kind: str, context: str) -> gate.Visible:
    model = RECORD_KINDS[kind][0]
    qs = model.objects.filter(person=access.person).select_related("recorded_by_org", "recorded_by_unit")
    if kind == "fixed_contacts":
        qs = qs.select_related("staff", "unit")
    elif kind == "care_team":
        qs = qs.select_related("unit__organisation", "staff")
    return gate.filter_records(actor, access, qs, context)


def overview(actor: Actor, person_id) -> dict:
    """Everything on the person overview page, each part filtered by the gate and logged."""
    access = gate.open_person(actor, person_id, "people:overview")
    context = "people:overview"
    consents = list(
        Consent.objects.filter(person=access.person)
        .select_related("receiving_org", "recorded_by_org")
        .prefetch_related("source_orgs")
    )
    blocks = list(
        Block.objects.filter(person=access.person, lifted_at__isnull=True).select_related(
            "blocked_org", "recorded_by_org"
        )
    )
    # Consent and block status is register information every carer with a relationship needs to see.
    gate.log_register_records(actor, access, [*consents, *blocks], context)
    return {
        "access": access,
        "person": access.person,
        "fixed_contacts": records(actor, access, "fixed_contacts", context),
        "care_team": records(actor, access, "care_team", context),
        "relatives": records(actor, access, "relatives", context),
        "consents": consents,
        "valid_consents": [c for c in consents if c.is_valid()],
        "blocks": blocks,
        "emergency": gate.open_emergency(actor, access.person.pk, access.now),
        **panels.build(actor, access, context),
    }
