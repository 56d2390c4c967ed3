"""Opening a risk-list row: find, link or create the person in the register (one transaction, logged).

The population extract says the pseudonym is listed at the actor's vårdcentral; that is what makes the row the
unit's. The rules, in order:
1. The row must be on the latest run's list for the actor's unit as the actor sees it (`selectors.shown_row`:
   checked on the server; the browser only sends the pseudonym, in a POST body, never in a URL) and the pseudonym
   must have a re-identification key.
2. A person in the register with the key's personnummer whom the actor may see (gate): opened as is.
3. No such person: created from the personnummer (birth date and legal sex follow from it), listed at the actor's
   unit, with the municipality from the results and a placeholder name (`NAME_MISSING`: extracts carry no names).
   Logged as a create.
4. A person in the register who is listed nowhere (and alive): linked — listed at the actor's unit, logged as a
   change.
5. A person listed at another unit in the register: refused. The register and the extract disagree, and a risk
   list must not be a way to take over another unit's patients; the next population import settles it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from nara.access import gate
from nara.audit import services as audit
from nara.audit.basis import Basis
from nara.audit.models import Action
from nara.directory.actor import Actor
from nara.directory.models import Organisation
from nara.identify import risklist
from nara.identify.models import ReidentificationKey
from nara.identify.selectors import require_risk_list, shown_row
from nara.people.models import Person

# Stored as the given name of a person created from a risk list; the family name stays empty. Shown as is, so
# staff see at once that the name must be filled in from the patient record.
NAME_MISSING = "(namn saknas i registret)"
CONTEXT = "identify:open"


@dataclass
class Opened:
    person: Person
    outcome: str  # "existing", "created" or "linked"


def name_missing(person: Person) -> bool:
    return person.given_name == NAME_MISSING


def _new_person(personnummer: str, unit_id: int, municipality_code: str | None) -> Person:
    person = Person(given_name=NAME_MISSING, family_name="", listed_unit_id=unit_id)
    person.set_personnummer(personnummer)
    if municipality_code:
        person.municipality = Organisation.objects.filter(
            kind=Organisation.Kind.MUNICIPALITY, municipality_code=municipality_code
        ).first()
    person.save()
    return person


def open_row(actor: Actor, pseudonym: str) -> Opened:
    unit = require_risk_list(actor)
    run = risklist.latest_run()
    if run is None:
        raise gate.AccessDenied(_("Det finns ingen risklista att öppna från."))
    try:
        row = shown_row(actor, run, unit, pseudonym)
    except risklist.ResultsMissing:
        row = None
    if row is None:
        raise gate.AccessDenied(_("Personen finns inte på enhetens risklista."))
    key = ReidentificationKey.objects.filter(pseudonym=pseudonym).first()
    if key is None:
        raise gate.AccessDenied(
            _("Personen kan inte identifieras: uppgiften saknas i befolkningsuttaget. Kontakta den som sköter "
              "importerna.")
        )
    with transaction.atomic():
        person = Person.objects.select_for_update().filter(personnummer=key.personnummer).first()
        if person is None:
            try:
                with transaction.atomic():
                    person = _new_person(key.personnummer, unit.pk, row.municipality_code)
            except IntegrityError:  # created by a concurrent request a moment ago
                person = Person.objects.select_for_update().get(personnummer=key.personnummer)
            else:
                audit.record(actor, person.pk, Action.CREATE, "people.person", person.pk, Basis.RELATIONSHIP,
                             CONTEXT)
                return Opened(person, "created")
        if gate.may_see_person(actor, person.pk):
            return Opened(person, "existing")
        if person.listed_unit_id is None and person.date_of_death is None:
            Person.objects.filter(pk=person.pk).update(listed_unit_id=unit.pk, version=person.version + 1)
            person.refresh_from_db()
            audit.record(actor, person.pk, Action.CHANGE, "people.person", person.pk, Basis.RELATIONSHIP, CONTEXT)
            return Opened(person, "linked")
    raise gate.AccessDenied(
        _("Personen är enligt registret listad på en annan vårdcentral. Registret uppdateras vid nästa "
          "befolkningsimport; kontakta den som sköter importerna om det inte stämmer.")
    )
