"""The access gate: gathers the facts from the database, asks `policy`, and writes the access log.

Every selector that returns personal data goes through here. Nothing is shown that `policy` did not allow, and
every person or record shown leaves one access-log row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from nara.access import policy, registry
from nara.access.models import AdmissionAccess, Block, Consent, EmergencyAccess
from nara.access.policy import ConsentFact, Decision, PersonFacts
from nara.audit import services as audit
from nara.audit.basis import Basis
from nara.audit.models import Action
from nara.directory.actor import Actor
from nara.directory.roles import Capability
from nara.people.models import Person


class AccessDenied(PermissionDenied):
    """Raised with the reason the user is shown (never the personnummer).

    `person_id` is the person the refusal concerns, as far as the raiser knows (it may come from the URL and name
    no existing person); `record` the record refused, if one. Both go to the denial's log row (`log_denied`).
    The 403 page shows the person (an emergency-access link) only when the request's own path carried the same id.
    """

    def __init__(self, reason: str, person_id=None, blocked: bool = False, record=None):
        super().__init__(reason)
        self.reason = reason
        self.person_id = person_id
        self.blocked = blocked
        self.record = record


def now_local() -> dt.datetime:
    return timezone.localtime()


def relationship_persons(actor: Actor, on: dt.date | None = None):
    """Persons the actor's unit has a current care relationship with (a QuerySet)."""
    on = on or timezone.localdate()
    return Person.objects.filter(registry.relationship_q(actor.unit_id, on))


def open_emergencies(actor: Actor, now=None):
    """The actor's emergency accesses that passed step two and have neither expired nor been closed."""
    return EmergencyAccess.objects.filter(
        user_id=actor.user_id,
        opened_at__isnull=False,
        closed_at__isnull=True,
        expires_at__gt=now or now_local(),
    )


def open_emergency(actor: Actor, person_id, now=None) -> EmergencyAccess | None:
    """The actor's open emergency access for the person, if any (shown with a button to close it early)."""
    return open_emergencies(actor, now).filter(person_id=person_id).order_by("-expires_at").first()


def facts_for_many(actor: Actor, person_ids, now=None) -> dict:
    """PersonFacts for several persons at once, in a fixed number of queries."""
    now = now or now_local()
    ids = list(person_ids)
    related = set(relationship_persons(actor, now.date()).filter(pk__in=ids).values_list("pk", flat=True))
    consents: dict = defaultdict(list)
    consent_rows = Consent.objects.filter(person_id__in=ids, receiving_org_id=actor.org_id).prefetch_related(
        "source_orgs"
    )
    for c in consent_rows:
        sources = None if c.all_sources else frozenset(o.pk for o in c.source_orgs.all())
        consents[c.person_id].append(
            ConsentFact(
                c.receiving_org_id,
                sources,
                c.valid_from,
                c.valid_to,
                c.withdrawn_at,
                registry.consent_scope_record_types(c.scope),
            )
        )
    blocks: dict = defaultdict(set)
    for pid, org_id in Block.objects.filter(person_id__in=ids, lifted_at__isnull=True).values_list(
        "person_id", "blocked_org_id"
    ):
        blocks[pid].add(org_id)
    emergency: dict = {}
    for pid, until in (
        open_emergencies(actor, now).filter(person_id__in=ids).values_list("person_id", "expires_at")
    ):
        emergency[pid] = max(until, emergency.get(pid, until))
    return {
        pid: PersonFacts(
            has_relationship=pid in related,
            consents=tuple(consents[pid]),
            blocked_org_ids=frozenset(blocks[pid]),
            emergency_until=emergency.get(pid),
        )
        for pid in ids
    }


def facts_for(actor: Actor, person_id, now=None) -> PersonFacts:
    return facts_for_many(actor, [person_id], now)[person_id]


@dataclass
class PersonAccess:
    """An opened person: the register row, the facts used, and the decision that let the actor in."""

    person: Person
    facts: PersonFacts
    decision: Decision
    now: dt.datetime
    admission: AdmissionAccess | None = None  # the admission access used (open_person_for_admission)

    @property
    def basis(self) -> str:
        return self.decision.basis or ""

    def decide(self, actor: Actor, org_id: int, org_name: str = "", record_type: str | None = None) -> Decision:
        """May the actor see data about this person that `org_id` recorded (no record object needed)? With
        `record_type` (the model label) a consent limited to a scope of record types counts too."""
        return policy.may_see_record(actor, self.facts, org_id, org_name, self.now, record_type)


def open_person(actor: Actor, person_id, context: str, log: bool = True) -> PersonAccess:
    """Load a person for the actor or raise AccessDenied with the reason. Logs the register read."""
    now = now_local()
    try:
        person = Person.objects.select_related("municipality", "listed_unit").get(pk=person_id)
    except (Person.DoesNotExist, ValidationError, ValueError):
        raise AccessDenied(_("Personen finns inte eller så saknar du behörighet."), None) from None
    facts = facts_for(actor, person.pk, now)
    decision = policy.may_see_person(actor, facts, now)
    if not decision.allowed:
        raise AccessDenied(decision.reason, person.pk)
    if log:
        audit.record(actor, person.pk, Action.READ, "people.person", person.pk, decision.basis, context)
    return PersonAccess(person, facts, decision, now)


def open_persons(
    actor: Actor,
    person_ids,
    context: str,
    *,
    action: str = Action.READ,
    record_type: str = "people.person",
    record_id=None,
    log: bool = True,
    now=None,
) -> dict:
    """The persons among `person_ids` the actor may see, each opened as by `open_person`: {id: PersonAccess}.

    A fixed number of queries whatever the number of persons. Each person returned leaves one log row: by
    default the register read of the person itself; a list page that shows something else about each person
    (a risk-list row) names it with `record_type` and `record_id`. Persons not allowed are left out silently
    (a list never tells why a person is missing).
    """
    now = now or now_local()
    ids = {pid for pid in person_ids if pid is not None}
    if not ids or not actor.can(Capability.PERSON_DATA):
        return {}
    facts = facts_for_many(actor, ids, now)
    decisions = {pid: policy.may_see_person(actor, f, now) for pid, f in facts.items()}
    allowed = [pid for pid, d in decisions.items() if d.allowed]
    persons = Person.objects.select_related("municipality", "listed_unit").in_bulk(allowed)
    out = {pid: PersonAccess(persons[pid], facts[pid], decisions[pid], now) for pid in allowed if pid in persons}
    if log and out:
        audit.record_many(
            actor,
            [(pid, record_type, pid if record_id is None else record_id, a.basis) for pid, a in out.items()],
            action,
            context,
        )
    return out


@dataclass
class Seen:
    """One record of a list across persons and the gate's decision on it (`access` None: person not visible)."""

    record: object
    access: PersonAccess | None
    decision: Decision

    @property
    def person(self) -> Person | None:
        return self.access.person if self.access else None


@dataclass
class Across:
    """The outcome of `filter_across`: every record with its decision, in the order given."""

    rows: list[Seen] = field(default_factory=list)
    accesses: dict = field(default_factory=dict)  # person id -> PersonAccess, for every person shown

    @property
    def shown(self) -> list[Seen]:
        return [r for r in self.rows if r.decision.allowed]

    @property
    def hidden_count(self) -> int:
        return sum(1 for r in self.rows if not r.decision.allowed)


_NOT_VISIBLE = Decision(False, reason="")


def filter_across(
    actor: Actor,
    records,
    context: str,
    *,
    person_of=None,
    log: bool = True,
    action: str = Action.READ,
    persons_of_hidden: bool = False,
    now=None,
) -> Across:
    """The one gate call for list pages that span many persons (work lists, inboxes, registers, overviews).

    For each record: is its person visible to the actor (`policy.may_see_person`), and is the record itself
    (`policy.may_see_record`: own organisation, or another's with consent and no block)? Every person shown
    leaves one register-read row and every record shown one row with its own basis; hidden records are only
    counted. `person_of(record)` gives the person id (default `record.person_id`); the record must have
    `recorded_by_org_id` (and `recorded_by_org` for the hidden reason). With `persons_of_hidden` the page also
    shows the person of a hidden record (an inbox row saying that a case exists), so that read is logged too.
    """
    records = list(records)
    person_of = person_of or (lambda rec: rec.person_id)
    accesses = open_persons(actor, {person_of(r) for r in records}, context, log=False, now=now)
    result = Across(accesses=accesses)
    entries = []
    for rec in records:
        access = accesses.get(person_of(rec))
        if access is None:
            result.rows.append(Seen(rec, None, _NOT_VISIBLE))
            continue
        decision = access.decide(actor, rec.recorded_by_org_id, _org_name(rec), rec._meta.label_lower)
        result.rows.append(Seen(rec, access, decision))
        if decision.allowed:
            entries.append((access.person.pk, rec._meta.label_lower, rec.pk, decision.basis))
    shown_persons = {
        r.access.person.pk: r.access
        for r in result.rows
        if r.access is not None and (r.decision.allowed or persons_of_hidden)
    }
    result.accesses = shown_persons
    # With persons_of_hidden a page of hidden records only still shows (and logs) their persons.
    if log and (entries or shown_persons):
        audit.record_many(
            actor,
            [(pid, "people.person", pid, a.basis) for pid, a in shown_persons.items()]
            + list(dict.fromkeys(entries)),
            action,
            context,
        )
    return result


def _org_name(record) -> str:
    org = getattr(record, "recorded_by_org", None)
    return org.name if org is not None else ""


def log_persons(actor: Actor, accesses, context: str, action: str = Action.READ) -> None:
    """Log the register read of persons opened with `open_persons(log=False)` that the page then showed."""
    entries = [(a.person.pk, "people.person", a.person.pk, a.basis) for a in accesses]
    if entries:
        audit.record_many(actor, entries, action, context)


def log_records(actor: Actor, access: PersonAccess, records, context: str, action: str = Action.READ) -> None:
    """Log records of an opened person that were shown (or printed) with their own basis.

    For records the caller already decided on (`filter_records`, `open_one` …) and now prints or shows again.
    """
    entries = [
        (
            access.person.pk,
            rec._meta.label_lower,
            rec.pk,
            access.decide(actor, rec.recorded_by_org_id, record_type=rec._meta.label_lower).basis or "",
        )
        for rec in records
    ]
    if entries:
        audit.record_many(actor, entries, action, context)


def log_register_records(actor: Actor, access: PersonAccess, records, context: str) -> None:
    """Log register records (consents, blocks) every carer with a relationship sees, with the person's basis."""
    entries = [(access.person.pk, rec._meta.label_lower, rec.pk, access.basis) for rec in records]
    if entries:
        audit.record_many(actor, entries, Action.READ, context)


def denied_reason(denied: PermissionDenied) -> str:
    """What the user is told: the gate's reason, or for a plain PermissionDenied (a page the role may not open)
    the 403 page's sentence."""
    return getattr(denied, "reason", "") or _("Du har inte behörighet till den här sidan under ditt nuvarande uppdrag.")


def log_denied(actor: Actor, denied: PermissionDenied, context: str) -> None:
    """The one access-log row of a refused attempt (written where the refusal becomes the 403 page, after the
    request's transaction has been rolled back): who, unit, the person, the record if the refusal named one,
    `context` (the request) and the reason shown. The person only when the id names an existing person: a made-up
    id in a URL is logged without person, as is a refusal that named none."""
    person_id = getattr(denied, "person_id", None)
    if person_id is not None:
        try:
            if not Person.objects.filter(pk=person_id).exists():
                person_id = None
        except (ValidationError, ValueError):
            person_id = None
    record = getattr(denied, "record", None)
    audit.record_denied(
        actor,
        person_id,
        denied_reason(denied),
        context,
        record._meta.label_lower if record is not None else "",
        record.pk if record is not None else None,
    )


def may_see_person(actor: Actor, person_id, now=None) -> bool:
    """Whether the actor may see the person at all (nothing is logged: the caller shows nothing yet)."""
    now = now or now_local()
    return policy.may_see_person(actor, facts_for(actor, person_id, now), now).allowed


def sees_data_of(actor: Actor, orgs_by_person: dict, now=None) -> set:
    """The persons among the keys of `orgs_by_person` ({person id: organisation ids}) about whom the actor may
    now see what every one of those organisations recorded: for each, the decision of `PersonAccess.decide`
    (`policy.may_see_record`: own organisation; another's with a valid consent and no block; an open emergency
    access). For a summary built from several organisations' data (the risk list's "all" scope), shown only when
    every part of it could be. A fixed number of queries; nothing is shown, so nothing is logged."""
    now = now or now_local()
    if not orgs_by_person:
        return set()
    facts = facts_for_many(actor, orgs_by_person, now)
    return {
        pid for pid, orgs in orgs_by_person.items()
        if policy.may_see_person(actor, facts[pid], now).allowed
        and all(policy.may_see_record(actor, facts[pid], org_id, "", now).allowed for org_id in orgs)
    }


def _unit_kind(actor: Actor) -> str | None:
    from nara.directory.models import Unit

    return Unit.objects.filter(pk=actor.unit_id).values_list("kind", flat=True).first()


def open_admission_access(actor: Actor, person_id, now=None) -> AdmissionAccess | None:
    """The actor's own admission access for the person at this unit that is still open (not expired, no notice
    sent yet), if any."""
    return (
        AdmissionAccess.objects.filter(
            person_id=person_id,
            user_id=actor.user_id,
            unit_id=actor.unit_id,
            notice_sent_at__isnull=True,
            expires_at__gt=now or now_local(),
        )
        .order_by("-opened_at")
        .first()
    )


def admission_decision(actor: Actor, evidence: bool) -> Decision:
    """May the actor open a person without a relationship to send the admission notice, given the evidence?"""
    return policy.may_register_admission(actor, _unit_kind(actor), evidence)


def open_person_for_admission(actor: Actor, person_id, context: str, log: bool = True) -> PersonAccess:
    """Like open_person, but a ward may also open a person it has no relationship with yet, to send the
    admission notice: only with an open AdmissionAccess of this user at this unit (the whole personnummer typed,
    and a reason; policy.may_register_admission). The opaque id alone is refused with the way in (search).
    Logs the register read with the basis used; `PersonAccess.admission` is the admission access used."""
    try:
        return open_person(actor, person_id, context, log=log)
    except AccessDenied as denied:
        if denied.person_id is None:
            raise
        now = now_local()
        admission = open_admission_access(actor, denied.person_id, now)
        decision = admission_decision(actor, admission is not None)
        if not decision.allowed:
            if _unit_kind(actor) != "ward" or not actor.can(Capability.PERSON_DATA):
                raise
            raise AccessDenied(decision.reason, denied.person_id) from None
    person = Person.objects.select_related("municipality", "listed_unit").get(pk=person_id)
    if log:
        audit.record(actor, person.pk, Action.READ, "people.person", person.pk, decision.basis, context)
    return PersonAccess(person, facts_for(actor, person.pk, now), decision, now, admission)


@dataclass
class HiddenGroup:
    org_name: str
    reason: str
    blocked: bool
    count: int


@dataclass
class Visible:
    shown: list = field(default_factory=list)
    hidden: list[HiddenGroup] = field(default_factory=list)


def filter_records(actor: Actor, access: PersonAccess, records, context: str, log: bool = True) -> Visible:
    """Keep the records the actor may see; group the rest by organisation and reason. Logs every shown record."""
    result = Visible()
    hidden: dict = {}
    entries = []
    for rec in records:
        decision = policy.may_see_record(
            actor, access.facts, rec.recorded_by_org_id, rec.recorded_by_org.name, access.now, rec._meta.label_lower
        )
        if decision.allowed:
            result.shown.append(rec)
            entries.append((access.person.pk, rec._meta.label_lower, rec.pk, decision.basis))
        else:
            key = (rec.recorded_by_org_id, decision.reason)
            group = hidden.get(key)
            if group is None:
                group = hidden[key] = HiddenGroup(
                    rec.recorded_by_org.name, decision.reason, decision.blocked, 0
                )
            group.count += 1
    result.hidden = list(hidden.values())
    if log and entries:
        audit.record_many(actor, entries, Action.READ, context)
    return result


def require_write(actor: Actor, person_id, capability: str, context: str) -> PersonAccess:
    """The actor may add or change data about the person: capability + care relationship (or emergency)."""
    if not actor.can(capability):
        raise AccessDenied(_("Din roll får inte göra den här ändringen."), person_id)
    return open_person(actor, person_id, context, log=False)


def may_change_record(actor: Actor, record) -> bool:
    """A record is changed only by its own organisation (another organisation adds its own record instead)."""
    return record.recorded_by_org_id == actor.org_id


def require_own_record(actor: Actor, record) -> None:
    if not may_change_record(actor, record):
        raise AccessDenied(
            _("Uppgiften är registrerad av en annan huvudman och kan bara ändras där."), record.person_id,
            record=record,
        )


def where_data_exists(person_id) -> list[tuple[str, str, int]]:
    """Emergency step one: (organisation, record type label, count) for every record about the person."""
    out = []
    for rt in registry.RECORD_TYPES.values():
        rows = (
            rt.model.objects.filter(person_id=person_id)
            .values_list("recorded_by_org__name")
            .annotate(n=Count("pk"))
            .order_by()
        )
        out.extend((org, str(rt.label), n) for org, n in rows)
    return sorted(out)


def orgs_holding_data(person_id) -> list[int]:
    """The organisations that recorded data about the person (the ids behind `where_data_exists`): an emergency
    access opens all of it, so each of them gets the step's log row."""
    ids: set[int] = set()
    for rt in registry.RECORD_TYPES.values():
        ids.update(rt.model.objects.filter(person_id=person_id).values_list("recorded_by_org_id", flat=True))
    return sorted(ids)


class PersonList(list):
    truncated = False


def visible_persons(
    actor: Actor, queryset, context: str, log: bool = True, limit: int | None = None
) -> PersonList:
    """Restrict a Person queryset to what the actor may see and log every person shown (for list pages).

    With `limit`, at most that many are returned (and logged); `truncated` tells whether more matched.
    """
    result = PersonList()
    if not actor.can(Capability.PERSON_DATA):
        return result
    now = now_local()
    open_emergency = open_emergencies(actor, now).values("person_id")
    qs = queryset.filter(registry.relationship_q(actor.unit_id, now.date()) | Q(pk__in=open_emergency))
    persons = list(qs[: limit + 1] if limit is not None else qs)
    if limit is not None and len(persons) > limit:
        persons, result.truncated = persons[:limit], True
    result.extend(persons)
    if log and persons:
        emergency_ids = set(open_emergency.values_list("person_id", flat=True))
        audit.record_many(
            actor,
            [
                (
                    p.pk,
                    "people.person",
                    p.pk,
                    Basis.EMERGENCY if p.pk in emergency_ids else Basis.RELATIONSHIP,
                )
                for p in persons
            ],
            Action.READ,
            context,
        )
    return result
