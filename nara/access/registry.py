"""Which models hold data about a person, and which facts give a unit a care relationship.

Apps register here (in their AppConfig.ready) so the gate can answer "where does data exist" for emergency
access and "who has a care relationship" without knowing every app. Later apps (plans, transitions …) add their
open SIPs, tasks and discharge cases as relationship sources the same way.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, Q


@dataclass(frozen=True)
class RecordType:
    model: type[Model]
    label: str  # shown to users ("Närstående")


RECORD_TYPES: dict[str, RecordType] = {}
# Each source gives, for a unit id and a date, a Q over Person selecting those the unit has a relationship with.
RELATIONSHIP_SOURCES: list[Callable] = []


def register_record_type(model: type[Model], label) -> None:
    RECORD_TYPES[model._meta.label_lower] = RecordType(model, label)


def register_relationship_source(source: Callable) -> None:
    if source not in RELATIONSHIP_SOURCES:
        RELATIONSHIP_SOURCES.append(source)


def relationship_q(unit_id: int, on) -> Q:
    q = Q(pk__in=[])
    for source in RELATIONSHIP_SOURCES:
        q |= source(unit_id, on)
    return q


@dataclass(frozen=True)
class ConsentScope:
    label: str  # shown with the consent ("Uppgifterna i utskrivningsärendet")
    record_types: frozenset[str]  # model labels ("transitions.dischargecase") the consent covers


# A consent with a scope lets the receiver take part only of these record types of the source organisations.
CONSENT_SCOPES: dict[str, ConsentScope] = {}


def register_consent_scope(name: str, label, record_types) -> None:
    CONSENT_SCOPES[name] = ConsentScope(label, frozenset(record_types))


def consent_scope_record_types(scope: str) -> frozenset[str] | None:
    """None: the consent covers every record type. An unknown scope covers nothing (never wider than meant)."""
    if not scope:
        return None
    known = CONSENT_SCOPES.get(scope)
    return known.record_types if known else frozenset()


def consent_scope_label(scope: str) -> str:
    if not scope:
        return ""
    known = CONSENT_SCOPES.get(scope)
    return str(known.label) if known else scope
