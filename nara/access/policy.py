"""The access policy of DESIGN.md §4 as plain functions over explicit inputs.

Nothing here touches the database or the request: `gate.py` gathers the facts, this module decides. That keeps
the rule in one place and lets the access matrix test every combination directly.

Order of the rules:
1. The role must allow reading personal data at all (analysts see aggregates only).
2. An open emergency access of this user for this person allows everything, blocked data included; it is
   logged with basis "emergency" and followed up.
3. Without a current care relationship nothing is shown.
4. Data recorded by the user's own organisation is shown (inre sekretess: relationship + own organisation).
5. Data recorded by another organisation is hidden when the person has blocked that organisation's data; the
   user learns only that blocked data exists.
6. Otherwise it is shown when a consent, valid today and not withdrawn, lets the user's organisation take part
   of that organisation's data (of that kind of record, when the consent is limited to a scope such as the
   discharge case); else it is hidden with the reason "Samtycke saknas".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from nara.audit.basis import Basis
from nara.directory.actor import Actor
from nara.directory.roles import Capability


@dataclass(frozen=True)
class ConsentFact:
    receiving_org_id: int
    source_org_ids: frozenset[int] | None  # None: all organisations
    valid_from: dt.date
    valid_to: dt.date | None
    withdrawn_at: dt.datetime | None = None
    record_types: frozenset[str] | None = None  # None: every record; else only these ("transitions.dischargecase")

    def is_valid(self, today: dt.date) -> bool:
        return (
            self.withdrawn_at is None
            and self.valid_from <= today
            and (self.valid_to is None or today <= self.valid_to)
        )

    def covers(
        self, receiving_org_id: int, source_org_id: int, today: dt.date, record_type: str | None = None
    ) -> bool:
        """A scoped consent covers only its record types; asked without a record type it covers nothing."""
        return (
            self.is_valid(today)
            and self.receiving_org_id == receiving_org_id
            and (self.source_org_ids is None or source_org_id in self.source_org_ids)
            and (self.record_types is None or record_type in self.record_types)
        )


@dataclass(frozen=True)
class PersonFacts:
    """What the gate knows about one person for one actor."""

    has_relationship: bool
    consents: tuple[ConsentFact, ...] = ()
    blocked_org_ids: frozenset[int] = field(default_factory=frozenset)
    emergency_until: dt.datetime | None = None


@dataclass(frozen=True)
class Decision:
    allowed: bool
    basis: str | None = None
    reason: str = ""
    blocked: bool = False  # hidden because of a spärr: the user may be told that blocked data exists


def emergency_open(facts: PersonFacts, now: dt.datetime) -> bool:
    return facts.emergency_until is not None and now < facts.emergency_until


def may_see_person(actor: Actor, facts: PersonFacts, now: dt.datetime) -> Decision:
    """May the actor see that the person exists and their register data (name, contacts, consent status)?"""
    if not actor.can(Capability.PERSON_DATA):
        return Decision(False, reason=_("Din roll ger inte åtkomst till uppgifter om enskilda personer."))
    if emergency_open(facts, now):
        return Decision(True, Basis.EMERGENCY)
    if not facts.has_relationship:
        return Decision(False, reason=_("Din enhet har ingen aktuell vårdrelation med personen."))
    return Decision(True, Basis.RELATIONSHIP)


def may_register_admission(actor: Actor, unit_kind: str, evidence: bool) -> Decision:
    """May the actor send an admission notice for a person the unit has no relationship with yet?

    A ward has the admitted patient in its care before Nära knows it (the admission is in the hospital's own
    record). The person's opaque id alone is never a basis: `evidence` says that the admission is shown (the
    whole personnummer typed by this user at this unit, then a reason: an open AdmissionAccess). The case then
    gives the ward its care relationship. Logged with basis "admission" and followed up by a manager.
    """
    if not actor.can(Capability.PERSON_DATA):
        return Decision(False, reason=_("Din roll ger inte åtkomst till uppgifter om enskilda personer."))
    if unit_kind != "ward":
        return Decision(False, reason=_("Bara en vårdavdelning kan skicka inskrivningsmeddelande."))
    if not evidence:
        return Decision(False, reason=admission_evidence_missing())
    return Decision(True, Basis.ADMISSION)


def admission_evidence_missing() -> str:
    return _(
        "Din enhet har ingen aktuell vårdrelation med personen. Är personen inskriven på avdelningen? Sök på hela "
        "personnumret och skriv skälet, så kan du skicka inskrivningsmeddelandet."
    )


def may_see_record(
    actor: Actor,
    facts: PersonFacts,
    record_org_id: int,
    record_org_name: str,
    now: dt.datetime,
    record_type: str | None = None,
) -> Decision:
    """May the actor see one record about the person that `record_org_id` recorded? `record_type` (the model
    label) lets a consent limited to a scope count; without it only consents covering every record do."""
    person = may_see_person(actor, facts, now)
    if not person.allowed or person.basis == Basis.EMERGENCY:
        return person
    if record_org_id == actor.org_id:
        return Decision(True, Basis.OWN_ORG)
    if record_org_id in facts.blocked_org_ids:
        return Decision(
            False,
            reason=_("Personen har spärrat uppgifter från %(org)s.") % {"org": record_org_name},
            blocked=True,
        )
    today = now.date()
    if any(c.covers(actor.org_id, record_org_id, today, record_type) for c in facts.consents):
        return Decision(True, Basis.CONSENT)
    return Decision(False, reason=_("Samtycke saknas för delning från %(org)s.") % {"org": record_org_name})
