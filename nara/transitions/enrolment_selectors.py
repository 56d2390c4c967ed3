"""Reads of enrolments in kommunal hemsjukvård, through the access gate (every person and record shown is logged).

``person_page(actor, person_id, context)`` — the person's enrolments the actor may see (and hidden groups).
``detail(actor, person_id, pk, context)`` — one enrolment with visits, reviews and what the actor may do.
``register(actor, context)`` — the enrolled persons per municipality and per vårdcentral, restricted to what the
actor may see: persons through gate.visible_persons, enrolments through gate.filter_records.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from nara.access import gate
from nara.directory.actor import Actor
from nara.directory.models import Unit
from nara.transitions import enrolment_services as services
from nara.transitions.models import EnrolmentStatus, HomeHealthEnrolment

REGISTER_CONTEXT = "transitions:enrolment_register"


def _qs():
    return HomeHealthEnrolment.objects.select_related(
        "recorded_by_org",
        "recorded_by_unit",
        "recorded_by",
        "municipality",
        "home_health_unit",
        "physician",
        "physician_unit",
        "decided_by",
    )


def _review_overdue(enrolment, today) -> bool:
    return (
        enrolment.status == EnrolmentStatus.ENROLLED
        and enrolment.next_review_on is not None
        and enrolment.next_review_on < today
    )


def person_page(actor: Actor, person_id, context: str) -> dict:
    access = gate.open_person(actor, person_id, context)
    visible = gate.filter_records(actor, access, _qs().filter(person_id=access.person.pk), context)
    active = [e for e in visible.shown if e.status in services.ACTIVE]
    today = access.now.date()
    for e in visible.shown:
        e.review_overdue = _review_overdue(e, today)
    return {
        "person": access.person,
        "access": access,
        "enrolments": visible,
        "active": active[0] if active else None,
        "criteria": services.criteria_for(actor, access.person),
        "may_request": services.may_request(actor, access.person),
        "today": today,
        "nav": "enrolment",
    }


def detail(actor: Actor, person_id, pk, context: str) -> dict:
    access = gate.open_person(actor, person_id, context)
    records = list(_qs().filter(person_id=access.person.pk, pk=pk))
    if not records:
        raise Http404
    visible = gate.filter_records(actor, access, records, context)
    if not visible.shown:
        raise gate.AccessDenied(visible.hidden[0].reason, access.person.pk, visible.hidden[0].blocked)
    enrolment = visible.shown[0]
    today = access.now.date()
    enrolment.review_overdue = _review_overdue(enrolment, today)
    is_muni = services.is_municipality_actor(actor, enrolment)
    is_vc = services.is_physician_unit_actor(actor, enrolment)
    status = enrolment.status
    return {
        "person": access.person,
        "access": access,
        "enrolment": enrolment,
        "visits": list(enrolment.physician_visits.all()),
        "reviews": list(enrolment.reviews.select_related("reviewed_by")),
        "today": today,
        "may_decide": is_muni and status == EnrolmentStatus.REQUESTED,
        "may_end": is_muni and status == EnrolmentStatus.ENROLLED,
        "may_review": (is_muni or is_vc) and status == EnrolmentStatus.ENROLLED,
        "may_set_physician": is_vc and status in services.ACTIVE,
        "may_plan_visits": is_vc and status == EnrolmentStatus.ENROLLED,
        "nav": "enrolment",
    }


@dataclass
class Group:
    name: str
    rows: list = field(default_factory=list)

    @property
    def overdue_count(self) -> int:
        return sum(1 for e in self.rows if e.review_overdue)


@dataclass
class Register:
    by_municipality: list[Group] = field(default_factory=list)
    by_health_centre: list[Group] = field(default_factory=list)
    hidden_count: int = 0
    total: int = 0


def register(actor: Actor, context: str = REGISTER_CONTEXT) -> Register:
    """Enrolled persons of the actor's municipality (municipality units) or of the actor's vårdcentral."""
    result = Register()
    unit = Unit.objects.filter(pk=actor.unit_id).first()
    qs = _qs().filter(status=EnrolmentStatus.ENROLLED)
    if unit is None:
        return result
    if unit.kind in services.MUNICIPALITY_KINDS:
        qs = qs.filter(municipality_id=actor.org_id)
    else:
        qs = qs.filter(Q(physician_unit_id=unit.pk) | Q(person__listed_unit_id=unit.pk))
    enrolments = list(qs.order_by("person__family_name", "person__given_name", "pk"))
    seen = gate.filter_across(actor, enrolments, context)
    result.hidden_count = seen.hidden_count
    by_muni: dict = defaultdict(list)
    by_vc: dict = defaultdict(list)
    for row in seen.shown:
        e = row.record
        e.person = row.person
        e.review_overdue = _review_overdue(e, timezone.localdate())
        by_muni[e.municipality.name].append(e)
        by_vc[e.physician_unit.name if e.physician_unit else ""].append(e)
        result.total += 1
    result.by_municipality = [Group(name, rows) for name, rows in sorted(by_muni.items())]
    result.by_health_centre = [Group(name, rows) for name, rows in sorted(by_vc.items())]
    return result
