"""Reads for the risk list ("Identifiera") and the analysts' counts. Identities only through the access gate.

A risk-list row starts pseudonymous (`risklist.Row`). It is re-identified only when the pseudonym has a
re-identification key, the key's personnummer is a person in the register, and the gate lets the actor see that
person (a care relationship, e.g. listed at the actor's unit, or an open emergency access). Every identified row
shown writes one access-log row (record type "identify.risklist", the run's id).

The criteria of a person summarise encounters, and other organisations' encounters follow the record rule of the
timeline: the list, the person's risk page, the export, opening a row and a decision all take the scope of each
person from `full_view` (the "all" scope only when the gate lets the actor see every other organisation's data
about the person; else the own organisation's data, with a note).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from nara.access import gate
from nara.audit import services as audit
from nara.audit.models import Action
from nara.core import suppression
from nara.directory.actor import Actor
from nara.directory.models import Organisation, Unit
from nara.directory.roles import Capability
from nara.identify import risklist
from nara.identify.models import ReidentificationKey, RiskDecision, RiskRun
from nara.identify.pseudonym import pseudonym as make_pseudonym
from nara.people.models import Person

RECORD_TYPE = "identify.risklist"


def unit_for(actor: Actor) -> Unit:
    return Unit.objects.get(pk=actor.unit_id)


def may_use_risk_list(actor: Actor, unit: Unit | None = None) -> bool:
    """Risk lists are the vårdcentral's tool: person data capability, acting for a health centre."""
    unit = unit or unit_for(actor)
    return actor.can(Capability.PERSON_DATA) and unit.kind == Unit.Kind.HEALTH_CENTRE


def require_risk_list(actor: Actor) -> Unit:
    if not actor.can(Capability.PERSON_DATA):
        raise gate.AccessDenied(_("Din roll ger inte åtkomst till uppgifter om enskilda personer."))
    unit = unit_for(actor)
    if unit.kind != Unit.Kind.HEALTH_CENTRE:
        raise gate.AccessDenied(_("Risklistor finns för vårdcentraler. Byt uppdrag till en vårdcentral."))
    return unit


@dataclass
class ListRow:
    row: risklist.Row
    person: Person | None = None
    has_key: bool = False
    last_decision: RiskDecision | None = None

    @property
    def identified(self) -> bool:
        return self.person is not None


@dataclass
class RiskList:
    unit: Unit
    run: RiskRun | None
    page: risklist.Page | None = None
    rows: list[ListRow] = field(default_factory=list)
    definitions: list[tuple[str, str]] = field(default_factory=list)  # (id, name) for the filter
    definition: str | None = None  # the filter applied (one of `definitions`)
    missing_file: bool = False


def _keys(pseudonyms) -> dict[str, str]:
    return dict(
        ReidentificationKey.objects.filter(pseudonym__in=list(pseudonyms)).values_list("pseudonym", "personnummer")
    )


def _person_ids(pseudonyms) -> dict[str, int]:
    """Pseudonym → register person id, for the pseudonyms with a key whose personnummer is in the register."""
    keys = _keys(pseudonyms)
    by_pnr = dict(Person.objects.filter(personnummer__in=set(keys.values())).values_list("personnummer", "pk"))
    return {p: by_pnr[pnr] for p, pnr in keys.items() if pnr in by_pnr}


def full_view(actor: Actor, run: RiskRun, unit: Unit, pseudonyms=None, persons: dict | None = None) -> frozenset:
    """The pseudonyms of the unit's list (or of `pseudonyms`) shown in the "all" scope: the person's data comes
    from other organisations too, every one of them at a unit the directory knows, and the gate lets the actor
    see each one's data about the person now (`gate.sees_data_of`: consent without block, or emergency access).
    Everyone else on the list is shown in the own scope. `persons` maps pseudonyms to register ids when the
    caller knows them (an opened person); else the re-identification keys do. Nothing is logged here."""
    others = risklist.other_organisations(run, unit.hsa_id, pseudonyms)
    if not others:
        return frozenset()
    persons = _person_ids(others) if persons is None else persons
    wanted: dict = {}
    for p, orgs in others.items():
        if p in persons:
            wanted.setdefault(persons[p], set()).update(orgs)
    seeing = gate.sees_data_of(actor, wanted)
    return frozenset(p for p in others if persons.get(p) in seeing)


def shown_row(actor: Actor, run: RiskRun, unit: Unit, pseudonym: str, person_id=None) -> risklist.Row | None:
    """The person's row on the unit's list as the actor sees it (None: not on the list for the actor)."""
    persons = {pseudonym: person_id} if person_id is not None else None
    full = full_view(actor, run, unit, [pseudonym], persons)
    return risklist.person_row(run, unit.hsa_id, pseudonym, full=full)


def latest_decisions(actor: Actor, person_ids) -> dict:
    """The latest risk-list decision per person recorded by the actor's own organisation (own-org basis)."""
    latest = (
        RiskDecision.objects.filter(person_id=OuterRef("person_id"), recorded_by_org_id=actor.org_id)
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    rows = (
        RiskDecision.objects.filter(person_id__in=list(person_ids), recorded_by_org_id=actor.org_id)
        .filter(pk=Subquery(latest))
        .select_related("recorded_by", "recorded_by_unit")
    )
    return {d.person_id: d for d in rows}


def reidentify(actor: Actor, rows: list[risklist.Row], run: RiskRun, context: str, action=Action.READ,
               log: bool = True) -> list[ListRow]:
    """Attach the register person to every row the actor may see; log one row per identified person."""
    keys = _keys(r.pseudonym for r in rows)
    candidates = dict(
        Person.objects.filter(personnummer__in=set(keys.values())).values_list("personnummer", "pk")
    )
    # Each identified row is logged as this run's risk-list row of the person (or its export), with the basis.
    accesses = gate.open_persons(
        actor, candidates.values(), context, action=action, record_type=RECORD_TYPE, record_id=run.pk, log=log
    )
    out = []
    for r in rows:
        access = accesses.get(candidates.get(keys.get(r.pseudonym, "")))
        out.append(ListRow(r, access.person if access else None, r.pseudonym in keys))
    shown = [lr.person for lr in out if lr.person is not None]
    if shown:
        decisions = latest_decisions(actor, [p.pk for p in shown])
        for lr in out:
            if lr.person is not None:
                lr.last_decision = decisions.get(lr.person.pk)
    return out


def risk_list(actor: Actor, definition: str | None = None, page: int = 1) -> RiskList:
    unit = require_risk_list(actor)
    run = risklist.latest_run()
    result = RiskList(unit, run)
    if run is None:
        return result
    try:
        full = full_view(actor, run, unit)
        names = risklist.definition_names()
        result.definitions = [(d, names.get(d, d)) for d in risklist.unit_definitions(run, unit.hsa_id, full)]
        if definition in dict(result.definitions):
            result.definition = definition
        result.page = risklist.unit_page(run, unit.hsa_id, result.definition, page, full=full)
    except risklist.ResultsMissing:
        result.missing_file = True
        return result
    result.rows = reidentify(actor, result.page.rows, run, "identify:risklist")
    return result


def export_rows(actor: Actor, definition: str | None = None) -> tuple[RiskList, list[ListRow]]:
    """Every identified row of the unit's list (the CSV export); logs one EXPORT row per person."""
    unit = require_risk_list(actor)
    run = risklist.latest_run()
    result = RiskList(unit, run)
    if run is None:
        return result, []
    try:
        page = risklist.unit_page(run, unit.hsa_id, definition or None, page_size=None,
                                  full=full_view(actor, run, unit))
    except risklist.ResultsMissing:
        result.missing_file = True
        return result, []
    rows = reidentify(actor, page.rows, run, "identify:export", action=Action.EXPORT)
    return result, [r for r in rows if r.identified]


@dataclass
class PersonRisk:
    access: gate.PersonAccess
    run: RiskRun | None
    row: risklist.Row | None
    decisions: gate.Visible
    on_unit_list: bool


def person_risk(actor: Actor, person_id, context: str = "identify:person") -> PersonRisk:
    """The person's criteria on the unit's latest list (in the scope the list shows) and the decisions the actor
    may see (all logged)."""
    require_risk_list(actor)
    unit = unit_for(actor)
    access = gate.open_person(actor, person_id, context)
    run = risklist.latest_run()
    row = None
    if run is not None:
        try:
            row = shown_row(actor, run, unit, make_pseudonym(access.person.personnummer), access.person.pk)
        except risklist.ResultsMissing:
            row = None
    if row is not None:
        audit.record(actor, access.person.pk, Action.READ, RECORD_TYPE, run.pk, access.basis, context)
    decisions = RiskDecision.objects.filter(person=access.person).select_related(
        "recorded_by_org", "recorded_by_unit", "recorded_by"
    )
    visible = gate.filter_records(actor, access, decisions, context)
    return PersonRisk(access, run, row, visible, row is not None)


# --- Aggregates for analysts and managers ------------------------------------------------------------------


@dataclass
class StatsTable:
    title: str
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[tuple[str, list[suppression.Cell]]]  # (label, [count per column])
    totals: list[suppression.Cell]


@dataclass
class Stats:
    run: RiskRun | None
    tables: list[StatsTable] = field(default_factory=list)
    missing_file: bool = False
    limit: int = 5


def require_aggregates(actor: Actor) -> None:
    if not actor.can(Capability.AGGREGATES):
        raise gate.AccessDenied(_("Din roll ger inte åtkomst till sammanställd statistik."))


def _table(title: str, table: risklist.CountTable, labels: dict, limit: int) -> StatsTable:
    names = risklist.definition_names()
    # The results hold flagged persons only, so "at least one criterion" is the number of persons on the lists.
    columns = [(risklist.ANY, _("Minst ett kriterium"))]
    columns += [(d, names.get(d, d)) for d in table.definitions]
    cells, totals = suppression.counts_table(table.groups, [c for c, _label in columns], table.counts, limit)
    rows = [
        (labels.get(g) or (g if g else _("Ej listad/okänd")), [cells[(g, c)] for c, _label in columns])
        for g in table.groups
    ]
    return StatsTable(title, columns, rows, [totals[c] for c, _label in columns])


def statistics(actor: Actor) -> Stats:
    """Counts per criterion per unit and per municipality; small cells suppressed. Never an identity."""
    require_aggregates(actor)
    limit = settings.NARA_SMALL_CELL_LIMIT
    run = risklist.latest_run()
    stats = Stats(run, limit=limit)
    if run is None:
        return stats
    try:
        by_unit = risklist.counts(run, "listed_unit_hsa")
        by_municipality = risklist.counts(run, "municipality_code")
    except risklist.ResultsMissing:
        stats.missing_file = True
        return stats
    unit_names = dict(Unit.objects.filter(hsa_id__in=[g for g in by_unit.groups if g]).values_list("hsa_id", "name"))
    municipality_names = dict(
        Organisation.objects.filter(
            kind=Organisation.Kind.MUNICIPALITY, municipality_code__in=[g for g in by_municipality.groups if g]
        ).values_list("municipality_code", "name")
    )
    stats.tables = [
        _table(_("Per vårdcentral (listning)"), by_unit, unit_names, limit),
        _table(_("Per kommun (folkbokföring)"), by_municipality, municipality_names, limit),
    ]
    return stats
